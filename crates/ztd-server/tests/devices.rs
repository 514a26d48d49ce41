//! Registered devices over HTTP, on SQLite and PostgreSQL: visibility, filters and paging,
//! re-tagging, deregistration and re-registration elsewhere, export and re-import.

mod batches_support;

use batches_support::*;
use serde_json::{json, Value};
use ztd_server::app::access::AuditActor;
use ztd_server::testing::{error_body, TestApp};
use ztd_storage::{OrgKind, Owner, Role};

ztd_server::both_backends!(
    customer_sees_everything_partner_only_its_own,
    list_filters_and_cursor_paging,
    patch_group_tag_reassigns_at_once,
    deregistration_frees_the_identity,
    export_reimports_unchanged,
    hostile_values_are_refused_at_every_entry_and_exports_skip_old_ones,
    a_hash_backed_registration_replaces_unverified_ones,
);

async fn customer_sees_everything_partner_only_its_own(app: TestApp) {
    let c = connected(&app).await;
    let other_partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    app.connect(&other_partner, &c.customer).await;
    let devices = devices(201, 5);
    register(&app, &c.partner.key, c.customer.id(), batch_body(STANDARD_TAG, json_devices(&devices[..2])))
        .await;
    register(
        &app,
        &other_partner.key,
        c.customer.id(),
        batch_body(STANDARD_TAG, json_devices(&devices[2..4])),
    )
    .await;
    register(&app, &c.customer.key, c.customer.id(), batch_body(STANDARD_TAG, json_devices(&devices[4..])))
        .await;

    let all = list_all(&app, &c.customer.key, c.customer.id(), "").await;
    assert_eq!(all.len(), 5);
    let by_partner =
        list_all(&app, &c.customer.key, c.customer.id(), &format!("&registered_by={}", c.partner.id())).await;
    assert_eq!(by_partner.len(), 2);
    assert!(by_partner.iter().all(|d| d["registered_by"]["name"] == c.partner.org.name.as_str()));

    // Each partner sees its own two, and asking for the other's gets nothing.
    let mine = list_all(&app, &c.partner.key, c.customer.id(), "").await;
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().all(|d| d["registered_by"]["id"] == c.partner.id().to_string()));
    let theirs =
        list_all(&app, &c.partner.key, c.customer.id(), &format!("&registered_by={}", other_partner.id()))
            .await;
    assert!(theirs.is_empty());

    // A device of the other partner is answered like a missing one.
    let foreign =
        &all.iter().find(|d| d["registered_by"]["id"] == other_partner.id().to_string()).unwrap()["id"];
    let response = app.get(&format!("/api/v1/devices/{}", foreign.as_str().unwrap()), &c.partner.key).await;
    assert_eq!(response.status(), 404);
    assert_eq!(error_body(response).await["ztd_code"], 812);

    // Show carries the hash; lists do not.
    let own = mine[0]["id"].as_str().unwrap();
    let shown: Value = app.get(&format!("/api/v1/devices/{own}"), &c.partner.key).await.json().await.unwrap();
    assert!(shown["hardware_hash"].as_str().is_some_and(|hash| hash.len() > 1000));
    assert!(mine[0].get("hardware_hash").is_none());

    // After the customer revokes, the partner sees nothing and changes nothing.
    app.delete(&format!("/api/v1/relationships/{}", c.relationship_id), &c.customer.key).await;
    let response = app.get(&format!("/api/v1/customers/{}/devices", c.customer.id()), &c.partner.key).await;
    assert_eq!(error_body(response).await["code"], "relationship_required");
    let response = app.get(&format!("/api/v1/devices/{own}"), &c.partner.key).await;
    assert_eq!(response.status(), 404);
    let response = app.delete(&format!("/api/v1/devices/{own}"), &c.partner.key).await;
    assert_eq!(response.status(), 404);
    // The devices stay with the customer.
    assert_eq!(list_all(&app, &c.customer.key, c.customer.id(), "").await.len(), 5);
}

async fn list_filters_and_cursor_paging(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let devices = devices(202, 7);
    register(&app, &customer.key, customer.id(), batch_body(STANDARD_TAG, json_devices(&devices[..4]))).await;
    register(&app, &customer.key, customer.id(), batch_body(POWER_USER_TAG, json_devices(&devices[4..6])))
        .await;
    register(&app, &customer.key, customer.id(), json!({ "devices": json_devices(&devices[6..]) })).await;

    let power = list_all(&app, &customer.key, customer.id(), &format!("&group_tag={POWER_USER_TAG}")).await;
    assert_eq!(power.len(), 2);
    let unassigned = list_all(&app, &customer.key, customer.id(), "&state=unassigned").await;
    assert_eq!(unassigned.len(), 1);
    assert_eq!(unassigned[0]["serial_number"], devices[6].serial_number.as_str());

    // Pages of 3: every device exactly once.
    let mut serials = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/customers/{}/devices?limit=3", customer.id());
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page: Value = app.get(&path, &customer.key).await.json().await.unwrap();
        let items = page["devices"].as_array().unwrap();
        assert!(items.len() <= 3);
        serials.extend(items.iter().map(|d| d["serial_number"].as_str().unwrap().to_owned()));
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    let mut expected: Vec<String> = devices.iter().map(|d| d.serial_number.clone()).collect();
    serials.sort();
    expected.sort();
    assert_eq!(serials, expected);

    let response =
        app.get(&format!("/api/v1/customers/{}/devices?state=lost", customer.id()), &customer.key).await;
    assert_eq!(response.status(), 400);
    let response =
        app.get(&format!("/api/v1/customers/{}/devices?cursor=garbage", customer.id()), &customer.key).await;
    assert_eq!(response.status(), 400);
}

async fn patch_group_tag_reassigns_at_once(app: TestApp) {
    let c = connected(&app).await;
    let batch = register(
        &app,
        &c.partner.key,
        c.customer.id(),
        batch_body(STANDARD_TAG, json_devices(&devices(203, 1))),
    )
    .await;
    let id = row(&batch, 1)["device_id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/devices/{id}");

    let response = app.patch(&path, &c.partner.key, &json!({ "group_tag": POWER_USER_TAG })).await;
    assert_eq!(response.status(), 200);
    let device: Value = response.json().await.unwrap();
    assert_eq!(device["profile"]["name"], "Power user");
    assert_eq!(device["state"], "registered");

    // A near miss is refused with the tag it meant; the device keeps its profile.
    let response =
        app.patch(&path, &c.partner.key, &json!({ "group_tag": "Microsoft365ManagedPowerUser" })).await;
    assert_eq!(response.status(), 422);
    let error = error_body(response).await;
    assert_eq!(error["code"], "unknown_group_tag");
    assert!(error["hint"].as_str().unwrap().contains(POWER_USER_TAG), "{error}");
    let device: Value = app.get(&path, &c.customer.key).await.json().await.unwrap();
    assert_eq!(device["group_tag"], POWER_USER_TAG);

    // An empty tag unassigns, visibly.
    let device: Value =
        app.patch(&path, &c.customer.key, &json!({ "group_tag": "" })).await.json().await.unwrap();
    assert_eq!(device["state"], "unassigned");
    assert!(device["profile"].is_null());

    // Audited for the customer, with who did it.
    let audit: Value = app.get("/api/v1/audit", &c.customer.key).await.json().await.unwrap();
    let changes: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "device.update_group_tag")
        .collect();
    assert_eq!(changes.len(), 2);
}

async fn deregistration_frees_the_identity(app: TestApp) {
    let c = connected(&app).await;
    let devices = devices(204, 1);
    let batch =
        register(&app, &c.partner.key, c.customer.id(), batch_body(STANDARD_TAG, json_devices(&devices)))
            .await;
    let id = row(&batch, 1)["device_id"].as_str().unwrap().to_owned();

    // Another customer cannot have it yet.
    let elsewhere = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let refused =
        register(&app, &elsewhere.key, elsewhere.id(), batch_body(STANDARD_TAG, json_devices(&devices)))
            .await;
    assert_eq!(row(&refused, 1)["error"]["code"], "device_registered_to_other_tenant");

    let response = app.delete(&format!("/api/v1/devices/{id}"), &c.partner.key).await;
    assert_eq!(response.status(), 200);
    let gone: Value = response.json().await.unwrap();
    assert_eq!(gone["state"], "deregistered");
    assert!(gone["deregistered_at"].is_string());
    let again = app.delete(&format!("/api/v1/devices/{id}"), &c.partner.key).await;
    assert_eq!(error_body(again).await["code"], "device_deregistered");
    assert!(list_all(&app, &c.customer.key, c.customer.id(), "").await.is_empty());
    assert_eq!(list_all(&app, &c.customer.key, c.customer.id(), "&state=deregistered").await.len(), 1);

    // Now it can be registered elsewhere.
    let moved =
        register(&app, &elsewhere.key, elsewhere.id(), batch_body(STANDARD_TAG, json_devices(&devices)))
            .await;
    assert_eq!(row(&moved, 1)["status"], "registered");
    let listed = list_all(&app, &elsewhere.key, elsewhere.id(), "").await;
    assert_eq!(listed.len(), 1);
    assert_ne!(listed[0]["id"], id.as_str());
}

async fn export_reimports_unchanged(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let devices = devices(205, 6);
    register(&app, &customer.key, customer.id(), batch_body(STANDARD_TAG, json_devices(&devices[..4]))).await;
    register(&app, &customer.key, customer.id(), batch_body(POWER_USER_TAG, json_devices(&devices[4..])))
        .await;

    for format in ["intune", "partner-center"] {
        let path = format!("/api/v1/customers/{}/devices/export?format={format}", customer.id());
        let response = app.get(&path, &customer.key).await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let exported = response.text().await.unwrap();
        assert_eq!(exported.lines().count(), 7, "{exported}");

        // The file passes every rule of the CSV checker.
        let (summary, problems) =
            ztd_domain::csv::check(exported.as_bytes(), ztd_domain::csv::ReadOptions::default()).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(summary.format.map(|f| f.name()), Some(format));

        // Deregister everything, upload the export as is: the same devices come back, and
        // exporting again gives the same file byte for byte.
        for device in list_all(&app, &customer.key, customer.id(), "").await {
            let response = app
                .delete(&format!("/api/v1/devices/{}", device["id"].as_str().unwrap()), &customer.key)
                .await;
            assert_eq!(response.status(), 200);
        }
        // Intune rows carry their own group tag; Partner Center rows take the batch's.
        let query = if format == "intune" { String::new() } else { format!("?group_tag={STANDARD_TAG}") };
        let (status, accepted) =
            post_csv_batch(&app, &customer.key, customer.id(), &query, exported.clone()).await;
        assert_eq!(status, 202, "{accepted}");
        let batch = wait_finished(&app, &customer.key, accepted["id"].as_str().unwrap()).await;
        assert_eq!(batch["registered"], 6, "{batch}");
        let again = app.get(&path, &customer.key).await.text().await.unwrap();
        assert_eq!(sorted_lines(&again), sorted_lines(&exported), "the same header and rows");
    }
}

/// The header, then the rows in a fixed order (the export lists newest registrations first).
fn sorted_lines(csv: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = csv.split_inclusive("\r\n").collect();
    lines[1..].sort_unstable();
    lines
}

/// Values a spreadsheet would run as a formula, or that the CSV formats cannot hold, never get
/// stored (JSON intake and `PATCH` alike); a device stored with one before those rules is left
/// out of an export instead of cutting the file off.
async fn hostile_values_are_refused_at_every_entry_and_exports_skip_old_ones(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let mut inputs = json_devices(&devices(207, 3));
    inputs[1]["assigned_user"] = json!("=HYPERLINK(\"https://evil.example\",\"x\")");
    inputs[2]["assigned_user"] = json!("@SUM(1+1)");
    let batch = register(&app, &customer.key, customer.id(), batch_body(STANDARD_TAG, inputs)).await;
    assert_eq!(row(&batch, 1)["status"], "registered", "{batch}");
    for line in [2, 3] {
        let failed = row(&batch, line);
        assert_eq!(failed["status"], "failed", "{batch}");
        assert_eq!(failed["error"]["code"], "invalid_device_field", "{failed}");
        assert!(failed["error"]["message"].as_str().unwrap().contains("formula"), "{failed}");
    }

    let id = row(&batch, 1)["device_id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/devices/{id}");
    for tag in ["Sales,EMEA_", "=1+1", "-Kiosk_", "say \"hi\""] {
        let response =
            app.patch(&path, &customer.key, &json!({ "group_tag": tag, "allow_unknown_tags": true })).await;
        assert_eq!(response.status(), 422, "{tag:?} was stored");
        let error = error_body(response).await;
        assert_eq!(error["code"], "invalid_device_field", "{error}");
        assert!(error["message"].as_str().unwrap().contains(&format!("{tag:?}")), "{error}");
    }
    let response = app
        .post(
            &format!("/api/v1/customers/{}/profiles", customer.id()),
            &customer.key,
            &json!({ "name": "Formula", "group_tag": "+Cmd_" }),
        )
        .await;
    assert_eq!(response.status(), 422);

    // A device stored before these rules (written straight to storage here) is left out of
    // the export; the other rows and the file's end still arrive.
    let second = register(
        &app,
        &customer.key,
        customer.id(),
        batch_body(STANDARD_TAG, json_devices(&devices(208, 2))),
    )
    .await;
    let legacy: uuid::Uuid = row(&second, 1)["device_id"].as_str().unwrap().parse().unwrap();
    let event =
        AuditActor::operator_cli().event("test.legacy", "device", legacy, Some(customer.id()), json!({}));
    app.db
        .update_device_tag(&Owner::Customer(customer.id()), legacy, Some("Sales,EMEA_"), None, &event)
        .await
        .unwrap();
    let export = format!("/api/v1/customers/{}/devices/export?format=intune", customer.id());
    let response = app.get(&export, &customer.key).await;
    assert_eq!(response.status(), 200);
    let exported = response.text().await.expect("the whole body arrives");
    assert_eq!(exported.lines().count(), 1 + 2, "header + the two writable devices: {exported}");
    assert!(!exported.contains("Sales,EMEA_"), "{exported}");
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("ztd_export_rows_skipped_total"), "{metrics}");
}

/// A device's JSON entry with only what is printed on its box (no hardware hash).
fn printed_facts(device: &Value) -> Value {
    let mut printed = device.clone();
    printed.as_object_mut().expect("device object").remove("hardware_hash");
    printed
}

/// The customer's audit events with `action`.
async fn audit_events(app: &TestApp, key: &str, action: &str) -> Vec<Value> {
    let trail: Value = app.get("/api/v1/audit?limit=1000", key).await.json().await.expect("audit JSON");
    trail["items"]
        .as_array()
        .expect("audit items")
        .iter()
        .filter(|e| e["action"] == action)
        .cloned()
        .collect()
}

/// docs/domain.md#verified-and-unverified-registrations: a registrar that registers someone
/// else's devices by their printed serials gains nothing lasting; the registration carrying the
/// hardware hash wins, in another tenant or the same one, and a verified registration is never
/// displaced.
async fn a_hash_backed_registration_replaces_unverified_ones(app: TestApp) {
    let squatter = connected(&app).await;
    let rightful = connected(&app).await;
    let devices = json_devices(&devices(206, 4));
    let printed: Vec<Value> = devices.iter().map(printed_facts).collect();

    let batch = register(
        &app,
        &squatter.partner.key,
        squatter.customer.id(),
        batch_body(STANDARD_TAG, printed[..3].to_vec()),
    )
    .await;
    assert_eq!(batch["registered"], 3, "{batch}");
    let squatted = list_all(&app, &squatter.customer.key, squatter.customer.id(), "").await;
    assert_eq!(squatted.len(), 3);
    assert!(squatted.iter().all(|d| d["verified"] == false), "{squatted:?}");
    let old_id = row(&batch, 1)["device_id"].as_str().unwrap().to_owned();

    // Another tenant's registration by printed facts is still refused: first come, first served.
    let refused = register(
        &app,
        &rightful.partner.key,
        rightful.customer.id(),
        batch_body(STANDARD_TAG, printed[..1].to_vec()),
    )
    .await;
    assert_eq!(row(&refused, 1)["error"]["code"], "device_registered_to_other_tenant", "{refused}");

    // With the hash, the rightful owner's partner wins.
    let won = register(
        &app,
        &rightful.partner.key,
        rightful.customer.id(),
        batch_body(STANDARD_TAG, devices[..1].to_vec()),
    )
    .await;
    assert_eq!(row(&won, 1)["status"], "registered", "{won}");
    let mine = list_all(&app, &rightful.customer.key, rightful.customer.id(), "").await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["verified"], true);

    // The squatter's record is deregistered, with an event that names nobody else.
    let old: Value =
        app.get(&format!("/api/v1/devices/{old_id}"), &squatter.customer.key).await.json().await.unwrap();
    assert_eq!(old["state"], "deregistered", "{old}");
    assert_eq!(list_all(&app, &squatter.customer.key, squatter.customer.id(), "").await.len(), 2);
    let superseded = audit_events(&app, &squatter.customer.key, "device.superseded").await;
    assert_eq!(superseded.len(), 1, "{superseded:?}");
    assert_eq!(superseded[0]["target_id"], old_id.as_str());
    assert_eq!(superseded[0]["actor_kind"], "system");
    let said = superseded[0].to_string();
    for stranger in [rightful.customer.id(), rightful.partner.id()] {
        assert!(!said.contains(&stranger.to_string()), "the event names {stranger}: {said}");
    }
    assert!(!said.contains(won["id"].as_str().unwrap()), "the event names the other tenant's batch: {said}");

    // The device's first boot now finds its rightful tenant.
    let lookup: Value = app
        .request(reqwest::Method::POST, "/api/v1/device-lookup", None)
        .json(&json!({"hardware_hash": devices[0]["hardware_hash"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(lookup["CloudAssignedTenantId"], rightful.customer.id().to_string(), "{lookup}");

    // A verified registration is not displaced, by printed facts or by another hash-backed one.
    for body in [printed[..1].to_vec(), devices[..1].to_vec()] {
        let refused =
            register(&app, &squatter.partner.key, squatter.customer.id(), batch_body(STANDARD_TAG, body))
                .await;
        assert_eq!(row(&refused, 1)["error"]["code"], "device_registered_to_other_tenant", "{refused}");
    }

    // In the same tenant too: the customer registering one of the squatted devices with its hash
    // replaces the unverified record, and the event may name its own batch.
    let own = register(
        &app,
        &squatter.customer.key,
        squatter.customer.id(),
        batch_body(STANDARD_TAG, devices[1..2].to_vec()),
    )
    .await;
    assert_eq!(row(&own, 1)["status"], "registered", "{own}");
    let listed = list_all(&app, &squatter.customer.key, squatter.customer.id(), "").await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed.iter().filter(|d| d["verified"] == true).count(), 1);
    let superseded = audit_events(&app, &squatter.customer.key, "device.superseded").await;
    assert_eq!(superseded.len(), 2);
    assert!(superseded.iter().any(|e| e["details"]["replaced_by_batch"] == own["id"]), "{superseded:?}");

    // A repeat within one upload stays a duplicate, whatever the hash.
    let repeat = register(
        &app,
        &squatter.partner.key,
        squatter.customer.id(),
        batch_body(STANDARD_TAG, vec![printed[3].clone(), devices[3].clone()]),
    )
    .await;
    assert_eq!(row(&repeat, 1)["status"], "registered", "{repeat}");
    assert_eq!(row(&repeat, 2)["error"]["code"], "device_duplicated_in_batch", "{repeat}");
}

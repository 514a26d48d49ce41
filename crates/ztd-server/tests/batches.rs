//! Device batches over HTTP, on SQLite and PostgreSQL: every channel, every conflict of
//! docs/domain.md#device-identity.

mod batches_support;

use std::time::{Duration, Instant};

use batches_support::*;
use serde_json::{json, Value};
use ztd_server::testing::{error_body, TestApp};
use ztd_storage::{OrgKind, Role};

ztd_server::both_backends!(
    partner_registers_json_batch_for_consenting_customer,
    partner_registers_csv_batch,
    second_customer_cannot_take_a_registered_device,
    device_listed_twice_fails_the_second_row,
    near_miss_tag_is_refused_with_the_right_tag,
    unknown_tags_can_be_accepted_unassigned,
    hash_serial_must_match_the_row,
    idempotency_key_returns_the_first_batch,
    customer_registers_its_own_devices,
    partner_without_relationship_writes_nothing,
    csv_with_a_bad_header_is_refused_with_every_diagnostic,
    row_level_csv_problems_fail_their_rows_only,
    batches_are_private,
    racing_batches_register_each_device_exactly_once,
    upload_limits_name_the_limit,
    large_csv_streams_in_chunks_and_a_failed_upload_leaves_nothing,
    a_broken_off_upload_leaves_nothing,
    a_retry_while_the_first_upload_is_still_sending_is_409,
    one_customers_backlog_does_not_hold_up_another,
);

async fn partner_registers_json_batch_for_consenting_customer(app: TestApp) {
    let c = connected(&app).await;
    let registrar = app.with_role(&c.partner, Role::Registrar).await;
    let devices = devices(101, 3);
    let response = app
        .post(
            &batches_path(c.customer.id()),
            &registrar.key,
            &batch_body(STANDARD_TAG, json_devices(&devices)),
        )
        .await;
    assert_eq!(response.status(), 202);
    let location = response.headers()["location"].to_str().expect("location").to_owned();
    let accepted: Value = response.json().await.expect("JSON");
    assert_eq!(location, format!("/api/v1/device-batches/{}", accepted["id"].as_str().unwrap()));
    assert!(
        accepted["status"] == "queued"
            || accepted["status"] == "processing"
            || accepted["status"] == "finished"
    );
    assert_eq!(accepted["total"], 3);

    let batch = wait_finished(&app, &registrar.key, accepted["id"].as_str().unwrap()).await;
    assert_eq!(batch["status"], "finished");
    assert_eq!(
        (batch["registered"].as_i64(), batch["failed"].as_i64(), batch["pending"].as_i64()),
        (Some(3), Some(0), Some(0))
    );
    for (index, device) in devices.iter().enumerate() {
        let result = row(&batch, index as i64 + 1);
        assert_eq!(result["status"], "registered");
        assert_eq!(result["serial_number"], device.serial_number.as_str());
        assert!(result["device_id"].is_string());
        assert!(result["error"].is_null());
    }

    // The customer sees them, with the partner as registrant and the Standard profile.
    let listed = list_all(&app, &c.customer.key, c.customer.id(), "").await;
    assert_eq!(listed.len(), 3);
    for device in &listed {
        assert_eq!(device["state"], "registered");
        assert_eq!(device["registered_by"]["id"], c.partner.id().to_string());
        assert_eq!(device["group_tag"], STANDARD_TAG);
        assert_eq!(device["profile"]["group_tag"], STANDARD_TAG);
        assert_eq!(device["profile"]["name"], "Standard");
    }

    // Audited on the customer's tenant: the batch and its end.
    let audit: Value = app.get("/api/v1/audit", &c.customer.key).await.json().await.expect("audit JSON");
    let actions: Vec<&str> = audit_actions(&audit);
    assert!(actions.contains(&"device_batch.create"), "{actions:?}");
    assert!(actions.contains(&"device_batch.finished"), "{actions:?}");

    // Counted in /metrics (the worker records right after finishing: allow it a moment).
    let mut metrics = String::new();
    for _ in 0..50 {
        metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
        if metrics.contains("ztd_batch_duration_seconds") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    for name in ["ztd_batches_finished_total", "ztd_batch_devices_total", "ztd_batch_duration_seconds"] {
        assert!(metrics.contains(name), "{name} missing from /metrics");
    }
}

fn audit_actions(audit: &Value) -> Vec<&str> {
    audit["items"]
        .as_array()
        .map(|events| events.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default()
}

async fn partner_registers_csv_batch(app: TestApp) {
    let c = connected(&app).await;
    let devices = devices(102, 4);
    let (status, accepted) = post_csv_batch(
        &app,
        &c.partner.key,
        c.customer.id(),
        &format!("?group_tag={POWER_USER_TAG}"),
        partner_center_csv(&devices),
    )
    .await;
    assert_eq!(status, 202, "{accepted}");
    let batch = wait_finished(&app, &c.partner.key, accepted["id"].as_str().unwrap()).await;
    assert_eq!(batch["status"], "finished", "{batch}");
    assert_eq!(batch["registered"], 4);
    assert_eq!(batch["group_tag"], POWER_USER_TAG);
    // CSV rows are numbered by file line: the header is line 1.
    assert_eq!(row(&batch, 2)["serial_number"], devices[0].serial_number.as_str());
    assert_eq!(row(&batch, 5)["serial_number"], devices[3].serial_number.as_str());
    let listed = list_all(&app, &c.customer.key, c.customer.id(), "").await;
    assert!(listed.iter().all(|d| d["profile"]["name"] == "Power user"), "{listed:?}");
}

async fn second_customer_cannot_take_a_registered_device(app: TestApp) {
    let c = connected(&app).await;
    let devices = devices(103, 2);
    register(&app, &c.partner.key, c.customer.id(), batch_body(STANDARD_TAG, json_devices(&devices))).await;

    // Another customer registers the same devices itself: refused, naming nothing of the first.
    let other = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let batch =
        register(&app, &other.key, other.id(), batch_body(STANDARD_TAG, json_devices(&devices))).await;
    assert_eq!(batch["status"], "finished_with_errors");
    assert_eq!(batch["failed"], 2);
    let error = &row(&batch, 1)["error"];
    assert_eq!(error["code"], "device_registered_to_other_tenant");
    assert_eq!(error["ztd_code"], 808);
    let text = error.to_string();
    for secret in [c.customer.id().to_string(), c.customer.org.name.clone(), c.partner.org.name.clone()] {
        assert!(!text.contains(&secret), "the error names the other tenant: {text}");
    }
    assert!(list_all(&app, &other.key, other.id(), "").await.is_empty());

    // The same customer again: already registered, the record untouched.
    let again =
        register(&app, &c.customer.key, c.customer.id(), batch_body(POWER_USER_TAG, json_devices(&devices)))
            .await;
    assert_eq!(row(&again, 1)["error"]["code"], "device_already_registered");
    assert_eq!(row(&again, 1)["error"]["ztd_code"], 806);
    let listed = list_all(&app, &c.customer.key, c.customer.id(), "").await;
    assert!(listed.iter().all(|d| d["group_tag"] == STANDARD_TAG));
}

async fn device_listed_twice_fails_the_second_row(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let devices = devices(104, 2);
    let mut entries = json_devices(&devices);
    // The same device again, this time identified only by its tuple.
    entries.push(json!({
        "serial_number": devices[0].serial_number,
        "manufacturer": devices[0].manufacturer,
        "model": devices[0].model,
    }));
    let batch = register(&app, &customer.key, customer.id(), batch_body(STANDARD_TAG, entries)).await;
    assert_eq!(batch["registered"], 2);
    assert_eq!(batch["failed"], 1);
    let error = &row(&batch, 3)["error"];
    assert_eq!(error["code"], "device_duplicated_in_batch");
    assert!(error["message"].as_str().unwrap().contains("row 1"), "{error}");
}

async fn near_miss_tag_is_refused_with_the_right_tag(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let devices = devices(105, 2);
    let mut entries = json_devices(&devices);
    // The second device's own tag overrides the batch's (correct) default.
    entries[1]["group_tag"] = json!("microsoft365managedpoweruser_");
    let batch = register(&app, &customer.key, customer.id(), batch_body(STANDARD_TAG, entries)).await;
    assert_eq!(row(&batch, 1)["status"], "registered");
    let error = &row(&batch, 2)["error"];
    assert_eq!(error["code"], "unknown_group_tag");
    assert!(error["hint"].as_str().unwrap().contains(POWER_USER_TAG), "{error}");

    // A batch default that misses the trailing underscore: every row refused, hint names it.
    let batch = register(
        &app,
        &customer.key,
        customer.id(),
        batch_body("Microsoft365ManagedStandard", json_devices(&devices[1..])),
    )
    .await;
    let error = &row(&batch, 1)["error"];
    assert_eq!(error["code"], "unknown_group_tag");
    assert!(error["hint"].as_str().unwrap().contains(&format!("{STANDARD_TAG:?}")), "{error}");
}

async fn unknown_tags_can_be_accepted_unassigned(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let devices = devices(106, 2);
    let mut body = batch_body("Kiosk-Lobby", json_devices(&devices[..1]));
    body["allow_unknown_tags"] = json!(true);
    let batch = register(&app, &customer.key, customer.id(), body).await;
    assert_eq!(batch["status"], "finished");
    assert_eq!(batch["unassigned"], 1);
    assert_eq!(row(&batch, 1)["status"], "unassigned");
    // No tag at all: unassigned too, without asking.
    let batch =
        register(&app, &customer.key, customer.id(), json!({ "devices": json_devices(&devices[1..]) })).await;
    assert_eq!(row(&batch, 1)["status"], "unassigned");

    let listed = list_all(&app, &customer.key, customer.id(), "&state=unassigned").await;
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|d| d["profile"].is_null() && d["state"] == "unassigned"));
    assert!(listed.iter().any(|d| d["group_tag"] == "Kiosk-Lobby"));
}

async fn hash_serial_must_match_the_row(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let device = &devices(107, 1)[0];
    let mut input = device.to_input(None);
    input.serial_number = Some("NOT-THE-SERIAL".into());
    let batch =
        register(&app, &customer.key, customer.id(), batch_body(STANDARD_TAG, vec![input_json(&input)]))
            .await;
    let error = &row(&batch, 1)["error"];
    assert_eq!(error["code"], "identity_mismatch");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("NOT-THE-SERIAL") && message.contains(&device.serial_number), "{message}");

    // A broken hash is refused with the real service's 802.
    let mut input = device.to_input(None);
    input.hardware_hash = Some(format!("{}AAAA", &device.hardware_hash[..device.hardware_hash.len() - 8]));
    let batch =
        register(&app, &customer.key, customer.id(), batch_body(STANDARD_TAG, vec![input_json(&input)]))
            .await;
    assert_eq!(row(&batch, 1)["error"]["code"], "invalid_hardware_hash");
    assert_eq!(row(&batch, 1)["error"]["ztd_code"], 802);

    // No identity at all: 803.
    let batch =
        register(&app, &customer.key, customer.id(), batch_body(STANDARD_TAG, vec![json!({"model": "X"})]))
            .await;
    assert_eq!(row(&batch, 1)["error"]["code"], "missing_device_identity");
    assert_eq!(row(&batch, 1)["error"]["ztd_code"], 803);
}

async fn idempotency_key_returns_the_first_batch(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let body = batch_body(STANDARD_TAG, json_devices(&devices(108, 2)));
    let send = || {
        app.request(reqwest::Method::POST, &batches_path(customer.id()), Some(&customer.key))
            .header("idempotency-key", "order-4711")
            .json(&body)
            .send()
    };
    let first = send().await.expect("first POST");
    assert_eq!(first.status(), 202);
    let first: Value = first.json().await.expect("JSON");
    wait_finished(&app, &customer.key, first["id"].as_str().unwrap()).await;

    let retry = send().await.expect("retried POST");
    assert_eq!(retry.status(), 202);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let retry: Value = retry.json().await.expect("JSON");
    assert_eq!(retry["id"], first["id"]);
    // The retry is a success, not two "already registered" failures.
    assert_eq!(retry["registered"], 2);
    assert_eq!(retry["failed"], 0);
    assert_eq!(list_all(&app, &customer.key, customer.id(), "").await.len(), 2);
}

async fn customer_registers_its_own_devices(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let batch = register(
        &app,
        &customer.key,
        customer.id(),
        batch_body(STANDARD_TAG, json_devices(&devices(109, 3))),
    )
    .await;
    assert_eq!(batch["registered"], 3);
    assert_eq!(batch["submitted_by_org_id"], customer.id().to_string());
    let listed = list_all(&app, &customer.key, customer.id(), "").await;
    assert!(listed.iter().all(|d| d["registered_by"]["id"] == customer.id().to_string()));

    // A reader may look but not register.
    let reader = app.with_role(&customer, Role::Reader).await;
    let (status, body) = post_json_batch(
        &app,
        &reader.key,
        customer.id(),
        &batch_body(STANDARD_TAG, json_devices(&devices(110, 1))),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "forbidden_role");

    // What is printed on a box is no proof of holding the device: a customer's own
    // registration needs the hash, so nobody claims another's laptop by its serial.
    let printed = &devices(111, 2);
    let by_box = |device: &ztd_domain::synth::SyntheticDevice| json!({ "serial_number": device.serial_number, "manufacturer": device.manufacturer, "model": device.model });
    let batch =
        register(&app, &customer.key, customer.id(), batch_body(STANDARD_TAG, vec![by_box(&printed[0])]))
            .await;
    assert_eq!(batch["failed"], 1, "{batch}");
    let error = &row(&batch, 1)["error"];
    assert_eq!(error["code"], "missing_device_identity", "{error}");
    assert!(error["message"].as_str().unwrap().contains("hardware hash"), "{error}");
    // A reseller with the customer's consent may register from its sales records.
    let c = connected(&app).await;
    let batch =
        register(&app, &c.partner.key, c.customer.id(), batch_body(STANDARD_TAG, vec![by_box(&printed[1])]))
            .await;
    assert_eq!(batch["registered"], 1, "{batch}");
}

async fn partner_without_relationship_writes_nothing(app: TestApp) {
    let c = connected(&app).await;
    let stranger = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let body = batch_body(STANDARD_TAG, json_devices(&devices(111, 2)));
    let response = app.post(&batches_path(c.customer.id()), &stranger.key, &body).await;
    assert_eq!(response.status(), 403);
    let error = error_body(response).await;
    assert_eq!(error["code"], "relationship_required");
    // The same answer for a customer that does not exist.
    let response = app.post(&batches_path(uuid::Uuid::new_v4()), &stranger.key, &body).await;
    assert_eq!(error_body(response).await["code"], "relationship_required");

    // After revocation the partner that had one is refused too.
    let revoked = app.delete(&format!("/api/v1/relationships/{}", c.relationship_id), &c.customer.key).await;
    assert!(revoked.status().is_success(), "{}", revoked.status());
    let response = app.post(&batches_path(c.customer.id()), &c.partner.key, &body).await;
    assert_eq!(error_body(response).await["code"], "relationship_required");

    assert!(list_all(&app, &c.customer.key, c.customer.id(), "").await.is_empty());
    let audit: Value = app.get("/api/v1/audit", &c.customer.key).await.json().await.expect("audit JSON");
    assert!(!audit_actions(&audit).contains(&"device_batch.create"));
}

async fn csv_with_a_bad_header_is_refused_with_every_diagnostic(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let csv =
        partner_center_csv(&devices(112, 2)).replacen("Device Serial Number", "device serial number", 1);
    let (status, body) = post_csv_batch(&app, &customer.key, customer.id(), "", csv).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "invalid_csv_file");
    let diagnostics = body["error"]["diagnostics"].as_array().expect("diagnostics");
    assert!(!diagnostics.is_empty());
    assert!(diagnostics.iter().all(|d| d["line"] == 1 && d["hint"].is_string()), "{body}");
    assert!(body["error"]["request_id"].is_string());

    // UTF-16 (PowerShell's Out-File): named as such.
    let text = partner_center_csv(&devices(112, 1));
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let response = app
        .request(reqwest::Method::POST, &batches_path(customer.id()), Some(&customer.key))
        .header("content-type", "text/csv")
        .body(utf16)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.expect("JSON");
    assert!(body.to_string().contains("utf16"), "{body}");
    assert!(list_all(&app, &customer.key, customer.id(), "").await.is_empty());
}

async fn row_level_csv_problems_fail_their_rows_only(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let devices = devices(113, 3);
    let csv = partner_center_csv(&devices);
    // Line 3 gets a trailing space after its serial number.
    let mut lines: Vec<String> = csv.split("\r\n").map(str::to_owned).collect();
    lines[2] = lines[2].replacen(',', " ,", 1);
    let (status, accepted) = post_csv_batch(
        &app,
        &customer.key,
        customer.id(),
        &format!("?group_tag={STANDARD_TAG}"),
        lines.join("\r\n"),
    )
    .await;
    assert_eq!(status, 202, "{accepted}");
    let batch = wait_finished(&app, &customer.key, accepted["id"].as_str().unwrap()).await;
    assert_eq!(batch["registered"], 2);
    assert_eq!(row(&batch, 3)["status"], "failed");
    let error = &row(&batch, 3)["error"];
    assert!(error["message"].as_str().unwrap().contains("line 3"), "{error}");
    assert!(error["hint"].is_string());
}

async fn batches_are_private(app: TestApp) {
    let c = connected(&app).await;
    let batch = register(
        &app,
        &c.partner.key,
        c.customer.id(),
        batch_body(STANDARD_TAG, json_devices(&devices(114, 1))),
    )
    .await;
    let path = format!("/api/v1/device-batches/{}", batch["id"].as_str().unwrap());
    // The customer sees batches into its tenant.
    assert_eq!(app.get(&path, &c.customer.key).await.status(), 200);
    // A stranger gets the same 404 as for a batch that does not exist.
    let stranger = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let response = app.get(&path, &stranger.key).await;
    assert_eq!(response.status(), 404);
    let missing = app.get(&format!("/api/v1/device-batches/{}", uuid::Uuid::new_v4()), &stranger.key).await;
    assert_eq!(error_body(response).await["code"], error_body(missing).await["code"]);
}

async fn racing_batches_register_each_device_exactly_once(app: TestApp) {
    // Two customers (and two batches of each) race for the same devices on several workers.
    let mut app = app;
    app.stop().await;
    let Some(app) = TestApp::spawn_with(app.backend, |config| config.workers = 4).await else { return };
    let first = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let second = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let devices = devices(115, 1_200);
    let body = batch_body(STANDARD_TAG, json_devices(&devices));
    let mut ids = Vec::new();
    for customer in [&first, &second, &first, &second] {
        let (status, batch) = post_json_batch(&app, &customer.key, customer.id(), &body).await;
        assert_eq!(status, 202);
        ids.push((customer, batch["id"].as_str().unwrap().to_owned()));
    }
    let mut registered = 0;
    for (customer, id) in &ids {
        let batch = wait_finished(&app, &customer.key, id).await;
        registered += batch["registered"].as_i64().unwrap();
        for result in batch["devices"].as_array().unwrap() {
            if result["status"] == "failed" {
                let code = result["error"]["code"].as_str().unwrap();
                assert!(
                    code == "device_registered_to_other_tenant" || code == "device_already_registered",
                    "{result}"
                );
            }
        }
    }
    assert_eq!(registered, devices.len() as i64, "each device registered exactly once");
    let owned = list_all(&app, &first.key, first.id(), "").await.len()
        + list_all(&app, &second.key, second.id(), "").await.len();
    assert_eq!(owned, devices.len());
}

async fn upload_limits_name_the_limit(app: TestApp) {
    let mut app = app;
    app.stop().await;
    let Some(app) = TestApp::spawn_with(app.backend, |config| {
        config.max_rows = 2;
        config.max_upload_bytes = 64 * 1024;
    })
    .await
    else {
        return;
    };
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let (status, body) = post_json_batch(
        &app,
        &customer.key,
        customer.id(),
        &batch_body(STANDARD_TAG, json_devices(&devices(116, 3))),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "too_many_rows");
    assert!(body["error"]["message"].as_str().unwrap().contains('2'));

    // Tiny objects cannot get round the row cap: it is counted while the list is parsed.
    let flood = format!("{{\"devices\":[{}{{}}]}}", "{},".repeat(20_000));
    let response = app
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/customers/{}/device-batches", customer.id()),
            Some(&customer.key),
        )
        .header("content-type", "application/json")
        .body(flood)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_rows", "{body}");

    let (status, body) =
        post_csv_batch(&app, &customer.key, customer.id(), "", partner_center_csv(&devices(116, 3))).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "too_many_rows");

    // Whichever limit a stream reaches first answers: here the bytes (two rows, then blank
    // trailing lines past 64 KiB), for JSON and for CSV.
    let (status, body) = post_json_batch(
        &app,
        &customer.key,
        customer.id(),
        &batch_body(STANDARD_TAG, json_devices(&devices(117, 20))),
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("65536"), "{body}");
    let padded = partner_center_csv(&devices(117, 2)) + &"\r\n".repeat(40_000);
    let (status, body) = post_csv_batch(&app, &customer.key, customer.id(), "", padded).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["error"]["code"], "payload_too_large");
    assert!(list_all(&app, &customer.key, customer.id(), "").await.is_empty());
}

async fn large_csv_streams_in_chunks_and_a_failed_upload_leaves_nothing(app: TestApp) {
    let mut app = app;
    app.stop().await;
    let Some(app) = TestApp::spawn_with(app.backend, |config| config.max_rows = 2_500).await else { return };
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let devices = devices(118, 2_600);
    let query = format!("?group_tag={STANDARD_TAG}");

    // More rows than one intake chunk (1,000): stored in several appends, sealed, then processed.
    let send = |csv: String| {
        app.request(
            reqwest::Method::POST,
            &format!("{}{query}", batches_path(customer.id())),
            Some(&customer.key),
        )
        .header("content-type", "text/csv")
        .header("idempotency-key", "pallet-17")
        .body(csv)
        .send()
    };
    let response = send(partner_center_csv(&devices[..2_300])).await.expect("POST");
    assert_eq!(response.status(), 202);
    let accepted: Value = response.json().await.expect("JSON");
    assert_eq!(accepted["total"], 2_300);
    let batch = wait_finished(&app, &customer.key, accepted["id"].as_str().unwrap()).await;
    assert_eq!(batch["registered"], 2_300, "{}", batch["status"]);
    assert_eq!(row(&batch, 2_301)["serial_number"], devices[2_299].serial_number.as_str());

    // The same key again: the first batch, nothing read or written.
    let replay = send(partner_center_csv(&devices[..2_300])).await.expect("POST");
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(replay.json::<Value>().await.expect("JSON")["id"], accepted["id"]);

    // Past the row cap after two chunks were stored: refused, and the partial batch is gone.
    let (status, body) =
        post_csv_batch(&app, &customer.key, customer.id(), &query, partner_center_csv(&devices)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "too_many_rows");
    assert_eq!(list_all(&app, &customer.key, customer.id(), "").await.len(), 2_300);
    let audit: Value =
        app.get("/api/v1/audit?limit=100", &customer.key).await.json().await.expect("audit JSON");
    let actions = audit_actions(&audit);
    assert_eq!(actions.iter().filter(|action| **action == "device_batch.create").count(), 2, "{actions:?}");
    assert!(actions.contains(&"device_batch.discard"), "{actions:?}");
}

async fn a_broken_off_upload_leaves_nothing(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    // 2,500 good rows (two intake chunks get stored), then the client's stream fails.
    let csv = partner_center_csv(&devices(119, 2_500));
    let parts: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(csv.into_bytes()), Err(std::io::Error::other("the uploader crashed"))];
    let sent = app
        .request(
            reqwest::Method::POST,
            &format!("{}?group_tag={STANDARD_TAG}", batches_path(customer.id())),
            Some(&customer.key),
        )
        .header("content-type", "text/csv")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(parts)))
        .send()
        .await;
    assert!(sent.is_err() || !sent.unwrap().status().is_success());

    // The partial batch is discarded (audited) and never processed.
    let mut actions = Vec::new();
    for _ in 0..100 {
        let audit: Value =
            app.get("/api/v1/audit?limit=100", &customer.key).await.json().await.expect("audit JSON");
        actions = audit_actions(&audit).into_iter().map(str::to_owned).collect();
        if actions.iter().any(|action| action == "device_batch.discard") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(actions.iter().any(|action| action == "device_batch.discard"), "{actions:?}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(list_all(&app, &customer.key, customer.id(), "").await.is_empty());
}

/// A retry with the key of an upload another request is still sending never gets that
/// half-received batch: 409 `upload_in_progress`; once it is sealed, the retry gets it
/// (docs/domain.md#batch-lifecycle).
async fn a_retry_while_the_first_upload_is_still_sending_is_409(app: TestApp) {
    use futures::SinkExt;
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let csv = partner_center_csv(&devices(120, 1_200));
    let path = format!("{}?group_tag={STANDARD_TAG}", batches_path(customer.id()));
    let post = |body: reqwest::Body| {
        app.request(reqwest::Method::POST, &path, Some(&customer.key))
            .header("content-type", "text/csv")
            .header("idempotency-key", "pallet-18")
            .body(body)
            .send()
    };
    let (mut sender, body) = futures::channel::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let first = tokio::spawn(post(reqwest::Body::wrap_stream(body)));
    sender.send(Ok(csv.clone().into_bytes())).await.expect("the server takes the rows");
    let mut opened = false;
    for _ in 0..200 {
        let audit: Value =
            app.get("/api/v1/audit?limit=100", &customer.key).await.json().await.expect("audit JSON");
        if audit_actions(&audit).contains(&"device_batch.create") {
            opened = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(opened, "the first upload's batch was never opened");

    let retry = post(reqwest::Body::from(partner_center_csv(&devices(120, 2)))).await.expect("POST");
    assert_eq!(retry.status(), 409);
    let error = error_body(retry).await;
    assert_eq!(error["code"], "upload_in_progress", "{error}");
    assert!(error["hint"].as_str().expect("a hint").contains("retry"), "{error}");

    drop(sender);
    let first = first.await.expect("join").expect("the first upload is answered");
    assert_eq!(first.status(), 202);
    let accepted: Value = first.json().await.expect("JSON");
    let replay = post(reqwest::Body::from(csv)).await.expect("POST");
    assert_eq!(replay.status(), 202);
    assert_eq!(replay.json::<Value>().await.expect("JSON")["id"], accepted["id"]);
}

#[test]
fn registration_routes_are_documented_with_the_error_envelope() {
    let document = serde_json::to_value(ztd_server::openapi::document()).expect("the document serialises");
    let routes = [
        ("post", "/api/v1/customers/{customer_id}/device-batches", true),
        ("get", "/api/v1/device-batches/{id}", true),
        ("get", "/api/v1/customers/{customer_id}/devices", true),
        ("get", "/api/v1/devices/{id}", true),
        ("patch", "/api/v1/devices/{id}", true),
        ("delete", "/api/v1/devices/{id}", true),
        ("get", "/api/v1/customers/{customer_id}/devices/export", true),
        ("post", "/api/v1/device-lookup", false),
    ];
    for (method, path, authenticated) in routes {
        let operation = &document["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        if authenticated {
            assert_eq!(operation["security"][0]["bearer"], json!([]), "{method} {path} without bearer");
            assert_eq!(
                operation["responses"]["401"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorEnvelope",
                "{method} {path} without the 401 envelope"
            );
        } else {
            // The first-boot lookup is for devices without credentials; its limit is documented.
            assert!(operation.get("security").is_none(), "{method} {path} asks for credentials");
            assert!(operation["responses"]["429"].is_object(), "{method} {path} without 429");
        }
    }
    let accepted =
        &document["paths"]["/api/v1/customers/{customer_id}/device-batches"]["post"]["responses"]["202"];
    assert!(accepted["headers"]["Location"].is_object(), "202 without Location: {accepted}");
}

/// docs/operations.md#fair-processing: with one worker busy on a customer's big batch, a small
/// batch of another customer is served after one slice, not after the whole backlog; the big
/// batch then carries on where it was, every device once, and its planner (which remembers the
/// rows seen, for duplicates) survives being given back.
async fn one_customers_backlog_does_not_hold_up_another(app: TestApp) {
    const BIG: usize = 3_000;
    let Some(app) = without_workers(app).await else { return };
    let busy = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let waiting = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let mut big = json_devices(&devices(131, BIG));
    // Row 2 fails (a tag no profile has); its repeat as the last row is still a duplicate.
    big[1]["group_tag"] = json!("Microsoft365ManagedNoSuchProfile_");
    let mut repeat = big[1].clone();
    repeat["group_tag"] = json!(STANDARD_TAG);
    big.push(repeat);
    let (status, big_batch) =
        post_json_batch(&app, &busy.key, busy.id(), &batch_body(STANDARD_TAG, big)).await;
    assert_eq!(status, 202, "{big_batch}");
    let big_id = big_batch["id"].as_str().unwrap().to_owned();

    let pool = start_pool(&app, 50, Some(Duration::from_millis(30)));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let batch: Value = app
            .get(&format!("/api/v1/device-batches/{big_id}?limit=1"), &busy.key)
            .await
            .json()
            .await
            .unwrap();
        if batch["registered"].as_i64().unwrap_or(0) > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the big batch never started: {batch}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    let small =
        register(&app, &waiting.key, waiting.id(), batch_body(STANDARD_TAG, json_devices(&devices(132, 5))))
            .await;
    assert_eq!(small["registered"], 5, "{small}");
    let big_then: Value =
        app.get(&format!("/api/v1/device-batches/{big_id}?limit=1"), &busy.key).await.json().await.unwrap();
    assert_eq!(
        big_then["status"], "processing",
        "the small batch of another customer waited for the whole backlog: {big_then}"
    );

    let big_done = wait_finished(&app, &busy.key, &big_id).await;
    pool.shutdown().await;
    assert_eq!(
        big_done["registered"],
        (BIG - 1) as i64,
        "{}",
        big_done["devices"].as_array().map_or(0, Vec::len)
    );
    assert_eq!(big_done["failed"], 2);
    assert_eq!(row(&big_done, 2)["status"], "failed", "{}", row(&big_done, 2));
    assert_eq!(row(&big_done, BIG as i64 + 1)["error"]["code"], "device_duplicated_in_batch");
    assert_eq!(list_all(&app, &busy.key, busy.id(), "").await.len(), BIG - 1);
}

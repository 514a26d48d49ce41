//! The approval queue, the dry run, orders and void, release requests and relationship health
//! (docs/domain.md#beyond-the-big-services), over HTTP on SQLite and PostgreSQL.

mod batches_support;

use std::collections::BTreeMap;
use std::time::Duration;

use batches_support::*;
use serde_json::{json, Value};
use ztd_server::testing::{error_body, TestApp};
use ztd_storage::{OrgKind, Role};

ztd_server::both_backends!(
    a_partner_batch_waits_for_the_customer_under_review,
    a_rejected_batch_registers_nothing_and_says_why,
    revoking_rejects_what_waits,
    a_streaming_upload_is_decided_only_once_whole,
    only_the_customer_sets_the_approval_mode,
    a_dry_run_answers_what_the_real_run_does_and_writes_nothing,
    a_csv_dry_run_refuses_a_bad_file_like_the_real_upload,
    orders_are_kept_and_filtered,
    voiding_deregisters_what_has_not_booted,
    a_release_request_frees_a_device_without_naming_its_owner,
    a_denied_release_request_leaves_the_device,
    relationship_health_counts_the_partners_work,
);

async fn set_mode(app: &TestApp, c: &Connected, mode: &str) {
    let response = app
        .patch(
            &format!("/api/v1/relationships/{}", c.relationship_id),
            &c.customer.key,
            &json!({ "approval_mode": mode }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["approval_mode"], mode);
}

async fn get_batch(app: &TestApp, key: &str, id: &str) -> Value {
    let response = app.get(&format!("/api/v1/device-batches/{id}"), key).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn device_count(app: &TestApp, key: &str, customer: uuid::Uuid) -> usize {
    list_all(app, key, customer, "").await.len()
}

async fn audit_actions(app: &TestApp, key: &str) -> Vec<Value> {
    let body: Value = app.get("/api/v1/audit?limit=1000", key).await.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

async fn a_partner_batch_waits_for_the_customer_under_review(app: TestApp) {
    let c = connected(&app).await;
    set_mode(&app, &c, "review").await;
    let body = batch_body(STANDARD_TAG, json_devices(&devices(1201, 3)));
    let (status, batch) = post_json_batch(&app, &c.partner.key, c.customer.id(), &body).await;
    assert_eq!(status, 202, "{batch}");
    assert_eq!(batch["status"], "awaiting_approval");
    let id = batch["id"].as_str().unwrap().to_owned();

    // Workers leave it alone: nothing registers while it waits.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let waiting = get_batch(&app, &c.customer.key, &id).await;
    assert_eq!(waiting["status"], "awaiting_approval");
    assert_eq!(waiting["registered"], 0);
    assert_eq!(device_count(&app, &c.customer.key, c.customer.id()).await, 0);
    // The customer sees what it would approve, row by row.
    for row in waiting["devices"].as_array().unwrap() {
        assert_eq!(row["status"], "pending");
        assert_eq!(row["preview"]["status"], "would_register", "{row}");
    }
    // Both sides see the state; the customer's queue lists it.
    assert_eq!(get_batch(&app, &c.partner.key, &id).await["status"], "awaiting_approval");
    let queue: Value = app
        .get(&format!("{}?status=awaiting_approval", batches_path(c.customer.id())), &c.customer.key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue["batches"].as_array().unwrap().len(), 1);
    assert_eq!(queue["batches"][0]["id"], id.as_str());

    // The partner cannot approve its own batch.
    let response =
        app.post(&format!("/api/v1/device-batches/{id}/approve"), &c.partner.key, &json!({})).await;
    assert_eq!(response.status(), 403);
    // A registrar of the customer cannot either.
    let registrar = app.with_role(&c.customer, Role::Registrar).await;
    let response =
        app.post(&format!("/api/v1/device-batches/{id}/approve"), &registrar.key, &json!({})).await;
    assert_eq!(response.status(), 403);

    let response =
        app.post(&format!("/api/v1/device-batches/{id}/approve"), &c.customer.key, &json!({})).await;
    assert_eq!(response.status(), 200);
    let approved: Value = response.json().await.unwrap();
    assert!(approved["status"] == "queued" || approved["status"] == "processing", "{approved}");
    assert!(approved["decided_at"].is_string());
    let finished = wait_finished(&app, &c.partner.key, &id).await;
    assert_eq!(finished["registered"], 3, "{finished}");
    assert_eq!(device_count(&app, &c.customer.key, c.customer.id()).await, 3);

    // Decided once.
    let response =
        app.post(&format!("/api/v1/device-batches/{id}/approve"), &c.customer.key, &json!({})).await;
    assert_eq!(response.status(), 409);
    assert_eq!(error_body(response).await["code"], "batch_not_awaiting_approval");
    let actions: Vec<String> = audit_actions(&app, &c.customer.key)
        .await
        .iter()
        .map(|event| event["action"].as_str().unwrap().to_owned())
        .collect();
    assert!(actions.contains(&"device_batch.awaiting_approval".to_owned()), "{actions:?}");
    assert!(actions.contains(&"device_batch.approve".to_owned()), "{actions:?}");
    // Audited on both sides: the partner's trail has the decision too, naming nobody.
    let partner_side: Vec<Value> = audit_actions(&app, &c.partner.key)
        .await
        .into_iter()
        .filter(|event| event["action"] == "device_batch.approve")
        .collect();
    assert_eq!(partner_side.len(), 1, "{partner_side:?}");
    assert_eq!(partner_side[0]["actor_kind"], "system");
    assert!(partner_side[0]["actor_id"].is_null());

    // Back to auto: the next batch is processed at once.
    set_mode(&app, &c, "auto").await;
    let body = batch_body(STANDARD_TAG, json_devices(&devices(1202, 1)));
    let finished = register(&app, &c.partner.key, c.customer.id(), body).await;
    assert_eq!(finished["registered"], 1);
}

async fn a_rejected_batch_registers_nothing_and_says_why(app: TestApp) {
    let c = connected(&app).await;
    set_mode(&app, &c, "review").await;
    let csv = partner_center_csv(&devices(1211, 2));
    let (status, batch) =
        post_csv_batch(&app, &c.partner.key, c.customer.id(), &format!("?group_tag={STANDARD_TAG}"), csv)
            .await;
    assert_eq!(status, 202, "{batch}");
    assert_eq!(batch["status"], "awaiting_approval");
    let id = batch["id"].as_str().unwrap();

    let too_long = "x".repeat(501);
    let response = app
        .post(&format!("/api/v1/device-batches/{id}/reject"), &c.customer.key, &json!({ "reason": too_long }))
        .await;
    assert_eq!(response.status(), 422);
    let response = app
        .post(
            &format!("/api/v1/device-batches/{id}/reject"),
            &c.customer.key,
            &json!({ "reason": "not our order" }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let rejected = get_batch(&app, &c.partner.key, id).await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["rejection_reason"], "not our order");
    assert_eq!(rejected["failed"], 2);
    assert_eq!(rejected["pending"], 0);
    for row in rejected["devices"].as_array().unwrap() {
        assert_eq!(row["status"], "failed");
        assert_eq!(row["error"]["code"], "batch_rejected");
        assert!(row["error"]["message"].as_str().unwrap().contains("not our order"), "{row}");
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(device_count(&app, &c.customer.key, c.customer.id()).await, 0);
    let seen_by_partner = audit_actions(&app, &c.partner.key)
        .await
        .into_iter()
        .filter(|event| {
            event["action"] == "device_batch.reject" && event["details"]["reason"] == "not our order"
        })
        .count();
    assert_eq!(seen_by_partner, 1, "the partner's trail has the rejection and its reason");
    // A reject without a body, or with `null`, is read as no reason; a decided batch is 409.
    let response = app
        .request(reqwest::Method::POST, &format!("/api/v1/device-batches/{id}/reject"), Some(&c.customer.key))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
    let response = app
        .request(reqwest::Method::POST, &format!("/api/v1/device-batches/{id}/reject"), Some(&c.customer.key))
        .header("content-type", "application/json")
        .body("null")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409, "null is no body, not a malformed one");
}

async fn revoking_rejects_what_waits(app: TestApp) {
    let c = connected(&app).await;
    set_mode(&app, &c, "review").await;
    let body = batch_body(STANDARD_TAG, json_devices(&devices(1221, 2)));
    let (_, batch) = post_json_batch(&app, &c.partner.key, c.customer.id(), &body).await;
    let id = batch["id"].as_str().unwrap();
    let response = app.delete(&format!("/api/v1/relationships/{}", c.relationship_id), &c.customer.key).await;
    assert_eq!(response.status(), 204);
    let after = get_batch(&app, &c.customer.key, id).await;
    assert_eq!(after["status"], "rejected");
    assert_eq!(after["rejection_reason"], "the relationship was revoked");
    assert_eq!(after["failed"], 2);
    let rejections = audit_actions(&app, &c.customer.key)
        .await
        .into_iter()
        .filter(|event| event["action"] == "device_batch.reject" && event["target_id"] == id)
        .count();
    assert_eq!(rejections, 1);
    let seen_by_partner = audit_actions(&app, &c.partner.key)
        .await
        .into_iter()
        .filter(|event| event["action"] == "device_batch.reject" && event["target_id"] == id)
        .count();
    assert_eq!(seen_by_partner, 1, "the partner learns its waiting batch was rejected");
}

async fn a_streaming_upload_is_decided_only_once_whole(app: TestApp) {
    use futures::SinkExt;
    let c = connected(&app).await;
    set_mode(&app, &c, "review").await;
    let csv = partner_center_csv(&devices(1225, 1_200));
    let path = format!("{}?group_tag={STANDARD_TAG}", batches_path(c.customer.id()));
    let (mut sender, body) = futures::channel::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let upload = app
        .request(reqwest::Method::POST, &path, Some(&c.partner.key))
        .header("content-type", "text/csv")
        .body(reqwest::Body::wrap_stream(body))
        .send();
    let upload = tokio::spawn(upload);
    sender.send(Ok(csv.into_bytes())).await.expect("the server takes the rows");
    // The customer sees the batch opened on its tenant while the rows still arrive.
    let mut id = None;
    for _ in 0..200 {
        id = audit_actions(&app, &c.customer.key)
            .await
            .into_iter()
            .find(|event| event["action"] == "device_batch.create")
            .and_then(|event| event["target_id"].as_str().map(str::to_owned));
        if id.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let id = id.expect("the upload's batch was opened");
    let queue_path = format!("{}?status=awaiting_approval", batches_path(c.customer.id()));
    let queue: Value = app.get(&queue_path, &c.customer.key).await.json().await.unwrap();
    assert_eq!(queue["batches"].as_array().unwrap().len(), 0, "an upload still arriving is not in the queue");
    let response =
        app.post(&format!("/api/v1/device-batches/{id}/approve"), &c.customer.key, &json!({})).await;
    assert_eq!(response.status(), 409);
    assert_eq!(error_body(response).await["code"], "upload_in_progress");

    drop(sender);
    let answered = upload.await.expect("join").expect("the upload is answered");
    assert_eq!(answered.status(), 202);
    let queue: Value = app.get(&queue_path, &c.customer.key).await.json().await.unwrap();
    assert_eq!(queue["batches"][0]["id"], id.as_str());
    assert_eq!(queue["batches"][0]["total"], 1_200);
    let announced = audit_actions(&app, &c.customer.key)
        .await
        .into_iter()
        .filter(|event| {
            event["action"] == "device_batch.awaiting_approval" && event["target_id"] == id.as_str()
        })
        .count();
    assert_eq!(announced, 1, "announced once, when whole");
    let response =
        app.post(&format!("/api/v1/device-batches/{id}/approve"), &c.customer.key, &json!({})).await;
    assert_eq!(response.status(), 200);
    assert_eq!(wait_finished(&app, &c.partner.key, &id).await["registered"], 1_200);
}

async fn only_the_customer_sets_the_approval_mode(app: TestApp) {
    let c = connected(&app).await;
    let path = format!("/api/v1/relationships/{}", c.relationship_id);
    let response = app.patch(&path, &c.partner.key, &json!({ "approval_mode": "review" })).await;
    assert_eq!(response.status(), 403);
    let response = app.patch(&path, &c.customer.key, &json!({ "approval_mode": "sometimes" })).await;
    assert_eq!(response.status(), 422);
    assert_eq!(error_body(response).await["code"], "invalid_approval_mode");
    let reader = app.with_role(&c.customer, Role::Reader).await;
    let response = app.patch(&path, &reader.key, &json!({ "approval_mode": "review" })).await;
    assert_eq!(response.status(), 403);
    // Another customer does not see the relationship at all.
    let stranger = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let response = app.patch(&path, &stranger.key, &json!({ "approval_mode": "review" })).await;
    assert_eq!(response.status(), 404);
    let shown: Value = app.get(&path, &c.partner.key).await.json().await.unwrap();
    assert_eq!(shown["approval_mode"], "auto");
}

/// Per row: (status, error code) as a real run reports it.
fn outcomes(batch: &Value) -> BTreeMap<i64, (String, Option<String>)> {
    batch["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let code = row["error"]["code"].as_str().map(str::to_owned);
            (row["row"].as_i64().unwrap(), (row["status"].as_str().unwrap().to_owned(), code))
        })
        .collect()
}

/// A dry run's verdicts, as the outcome a real run would report.
fn verdicts(dry: &Value) -> BTreeMap<i64, (String, Option<String>)> {
    dry["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let status = match row["status"].as_str().unwrap() {
                "would_register" => "registered",
                "would_be_unassigned" => "unassigned",
                "would_fail" => "failed",
                other => panic!("not a verdict: {other}"),
            };
            let code = row["error"]["code"].as_str().map(str::to_owned);
            (row["row"].as_i64().unwrap(), (status.to_owned(), code))
        })
        .collect()
}

async fn a_dry_run_answers_what_the_real_run_does_and_writes_nothing(app: TestApp) {
    let c = connected(&app).await;
    let other = connected(&app).await;
    let pool = devices(1231, 8);
    // Already here (registered by this partner), and already in another tenant.
    register(&app, &c.partner.key, c.customer.id(), batch_body(STANDARD_TAG, json_devices(&pool[0..1])))
        .await;
    register(
        &app,
        &other.partner.key,
        other.customer.id(),
        batch_body(STANDARD_TAG, json_devices(&pool[1..2])),
    )
    .await;
    let mut rows = json_devices(&pool);
    rows.push(rows[2].clone()); // the same device twice in the batch
    rows[3]["group_tag"] = json!("Microsoft365ManagedStandard"); // a near-miss tag
    rows[4]["group_tag"] = json!(""); // an empty cell: the batch's default applies
    rows[5]["hardware_hash"] = json!("not a hash"); // unusable
    let body = json!({ "group_tag": STANDARD_TAG, "devices": rows });

    let devices_before = device_count(&app, &c.customer.key, c.customer.id()).await;
    let audit_before = audit_actions(&app, &c.customer.key).await.len();
    let batches_before: Value =
        app.get(&batches_path(c.customer.id()), &c.customer.key).await.json().await.unwrap();
    let response =
        app.post(&format!("{}?dry_run=true", batches_path(c.customer.id())), &c.partner.key, &body).await;
    assert_eq!(response.status(), 200);
    let dry: Value = response.json().await.unwrap();
    assert_eq!(dry["status"], "dry_run");
    assert_eq!(dry["awaiting_approval"], false);
    assert_eq!(dry["total"], 9);
    // Nothing written: no device, no batch, no audit event.
    assert_eq!(device_count(&app, &c.customer.key, c.customer.id()).await, devices_before);
    assert_eq!(audit_actions(&app, &c.customer.key).await.len(), audit_before);
    let batches_after: Value =
        app.get(&batches_path(c.customer.id()), &c.customer.key).await.json().await.unwrap();
    assert_eq!(batches_after, batches_before);

    let expected = verdicts(&dry);
    let code = |row: i64| expected[&row].1.clone();
    assert_eq!(code(1).as_deref(), Some("device_already_registered"));
    assert_eq!(code(2).as_deref(), Some("device_registered_to_other_tenant"));
    assert_eq!(code(9).as_deref(), Some("device_duplicated_in_batch"));
    assert_eq!(code(4).as_deref(), Some("unknown_group_tag"));
    assert_eq!(code(6).as_deref(), Some("invalid_hardware_hash"));
    assert_eq!(expected[&5].0, "registered");
    assert_eq!(expected[&3].0, "registered");

    let finished = register(&app, &c.partner.key, c.customer.id(), body).await;
    assert_eq!(outcomes(&finished), expected, "the dry run and the real run disagree");
    assert_eq!(finished["registered"], dry["registered"]);
    assert_eq!(finished["unassigned"], dry["unassigned"]);
    assert_eq!(finished["failed"], dry["failed"]);

    // Under review the dry run says the batch would wait.
    set_mode(&app, &c, "review").await;
    let body = batch_body(STANDARD_TAG, json_devices(&devices(1232, 1)));
    let dry: Value = app
        .post(&format!("{}?dry_run=true", batches_path(c.customer.id())), &c.partner.key, &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dry["awaiting_approval"], true);
}

async fn a_csv_dry_run_refuses_a_bad_file_like_the_real_upload(app: TestApp) {
    let c = connected(&app).await;
    let good = partner_center_csv(&devices(1241, 2));
    let (status, dry) = post_csv_batch(
        &app,
        &c.partner.key,
        c.customer.id(),
        &format!("?dry_run=true&group_tag={STANDARD_TAG}"),
        good,
    )
    .await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["registered"], 2);
    let bad = "Serial,Hash\r\nA,B\r\n".to_owned();
    let (status, refused) =
        post_csv_batch(&app, &c.partner.key, c.customer.id(), "?dry_run=true", bad.clone()).await;
    assert_eq!(status, 422);
    assert_eq!(refused["error"]["code"], "invalid_csv_file");
    let (status, real) = post_csv_batch(&app, &c.partner.key, c.customer.id(), "", bad).await;
    assert_eq!(status, 422);
    assert_eq!(real["error"]["diagnostics"], refused["error"]["diagnostics"]);
}

async fn orders_are_kept_and_filtered(app: TestApp) {
    let c = connected(&app).await;
    let mut body = batch_body(STANDARD_TAG, json_devices(&devices(1251, 2)));
    body["order_number"] = json!("SO-1001");
    body["purchase_order"] = json!("PO 77");
    body["ship_date"] = json!("2026-12-24");
    let finished = register(&app, &c.partner.key, c.customer.id(), body).await;
    assert_eq!(finished["order_number"], "SO-1001");
    assert_eq!(finished["ship_date"], "2026-12-24");
    let csv = partner_center_csv(&devices(1252, 3));
    let (status, batch) = post_csv_batch(
        &app,
        &c.partner.key,
        c.customer.id(),
        &format!("?group_tag={STANDARD_TAG}&order_number=SO-1002"),
        csv,
    )
    .await;
    assert_eq!(status, 202, "{batch}");
    wait_finished(&app, &c.partner.key, batch["id"].as_str().unwrap()).await;

    let first = list_all(&app, &c.customer.key, c.customer.id(), "&order_number=SO-1001").await;
    assert_eq!(first.len(), 2);
    assert!(first
        .iter()
        .all(|device| device["order_number"] == "SO-1001" && device["purchase_order"] == "PO 77"));
    assert_eq!(list_all(&app, &c.partner.key, c.customer.id(), "&order_number=SO-1002").await.len(), 3);
    assert_eq!(list_all(&app, &c.customer.key, c.customer.id(), "&order_number=SO-9").await.len(), 0);

    let mut bad = batch_body(STANDARD_TAG, json_devices(&devices(1253, 1)));
    bad["ship_date"] = json!("24/12/2026");
    let (status, error) = post_json_batch(&app, &c.partner.key, c.customer.id(), &bad).await;
    assert_eq!(status, 422);
    assert_eq!(error["error"]["code"], "invalid_order_field");
    assert!(error["error"]["message"].as_str().unwrap().contains("24/12/2026"));
}

async fn voiding_deregisters_what_has_not_booted(app: TestApp) {
    let c = connected(&app).await;
    let pool = devices(1261, 3);
    let mut body = batch_body(STANDARD_TAG, json_devices(&pool));
    body["order_number"] = json!("SO-2001");
    let finished = register(&app, &c.partner.key, c.customer.id(), body).await;
    let id = finished["id"].as_str().unwrap();
    // One device boots.
    let lookup = app
        .request(reqwest::Method::POST, "/api/v1/device-lookup", None)
        .json(&json!({ "hardware_hash": pool[0].hardware_hash }))
        .send()
        .await
        .unwrap();
    assert_eq!(lookup.status(), 200);
    app.first_boots_written().await;

    // Only the submitter voids.
    let response = app.post(&format!("/api/v1/device-batches/{id}/void"), &c.customer.key, &json!({})).await;
    assert_eq!(response.status(), 403);
    assert_eq!(error_body(response).await["code"], "not_batch_submitter");
    let response = app.post(&format!("/api/v1/device-batches/{id}/void"), &c.partner.key, &json!({})).await;
    assert_eq!(response.status(), 200);
    let voided: Value = response.json().await.unwrap();
    assert_eq!(voided["voided"].as_array().unwrap().len(), 2);
    assert_eq!(voided["not_voided"].as_array().unwrap().len(), 1);
    assert_eq!(voided["not_voided"][0]["serial_number"], pool[0].serial_number.as_str());
    assert!(voided["batch"]["voided_at"].is_string());
    let live = list_all(&app, &c.customer.key, c.customer.id(), "").await;
    assert_eq!(live.len(), 1);
    assert_eq!(live[0]["state"], "active");
    // Voiding again changes nothing more; the freed devices register again.
    let again: Value = app
        .post(&format!("/api/v1/device-batches/{id}/void"), &c.partner.key, &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["voided"].as_array().unwrap().len(), 0);
    let back =
        register(&app, &c.partner.key, c.customer.id(), batch_body(STANDARD_TAG, json_devices(&pool[1..])))
            .await;
    assert_eq!(back["registered"], 2);
    let deregistrations = audit_actions(&app, &c.customer.key)
        .await
        .into_iter()
        .filter(|event| event["action"] == "device.deregister")
        .count();
    assert_eq!(deregistrations, 2);

    // A waiting batch cannot be voided.
    set_mode(&app, &c, "review").await;
    let (_, waiting) = post_json_batch(
        &app,
        &c.partner.key,
        c.customer.id(),
        &batch_body(STANDARD_TAG, json_devices(&devices(1262, 1))),
    )
    .await;
    let response = app
        .post(
            &format!("/api/v1/device-batches/{}/void", waiting["id"].as_str().unwrap()),
            &c.partner.key,
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), 409);
    assert_eq!(error_body(response).await["code"], "batch_not_finished");
}

async fn a_release_request_frees_a_device_without_naming_its_owner(app: TestApp) {
    let owner = connected(&app).await;
    let requester = connected(&app).await;
    let device = devices(1271, 1);
    register(&app, &owner.partner.key, owner.customer.id(), batch_body(STANDARD_TAG, json_devices(&device)))
        .await;
    let refused = register(
        &app,
        &requester.partner.key,
        requester.customer.id(),
        batch_body(STANDARD_TAG, json_devices(&device)),
    )
    .await;
    assert_eq!(row(&refused, 1)["error"]["code"], "device_registered_to_other_tenant");

    let ask = json!({ "hardware_hash": device[0].hardware_hash });
    let response = app.post("/api/v1/release-requests", &requester.partner.key, &ask).await;
    assert_eq!(response.status(), 201);
    let request: Value = response.json().await.unwrap();
    assert_eq!(request["status"], "pending");
    let request_id = request["id"].as_str().unwrap().to_owned();
    let response = app.post("/api/v1/release-requests", &requester.partner.key, &ask).await;
    assert_eq!(response.status(), 409);
    assert_eq!(error_body(response).await["code"], "release_request_open");

    // The owner sees who asked and for which device; nobody else sees it.
    let listed: Value = app.get("/api/v1/release-requests", &owner.customer.key).await.json().await.unwrap();
    let incoming = &listed["release_requests"][0];
    assert_eq!(incoming["direction"], "incoming");
    assert_eq!(incoming["requester_name"], requester.partner.org.name.as_str());
    assert_eq!(incoming["serial_number"], device[0].serial_number.as_str());
    let others: Value =
        app.get("/api/v1/release-requests", &requester.customer.key).await.json().await.unwrap();
    assert_eq!(others["release_requests"].as_array().unwrap().len(), 0);
    let response = app
        .post(&format!("/api/v1/release-requests/{request_id}/approve"), &requester.customer.key, &json!({}))
        .await;
    assert_eq!(response.status(), 404);

    let response = app
        .post(&format!("/api/v1/release-requests/{request_id}/approve"), &owner.customer.key, &json!({}))
        .await;
    assert_eq!(response.status(), 200);
    let decided: Value = response.json().await.unwrap();
    assert_eq!(decided["status"], "approved");
    assert_eq!(list_all(&app, &owner.customer.key, owner.customer.id(), "").await.len(), 0);

    // The requester registers it now, and learns the outcome but never the owner.
    let registered = register(
        &app,
        &requester.partner.key,
        requester.customer.id(),
        batch_body(STANDARD_TAG, json_devices(&device)),
    )
    .await;
    assert_eq!(registered["registered"], 1);
    let mine: Value = app.get("/api/v1/release-requests", &requester.partner.key).await.json().await.unwrap();
    assert_eq!(mine["release_requests"][0]["status"], "approved");
    let seen_by_requester = format!(
        "{mine}{}",
        serde_json::to_string(&audit_actions(&app, &requester.partner.key).await).unwrap()
    );
    let owner_id = owner.customer.id().to_string();
    assert!(!seen_by_requester.contains(&owner_id), "the requester learnt the owner: {seen_by_requester}");
    assert!(!seen_by_requester.contains(&owner.customer.org.name), "the requester learnt the owner's name");
    assert!(seen_by_requester.contains("release_request.approve"));

    // Asking about a device nobody else holds is refused.
    let response = app
        .post(
            "/api/v1/release-requests",
            &requester.partner.key,
            &json!({ "hardware_hash": devices(1272, 1)[0].hardware_hash }),
        )
        .await;
    assert_eq!(response.status(), 409);
    assert_eq!(error_body(response).await["code"], "device_not_registered_elsewhere");
    let response = app
        .post("/api/v1/release-requests", &requester.partner.key, &json!({ "hardware_hash": "nope" }))
        .await;
    assert_eq!(response.status(), 422);
}

async fn a_denied_release_request_leaves_the_device(app: TestApp) {
    let owner = connected(&app).await;
    let requester = connected(&app).await;
    let device = devices(1281, 1);
    register(&app, &owner.partner.key, owner.customer.id(), batch_body(STANDARD_TAG, json_devices(&device)))
        .await;
    let request: Value = app
        .post(
            "/api/v1/release-requests",
            &requester.partner.key,
            &json!({ "hardware_hash": device[0].hardware_hash }),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = request["id"].as_str().unwrap();
    let registrar = app.with_role(&owner.customer, Role::Registrar).await;
    let response = app.post(&format!("/api/v1/release-requests/{id}/deny"), &registrar.key, &json!({})).await;
    assert_eq!(response.status(), 403);
    let response =
        app.post(&format!("/api/v1/release-requests/{id}/deny"), &owner.customer.key, &json!({})).await;
    assert_eq!(response.status(), 200);
    let response =
        app.post(&format!("/api/v1/release-requests/{id}/approve"), &owner.customer.key, &json!({})).await;
    assert_eq!(response.status(), 409);
    assert_eq!(error_body(response).await["code"], "release_request_decided");
    assert_eq!(list_all(&app, &owner.customer.key, owner.customer.id(), "").await.len(), 1);
    let mine: Value = app.get("/api/v1/release-requests", &requester.partner.key).await.json().await.unwrap();
    assert_eq!(mine["release_requests"][0]["status"], "denied");
}

async fn relationship_health_counts_the_partners_work(app: TestApp) {
    let c = connected(&app).await;
    let path = format!("/api/v1/relationships/{}", c.relationship_id);
    let fresh: Value = app.get(&path, &c.customer.key).await.json().await.unwrap();
    assert_eq!(fresh["health"]["batches_30d"], 0);
    assert!(fresh["health"]["last_upload_at"].is_null());
    // Accepted with an API key here, not by a person: no email to show.
    assert!(fresh["health"]["accepted_by"].is_null(), "{fresh}");

    let pool = devices(1291, 3);
    register(&app, &c.partner.key, c.customer.id(), batch_body(STANDARD_TAG, json_devices(&pool))).await;
    // One failed row: a device already registered.
    register(&app, &c.partner.key, c.customer.id(), batch_body(STANDARD_TAG, json_devices(&pool[0..1])))
        .await;
    for key in [&c.customer.key, &c.partner.key] {
        let shown: Value = app.get(&path, key).await.json().await.unwrap();
        let health = &shown["health"];
        assert_eq!(health["batches_30d"], 2, "{shown}");
        assert_eq!(health["rows_failed_30d"], 1);
        assert_eq!(health["devices_registered"], 3);
        assert!(health["last_upload_at"].is_string());
        assert_eq!(health["accepted_at"], shown["created_at"]);
    }
    // The list stays light.
    let list: Value = app.get("/api/v1/relationships", &c.customer.key).await.json().await.unwrap();
    assert!(list[0].get("health").is_none());
}

//! Consent is checked at every step, not only at the door (docs/domain.md#consent, on SQLite and PostgreSQL).
//!
//! A partner's request that passed the relationship check when it started must still stop when
//! the customer revokes while the work is under way: a batch queued before the revoke, a batch
//! being processed, a CSV upload still streaming in, an export still streaming out, and later
//! changes to the devices the partner registered. The customer's `204` to the revoke is the
//! line: nothing of the partner's lands in the tenant after it, and nothing more of the tenant
//! leaves to the partner.

mod batches_support;

use std::time::{Duration, Instant};

use batches_support::*;
use futures::SinkExt;
use serde_json::{json, Value};
use ztd_server::testing::{error_body, TestApp};

ztd_server::both_backends!(
    a_batch_queued_before_the_revoke_registers_nothing,
    a_revoke_during_processing_stops_the_batch_at_the_204,
    a_revoke_during_a_slow_csv_upload_refuses_the_upload,
    a_revoke_during_an_export_aborts_the_download,
    devices_cannot_be_changed_after_the_revoke,
);

/// The customer revokes the relationship; asserts the `204`.
async fn revoke(app: &TestApp, c: &Connected) {
    let response = app.delete(&format!("/api/v1/relationships/{}", c.relationship_id), &c.customer.key).await;
    let status = response.status();
    assert_eq!(status, 204, "revoke: {}", response.text().await.unwrap_or_default());
}

/// The devices of the customer's tenant registered by the partner, as the customer sees them.
async fn partner_devices(app: &TestApp, c: &Connected) -> Vec<Value> {
    list_all(app, &c.customer.key, c.customer.id(), &format!("&registered_by={}", c.partner.id())).await
}

/// The summary of a batch (counts, no row results), as the customer sees it.
async fn batch_summary(app: &TestApp, key: &str, batch_id: &str) -> Value {
    let response = app.get(&format!("/api/v1/device-batches/{batch_id}?limit=1"), key).await;
    let status = response.status();
    let body: Value = response.json().await.expect("batch JSON");
    assert_eq!(status, 200, "batch {batch_id}: {body}");
    body
}

fn failed_rows(batch: &Value) -> Vec<&Value> {
    batch["devices"].as_array().expect("rows").iter().filter(|r| r["status"] == "failed").collect()
}

fn audit_items(audit: &Value) -> Vec<Value> {
    audit["items"].as_array().cloned().unwrap_or_default()
}

async fn customer_audit(app: &TestApp, c: &Connected) -> Vec<Value> {
    let response = app.get("/api/v1/audit?limit=1000", &c.customer.key).await;
    assert_eq!(response.status(), 200);
    audit_items(&response.json().await.expect("audit JSON"))
}

// 1 ------------------------------------------------------------------------------------------

/// The partner's batch was accepted (202) while the relationship was active, but no worker got
/// to it before the customer revoked: the worker must not register a single row of it.
async fn a_batch_queued_before_the_revoke_registers_nothing(app: TestApp) {
    let Some(app) = without_workers(app).await else { return };
    let c = connected(&app).await;
    let devices = devices(9_001, 50);
    let (status, accepted) = post_json_batch(
        &app,
        &c.partner.key,
        c.customer.id(),
        &batch_body(STANDARD_TAG, json_devices(&devices)),
    )
    .await;
    assert_eq!(status, 202, "{accepted}");
    let batch_id = accepted["id"].as_str().expect("batch id").to_owned();
    assert_eq!(accepted["status"], "queued", "no workers run yet: {accepted}");

    revoke(&app, &c).await;

    let pool = start_pool(&app, 10, None);
    // The customer polls: the partner no longer sees the batch (its reach is gone).
    let batch = wait_finished(&app, &c.customer.key, &batch_id).await;
    pool.shutdown().await;

    assert_eq!(batch["status"], "finished_with_errors", "{}", summary_of(&batch));
    assert_eq!(
        (
            batch["registered"].as_i64(),
            batch["unassigned"].as_i64(),
            batch["failed"].as_i64(),
            batch["pending"].as_i64()
        ),
        (Some(0), Some(0), Some(50), Some(0)),
        "{}",
        summary_of(&batch)
    );
    let rows = batch["devices"].as_array().expect("rows");
    assert_eq!(rows.len(), 50);
    for result in rows {
        assert_eq!(result["status"], "failed", "{result}");
        assert_eq!(result["error"]["code"], "relationship_revoked", "{result}");
        assert!(result["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{result}");
        assert!(result["device_id"].is_null(), "{result}");
    }
    assert!(
        list_all(&app, &c.customer.key, c.customer.id(), "").await.is_empty(),
        "a revoked partner's queued batch registered devices into the customer's tenant"
    );
}

/// The batch without its row results, for assertion messages.
fn summary_of(batch: &Value) -> Value {
    let mut summary = batch.clone();
    if let Some(object) = summary.as_object_mut() {
        object.remove("devices");
    }
    summary
}

// 2 ------------------------------------------------------------------------------------------

/// The customer revokes while a large batch is being processed in small chunks. Whatever was
/// registered before the `204` stays (it was consented to); nothing is registered after it, and
/// the rest of the rows fail with `relationship_revoked`.
async fn a_revoke_during_processing_stops_the_batch_at_the_204(app: TestApp) {
    const TOTAL: usize = 3_000;
    let Some(app) = without_workers(app).await else { return };
    let c = connected(&app).await;
    let (status, accepted) = post_json_batch(
        &app,
        &c.partner.key,
        c.customer.id(),
        &batch_body(STANDARD_TAG, json_devices(&devices(9_002, TOTAL))),
    )
    .await;
    assert_eq!(status, 202, "{accepted}");
    let batch_id = accepted["id"].as_str().expect("batch id").to_owned();

    // 120 chunks of 25 rows: the batch is seen registering long before it could end.
    let pool = start_pool(&app, 25, None);
    let deadline = Instant::now() + Duration::from_secs(60);
    let progress = loop {
        let summary = batch_summary(&app, &c.customer.key, &batch_id).await;
        if summary["registered"].as_i64().unwrap_or(0) > 0 {
            break summary;
        }
        assert!(Instant::now() < deadline, "the batch showed no progress within 60 s: {summary}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert!(
        progress["pending"].as_i64().unwrap_or(0) > 0,
        "the batch finished before the revoke could interrupt it; make it bigger: {progress}"
    );

    revoke(&app, &c).await;
    let at_revoke = partner_devices(&app, &c).await.len();

    let batch = wait_finished(&app, &c.customer.key, &batch_id).await;
    pool.shutdown().await;
    let summary = summary_of(&batch);
    let registered = batch["registered"].as_i64().expect("registered");
    let failed = batch["failed"].as_i64().expect("failed");
    // The tenant holds exactly what the batch says was registered, and it already held all of
    // it when the revoke answered 204.
    let at_end = partner_devices(&app, &c).await.len();
    assert_eq!(
        at_end, at_revoke,
        "devices were registered into the tenant after the revoke answered 204 ({at_revoke} then, {at_end} at the end): {summary}"
    );
    assert_eq!(
        at_end as i64, registered,
        "the tenant's devices from the partner vs the batch's count: {summary}"
    );
    assert_eq!(batch["status"], "finished_with_errors", "{summary}");
    assert_eq!(batch["pending"], 0, "{summary}");
    assert_eq!(batch["unassigned"], 0, "{summary}");
    assert_eq!(registered + failed, TOTAL as i64, "every row has an outcome: {summary}");
    assert!(failed >= 1, "no row failed although the revoke came mid-batch: {summary}");

    let failures = failed_rows(&batch);
    assert_eq!(failures.len() as i64, failed, "{summary}");
    for result in &failures {
        assert_eq!(result["error"]["code"], "relationship_revoked", "{result}");
        assert!(result["device_id"].is_null(), "{result}");
    }
    // Rows are processed in order: once the revoke stopped the batch, no later row registered.
    let first_failed = failures.iter().filter_map(|r| r["row"].as_i64()).min().expect("a failed row");
    let rows = batch["devices"].as_array().expect("rows");
    assert_eq!(rows.len(), TOTAL);
    let registered_after =
        rows.iter().filter(|r| r["status"] == "registered" && r["row"].as_i64() > Some(first_failed)).count();
    assert_eq!(registered_after, 0, "rows after the first revoked row were still registered");
}

// 3 ------------------------------------------------------------------------------------------

/// The partner streams a CSV file slowly; the customer revokes halfway through. The upload
/// passed the check at its start, but must not become a batch: it is refused with `403
/// relationship_required`, and nothing of it remains.
async fn a_revoke_during_a_slow_csv_upload_refuses_the_upload(app: TestApp) {
    let c = connected(&app).await;
    let devices = devices(9_003, 2_400);
    let csv = partner_center_csv(&devices);
    // The header and the first 1,200 rows (more than one 1,000-row intake chunk), then the rest.
    let split = csv.match_indices("\r\n").nth(1_200).map(|(at, _)| at + 2).expect("enough lines");
    let (first_half, second_half) = csv.split_at(split);

    let (mut sender, body) = futures::channel::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let request = app
        .request(
            reqwest::Method::POST,
            &format!("{}?group_tag={STANDARD_TAG}", batches_path(c.customer.id())),
            Some(&c.partner.key),
        )
        .header("content-type", "text/csv")
        .body(reqwest::Body::wrap_stream(body));
    let upload = tokio::spawn(request.send());

    for piece in first_half.as_bytes().chunks(64 * 1024) {
        sender.send(Ok(piece.to_vec())).await.expect("the upload takes the first half");
    }
    // Best effort: let the server store the first half before the revoke (today it opens the
    // batch, audited, with the first intake chunk). The outcome asked for is the same either way:
    // the revoke comes before the upload ends.
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let opened = customer_audit(&app, &c).await.iter().any(|e| e["action"] == "device_batch.create");
        if opened {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    revoke(&app, &c).await;

    for piece in second_half.as_bytes().chunks(64 * 1024) {
        if sender.send(Ok(piece.to_vec())).await.is_err() {
            break; // The server stopped reading: it may answer before the body ends.
        }
    }
    drop(sender);

    let response = tokio::time::timeout(Duration::from_secs(120), upload)
        .await
        .expect("the upload was answered within 120 s")
        .expect("the upload task")
        .unwrap_or_else(|error| panic!("the upload was not answered (connection error: {error})"));
    let status = response.status();
    assert_eq!(
        status,
        403,
        "an upload the customer revoked consent for mid-stream was answered {status}: {}",
        response.text().await.unwrap_or_default()
    );
    let error = error_body(response).await;
    assert_eq!(error["code"], "relationship_required", "{error}");

    // No batch from the upload is visible: every batch the audit shows was opened is gone.
    let opened: Vec<String> = customer_audit(&app, &c)
        .await
        .iter()
        .filter(|e| e["action"] == "device_batch.create")
        .filter_map(|e| e["target_id"].as_str().map(str::to_owned))
        .collect();
    for batch_id in &opened {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let status =
                app.get(&format!("/api/v1/device-batches/{batch_id}"), &c.customer.key).await.status();
            if status == 404 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "batch {batch_id} of the refused upload is still visible ({status})"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    assert!(partner_devices(&app, &c).await.is_empty(), "the refused upload registered devices");
}

// 4 ------------------------------------------------------------------------------------------

/// The partner downloads the export of the devices it registered; the customer revokes after
/// the first part of the file went out. The rest must not reach the partner.
///
/// A revoked export **aborts the HTTP body** (the connection breaks off mid-body) rather than
/// ending it cleanly: a CSV file has no trailer, so a body that simply ended early would look
/// like a complete, smaller export. A broken transfer is one no client mistakes for the whole.
async fn a_revoke_during_an_export_aborts_the_download(app: TestApp) {
    // About 4.3 KB a row: some 34 MB, far more than socket buffers and a page or two in flight.
    const TOTAL: usize = 8_000;
    let c = connected(&app).await;
    let body = batch_body(STANDARD_TAG, json_devices(&devices(9_004, TOTAL)));
    let batch = register(&app, &c.partner.key, c.customer.id(), body).await;
    assert_eq!(batch["registered"], TOTAL as i64, "{}", summary_of(&batch));

    let export = format!("/api/v1/customers/{}/devices/export?format=partner-center", c.customer.id());
    let mut response = app.get(&export, &c.partner.key).await;
    assert_eq!(response.status(), 200);
    // The first part only: the header and a few rows.
    let mut received: Vec<u8> = Vec::new();
    while received.len() < 64 * 1024 {
        match response.chunk().await {
            Ok(Some(chunk)) => received.extend_from_slice(&chunk),
            Ok(None) => panic!("the export ended after {} bytes, before the revoke", received.len()),
            Err(error) => panic!("the export failed before the revoke: {error}"),
        }
    }

    revoke(&app, &c).await;

    let ending = loop {
        match tokio::time::timeout(Duration::from_secs(60), response.chunk()).await {
            Err(_) => panic!("the export neither continued nor ended within 60 s of the revoke"),
            Ok(Ok(Some(chunk))) => received.extend_from_slice(&chunk),
            Ok(Ok(None)) => break Ok(()),
            Ok(Err(error)) => break Err(error),
        }
    };
    let lines = received.windows(2).filter(|pair| pair == b"\r\n").count();
    let rows = lines.saturating_sub(1);
    assert!(
        rows < TOTAL,
        "the partner received all {TOTAL} rows of the export although the customer revoked after the first part"
    );
    assert!(
        ending.is_err(),
        "the revoked export ended cleanly after {rows} of {TOTAL} rows; it must break off so it cannot pass for a complete file"
    );

    // And a new export is refused outright.
    let again = app.get(&export, &c.partner.key).await;
    assert_eq!(again.status(), 403);
    assert_eq!(error_body(again).await["code"], "relationship_required");
}

// 5 ------------------------------------------------------------------------------------------

/// After the revoke the partner can no longer change or deregister the devices it registered:
/// they are answered like devices that do not exist, and stay as they were for the customer.
async fn devices_cannot_be_changed_after_the_revoke(app: TestApp) {
    let c = connected(&app).await;
    let batch = register(
        &app,
        &c.partner.key,
        c.customer.id(),
        batch_body(STANDARD_TAG, json_devices(&devices(9_005, 2))),
    )
    .await;
    assert_eq!(batch["registered"], 2, "{}", summary_of(&batch));
    let ids: Vec<String> =
        (1..=2).map(|r| row(&batch, r)["device_id"].as_str().expect("device id").to_owned()).collect();
    let before: Vec<Value> = {
        let mut shown = Vec::new();
        for id in &ids {
            let response = app.get(&format!("/api/v1/devices/{id}"), &c.customer.key).await;
            assert_eq!(response.status(), 200);
            shown.push(response.json::<Value>().await.expect("device JSON"));
        }
        shown
    };
    // While consented, the partner may change its devices (so the refusals below are the revoke's).
    let allowed = app
        .patch(&format!("/api/v1/devices/{}", ids[0]), &c.partner.key, &json!({ "group_tag": STANDARD_TAG }))
        .await;
    assert_eq!(allowed.status(), 200, "{}", allowed.text().await.unwrap_or_default());

    revoke(&app, &c).await;

    let patched = app
        .patch(
            &format!("/api/v1/devices/{}", ids[0]),
            &c.partner.key,
            &json!({ "group_tag": POWER_USER_TAG }),
        )
        .await;
    assert_eq!(patched.status(), 404);
    let error = error_body(patched).await;
    assert_eq!(error["code"], "device_not_found", "{error}");
    let deleted = app.delete(&format!("/api/v1/devices/{}", ids[1]), &c.partner.key).await;
    assert_eq!(deleted.status(), 404);
    let error = error_body(deleted).await;
    assert_eq!(error["code"], "device_not_found", "{error}");
    let shown = app.get(&format!("/api/v1/devices/{}", ids[0]), &c.partner.key).await;
    assert_eq!(shown.status(), 404);

    for (id, before) in ids.iter().zip(&before) {
        let response = app.get(&format!("/api/v1/devices/{id}"), &c.customer.key).await;
        assert_eq!(response.status(), 200);
        let after: Value = response.json().await.expect("device JSON");
        for field in ["state", "group_tag", "profile", "deregistered_at", "registered_by"] {
            assert_eq!(after[field], before[field], "{field} of device {id} changed after the revoke");
        }
        assert_eq!(after["state"], "registered");
        assert_eq!(after["group_tag"], STANDARD_TAG);
    }
    let actions: Vec<String> = customer_audit(&app, &c)
        .await
        .iter()
        .filter_map(|e| e["action"].as_str().map(str::to_owned))
        .collect();
    assert!(!actions.iter().any(|a| a == "device.deregister"), "{actions:?}");
    assert_eq!(
        actions.iter().filter(|a| *a == "device.update_group_tag").count(),
        1,
        "only the change made while consented: {actions:?}"
    );
}

//! Helpers shared by the integration tests that register devices: `batches.rs`, `devices.rs`,
//! `lookup.rs`, `portal.rs` (`mod batches_support;`) and the `api` binary (included there by
//! path). Polling a batch and writing a CSV body live here and nowhere else.

#![allow(dead_code, unused_imports)] // each test binary uses a different part

mod csv_bodies;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use ztd_domain::device::DeviceInput;
use ztd_domain::synth::{self, SyntheticDevice};
use ztd_server::testing::{TestApp, TestOrg};
use ztd_server::worker::{BatchWakeup, WorkerPool, WorkerSettings};
use ztd_storage::{OrgKind, Role};

pub use csv_bodies::{csv_text, intune_csv, partner_center_csv};
pub use ztd_domain::profile::{POWER_USER_TAG, STANDARD_TAG};

/// `count` synthetic devices; a distinct `seed` per test keeps tests independent.
pub fn devices(seed: u64, count: usize) -> Vec<SyntheticDevice> {
    synth::generate(seed, count).collect()
}

/// As JSON batch entries carrying every field (a Partner Center row).
pub fn json_devices(devices: &[SyntheticDevice]) -> Vec<Value> {
    devices.iter().map(|device| serde_json::to_value(device.to_input(None)).expect("device JSON")).collect()
}

pub fn input_json(input: &DeviceInput) -> Value {
    serde_json::to_value(input).expect("device JSON")
}

/// A customer (admin key) with a partner (admin key) it has accepted.
pub struct Connected {
    pub customer: TestOrg,
    pub partner: TestOrg,
    pub relationship_id: Uuid,
}

pub async fn connected(app: &TestApp) -> Connected {
    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let relationship_id = app.connect(&partner, &customer).await;
    Connected { customer, partner, relationship_id }
}

pub fn batches_path(customer_id: Uuid) -> String {
    format!("/api/v1/customers/{customer_id}/device-batches")
}

/// POSTs a JSON batch and returns (status, body).
pub async fn post_json_batch(app: &TestApp, key: &str, customer_id: Uuid, body: &Value) -> (u16, Value) {
    let response = app.post(&batches_path(customer_id), key, body).await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON answer"))
}

/// POSTs a CSV batch with the query string `query` and returns (status, body).
pub async fn post_csv_batch(
    app: &TestApp,
    key: &str,
    customer_id: Uuid,
    query: &str,
    csv: String,
) -> (u16, Value) {
    let response = app
        .request(reqwest::Method::POST, &format!("{}{query}", batches_path(customer_id)), Some(key))
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("send CSV");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON answer"))
}

/// Polls a batch until it is finished; returns it with every row result.
pub async fn wait_finished(app: &TestApp, key: &str, batch_id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let response = app.get(&format!("/api/v1/device-batches/{batch_id}?limit=10000"), key).await;
        assert_eq!(response.status(), 200);
        let batch: Value = response.json().await.expect("batch JSON");
        if batch["status"] == "finished" || batch["status"] == "finished_with_errors" {
            return batch;
        }
        assert!(Instant::now() < deadline, "batch {batch_id} did not finish: {batch}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Posts a JSON batch, asserts 202, waits for the end.
pub async fn register(app: &TestApp, key: &str, customer_id: Uuid, body: Value) -> Value {
    let (status, batch) = post_json_batch(app, key, customer_id, &body).await;
    assert_eq!(status, 202, "{batch}");
    wait_finished(app, key, batch["id"].as_str().expect("batch id")).await
}

/// The per-row result of `row`.
pub fn row(batch: &Value, row: i64) -> &Value {
    batch["devices"].as_array().expect("rows").iter().find(|r| r["row"] == row).expect("row present")
}

pub fn batch_body(tag: &str, devices: Vec<Value>) -> Value {
    json!({ "group_tag": tag, "devices": devices })
}

/// Every device of a customer as its key sees them (all pages).
pub async fn list_all(app: &TestApp, key: &str, customer_id: Uuid, query: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/customers/{customer_id}/devices?limit=1000{query}");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let response = app.get(&path, key).await;
        assert_eq!(response.status(), 200);
        let page: Value = response.json().await.expect("page JSON");
        all.extend(page["devices"].as_array().expect("devices").iter().cloned());
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            return all;
        }
    }
}

/// The same backend again, with no batch workers: the test starts its own pool when it is
/// ready for processing to begin. (`None` only when PostgreSQL is unreachable outside CI.)
pub async fn without_workers(app: TestApp) -> Option<TestApp> {
    let mut app = app;
    app.stop().await;
    TestApp::spawn_with(app.backend, |config| config.workers = 0).await
}

/// One batch worker on the test's database, taking `chunk_rows` rows per transaction and
/// giving a batch back after `slice` when another customer's waits (the default when `None`).
pub fn start_pool(app: &TestApp, chunk_rows: u32, slice: Option<Duration>) -> WorkerPool {
    let defaults = WorkerSettings::default();
    let settings = WorkerSettings {
        workers: 1,
        chunk_rows,
        poll_interval: Duration::from_millis(20),
        slice: slice.unwrap_or(defaults.slice),
        ..defaults
    };
    WorkerPool::start(app.db.clone(), settings, BatchWakeup::default(), CancellationToken::new())
}

//! A batch survives `kill -9` of the server in the middle of it: after a restart on the same
//! database, the batch is resumed (once its lease expires) and every device is registered
//! exactly once.

mod server_process;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use server_process::{get_json, org_with_key, wait_finished, ServerProcess, TempDatabase};

const DEVICES: usize = 6_000;

fn processed(batch: &Value) -> i64 {
    ["registered", "unassigned", "failed"].iter().map(|field| batch[field].as_i64().unwrap_or(0)).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_interrupted_by_kill_9_finishes_exactly_once_after_restart() {
    let database = TempDatabase::new();
    let customer = org_with_key(&database.url, "customer", "Contoso", "registrar");
    // One worker: the batch is worked on chunk by chunk, so there is a "middle" to kill it in.
    let mut server = ServerProcess::start(&database.url, &["--workers", "1"]);
    let client = reqwest::Client::new();

    let devices: Vec<Value> = ztd_domain::synth::generate(7, DEVICES)
        .map(|device| serde_json::to_value(device.to_input(None)).expect("device JSON"))
        .collect();
    let body = json!({ "group_tag": ztd_domain::profile::STANDARD_TAG, "devices": devices });
    let response = client
        .post(format!("{}/api/v1/customers/{}/device-batches", server.base, customer.id))
        .bearer_auth(&customer.key)
        .json(&body)
        .send()
        .await
        .expect("POST the batch");
    assert_eq!(response.status(), 202);
    let batch: Value = response.json().await.expect("batch JSON");
    let batch_id = batch["id"].as_str().expect("batch id").to_owned();
    let batch_url = format!("{}/api/v1/device-batches/{batch_id}?limit=1", server.base);

    // Kill the server as soon as some rows are done and others are not.
    let deadline = Instant::now() + Duration::from_secs(120);
    let done_before_kill = loop {
        let state = get_json(&client, &batch_url, &customer.key).await;
        let done = processed(&state);
        assert!(
            done < DEVICES as i64,
            "the batch finished before the test could interrupt it; raise DEVICES"
        );
        if done > 0 {
            break done;
        }
        assert!(Instant::now() < deadline, "the batch never started");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    server.kill_hard();
    drop(server);

    // Same database, new process: the lease of the dead worker expires and the batch resumes.
    let server = ServerProcess::start(&database.url, &["--workers", "2"]);
    let finished =
        wait_finished(&client, &server.base, &customer.key, &batch_id, Duration::from_secs(180)).await;
    assert!(done_before_kill > 0 && done_before_kill < DEVICES as i64);
    assert_eq!(finished["status"], "finished", "{finished}");
    assert_eq!(finished["registered"], DEVICES as i64);
    assert_eq!(finished["failed"], 0);
    assert_eq!(finished["pending"], 0);

    // Every row registered its own device; the customer has exactly DEVICES devices.
    let base_batch_url = format!("{}/api/v1/device-batches/{batch_id}", server.base);
    let mut device_ids = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(cursor) => format!("{base_batch_url}?limit=10000&cursor={cursor}"),
            None => format!("{base_batch_url}?limit=10000"),
        };
        let page = get_json(&client, &url, &customer.key).await;
        for row in page["devices"].as_array().expect("rows") {
            assert_eq!(row["status"], "registered", "{row}");
            assert!(device_ids.insert(row["device_id"].as_str().expect("device id").to_owned()), "{row}");
        }
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(device_ids.len(), DEVICES);

    let mut listed = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{}/api/v1/customers/{}/devices?limit=1000", server.base, customer.id);
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let page = get_json(&client, &url, &customer.key).await;
        for device in page["devices"].as_array().expect("devices") {
            assert!(listed.insert(device["serial_number"].as_str().expect("serial").to_owned()), "{device}");
        }
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(listed.len(), DEVICES, "each device registered exactly once");
}

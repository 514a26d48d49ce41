//! A streamed CSV upload cut by `kill -9` of the server (docs/domain.md#batch-lifecycle): the
//! half-received batch is discarded once abandoned, with its rows and a closing audit event, and
//! the client's retry with the same `Idempotency-Key` is read and registers every device once.

mod server_process;

use std::time::{Duration, Instant};

use futures::SinkExt;
use serde_json::Value;
use server_process::{
    get_json, org_with_key, partner_center_csv, wait_finished, ServerProcess, TempDatabase,
};
use uuid::Uuid;

const DEVICES: usize = 1_500;
const KEY: &str = "factory-line-7-upload-1";
/// The request timeout of the servers here, which is also the age of an abandoned upload.
const TIMEOUT_SECS: &str = "2";

/// The batch the customer's audit shows created with `KEY`, if any.
async fn batch_created_with_key(client: &reqwest::Client, base: &str, key: &str) -> Option<String> {
    let trail = get_json(client, &format!("{base}/api/v1/audit?limit=1000"), key).await;
    trail["items"].as_array().expect("audit items").iter().find_map(|event| {
        (event["action"] == "device_batch.create" && event["details"]["idempotency_key"] == KEY)
            .then(|| event["target_id"].as_str().expect("target id").to_owned())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_cut_by_kill_9_is_discarded_and_its_retry_registers_every_device_once() {
    let database = TempDatabase::new();
    let customer = org_with_key(&database.url, "customer", "Contoso", "registrar");
    let csv_path = database.path("devices.csv");
    partner_center_csv(&csv_path, 31, DEVICES);
    let csv = std::fs::read(&csv_path).expect("read the CSV");
    let args = ["--workers", "1", "--request-timeout-secs", TIMEOUT_SECS];
    let mut server = ServerProcess::start(&database.url, &args);
    let client = reqwest::Client::new();
    let upload_url = |base: &str| {
        format!(
            "{base}/api/v1/customers/{}/device-batches?group_tag={}",
            customer.id,
            ztd_domain::profile::STANDARD_TAG
        )
    };

    // The first 1,200 lines (one 1,000-row intake chunk stored), then the body stalls.
    let split =
        csv.windows(2).enumerate().filter(|(_, pair)| pair == b"\r\n").nth(1_200).expect("lines").0 + 2;
    let (mut sender, body) = futures::channel::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let request = client
        .post(upload_url(&server.base))
        .bearer_auth(&customer.key)
        .header("content-type", "text/csv")
        .header("idempotency-key", KEY)
        .body(reqwest::Body::wrap_stream(body));
    let cut = tokio::spawn(request.send());
    for piece in csv[..split].chunks(64 * 1024) {
        sender.send(Ok(piece.to_vec())).await.expect("the server takes the first part");
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let orphan = loop {
        if let Some(id) = batch_created_with_key(&client, &server.base, &customer.key).await {
            break id;
        }
        assert!(Instant::now() < deadline, "the upload's batch was never opened");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let orphan_id: Uuid = orphan.parse().expect("uuid");
    // Once the first chunk's rows are stored, kill mid-body.
    let db = ztd_storage::connect_any(&database.url).await.expect("open the database");
    while db.pending_items(orphan_id, 10_000).await.expect("the orphan's rows").len() < 1_000 {
        assert!(Instant::now() < deadline, "the first chunk was never stored");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill_hard();
    drop(server);
    assert!(cut.await.expect("join").is_err(), "the cut upload got no answer");
    assert_eq!(db.pending_items(orphan_id, 10_000).await.expect("rows").len(), 1_000, "the orphan stays");

    // Past the cutoff, a new process on the same database; the client retries the whole file
    // with the same key (a 409 `upload_in_progress` would ask it to come back later).
    tokio::time::sleep(Duration::from_secs(3)).await;
    let server = ServerProcess::start(&database.url, &args);
    let deadline = Instant::now() + Duration::from_secs(30);
    let retried: Value = loop {
        let response = client
            .post(upload_url(&server.base))
            .bearer_auth(&customer.key)
            .header("content-type", "text/csv")
            .header("idempotency-key", KEY)
            .body(csv.clone())
            .send()
            .await
            .expect("the retry is answered");
        let status = response.status();
        let body: Value = response.json().await.expect("JSON");
        if status == 409 && body["error"]["code"] == "upload_in_progress" && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        }
        assert_eq!(status, 202, "{body}");
        break body;
    };
    let batch_id = retried["id"].as_str().expect("batch id").to_owned();
    assert_ne!(batch_id, orphan, "the retry is a new upload, not the orphan");
    let finished =
        wait_finished(&client, &server.base, &customer.key, &batch_id, Duration::from_secs(120)).await;
    assert_eq!(finished["status"], "finished", "{finished}");
    assert_eq!(finished["registered"], DEVICES as i64, "{finished}");

    // Exactly DEVICES devices; the orphan and its rows are gone; the audit closes it.
    let (mut devices, mut cursor) = (0, None::<String>);
    loop {
        let mut url = format!("{}/api/v1/customers/{}/devices?limit=1000", server.base, customer.id);
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let page = get_json(&client, &url, &customer.key).await;
        devices += page["devices"].as_array().expect("devices").len();
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(devices, DEVICES);
    let gone = client
        .get(format!("{}/api/v1/device-batches/{orphan}", server.base))
        .bearer_auth(&customer.key)
        .send()
        .await
        .expect("GET the orphan");
    assert_eq!(gone.status(), 404);
    assert!(db.pending_items(orphan_id, 10).await.expect("rows").is_empty(), "the orphan's rows are gone");
    let trail = get_json(&client, &format!("{}/api/v1/audit?limit=1000", server.base), &customer.key).await;
    let discards: Vec<&Value> = trail["items"]
        .as_array()
        .expect("audit items")
        .iter()
        .filter(|event| event["action"] == "device_batch.discard" && event["target_id"] == orphan.as_str())
        .collect();
    assert_eq!(discards.len(), 1, "{trail}");
    assert!(discards[0]["details"]["reason"].as_str().expect("reason").contains("abandoned"));
}

//! A webhook delivery survives its process (docs/webhooks.md#at-least-once): `ztd serve` is
//! killed (SIGKILL) while the receiver holds a delivery's request open; started again on the
//! same database, it sends the delivery once the dead process's claim expires. The event is
//! written with the change it reports, so nothing is lost: the receiver gets the same event id.

#[path = "../../ztd-server/tests/webhooks_support/receiver.rs"]
mod receiver;
mod server_process;

use std::time::{Duration, Instant};

use receiver::Receiver;
use serde_json::{json, Value};
use server_process::{org_with_key, ServerProcess, TempDatabase};
use ztd_server::webhook_delivery::signature;

/// `--webhook-timeout-secs 3`: a claim lasts 2 × 3 + 5 s, so the restarted process resends
/// within about 11 s.
const SERVE_ARGS: &[&str] =
    &["--webhook-allow-http", "--webhook-timeout-secs", "3", "--webhook-retry-base-ms", "200"];

async fn post(client: &reqwest::Client, url: &str, key: &str, body: &Value) -> Value {
    let response = client.post(url).bearer_auth(key).json(body).send().await.expect("POST");
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "POST {url}: {status} {text}");
    serde_json::from_str(&text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_in_flight_when_the_process_is_killed_is_sent_after_restart() {
    let database = TempDatabase::new();
    let partner = org_with_key(&database.url, "partner", "HookPartner", "admin");
    let customer = org_with_key(&database.url, "customer", "HookCustomer", "admin");
    let receiver = Receiver::start().await;
    receiver.hold(true);
    let client = reqwest::Client::new();

    let mut first = ServerProcess::start(&database.url, SERVE_ARGS);
    let webhook = post(
        &client,
        &format!("{}/api/v1/webhooks", first.base),
        &customer.key,
        &json!({ "url": receiver.url, "events": ["relationship.created"] }),
    )
    .await;
    let secret = webhook["secret"].as_str().unwrap().to_owned();
    let invitation = post(
        &client,
        &format!("{}/api/v1/invitations", first.base),
        &partner.key,
        &json!({ "customer_id": customer.id }),
    )
    .await;
    let token = invitation["token"].as_str().unwrap();
    post(&client, &format!("{}/api/v1/invitations/{token}/accept", first.base), &customer.key, &json!({}))
        .await;

    // The delivery is in flight, held open by the receiver: kill the process now.
    let held = receiver.wait_for(1, Duration::from_secs(30)).await.remove(0);
    first.kill_hard();
    receiver.hold(false);
    let killed_at = Instant::now();

    let second = ServerProcess::start(&database.url, SERVE_ARGS);
    let received = receiver.wait_for(2, Duration::from_secs(60)).await;
    let resent = &received[1];
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    signature::verify(&secret, &resent.header(signature::HEADER), &resent.body, now, 60)
        .expect("a genuine signature");
    assert_eq!(resent.body, held.body, "the same event, not a new one");
    assert_eq!(resent.header("ztd-delivery-id"), held.header("ztd-delivery-id"));
    assert!(killed_at.elapsed() < Duration::from_secs(45), "resent only after {:?}", killed_at.elapsed());

    // Settled: one attempt recorded (the killed one never was), succeeded.
    let url = format!("{}/api/v1/webhooks/{}/deliveries", second.base, webhook["id"].as_str().unwrap());
    let deadline = Instant::now() + Duration::from_secs(10);
    let delivery = loop {
        let page: Value =
            client.get(&url).bearer_auth(&customer.key).send().await.unwrap().json().await.unwrap();
        let delivery = page["items"][0].clone();
        if delivery["status"] != "pending" || Instant::now() > deadline {
            break delivery;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(delivery["status"], "succeeded", "{delivery:#}");
    assert_eq!(delivery["attempts"], 1, "{delivery:#}");
    assert_eq!(delivery["event_id"], resent.json()["id"]);
    // Exactly the two requests: the held one and the resent one.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 2);
}

//! `ztd admin copy-database` (docs/operations.md#copy-database): an installation filled on
//! SQLite through the product itself (the real `ztd serve`, its API and `ztd admin`) is copied
//! to a fresh PostgreSQL database, served from there, and answers as before: the lists, a
//! first-boot lookup, the audit trail, the old API keys (and the revoked one stays refused),
//! the open invitation link. New rows after the copy do not collide with copied ones.

mod server_process;

use std::time::Duration;

use serde_json::{json, Value};
use server_process::{
    admin, get_json, org_with_key, wait_finished, ztd, OrgWithKey, ServerProcess, TempDatabase,
};
use ztd_storage::testing::{drop_postgres_database, fresh_postgres_url};

fn text(output: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn copy(from: &str, to: &str, extra: &[&str]) -> std::process::Output {
    ztd().args(["admin", "copy-database", "--from", from, "--to", to]).args(extra).output().expect("run ztd")
}

/// Times cut to microseconds: SQLite keeps nanoseconds, PostgreSQL microseconds, and the copy
/// says so (docs/operations.md#copy-database). Everything else must be equal as it is.
fn normalised(value: &Value) -> Value {
    match value {
        Value::String(text) => Value::String(micros(text).unwrap_or_else(|| text.clone())),
        Value::Array(items) => Value::Array(items.iter().map(normalised).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), normalised(v))).collect()),
        other => other.clone(),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with the fraction as six digits, or `None` for other text.
fn micros(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let looks_like_time = text.len() >= 20
        && text.ends_with('Z')
        && bytes[4] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[..4].iter().all(u8::is_ascii_digit);
    if !looks_like_time {
        return None;
    }
    let (seconds, fraction) = text[..text.len() - 1].split_once('.').unwrap_or((&text[..text.len() - 1], ""));
    let digits: String = fraction.chars().chain(std::iter::repeat('0')).take(6).collect();
    Some(format!("{seconds}.{digits}Z"))
}

async fn send(request: reqwest::RequestBuilder, expected: u16) -> Value {
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(status, expected, "{body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

/// What the API answers about the installation, read with the old keys.
async fn answers(
    client: &reqwest::Client,
    base: &str,
    customer: &OrgWithKey,
    partner: &OrgWithKey,
    lookup: &Value,
) -> Vec<(String, Value)> {
    let mut answers = Vec::new();
    for (who, key, path) in [
        ("customer", &customer.key, format!("/api/v1/customers/{}/devices?limit=1000", customer.id)),
        ("customer", &customer.key, format!("/api/v1/customers/{}/device-batches?limit=100", customer.id)),
        ("customer", &customer.key, format!("/api/v1/customers/{}/profiles", customer.id)),
        ("customer", &customer.key, "/api/v1/audit?limit=1000".to_owned()),
        ("customer", &customer.key, "/api/v1/relationships".to_owned()),
        ("customer", &customer.key, "/api/v1/api-keys".to_owned()),
        ("customer", &customer.key, "/api/v1/users".to_owned()),
        ("customer", &customer.key, "/api/v1/orgs/me".to_owned()),
        ("partner", &partner.key, "/api/v1/invitations".to_owned()),
        ("partner", &partner.key, "/api/v1/customers".to_owned()),
        ("partner", &partner.key, "/api/v1/audit?limit=1000".to_owned()),
        ("partner", &partner.key, "/api/v1/webhooks".to_owned()),
    ] {
        let body = get_json(client, &format!("{base}{path}"), key).await;
        answers.push((format!("{who} GET {path}"), normalised(&body)));
    }
    let answer = send(client.post(format!("{base}/api/v1/device-lookup")).json(lookup), 200).await;
    answers.push(("first-boot lookup of an active device".to_owned(), normalised(&answer)));
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_installation_filled_on_sqlite_answers_the_same_from_postgres() {
    let Some(postgres) = fresh_postgres_url().await else { return };
    let sqlite = TempDatabase::new();
    let client = reqwest::Client::new();

    // Organisations, a user and keys through the operator's console.
    let partner = org_with_key(&sqlite.url, "partner", "Fabrikam", "admin");
    let customer = org_with_key(&sqlite.url, "customer", "Contoso", "admin");
    let newcomer = org_with_key(&sqlite.url, "customer", "Northwind", "admin");
    admin(
        &sqlite.url,
        &["create-user", "--org", &customer.id, "--email", "it@contoso.example", "--role", "reader"],
    );

    let server = ServerProcess::start(&sqlite.url, &["--webhook-allow-http"]);
    let base = server.base.clone();
    // Consent: a link for Contoso, accepted; and an open link nobody used yet.
    let link = send(
        client
            .post(format!("{base}/api/v1/invitations"))
            .bearer_auth(&partner.key)
            .json(&json!({ "customer_id": customer.id })),
        201,
    )
    .await;
    let token = link["token"].as_str().expect("token");
    send(client.post(format!("{base}/api/v1/invitations/{token}/accept")).bearer_auth(&customer.key), 201)
        .await;
    let open = send(
        client.post(format!("{base}/api/v1/invitations")).bearer_auth(&partner.key).json(&json!({})),
        201,
    )
    .await;
    let open_token = open["token"].as_str().expect("token").to_owned();
    // A profile, a webhook (its outbox fills with the events below), a key made and revoked.
    send(
        client
            .post(format!("{base}/api/v1/customers/{}/profiles", customer.id))
            .bearer_auth(&customer.key)
            .json(&json!({ "name": "Kiosk", "group_tag": "Kiosk_", "settings": { "device_name_template": "KIOSK-%RAND:5%" } })),
        201,
    )
    .await;
    send(
        client.post(format!("{base}/api/v1/webhooks")).bearer_auth(&partner.key).json(
            &json!({ "url": "http://127.0.0.1:9/hook", "events": ["batch.finished", "device.activated"] }),
        ),
        201,
    )
    .await;
    let revoked = send(
        client
            .post(format!("{base}/api/v1/api-keys"))
            .bearer_auth(&customer.key)
            .json(&json!({ "name": "old laptop", "role": "reader" })),
        201,
    )
    .await;
    let revoked_id = revoked["id"].as_str().expect("key id");
    let revoked_key = revoked["key"].as_str().expect("key").to_owned();
    send(client.delete(format!("{base}/api/v1/api-keys/{revoked_id}")).bearer_auth(&customer.key), 204).await;

    // A batch of 12 devices by the partner, with an order number and an idempotency key.
    let devices: Vec<_> = ztd_domain::synth::generate(16, 12).collect();
    let inputs: Vec<Value> =
        devices.iter().map(|d| serde_json::to_value(d.to_input(None)).expect("device JSON")).collect();
    let batch = send(
        client
            .post(format!("{base}/api/v1/customers/{}/device-batches", customer.id))
            .bearer_auth(&partner.key)
            .header("Idempotency-Key", "order-16")
            .json(&json!({ "group_tag": "Kiosk_", "order_number": "SO-16", "devices": inputs })),
        202,
    )
    .await;
    let batch_id = batch["id"].as_str().expect("batch id").to_owned();
    let state = wait_finished(&client, &base, &customer.key, &batch_id, Duration::from_secs(60)).await;
    assert_eq!(state["registered"], 12, "{state}");

    // A first boot that activates a device, and a device deregistered (a revocation).
    let lookup = json!({ "hardware_hash": devices[0].hardware_hash });
    send(client.post(format!("{base}/api/v1/device-lookup")).json(&lookup), 200).await;
    let listed = get_json(
        &client,
        &format!("{base}/api/v1/customers/{}/devices?limit=100", customer.id),
        &customer.key,
    )
    .await;
    let last = listed["devices"]
        .as_array()
        .expect("devices")
        .iter()
        .find(|d| d["serial_number"] == devices[11].serial_number.as_str())
        .expect("device listed")
        .clone();
    send(
        client
            .delete(format!("{base}/api/v1/devices/{}", last["id"].as_str().expect("id")))
            .bearer_auth(&customer.key),
        200,
    )
    .await;

    // The activation is written a few milliseconds after the answer (docs/operations.md#first-boots).
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while get_json(
        &client,
        &format!("{base}/api/v1/customers/{}/devices?limit=100", customer.id),
        &customer.key,
    )
    .await["devices"]
        .as_array()
        .is_some_and(|devices| !devices.iter().any(|d| d["state"] == "active"))
    {
        assert!(std::time::Instant::now() < deadline, "the first boot was not recorded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let before = answers(&client, &base, &customer, &partner, &lookup).await;
    let mut server = server;
    server.stop();

    // The copy, its verification and its report.
    let output = copy(&sqlite.url, &postgres, &["--json"]);
    assert!(output.status.success(), "{}", text(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("--json prints JSON");
    assert_eq!(report["verified"], true, "{report}");
    assert_eq!(
        (report["source_backend"].as_str(), report["target_backend"].as_str()),
        (Some("sqlite"), Some("postgres"))
    );
    let rows = |table: &str| {
        report["tables"]
            .as_array()
            .expect("tables")
            .iter()
            .find(|t| t["table"] == table)
            .map(|t| t["rows"].as_u64().unwrap())
    };
    assert_eq!(rows("devices"), Some(12), "{report}");
    assert_eq!(rows("device_hashes"), Some(12), "{report}");
    assert_eq!(rows("batch_item_inputs"), Some(12), "{report}");
    for table in
        ["sessions", "webhook_deliveries", "audit_events", "invitations", "relationships", "api_keys"]
    {
        assert!(rows(table).is_some(), "{table} is in the report: {report}");
    }
    assert!(rows("webhook_deliveries").unwrap() >= 1, "the webhook's outbox: {report}");

    // A target that holds data is refused, naming a table, and left as it was.
    let again = copy(&sqlite.url, &postgres, &[]);
    assert!(!again.status.success());
    assert!(text(&again).contains("not empty: table organisations has 3 rows"), "{}", text(&again));

    // Served from PostgreSQL: the same answers to the old keys.
    let server = ServerProcess::start(&postgres, &["--webhook-allow-http"]);
    let base = server.base.clone();
    let after = answers(&client, &base, &customer, &partner, &lookup).await;
    for ((what, old), (_, new)) in before.iter().zip(&after) {
        assert_eq!(old, new, "{what} answers differently after the copy");
    }
    let me =
        client.get(format!("{base}/api/v1/orgs/me")).bearer_auth(&revoked_key).send().await.expect("GET");
    assert_eq!(me.status(), 401, "the revoked key stays revoked");

    // A device's first boot on PostgreSQL, then a new batch and new audit events: the copied
    // sequences were moved past the copied rows.
    let lookup = json!({ "hardware_hash": devices[1].hardware_hash });
    send(client.post(format!("{base}/api/v1/device-lookup")).json(&lookup), 200).await;
    let more: Vec<Value> = ztd_domain::synth::generate(17, 3)
        .map(|d| serde_json::to_value(d.to_input(None)).expect("device JSON"))
        .collect();
    let batch = send(
        client
            .post(format!("{base}/api/v1/customers/{}/device-batches", customer.id))
            .bearer_auth(&customer.key)
            .json(&json!({ "group_tag": "Kiosk_", "devices": more })),
        202,
    )
    .await;
    let state =
        wait_finished(&client, &base, &customer.key, batch["id"].as_str().unwrap(), Duration::from_secs(60))
            .await;
    assert_eq!(state["registered"], 3, "{state}");
    let listed = get_json(
        &client,
        &format!("{base}/api/v1/customers/{}/devices?limit=100", customer.id),
        &customer.key,
    )
    .await;
    let listed_before = before[0].1["devices"].as_array().expect("devices").len();
    assert_eq!(listed_before, 11, "the deregistered device is not listed");
    assert_eq!(listed["devices"].as_array().unwrap().len(), listed_before + 3, "{listed}");
    let first = &listed["devices"][0];
    assert!(
        devices.iter().all(|d| first["serial_number"] != d.serial_number.as_str()),
        "a new device is the newest: {first}"
    );
    let audit = get_json(&client, &format!("{base}/api/v1/audit?limit=1000"), &customer.key).await;
    let old_newest = before[3].1["items"][0]["seq"].as_i64().expect("seq");
    assert!(audit["items"][0]["seq"].as_i64().unwrap() > old_newest, "{}", audit["items"][0]);

    // The open invitation link still resolves: another customer accepts it.
    let accepted = send(
        client.post(format!("{base}/api/v1/invitations/{open_token}/accept")).bearer_auth(&newcomer.key),
        201,
    )
    .await;
    assert_eq!(accepted["partner_org_id"], partner.id.as_str(), "{accepted}");

    drop(server);
    drop_postgres_database(&postgres).await;
}

#[test]
fn a_missing_source_file_is_named_and_nothing_is_created() {
    let dir = TempDatabase::new();
    let missing = dir.path("typo.db");
    let output = copy(
        &format!("sqlite:{}", missing.display()),
        &format!("sqlite:{}", dir.path("new.db").display()),
        &[],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("there is no database at") && text(&output).contains("typo.db"),
        "{}",
        text(&output)
    );
    assert!(!missing.exists() && !dir.path("new.db").exists());
}

#[test]
fn sqlite_to_sqlite_copies_and_verifies() {
    let dir = TempDatabase::new();
    org_with_key(&dir.url, "customer", "Contoso", "admin");
    let target = format!("sqlite:{}", dir.path("copy.db").display());
    let output = copy(&dir.url, &target, &[]);
    assert!(output.status.success(), "{}", text(&output));
    let report = text(&output);
    assert!(report.contains("copied sqlite → sqlite") && report.contains("verified"), "{report}");
    assert!(report.contains("organisations") && report.contains("1 rows"), "{report}");
}

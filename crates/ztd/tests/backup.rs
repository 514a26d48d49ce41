//! `ztd admin backup` and `ztd admin restore` (docs/operations.md#backups) on SQLite, under
//! write load: the backup is taken while batches keep arriving and being processed; it opens,
//! `integrity_check` says ok, and restored and served it holds one moment of the source (every
//! device counted by its batch, no batch without its devices).

mod server_process;

use std::time::Duration;

use serde_json::{json, Value};
use server_process::{get_json, org_with_key, ztd, ServerProcess, TempDatabase};

fn text(output: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_load_restores_to_one_moment_of_the_source() {
    let database = TempDatabase::new();
    let customer = org_with_key(&database.url, "customer", "Contoso", "registrar");
    let server = ServerProcess::start(&database.url, &[]);
    let client = reqwest::Client::new();
    let batches = format!("{}/api/v1/customers/{}/device-batches", server.base, customer.id);

    // The load: 30 batches of 20 devices, posted one after the other while the workers run.
    let loader = {
        let (client, batches, key) = (client.clone(), batches.clone(), customer.key.clone());
        tokio::spawn(async move {
            for batch in 0..30u64 {
                let devices: Vec<Value> = ztd_domain::synth::generate(5_000 + batch, 20)
                    .map(|device| serde_json::to_value(device.to_input(None)).expect("device JSON"))
                    .collect();
                let body = json!({ "group_tag": "Microsoft365ManagedStandard_", "devices": devices });
                let response =
                    client.post(&batches).bearer_auth(&key).json(&body).send().await.expect("POST");
                assert_eq!(response.status(), 202);
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;

    let backup = database.path("backup.db");
    let url = database.url.clone();
    let backup_path = backup.display().to_string();
    let output = tokio::task::spawn_blocking(move || {
        ztd().args(["admin", "backup", "--to", &backup_path, "--database-url", &url, "--json"]).output()
    })
    .await
    .expect("join")
    .expect("run ztd admin backup");
    assert!(output.status.success(), "{}", text(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("--json prints JSON");
    assert_eq!(report["integrity"], "ok", "{report}");
    assert!(report["rows"]["organisations"].as_i64().unwrap() >= 1, "{report}");
    loader.await.expect("the load ran");

    // A backup never overwrites a file.
    let again = ztd()
        .args(["admin", "backup", "--to", &backup.display().to_string(), "--database-url", &database.url])
        .output()
        .expect("run");
    assert!(!again.status.success());
    assert!(text(&again).contains("exists already"), "{}", text(&again));

    // Restored next to the source and served (no workers: nothing moves while it is read).
    let restored_url = format!("sqlite:{}", database.path("restored/ztd.db").display());
    let from = backup.display().to_string();
    let output = ztd()
        .args(["admin", "restore", "--from", &from, "--database-url", &restored_url])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("integrity ok"), "{}", text(&output));
    let refused = ztd()
        .args(["admin", "restore", "--from", &from, "--database-url", &restored_url])
        .output()
        .expect("run");
    assert!(!refused.status.success());
    assert!(text(&refused).contains("--replace"), "{}", text(&refused));

    let restored = ServerProcess::start(&restored_url, &["--workers", "0"]);
    let listed = get_json(
        &client,
        &format!("{}/api/v1/customers/{}/device-batches?limit=500", restored.base, customer.id),
        &customer.key,
    )
    .await;
    let listed = listed["batches"].as_array().expect("batches").clone();
    assert!(!listed.is_empty() && listed.len() <= 30, "{} batches", listed.len());
    let counted: i64 = listed
        .iter()
        .map(|batch| batch["registered"].as_i64().unwrap() + batch["unassigned"].as_i64().unwrap())
        .sum();
    let mut devices = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{}/api/v1/customers/{}/devices?limit=1000", restored.base, customer.id);
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let page = get_json(&client, &url, &customer.key).await;
        devices += page["devices"].as_array().expect("devices").len() as i64;
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(
        devices, counted,
        "every device of the backup is counted by its batch, and no count lacks its devices"
    );
    assert_eq!(report["rows"]["devices"].as_i64(), Some(devices), "the report counted what was restored");
    drop(server);
}

#[test]
fn postgres_is_pointed_at_its_own_tools() {
    let output = ztd()
        .args([
            "admin",
            "backup",
            "--to",
            "/tmp/never-written.db",
            "--database-url",
            "postgres://postgres@127.0.0.1:5432/test",
        ])
        .output()
        .expect("run");
    assert!(!output.status.success());
    assert!(text(&output).contains("pg_dump"), "{}", text(&output));
    assert!(!std::path::Path::new("/tmp/never-written.db").exists());
}

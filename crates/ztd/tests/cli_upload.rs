//! `ztd upload` against a real `ztd serve`: exit 0 when every row registered, 1 when the file
//! has problems (nothing sent) or a row failed, 2 when the upload could not happen.

mod server_process;

use std::process::Output;

use server_process::{org_with_key, partner_center_csv, ztd, ServerProcess, TempDatabase};
use ztd_domain::profile::STANDARD_TAG;

fn upload(
    server: &str,
    customer: &str,
    key: &str,
    tag: &str,
    file: &std::path::Path,
    extra: &[&str],
) -> Output {
    ztd()
        .args(["upload", "--server", server, "--customer", customer, "--group-tag", tag])
        .args(extra)
        .arg(file)
        .env("ZTD_API_KEY", key)
        .output()
        .expect("run ztd upload")
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn upload_exit_codes_follow_the_rows_fate() {
    let database = TempDatabase::new();
    let customer = org_with_key(&database.url, "customer", "Contoso", "registrar");
    let server = ServerProcess::start(&database.url, &[]);
    let file = database.path("devices.csv");
    partner_center_csv(&file, 11, 25);

    // A near-miss tag: every row fails, and the hint names the right tag.
    let output = upload(&server.base, &customer.id, &customer.key, "Microsoft365ManagedStandard", &file, &[]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("error[unknown_group_tag]"), "{stdout}");
    assert!(stdout.contains(&format!("did you mean {STANDARD_TAG:?}")), "{stdout}");
    assert!(stdout.contains("0 of 25 devices registered"), "{stdout}");
    // The failed lines are the file's line numbers: the first device is line 2.
    assert!(stdout.contains("devices.csv:2: error[unknown_group_tag]"), "{stdout}");

    // The right tag: all 25 registered, exit 0.
    let output = upload(&server.base, &customer.id, &customer.key, STANDARD_TAG, &file, &["--json"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("--json prints JSON");
    assert_eq!(report["batch"]["registered"], 25);
    assert_eq!(report["batch"]["status"], "finished");
    assert_eq!(report["failures"].as_array().map(Vec::len), Some(0));

    // The same file again: every device is already registered, exit 1 with the reason per row.
    let output = upload(&server.base, &customer.id, &customer.key, STANDARD_TAG, &file, &["--json"]);
    let (stdout, _) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("--json prints JSON");
    let failures = report["failures"].as_array().expect("failures");
    assert_eq!(failures.len(), 25);
    assert!(failures.iter().all(|row| row["error"]["code"] == "device_already_registered"), "{stdout}");
}

#[test]
fn a_file_with_problems_is_not_sent() {
    let database = TempDatabase::new();
    let customer = org_with_key(&database.url, "customer", "Fabrikam", "registrar");
    let server = ServerProcess::start(&database.url, &[]);
    let file = database.path("quoted.csv");
    partner_center_csv(&file, 12, 3);
    let original = std::fs::read_to_string(&file).expect("read");
    // A spreadsheet's quoting on line 3.
    let mut lines: Vec<String> = original.split("\r\n").map(str::to_owned).collect();
    lines[2] = format!("\"{}\"", lines[2]);
    std::fs::write(&file, lines.join("\r\n")).expect("write");

    let output = upload(&server.base, &customer.id, &customer.key, STANDARD_TAG, &file, &[]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("quoted.csv:3:"), "{stdout}");
    assert!(stdout.contains("nothing was uploaded"), "{stdout}");

    // Nothing reached the server.
    let url = format!("{}/api/v1/customers/{}/devices", server.base, customer.id);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let page: serde_json::Value = runtime.block_on(async {
        let response =
            reqwest::Client::new().get(&url).bearer_auth(&customer.key).send().await.expect("GET devices");
        assert!(response.status().is_success());
        response.json().await.expect("JSON")
    });
    assert_eq!(page["devices"].as_array().map(Vec::len), Some(0), "{page}");
}

#[test]
fn an_impossible_upload_exits_2_with_the_reason() {
    let database = TempDatabase::new();
    let customer = org_with_key(&database.url, "customer", "Northwind", "registrar");
    let partner = org_with_key(&database.url, "partner", "Reseller", "registrar");
    let server = ServerProcess::start(&database.url, &[]);
    let file = database.path("devices.csv");
    partner_center_csv(&file, 13, 2);

    // A key the server does not know.
    let output = upload(&server.base, &customer.id, "ztd_not-a-real-key", STANDARD_TAG, &file, &[]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("refused the API key"), "{stderr}");

    // A partner without a relationship with the customer.
    let output = upload(&server.base, &customer.id, &partner.key, STANDARD_TAG, &file, &["--json"]);
    let (stdout, _) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("--json prints JSON");
    assert_eq!(report["error"]["code"], "relationship_required");
    assert_eq!(report["uploaded"], false);

    // Nobody listening.
    let closed = format!("http://127.0.0.1:{}", server_process::free_port());
    let output = upload(&closed, &customer.id, &customer.key, STANDARD_TAG, &file, &[]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot reach the ztd server"), "{stderr}");

    // No key at all.
    let output = ztd()
        .args(["upload", "--server", &server.base, "--customer", &customer.id, "--group-tag", STANDARD_TAG])
        .arg(&file)
        .env_remove("ZTD_API_KEY")
        .output()
        .expect("run ztd upload");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("ZTD_API_KEY"));
}

#[test]
fn a_dry_run_tells_what_would_fail_and_registers_nothing() {
    let database = TempDatabase::new();
    let customer = org_with_key(&database.url, "customer", "Contoso", "registrar");
    let server = ServerProcess::start(&database.url, &[]);
    let first = database.path("first.csv");
    partner_center_csv(&first, 31, 5);
    let order = ["--order-number", "SO-31", "--ship-date", "2026-12-24"];
    let output = upload(&server.base, &customer.id, &customer.key, STANDARD_TAG, &first, &order);
    assert_eq!(output.status.code(), Some(0), "{:?}", text(&output));

    // The same five devices and five new ones: the dry run names the five already registered.
    let second = database.path("second.csv");
    partner_center_csv(&second, 31, 10);
    let output = upload(&server.base, &customer.id, &customer.key, STANDARD_TAG, &second, &["--dry-run"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(stdout.matches("error[device_already_registered]").count(), 5, "{stdout}");
    assert!(stdout.contains("dry run: 5 of 10 devices would register"), "{stdout}");
    assert!(stdout.contains("nothing was registered"), "{stdout}");

    // Nothing was registered: the real upload registers exactly the five new ones.
    let output = upload(&server.base, &customer.id, &customer.key, STANDARD_TAG, &second, &["--json"]);
    let report: serde_json::Value = serde_json::from_str(&text(&output).0).expect("--json prints JSON");
    assert_eq!(report["batch"]["registered"], 5);
    assert_eq!(report["failures"].as_array().map(Vec::len), Some(5));

    // A clean dry run exits 0, and --json prints the verdicts.
    let third = database.path("third.csv");
    partner_center_csv(&third, 32, 3);
    let output =
        upload(&server.base, &customer.id, &customer.key, STANDARD_TAG, &third, &["--dry-run", "--json"]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("--json prints JSON");
    assert_eq!(report["dry_run"]["registered"], 3);
    assert!(report["dry_run"]["devices"]
        .as_array()
        .unwrap()
        .iter()
        .all(|row| row["status"] == "would_register"));

    // A bad ship date is refused with the value named (exit 2: the upload could not happen).
    let output = upload(
        &server.base,
        &customer.id,
        &customer.key,
        STANDARD_TAG,
        &third,
        &["--ship-date", "24.12.2026"],
    );
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stdout}{stderr}");
    assert!(format!("{stdout}{stderr}").contains("24.12.2026"), "{stdout}{stderr}");
}

//! The Graph compatibility routes driven by the real client: Microsoft's Graph SDK for Python
//! (`msgraph-sdk`, pinned in .ci/run) pointed at a live `ztd serve` with a customer's API key, on
//! SQLite and on PostgreSQL. The script, `graph_sdk/flow.py`, runs create → import → poll states
//! → list (paged, filtered) → update group tag → a refusal → delete → profiles → the first-boot
//! lookup of an imported device (docs/compatibility.md#worked-example).
//!
//! The SDK lives in a venv: `ZTD_GRAPH_PYTHON` (its python), else
//! `$CARGO_TARGET_DIR/graph-venv/bin/python3` (what .ci/run installs). Missing: a loud SKIPPED line
//! locally, a failure under `CI=true`.

mod server_process;

use std::path::{Path, PathBuf};
use std::process::Command;

use server_process::{org_with_key, ServerProcess, TempDatabase};
use ztd_storage::testing::{drop_postgres_database, fresh_postgres_url};

/// The pinned SDK version (.ci/run installs it).
const SDK_VERSION: &str = "1.65.0";

/// The shared build directory (`CARGO_TARGET_DIR`, else the one this test was built in).
fn target_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => workspace.join(dir),
        None => Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .map_or_else(|| workspace.join("target"), Path::to_path_buf),
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// The venv's python with the pinned SDK importable; `None` (after a SKIPPED line, or a failure
/// under CI) when it is not there.
fn python() -> Option<PathBuf> {
    let python = std::env::var_os("ZTD_GRAPH_PYTHON")
        .map_or_else(|| target_dir().join("graph-venv/bin/python3"), PathBuf::from);
    let probe = Command::new(&python)
        .args(["-c", "import importlib.metadata as m, msgraph; print(m.version('msgraph-sdk'))"])
        .output();
    let reason = match probe {
        Err(error) => format!("{} cannot run: {error}", python.display()),
        Ok(output) if !output.status.success() => {
            format!(
                "msgraph-sdk is not importable by {}: {}",
                python.display(),
                String::from_utf8_lossy(&output.stderr)
            )
        }
        Ok(output) => {
            let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            if version == SDK_VERSION {
                return Some(python);
            }
            format!("{} has msgraph-sdk {version}, not the pinned {SDK_VERSION}", python.display())
        }
    };
    assert!(!in_ci(), "the Graph SDK test must run under CI=true, but {reason}");
    eprintln!(
        "\n*** SKIPPED Graph SDK test: {reason}. Install it: python3 -m venv $CARGO_TARGET_DIR/graph-venv && $CARGO_TARGET_DIR/graph-venv/bin/pip install msgraph-sdk=={SDK_VERSION} (or set ZTD_GRAPH_PYTHON). ***\n"
    );
    None
}

/// Runs flow.py against a fresh server on `database_url`.
fn run_flow(python: &Path, database_url: &str, seed: u64) {
    let customer = org_with_key(database_url, "customer", "Contoso", "admin");
    let server = ServerProcess::start(database_url, &["--workers", "1"]);
    let work = tempfile::tempdir().expect("a temp directory");
    let devices: Vec<serde_json::Value> = ztd_domain::synth::generate(seed, 3)
        .map(|device| serde_json::json!({ "serial_number": device.serial_number, "hardware_hash": device.hardware_hash }))
        .collect();
    let devices_file = work.path().join("devices.json");
    std::fs::write(&devices_file, serde_json::to_vec(&devices).expect("JSON")).expect("write devices.json");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/graph_sdk/flow.py");
    let output = Command::new(python)
        .arg(&script)
        .arg(&server.base)
        .arg(&customer.key)
        .arg(&devices_file)
        .output()
        .expect("run flow.py");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("GRAPH SDK FLOW PASSED"),
        "the Graph SDK flow failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    drop(server);
}

#[test]
fn graph_sdk_flow_on_sqlite() {
    let Some(python) = python() else { return };
    let database = TempDatabase::new();
    run_flow(&python, &database.url, 1401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graph_sdk_flow_on_postgres() {
    let Some(python) = python() else { return };
    let Some(url) = fresh_postgres_url().await else { return };
    let flow_url = url.clone();
    tokio::task::spawn_blocking(move || run_flow(&python, &flow_url, 1402)).await.expect("the flow ran");
    drop_postgres_database(&url).await;
}

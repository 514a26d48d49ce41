//! Rolling upgrades on PostgreSQL (docs/operations.md#rolling-upgrades): the previous build of
//! ztd, compiled from git, runs the API smoke test against a database that this build created
//! and migrated (plus a probe expand migration, a nullable column with its record, standing for
//! the next release's), beside an instance of this build on the same database.
//!
//! Which build is "previous": walking main's history back by first parents (a merged branch is
//! one step), the newest commit that does not have the newest PostgreSQL migration, so the old
//! binary meets a real migration it does not know; but never one older than the first commit
//! whose binary tolerates newer additive migrations (`migrate_tolerating_newer`): builds before
//! it refuse every unknown migration, which is why upgrades before it stop every instance
//! first. When no such commit exists, the oldest tolerant one, which meets only the probe.
//! `ZTD_PREVIOUS_COMMIT` names another commit.
//!
//! Slow: the old commit is built in debug mode into `$CARGO_TARGET_DIR/previous-release`, kept
//! between runs so only what changed is rebuilt (the first run compiles every dependency once).
//! It runs under `CI=true`, or locally with `ZTD_TEST_ROLLING_UPGRADE=1`; otherwise it says
//! loudly that it skipped.

mod server_process;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use server_process::{free_port, get_json, org_with_key, wait_finished, ServerProcess};
use ztd_storage::testing::{drop_postgres_database, fresh_postgres_url};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository")
}

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").current_dir(repository()).args(args).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The commit to build as the previous release (module documentation).
fn previous_commit() -> String {
    if let Ok(commit) = std::env::var("ZTD_PREVIOUS_COMMIT") {
        return git(&["rev-parse", "--verify", &format!("{commit}^{{commit}}")])
            .unwrap_or_else(|| panic!("ZTD_PREVIOUS_COMMIT={commit} is not a commit of this repository"));
    }
    let migrations = "crates/ztd-storage/migrations/postgres";
    let newest_file = git(&["ls-tree", "--name-only", "HEAD", &format!("{migrations}/")])
        .and_then(|list| list.lines().filter(|name| name.ends_with(".sql")).max().map(str::to_owned))
        .expect("git history with the PostgreSQL migrations (is this a git clone?)");
    let tolerant = |commit: &str| {
        Command::new("git")
            .current_dir(repository())
            .args([
                "grep",
                "-q",
                "migrate_tolerating_newer",
                commit,
                "--",
                "crates/ztd-storage/src/migrations.rs",
            ])
            .status()
            .is_ok_and(|status| status.success())
    };
    let knows_newest = |commit: &str| git(&["cat-file", "-e", &format!("{commit}:{newest_file}")]).is_some();
    // Walking main's own history back (first parents, so a merged branch counts as one step):
    // the newest build that tolerates newer migrations and does not know the newest one.
    let history = git(&["rev-list", "--first-parent", "-n", "500", "HEAD"]).expect("git history");
    let mut newest_tolerant = None;
    for commit in history.lines() {
        if !tolerant(commit) {
            break;
        }
        if !knows_newest(commit) {
            return commit.to_owned();
        }
        newest_tolerant = Some(commit.to_owned());
    }
    // Every tolerant build knows the newest migration (it came before them): the oldest
    // tolerant one, which meets only the probe migration this test adds.
    newest_tolerant.expect("a commit that tolerates newer migrations (crates/ztd-storage/src/migrations.rs)")
}

/// Builds `ztd` of `commit` (debug) into `$CARGO_TARGET_DIR/previous-release` and returns it.
fn build_previous(commit: &str) -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repository().join("target"))
        .join("previous-release");
    let source = base.join("src");
    let stamp = base.join("src.commit");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(commit) {
        let _ = std::fs::remove_dir_all(&source);
        std::fs::create_dir_all(&source).expect("create the source directory");
        let archive = base.join("src.tar");
        let packed = Command::new("git")
            .current_dir(repository())
            .args(["archive", "--format=tar", "--output"])
            .arg(&archive)
            .arg(commit)
            .status()
            .expect("git archive");
        assert!(packed.success(), "git archive {commit} failed");
        let status =
            Command::new("tar").arg("-xf").arg(&archive).arg("-C").arg(&source).status().expect("tar");
        assert!(status.success(), "could not unpack {commit} into {}", source.display());
        std::fs::write(&stamp, commit).expect("write the stamp");
    }
    let started = Instant::now();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .current_dir(&source)
        .args(["build", "--locked", "--bin", "ztd"])
        .env("CARGO_TARGET_DIR", base.join("target"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .expect("run cargo");
    assert!(status.success(), "could not build ztd at {commit}");
    let _ = writeln!(
        std::io::stderr(),
        "rolling upgrade: built ztd at {commit} in {:.0?} ({})",
        started.elapsed(),
        base.display()
    );
    base.join("target/debug/ztd")
}

/// The previous build's `ztd serve`, until dropped.
struct OldServer {
    child: std::process::Child,
    base: String,
}

impl OldServer {
    fn start(binary: &Path, database_url: &str) -> Self {
        let listen = format!("127.0.0.1:{}", free_port());
        let child = Command::new(binary)
            .args(["serve", "--listen", &listen, "--database-url", database_url])
            .env("ZTD_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn the previous ztd serve");
        let mut server = Self { child, base: format!("http://{listen}") };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("the previous ztd serve exited at start ({status}): it refused the migrated schema");
            }
            if healthy(&server.base) {
                return server;
            }
            assert!(Instant::now() < deadline, "the previous ztd serve did not become healthy");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for OldServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET /healthz` answers 200 (a plain HTTP/1.1 request over a socket, as `ServerProcess` does).
fn healthy(base: &str) -> bool {
    use std::io::Read;
    let address = base.trim_start_matches("http://").to_owned();
    let Ok(mut stream) = std::net::TcpStream::connect(&address) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

async fn send(request: reqwest::RequestBuilder, expected: u16) -> Value {
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(status, expected, "{body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

fn wanted() -> bool {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let asked = std::env::var("ZTD_TEST_ROLLING_UPGRADE").is_ok_and(|v| v == "1");
    if !ci && !asked {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: the rolling-upgrade test builds the previous ztd from git (minutes the first time); \
             it runs under CI=true, or with ZTD_TEST_ROLLING_UPGRADE=1"
        );
    }
    ci || asked
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_previous_build_serves_a_database_migrated_by_this_one() {
    if !wanted() {
        return;
    }
    let Some(database) = fresh_postgres_url().await else { return };
    let commit = previous_commit();
    let binary = tokio::task::spawn_blocking(move || build_previous(&commit)).await.expect("build");

    // This build creates and migrates the database (ztd admin), and serves it.
    let partner = org_with_key(&database, "partner", "Fabrikam", "admin");
    let customer = org_with_key(&database, "customer", "Contoso", "admin");
    // And, as the next release's expand migration would, a nullable column with its record,
    // so the previous build meets a migration it does not know even when this build added none.
    {
        use sqlx::Connection;
        let mut connection = sqlx::PgConnection::connect(&database).await.expect("connect");
        sqlx::raw_sql(
            "ALTER TABLE devices ADD COLUMN rolling_upgrade_probe text; \
             INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
             VALUES (9001, 'rolling upgrade probe', now(), true, '\\x00', 1)",
        )
        .execute(&mut connection)
        .await
        .expect("the probe migration");
        connection.close().await.expect("close");
    }
    let new = ServerProcess::start(&database, &[]);
    // The previous build starts beside it on the migrated schema.
    let old = {
        let (binary, database) = (binary.clone(), database.clone());
        tokio::task::spawn_blocking(move || OldServer::start(&binary, &database)).await.expect("start")
    };

    // The smoke test, against the previous build: consent, a profile, a batch its own workers
    // register, the list, a first boot, the audit trail.
    let client = reqwest::Client::new();
    let base = old.base.clone();
    let me = get_json(&client, &format!("{base}/api/v1/orgs/me"), &customer.key).await;
    assert_eq!(me["organisation"]["id"], customer.id.as_str(), "{me}");
    let link = send(
        client
            .post(format!("{base}/api/v1/invitations"))
            .bearer_auth(&partner.key)
            .json(&json!({ "customer_id": customer.id })),
        201,
    )
    .await;
    send(
        client
            .post(format!("{base}/api/v1/invitations/{}/accept", link["token"].as_str().expect("token")))
            .bearer_auth(&customer.key),
        201,
    )
    .await;
    send(
        client
            .post(format!("{base}/api/v1/customers/{}/profiles", customer.id))
            .bearer_auth(&customer.key)
            .json(&json!({ "name": "Kiosk", "group_tag": "Kiosk_" })),
        201,
    )
    .await;
    let devices: Vec<_> = ztd_domain::synth::generate(23, 10).collect();
    let inputs: Vec<Value> =
        devices.iter().map(|d| serde_json::to_value(d.to_input(None)).expect("device JSON")).collect();
    let batch = send(
        client
            .post(format!("{base}/api/v1/customers/{}/device-batches", customer.id))
            .bearer_auth(&partner.key)
            .json(&json!({ "group_tag": "Kiosk_", "devices": inputs })),
        202,
    )
    .await;
    let state = wait_finished(
        &client,
        &base,
        &customer.key,
        batch["id"].as_str().expect("id"),
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(state["registered"], 10, "{state}");
    let answer = send(
        client
            .post(format!("{base}/api/v1/device-lookup"))
            .json(&json!({ "hardware_hash": devices[0].hardware_hash })),
        200,
    )
    .await;
    assert!(answer.is_object(), "{answer}");
    let audit = get_json(&client, &format!("{base}/api/v1/audit?limit=100"), &customer.key).await;
    assert!(audit["items"].as_array().is_some_and(|items| items.len() >= 4), "{audit}");

    // Both builds see the same installation.
    let path = format!("/api/v1/customers/{}/devices?limit=100", customer.id);
    let from_old = get_json(&client, &format!("{}{path}", old.base), &customer.key).await;
    let from_new = get_json(&client, &format!("{}{path}", new.base), &customer.key).await;
    assert_eq!(from_old["devices"].as_array().map(Vec::len), Some(10));
    let serials = |page: &Value| -> Vec<String> {
        page["devices"].as_array().unwrap().iter().map(|d| d["serial_number"].to_string()).collect()
    };
    assert_eq!(serials(&from_old), serials(&from_new));

    drop(old);
    drop(new);
    drop_postgres_database(&database).await;
}

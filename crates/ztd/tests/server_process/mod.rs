//! The real `ztd` binary for the tests of this crate (`mod server_process;` in each): run as a
//! command, as a server process to kill or point a client at, and its `admin` commands; plus
//! the CSV files and the batch polling those tests share. Each exists here and nowhere else.

#![allow(dead_code, unused_imports)] // each test binary uses a different part

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

// The CSV bodies, written by the domain's CsvWriter, are shared with ztd-server's test helpers.
#[path = "../../../ztd-server/tests/batches_support/csv_bodies.rs"]
mod csv_bodies;
pub use csv_bodies::{csv_text, intune_csv, partner_center_csv as partner_center_text};

/// A command for the `ztd` binary Cargo built for these tests.
pub fn ztd() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ztd"))
}

/// Runs `ztd <args>` with no input; stdout and stderr captured.
pub fn run(args: &[&str]) -> Output {
    ztd().args(args).output().expect("run ztd")
}

/// Runs `ztd <args>` with `input` on its stdin; stdout and stderr captured.
pub fn run_with_input(args: &[&str], input: &str) -> Output {
    let mut child = ztd()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ztd");
    let mut stdin = child.stdin.take().expect("ztd's stdin");
    stdin.write_all(input.as_bytes()).expect("write ztd's stdin");
    drop(stdin);
    child.wait_with_output().expect("wait for ztd")
}

/// A SQLite database file in a temporary directory, removed at drop.
pub struct TempDatabase {
    pub url: String,
    pub dir: tempfile::TempDir,
}

impl TempDatabase {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("create a temp directory");
        let url = format!("sqlite:{}", dir.path().join("ztd.db").display());
        Self { url, dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Runs `ztd admin <args> --json` on the database and returns the printed JSON.
pub fn admin(database_url: &str, args: &[&str]) -> serde_json::Value {
    let output = ztd()
        .arg("admin")
        .args(args)
        .args(["--json", "--database-url", database_url])
        .output()
        .expect("run ztd admin");
    assert!(
        output.status.success(),
        "ztd admin {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("ztd admin --json prints JSON")
}

/// An organisation and an API key of it.
pub struct OrgWithKey {
    pub id: String,
    pub key: String,
}

pub fn org_with_key(database_url: &str, kind: &str, name: &str, role: &str) -> OrgWithKey {
    let domain = format!("{}.example", name.to_lowercase());
    let mut args = vec!["create-org", "--kind", kind, "--name", name];
    if kind == "customer" {
        args.extend(["--domain", &domain]);
    }
    let org = admin(database_url, &args);
    let id = org["id"].as_str().expect("org id").to_owned();
    let key = admin(database_url, &["create-api-key", "--org", &id, "--role", role, "--name", "test"]);
    OrgWithKey { id, key: key["key"].as_str().expect("api key").to_owned() }
}

/// A free local port (bound then released; good enough for tests on one machine).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind port 0").local_addr().expect("local addr").port()
}

/// `ztd serve` as a child process.
pub struct ServerProcess {
    child: Child,
    pub base: String,
}

impl ServerProcess {
    /// Starts `ztd serve` on the database and waits until `/healthz` answers.
    pub fn start(database_url: &str, extra_args: &[&str]) -> Self {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let child = ztd()
            .args(["serve", "--listen", &listen, "--database-url", database_url])
            .args(extra_args)
            .env("ZTD_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn ztd serve");
        let server = Self { child, base: format!("http://{listen}") };
        server.wait_until_healthy(Duration::from_secs(60));
        server
    }

    fn wait_until_healthy(&self, within: Duration) {
        let deadline = Instant::now() + within;
        let addr = self.base.trim_start_matches("http://").to_owned();
        while Instant::now() < deadline {
            if let Ok(mut stream) = std::net::TcpStream::connect(&addr) {
                use std::io::{Read, Write};
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let request = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
                if stream.write_all(request.as_bytes()).is_ok() {
                    let mut answer = String::new();
                    let _ = stream.read_to_string(&mut answer);
                    if answer.starts_with("HTTP/1.1 200") {
                        return;
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("ztd serve at {} did not become healthy within {within:?}", self.base);
    }

    /// The operating system's id of the process (batches' `locked_by` starts with it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, then waits for the process to end (it finishes its requests and writes the
    /// first boots it answered, docs/operations.md#shutdown); `kill -9` after 30 s.
    pub fn stop(&mut self) {
        // SAFETY: kill(2) on our own child's pid; no memory is shared.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill_hard();
    }

    /// `kill -9`: no graceful shutdown, no chance to finish anything.
    pub fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill_hard();
    }
}

/// A CSV file in the Partner Center format with `count` synthetic devices from `seed`.
pub fn partner_center_csv(path: &Path, seed: u64, count: usize) {
    let devices: Vec<_> = ztd_domain::synth::generate(seed, count).collect();
    std::fs::write(path, csv_bodies::partner_center_csv(&devices)).expect("write the CSV");
}

/// `GET url` with the key; asserts success and returns the JSON body.
pub async fn get_json(client: &reqwest::Client, url: &str, key: &str) -> Value {
    let response = client.get(url).bearer_auth(key).send().await.expect("GET");
    assert!(response.status().is_success(), "GET {url}: {}", response.status());
    response.json().await.expect("JSON body")
}

/// Polls batch `batch_id` of the server at `base` until it is finished (with or without
/// errors), for at most `within`; returns its last state (counts and the first row).
pub async fn wait_finished(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    batch_id: &str,
    within: Duration,
) -> Value {
    let url = format!("{base}/api/v1/device-batches/{batch_id}?limit=1");
    let deadline = Instant::now() + within;
    loop {
        let state = get_json(client, &url, key).await;
        if state["status"] == "finished" || state["status"] == "finished_with_errors" {
            return state;
        }
        assert!(Instant::now() < deadline, "batch {batch_id} did not finish within {within:?}: {state}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

//! The SIGKILL loop of `bench/sigkill.sh` (docs/operations.md#crash-safety): a real `ztd serve`
//! on one database, killed with SIGKILL at random moments while clients upload CSV and JSON
//! batches (each with an `Idempotency-Key`, retried until accepted) and its workers process
//! them, then restarted; at the end every submitted device must be registered exactly once,
//! every batch finished with the right counts, and the audit complete (docs/domain.md#batch-lifecycle).
//!
//! ```text
//! cargo run --example sigkill -p ztd -- --ztd target/release/ztd --database-url sqlite:/tmp/x/ztd.db
//! ```
//!
//! Options: `--kills N` (20), `--seed S` (time), `--uploaders N` (2), `--log FILE` (the servers'
//! stderr; default discarded). Prints one summary line of figures; exits 1 on any failed check.
//! An example, not a test: it runs for minutes, so `cargo test` only compiles it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use ztd_domain::csv::{CsvWriter, Format, Layout};
use ztd_domain::device::DeviceInput;
use ztd_domain::profile::STANDARD_TAG;

/// The servers' request timeout, which is also the age of an abandoned upload.
const REQUEST_TIMEOUT_SECS: u64 = 20;

struct Options {
    ztd: String,
    database_url: String,
    kills: usize,
    seed: u64,
    uploaders: usize,
    log: Option<String>,
}

fn options() -> Options {
    let mut args = std::env::args().skip(1);
    let mut options = Options {
        ztd: String::new(),
        database_url: String::new(),
        kills: 20,
        seed: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_secs()),
        uploaders: 2,
        log: None,
    };
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--ztd" => options.ztd = value,
            "--database-url" => options.database_url = value,
            "--kills" => options.kills = value.parse().expect("--kills N"),
            "--seed" => options.seed = value.parse().expect("--seed S"),
            "--uploaders" => options.uploaders = value.parse().expect("--uploaders N"),
            "--log" => options.log = Some(value),
            other => panic!("unknown option {other}"),
        }
    }
    assert!(
        !options.ztd.is_empty() && !options.database_url.is_empty(),
        "--ztd and --database-url are required"
    );
    options
}

/// SplitMix64: enough randomness for kill moments and batch sizes, reproducible from `--seed`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low)
    }
}

/// `ztd admin <args> --json`.
fn admin(options: &Options, args: &[&str]) -> Value {
    let output = Command::new(&options.ztd)
        .arg("admin")
        .args(args)
        .args(["--json", "--database-url", &options.database_url])
        .output()
        .expect("run ztd admin");
    assert!(output.status.success(), "ztd admin {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON from ztd admin")
}

fn healthy(addr: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(addr) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let mut answer = String::new();
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_to_string(&mut answer).is_ok()
        && answer.starts_with("HTTP/1.1 200")
}

fn serve(options: &Options, listen: &str) -> Child {
    let stderr = match &options.log {
        Some(path) => Stdio::from(
            std::fs::OpenOptions::new().create(true).append(true).open(path).expect("open the server log"),
        ),
        None => Stdio::null(),
    };
    Command::new(&options.ztd)
        .args(["serve", "--listen", listen, "--database-url", &options.database_url])
        .args(["--workers", "2", "--request-timeout-secs", &REQUEST_TIMEOUT_SECS.to_string()])
        // The workers' info lines say when a batch was resumed after a kill (bench/sigkill.sh counts them).
        .env("ZTD_LOG", "warn,ztd_server::worker=info")
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("spawn ztd serve")
}

/// Starts and SIGKILLs the server `kills` times, at a random moment: mostly 0.5–4 s after it
/// answered `/healthz` (uploads and workers busy), sometimes 0–300 ms after spawning (during
/// start: migrations, the abandoned-upload sweep). Then starts it for good.
fn supervise(options: &Options, listen: &str, rng: &mut Rng, stats: &Stats, done: &AtomicBool) -> Child {
    for _ in 0..options.kills {
        let mut child = serve(options, listen);
        if rng.range(0, 100) < 15 {
            std::thread::sleep(Duration::from_millis(rng.range(0, 300)));
            stats.kills_during_start.fetch_add(1, Ordering::Relaxed);
        } else {
            let deadline = Instant::now() + Duration::from_secs(60);
            while !healthy(listen) {
                assert!(Instant::now() < deadline, "ztd serve did not become healthy");
                std::thread::sleep(Duration::from_millis(20));
            }
            std::thread::sleep(Duration::from_millis(rng.range(500, 4_000)));
        }
        child.kill().expect("SIGKILL"); // `Child::kill` is SIGKILL on Unix
        child.wait().expect("reap the killed server");
        stats.kills.fetch_add(1, Ordering::Relaxed);
    }
    done.store(true, Ordering::SeqCst);
    let child = serve(options, listen);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !healthy(listen) {
        assert!(Instant::now() < deadline, "ztd serve did not become healthy");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[derive(Default)]
struct Stats {
    kills: AtomicUsize,
    kills_during_start: AtomicUsize,
    attempts: AtomicUsize,
    connection_errors: AtomicUsize,
    in_progress_409: AtomicUsize,
    other_retries: AtomicUsize,
    replays: AtomicUsize,
}

/// One batch the clients submitted and the server accepted.
struct Accepted {
    id: String,
    kind: &'static str,
    serials: Vec<String>,
}

fn json_body(devices: &[DeviceInput]) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({ "group_tag": STANDARD_TAG, "devices": devices })).expect("JSON")
}

fn csv_body(devices: &[DeviceInput]) -> Vec<u8> {
    let mut writer = CsvWriter::new(Vec::new(), Layout::full(Format::PartnerCenter)).expect("header");
    for device in devices {
        writer.write_device(device).expect("a writable row");
    }
    writer.finish().expect("flush")
}

/// Uploads batch `index` until the server accepts it (retrying with the same key).
async fn upload(
    client: &reqwest::Client,
    base: &str,
    customer: &(String, String),
    index: u64,
    size: usize,
    stats: &Stats,
) -> Result<Accepted, String> {
    let devices: Vec<DeviceInput> =
        ztd_domain::synth::generate(1_000 + index, size).map(|device| device.to_input(None)).collect();
    let serials = devices.iter().filter_map(|device| device.serial_number.clone()).collect();
    let (kind, content_type, body, url) = if index.is_multiple_of(2) {
        let url = format!("{base}/api/v1/customers/{}/device-batches?group_tag={STANDARD_TAG}", customer.0);
        ("csv", "text/csv", csv_body(&devices), url)
    } else {
        let url = format!("{base}/api/v1/customers/{}/device-batches", customer.0);
        ("json", "application/json", json_body(&devices), url)
    };
    let key = format!("sigkill-batch-{index}");
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        if Instant::now() > deadline {
            return Err(format!("batch {index} was not accepted within 300 s"));
        }
        stats.attempts.fetch_add(1, Ordering::Relaxed);
        let sent = client
            .post(&url)
            .bearer_auth(&customer.1)
            .header("content-type", content_type)
            .header("idempotency-key", &key)
            .body(body.clone())
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(_) => {
                stats.connection_errors.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        };
        let status = response.status().as_u16();
        let replayed = response.headers().contains_key("idempotent-replayed");
        let Ok(answer) = response.json::<Value>().await else {
            stats.connection_errors.fetch_add(1, Ordering::Relaxed);
            continue;
        };
        match status {
            202 => {
                if replayed {
                    stats.replays.fetch_add(1, Ordering::Relaxed);
                }
                let id = answer["id"].as_str().ok_or("202 without an id")?.to_owned();
                return Ok(Accepted { id, kind, serials });
            }
            409 if answer["error"]["code"] == "upload_in_progress" => {
                stats.in_progress_409.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            // The database not reachable yet (503) or a body that outlived the request timeout
            // under load (408): the same request again.
            408 | 503 => {
                stats.other_retries.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            _ => return Err(format!("batch {index}: unexpected {status}: {answer}")),
        }
    }
}

async fn get_json(client: &reqwest::Client, url: &str, key: &str) -> Result<Value, String> {
    for _ in 0..50 {
        match client.get(url).bearer_auth(key).send().await {
            Ok(response) if response.status() == 200 => {
                return response.json().await.map_err(|error| format!("GET {url}: {error}"))
            }
            Ok(response) if response.status() == 404 => return Ok(Value::Null),
            Ok(response) => return Err(format!("GET {url}: {}", response.status())),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    Err(format!("GET {url}: no answer"))
}

/// Every item of a paginated list (`field`), following `next_cursor`.
async fn all_pages(
    client: &reqwest::Client,
    url: &str,
    field: &str,
    key: &str,
) -> Result<Vec<Value>, String> {
    let (mut items, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let page_url = match &cursor {
            Some(cursor) => format!("{url}&cursor={cursor}"),
            None => url.to_owned(),
        };
        let page = get_json(client, &page_url, key).await?;
        items.extend(page[field].as_array().ok_or(format!("{page_url}: no {field}"))?.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return Ok(items),
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let options = Arc::new(options());
    let started = Instant::now();
    let org = admin(
        &options,
        &["create-org", "--kind", "customer", "--name", "Contoso", "--domain", "contoso.example"],
    );
    let customer_id = org["id"].as_str().expect("org id").to_owned();
    let key = admin(
        &options,
        &["create-api-key", "--org", &customer_id, "--role", "registrar", "--name", "sigkill"],
    );
    let customer = Arc::new((customer_id, key["key"].as_str().expect("key").to_owned()));

    let port =
        std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
    let listen = format!("127.0.0.1:{port}");
    let base = format!("http://{listen}");
    let stats = Arc::new(Stats::default());
    let done = Arc::new(AtomicBool::new(false));

    let supervisor = {
        let (options, stats, done, listen) = (options.clone(), stats.clone(), done.clone(), listen.clone());
        std::thread::spawn(move || {
            let mut rng = Rng(options.seed);
            supervise(&options, &listen, &mut rng, &stats, &done)
        })
    };

    // Uploaders: each takes the next batch number until the kill phase is over, so batches are
    // arriving at every kill. Even numbers are CSV (1,000–12,000 rows: up to three of the workers'
    // 5,000-row chunks, so a kill can land between two), odd ones JSON (200–1,500).
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let next_batch = Arc::new(AtomicU64::new(0));
    let accepted = Arc::new(Mutex::new(Vec::<Accepted>::new()));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut uploaders = Vec::new();
    for _ in 0..options.uploaders {
        let (client, base, customer, stats, done) =
            (client.clone(), base.clone(), customer.clone(), stats.clone(), done.clone());
        let (next_batch, accepted, failures, seed) =
            (next_batch.clone(), accepted.clone(), failures.clone(), options.seed);
        uploaders.push(tokio::spawn(async move {
            while !done.load(Ordering::SeqCst) {
                let index = next_batch.fetch_add(1, Ordering::SeqCst);
                let mut rng = Rng(seed ^ index.wrapping_mul(0x2545_F491_4F6C_DD1D));
                let size =
                    if index.is_multiple_of(2) { rng.range(1_000, 12_000) } else { rng.range(200, 1_500) }
                        as usize;
                match upload(&client, &base, &customer, index, size, &stats).await {
                    Ok(batch) => accepted.lock().expect("lock").push(batch),
                    Err(failure) => failures.lock().expect("lock").push(failure),
                }
            }
        }));
    }
    for uploader in uploaders {
        uploader.await.expect("uploader");
    }
    let mut server = tokio::task::spawn_blocking(move || supervisor.join().expect("supervisor"))
        .await
        .expect("join the supervisor");
    let upload_phase = started.elapsed();

    let accepted = std::mem::take(&mut *accepted.lock().expect("lock"));
    let mut failures = std::mem::take(&mut *failures.lock().expect("lock"));
    let key = customer.1.clone();

    // Every accepted batch reaches `finished` with each of its devices registered.
    let deadline = Instant::now() + Duration::from_secs(900);
    for batch in &accepted {
        let url = format!("{base}/api/v1/device-batches/{}?limit=1", batch.id);
        loop {
            let state = match get_json(&client, &url, &key).await {
                Ok(state) => state,
                Err(error) => {
                    failures.push(error);
                    break;
                }
            };
            if state.is_null() {
                failures.push(format!("accepted {} batch {} is gone (404)", batch.kind, batch.id));
                break;
            }
            if state["status"] == "finished" || state["status"] == "finished_with_errors" {
                let expected = batch.serials.len() as i64;
                if state["status"] != "finished"
                    || state["registered"] != expected
                    || state["total"] != expected
                    || state["failed"] != 0
                    || state["unassigned"] != 0
                {
                    failures.push(format!("batch {} ({} devices) ended {state}", batch.id, expected));
                }
                break;
            }
            if Instant::now() > deadline {
                failures.push(format!("batch {} did not finish: {state}", batch.id));
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let processing_phase = started.elapsed() - upload_phase;

    // Every submitted device registered exactly once (by serial; the synthetic ones are distinct).
    let devices = match all_pages(
        &client,
        &format!("{base}/api/v1/customers/{}/devices?limit=1000", customer.0),
        "devices",
        &key,
    )
    .await
    {
        Ok(devices) => devices,
        Err(error) => {
            failures.push(error);
            Vec::new()
        }
    };
    let mut registered: HashMap<String, usize> = HashMap::new();
    for device in &devices {
        *registered.entry(device["serial_number"].as_str().unwrap_or_default().to_owned()).or_default() += 1;
    }
    let submitted: Vec<&String> = accepted.iter().flat_map(|batch| &batch.serials).collect();
    let distinct: HashSet<&String> = submitted.iter().copied().collect();
    if distinct.len() != submitted.len() {
        failures.push(format!("the generator repeated serials: {} of {}", distinct.len(), submitted.len()));
    }
    let missing = distinct.iter().filter(|serial| !registered.contains_key(serial.as_str())).count();
    let duplicated = registered.values().filter(|count| **count > 1).count();
    let extra = registered.keys().filter(|serial| !distinct.contains(serial)).count();
    if missing + duplicated + extra > 0 || devices.len() != submitted.len() {
        failures.push(format!(
            "devices: {} listed for {} submitted; {missing} missing, {duplicated} duplicated, {extra} never submitted",
            devices.len(),
            submitted.len()
        ));
    }

    // The audit: each accepted batch created and finished once; every other batch created
    // (an upload the kill cut) discarded once as abandoned. The sweep runs every request
    // timeout, so give it two.
    let accepted_ids: HashSet<&str> = accepted.iter().map(|batch| batch.id.as_str()).collect();
    let mut audit_failures = Vec::new();
    let mut discarded = 0;
    for attempt in 0..4 {
        audit_failures.clear();
        let events = match all_pages(&client, &format!("{base}/api/v1/audit?limit=1000"), "items", &key).await
        {
            Ok(events) => events,
            Err(error) => {
                audit_failures.push(error);
                Vec::new()
            }
        };
        let mut by_batch: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
        for event in events.iter().filter(|event| event["target_type"] == "device_batch") {
            let entry =
                by_batch.entry(event["target_id"].as_str().unwrap_or_default().to_owned()).or_default();
            match event["action"].as_str().unwrap_or_default() {
                "device_batch.create" => entry.0 += 1,
                "device_batch.finished" => entry.1 += 1,
                "device_batch.discard" => {
                    entry.2 += 1;
                    if !event["details"]["reason"].as_str().unwrap_or_default().contains("abandoned") {
                        audit_failures
                            .push(format!("discard of {} not as abandoned: {event}", event["target_id"]));
                    }
                }
                _ => {}
            }
        }
        discarded = 0;
        for id in &accepted_ids {
            if by_batch.get(*id) != Some(&(1, 1, 0)) {
                audit_failures.push(format!(
                    "accepted batch {id}: (create, finished, discard) = {:?}",
                    by_batch.get(*id)
                ));
            }
        }
        for (id, counts) in by_batch.iter().filter(|(id, _)| !accepted_ids.contains(id.as_str())) {
            if *counts == (1, 0, 1) {
                discarded += 1;
                match get_json(&client, &format!("{base}/api/v1/device-batches/{id}"), &key).await {
                    Ok(Value::Null) => {}
                    other => audit_failures.push(format!("discarded batch {id} still answers: {other:?}")),
                }
            } else {
                audit_failures
                    .push(format!("unaccepted batch {id}: (create, finished, discard) = {counts:?}"));
            }
        }
        if audit_failures.is_empty() || attempt == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_secs(REQUEST_TIMEOUT_SECS)).await;
    }
    failures.extend(audit_failures);

    server.kill().expect("stop the server");
    server.wait().expect("reap the server");

    let csv = accepted.iter().filter(|batch| batch.kind == "csv").count();
    println!(
        "kills={} (during start {}) batches={} (csv {}, json {}) devices={} discarded_uploads={} attempts={} \
         connection_errors={} retries_409={} other_retries={} replays={} upload_phase={:.0}s processing_after={:.0}s total={:.0}s result={}",
        stats.kills.load(Ordering::Relaxed),
        stats.kills_during_start.load(Ordering::Relaxed),
        accepted.len(),
        csv,
        accepted.len() - csv,
        submitted.len(),
        discarded,
        stats.attempts.load(Ordering::Relaxed),
        stats.connection_errors.load(Ordering::Relaxed),
        stats.in_progress_409.load(Ordering::Relaxed),
        stats.other_retries.load(Ordering::Relaxed),
        stats.replays.load(Ordering::Relaxed),
        upload_phase.as_secs_f64(),
        processing_phase.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        if failures.is_empty() { "PASS" } else { "FAIL" },
    );
    for failure in failures.iter().take(50) {
        eprintln!("FAILED: {failure}");
    }
    std::process::exit(i32::from(!failures.is_empty()));
}

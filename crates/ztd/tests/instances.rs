//! Several `ztd serve` processes on one PostgreSQL database (docs/operations.md#several-instances):
//! a batch whose process is killed is finished by another, exactly once; batches racing for the
//! same devices through two instances register each device once; one idempotency key sent to
//! both gives one batch; the first-boot lookup's limit holds across instances, in PostgreSQL
//! and in Redis; API-only and worker-only processes split the work.

mod server_process;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use server_process::{get_json, org_with_key, wait_finished, ServerProcess};
use ztd_storage::testing::{drop_postgres_database, fresh_postgres_url, redis_url, unique_redis_prefix};

const TAG: &str = ztd_domain::profile::STANDARD_TAG;

/// A fresh PostgreSQL database for one test, dropped at the end (best effort).
struct Postgres {
    url: String,
}

impl Postgres {
    async fn fresh() -> Option<Self> {
        fresh_postgres_url().await.map(|url| Self { url })
    }

    async fn pool(&self) -> sqlx::PgPool {
        sqlx::PgPool::connect(&self.url).await.expect("connect to the test database")
    }

    async fn drop(self) {
        drop_postgres_database(&self.url).await;
    }
}

fn processed(batch: &Value) -> i64 {
    ["registered", "unassigned", "failed"].iter().map(|field| batch[field].as_i64().unwrap_or(0)).sum()
}

/// POSTs a CSV file as a batch of `customer_id` to the server at `base`; returns the answer.
async fn post_csv(
    client: &reqwest::Client,
    base: &str,
    customer_id: &str,
    key: &str,
    csv: Vec<u8>,
) -> reqwest::Response {
    client
        .post(format!("{base}/api/v1/customers/{customer_id}/device-batches?group_tag={TAG}"))
        .bearer_auth(key)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("POST the batch")
}

/// Every row result of a batch, all pages.
async fn rows(client: &reqwest::Client, base: &str, key: &str, batch_id: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}/api/v1/device-batches/{batch_id}?limit=10000");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let page = get_json(client, &url, key).await;
        rows.extend(page["devices"].as_array().expect("rows").iter().cloned());
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            return rows;
        }
    }
}

/// The serial numbers of every device a customer has, each checked to be listed once.
async fn serials(client: &reqwest::Client, base: &str, customer_id: &str, key: &str) -> HashSet<String> {
    let mut listed = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}/api/v1/customers/{customer_id}/devices?limit=1000");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let page = get_json(client, &url, key).await;
        for device in page["devices"].as_array().expect("devices") {
            let serial = device["serial_number"].as_str().expect("serial").to_owned();
            assert!(listed.insert(serial), "listed twice: {device}");
        }
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            return listed;
        }
    }
}

/// The customer's audit events with `action` on `target_id`.
async fn audit_events(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    action: &str,
    target_id: &str,
) -> usize {
    let trail = get_json(client, &format!("{base}/api/v1/audit?limit=1000"), key).await;
    let events = trail["items"].as_array().expect("audit items");
    events.iter().filter(|event| event["action"] == action && event["target_id"] == target_id).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_whose_instance_is_killed_is_finished_once_by_the_other() {
    // A chunk of 5,000 rows, then one of 2,500: the kill falls between their commits.
    const DEVICES: usize = 7_500;
    let Some(database) = Postgres::fresh().await else { return };
    let customer = org_with_key(&database.url, "customer", "Contoso", "registrar");
    // The file is made while the servers start.
    let csv = std::thread::spawn(|| {
        let devices: Vec<_> = ztd_domain::synth::generate(71, DEVICES).collect();
        server_process::partner_center_text(&devices).into_bytes()
    });
    let mut instances = [
        ServerProcess::start(&database.url, &["--workers", "1"]),
        ServerProcess::start(&database.url, &["--workers", "1"]),
    ];
    let csv = csv.join().expect("generate the CSV");
    let client = reqwest::Client::new();

    let response = post_csv(&client, &instances[0].base, &customer.id, &customer.key, csv).await;
    assert_eq!(response.status(), 202);
    let batch_id = response.json::<Value>().await.expect("batch JSON")["id"].as_str().expect("id").to_owned();
    let batch_url = format!("{}/api/v1/device-batches/{batch_id}?limit=1", instances[1].base);

    // Wait until some rows are done and others are not, then kill whichever process holds it.
    let pool = database.pool().await;
    let deadline = Instant::now() + Duration::from_secs(60);
    let (done_before_kill, holder) = loop {
        let state = get_json(&client, &batch_url, &customer.key).await;
        let done = processed(&state);
        assert!(
            done < DEVICES as i64,
            "the batch finished before the test could interrupt it; raise DEVICES"
        );
        let locked_by: Option<String> =
            sqlx::query_scalar("SELECT locked_by FROM batches WHERE id = $1::uuid")
                .bind(&batch_id)
                .fetch_one(&pool)
                .await
                .expect("read the batch's holder");
        if let (true, Some(locked_by)) = (done > 0, locked_by) {
            let pid: u32 = locked_by
                .split('-')
                .next()
                .and_then(|pid| pid.parse().ok())
                .expect("locked_by starts with a pid");
            break (
                done,
                instances.iter().position(|instance| instance.pid() == pid).expect("held by one of ours"),
            );
        }
        assert!(Instant::now() < deadline, "the batch never started: {state}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    instances[holder].kill_hard();
    let killed_at = Instant::now();
    let survivor = &instances[1 - holder];

    // The survivor claims the batch once the dead holder's lease (10 s) ran out, and finishes it.
    let finished =
        wait_finished(&client, &survivor.base, &customer.key, &batch_id, Duration::from_secs(60)).await;
    let took_over_within = killed_at.elapsed();
    assert!(done_before_kill > 0 && done_before_kill < DEVICES as i64);
    assert_eq!(finished["status"], "finished", "{finished}");
    assert_eq!(
        (finished["registered"].as_i64(), finished["failed"].as_i64()),
        (Some(DEVICES as i64), Some(0))
    );
    assert_eq!(finished["pending"], 0);
    assert!(took_over_within < Duration::from_secs(40), "finished {took_over_within:?} after the kill");
    let survivor_pid = survivor.pid();
    let finished_by: Option<String> = sqlx::query_scalar("SELECT locked_by FROM batches WHERE id = $1::uuid")
        .bind(&batch_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(finished_by, None, "a finished batch holds no lease (survivor {survivor_pid})");

    // Each row registered its own device, each device once; one finished event, one create.
    let rows = rows(&client, &survivor.base, &customer.key, &batch_id).await;
    assert_eq!(rows.len(), DEVICES);
    let device_ids: HashSet<_> = rows
        .iter()
        .map(|row| {
            assert_eq!(row["status"], "registered", "{row}");
            row["device_id"].as_str().expect("device id").to_owned()
        })
        .collect();
    assert_eq!(device_ids.len(), DEVICES);
    assert_eq!(serials(&client, &survivor.base, &customer.id, &customer.key).await.len(), DEVICES);
    assert_eq!(
        audit_events(&client, &survivor.base, &customer.key, "device_batch.finished", &batch_id).await,
        1
    );
    assert_eq!(
        audit_events(&client, &survivor.base, &customer.key, "device_batch.create", &batch_id).await,
        1
    );
    let in_database: i64 = sqlx::query_scalar("SELECT count(*) FROM devices").fetch_one(&pool).await.unwrap();
    assert_eq!(in_database, DEVICES as i64);
    pool.close().await;
    drop(instances);
    database.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_racing_for_the_same_devices_through_two_instances_register_each_once() {
    const SHARED: usize = 1_500;
    const OWN: usize = 100;
    let Some(database) = Postgres::fresh().await else { return };
    let customers = [
        org_with_key(&database.url, "customer", "Contoso", "registrar"),
        org_with_key(&database.url, "customer", "Fabrikam", "registrar"),
    ];
    let instances = [
        ServerProcess::start(&database.url, &["--workers", "2"]),
        ServerProcess::start(&database.url, &["--workers", "2"]),
    ];
    let client = reqwest::Client::new();
    // Each customer's file: the same SHARED devices, then OWN devices of its own.
    let shared: Vec<_> = ztd_domain::synth::generate(81, SHARED).collect();
    let bodies: Vec<Vec<u8>> = [82, 83]
        .iter()
        .map(|seed| {
            let mut devices = shared.clone();
            devices.extend(ztd_domain::synth::generate(*seed, OWN));
            server_process::partner_center_text(&devices).into_bytes()
        })
        .collect();

    // Both uploads at once, one through each instance; every worker of both may take them.
    let (first, second) = tokio::join!(
        post_csv(&client, &instances[0].base, &customers[0].id, &customers[0].key, bodies[0].clone()),
        post_csv(&client, &instances[1].base, &customers[1].id, &customers[1].key, bodies[1].clone()),
    );
    let mut batches = Vec::new();
    for (response, customer) in [(first, &customers[0]), (second, &customers[1])] {
        assert_eq!(response.status(), 202);
        let id = response.json::<Value>().await.expect("batch")["id"].as_str().expect("id").to_owned();
        batches.push(
            wait_finished(&client, &instances[0].base, &customer.key, &id, Duration::from_secs(60)).await,
        );
    }

    // Each shared device went to exactly one customer; the other's row is a conflict.
    let registered: i64 = batches.iter().map(|batch| batch["registered"].as_i64().unwrap()).sum();
    let failed: i64 = batches.iter().map(|batch| batch["failed"].as_i64().unwrap()).sum();
    assert_eq!(registered, (SHARED + 2 * OWN) as i64, "{batches:?}");
    assert_eq!(failed, SHARED as i64, "{batches:?}");
    let mut everyone = HashSet::new();
    for (batch, customer) in batches.iter().zip(&customers) {
        let id = batch["id"].as_str().unwrap();
        for row in rows(&client, &instances[1].base, &customer.key, id).await {
            if row["status"] == "failed" {
                assert_eq!(row["error"]["code"], "device_registered_to_other_tenant", "{row}");
            } else {
                assert_eq!(row["status"], "registered", "{row}");
            }
        }
        let own = serials(&client, &instances[1].base, &customer.id, &customer.key).await;
        assert_eq!(own.len() as i64, batch["registered"].as_i64().unwrap());
        let overlap = everyone.len() + own.len();
        everyone.extend(own);
        assert_eq!(everyone.len(), overlap, "a device is registered to both customers");
    }
    assert_eq!(everyone.len(), SHARED + 2 * OWN);
    drop(instances);
    database.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_idempotency_key_sent_to_both_instances_at_once_makes_one_batch() {
    const KEYS: u64 = 5;
    const DEVICES: usize = 40;
    let Some(database) = Postgres::fresh().await else { return };
    let customer = org_with_key(&database.url, "customer", "Contoso", "registrar");
    let instances = [
        ServerProcess::start(&database.url, &["--workers", "1"]),
        ServerProcess::start(&database.url, &["--workers", "1"]),
    ];
    let client = reqwest::Client::new();
    for attempt in 0..KEYS {
        let devices: Vec<Value> = ztd_domain::synth::generate(90 + attempt, DEVICES)
            .map(|device| serde_json::to_value(device.to_input(None)).expect("device JSON"))
            .collect();
        let body = json!({ "group_tag": TAG, "devices": devices });
        let key = format!("factory-7-retry-{attempt}");
        let send = |base: &str| {
            client
                .post(format!("{base}/api/v1/customers/{}/device-batches", customer.id))
                .bearer_auth(&customer.key)
                .header("idempotency-key", &key)
                .json(&body)
                .send()
        };
        let (first, second) = tokio::join!(send(&instances[0].base), send(&instances[1].base));
        let mut ids = Vec::new();
        let mut replays = 0;
        for response in [first.expect("first POST"), second.expect("second POST")] {
            assert_eq!(response.status(), 202, "key {key}");
            replays += usize::from(
                response.headers().get("idempotent-replayed").is_some_and(|value| value == "true"),
            );
            ids.push(response.json::<Value>().await.expect("batch")["id"].as_str().expect("id").to_owned());
        }
        assert_eq!(ids[0], ids[1], "key {key} made two batches");
        assert_eq!(replays, 1, "exactly one answer is the replay (key {key})");
        let finished =
            wait_finished(&client, &instances[1].base, &customer.key, &ids[0], Duration::from_secs(30)).await;
        assert_eq!(finished["registered"], DEVICES as i64, "{finished}");
        assert_eq!(
            audit_events(&client, &instances[0].base, &customer.key, "device_batch.create", &ids[0]).await,
            1
        );
    }
    let devices = serials(&client, &instances[0].base, &customer.id, &customer.key).await;
    assert_eq!(devices.len() as u64, KEYS * DEVICES as u64);
    drop(instances);
    database.drop().await;
}

/// Sends `count` lookups of an unknown device alternately to each instance; returns how many
/// were admitted (answered, here `404 device_not_registered`) and the refusals' `Retry-After`
/// per instance.
async fn spread_lookups(instances: &[ServerProcess], count: usize) -> (usize, Vec<Vec<u64>>) {
    let client = reqwest::Client::new();
    let hash = ztd_domain::synth::generate(95, 1).next().expect("a device").hardware_hash;
    let body = json!({ "hardware_hash": hash });
    let mut admitted = 0;
    let mut refusals = vec![Vec::new(); instances.len()];
    for lookup in 0..count {
        let index = lookup % instances.len();
        let response = client
            .post(format!("{}/api/v1/device-lookup", instances[index].base))
            .json(&body)
            .send()
            .await
            .expect("lookup");
        match response.status().as_u16() {
            404 => admitted += 1,
            429 => {
                let retry_after = response.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap();
                refusals[index].push(retry_after);
            }
            other => panic!("lookup {lookup}: {other} {}", response.text().await.unwrap_or_default()),
        }
    }
    (admitted, refusals)
}

/// The shared bucket's promise for `limit` lookups a minute: a burst of `limit`, plus what
/// refilled while the lookups ran, whichever instance they reached.
fn assert_shared_limit(limit: usize, admitted: usize, refusals: &[Vec<u64>], elapsed: Duration) {
    let refilled = (elapsed.as_secs_f64() * limit as f64 / 60.0).ceil() as usize;
    assert!(
        (limit..=limit + refilled).contains(&admitted),
        "{admitted} lookups admitted by two instances sharing a limit of {limit} (+{refilled} refilled)"
    );
    for (instance, waits) in refusals.iter().enumerate() {
        assert!(!waits.is_empty(), "instance {instance} refused nothing: the limit is not shared");
        // One lookup costs 60 / limit seconds; a refusal waits at most that, rounded up.
        assert!(waits.iter().all(|wait| (1..=(60 / limit as u64).max(1)).contains(wait)), "{waits:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lookup_limit_holds_across_instances_in_postgres() {
    const LIMIT: usize = 10;
    let Some(database) = Postgres::fresh().await else { return };
    let args = ["--workers", "0", "--lookup-rate-per-minute", "10"];
    let instances = [ServerProcess::start(&database.url, &args), ServerProcess::start(&database.url, &args)];
    let started = Instant::now();
    let (admitted, refusals) = spread_lookups(&instances, 3 * LIMIT).await;
    assert_shared_limit(LIMIT, admitted, &refusals, started.elapsed());
    let pool = database.pool().await;
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT key FROM rate_buckets").fetch_all(&pool).await.unwrap();
    assert_eq!(keys, ["lookup:127.0.0.1"]);
    pool.close().await;
    drop(instances);
    database.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lookup_limit_holds_across_instances_in_redis() {
    const LIMIT: usize = 10;
    let Some(redis) = redis_url().await else { return };
    let Some(database) = Postgres::fresh().await else { return };
    let prefix = unique_redis_prefix();
    let args = [
        "--workers",
        "0",
        "--lookup-rate-per-minute",
        "10",
        "--redis-url",
        &redis,
        "--redis-key-prefix",
        &prefix,
    ];
    let instances = [ServerProcess::start(&database.url, &args), ServerProcess::start(&database.url, &args)];
    let started = Instant::now();
    let (admitted, refusals) = spread_lookups(&instances, 3 * LIMIT).await;
    assert_shared_limit(LIMIT, admitted, &refusals, started.elapsed());

    // Counted in Redis under this deployment's prefix, not in PostgreSQL.
    let client = redis::Client::open(redis.as_str()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let key = format!("{prefix}lookup:127.0.0.1");
    let ttl: i64 = redis::cmd("PTTL").arg(&key).query_async(&mut connection).await.unwrap();
    assert!(ttl > 0, "{key} has no expiry ({ttl})");
    let _: i64 = redis::cmd("DEL").arg(&key).query_async(&mut connection).await.unwrap();
    let pool = database.pool().await;
    let in_postgres: i64 =
        sqlx::query_scalar("SELECT count(*) FROM rate_buckets").fetch_one(&pool).await.unwrap();
    assert_eq!(in_postgres, 0);
    pool.close().await;
    drop(instances);
    database.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_only_and_a_worker_only_process_share_the_work() {
    const DEVICES: usize = 300;
    let Some(database) = Postgres::fresh().await else { return };
    let customer = org_with_key(&database.url, "customer", "Contoso", "registrar");
    let api = ServerProcess::start(&database.url, &["--workers", "0"]);
    let client = reqwest::Client::new();
    let devices: Vec<_> = ztd_domain::synth::generate(97, DEVICES).collect();
    let csv = server_process::partner_center_text(&devices).into_bytes();
    let response = post_csv(&client, &api.base, &customer.id, &customer.key, csv).await;
    assert_eq!(response.status(), 202);
    let batch_id = response.json::<Value>().await.expect("batch")["id"].as_str().expect("id").to_owned();

    // The API-only process queues it and works on nothing.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let waiting =
        get_json(&client, &format!("{}/api/v1/device-batches/{batch_id}?limit=1", api.base), &customer.key)
            .await;
    assert_eq!(waiting["status"], "queued", "{waiting}");

    // A worker-only process does, and answers nothing but the operations routes.
    let worker = ServerProcess::start(&database.url, &["--no-api", "--workers", "1"]);
    let finished = wait_finished(&client, &api.base, &customer.key, &batch_id, Duration::from_secs(30)).await;
    assert_eq!(finished["registered"], DEVICES as i64, "{finished}");
    for path in ["/healthz", "/readyz", "/metrics"] {
        let response = client.get(format!("{}{path}", worker.base)).send().await.expect("GET");
        assert_eq!(response.status(), 200, "{path}");
    }
    for path in ["/api/v1/openapi.json", &format!("/api/v1/device-batches/{batch_id}"), "/sign-in"] {
        let response = client
            .get(format!("{}{path}", worker.base))
            .bearer_auth(&customer.key)
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), 404, "{path}");
    }

    // A process with neither is refused at start.
    let refused =
        server_process::run(&["serve", "--no-api", "--workers", "0", "--database-url", &database.url]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("nothing to do"), "{refused:?}");
    drop((api, worker));
    database.drop().await;
}

/// A portal sign-in at `base`: the form's CSRF cookie and token, then the POST; the answer.
async fn portal_sign_in(base: &str, email: &str, password: &str) -> reqwest::Response {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = client.get(format!("{base}/sign-in")).send().await.expect("the sign-in form");
    let cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|header| header.split(';').next().filter(|pair| pair.starts_with("ztd_sign_in=")))
        .expect("the sign-in form sets its CSRF cookie")
        .to_owned();
    let html = form.text().await.expect("the form");
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker).expect("a csrf_token field") + marker.len();
    let token = html[start..].split('"').next().expect("a closing quote").to_owned();
    client
        .post(format!("{base}/sign-in"))
        .header("cookie", cookie)
        .form(&[("csrf_token", token.as_str()), ("email", email), ("password", password), ("next", "/")])
        .send()
        .await
        .expect("POST /sign-in")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_are_counted_across_instances() {
    let Some(database) = Postgres::fresh().await else { return };
    let org = server_process::admin(
        &database.url,
        &["create-org", "--kind", "customer", "--name", "Contoso", "--domain", "contoso.example"],
    );
    let org_id = org["id"].as_str().expect("org id");
    let email = "someone@contoso.example";
    let user = server_process::admin(
        &database.url,
        &["create-user", "--org", org_id, "--email", email, "--role", "admin"],
    );
    let password = user["password"].as_str().expect("password");
    let instances = [
        ServerProcess::start(&database.url, &["--workers", "0"]),
        ServerProcess::start(&database.url, &["--workers", "0"]),
    ];
    // Ten wrong guesses, half through each instance: one count, not two of five.
    for attempt in 0..10 {
        let response = portal_sign_in(&instances[attempt % 2].base, email, "a wrong guess").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    // Either instance now refuses even the right password, for one refill of the bucket
    // (15 minutes / 10 = 90 s) at most.
    for instance in &instances {
        let response = portal_sign_in(&instance.base, email, password).await;
        assert_eq!(response.status(), 429);
        let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=90).contains(&retry_after), "{retry_after}");
        assert!(response
            .headers()
            .get("set-cookie")
            .is_none_or(|cookie| !cookie.to_str().unwrap().contains("ztd_session=")));
    }
    drop(instances);
    database.drop().await;
}

/// A TCP relay to `target` on a local port, for cutting a service off mid-test: dropping it
/// closes the listener and every relayed connection.
struct Relay {
    port: u16,
    tasks: tokio::task::JoinSet<()>,
}

impl Relay {
    async fn start(target: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the relay");
        let port = listener.local_addr().expect("relay address").port();
        let mut tasks = tokio::task::JoinSet::new();
        tasks.spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                connections.spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        Self { port, tasks }
    }

    fn cut(&mut self) {
        // Aborting the accept loop drops the listener and, with its JoinSet, every connection.
        self.tasks.abort_all();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_outage_leaves_each_instance_its_own_lookup_limit() {
    const LIMIT: usize = 4;
    let Some(redis) = redis_url().await else { return };
    let Some(database) = Postgres::fresh().await else { return };
    let address = redis.trim_start_matches("redis://").split('/').next().expect("host:port").to_owned();
    let mut relay = Relay::start(address).await;
    let relayed = format!("redis://127.0.0.1:{}", relay.port);
    let prefix = unique_redis_prefix();
    let args = [
        "--workers",
        "0",
        "--lookup-rate-per-minute",
        "4",
        "--redis-url",
        &relayed,
        "--redis-key-prefix",
        &prefix,
    ];
    let instance = ServerProcess::start(&database.url, &args);
    let instances = std::slice::from_ref(&instance);
    let (admitted, _) = spread_lookups(instances, LIMIT).await;
    assert_eq!(admitted, LIMIT, "the shared bucket admits its burst");

    // Redis out of reach: lookups are still answered, limited by the instance's own bucket
    // (still full: the shared one counted so far), and the failures are counted.
    relay.cut();
    let (admitted, refusals) = spread_lookups(instances, 2 * LIMIT).await;
    assert_eq!(admitted, LIMIT, "the instance's own bucket admits its burst, then refuses");
    assert_eq!(refusals[0].len(), LIMIT);
    let metrics = reqwest::get(format!("{}/metrics", instance.base)).await.unwrap().text().await.unwrap();
    let errors = metrics
        .lines()
        .find(|line| line.starts_with("ztd_rate_limit_store_errors_total{limit=\"lookup\"}"))
        .unwrap_or_else(|| panic!("no store error counted:\n{metrics}"));
    let counted: f64 = errors.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(counted >= LIMIT as f64, "{errors}");
    drop(instance);
    database.drop().await;
}

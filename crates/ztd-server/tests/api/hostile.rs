//! Hostile input, abuse and faults at the server's edge (docs/security.md): slow and half-sent
//! connections, metric labels a client chooses, security headers, a database outage.

use std::time::{Duration, Instant};

use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use ztd_server::testing::{Backend, TestApp};
use ztd_server::worker::{BatchWakeup, WorkerPool, WorkerSettings};
use ztd_storage::{OrgKind, Role};

use crate::{batches_support, expect_error, expect_json};

/// Reads until the server closes the connection; what it sent, or `None` past `limit`.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    });
    read.await.ok().map(|()| String::from_utf8_lossy(&received).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_never_finishes_its_headers_is_closed() {
    let app =
        TestApp::spawn_with(Backend::Sqlite, |config| config.header_read_timeout = Duration::from_secs(1))
            .await
            .unwrap();
    for partial in ["GET /hea", "GET /healthz HTTP/1.1\r\nHost: ztd.example\r\nX-Slow: 1"] {
        let mut stream = TcpStream::connect(app.addr).await.unwrap();
        stream.write_all(partial.as_bytes()).await.unwrap();
        let started = Instant::now();
        let answer = read_until_closed(&mut stream, Duration::from_secs(5)).await;
        assert!(answer.is_some(), "{partial:?}: still open after 5 s");
        assert!(started.elapsed() >= Duration::from_millis(900), "{partial:?}: closed before the timeout");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_does_not_wait_for_idle_or_half_sent_connections() {
    let mut app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.header_read_timeout = Duration::from_secs(120);
        config.shutdown_grace = Duration::from_secs(1);
    })
    .await
    .unwrap();
    // An idle keep-alive connection (reqwest keeps it in its pool) and a half-sent request.
    assert_eq!(app.request(Method::GET, "/healthz", None).send().await.unwrap().status(), 200);
    let mut half_sent = TcpStream::connect(app.addr).await.unwrap();
    half_sent.write_all(b"POST /api/v1/orgs HTTP/1.1\r\nHost: ztd.example\r\n").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let stopped = tokio::time::timeout(Duration::from_secs(10), app.stop()).await;
    assert!(stopped.is_ok(), "shutdown waited on a half-sent request");
    assert!(read_until_closed(&mut half_sent, Duration::from_secs(1)).await.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_body_never_arrives_times_out() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| config.request_timeout = Duration::from_secs(1))
        .await
        .unwrap();
    let admin = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/api-keys HTTP/1.1\r\nHost: ztd.example\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\":",
        admin.key
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = read_until_closed(&mut stream, Duration::from_secs(5)).await.expect("answered within 5 s");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains(r#""code":"request_timeout""#), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metric_labels_do_not_take_what_clients_send() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let probe = format!("ZTDPROBE{}", uuid::Uuid::new_v4().simple());
    for path in ["/healthz", "/no/such/route", "/api/v1/devices/123"] {
        let method = Method::from_bytes(probe.as_bytes()).unwrap();
        let _ = app.request(method, path, None).send().await.unwrap();
    }
    let metrics = app.request(Method::GET, "/metrics", None).send().await.unwrap().text().await.unwrap();
    assert!(!metrics.contains(&probe), "a client-chosen method became a label");
    assert!(metrics.contains(r#"method="other""#), "{metrics}");
    assert!(!metrics.contains("/no/such/route"), "a raw path became a label");
    assert!(metrics.contains(r#"route="unmatched""#), "{metrics}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_can_be_kept_for_the_scraper_holding_the_token() {
    let app =
        TestApp::spawn_with(Backend::Sqlite, |config| config.metrics_token = Some("scrape-7f3a".into()))
            .await
            .unwrap();
    let anonymous = app.request(Method::GET, "/metrics", None).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let wrong = app.request(Method::GET, "/metrics", None).bearer_auth("scrape-0000").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let scraper = app.request(Method::GET, "/metrics", None).bearer_auth("scrape-7f3a").send().await.unwrap();
    assert_eq!(scraper.status(), 200);
    assert!(scraper.text().await.unwrap().contains("ztd_http_requests"), "not the metrics text");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_are_on_every_response() {
    for https in [false, true] {
        let app = TestApp::spawn_with(Backend::Sqlite, |config| {
            if https {
                config.public_url = "https://ztd.example".into();
            }
        })
        .await
        .unwrap();
        for (method, path) in [
            (Method::GET, "/healthz"),
            (Method::GET, "/api/v1/orgs/me"),
            (Method::GET, "/no/such/route"),
            (Method::DELETE, "/healthz"),
            (Method::GET, "/metrics"),
            (Method::GET, "/sign-in"),
        ] {
            let response = app.request(method.clone(), path, None).send().await.unwrap();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .map(|value| value.to_str().unwrap().to_owned())
                    .unwrap_or_default()
            };
            let what = format!("{method} {path} (https: {https})");
            assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
            assert_eq!(header("x-frame-options"), "DENY", "{what}");
            assert_eq!(header("referrer-policy"), "no-referrer", "{what}");
            let csp = header("content-security-policy");
            assert!(
                csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
                "{what}: {csp}"
            );
            if path == "/sign-in" {
                assert!(csp.contains("form-action 'self'"), "the portal keeps its own CSP: {csp}");
            } else {
                assert_eq!(csp, "default-src 'none'; frame-ancestors 'none'", "{what}");
            }
            let hsts = header("strict-transport-security");
            assert_eq!(hsts, if https { "max-age=31536000" } else { "" }, "{what}");
        }
    }
}

/// PostgreSQL going away under a running server: 503 `unavailable` with Retry-After, and the
/// service answers again once the database is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_answers_503_and_recovers() {
    let Some(app) = TestApp::spawn_with(Backend::Postgres, |config| config.workers = 0).await else { return };
    let admin = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    expect_json(app.get("/api/v1/orgs/me", &admin.key).await, 200).await;

    let (server, name) = app.database_url.rsplit_once('/').unwrap();
    let name = name.split('?').next().unwrap().to_owned();
    let mut console =
        <sqlx::PgConnection as sqlx::Connection>::connect(&format!("{server}/postgres")).await.unwrap();
    let refuse = format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false");
    sqlx::query(&refuse).execute(&mut console).await.unwrap();
    let terminate =
        format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");
    sqlx::query(&terminate).execute(&mut console).await.unwrap();

    for path in ["/api/v1/orgs/me", "/api/v1/api-keys", "/readyz"] {
        let response = app.get(path, &admin.key).await;
        assert_eq!(response.headers().get("retry-after").map(|v| v.to_str().unwrap()), Some("5"), "{path}");
        expect_error(response, 503, "unavailable").await;
    }

    let allow = format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true");
    sqlx::query(&allow).execute(&mut console).await.unwrap();
    expect_json(app.get("/api/v1/orgs/me", &admin.key).await, 200).await;
}

/// The same outage while workers are in the middle of a large batch: every answer during it is
/// a prompt 503 `unavailable` with Retry-After (never a 500, never a hang), the service recovers
/// by itself once the database is back, and the batch then finishes with every device
/// registered exactly once (docs/domain.md#batch-lifecycle).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_during_a_batch_answers_503_and_the_batch_finishes_once() {
    const DEVICES: usize = 6_000;
    // The server's own workers stay off; these run on its database with small chunks and a
    // short lease, so the outage lands mid-batch and the batch is taken up again soon after.
    let Some(app) = TestApp::spawn_with(Backend::Postgres, |config| config.workers = 0).await else { return };
    let shutdown = tokio_util::sync::CancellationToken::new();
    let settings = WorkerSettings {
        workers: 2,
        poll_interval: Duration::from_millis(100),
        lease: Duration::from_secs(2),
        chunk_rows: 200,
        ..WorkerSettings::default()
    };
    let workers = WorkerPool::start(app.db.clone(), settings, BatchWakeup::default(), shutdown.clone());
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let devices = batches_support::devices(1_010, DEVICES);
    let csv = batches_support::partner_center_csv(&devices);
    let query = format!("?group_tag={}", batches_support::STANDARD_TAG);
    let (status, accepted) =
        batches_support::post_csv_batch(&app, &customer.key, customer.id(), &query, csv).await;
    assert_eq!(status, 202, "{accepted}");
    let batch_id = accepted["id"].as_str().unwrap().to_owned();
    let batch_path = format!("/api/v1/device-batches/{batch_id}?limit=1");

    // Cut the database once the workers are a few chunks in.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let state = expect_json(app.get(&batch_path, &customer.key).await, 200).await;
        assert!(state["pending"].as_i64().unwrap() > 0, "finished before the outage: {state}");
        if state["registered"].as_i64().unwrap() >= 400 {
            break;
        }
        assert!(Instant::now() < deadline, "the workers never got going: {state}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (server, name) = app.database_url.rsplit_once('/').unwrap();
    let name = name.split('?').next().unwrap().to_owned();
    let mut console =
        <sqlx::PgConnection as sqlx::Connection>::connect(&format!("{server}/postgres")).await.unwrap();
    sqlx::query(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        .execute(&mut console)
        .await
        .unwrap();
    let terminate =
        format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");
    sqlx::query(&terminate).execute(&mut console).await.unwrap();

    // A second of workers failing against the closed database, then every kind of request.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let small = batches_support::batch_body(
        batches_support::STANDARD_TAG,
        batches_support::json_devices(&batches_support::devices(1_011, 1)),
    );
    let key = Some(customer.key.as_str());
    let requests = [
        ("/readyz", app.request(Method::GET, "/readyz", None)),
        ("the batch", app.request(Method::GET, &batch_path, key)),
        ("devices", app.request(Method::GET, &format!("/api/v1/customers/{}/devices", customer.id()), key)),
        (
            "a new batch",
            app.request(Method::POST, &batches_support::batches_path(customer.id()), key).json(&small),
        ),
    ];
    for (what, request) in requests {
        let started = Instant::now();
        let response = tokio::time::timeout(Duration::from_secs(10), request.send())
            .await
            .unwrap_or_else(|_| panic!("{what}: no answer within 10 s"))
            .expect("an answer");
        assert_eq!(response.headers().get("retry-after").map(|v| v.to_str().unwrap()), Some("5"), "{what}");
        expect_error(response, 503, "unavailable").await;
        assert!(started.elapsed() < Duration::from_secs(10), "{what}");
    }

    // Back: ready again without a restart, and the batch finishes, each device once.
    sqlx::query(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .execute(&mut console)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let response = tokio::time::timeout(Duration::from_secs(10), app.get("/readyz", &customer.key))
            .await
            .expect("/readyz answers within 10 s");
        if response.status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "not ready 20 s after the database came back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let finished = batches_support::wait_finished(&app, &customer.key, &batch_id).await;
    assert_eq!(finished["status"], "finished", "{}", finished["devices"][0]);
    assert_eq!(
        (&finished["total"], &finished["registered"], &finished["failed"], &finished["pending"]),
        (
            &serde_json::json!(DEVICES),
            &serde_json::json!(DEVICES),
            &serde_json::json!(0),
            &serde_json::json!(0)
        )
    );
    let listed = batches_support::list_all(&app, &customer.key, customer.id(), "").await;
    let serials: std::collections::HashSet<&str> =
        listed.iter().map(|device| device["serial_number"].as_str().unwrap()).collect();
    assert_eq!((listed.len(), serials.len()), (DEVICES, DEVICES));
    assert!(devices.iter().all(|device| serials.contains(device.serial_number.as_str())));
    let trail = expect_json(app.get("/api/v1/audit?limit=1000", &customer.key).await, 200).await;
    let finished_events = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["action"] == "device_batch.finished" && event["target_id"] == batch_id.as_str())
        .count();
    assert_eq!(finished_events, 1, "{trail}");
    workers.shutdown().await;
}

ztd_server::both_backends!(api_keys_expire);

/// docs/security.md#api-keys: a key works for the days it was made for (365 by default, at most
/// 730), then gets 401 like a revoked one.
async fn api_keys_expire(app: TestApp) {
    let admin = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let created = expect_json(
        app.post(
            "/api/v1/api-keys",
            &admin.key,
            &serde_json::json!({"name": "factory line 3", "role": "registrar"}),
        )
        .await,
        201,
    )
    .await;
    let expires_at = chrono::DateTime::parse_from_rfc3339(created["expires_at"].as_str().unwrap()).unwrap();
    let days = (expires_at.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours() as f64 / 24.0;
    assert!((364.9..=365.0).contains(&days), "default lifetime {days} days");
    for days in [0, 731] {
        let refused = app
            .post(
                "/api/v1/api-keys",
                &admin.key,
                &serde_json::json!({"name": "x", "role": "reader", "expires_in_days": days}),
            )
            .await;
        expect_error(refused, 422, "invalid_expiry").await;
    }
    let short = expect_json(
        app.post(
            "/api/v1/api-keys",
            &admin.key,
            &serde_json::json!({"name": "one day", "role": "reader", "expires_in_days": 1}),
        )
        .await,
        201,
    )
    .await;
    let key = short["key"].as_str().unwrap();
    expect_json(app.get("/api/v1/orgs/me", key).await, 200).await;

    // A day later (the clock moved by rewriting the expiry, as time would).
    let id: uuid::Uuid = short["id"].as_str().unwrap().parse().unwrap();
    let listed = expect_json(app.get("/api/v1/api-keys", &admin.key).await, 200).await;
    assert!(listed.as_array().unwrap().iter().any(|k| k["id"] == short["id"] && k["expires_at"].is_string()));
    let stored = app.db.find_api_key_by_hash(&ztd_server::auth::hash_token(key)).await.unwrap();
    assert_eq!(stored.id, id);
    expire_api_key(&app, id).await;
    expect_error(app.get("/api/v1/orgs/me", key).await, 401, "unauthenticated").await;
    // The admin's own key, made without a lifetime given, still works.
    expect_json(app.get("/api/v1/orgs/me", &admin.key).await, 200).await;
}

/// Moves a key's expiry into the past, straight in the test's database.
async fn expire_api_key(app: &TestApp, id: uuid::Uuid) {
    let past = chrono::Utc::now() - chrono::Duration::seconds(1);
    match app.backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
            sqlx::query("UPDATE api_keys SET expires_at = $1 WHERE id = $2")
                .bind(past)
                .bind(id)
                .execute(&pool)
                .await
                .unwrap();
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(&app.database_url).await.unwrap();
            sqlx::query("UPDATE api_keys SET expires_at = $1 WHERE id = $2")
                .bind(past)
                .bind(id)
                .execute(&pool)
                .await
                .unwrap();
        }
    }
}

//! Test support (feature `testing`), shared by this crate's conformance suite and the server's
//! integration tests: a fresh PostgreSQL database per test, a SQLite file in a temp directory.

use std::io::Write;
use std::sync::Arc;

use sqlx::{Connection, PgConnection};

use crate::{Database, SqliteDatabase};

/// Where the test PostgreSQL server is unless `ZTD_TEST_POSTGRES_URL` says otherwise.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

fn admin_url() -> String {
    std::env::var("ZTD_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned())
}

/// `url` with its database name replaced.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match base.rfind('/') {
        Some(slash) if slash > "postgres://".len() => &base[..slash],
        _ => base,
    };
    match query {
        Some(query) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}

/// Creates an empty database `ztd_test_<random>` on the test server and returns its URL.
///
/// When the server is unreachable: with `CI=true` this panics (the suite must not pass without
/// PostgreSQL in CI); otherwise it prints a loud SKIPPED line and returns `None`.
pub async fn fresh_postgres_url() -> Option<String> {
    let admin = admin_url();
    let mut conn = match PgConnection::connect(&admin).await {
        Ok(conn) => conn,
        Err(err) => {
            if std::env::var("CI").is_ok_and(|ci| ci == "true") {
                panic!("PostgreSQL not reachable at {admin} (CI=true requires it): {err}");
            }
            // Straight to stderr: the test harness captures `eprintln!` of passing tests.
            let _ = writeln!(std::io::stderr(), "SKIPPED: PostgreSQL not reachable at {admin}: {err}");
            return None;
        }
    };
    let name = format!("ztd_test_{}", uuid::Uuid::new_v4().simple());
    if let Err(err) = sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await {
        panic!("cannot create test database {name} at {admin}: {err}");
    }
    let _ = conn.close().await;
    Some(with_database(&admin, &name))
}

/// Drops a database made by [`fresh_postgres_url`]; best effort (a failed test may leave one).
pub async fn drop_postgres_database(url: &str) {
    let Some(name) = url.split('?').next().and_then(|base| base.rsplit('/').next()) else { return };
    if !name.starts_with("ztd_test_") {
        return;
    }
    if let Ok(mut conn) = PgConnection::connect(&admin_url()).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
        let _ = conn.close().await;
    }
}

/// A migrated SQLite database in a temporary directory, removed when dropped.
pub struct TempSqlite {
    pub db: Arc<SqliteDatabase>,
    /// A `sqlite:` URL of the file, for code that connects by itself (e.g. a server under test).
    pub url: String,
    _dir: tempfile::TempDir,
}

impl TempSqlite {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().expect("create a temp directory");
        let path = dir.path().join("ztd.db");
        let url = format!("sqlite:{}", path.display());
        let db = SqliteDatabase::connect(&url).await.expect("open the temp SQLite database");
        Self { db: Arc::new(db), url, _dir: dir }
    }

    pub fn database(&self) -> Arc<dyn Database> {
        self.db.clone()
    }
}

/// Where the test Redis is unless `ZTD_TEST_REDIS_URL` says otherwise.
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";

/// The test Redis's URL, once it answered a `PING`. Unreachable: with `CI=true` this panics;
/// otherwise it prints a loud SKIPPED line and returns `None` (as [`fresh_postgres_url`]).
pub async fn redis_url() -> Option<String> {
    let url = std::env::var("ZTD_TEST_REDIS_URL").unwrap_or_else(|_| DEFAULT_REDIS_URL.to_owned());
    match crate::RedisRateLimits::connect(&url, "").await {
        Ok(_) => Some(url),
        Err(err) => {
            if std::env::var("CI").is_ok_and(|ci| ci == "true") {
                panic!("Redis not reachable at {url} (CI=true requires it): {err}");
            }
            let _ = writeln!(std::io::stderr(), "SKIPPED: Redis not reachable at {url}: {err}");
            None
        }
    }
}

/// A key prefix no other test uses, for tests sharing one Redis.
pub fn unique_redis_prefix() -> String {
    format!("ztd-test-{}:", uuid::Uuid::new_v4().simple())
}

//! `ztd_storage::copy` (docs/operations.md#copy-database) on real databases: every table and
//! every kind of value survives SQLite → PostgreSQL → SQLite with the same checksums; new rows
//! after a copy into PostgreSQL do not collide with copied ids; a target that holds rows is
//! refused; a changed row is caught by the checksum and named; a writer waiting for the
//! copy's lock on SQLite gets `Unavailable` (503 in `ztd serve`), not an internal error.

use std::time::Duration;

use ztd_storage::copy::{self, CopyError, Phase, Quiet, Role, Side, TABLES};
use ztd_storage::testing::{drop_postgres_database, fresh_postgres_url, TempSqlite};
use ztd_storage::{Database, PostgresDatabase, SqliteDatabase, StorageError};

/// One row or more in every table, with the values that differ between the backends: NULLs,
/// nanosecond times, JSON with keys out of order, booleans, a date, non-ASCII text, `integer`
/// and `bigint` columns, ids as BLOBs.
const FIXTURE: &str = r#"
INSERT INTO organisations VALUES
  (X'00000000000000000000000000000001', 'partner', 'Fabrikam', NULL, '2026-12-01T10:00:00.123456789+00:00'),
  (X'00000000000000000000000000000002', 'customer', 'Contoso — Zürich', 'contoso.example', '2026-12-01T10:00:01+00:00');
INSERT INTO users (id, org_id, email, role, password_hash, must_change_password, created_at, disabled_at, one_time_password_expires_at, language) VALUES
  (X'00000000000000000000000000000011', X'00000000000000000000000000000002', 'Admin@Contoso.example', 'admin', '$argon2id$v=19$x', 1, '2026-12-01T10:00:02.5+00:00', NULL, '2026-12-08T10:00:02.5+00:00', 'da');
INSERT INTO api_keys (id, org_id, name, role, key_hash, created_at, revoked_at, expires_at) VALUES
  (X'00000000000000000000000000000021', X'00000000000000000000000000000001', 'factory', 'registrar', 'hash-a', '2026-12-01T10:00:03+00:00', NULL, '2027-12-01T10:00:03+00:00'),
  (X'00000000000000000000000000000022', X'00000000000000000000000000000001', 'old', 'reader', 'hash-b', '2026-12-01T10:00:03+00:00', '2026-12-01T11:00:00+00:00', NULL);
INSERT INTO sessions VALUES
  ('b-token', X'00000000000000000000000000000011', 'csrf', '2026-12-01T10:00:04+00:00', '2026-12-02T10:00:04+00:00'),
  ('B-token', X'00000000000000000000000000000011', 'csrf2', '2026-12-01T10:00:04+00:00', '2026-12-02T10:00:04+00:00'),
  ('a-token', X'00000000000000000000000000000011', 'csrf3', '2026-12-01T10:00:04+00:00', '2026-12-02T10:00:04+00:00');
INSERT INTO invitations VALUES
  (X'00000000000000000000000000000031', 'inv-hash', X'00000000000000000000000000000001', 'csp', X'00000000000000000000000000000002', 0, '2026-12-01T10:00:05+00:00', '2026-12-08T10:00:05+00:00', NULL, 1),
  (X'00000000000000000000000000000032', 'open-hash', X'00000000000000000000000000000001', 'csp', NULL, 1, '2026-12-01T10:00:05+00:00', '2026-12-08T10:00:05+00:00', NULL, 0);
INSERT INTO relationships VALUES
  (X'00000000000000000000000000000041', X'00000000000000000000000000000001', X'00000000000000000000000000000002', 'csp', X'00000000000000000000000000000031', X'00000000000000000000000000000011', 'review', '2026-12-01T10:00:06+00:00', NULL, NULL);
INSERT INTO profiles VALUES
  (X'00000000000000000000000000000051', X'00000000000000000000000000000002', 'Kiosk', 'Kiosk_', '{"z":1,"a":{"y":[1,2.5,"x"],"b":null},"m":true}', 0, '2026-12-01T10:00:07+00:00', '2026-12-01T10:00:07+00:00');
INSERT INTO batches (id, customer_id, submitted_by_org_id, actor_kind, actor_id, status, default_group_tag, allow_unknown_tags, idempotency_key, total, registered, unassigned, failed, created_at, started_at, finished_at, locked_by, lease_until, receiving, received_at, order_number, purchase_order, ship_date, decided_at, decided_by_id, rejection_reason, voided_at, file_name) VALUES
  (X'00000000000000000000000000000061', X'00000000000000000000000000000002', X'00000000000000000000000000000001', 'api_key', X'00000000000000000000000000000021', 'finished_with_errors', 'Kiosk_', 0, 'order-1', 3, 2, 0, 1, '2026-12-01T10:00:08+00:00', '2026-12-01T10:00:09+00:00', '2026-12-01T10:00:10+00:00', NULL, NULL, 0, '2026-12-01T10:00:08+00:00', 'SO-1', 'PO-1', '2026-12-24', NULL, NULL, NULL, NULL, 'devices.csv');
INSERT INTO batch_items VALUES
  (X'00000000000000000000000000000061', 1, 'registered', X'00000000000000000000000000000071', NULL, NULL, NULL),
  (X'00000000000000000000000000000061', 2, 'registered', X'00000000000000000000000000000072', NULL, NULL, NULL),
  (X'00000000000000000000000000000061', 3, 'failed', NULL, 'invalid_hardware_hash', 'the hash is not base64', 'copy it again');
INSERT INTO batch_item_inputs VALUES
  (X'00000000000000000000000000000061', 1, '{"serial_number":"S1","group_tag":"Kiosk_"}'),
  (X'00000000000000000000000000000061', 2, '{ "serial_number" : "S2" }'),
  (X'00000000000000000000000000000061', 3, '{"serial_number":"S3","hardware_hash":"%%%"}');
INSERT INTO devices (seq, id, customer_id, registered_by_org_id, batch_id, state, serial_number, product_key_id, manufacturer, model, group_tag, profile_id, assigned_user, tuple_key, pkid_key, hash_key, verified, created_at, updated_at, activated_at, deregistered_at) VALUES
  (7, X'00000000000000000000000000000071', X'00000000000000000000000000000002', X'00000000000000000000000000000001', X'00000000000000000000000000000061', 'active', 'S1', NULL, 'Contoso', 'Laptop 7', 'Kiosk_', X'00000000000000000000000000000051', NULL, 't1', NULL, 'h1', 1, '2026-12-01T10:00:09.000000001+00:00', '2026-12-01T10:00:11+00:00', '2026-12-01T10:00:11+00:00', NULL),
  (9, X'00000000000000000000000000000072', X'00000000000000000000000000000002', X'00000000000000000000000000000001', X'00000000000000000000000000000061', 'deregistered', 'S2', '123', 'Contoso', 'Laptop 7', NULL, NULL, 'user@contoso.example', 't2', 'p2', NULL, 0, '2026-12-01T10:00:09+00:00', '2026-12-01T10:00:12+00:00', NULL, '2026-12-01T10:00:12+00:00');
INSERT INTO device_hashes VALUES (X'00000000000000000000000000000071', 'T0FBQUFB');
INSERT INTO release_requests VALUES
  (X'00000000000000000000000000000081', X'00000000000000000000000000000001', 'user', NULL, X'00000000000000000000000000000071', X'00000000000000000000000000000002', 'pending', '2026-12-01T10:00:13+00:00', NULL, NULL);
INSERT INTO audit_events (seq, at, request_id, actor_kind, actor_id, actor_org_id, tenant_org_id, action, target_type, target_id, details) VALUES
  (3, '2026-12-01T10:00:14.999999999+00:00', 'req-1', 'operator', NULL, NULL, X'00000000000000000000000000000002', 'org.create', 'organisation', '00000000-0000-0000-0000-000000000002', '{"name":"Contoso","kind":"customer"}'),
  (40, '2026-12-01T10:00:15+00:00', NULL, 'device', NULL, NULL, X'00000000000000000000000000000002', 'device.activate', 'device', '00000000-0000-0000-0000-000000000071', '{}');
INSERT INTO webhooks VALUES
  (X'00000000000000000000000000000091', X'00000000000000000000000000000001', 'https://hooks.example/ztd', 'whsec_x', ',batch.finished,', '2026-12-01T10:00:16+00:00', 'api_key:factory', NULL);
INSERT INTO webhook_deliveries VALUES
  (X'000000000000000000000000000000a1', X'00000000000000000000000000000091', X'00000000000000000000000000000001', X'000000000000000000000000000000b1', 'batch.finished', '2026-12-01T10:00:10+00:00', '{"batch":{"id":"x","failed":1}}', 'pending', 2, '2026-12-01T10:05:00+00:00', NULL, NULL, 503, 'Service Unavailable', '2026-12-01T10:00:10+00:00', NULL);
INSERT INTO webhook_attempts VALUES
  (X'000000000000000000000000000000a1', 1, '2026-12-01T10:00:11+00:00', 503, NULL, 'busy', 120, '2026-12-01T10:01:00+00:00'),
  (X'000000000000000000000000000000a1', 2, '2026-12-01T10:01:01+00:00', NULL, 'connection refused', NULL, 5000, '2026-12-01T10:05:00+00:00');
"#;

/// More rows than one chunk in a table with a two-column key and in one with a text key whose
/// values differ in case (PostgreSQL's default collation would order them differently from
/// SQLite; the copy reads both in byte order, or keyset paging would skip or repeat rows).
const MANY_ROWS: &str = r#"
WITH RECURSIVE n(i) AS (SELECT 4 UNION ALL SELECT i + 1 FROM n WHERE i < 2600)
INSERT INTO batch_items SELECT X'00000000000000000000000000000061', i, 'pending', NULL, NULL, NULL, NULL FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
INSERT INTO sessions SELECT CASE WHEN i % 3 = 0 THEN lower(hex(randomblob(6))) WHEN i % 3 = 1 THEN hex(randomblob(6)) ELSE '_' || hex(randomblob(6)) END,
    X'00000000000000000000000000000011', 'c', '2026-12-01T10:00:04+00:00', '2026-12-02T10:00:04+00:00' FROM n;
"#;

async fn filled_sqlite() -> TempSqlite {
    let temp = TempSqlite::new().await;
    sqlx::raw_sql(FIXTURE).execute(temp.db.pool()).await.expect("the fixture fits the schema");
    temp
}

fn sqlite_side(temp: &TempSqlite) -> Side {
    temp.db.copy_side()
}

async fn sums(side: &Side) -> Vec<copy::TableSum> {
    side.checksums(Role::Source, Phase::Verify, &mut Quiet).await.expect("checksums")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_table_survives_sqlite_to_sqlite() {
    let source = filled_sqlite().await;
    let target = TempSqlite::new().await;
    let report =
        copy::copy_database(&sqlite_side(&source), &sqlite_side(&target), &mut Quiet).await.expect("copy");
    assert_eq!(report.tables.len(), TABLES.len());
    assert!(report.tables.iter().all(|t| t.rows > 0), "the fixture fills every table: {report:?}");
    assert_eq!(sums(&sqlite_side(&source)).await, sums(&sqlite_side(&target)).await);
    // SQLite keeps its nanoseconds when it is on both sides.
    let at: String = sqlx::query_scalar("SELECT created_at FROM organisations ORDER BY id LIMIT 1")
        .fetch_one(target.db.pool())
        .await
        .unwrap();
    assert_eq!(at, "2026-12-01T10:00:00.123456789+00:00");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_table_survives_sqlite_to_postgres_and_back() {
    let Some(url) = fresh_postgres_url().await else { return };
    let source = filled_sqlite().await;
    sqlx::raw_sql(MANY_ROWS).execute(source.db.pool()).await.expect("more rows");
    let postgres = PostgresDatabase::connect(&url).await.expect("connect");
    let report =
        copy::copy_database(&sqlite_side(&source), &postgres.copy_side(), &mut Quiet).await.expect("copy");
    assert_eq!((report.source_backend, report.target_backend), ("sqlite", "postgres"));
    let rows = |table: &str| report.tables.iter().find(|t| t.table == table).map(|t| t.rows);
    assert_eq!((rows("batch_items"), rows("sessions")), (Some(2600), Some(2503)));
    assert_eq!(sums(&sqlite_side(&source)).await, sums(&postgres.copy_side()).await);

    // The identities continue after the copied values.
    let pool = postgres.pool();
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO audit_events (at, actor_kind, action, target_type, details) \
         VALUES (now(), 'system', 'test', 'none', '{}') RETURNING seq",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(seq, 41);
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO devices (id, customer_id, registered_by_org_id, state, verified, created_at, updated_at) \
         VALUES (gen_random_uuid(), '00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001', \
         'unassigned', false, now(), now()) RETURNING seq",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(seq, 10);
    sqlx::query("DELETE FROM audit_events WHERE seq = 41").execute(pool).await.unwrap();
    sqlx::query("DELETE FROM devices WHERE seq = 10").execute(pool).await.unwrap();

    // And back: PostgreSQL → a new SQLite file reads as the first.
    let back = TempSqlite::new().await;
    copy::copy_database(&postgres.copy_side(), &sqlite_side(&back), &mut Quiet).await.expect("copy back");
    assert_eq!(sums(&sqlite_side(&source)).await, sums(&sqlite_side(&back)).await);
    let next: i64 = sqlx::query_scalar(
        "INSERT INTO audit_events (at, actor_kind, action, target_type, details) \
         VALUES ('2026-12-02T00:00:00+00:00', 'system', 'test', 'none', '{}') RETURNING seq",
    )
    .fetch_one(back.db.pool())
    .await
    .unwrap();
    assert_eq!(next, 41);

    pool.close().await;
    drop_postgres_database(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_with_rows_is_refused_and_left_as_it_was() {
    let source = filled_sqlite().await;
    let target = TempSqlite::new().await;
    sqlx::query("INSERT INTO organisations VALUES (randomblob(16), 'customer', 'Already here', NULL, '2026-01-01T00:00:00+00:00')")
        .execute(target.db.pool())
        .await
        .unwrap();
    let before = sums(&sqlite_side(&target)).await;
    let error =
        copy::copy_database(&sqlite_side(&source), &sqlite_side(&target), &mut Quiet).await.unwrap_err();
    assert!(matches!(error, CopyError::TargetNotEmpty { table: "organisations", rows: 1 }), "{error}");
    assert_eq!(error.to_string(), "the target database is not empty: table organisations has 1 rows");
    assert_eq!(sums(&sqlite_side(&target)).await, before);

    let empty = TempSqlite::new().await;
    let error =
        copy::copy_database(&sqlite_side(&empty), &sqlite_side(&target), &mut Quiet).await.unwrap_err();
    assert!(matches!(error, CopyError::TargetNotEmpty { .. }), "{error}");
    let fresh = TempSqlite::new().await;
    let error =
        copy::copy_database(&sqlite_side(&empty), &sqlite_side(&fresh), &mut Quiet).await.unwrap_err();
    assert!(matches!(error, CopyError::SourceEmpty), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checksum_names_a_table_that_differs() {
    let source = filled_sqlite().await;
    let target = TempSqlite::new().await;
    copy::copy_database(&sqlite_side(&source), &sqlite_side(&target), &mut Quiet).await.expect("copy");
    let pool = target.db.pool();
    for (change, table) in [
        ("UPDATE devices SET model = 'Laptop 8' WHERE seq = 9", "devices"),
        ("UPDATE webhook_attempts SET duration_ms = 121 WHERE attempt = 1", "webhook_attempts"),
        ("UPDATE profiles SET settings = '{\"z\":1}'", "profiles"),
        ("DELETE FROM sessions WHERE token_hash = 'B-token'", "sessions"),
    ] {
        let copy = TempSqlite::new().await;
        copy::copy_database(&sqlite_side(&target), &sqlite_side(&copy), &mut Quiet).await.expect("copy");
        sqlx::query(change).execute(copy.db.pool()).await.unwrap();
        let error =
            copy::compare(&sums(&sqlite_side(&source)).await, &sums(&sqlite_side(&copy)).await).unwrap_err();
        match &error {
            CopyError::Mismatch { table: named, .. } => assert_eq!(named, &table, "{error}"),
            other => panic!("{change}: {other}"),
        }
        assert!(error.to_string().contains(&format!("verification failed for table {table}")), "{error}");
    }
    assert!(copy::compare(&sums(&sqlite_side(&source)).await, &sums(&sqlite_side(&target)).await).is_ok());
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_writer_held_off_by_the_copy_is_unavailable_not_failed() {
    let temp = filled_sqlite().await;
    let other = SqliteDatabase::connect(&temp.url).await.expect("a second process's pool");
    // What the copy's source transaction takes: the write lock, readers still served.
    let mut held = temp.db.pool().begin_with("BEGIN IMMEDIATE").await.unwrap();
    sqlx::query("SELECT COUNT(*) FROM devices").execute(&mut *held).await.unwrap();
    let read: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM devices").fetch_one(other.pool()).await.unwrap();
    assert_eq!(read, 2, "readers go on");
    let started = std::time::Instant::now();
    let error = sqlx::query("UPDATE devices SET model = 'x'").execute(other.pool()).await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_secs(4), "the writer waited its busy timeout");
    assert!(matches!(StorageError::from(error), StorageError::Unavailable(_)));
    held.rollback().await.unwrap();
    assert!(other.ping().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_additive_migration_is_tolerated_and_an_unready_contract_refused() {
    let temp = TempSqlite::new().await;
    let pool = temp.db.pool();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES (9001, 'add device colour', '2026-12-02 00:00:00', 1, X'00', 1)",
    )
    .execute(pool)
    .await
    .unwrap();
    SqliteDatabase::connect(&temp.url).await.expect("a newer expand migration lets this build start");
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES (9002, 'contract 9001 drop devices model', '2026-12-02 00:00:00', 1, X'00', 1)",
    )
    .execute(pool)
    .await
    .unwrap();
    let error = SqliteDatabase::connect(&temp.url).await.unwrap_err();
    assert!(matches!(error, StorageError::SchemaTooNew(_)), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("migration 9002 (contract 9001 drop devices model)") && message.contains("9001"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_additive_migration_is_tolerated_on_postgres() {
    let Some(url) = fresh_postgres_url().await else { return };
    let db = PostgresDatabase::connect(&url).await.expect("connect");
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES (9001, 'add device colour', now(), true, '\\x00', 1)",
    )
    .execute(db.pool())
    .await
    .unwrap();
    sqlx::query("ALTER TABLE devices ADD COLUMN colour text").execute(db.pool()).await.unwrap();
    let again = PostgresDatabase::connect(&url).await.expect("starts beside an expand migration");
    // The copy, though, refuses a schema it does not know, naming the column.
    let target = TempSqlite::new().await;
    let error = copy::copy_database(&again.copy_side(), &sqlite_side(&target), &mut Quiet).await.unwrap_err();
    assert!(error.to_string().contains("devices has a column colour"), "{error}");
    db.pool().close().await;
    again.pool().close().await;
    drop_postgres_database(&url).await;
}

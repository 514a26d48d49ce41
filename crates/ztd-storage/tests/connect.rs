//! Opening databases: URL forms, missing directories, backend choice.

use chrono::Utc;
use uuid::Uuid;
use ztd_storage::*;

fn audit() -> NewAuditEvent {
    NewAuditEvent {
        request_id: None,
        actor_kind: ActorKind::Operator,
        actor_id: None,
        actor_org_id: None,
        tenant_org_id: None,
        action: "org.create".into(),
        target_type: "organisation".into(),
        target_id: None,
        details: serde_json::json!({}),
    }
}

async fn round_trip(db: &dyn Database) {
    let org = Organisation {
        id: Uuid::new_v4(),
        kind: OrgKind::Partner,
        name: "P".into(),
        domain: None,
        created_at: Utc::now(),
    };
    db.create_org(&org, None, &[audit()]).await.expect("create org");
    assert_eq!(db.get_org(org.id).await.expect("read back").id, org.id);
}

#[tokio::test]
async fn plain_path_creates_missing_directories() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/deeper/ztd.db");
    let db = SqliteDatabase::connect(path.to_str().unwrap()).await.expect("connect by path");
    round_trip(&db).await;
    assert!(path.exists());
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(db.pool()).await.unwrap();
    assert_eq!(mode, "wal");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(db.pool()).await.unwrap();
    assert_eq!(foreign_keys, 1);
}

#[tokio::test]
async fn reopening_keeps_data_and_migrations_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ztd.db").display());
    let first = connect_any(&url).await.expect("first open");
    assert_eq!(first.backend(), "sqlite");
    round_trip(first.as_ref()).await;
    drop(first);
    let again = connect_any(&url).await.expect("second open");
    assert_eq!(again.list_orgs().await.unwrap().len(), 1);
}

#[tokio::test]
async fn in_memory_database_is_one_database() {
    let db = connect_any("sqlite::memory:").await.expect("in memory");
    round_trip(db.as_ref()).await;
    // Many concurrent reads must all see the same (single) in-memory database.
    let counts = concurrent_org_counts(db.clone()).await;
    assert!(counts.iter().all(|&c| c == 1), "{counts:?}");
}

async fn concurrent_org_counts(db: std::sync::Arc<dyn Database>) -> Vec<usize> {
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move { db.list_orgs().await.unwrap().len() }));
    }
    let mut counts = Vec::new();
    for task in tasks {
        counts.push(task.await.unwrap());
    }
    counts
}

#[tokio::test]
async fn postgres_urls_pick_postgres() {
    let Some(url) = ztd_storage::testing::fresh_postgres_url().await else { return };
    let db = connect_any(&url).await.expect("connect");
    assert_eq!(db.backend(), "postgres");
    round_trip(db.as_ref()).await;
    drop(db);
    ztd_storage::testing::drop_postgres_database(&url).await;
}

/// A database written by an earlier version (migrations up to 0005, hash in the middle of the
/// device row) keeps every device, column for column, through the rebuild that moves the hash
/// last (0006).
#[tokio::test]
async fn sqlite_devices_survive_the_hash_last_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let mut earlier = sqlx::migrate!("migrations/sqlite");
        let before: Vec<_> = earlier.migrations.iter().filter(|m| m.version < 6).cloned().collect();
        assert_eq!(before.len(), 5, "the migrations before the rebuild");
        earlier.migrations = std::borrow::Cow::Owned(before);
        earlier.run(&pool).await.unwrap();
        let customer = Uuid::new_v4();
        sqlx::query("INSERT INTO organisations (id, kind, name, domain, created_at) VALUES ($1, 'customer', 'C', NULL, $2)")
            .bind(customer)
            .bind(Utc::now())
            .execute(&pool)
            .await
            .unwrap();
        for (seq, serial) in [(7_i64, "OLD-1"), (9, "OLD-2")] {
            sqlx::query(
                "INSERT INTO devices (seq, id, customer_id, registered_by_org_id, state, serial_number, \
                 hardware_hash, manufacturer, model, tuple_key, hash_key, created_at, updated_at) \
                 VALUES ($1, $2, $3, $3, 'unassigned', $4, $5, 'Contoso', 'Laptop 7', $6, $7, $8, $8)",
            )
            .bind(seq)
            .bind(Uuid::new_v4())
            .bind(customer)
            .bind(serial)
            .bind("H".repeat(5_000) + serial)
            .bind(format!("Contoso|Laptop 7|{serial}"))
            .bind(format!("uuid|{serial}"))
            .bind(Utc::now())
            .execute(&pool)
            .await
            .unwrap();
        }
        pool.close().await;
    }
    let db = SqliteDatabase::connect(&url).await.expect("migrate the old database");
    let last: String =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('devices') ORDER BY cid DESC LIMIT 1")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(last, "hardware_hash");
    let rows: Vec<(i64, String, String, Option<String>)> =
        sqlx::query_as("SELECT seq, serial_number, hardware_hash, tuple_key FROM devices ORDER BY seq")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].0, rows[0].1.as_str()), (7, "OLD-1"));
    assert_eq!((rows[1].0, rows[1].1.as_str()), (9, "OLD-2"));
    assert_eq!(rows[1].2, "H".repeat(5_000) + "OLD-2");
    assert_eq!(rows[0].3.as_deref(), Some("Contoso|Laptop 7|OLD-1"));
    // The unique identity indexes came back: the same key cannot be live twice.
    let again = sqlx::query(
        "INSERT INTO devices (id, customer_id, registered_by_org_id, state, hash_key, created_at, updated_at) \
         SELECT $1, customer_id, customer_id, 'unassigned', hash_key, created_at, updated_at FROM devices WHERE seq = 7",
    )
    .bind(Uuid::new_v4())
    .execute(db.pool())
    .await;
    assert!(again.is_err(), "devices_live_hash is missing after the rebuild");
    let found = db.find_first_boot(None, None, Some("uuid|OLD-2")).await.unwrap().expect("found by its key");
    assert_eq!(found.serial_number.as_deref(), Some("OLD-2"));
}

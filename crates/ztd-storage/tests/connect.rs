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

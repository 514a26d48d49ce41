//! Measures the registration hot path of the storage layer against a plain bulk load.
//!
//! `cargo run --release -p ztd-storage --example bulk_load -- [ROWS]` (default 100,000) loads
//! ROWS devices with 4,000-character hashes through `create_batch` + `process_chunk` (5,000 rows a
//! chunk, as the server's workers do) on SQLite and on PostgreSQL (when reachable), and the same
//! rows with `sqlite3 .import` / `COPY` into a table with the same unique indexes, and prints
//! both and their ratio.

use std::io::Write;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use sqlx::postgres::PgPoolCopyExt;
use uuid::Uuid;
use ztd_storage::testing::{drop_postgres_database, fresh_postgres_url, TempSqlite};
use ztd_storage::*;

const CHUNK_ROWS: u32 = 5_000;
const HASH_CHARS: usize = 4000;

/// The baseline table: the device columns that carry data, with the same unique indexes.
const BASELINE_TABLE: &str =
    "CREATE TABLE baseline (serial_number TEXT, hardware_hash TEXT, manufacturer TEXT, \
     model TEXT, tuple_key TEXT, hash_key TEXT, state TEXT NOT NULL);
     CREATE UNIQUE INDEX baseline_tuple ON baseline (tuple_key) WHERE state <> 'deregistered';
     CREATE UNIQUE INDEX baseline_hash ON baseline (hash_key) WHERE state <> 'deregistered';
     CREATE UNIQUE INDEX baseline_pkid ON baseline (serial_number) WHERE state <> 'deregistered';";

struct Row {
    serial: String,
    hash: String,
}

fn rows(count: usize) -> Vec<Row> {
    (0..count)
        .map(|i| {
            let serial = format!("BENCH{i:09}");
            // Distinct, base64-looking text of a real hash's length.
            let seed = format!("{serial}{}", Uuid::new_v4().simple());
            let hash = seed.chars().cycle().take(HASH_CHARS).collect();
            Row { serial, hash }
        })
        .collect()
}

fn csv(rows: &[Row]) -> String {
    let mut out = String::with_capacity(rows.len() * (HASH_CHARS + 120));
    for row in rows {
        let s = &row.serial;
        out.push_str(&format!(
            "{s},{},Contoso,Laptop 7,Contoso|Laptop 7|{s},uuid|{s},registered\n",
            row.hash
        ));
    }
    out
}

fn new_device(row: &Row) -> NewDevice {
    let s = &row.serial;
    NewDevice {
        serial_number: Some(s.clone()),
        product_key_id: None,
        hardware_hash: Some(row.hash.clone()),
        manufacturer: Some("Contoso".into()),
        model: Some("Laptop 7".into()),
        group_tag: None,
        profile_id: None,
        assigned_user: None,
        tuple_key: Some(format!("Contoso|Laptop 7|{s}")),
        pkid_key: None,
        hash_key: Some(format!("uuid|{s}")),
    }
}

fn audit(action: &str) -> NewAuditEvent {
    NewAuditEvent {
        request_id: None,
        actor_kind: ActorKind::System,
        actor_id: None,
        actor_org_id: None,
        tenant_org_id: None,
        action: action.into(),
        target_type: "bench".into(),
        target_id: None,
        details: serde_json::json!({}),
    }
}

/// Time spent in each step of the storage path.
struct Timings {
    create_batch: Duration,
    pending_items: Duration,
    process_chunk: Duration,
}

/// Runs the whole storage path, as a server worker drives it.
async fn storage_path(db: Arc<dyn Database>, rows: &[Row]) -> Timings {
    let customer = Organisation {
        id: Uuid::new_v4(),
        kind: OrgKind::Customer,
        name: "Bench".into(),
        domain: None,
        created_at: Utc::now(),
    };
    db.create_org(&customer, None, &[audit("org.create")]).await.expect("org");
    let batch = Batch {
        id: Uuid::new_v4(),
        customer_id: customer.id,
        submitted_by_org_id: customer.id,
        actor_kind: ActorKind::System,
        actor_id: None,
        status: BatchStatus::Queued,
        default_group_tag: None,
        allow_unknown_tags: true,
        idempotency_key: None,
        total: rows.len() as i64,
        registered: 0,
        unassigned: 0,
        failed: 0,
        created_at: Utc::now(),
        started_at: None,
        finished_at: None,
        order: Default::default(),
        decided_at: None,
        decided_by_id: None,
        rejection_reason: None,
        voided_at: None,
        file_name: None,
    };
    let items: Vec<BatchItem> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| BatchItem {
            batch_id: batch.id,
            row: i as i64 + 1,
            input: serde_json::json!({ "serial_number": row.serial, "hardware_hash": row.hash }),
            status: ItemStatus::Pending,
            device_id: None,
            error: None,
        })
        .collect();

    let started = Instant::now();
    db.create_batch(&batch, &items, &audit("batch.create")).await.expect("create batch");
    let create_batch = started.elapsed();

    let mut pending_items = Duration::ZERO;
    let mut process_chunk = Duration::ZERO;
    let lease = || Utc::now() + chrono::Duration::seconds(30);
    let batch = db.claim_batch("bench", Utc::now(), lease()).await.expect("claim").expect("a queued batch");
    loop {
        let started = Instant::now();
        let pending = db.pending_items(batch.id, CHUNK_ROWS).await.expect("pending");
        pending_items += started.elapsed();
        if pending.is_empty() {
            break;
        }
        let chunk: Vec<ChunkItem> = pending
            .iter()
            .map(|item| ChunkItem::Register {
                row: item.row,
                device: new_device(&rows[item.row as usize - 1]),
                unassigned: true,
            })
            .collect();
        let started = Instant::now();
        db.process_chunk(&batch, &chunk, lease()).await.expect("chunk");
        process_chunk += started.elapsed();
    }
    let finished = db.finish_batch(batch.id, Utc::now(), &audit("batch.finish")).await.expect("finish");
    assert_eq!(finished.unassigned, rows.len() as i64, "every row registered");
    Timings { create_batch, pending_items, process_chunk }
}

fn report(backend: &str, rows: usize, baseline: Duration, timings: Timings) {
    let total = timings.create_batch + timings.pending_items + timings.process_chunk;
    let per_second = |d: Duration| rows as f64 / d.as_secs_f64();
    let line = |label: &str, d: Duration| {
        println!("  {label:<26}{:>8.2} s {:>9.0} rows/s", d.as_secs_f64(), per_second(d));
    };
    println!("{backend}: {rows} rows");
    line("baseline bulk load", baseline);
    line("create_batch (items)", timings.create_batch);
    line("pending_items (read back)", timings.pending_items);
    line("process_chunk (devices)", timings.process_chunk);
    line("whole storage path", total);
    println!(
        "  ratio to baseline: whole path {:.2}x, process_chunk alone {:.2}x",
        total.as_secs_f64() / baseline.as_secs_f64(),
        timings.process_chunk.as_secs_f64() / baseline.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let count: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let rows = rows(count);
    let csv = csv(&rows);

    // SQLite: `.import` into a fresh file with the same pragmas (WAL, synchronous=NORMAL).
    let dir = tempfile::tempdir().expect("temp dir");
    let csv_path = dir.path().join("rows.csv");
    std::fs::File::create(&csv_path).and_then(|mut f| f.write_all(csv.as_bytes())).expect("write csv");
    let baseline_db = dir.path().join("baseline.db");
    let script = format!(
        "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n{BASELINE_TABLE}\n.mode csv\n.import {} baseline\n",
        csv_path.display()
    );
    let started = Instant::now();
    let status = Command::new("sqlite3")
        .arg(&baseline_db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().expect("stdin").write_all(script.as_bytes())?;
            child.wait()
        });
    let sqlite_baseline = started.elapsed();
    match status {
        Ok(status) if status.success() => {
            let temp = TempSqlite::new().await;
            report("sqlite", count, sqlite_baseline, storage_path(temp.database(), &rows).await);
        }
        other => eprintln!("sqlite3 CLI unavailable ({other:?}); SQLite comparison skipped"),
    }

    // PostgreSQL: COPY into a table with the same indexes, then the storage path, each in a
    // fresh database.
    let Some(baseline_url) = fresh_postgres_url().await else { return };
    let pool = sqlx::PgPool::connect(&baseline_url).await.expect("connect");
    sqlx::raw_sql(BASELINE_TABLE).execute(&pool).await.expect("baseline table");
    let started = Instant::now();
    let mut copy = pool.copy_in_raw("COPY baseline FROM STDIN WITH (FORMAT csv)").await.expect("copy");
    copy.send(csv.as_bytes()).await.expect("copy data");
    copy.finish().await.expect("copy finish");
    let pg_baseline = started.elapsed();
    pool.close().await;
    drop_postgres_database(&baseline_url).await;

    let url = fresh_postgres_url().await.expect("fresh database");
    let db = PostgresDatabase::connect(&url).await.expect("connect");
    report("postgres", count, pg_baseline, storage_path(Arc::new(db.clone()), &rows).await);
    db.pool().close().await;
    drop_postgres_database(&url).await;
}

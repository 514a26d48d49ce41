//! SQLite backend: the embedded default. One file in WAL mode; SQLite allows one writer at a
//! time, so every write transaction starts with `BEGIN IMMEDIATE` (it takes the write lock up
//! front and waits for it under the busy timeout, instead of failing half-way on an upgrade).

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{QueryBuilder, Sqlite, Transaction};
use uuid::Uuid;

use crate::sql::{
    item_error_columns, map_err, Backend, DeviceInsert, ItemOutcome, BATCH_ITEM_COLUMNS,
    DEVICE_INSERT_COLUMNS,
};
use crate::{Batch, BatchItem, Conflict, Result, StorageError};

/// How long a statement waits for another connection's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// WAL pages (4 KiB each, so 64 MiB) after which a commit copies the WAL back into the
/// database. SQLite's default of 1,000 pages makes every few 500-device chunks (2 MB of
/// hashes each) pay for a checkpoint, and rewrites the same index pages each time; durability
/// is unchanged (commits are in the WAL either way).
const WAL_AUTOCHECKPOINT_PAGES: &str = "16384";

/// Page cache a connection may grow to, in KiB when negative (64 MiB; SQLite's default is
/// 2 MiB): the identity indexes of a few hundred thousand devices stay in memory, where a chunk
/// of devices with random keys would otherwise re-read their pages from the file on every insert.
const CACHE_SIZE: &str = "-65536";

/// What all of SQLite may hold in memory in this process, every connection of the pool
/// together (bytes; `PRAGMA soft_heap_limit` is process-wide): past it, SQLite reuses cache
/// pages instead of allocating more. So the writer gets the large cache it needs while the
/// pool as a whole stays within one budget, not eight times [`CACHE_SIZE`]
/// (docs/operations.md#memory).
const HEAP_BUDGET_BYTES: &str = "100663296";

#[derive(Debug, Clone)]
pub struct SqliteDatabase {
    pool: SqlitePool,
}

impl SqliteDatabase {
    /// Opens (creating the file and its directory if missing) and migrates the database.
    /// Accepts `sqlite:path`, `sqlite://path`, `sqlite::memory:` or a plain file path.
    pub async fn connect(url_or_path: &str) -> Result<Self> {
        let options = if url_or_path.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(url_or_path)?
        } else {
            SqliteConnectOptions::new().filename(url_or_path)
        };
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .pragma("wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)
            .pragma("cache_size", CACHE_SIZE)
            .pragma("soft_heap_limit", HEAP_BUDGET_BYTES);
        let in_memory = url_or_path.contains(":memory:") || url_or_path.contains("mode=memory");
        if !in_memory {
            if let Some(dir) = options.get_filename().parent().filter(|dir| !dir.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| StorageError::Internal(sqlx::Error::Io(e)))?;
            }
        }
        // An in-memory database lives as long as a connection to it: keep exactly one, forever
        // (which also makes it a single writer, as SQLite wants).
        let pool_options = if in_memory {
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            SqlitePoolOptions::new().max_connections(8)
        };
        let pool = pool_options.connect_with(options).await?;
        crate::migrations::migrate_tolerating_newer!(sqlx::migrate!("migrations/sqlite"), &pool);
        Ok(Self { pool })
    }

    /// The underlying pool, for tooling and benchmarks.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Opens a database file read-only, without migrating it, and says whether it is sound and
    /// what it holds: SQLite's `integrity_check`, the last migration applied and the rows of the
    /// main tables (a backup's verification, docs/operations.md#backups).
    pub async fn inspect(path: &std::path::Path) -> Result<FileSummary> {
        use sqlx::Connection;
        let options = SqliteConnectOptions::new().filename(path).read_only(true).create_if_missing(false);
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
        let integrity =
            sqlx::query_scalar::<_, String>("PRAGMA integrity_check").fetch_all(&mut conn).await?.join("; ");
        let migration =
            sqlx::query_scalar::<_, i64>("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_optional(&mut conn)
                .await
                .ok()
                .flatten();
        let mut rows = Vec::new();
        for table in SUMMARY_TABLES {
            let count = sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&mut conn)
                .await
                .unwrap_or(-1);
            rows.push((table.to_string(), count));
        }
        conn.close().await?;
        Ok(FileSummary { integrity, migration, rows })
    }
}

/// The tables a [`FileSummary`] counts.
const SUMMARY_TABLES: [&str; 7] =
    ["organisations", "users", "relationships", "profiles", "batches", "devices", "audit_events"];

/// What [`SqliteDatabase::inspect`] found in a file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileSummary {
    /// `ok`, or SQLite's list of problems.
    pub integrity: String,
    /// The last migration applied (`None`: not a ztd database).
    pub migration: Option<i64>,
    /// Rows per table (-1 where the table is missing).
    pub rows: Vec<(String, i64)>,
}

// The shared SQL (`src/sql/`), compiled for this backend: each of those files is a module of
// both backends (hence `duplicate_mod` allowed), written against these two aliases.
type Db = sqlx::Sqlite;
type Store = SqliteDatabase;
#[allow(clippy::duplicate_mod)]
#[path = "sql/audit.rs"]
mod audit;
#[allow(clippy::duplicate_mod)]
#[path = "sql/batches.rs"]
mod batches;
#[allow(clippy::duplicate_mod)]
#[path = "sql/common.rs"]
mod common;
#[allow(clippy::duplicate_mod)]
#[path = "sql/consent.rs"]
mod consent;
#[allow(clippy::duplicate_mod)]
#[path = "sql/copy_rows.rs"]
pub(crate) mod copy_rows;
#[allow(clippy::duplicate_mod)]
#[path = "sql/credentials.rs"]
mod credentials;
#[allow(clippy::duplicate_mod)]
#[path = "sql/devices.rs"]
mod devices;
#[allow(clippy::duplicate_mod)]
#[path = "sql/orgs.rs"]
mod orgs;
#[allow(clippy::duplicate_mod)]
#[path = "sql/profiles.rs"]
mod profiles;
#[allow(clippy::duplicate_mod)]
#[path = "sql/webhooks.rs"]
mod webhooks;

#[allow(clippy::duplicate_mod)]
#[path = "sql/review.rs"]
mod review;

impl Backend for SqliteDatabase {
    type Db = sqlx::Sqlite;
    fn shared_rate_limits(&self) -> Option<std::sync::Arc<dyn crate::limits::RateLimitStore>> {
        None
    }
    const NAME: &'static str = "sqlite";
    /// SQLite has a single writer: no row locks to take.
    const FOR_UPDATE: &'static str = "";
    const FOR_SHARE: &'static str = "";
    const FOR_UPDATE_SKIP_LOCKED: &'static str = "";
    /// `synchronous=NORMAL` in WAL mode already commits without an fsync.
    const LOCK_ORGANISATIONS: Option<&'static str> = None;
    const CHUNK_TRANSACTION_SETUP: Option<&'static str> = None;

    const NEW_ID: &'static str = "randomblob(16)";
    const POSITION: &'static str = "instr";

    async fn backup_to(&self, path: &std::path::Path) -> Result<()> {
        let target = path.to_str().ok_or(StorageError::Unsupported("the backup path must be valid UTF-8"))?;
        sqlx::query("VACUUM INTO $1").bind(target).execute(&self.pool).await?;
        Ok(())
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// One multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING id`: the ids of the rows inserted.
    async fn insert_devices(
        tx: &mut Transaction<'static, Sqlite>,
        batch: &Batch,
        rows: &[DeviceInsert<'_>],
        now: DateTime<Utc>,
    ) -> Result<Vec<Uuid>> {
        let mut insert =
            QueryBuilder::<Sqlite>::new(format!("INSERT INTO devices ({DEVICE_INSERT_COLUMNS}) "));
        insert.push_values(rows, |mut row, new| {
            let device = new.device;
            row.push_bind(new.id)
                .push_bind(batch.customer_id)
                .push_bind(batch.submitted_by_org_id)
                .push_bind(batch.id)
                .push_bind(new.state())
                .push_bind(device.serial_number.as_deref())
                .push_bind(device.product_key_id.as_deref())
                .push_bind(device.hardware_hash.is_some())
                .push_bind(device.manufacturer.as_deref())
                .push_bind(device.model.as_deref())
                .push_bind(device.group_tag.as_deref())
                .push_bind(device.profile_id)
                .push_bind(device.assigned_user.as_deref())
                .push_bind(device.tuple_key.as_deref())
                .push_bind(device.pkid_key.as_deref())
                .push_bind(device.hash_key.as_deref())
                .push_bind(now)
                .push_bind(now)
                .push_bind(None::<DateTime<Utc>>)
                .push_bind(None::<DateTime<Utc>>);
        });
        insert.push(" ON CONFLICT DO NOTHING RETURNING id");
        Ok(insert.build_query_scalar::<Uuid>().fetch_all(&mut **tx).await?)
    }

    /// Multi-row inserts of a part of a batch's items and their inputs.
    async fn insert_items(
        tx: &mut Transaction<'static, Sqlite>,
        batch_id: Uuid,
        items: &[BatchItem],
    ) -> Result<()> {
        let mut insert =
            QueryBuilder::<Sqlite>::new(format!("INSERT INTO batch_items ({BATCH_ITEM_COLUMNS}) "));
        insert.push_values(items, |mut row, item| {
            let (code, message, hint) = item_error_columns(item);
            row.push_bind(batch_id)
                .push_bind(item.row)
                .push_bind(item.status)
                .push_bind(item.device_id)
                .push_bind(code)
                .push_bind(message)
                .push_bind(hint);
        });
        insert.build().execute(&mut **tx).await.map_err(map_err(Conflict::BatchItemRow))?;
        let mut inputs =
            QueryBuilder::<Sqlite>::new("INSERT INTO batch_item_inputs (batch_id, row_no, input) ");
        inputs.push_values(items, |mut row, item| {
            row.push_bind(batch_id).push_bind(item.row).push_bind(Json(&item.input));
        });
        inputs.build().execute(&mut **tx).await?;
        Ok(())
    }

    /// One `UPDATE … FROM (VALUES …) RETURNING` for a group of first boots.
    async fn activate_rows(
        tx: &mut Transaction<'static, Sqlite>,
        activations: &[crate::Activation],
    ) -> Result<Vec<Uuid>> {
        let mut update = QueryBuilder::<Sqlite>::new(
            "UPDATE devices SET state = 'active', activated_at = v.column2, updated_at = v.column2 FROM (",
        );
        update.push_values(activations, |mut row, activation| {
            row.push_bind(activation.device_id).push_bind(activation.at);
        });
        update.push(
            ") AS v WHERE devices.id = v.column1 AND devices.state = 'registered' \
             AND devices.activated_at IS NULL RETURNING devices.id",
        );
        Ok(update.build_query_scalar::<Uuid>().fetch_all(&mut **tx).await?)
    }

    /// One `UPDATE … FROM (VALUES …)` for the outcomes of a chunk.
    async fn record_outcomes(
        tx: &mut Transaction<'static, Sqlite>,
        batch_id: Uuid,
        outcomes: &[ItemOutcome<'_>],
    ) -> Result<()> {
        let mut update = QueryBuilder::<Sqlite>::new(
            "UPDATE batch_items SET status = v.column2, device_id = v.column3, error_code = v.column4, \
             error_message = v.column5, error_hint = v.column6 FROM (",
        );
        update.push_values(outcomes, |mut row, outcome| {
            row.push_bind(outcome.row)
                .push_bind(outcome.status)
                .push_bind(outcome.device_id)
                .push_bind(outcome.error_code())
                .push_bind(outcome.error_message())
                .push_bind(outcome.error_hint());
        });
        update.push(") AS v WHERE batch_items.batch_id = ");
        update.push_bind(batch_id);
        update.push(" AND batch_items.row_no = v.column1");
        update.build().execute(&mut **tx).await?;
        Ok(())
    }
}

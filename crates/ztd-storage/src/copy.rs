//! A whole installation copied from one database to another, SQLite or PostgreSQL on either
//! side (`ztd admin copy-database`, docs/operations.md#copy-database), then verified.
//!
//! - **What is copied**: every table of [`TABLES`], with every column and its ids, in an order
//!   that satisfies the foreign keys. [`NOT_COPIED`] lists what stays behind and why. The two
//!   schemas are compared with [`TABLES`] first, on both sides: a table or column this list
//!   does not know (a database migrated by another version of ztd) stops the copy before
//!   anything is written.
//! - **One snapshot**: the source is read in one transaction that also holds off its writers
//!   (SQLite: `BEGIN IMMEDIATE`, the write lock, so a writer waits its busy timeout and gets
//!   `StorageError::Unavailable`, which `ztd serve` answers `503` with `Retry-After`;
//!   PostgreSQL: `REPEATABLE READ` and `LOCK TABLE … IN SHARE MODE`, so writers wait).
//!   Readers carry on. The target is written in one transaction: it holds the whole copy or
//!   nothing, so a failed copy can be run again.
//! - **Streaming**: each table is read by its key in chunks of at most [`CHUNK_ROWS`] rows
//!   (keyset paging, `WHERE key > last ORDER BY key LIMIT n`) and each chunk is written as one
//!   multi-row `INSERT`; memory does not grow with the table.
//! - **Types**: each column has one backend-neutral [`Kind`]; ids are 16-byte BLOBs on SQLite
//!   and `uuid` on PostgreSQL, times RFC 3339 text and `timestamptz`, booleans 0/1 and
//!   `boolean`, JSON text and `jsonb`, dates text and `date`, integers `INTEGER` and
//!   `bigint`/`integer`. PostgreSQL keeps microseconds: SQLite's nanoseconds are cut to
//!   microseconds on the way there.
//! - **Identity columns**: `devices.seq` and `audit_events.seq` are copied as they are
//!   (PostgreSQL `OVERRIDING SYSTEM VALUE`), then PostgreSQL's sequences are moved past the
//!   largest value, so new rows do not collide. SQLite's rowids continue by themselves.
//! - **Verification**: per table, the row count and a SHA-256 over a canonical rendering of its
//!   rows in key order ([`TableSum`]), computed on the source while it is read and on the
//!   target by reading it back after the commit. A difference is
//!   [`CopyError::Mismatch`], naming the table.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use uuid::Uuid;

use crate::{PostgresDatabase, SqliteDatabase, StorageError};

/// Most rows read or written at once (fewer for wide tables, see [`Table::chunk_rows`]).
pub const CHUNK_ROWS: usize = 1_000;

/// Bound parameters per multi-row `INSERT` (SQLite allows 32,766, PostgreSQL 65,535).
const PARAMETERS_PER_STATEMENT: usize = 16_000;

/// A column's type, the same on both backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// BLOB(16) / `uuid`.
    Uuid,
    /// TEXT / `text`.
    Text,
    /// INTEGER / `bigint` or `integer`.
    Int,
    /// INTEGER 0/1 / `boolean`.
    Bool,
    /// RFC 3339 TEXT / `timestamptz`.
    Time,
    /// `YYYY-MM-DD` TEXT / `date`.
    Date,
    /// TEXT / `jsonb`.
    Json,
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Uuid(Uuid),
    Text(String),
    Int(i64),
    Bool(bool),
    Time(DateTime<Utc>),
    Date(NaiveDate),
    Json(serde_json::Value),
}

/// A row, its values in the order of [`Table::columns`].
pub type Row = Vec<Value>;

/// A table the copy carries.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    /// Columns of a unique key, read in this order (the primary key, or `devices.id`).
    pub key: &'static [&'static str],
    /// A PostgreSQL identity column (`GENERATED ALWAYS AS IDENTITY`) to move past its largest value.
    pub identity: Option<&'static str>,
}

impl Table {
    /// Rows per chunk: [`CHUNK_ROWS`], fewer when the columns would pass the parameter limit.
    pub fn chunk_rows(&self) -> usize {
        CHUNK_ROWS.min(PARAMETERS_PER_STATEMENT / self.columns.len().max(1)).max(1)
    }

    /// Positions of the key columns in [`Table::columns`].
    pub(crate) fn key_positions(&self) -> Vec<usize> {
        self.key
            .iter()
            .map(|key| self.columns.iter().position(|(name, _)| name == key).unwrap_or_default())
            .collect()
    }

    pub(crate) fn kind_of(&self, column: &str) -> Kind {
        self.columns.iter().find(|(name, _)| *name == column).map_or(Kind::Text, |(_, kind)| *kind)
    }
}

use Kind::{Bool, Date, Int, Json, Text, Time, Uuid as Id};

/// Every table of the schema, in an order that satisfies the foreign keys (parents first).
/// Mapped column by column from both migration sets (`migrations/sqlite`, `migrations/postgres`).
pub const TABLES: &[Table] = &[
    Table {
        name: "organisations",
        columns: &[("id", Id), ("kind", Text), ("name", Text), ("domain", Text), ("created_at", Time)],
        key: &["id"],
        identity: None,
    },
    Table {
        name: "users",
        columns: &[
            ("id", Id),
            ("org_id", Id),
            ("email", Text),
            ("role", Text),
            ("password_hash", Text),
            ("must_change_password", Bool),
            ("created_at", Time),
            ("disabled_at", Time),
            ("one_time_password_expires_at", Time),
            ("language", Text),
        ],
        key: &["id"],
        identity: None,
    },
    Table {
        name: "api_keys",
        columns: &[
            ("id", Id),
            ("org_id", Id),
            ("name", Text),
            ("role", Text),
            ("key_hash", Text),
            ("created_at", Time),
            ("revoked_at", Time),
            ("expires_at", Time),
        ],
        key: &["id"],
        identity: None,
    },
    Table {
        name: "sessions",
        columns: &[
            ("token_hash", Text),
            ("user_id", Id),
            ("csrf_token", Text),
            ("created_at", Time),
            ("expires_at", Time),
        ],
        key: &["token_hash"],
        identity: None,
    },
    Table {
        name: "invitations",
        columns: &[
            ("id", Id),
            ("token_hash", Text),
            ("creator_org_id", Id),
            ("kind", Text),
            ("customer_id", Id),
            ("reusable", Bool),
            ("created_at", Time),
            ("expires_at", Time),
            ("withdrawn_at", Time),
            ("accepted_count", Int),
        ],
        key: &["id"],
        identity: None,
    },
    Table {
        name: "relationships",
        columns: &[
            ("id", Id),
            ("partner_org_id", Id),
            ("customer_org_id", Id),
            ("kind", Text),
            ("invitation_id", Id),
            ("accepted_by_user_id", Id),
            ("approval_mode", Text),
            ("created_at", Time),
            ("revoked_at", Time),
            ("revoked_by_org_id", Id),
        ],
        key: &["id"],
        identity: None,
    },
    Table {
        name: "profiles",
        columns: &[
            ("id", Id),
            ("customer_id", Id),
            ("name", Text),
            ("group_tag", Text),
            ("settings", Json),
            ("built_in", Bool),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        key: &["id"],
        identity: None,
    },
    Table {
        name: "batches",
        columns: &[
            ("id", Id),
            ("customer_id", Id),
            ("submitted_by_org_id", Id),
            ("actor_kind", Text),
            ("actor_id", Id),
            ("status", Text),
            ("default_group_tag", Text),
            ("allow_unknown_tags", Bool),
            ("idempotency_key", Text),
            ("total", Int),
            ("registered", Int),
            ("unassigned", Int),
            ("failed", Int),
            ("created_at", Time),
            ("started_at", Time),
            ("finished_at", Time),
            ("locked_by", Text),
            ("lease_until", Time),
            ("receiving", Bool),
            ("received_at", Time),
            ("order_number", Text),
            ("purchase_order", Text),
            ("ship_date", Date),
            ("decided_at", Time),
            ("decided_by_id", Id),
            ("rejection_reason", Text),
            ("voided_at", Time),
            ("file_name", Text),
        ],
        key: &["id"],
        identity: None,
    },
    Table {
        name: "batch_items",
        columns: &[
            ("batch_id", Id),
            ("row_no", Int),
            ("status", Text),
            ("device_id", Id),
            ("error_code", Text),
            ("error_message", Text),
            ("error_hint", Text),
        ],
        key: &["batch_id", "row_no"],
        identity: None,
    },
    Table {
        name: "batch_item_inputs",
        columns: &[("batch_id", Id), ("row_no", Int), ("input", Json)],
        key: &["batch_id", "row_no"],
        identity: None,
    },
    Table {
        name: "devices",
        columns: &[
            ("seq", Int),
            ("id", Id),
            ("customer_id", Id),
            ("registered_by_org_id", Id),
            ("batch_id", Id),
            ("state", Text),
            ("serial_number", Text),
            ("product_key_id", Text),
            ("manufacturer", Text),
            ("model", Text),
            ("group_tag", Text),
            ("profile_id", Id),
            ("assigned_user", Text),
            ("tuple_key", Text),
            ("pkid_key", Text),
            ("hash_key", Text),
            ("verified", Bool),
            ("created_at", Time),
            ("updated_at", Time),
            ("activated_at", Time),
            ("deregistered_at", Time),
        ],
        // `id` is unique and indexed on both backends (`seq` has no index of its own on PostgreSQL).
        key: &["id"],
        identity: Some("seq"),
    },
    Table {
        name: "device_hashes",
        columns: &[("device_id", Id), ("hardware_hash", Text)],
        key: &["device_id"],
        identity: None,
    },
    Table {
        name: "release_requests",
        columns: &[
            ("id", Id),
            ("requester_org_id", Id),
            ("requested_by_kind", Text),
            ("requested_by_id", Id),
            ("device_id", Id),
            ("owner_org_id", Id),
            ("status", Text),
            ("created_at", Time),
            ("decided_at", Time),
            ("decided_by_id", Id),
        ],
        key: &["id"],
        identity: None,
    },
    Table {
        name: "audit_events",
        columns: &[
            ("seq", Int),
            ("at", Time),
            ("request_id", Text),
            ("actor_kind", Text),
            ("actor_id", Id),
            ("actor_org_id", Id),
            ("tenant_org_id", Id),
            ("action", Text),
            ("target_type", Text),
            ("target_id", Text),
            ("details", Json),
        ],
        key: &["seq"],
        identity: Some("seq"),
    },
    Table {
        name: "webhooks",
        columns: &[
            ("id", Id),
            ("org_id", Id),
            ("url", Text),
            ("secret", Text),
            ("events", Text),
            ("created_at", Time),
            ("created_by", Text),
            ("deleted_at", Time),
        ],
        key: &["id"],
        identity: None,
    },
    Table {
        name: "webhook_deliveries",
        columns: &[
            ("id", Id),
            ("webhook_id", Id),
            ("org_id", Id),
            ("event_id", Id),
            ("event_type", Text),
            ("occurred_at", Time),
            ("data", Json),
            ("status", Text),
            ("attempts", Int),
            ("next_attempt_at", Time),
            ("locked_by", Text),
            ("locked_until", Time),
            ("last_status_code", Int),
            ("last_error", Text),
            ("created_at", Time),
            ("finished_at", Time),
        ],
        key: &["id"],
        identity: None,
    },
    Table {
        name: "webhook_attempts",
        columns: &[
            ("delivery_id", Id),
            ("attempt", Int),
            ("at", Time),
            ("status_code", Int),
            ("error", Text),
            ("response_excerpt", Text),
            ("duration_ms", Int),
            ("next_attempt_at", Time),
        ],
        key: &["delivery_id", "attempt"],
        identity: None,
    },
];

/// Tables a database may have that are not copied, and why.
pub const NOT_COPIED: &[(&str, &str)] = &[
    ("_sqlx_migrations", "each database keeps its own record of its migrations"),
    (
        "rate_buckets",
        "PostgreSQL's shared rate-limit counters (docs/operations.md#shared-limits): recent traffic only, forgiven like after a crash",
    ),
    (
        "upload_drafts",
        "refused uploads kept an hour for repair in the portal (docs/portal.md#repair-in-the-browser): the person uploads the file again",
    ),
];

/// Which database of a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Source,
    Target,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Source => "source",
            Role::Target => "target",
        })
    }
}

/// Why a copy did not happen or did not verify.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The target already holds data; nothing was written.
    #[error("the target database is not empty: table {table} has {rows} rows")]
    TargetNotEmpty { table: &'static str, rows: i64 },
    /// The source holds no row at all (a wrong URL makes a new, empty SQLite file).
    #[error("the source database is empty: it has no organisation, user or device")]
    SourceEmpty,
    /// A database's tables differ from [`TABLES`]; nothing was written.
    #[error("the {role} database's schema is not the one this version of ztd copies: {detail}")]
    Schema { role: Role, detail: String },
    /// The copy was written but reads back differently from the source.
    #[error(
        "verification failed for table {table}: the source has {source_rows} rows (SHA-256 {source_sum}), the target {target_rows} rows (SHA-256 {target_sum})"
    )]
    Mismatch {
        table: &'static str,
        source_rows: u64,
        source_sum: String,
        target_rows: u64,
        target_sum: String,
    },
    /// Reading or writing a table failed.
    #[error("table {table} ({role}): {error}")]
    Table { table: &'static str, role: Role, error: StorageError },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A table's row count and checksum.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableSum {
    pub table: &'static str,
    pub rows: u64,
    /// Hex SHA-256 of the canonical rendering of the rows in key order ([`RowHasher`]).
    pub sha256: String,
}

/// What a copy did and verified.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CopyReport {
    pub source_backend: &'static str,
    pub target_backend: &'static str,
    /// Every table copied, with what both sides agreed on.
    pub tables: Vec<TableSum>,
    /// Tables present in the source and left behind ([`NOT_COPIED`], without `_sqlx_migrations`).
    pub not_copied: Vec<&'static str>,
}

impl CopyReport {
    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

/// What a copy is doing, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Copy,
    Verify,
}

/// Progress of a copy; every method has a default that ignores it.
pub trait Progress: Send {
    /// A table starts; `rows` is how many it has.
    fn start(&mut self, _phase: Phase, _table: &'static str, _rows: u64) {}
    /// `done` rows of the current table so far.
    fn advance(&mut self, _done: u64) {}
    /// The table is through.
    fn finish(&mut self, _phase: Phase, _sum: &TableSum) {}
}

/// A [`Progress`] that shows nothing.
pub struct Quiet;
impl Progress for Quiet {}

/// A database to copy from or to (a pool of the connected, migrated database).
#[derive(Debug, Clone)]
pub enum Side {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Side {
    pub fn backend(&self) -> &'static str {
        match self {
            Side::Sqlite(_) => "sqlite",
            Side::Postgres(_) => "postgres",
        }
    }

    /// `(table, columns)` of every table of the database.
    async fn schema(&self) -> Result<BTreeMap<String, BTreeSet<String>>, StorageError> {
        let pairs = match self {
            Side::Sqlite(pool) => crate::sqlite::copy_rows::schema(pool).await?,
            Side::Postgres(pool) => crate::postgres::copy_rows::schema(pool).await?,
        };
        let mut schema: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (table, column) in pairs {
            schema.entry(table).or_default().insert(column);
        }
        Ok(schema)
    }

    async fn count(&self, table: &Table) -> Result<i64, StorageError> {
        match self {
            Side::Sqlite(pool) => crate::sqlite::copy_rows::count(pool, table).await,
            Side::Postgres(pool) => crate::postgres::copy_rows::count(pool, table).await,
        }
    }

    /// A read transaction: one snapshot of the database. With `hold_writers`, it also keeps
    /// every other writer waiting until it ends (the copy's source).
    async fn begin_read(&self, hold_writers: bool) -> Result<Reader, StorageError> {
        let tables: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        Ok(match self {
            Side::Sqlite(pool) => {
                Reader::Sqlite(crate::sqlite::copy_rows::begin_snapshot(pool, hold_writers, &tables).await?)
            }
            Side::Postgres(pool) => Reader::Postgres(
                crate::postgres::copy_rows::begin_snapshot(pool, hold_writers, &tables).await?,
            ),
        })
    }

    async fn begin_write(&self) -> Result<Writer, StorageError> {
        Ok(match self {
            Side::Sqlite(pool) => Writer::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Side::Postgres(pool) => Writer::Postgres(pool.begin().await?),
        })
    }

    /// Row count and checksum of every table of [`TABLES`], read in one snapshot (writers are
    /// not held off).
    pub async fn checksums(
        &self,
        role: Role,
        phase: Phase,
        progress: &mut dyn Progress,
    ) -> Result<Vec<TableSum>, CopyError> {
        let mut reader = self.begin_read(false).await?;
        let mut sums = Vec::new();
        for table in TABLES {
            let rows = reader.count(table).await.map_err(|error| CopyError::Table {
                table: table.name,
                role,
                error,
            })?;
            progress.start(phase, table.name, u64::try_from(rows).unwrap_or(0));
            let mut hasher = RowHasher::new(table);
            let mut after: Option<Row> = None;
            loop {
                let chunk = reader
                    .read_chunk(table, after.as_ref())
                    .await
                    .map_err(|error| CopyError::Table { table: table.name, role, error })?;
                for row in &chunk {
                    hasher.row(row);
                }
                progress.advance(hasher.rows);
                if chunk.len() < table.chunk_rows() {
                    break;
                }
                after = chunk.into_iter().last();
            }
            let sum = hasher.finish();
            progress.finish(phase, &sum);
            sums.push(sum);
        }
        reader.end().await?;
        Ok(sums)
    }
}

impl SqliteDatabase {
    pub(crate) fn side_for_copy(&self) -> Side {
        Side::Sqlite(self.pool().clone())
    }
}

impl PostgresDatabase {
    pub(crate) fn side_for_copy(&self) -> Side {
        Side::Postgres(self.pool().clone())
    }
}

/// The source's read transaction.
enum Reader {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Reader {
    async fn count(&mut self, table: &Table) -> Result<i64, StorageError> {
        match self {
            Reader::Sqlite(tx) => crate::sqlite::copy_rows::count(&mut **tx, table).await,
            Reader::Postgres(tx) => crate::postgres::copy_rows::count(&mut **tx, table).await,
        }
    }

    async fn read_chunk(&mut self, table: &Table, after: Option<&Row>) -> Result<Vec<Row>, StorageError> {
        match self {
            Reader::Sqlite(tx) => crate::sqlite::copy_rows::read_chunk(tx, table, after).await,
            Reader::Postgres(tx) => crate::postgres::copy_rows::read_chunk(tx, table, after).await,
        }
    }

    /// Ends the read (nothing was written in it) and lets the writers go on.
    async fn end(self) -> Result<(), StorageError> {
        match self {
            Reader::Sqlite(tx) => tx.rollback().await?,
            Reader::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

/// The target's write transaction.
enum Writer {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Writer {
    async fn insert(&mut self, table: &Table, rows: &[Row]) -> Result<(), StorageError> {
        if rows.is_empty() {
            return Ok(());
        }
        match self {
            Writer::Sqlite(tx) => crate::sqlite::copy_rows::insert_chunk(tx, table, rows).await,
            Writer::Postgres(tx) => crate::postgres::copy_rows::insert_chunk(tx, table, rows).await,
        }
    }

    /// Moves an identity column's sequence past its largest value (PostgreSQL; SQLite's rowids
    /// and `AUTOINCREMENT` continue after the largest value by themselves).
    async fn reset_identity(&mut self, table: &Table) -> Result<(), StorageError> {
        match (self, table.identity) {
            (Writer::Sqlite(tx), Some(column)) => {
                crate::sqlite::copy_rows::reset_identity(tx, table.name, column).await
            }
            (Writer::Postgres(tx), Some(column)) => {
                crate::postgres::copy_rows::reset_identity(tx, table.name, column).await
            }
            (_, None) => Ok(()),
        }
    }

    async fn commit(self) -> Result<(), StorageError> {
        match self {
            Writer::Sqlite(tx) => tx.commit().await?,
            Writer::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// Compares a database's tables and columns with [`TABLES`] and [`NOT_COPIED`].
fn check_schema(role: Role, schema: &BTreeMap<String, BTreeSet<String>>) -> Result<(), CopyError> {
    let schema_error = |detail: String| CopyError::Schema { role, detail };
    for (table, columns) in schema {
        if NOT_COPIED.iter().any(|(name, _)| name == table) {
            continue;
        }
        let Some(known) = TABLES.iter().find(|t| t.name == table) else {
            return Err(schema_error(format!(
                "it has a table {table} that this version does not know (was it migrated by a newer ztd? copy with that version)"
            )));
        };
        let expected: BTreeSet<String> = known.columns.iter().map(|(name, _)| (*name).to_owned()).collect();
        if let Some(extra) = columns.difference(&expected).next() {
            return Err(schema_error(format!(
                "its table {table} has a column {extra} that this version does not know (was it migrated by a newer ztd? copy with that version)"
            )));
        }
        if let Some(missing) = expected.difference(columns).next() {
            return Err(schema_error(format!("its table {table} lacks the column {missing}")));
        }
    }
    if let Some(missing) = TABLES.iter().find(|t| !schema.contains_key(t.name)) {
        return Err(schema_error(format!("it has no table {}", missing.name)));
    }
    Ok(())
}

/// Copies every table of `from` into `to`, which must be migrated and empty, then verifies
/// the copy (module documentation). `to` holds the whole copy or, on an error before the
/// verification, nothing.
pub async fn copy_database(
    from: &Side,
    to: &Side,
    progress: &mut dyn Progress,
) -> Result<CopyReport, CopyError> {
    let source_schema = from.schema().await?;
    check_schema(Role::Source, &source_schema)?;
    check_schema(Role::Target, &to.schema().await?)?;
    for table in TABLES {
        let rows = to.count(table).await?;
        if rows > 0 {
            return Err(CopyError::TargetNotEmpty { table: table.name, rows });
        }
    }

    let mut reader = from.begin_read(true).await?;
    let mut writer = to.begin_write().await?;
    let mut source_sums = Vec::new();
    for table in TABLES {
        let on_source = |error| CopyError::Table { table: table.name, role: Role::Source, error };
        let rows = reader.count(table).await.map_err(on_source)?;
        progress.start(Phase::Copy, table.name, u64::try_from(rows).unwrap_or(0));
        let mut hasher = RowHasher::new(table);
        let mut after: Option<Row> = None;
        loop {
            let chunk = reader.read_chunk(table, after.as_ref()).await.map_err(on_source)?;
            writer.insert(table, &chunk).await.map_err(|error| CopyError::Table {
                table: table.name,
                role: Role::Target,
                error,
            })?;
            for row in &chunk {
                hasher.row(row);
            }
            progress.advance(hasher.rows);
            if chunk.len() < table.chunk_rows() {
                break;
            }
            after = chunk.into_iter().last();
        }
        writer.reset_identity(table).await.map_err(|error| CopyError::Table {
            table: table.name,
            role: Role::Target,
            error,
        })?;
        let sum = hasher.finish();
        progress.finish(Phase::Copy, &sum);
        source_sums.push(sum);
    }
    if source_sums.iter().all(|sum| sum.rows == 0) {
        return Err(CopyError::SourceEmpty);
    }
    writer.commit().await?;
    reader.end().await?;

    let target_sums = to.checksums(Role::Target, Phase::Verify, progress).await?;
    compare(&source_sums, &target_sums)?;
    let not_copied = NOT_COPIED
        .iter()
        .filter(|(name, _)| *name != "_sqlx_migrations" && source_schema.contains_key(*name))
        .map(|(name, _)| *name)
        .collect();
    Ok(CopyReport {
        source_backend: from.backend(),
        target_backend: to.backend(),
        tables: source_sums,
        not_copied,
    })
}

/// The first table whose count or checksum differs between the two lists, as an error.
pub fn compare(source: &[TableSum], target: &[TableSum]) -> Result<(), CopyError> {
    for table in TABLES {
        let find = |sums: &[TableSum]| sums.iter().find(|sum| sum.table == table.name).cloned();
        let (a, b) = (find(source), find(target));
        if a != b {
            let (source_rows, source_sum) = a.map_or((0, String::new()), |s| (s.rows, s.sha256));
            let (target_rows, target_sum) = b.map_or((0, String::new()), |s| (s.rows, s.sha256));
            return Err(CopyError::Mismatch {
                table: table.name,
                source_rows,
                source_sum,
                target_rows,
                target_sum,
            });
        }
    }
    Ok(())
}

/// SHA-256 over a canonical rendering of a table's rows, the same whichever backend they were
/// read from: the table's name and columns, then each value as a one-byte tag and its bytes
/// (ids as 16 bytes, integers as 8 bytes big-endian, booleans as one byte, times as
/// microseconds since 1970 in 8 bytes, dates as days since year 1 in 4 bytes, text and JSON
/// as a length and UTF-8, JSON rendered with sorted keys and no spaces).
pub struct RowHasher {
    table: &'static str,
    hasher: Sha256,
    rows: u64,
}

impl RowHasher {
    pub fn new(table: &Table) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(table.name.as_bytes());
        for (name, _) in table.columns {
            hasher.update(b"\0");
            hasher.update(name.as_bytes());
        }
        hasher.update(b"\n");
        Self { table: table.name, hasher, rows: 0 }
    }

    pub fn row(&mut self, row: &[Value]) {
        for value in row {
            let hasher = &mut self.hasher;
            match value {
                Value::Null => hasher.update(b"n"),
                Value::Uuid(id) => {
                    hasher.update(b"u");
                    hasher.update(id.as_bytes());
                }
                Value::Text(text) => {
                    hasher.update(b"s");
                    hasher.update((text.len() as u64).to_be_bytes());
                    hasher.update(text.as_bytes());
                }
                Value::Int(number) => {
                    hasher.update(b"i");
                    hasher.update(number.to_be_bytes());
                }
                Value::Bool(flag) => {
                    hasher.update(b"b");
                    hasher.update([u8::from(*flag)]);
                }
                Value::Time(at) => {
                    hasher.update(b"t");
                    hasher.update(at.timestamp_micros().to_be_bytes());
                }
                Value::Date(day) => {
                    use chrono::Datelike;
                    hasher.update(b"d");
                    hasher.update(day.num_days_from_ce().to_be_bytes());
                }
                Value::Json(json) => {
                    let mut text = String::new();
                    canonical_json(json, &mut text);
                    hasher.update(b"j");
                    hasher.update((text.len() as u64).to_be_bytes());
                    hasher.update(text.as_bytes());
                }
            }
        }
        self.hasher.update(b"\n");
        self.rows += 1;
    }

    pub fn finish(self) -> TableSum {
        let digest = self.hasher.finalize();
        let sha256 = digest.iter().map(|byte| format!("{byte:02x}")).collect();
        TableSum { table: self.table, rows: self.rows, sha256 }
    }
}

/// JSON with object keys sorted and no whitespace, whatever order the database kept them in
/// (`jsonb` reorders them).
fn canonical_json(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(key.clone()).to_string());
                out.push(':');
                canonical_json(value, out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_a_column_and_tables_are_unique() {
        let mut names = BTreeSet::new();
        for table in TABLES {
            assert!(names.insert(table.name), "{} twice", table.name);
            for key in table.key {
                assert!(table.columns.iter().any(|(name, _)| name == key), "{}.{key}", table.name);
            }
            if let Some(identity) = table.identity {
                assert_eq!(table.kind_of(identity), Kind::Int);
            }
            assert!(table.chunk_rows() * table.columns.len() <= PARAMETERS_PER_STATEMENT);
        }
    }

    #[test]
    fn the_checksum_ignores_json_key_order_and_sub_microsecond_time() {
        let table = &TABLES[0];
        let at = DateTime::parse_from_rfc3339("2026-12-02T10:00:00.123456789Z").unwrap().with_timezone(&Utc);
        let cut = DateTime::parse_from_rfc3339("2026-12-02T10:00:00.123456Z").unwrap().with_timezone(&Utc);
        let mut a = RowHasher::new(table);
        a.row(&[Value::Time(at), Value::Json(serde_json::json!({"b": 1, "a": [true, null]}))]);
        let mut b = RowHasher::new(table);
        b.row(&[
            Value::Time(cut),
            Value::Json(serde_json::from_str(r#"{ "a": [true, null], "b": 1 }"#).unwrap()),
        ]);
        assert_eq!(a.finish(), b.finish());
    }

    #[test]
    fn the_checksum_sees_a_changed_value_and_a_moved_null() {
        let table = &TABLES[0];
        let sum = |row: &[Value]| {
            let mut hasher = RowHasher::new(table);
            hasher.row(row);
            hasher.finish().sha256
        };
        let base = sum(&[Value::Text("ab".into()), Value::Null]);
        assert_ne!(base, sum(&[Value::Text("ac".into()), Value::Null]));
        assert_ne!(base, sum(&[Value::Null, Value::Text("ab".into())]));
        assert_ne!(base, sum(&[Value::Text("a".into()), Value::Text("b".into())]));
        assert_ne!(sum(&[Value::Int(1)]), sum(&[Value::Bool(true)]));
    }

    #[test]
    fn an_unknown_column_or_table_is_named() {
        let mut schema: BTreeMap<String, BTreeSet<String>> = TABLES
            .iter()
            .map(|t| (t.name.to_owned(), t.columns.iter().map(|(c, _)| (*c).to_owned()).collect()))
            .collect();
        schema.insert("rate_buckets".into(), ["key".to_owned()].into());
        check_schema(Role::Target, &schema).unwrap();
        schema.get_mut("devices").unwrap().insert("colour".into());
        let error = check_schema(Role::Source, &schema).unwrap_err().to_string();
        assert!(error.contains("source") && error.contains("devices") && error.contains("colour"), "{error}");
        schema.get_mut("devices").unwrap().remove("colour");
        schema.insert("gadgets".into(), BTreeSet::new());
        let error = check_schema(Role::Target, &schema).unwrap_err().to_string();
        assert!(error.contains("gadgets"), "{error}");
    }
}

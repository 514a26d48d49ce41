//! SQLite backend: the embedded default. One file in WAL mode; SQLite allows one writer at a
//! time, so every write transaction starts with `BEGIN IMMEDIATE` (it takes the write lock up
//! front and waits for it under the busy timeout, instead of failing half-way on an upgrade).

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::sql::impl_database;
use crate::{Result, StorageError};

/// How long a statement waits for another connection's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub struct SqliteDatabase {
    pool: SqlitePool,
}

impl SqliteDatabase {
    const BACKEND: &'static str = "sqlite";
    /// SQLite has a single writer: no row locks to take.
    const LOCK_ROWS: &'static str = "";
    const SKIP_LOCKED: &'static str = "";
    /// `synchronous=NORMAL` in WAL mode already commits without an fsync.
    const CHUNK_TRANSACTION_SETUP: Option<&'static str> = None;

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
            .busy_timeout(BUSY_TIMEOUT);
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
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }

    /// The underlying pool, for tooling and benchmarks.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

impl_database!(SqliteDatabase, sqlx::Sqlite);

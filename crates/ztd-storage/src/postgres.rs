//! PostgreSQL backend: what several `ztd serve` instances share. Workers claim batches with
//! `FOR UPDATE SKIP LOCKED`, and a chunk locks its batch row, so a worker that lost its lease
//! can never process an item a second time.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::sql::impl_database;
use crate::Result;

#[derive(Debug, Clone)]
pub struct PostgresDatabase {
    pool: PgPool,
}

impl PostgresDatabase {
    const BACKEND: &'static str = "postgres";
    const LOCK_ROWS: &'static str = " FOR UPDATE";
    const SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";
    /// A chunk commits without waiting for its WAL flush. Safe for exactly-once: a chunk's
    /// devices and item outcomes commit or vanish together (a crash at worst loses the last
    /// chunks, whose rows are pending again and are redone on resume), and `finish_batch`
    /// commits synchronously, which flushes every earlier chunk's WAL first.
    const CHUNK_TRANSACTION_SETUP: Option<&'static str> = Some("SET LOCAL synchronous_commit = off");

    /// Connects to `postgres://…` and runs the migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }

    /// The underlying pool, for tooling and benchmarks.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }
}

impl_database!(PostgresDatabase, sqlx::Postgres);

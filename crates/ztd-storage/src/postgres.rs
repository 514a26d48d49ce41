//! PostgreSQL backend: what several `ztd serve` instances share. Workers claim batches with
//! `FOR UPDATE SKIP LOCKED`, and a chunk locks its batch row, so a worker that lost its lease
//! can never process an item a second time.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use crate::sql::{item_error_columns, map_err, Backend, DeviceInsert, ItemOutcome};
use crate::{Batch, BatchItem, Conflict, NewDevice, Result, StorageError};

#[derive(Debug, Clone)]
pub struct PostgresDatabase {
    pool: PgPool,
}

impl PostgresDatabase {
    /// Connects to `postgres://…` and runs the migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        crate::migrations::migrate_tolerating_newer!(sqlx::migrate!("migrations/postgres"), &pool);
        Ok(Self { pool })
    }

    /// The underlying pool, for tooling and benchmarks.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

// The shared SQL (`src/sql/`), compiled for this backend: each of those files is a module of
// both backends (hence `duplicate_mod` allowed), written against these two aliases.
type Db = sqlx::Postgres;
type Store = PostgresDatabase;
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

impl Backend for PostgresDatabase {
    type Db = sqlx::Postgres;
    fn shared_rate_limits(&self) -> Option<std::sync::Arc<dyn crate::limits::RateLimitStore>> {
        Some(std::sync::Arc::new(crate::limits::PostgresRateLimits::new(self.pool.clone())))
    }
    const NAME: &'static str = "postgres";
    const FOR_UPDATE: &'static str = " FOR UPDATE";
    const FOR_SHARE: &'static str = " FOR SHARE";
    const FOR_UPDATE_SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";
    const LOCK_ORGANISATIONS: Option<&'static str> =
        Some("LOCK TABLE organisations IN SHARE ROW EXCLUSIVE MODE");
    /// A chunk commits without waiting for its WAL flush. Safe for exactly-once: a chunk's
    /// devices and item outcomes commit or vanish together (a crash at worst loses the last
    /// chunks, whose rows are pending again and are redone on resume), and `finish_batch`
    /// commits synchronously, which flushes every earlier chunk's WAL first.
    const CHUNK_TRANSACTION_SETUP: Option<&'static str> = Some("SET LOCAL synchronous_commit = off");

    const NEW_ID: &'static str = "gen_random_uuid()";
    const POSITION: &'static str = "strpos";

    async fn backup_to(&self, _path: &std::path::Path) -> Result<()> {
        Err(StorageError::Unsupported(
            "a PostgreSQL database is backed up with its own tools: pg_dump, or continuous archiving for point-in-time recovery (docs/operations.md#backups)",
        ))
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// `INSERT … SELECT FROM UNNEST(arrays) ON CONFLICT DO NOTHING RETURNING id`: one column
    /// per array keeps the statement at a dozen parameters however many rows (PostgreSQL plans
    /// and binds that much faster than thousands of scalar parameters).
    async fn insert_devices(
        tx: &mut Transaction<'static, Postgres>,
        batch: &Batch,
        rows: &[DeviceInsert<'_>],
        now: DateTime<Utc>,
    ) -> Result<Vec<Uuid>> {
        let text =
            |field: fn(&NewDevice) -> Option<&str>| rows.iter().map(|r| field(r.device)).collect::<Vec<_>>();
        Ok(sqlx::query_scalar::<_, Uuid>(
            "INSERT INTO devices (id, customer_id, registered_by_org_id, batch_id, state, serial_number, \
             product_key_id, verified, manufacturer, model, group_tag, profile_id, assigned_user, \
             tuple_key, pkid_key, hash_key, created_at, updated_at) \
             SELECT t.id, $1, $2, $3, t.state, t.serial_number, t.product_key_id, t.verified, \
             t.manufacturer, t.model, t.group_tag, t.profile_id, t.assigned_user, t.tuple_key, t.pkid_key, \
             t.hash_key, $4, $4 \
             FROM UNNEST($5::uuid[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::text[], \
             $11::text[], $12::text[], $13::uuid[], $14::text[], $15::text[], $16::text[], $17::text[]) \
             AS t(id, state, serial_number, product_key_id, verified, manufacturer, model, group_tag, \
             profile_id, assigned_user, tuple_key, pkid_key, hash_key) \
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(batch.customer_id)
        .bind(batch.submitted_by_org_id)
        .bind(batch.id)
        .bind(now)
        .bind(rows.iter().map(|r| r.id).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.state().as_str()).collect::<Vec<_>>())
        .bind(text(|d| d.serial_number.as_deref()))
        .bind(text(|d| d.product_key_id.as_deref()))
        .bind(rows.iter().map(|r| r.device.hardware_hash.is_some()).collect::<Vec<_>>())
        .bind(text(|d| d.manufacturer.as_deref()))
        .bind(text(|d| d.model.as_deref()))
        .bind(text(|d| d.group_tag.as_deref()))
        .bind(rows.iter().map(|r| r.device.profile_id).collect::<Vec<_>>())
        .bind(text(|d| d.assigned_user.as_deref()))
        .bind(text(|d| d.tuple_key.as_deref()))
        .bind(text(|d| d.pkid_key.as_deref()))
        .bind(text(|d| d.hash_key.as_deref()))
        .fetch_all(&mut **tx)
        .await?)
    }

    /// A part of a batch's items and their inputs, one `INSERT … SELECT FROM UNNEST` each.
    async fn insert_items(
        tx: &mut Transaction<'static, Postgres>,
        batch_id: Uuid,
        items: &[BatchItem],
    ) -> Result<()> {
        let rows: Vec<i64> = items.iter().map(|i| i.row).collect();
        sqlx::query(
            "INSERT INTO batch_items (batch_id, row_no, status, device_id, error_code, error_message, error_hint) \
             SELECT $1, t.* FROM UNNEST($2::bigint[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[]) AS t",
        )
        .bind(batch_id)
        .bind(&rows)
        .bind(items.iter().map(|i| i.status.as_str()).collect::<Vec<_>>())
        .bind(items.iter().map(|i| i.device_id).collect::<Vec<_>>())
        .bind(items.iter().map(|i| item_error_columns(i).0).collect::<Vec<_>>())
        .bind(items.iter().map(|i| item_error_columns(i).1).collect::<Vec<_>>())
        .bind(items.iter().map(|i| item_error_columns(i).2).collect::<Vec<_>>())
        .execute(&mut **tx)
        .await
        .map_err(map_err(Conflict::BatchItemRow))?;
        sqlx::query(
            "INSERT INTO batch_item_inputs (batch_id, row_no, input) \
             SELECT $1, t.* FROM UNNEST($2::bigint[], $3::jsonb[]) AS t",
        )
        .bind(batch_id)
        .bind(&rows)
        .bind(items.iter().map(|i| Json(&i.input)).collect::<Vec<_>>())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// One `UPDATE … FROM UNNEST(arrays)` for the outcomes of a chunk.
    /// One `UPDATE … FROM UNNEST(…) RETURNING` for a group of first boots.
    async fn activate_rows(
        tx: &mut Transaction<'static, Postgres>,
        activations: &[crate::Activation],
    ) -> Result<Vec<Uuid>> {
        Ok(sqlx::query_scalar::<_, Uuid>(
            "UPDATE devices AS d SET state = 'active', activated_at = t.at, updated_at = t.at \
             FROM UNNEST($1::uuid[], $2::timestamptz[]) AS t(id, at) \
             WHERE d.id = t.id AND d.state = 'registered' AND d.activated_at IS NULL RETURNING d.id",
        )
        .bind(activations.iter().map(|a| a.device_id).collect::<Vec<_>>())
        .bind(activations.iter().map(|a| a.at).collect::<Vec<_>>())
        .fetch_all(&mut **tx)
        .await?)
    }

    async fn record_outcomes(
        tx: &mut Transaction<'static, Postgres>,
        batch_id: Uuid,
        outcomes: &[ItemOutcome<'_>],
    ) -> Result<()> {
        sqlx::query(
            "UPDATE batch_items AS i SET status = t.status, device_id = t.device_id, \
             error_code = t.error_code, error_message = t.error_message, error_hint = t.error_hint \
             FROM UNNEST($2::bigint[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[]) \
             AS t(row_no, status, device_id, error_code, error_message, error_hint) \
             WHERE i.batch_id = $1 AND i.row_no = t.row_no",
        )
        .bind(batch_id)
        .bind(outcomes.iter().map(|o| o.row).collect::<Vec<_>>())
        .bind(outcomes.iter().map(|o| o.status.as_str()).collect::<Vec<_>>())
        .bind(outcomes.iter().map(|o| o.device_id).collect::<Vec<_>>())
        .bind(outcomes.iter().map(|o| o.error_code()).collect::<Vec<_>>())
        .bind(outcomes.iter().map(|o| o.error_message()).collect::<Vec<_>>())
        .bind(outcomes.iter().map(|o| o.error_hint()).collect::<Vec<_>>())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

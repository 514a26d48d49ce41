//! The SQL both backends share. SQLite and PostgreSQL run the same statements (sqlx's SQLite
//! driver accepts `$n` placeholders), so each capability is written once, as ordinary Rust, in
//! its own file next to this one (`orgs.rs`, `credentials.rs`, `consent.rs`, `profiles.rs`,
//! `devices.rs`, `batches.rs`, `audit.rs`, `webhooks.rs`, with `common.rs` for the helpers they share).
//!
//! Those files are not modules of this one: each backend (`sqlite.rs`, `postgres.rs`) declares
//! them as its own modules through `#[path]`, next to two aliases, `Db` (its `sqlx::Database`)
//! and `Store` (its struct), so the same text compiles once per backend into plain, concrete
//! sqlx (generic code over `sqlx::Database` would drown every method in executor and codec
//! bounds). What differs between the backends is the [`Backend`] trait below: row-lock clauses,
//! how a write transaction opens, the chunk transaction's setup and the multi-row inserts.
//! This module holds what is the same for both: column lists, tuning constants, error mapping.

use uuid::Uuid;

use chrono::{DateTime, Utc};
use sqlx::Transaction;

use ztd_domain::codes::{RowError, RowErrorCode};

use crate::{Batch, BatchItem, Conflict, ItemStatus, NewDevice, Result, StorageError};

/// What each backend supplies to the shared SQL.
pub(crate) trait Backend {
    type Db: sqlx::Database;
    /// `Database::shared_rate_limits`: PostgreSQL's table of buckets; none on SQLite (one
    /// process per file keeps its limits in memory).
    fn shared_rate_limits(&self) -> Option<std::sync::Arc<dyn crate::limits::RateLimitStore>>;
    /// `Database::backend`: "sqlite" or "postgres".
    const NAME: &'static str;
    /// Appended to a `SELECT` of rows the transaction goes on to change (PostgreSQL
    /// ` FOR UPDATE`). Empty on SQLite, whose write transactions (`BEGIN IMMEDIATE`) already
    /// exclude every other writer.
    const FOR_UPDATE: &'static str;
    /// Appended to a `SELECT` of rows that must not change until the transaction ends
    /// (PostgreSQL ` FOR SHARE`: a concurrent `UPDATE` of them waits). Empty on SQLite.
    const FOR_SHARE: &'static str;
    /// Appended to the claim's `SELECT` so concurrent workers pass over each other's batch
    /// (PostgreSQL ` FOR UPDATE SKIP LOCKED`). Empty on SQLite.
    const FOR_UPDATE_SKIP_LOCKED: &'static str;
    /// Run first in `bootstrap_operator`'s transaction, if any: keeps every other transaction
    /// from inserting an organisation until it ends (PostgreSQL `LOCK TABLE … IN SHARE ROW
    /// EXCLUSIVE MODE`, which also conflicts with itself). SQLite needs none.
    const LOCK_ORGANISATIONS: Option<&'static str>;
    /// Run first in a chunk (or an append) transaction, if any.
    const CHUNK_TRANSACTION_SETUP: Option<&'static str>;
    /// An SQL expression making a new random id (a webhook delivery's, made inside an
    /// `INSERT … SELECT`): `randomblob(16)` on SQLite, `gen_random_uuid()` on PostgreSQL.
    const NEW_ID: &'static str;
    /// The SQL function `f(haystack, needle)` answering the 1-based position of `needle` in
    /// `haystack`, 0 when absent: `instr` on SQLite, `strpos` on PostgreSQL.
    const POSITION: &'static str;

    /// Opens a write transaction.
    async fn begin_write(&self) -> Result<Transaction<'static, Self::Db>>;
    /// `Database::backup_to`.
    async fn backup_to(&self, path: &std::path::Path) -> Result<()>;
    /// Inserts the devices with `ON CONFLICT DO NOTHING` and returns the ids of the rows inserted
    /// (at most [`ROWS_PER_STATEMENT`] rows per call). Their hashes are not written here:
    /// callers go through `batches::insert_devices_and_hashes`.
    async fn insert_devices(
        tx: &mut Transaction<'static, Self::Db>,
        batch: &Batch,
        rows: &[DeviceInsert<'_>],
        now: DateTime<Utc>,
    ) -> Result<Vec<Uuid>>;
    /// Inserts a part of a batch's items and their inputs; `Conflict(BatchItemRow)` for a row
    /// number the batch already has.
    async fn insert_items(
        tx: &mut Transaction<'static, Self::Db>,
        batch_id: Uuid,
        items: &[BatchItem],
    ) -> Result<()>;
    /// Marks every device of `activations` still `registered` and never activated `active` at
    /// its time, in one statement; returns the ids it changed (at most
    /// [`ROWS_PER_STATEMENT`] activations per call).
    async fn activate_rows(
        tx: &mut Transaction<'static, Self::Db>,
        activations: &[crate::Activation],
    ) -> Result<Vec<Uuid>>;
    /// Records the outcomes of a part of a chunk's items.
    async fn record_outcomes(
        tx: &mut Transaction<'static, Self::Db>,
        batch_id: Uuid,
        outcomes: &[ItemOutcome<'_>],
    ) -> Result<()>;
}

/// A device of a chunk about to be inserted, with the id it gets if its identity is free.
pub(crate) struct DeviceInsert<'a> {
    pub row: i64,
    pub device: &'a NewDevice,
    pub unassigned: bool,
    pub id: Uuid,
}

impl DeviceInsert<'_> {
    pub fn state(&self) -> crate::DeviceState {
        if self.unassigned {
            crate::DeviceState::Unassigned
        } else {
            crate::DeviceState::Registered
        }
    }
}

/// What happened to one pending item of a chunk.
pub(crate) struct ItemOutcome<'a> {
    pub row: i64,
    pub status: ItemStatus,
    pub device_id: Option<Uuid>,
    pub error: Option<&'a RowError>,
}

pub(crate) const ORG_COLUMNS: &str = "id, kind, name, domain, created_at";
pub(crate) const USER_COLUMNS: &str =
    "id, org_id, email, role, password_hash, must_change_password, created_at, disabled_at, \
     one_time_password_expires_at, language";
pub(crate) const API_KEY_COLUMNS: &str =
    "id, org_id, name, role, key_hash, created_at, revoked_at, expires_at";
pub(crate) const SESSION_COLUMNS: &str = "token_hash, user_id, csrf_token, created_at, expires_at";
pub(crate) const INVITATION_COLUMNS: &str = "id, token_hash, creator_org_id, kind, customer_id, reusable, \
     created_at, expires_at, withdrawn_at, accepted_count";
pub(crate) const RELATIONSHIP_COLUMNS: &str = "id, partner_org_id, customer_org_id, kind, invitation_id, \
     accepted_by_user_id, approval_mode, created_at, revoked_at, revoked_by_org_id";
pub(crate) const PROFILE_COLUMNS: &str =
    "id, customer_id, name, group_tag, settings, built_in, created_at, updated_at";
/// A device as read: its row, with the hardware hash from `device_hashes` (kept apart so that
/// a device row fits on a page; migrations/sqlite/0006_device_hashes.sql). Selected from, or
/// returned by, the table `devices` under its own name.
pub(crate) const DEVICE_COLUMNS: &str =
    "id, customer_id, registered_by_org_id, batch_id, state, serial_number, product_key_id, \
     (SELECT h.hardware_hash FROM device_hashes h WHERE h.device_id = devices.id) AS hardware_hash, \
     manufacturer, model, group_tag, profile_id, assigned_user, tuple_key, \
     pkid_key, hash_key, created_at, updated_at, activated_at, deregistered_at";
/// The columns a new device row is written with (its hash goes to `device_hashes`).
pub(crate) const DEVICE_INSERT_COLUMNS: &str =
    "id, customer_id, registered_by_org_id, batch_id, state, serial_number, product_key_id, \
     verified, manufacturer, model, group_tag, profile_id, assigned_user, tuple_key, \
     pkid_key, hash_key, created_at, updated_at, activated_at, deregistered_at";
pub(crate) const BATCH_COLUMNS: &str = "id, customer_id, submitted_by_org_id, actor_kind, actor_id, status, \
     default_group_tag, allow_unknown_tags, idempotency_key, total, registered, unassigned, failed, \
     created_at, started_at, finished_at, order_number, purchase_order, ship_date, decided_at, \
     decided_by_id, rejection_reason, voided_at, file_name";
pub(crate) const BATCH_ITEM_COLUMNS: &str =
    "batch_id, row_no, status, device_id, error_code, error_message, error_hint";
/// Items joined with their submitted input, aliased `i` and `n`.
pub(crate) const BATCH_ITEM_SELECT: &str = "SELECT i.batch_id, i.row_no, n.input, i.status, i.device_id, \
     i.error_code, i.error_message, i.error_hint FROM batch_items i \
     JOIN batch_item_inputs n ON n.batch_id = i.batch_id AND n.row_no = i.row_no";
pub(crate) const WEBHOOK_COLUMNS: &str = "id, org_id, url, secret, events, created_at, created_by";
pub(crate) const DELIVERY_COLUMNS: &str = "id, webhook_id, org_id, event_id, event_type, occurred_at, data, \
     status, attempts, next_attempt_at, last_status_code, last_error, created_at, finished_at";
pub(crate) const ATTEMPT_COLUMNS: &str =
    "delivery_id, attempt, at, status_code, error, response_excerpt, duration_ms, next_attempt_at";
pub(crate) const AUDIT_COLUMNS: &str = "seq, at, request_id, actor_kind, actor_id, actor_org_id, \
     tenant_org_id, action, target_type, target_id, details";

/// Rows per multi-row statement: 20 device columns × 500 stays far below SQLite's 32,766 and
/// PostgreSQL's 65,535 bind parameters.
pub(crate) const ROWS_PER_STATEMENT: usize = 500;

/// How many times a chunk transaction is retried after a deadlock, serialization failure or
/// busy database before the error is returned.
pub(crate) const TRANSIENT_RETRIES: u32 = 5;

/// Maps a database error: a unique violation becomes `Conflict(conflict)`, a foreign-key violation
/// (a referenced row does not exist) `NotFound`, anything else as `From<sqlx::Error>` decides.
pub(crate) fn map_err(conflict: Conflict) -> impl Fn(sqlx::Error) -> StorageError {
    move |err| match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StorageError::Conflict(conflict),
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StorageError::NotFound,
        _ => StorageError::from(err),
    }
}

/// Maps a database error of a statement no unique index can refuse: a foreign-key violation
/// (a referenced row does not exist) becomes `NotFound`, anything else as `From<sqlx::Error>` decides.
pub(crate) fn map_missing(err: sqlx::Error) -> StorageError {
    match &err {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StorageError::NotFound,
        _ => StorageError::from(err),
    }
}

/// Deadlock, serialization failure (PostgreSQL) or a busy/locked database (SQLite): the whole
/// transaction can simply run again.
pub(crate) fn is_transient(err: &StorageError) -> bool {
    let StorageError::Internal(sqlx::Error::Database(db)) = err else { return false };
    matches!(db.code().as_deref(), Some("40P01" | "40001" | "5" | "6" | "517" | "261" | "262"))
}

pub(crate) fn encode_device_cursor(seq: i64) -> String {
    format!("d{seq}")
}

pub(crate) fn decode_device_cursor(cursor: &str) -> Result<i64, StorageError> {
    cursor.strip_prefix('d').and_then(crate::parse_cursor_number).ok_or(StorageError::InvalidCursor)
}

/// The cursor of the page before (newer devices than) the device of `seq`.
pub(crate) fn encode_previous_device_cursor(seq: i64) -> String {
    format!("u{seq}")
}

/// A device page's cursor: `Ok(seq)` for older devices than `seq` (`d…`, the next page),
/// `Err(seq)` for newer ones (`u…`, the page before).
pub(crate) fn decode_device_window_cursor(
    cursor: &str,
) -> Result<std::result::Result<i64, i64>, StorageError> {
    if let Some(seq) = cursor.strip_prefix('u').and_then(crate::parse_cursor_number) {
        return Ok(Err(seq));
    }
    decode_device_cursor(cursor).map(Ok)
}

impl ItemOutcome<'_> {
    pub fn error_code(&self) -> Option<&str> {
        self.error.map(|e| e.code.as_str())
    }
    pub fn error_message(&self) -> Option<&str> {
        self.error.map(|e| e.message.as_str())
    }
    pub fn error_hint(&self) -> Option<&str> {
        self.error.and_then(|e| e.hint.as_deref())
    }
}

/// The stored error columns of a failed item. Each column is written from one `RowError`; a code
/// this build does not know (written by a newer one) reads as `InvalidRequestBody`, keeping its
/// stored message.
pub(crate) fn decode_row_error(
    code: Option<String>,
    message: Option<String>,
    hint: Option<String>,
) -> Option<RowError> {
    let code = code?;
    Some(RowError {
        code: RowErrorCode::parse(&code).unwrap_or(RowErrorCode::InvalidRequestBody),
        message: message.unwrap_or_default(),
        hint,
    })
}

/// A `batch_items` row joined with its input, as stored.
#[derive(sqlx::FromRow)]
pub(crate) struct BatchItemRow {
    batch_id: Uuid,
    row_no: i64,
    #[sqlx(json)]
    input: serde_json::Value,
    status: ItemStatus,
    device_id: Option<Uuid>,
    error_code: Option<String>,
    error_message: Option<String>,
    error_hint: Option<String>,
}

impl From<BatchItemRow> for BatchItem {
    fn from(row: BatchItemRow) -> Self {
        BatchItem {
            batch_id: row.batch_id,
            row: row.row_no,
            input: row.input,
            status: row.status,
            device_id: row.device_id,
            error: decode_row_error(row.error_code, row.error_message, row.error_hint),
        }
    }
}

/// The error columns of an item to insert.
pub(crate) fn item_error_columns(item: &BatchItem) -> (Option<&str>, Option<&str>, Option<&str>) {
    match &item.error {
        Some(e) => (Some(e.code.as_str()), Some(e.message.as_str()), e.hint.as_deref()),
        None => (None, None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_row_errors_decode_into_the_domain_type() {
        assert_eq!(decode_row_error(None, None, None), None);
        let known = RowError::relationship_revoked();
        let stored = decode_row_error(
            Some(known.code.as_str().to_owned()),
            Some(known.message.clone()),
            known.hint.clone(),
        );
        assert_eq!(stored, Some(known));
        let unknown = decode_row_error(Some("from_a_newer_build".into()), Some("kept".into()), None);
        assert_eq!(unknown, Some(RowError::new(RowErrorCode::InvalidRequestBody, "kept")));
    }
}

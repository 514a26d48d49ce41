//! Registration, whatever the channel (docs/domain.md#registration): a batch is submitted
//! (JSON list or CSV file; partner, OEM or the customer itself), its rows wait as pending items
//! until the workers ([`crate::worker`], the background driver) process them
//! (docs/domain.md#batch-lifecycle), and the devices it registers are listed, shown, re-tagged,
//! deregistered and exported (docs/domain.md#device-lifecycle).
//!
//! Decisions:
//! - Submitting is two steps, [`begin`] then [`Submission::submit`], so the caller's reach is
//!   decided before a byte of the upload is read: a partner without consent writes nothing.
//! - A CSV file unusable as a whole is a typed outcome ([`Submitted::FileRefused`]) with every
//!   diagnostic, not an error: each channel shows them its own way.
//! - Work that outlives one transaction (a streamed CSV intake, an export) re-checks consent as
//!   it goes (docs/domain.md#consent-where-work-happens).

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use chrono::Utc;
use futures::stream::{self, BoxStream, StreamExt};
use uuid::Uuid;
use ztd_domain::codes::RowError;
use ztd_domain::csv::{Column, CsvWriter, Diagnostic, Format, Layout, WriteError};
use ztd_domain::device::{check_field, DeviceField, DeviceInput};
use ztd_storage::{
    Batch, BatchItem, BatchListing, BatchOrder, BatchStatus, Conflict, Database, Device, DeviceFilter,
    DeviceState, ItemStatus, NewAuditEvent, Profile, StorageError,
};

use super::access::{Access, CustomerScope, Need};
use super::dry_run::{check_items, CheckedRow};
use super::{Error, Resource};
use crate::pipeline::{self, ByteStream, IntakeError, IntakeLimits, SubmittedRow, TagCatalog, TagDecision};
use crate::worker::BatchWakeup;

// ---------------------------------------------------------------------------------------------
// Submitting a batch
// ---------------------------------------------------------------------------------------------

/// Longest idempotency key accepted.
const MAX_IDEMPOTENCY_KEY_LEN: usize = 200;

/// A key making a retried submission return the first batch instead of creating another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// 1 to 200 visible ASCII characters, surrounding blanks ignored.
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let key = raw.trim();
        if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(Error::InvalidParameter {
                message: format!(
                    "the Idempotency-Key header must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} visible ASCII characters (a UUID works well)"
                ),
            });
        }
        Ok(Self(key.to_owned()))
    }
}

/// Longest order number or purchase order accepted.
const MAX_ORDER_FIELD_LEN: usize = 64;

/// The order a batch ships under, from its raw fields (JSON fields or CSV query parameters):
/// order number and purchase order are 1 to 64 visible characters (surrounding blanks
/// ignored, empty means not given); the ship date is `YYYY-MM-DD`.
pub fn parse_order(
    order_number: Option<&str>,
    purchase_order: Option<&str>,
    ship_date: Option<&str>,
) -> Result<BatchOrder, Error> {
    fn field(name: &str, raw: Option<&str>) -> Result<Option<String>, Error> {
        let Some(value) = raw.map(str::trim).filter(|value| !value.is_empty()) else { return Ok(None) };
        if value.chars().count() > MAX_ORDER_FIELD_LEN || value.chars().any(char::is_control) {
            return Err(Error::invalid(
                "invalid_order_field",
                format!("{name} {value:?} must be at most {MAX_ORDER_FIELD_LEN} characters without control characters"),
            )
            .with_hint(format!("shorten {name} to the order's own reference")));
        }
        Ok(Some(value.to_owned()))
    }
    let ship_date = match ship_date.map(str::trim).filter(|value| !value.is_empty()) {
        None => None,
        Some(text) => Some(chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            Error::invalid(
                "invalid_order_field",
                format!("ship_date {text:?} is not a date written YYYY-MM-DD"),
            )
            .with_hint("write the date as year-month-day, e.g. 2026-12-24")
        })?),
    };
    Ok(BatchOrder {
        order_number: field("order_number", order_number)?,
        purchase_order: field("purchase_order", purchase_order)?,
        ship_date,
    })
}

/// The order of a JSON batch: its own fields when it has any, else the request's.
pub(in crate::app) fn json_order(
    json: &ztd_domain::json_batch::JsonBatch,
    fallback: BatchOrder,
) -> Result<BatchOrder, Error> {
    if json.order_number.is_none() && json.purchase_order.is_none() && json.ship_date.is_none() {
        return Ok(fallback);
    }
    parse_order(json.order_number.as_deref(), json.purchase_order.as_deref(), json.ship_date.as_deref())
}

/// What a channel submits: bytes read as they arrive, or devices it already holds as values.
pub enum Upload {
    /// `{"group_tag", "devices": [...], "allow_unknown_tags"}` ([`pipeline::JsonBatchSchema`]).
    Json(ByteStream),
    /// A device CSV file (Partner Center, Autopilot/Intune or MMD format).
    Csv(ByteStream),
    /// Devices as values (the operator console, an API that has parsed its own body).
    Devices(Vec<DeviceInput>),
}

/// Options of a submission; for a JSON upload, the upload's own fields win.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Default group tag; a row's own tag overrides it.
    pub group_tag: Option<String>,
    /// Register devices whose tag matches no profile, unassigned, instead of refusing them.
    pub allow_unknown_tags: Option<bool>,
    pub idempotency_key: Option<IdempotencyKey>,
    /// What the devices ship under (docs/domain.md#orders-and-void); see [`parse_order`].
    pub order: BatchOrder,
    pub limits: IntakeLimits,
}

/// What became of a submission.
#[derive(Debug)]
pub enum Submitted {
    /// Stored and queued (`created`), or the first batch of a retried submission (`!created`).
    /// Its rows are (mostly) pending: [`show_batch`] has the results.
    Accepted { batch: Box<Batch>, created: bool },
    /// A CSV file unusable as a whole (encoding, header, no rows): nothing was kept.
    FileRefused { diagnostics: Vec<Diagnostic> },
}

/// Proof that the caller may register into one customer, taken before the upload is read.
pub struct Submission {
    scope: CustomerScope,
    template: Batch,
}

/// Starts a submission into `customer_id`: registrars and admins of the customer, or of a
/// partner/OEM with an active relationship.
pub async fn begin(access: &Access, customer_id: Uuid) -> Result<Submission, Error> {
    let scope = access.customer_scope(customer_id, Need::Register).await?;
    let caller = access.caller();
    let template = Batch {
        id: Uuid::nil(),
        customer_id,
        submitted_by_org_id: caller.org.id,
        actor_kind: caller.actor.kind,
        actor_id: Some(caller.actor.id),
        status: BatchStatus::Queued,
        default_group_tag: None,
        allow_unknown_tags: false,
        idempotency_key: None,
        total: 0,
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
    Ok(Submission { scope, template })
}

impl Submission {
    pub fn customer_id(&self) -> Uuid {
        self.scope.customer_id()
    }

    pub(in crate::app) fn scope(&self) -> &CustomerScope {
        &self.scope
    }

    /// Keeps the name of the file the batch is uploaded from (shown in the batch lists,
    /// docs/portal.md#batches): its last path segment, without control characters, at most
    /// 255 characters; an empty name is no name.
    pub fn with_file_name(mut self, file_name: &str) -> Self {
        let base = file_name.rsplit(['/', '\\']).next().unwrap_or_default();
        let clean: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
        let clean = clean.trim();
        self.template.file_name = (!clean.is_empty()).then(|| clean.to_owned());
        self
    }

    /// Reads and stores the upload as one queued batch (every row pending), audited with the
    /// batch's creation, and wakes a worker.
    pub async fn submit(
        self,
        upload: Upload,
        options: BatchOptions,
        wakeup: &BatchWakeup,
    ) -> Result<Submitted, Error> {
        let customer_id = self.scope.customer_id();
        let key = options.idempotency_key.map(|key| key.0);
        let (stored, created) = match upload {
            Upload::Json(body) => {
                let (json, intake) =
                    pipeline::read_json_batch(body, options.limits).await.map_err(intake_error)?;
                let order = json_order(&json, options.order)?;
                let tag = json.group_tag.or(options.group_tag);
                let allow = json.allow_unknown_tags.or(options.allow_unknown_tags).unwrap_or(false);
                let total = i64::try_from(intake.rows.len()).unwrap_or(i64::MAX);
                let batch = self.new_batch(tag, allow, key, total, order);
                let audit = created_audit(&self.scope, &batch, "json");
                let items = intake.into_items(batch.id);
                self.scope.ctx().db().create_batch(&batch, &items, &audit).await?
            }
            Upload::Devices(devices) => {
                if devices.len() > options.limits.max_rows {
                    return Err(intake_error(IntakeError::TooManyRows { limit: options.limits.max_rows }));
                }
                if devices.is_empty() {
                    return Err(intake_error(IntakeError::NoDevices));
                }
                let allow = options.allow_unknown_tags.unwrap_or(false);
                let total = i64::try_from(devices.len()).unwrap_or(i64::MAX);
                let batch = self.new_batch(options.group_tag, allow, key, total, options.order);
                let audit = created_audit(&self.scope, &batch, "devices");
                let rows =
                    (1..).zip(devices).map(|(row, input)| (row, SubmittedRow::Device(input))).collect();
                let items = pipeline::Intake { rows }.into_items(batch.id);
                self.scope.ctx().db().create_batch(&batch, &items, &audit).await?
            }
            Upload::Csv(body) => {
                let allow = options.allow_unknown_tags.unwrap_or(false);
                let batch = self.new_batch(options.group_tag, allow, key, 0, options.order);
                match stream_csv_batch(&self.scope, batch, body, options.limits).await? {
                    CsvIntake::Stored { batch, created } => (*batch, created),
                    CsvIntake::Refused(diagnostics) => return Ok(Submitted::FileRefused { diagnostics }),
                }
            }
        };
        if created {
            wakeup.batch_queued();
        } else if stored.customer_id != customer_id {
            return Err(Error::conflict(
                "idempotency_key_reused",
                "this Idempotency-Key was already used for a batch of another customer",
            )
            .with_hint("use a new key for each distinct upload"));
        }
        Ok(Submitted::Accepted { batch: Box::new(stored), created })
    }

    /// A batch as submitted now: queued (storage makes it wait for approval under a
    /// relationship in review mode), nothing counted yet.
    pub(in crate::app) fn new_batch(
        &self,
        default_tag: Option<String>,
        allow_unknown_tags: bool,
        idempotency_key: Option<String>,
        total: i64,
        order: BatchOrder,
    ) -> Batch {
        Batch {
            id: Uuid::new_v4(),
            default_group_tag: default_tag.filter(|tag| !tag.is_empty()),
            allow_unknown_tags,
            idempotency_key,
            total,
            created_at: Utc::now(),
            order,
            ..self.template.clone()
        }
    }
}

fn created_audit(scope: &CustomerScope, batch: &Batch, format: &str) -> NewAuditEvent {
    scope.ctx().event(
        "device_batch.create",
        "device_batch",
        batch.id,
        Some(batch.customer_id),
        serde_json::json!({
            "format": format,
            // A streamed CSV's count is known when it is sealed; `device_batch.finished` has it.
            "total": (batch.total > 0).then_some(batch.total),
            "group_tag": batch.default_group_tag,
            "allow_unknown_tags": batch.allow_unknown_tags,
            "idempotency_key": batch.idempotency_key,
            "order_number": batch.order.order_number,
            "purchase_order": batch.order.purchase_order,
            "ship_date": batch.order.ship_date,
        }),
    )
}

pub(in crate::app) fn intake_error(error: IntakeError) -> Error {
    match error {
        IntakeError::TooLarge { limit } => Error::TooLarge { limit },
        IntakeError::TooManyRows { limit } => Error::invalid(
            "too_many_rows",
            format!("the upload has more than {limit} device rows, the limit of one batch"),
        )
        .with_hint(format!("split the file into batches of at most {limit} rows (`ztd csv split`)")),
        IntakeError::NoDevices => Error::invalid("empty_batch", "the batch has no devices")
            .with_hint("add at least one device (JSON `devices` list or CSV row)"),
        IntakeError::InvalidJson(message) => {
            Error::Malformed { message: format!("invalid JSON body: {message}") }
        }
        IntakeError::Body(message) => {
            Error::Malformed { message: format!("the request body could not be read: {message}") }
        }
        IntakeError::InvalidFile { diagnostics } => Error::invalid(
            "invalid_csv_file",
            format!("the file cannot be registered: {} problem(s)", diagnostics.len()),
        ),
    }
}

/// What became of a CSV upload.
enum CsvIntake {
    Stored {
        batch: Box<Batch>,
        created: bool,
    },
    /// Unusable as a whole (encoding, header, no rows): nothing is kept.
    Refused(Vec<Diagnostic>),
}

/// Streams a CSV body into an open batch, chunk by chunk, and seals it at the end, so memory
/// stays flat whatever the file's size. The batch is opened with the first chunk of rows (a
/// file refused at its header writes nothing) and discarded if the upload goes wrong later
/// (too large, too many rows, broken off): workers never see a partial upload.
async fn stream_csv_batch(
    scope: &CustomerScope,
    batch: Batch,
    body: ByteStream,
    limits: IntakeLimits,
) -> Result<CsvIntake, Error> {
    let db = scope.ctx().db();
    let mut rows = pipeline::CsvRowStream::start(body, limits);
    let mut opened: Option<OpenBatch> = None;
    while let Some(chunk) = rows.next_chunk().await {
        let open = match &mut opened {
            Some(open) => open,
            None => {
                let (stored, created) = open_csv_batch(scope, &batch, limits).await?;
                if !created {
                    // An idempotent retry: the first batch is the answer, the body is not needed.
                    rows.abandon();
                    return Ok(CsvIntake::Stored { batch: Box::new(stored), created: false });
                }
                opened.insert(OpenBatch::new(scope, stored))
            }
        };
        let items = pipeline::pending_items(open.batch.id, chunk);
        if let Err(error) = db.append_batch_items(open.batch.id, &items).await {
            rows.abandon();
            if let Some(open) = opened.take() {
                let reason = match error {
                    StorageError::ConsentRevoked => "the customer revoked the relationship during the upload",
                    _ => "the rows could not be stored",
                };
                open.discard(scope, reason).await;
            }
            return Err(error.into());
        }
    }
    if let Err(error) = rows.finish().await {
        if let Some(open) = opened.take() {
            open.discard(scope, &error.to_string()).await;
        }
        return match error {
            IntakeError::InvalidFile { diagnostics } => Ok(CsvIntake::Refused(diagnostics)),
            other => Err(intake_error(other)),
        };
    }
    let Some(open) = opened else { return Err(intake_error(IntakeError::NoDevices)) };
    Ok(CsvIntake::Stored { batch: Box::new(open.seal(scope).await?), created: true })
}

/// Opens the batch of a CSV upload. A retry whose first upload is still receiving never gets
/// that batch as its answer (docs/domain.md#batch-lifecycle): abandoned (no rows for
/// `limits.abandoned_after`), it is discarded and this upload goes ahead as a new one; still
/// fresh, another request may be sending it: 409 `upload_in_progress`.
async fn open_csv_batch(
    scope: &CustomerScope,
    batch: &Batch,
    limits: IntakeLimits,
) -> Result<(Batch, bool), Error> {
    let db = scope.ctx().db();
    let audit = created_audit(scope, batch, "csv");
    match db.open_batch(batch, &audit).await {
        Err(StorageError::Conflict(Conflict::UploadInProgress)) => {}
        other => return Ok(other?),
    }
    db.discard_stale_uploads(crate::worker::abandoned_before(limits.abandoned_after)).await?;
    Ok(db.open_batch(batch, &audit).await?)
}

/// A batch still receiving its rows. Unless sealed, it is discarded: explicitly when the
/// upload fails, and from `Drop` when the request itself goes away mid-upload (the client
/// disconnected), so no half-received batch lingers.
struct OpenBatch {
    db: Arc<dyn Database>,
    batch: Batch,
    /// The audit event of a discard on drop; `None` once sealed or discarded.
    on_drop: Option<NewAuditEvent>,
}

impl OpenBatch {
    fn new(scope: &CustomerScope, batch: Batch) -> Self {
        let on_drop = discard_audit(scope, &batch, "the upload broke off");
        Self { db: scope.ctx().shared_db(), batch, on_drop: Some(on_drop) }
    }

    /// Ends intake. Consent revoked since the last rows arrived discards the upload.
    async fn seal(mut self, scope: &CustomerScope) -> Result<Batch, StorageError> {
        match self.db.seal_batch(self.batch.id).await {
            Ok(sealed) => {
                self.on_drop = None;
                Ok(sealed)
            }
            Err(StorageError::ConsentRevoked) => {
                self.discard(scope, "the customer revoked the relationship during the upload").await;
                Err(StorageError::ConsentRevoked)
            }
            Err(other) => Err(other),
        }
    }

    /// Removes the batch; logged, never hiding the upload's own error.
    async fn discard(mut self, scope: &CustomerScope, reason: &str) {
        self.on_drop = None;
        let audit = discard_audit(scope, &self.batch, reason);
        if let Err(error) = self.db.discard_open_batch(self.batch.id, &audit).await {
            tracing::error!(batch = %self.batch.id, %error, "could not discard a failed upload");
        }
    }
}

impl Drop for OpenBatch {
    fn drop(&mut self) {
        let Some(audit) = self.on_drop.take() else { return };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let (db, id) = (self.db.clone(), self.batch.id);
        runtime.spawn(async move {
            if let Err(error) = db.discard_open_batch(id, &audit).await {
                tracing::error!(batch = %id, %error, "could not discard a broken-off upload");
            }
        });
    }
}

fn discard_audit(scope: &CustomerScope, batch: &Batch, reason: &str) -> NewAuditEvent {
    scope.ctx().event(
        "device_batch.discard",
        "device_batch",
        batch.id,
        Some(batch.customer_id),
        serde_json::json!({ "reason": reason }),
    )
}

// ---------------------------------------------------------------------------------------------
// Showing a batch
// ---------------------------------------------------------------------------------------------

/// Row results per page of a batch unless asked otherwise, and the most per page.
pub const DEFAULT_ROWS_PER_PAGE: u32 = 1_000;
pub const MAX_ROWS_PER_PAGE: u32 = 10_000;

/// Which page of a batch's row results.
#[derive(Debug, Clone, Default)]
pub struct RowsPage {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to [`MAX_ROWS_PER_PAGE`] (default [`DEFAULT_ROWS_PER_PAGE`]).
    pub limit: Option<u32>,
}

/// What became of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowOutcome {
    /// 1-based position in a JSON `devices` list, or the line number in a CSV file.
    pub row: i64,
    pub status: ItemStatus,
    /// The registered device, when the row registered one.
    pub device_id: Option<Uuid>,
    /// The device as submitted (empty for a row the channel refused).
    pub device: DeviceInput,
    pub error: Option<RowError>,
    /// For a row of a batch waiting for approval: what it would become if approved now
    /// (docs/domain.md#approval-queue).
    pub preview: Option<CheckedRow>,
}

impl RowOutcome {
    fn from_item(item: BatchItem) -> Self {
        let device = SubmittedRow::from_json(item.input).device().cloned().unwrap_or_default();
        Self {
            row: item.row,
            status: item.status,
            device_id: item.device_id,
            device,
            error: item.error,
            preview: None,
        }
    }
}

/// A batch with one page of its row results, in row order.
#[derive(Debug, Clone)]
pub struct BatchPage {
    pub batch: Batch,
    pub rows: Vec<RowOutcome>,
    /// Cursor of the next page; `None` on the last page.
    pub next_cursor: Option<String>,
    /// The submitter's history after the customer revoked the relationship: readable, but
    /// nothing about it can be changed and the customer's devices are out of reach.
    pub read_only: bool,
}

/// Rows of `batch` not processed yet.
pub fn pending(batch: &Batch) -> i64 {
    (batch.total - batch.registered - batch.unassigned - batch.failed).max(0)
}

/// A batch's status, counts and one page of row results: the customer's batches, and what a
/// partner submitted while its relationship is active; anything else is a missing batch.
pub async fn show_batch(access: &Access, batch_id: Uuid, page: RowsPage) -> Result<BatchPage, Error> {
    let scope = access.batch_scope(batch_id).await?;
    let limit = page.limit.unwrap_or(DEFAULT_ROWS_PER_PAGE);
    if !(1..=MAX_ROWS_PER_PAGE).contains(&limit) {
        return Err(Error::InvalidParameter {
            message: format!("limit {limit} is out of range; use 1 to {MAX_ROWS_PER_PAGE}"),
        });
    }
    let after_row = match &page.cursor {
        None => None,
        Some(cursor) => Some(ztd_storage::parse_cursor_number(cursor).ok_or_else(|| {
            Error::InvalidParameter { message: format!("cursor {cursor:?} is not one this service gave out") }
        })?),
    };
    let owner = scope.owner();
    // One row more than asked tells whether another page follows.
    let mut items = scope
        .ctx()
        .db()
        .list_batch_items(&owner, batch_id, after_row, limit + 1)
        .await
        .map_err(Error::or_not_found(Resource::Batch, batch_id))?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|item| item.row.to_string())
    } else {
        None
    };
    let batch = scope.batch();
    // A waiting batch is checked as it would be processed now, so the customer sees what it
    // approves. Each page is checked on its own: a duplicate of a row on another page shows
    // once the batch is processed.
    // Not for a submitter's history: what approving would do now is the customer's business.
    let previews = if batch.status == BatchStatus::AwaitingApproval && !scope.is_read_only() {
        let pending = items.iter().filter(|item| item.status == ItemStatus::Pending).cloned().collect();
        check_items(scope.ctx().db(), batch, pending, Some(batch.id)).await?
    } else {
        Vec::new()
    };
    let mut previews = previews.into_iter().map(|checked| (checked.row, checked)).collect::<HashMap<_, _>>();
    let rows = items
        .into_iter()
        .map(|item| {
            let mut outcome = RowOutcome::from_item(item);
            outcome.preview = previews.remove(&outcome.row);
            outcome
        })
        .collect();
    Ok(BatchPage { batch: batch.clone(), rows, next_cursor, read_only: scope.is_read_only() })
}

/// Batches per page unless asked otherwise, and the most per page.
pub const DEFAULT_BATCHES_PER_PAGE: u32 = 50;
pub const MAX_BATCHES_PER_PAGE: u32 = 500;

/// A page of batches, newest first.
#[derive(Debug, Clone)]
pub struct BatchList {
    pub batches: Vec<Batch>,
    pub next_cursor: Option<String>,
}

/// The customer's batches the caller reaches (a partner: those it submitted), newest first,
/// optionally of one status (`awaiting_approval` is the customer's approval queue).
pub async fn list_batches(
    access: &Access,
    customer_id: Uuid,
    status: Option<&str>,
    cursor: Option<&str>,
    limit: Option<u32>,
) -> Result<BatchList, Error> {
    let scope = access.customer_scope(customer_id, Need::Read).await?;
    let limit = limit.unwrap_or(DEFAULT_BATCHES_PER_PAGE);
    if !(1..=MAX_BATCHES_PER_PAGE).contains(&limit) {
        return Err(Error::InvalidParameter {
            message: format!("limit {limit} is out of range; use 1 to {MAX_BATCHES_PER_PAGE}"),
        });
    }
    let status = match status.filter(|text| !text.is_empty()) {
        None => None,
        Some(text) => Some(BatchStatus::parse(text).ok_or_else(|| Error::InvalidParameter {
            message: format!(
                "status {text:?} is not one of {}",
                BatchStatus::ALL.iter().map(|status| status.as_str()).collect::<Vec<_>>().join(", ")
            ),
        })?),
    };
    let before = match cursor {
        None => None,
        Some(text) => Some(
            ztd_storage::parse_cursor_number(text)
                .and_then(chrono::DateTime::from_timestamp_micros)
                .ok_or_else(|| Error::InvalidParameter {
                    message: format!("cursor {text:?} is not one this service gave out"),
                })?,
        ),
    };
    let db = scope.ctx().db();
    let mut batches = db.list_batches(&scope.owner(), customer_id, status, before, limit + 1).await?;
    let next_cursor = if batches.len() > limit as usize {
        batches.truncate(limit as usize);
        batches.last().map(|batch| batch.created_at.timestamp_micros().to_string())
    } else {
        None
    };
    Ok(BatchList { batches, next_cursor })
}

/// A page of the batch list (docs/portal.md#batches), newest first.
#[derive(Debug, Clone)]
pub struct BatchHistory {
    pub batches: Vec<BatchListing>,
    /// The next page (older batches), if any.
    pub next_cursor: Option<String>,
}

/// The batches the caller may list, with who submitted them, newest first: a customer's whole
/// tenant; a partner's own submissions to `customer_id` or to every customer, its batches
/// from before a revocation included (read only; [`crate::app::access::Access::batch_history_scope`]).
pub async fn list_batch_history(
    access: &Access,
    customer_id: Option<Uuid>,
    cursor: Option<&str>,
    limit: Option<u32>,
) -> Result<BatchHistory, Error> {
    let scope = access.batch_history_scope(customer_id).await?;
    let limit = limit.unwrap_or(DEFAULT_BATCHES_PER_PAGE);
    if !(1..=MAX_BATCHES_PER_PAGE).contains(&limit) {
        return Err(Error::InvalidParameter {
            message: format!("limit {limit} is out of range; use 1 to {MAX_BATCHES_PER_PAGE}"),
        });
    }
    let before = match cursor.filter(|text| !text.is_empty()) {
        None => None,
        Some(text) => Some(parse_history_cursor(text).ok_or_else(|| Error::InvalidParameter {
            message: format!("cursor {text:?} is not one this service gave out"),
        })?),
    };
    let mut batches = scope.ctx().db().list_batch_history(scope.reach(), before, limit + 1).await?;
    let next_cursor = if batches.len() > limit as usize {
        batches.truncate(limit as usize);
        batches
            .last()
            .map(|listing| format!("{}.{}", listing.batch.created_at.timestamp_micros(), listing.batch.id))
    } else {
        None
    };
    Ok(BatchHistory { batches, next_cursor })
}

/// `<microseconds>.<batch id>`: the last batch of the page before.
fn parse_history_cursor(text: &str) -> Option<(chrono::DateTime<Utc>, Uuid)> {
    let (micros, id) = text.split_once('.')?;
    let at = ztd_storage::parse_cursor_number(micros).and_then(chrono::DateTime::from_timestamp_micros)?;
    Some((at, id.parse().ok()?))
}

/// What voiding a batch did, devices shown as in the device list.
#[derive(Debug, Clone)]
pub struct Voided {
    pub batch: Batch,
    pub voided: Vec<ShownDevice>,
    /// Devices that booted already: left registered (docs/domain.md#orders-and-void).
    pub not_voided: Vec<ShownDevice>,
}

/// Voids a batch, like voiding an order (docs/domain.md#orders-and-void): only the
/// organisation that submitted it (registrars and admins), once it has finished; each of its
/// devices that has not booted is deregistered, the ones that did stay and are listed.
/// Voiding again deregisters nothing more.
pub async fn void_batch(access: &Access, batch_id: Uuid) -> Result<Voided, Error> {
    access.require_role(ztd_storage::Role::Registrar)?;
    let scope = access.batch_scope_to_change(batch_id).await?;
    let batch = scope.batch();
    if batch.submitted_by_org_id != access.org_id() {
        return Err(Error::forbidden(
            "not_batch_submitter",
            format!("batch {batch_id} was submitted by another organisation; only its submitter voids it"),
        )
        .with_hint("deregister single devices instead, or ask the organisation that registered them"));
    }
    let ctx = scope.ctx();
    let audit = ctx.event(
        "device_batch.void",
        "device_batch",
        batch_id,
        Some(batch.customer_id),
        serde_json::json!({
            "order_number": batch.order.order_number,
        }),
    );
    let device_audit = ctx.event(
        "device.deregister",
        "device",
        Uuid::nil(),
        Some(batch.customer_id),
        serde_json::Value::Null,
    );
    let outcome = match ctx
        .db()
        .void_batch(access.org_id(), batch_id, Utc::now(), &audit, &device_audit)
        .await
    {
        Ok(outcome) => outcome,
        Err(StorageError::NotFound) => return Err(Error::not_found(Resource::Batch, batch_id)),
        Err(StorageError::Conflict(Conflict::BatchNotFinished)) => return Err(Error::conflict(
            "batch_not_finished",
            format!("batch {batch_id} is {}; only a finished batch can be voided", batch.status),
        )
        .with_hint(
            "wait until it has finished (a batch awaiting approval can be left to the customer to reject)",
        )),
        Err(other) => return Err(other.into()),
    };
    let customer_id = outcome.batch.customer_id;
    let voided = Shower::show_all(ctx.db(), customer_id, outcome.voided).await?;
    let not_voided = Shower::show_all(ctx.db(), customer_id, outcome.not_voided).await?;
    Ok(Voided { batch: outcome.batch, voided, not_voided })
}

// ---------------------------------------------------------------------------------------------
// Devices
// ---------------------------------------------------------------------------------------------

/// Devices per page unless asked otherwise, and the most per page.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
pub const MAX_PAGE_SIZE: u32 = 1_000;

/// Filters and paging of a device list.
#[derive(Debug, Clone, Default)]
pub struct DeviceQuery {
    /// `registered`, `unassigned`, `active` or `deregistered` (deregistered devices are only
    /// listed when asked for); empty means any.
    pub state: Option<String>,
    /// Exact group tag.
    pub group_tag: Option<String>,
    /// The registering organisation.
    pub registered_by: Option<Uuid>,
    /// Devices of batches shipped under this order number.
    pub order_number: Option<String>,
    /// Devices whose serial number starts with this text, ignoring case (the whole serial
    /// with `serial_exact`).
    pub serial: Option<String>,
    pub serial_exact: bool,
    /// `next_cursor` or `previous_cursor` of an earlier page.
    pub cursor: Option<String>,
    /// 1 to [`MAX_PAGE_SIZE`] (default [`DEFAULT_PAGE_SIZE`]).
    pub limit: Option<u32>,
}

/// A device with what is shown next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownDevice {
    pub device: Device,
    /// The assigned profile; `None` when the device is unassigned.
    pub profile: Option<Profile>,
    /// The registering organisation's name (empty if it no longer exists).
    pub registered_by_name: String,
    /// The order of the batch that registered it (docs/domain.md#orders-and-void).
    pub order: BatchOrder,
}

/// A page of devices.
#[derive(Debug, Clone)]
pub struct DevicePage {
    pub devices: Vec<ShownDevice>,
    /// The page of older devices, if any.
    pub next_cursor: Option<String>,
    /// The page of newer devices, if any.
    pub previous_cursor: Option<String>,
}

/// Looks each profile, registering organisation and order up once for a run of devices.
struct Shower<'a> {
    db: &'a dyn Database,
    profiles: HashMap<Uuid, Profile>,
    orgs: HashMap<Uuid, String>,
    orders: HashMap<Uuid, BatchOrder>,
}

impl<'a> Shower<'a> {
    async fn new(db: &'a dyn Database, customer_id: Uuid) -> Result<Self, Error> {
        let profiles = db.list_profiles(customer_id).await?.into_iter().map(|p| (p.id, p)).collect();
        Ok(Self { db, profiles, orgs: HashMap::new(), orders: HashMap::new() })
    }

    /// Reads the orders of these devices' batches in one query.
    async fn with_orders(mut self, devices: &[Device]) -> Result<Self, Error> {
        let mut batch_ids: Vec<Uuid> = devices.iter().filter_map(|device| device.batch_id).collect();
        batch_ids.sort_unstable();
        batch_ids.dedup();
        self.orders.extend(self.db.batch_orders(&batch_ids).await?);
        Ok(self)
    }

    async fn show(&mut self, device: Device) -> Result<ShownDevice, Error> {
        let org_id = device.registered_by_org_id;
        if !self.orgs.contains_key(&org_id) {
            let name = match self.db.get_org(org_id).await {
                Ok(org) => org.name,
                Err(StorageError::NotFound) => String::new(),
                Err(other) => return Err(other.into()),
            };
            self.orgs.insert(org_id, name);
        }
        let profile = device.profile_id.and_then(|id| self.profiles.get(&id)).cloned();
        let registered_by_name = self.orgs.get(&org_id).cloned().unwrap_or_default();
        let order = device.batch_id.and_then(|id| self.orders.get(&id)).cloned().unwrap_or_default();
        Ok(ShownDevice { device, profile, registered_by_name, order })
    }

    /// Shows a run of devices, in order.
    async fn show_all(
        db: &'a dyn Database,
        customer_id: Uuid,
        devices: Vec<Device>,
    ) -> Result<Vec<ShownDevice>, Error> {
        let mut shower = Self::new(db, customer_id).await?.with_orders(&devices).await?;
        let mut shown = Vec::with_capacity(devices.len());
        for device in devices {
            shown.push(shower.show(device).await?);
        }
        Ok(shown)
    }

    /// Shows one device.
    async fn show_one(db: &'a dyn Database, device: Device) -> Result<ShownDevice, Error> {
        let mut all = Self::show_all(db, device.customer_id, vec![device]).await?;
        all.pop().ok_or_else(|| Error::internal("a shown device went missing"))
    }
}

/// The customer's devices the caller reaches (a partner: its own registrations), newest
/// registrations first, filtered and paged.
pub async fn list_devices(
    access: &Access,
    customer_id: Uuid,
    query: DeviceQuery,
) -> Result<DevicePage, Error> {
    let scope = access.customer_scope(customer_id, Need::Read).await?;
    let limit = query.limit.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&limit) {
        return Err(Error::InvalidParameter {
            message: format!("limit {limit} is out of range; use 1 to {MAX_PAGE_SIZE}"),
        });
    }
    // Checked before anything can answer an empty page, so a bad cursor is refused whatever the
    // filter (storage checks it again when it reads).
    if let Some(cursor) = query.cursor.as_deref() {
        let number = cursor.strip_prefix('d').or_else(|| cursor.strip_prefix('u'));
        if number.and_then(ztd_storage::parse_cursor_number).is_none() {
            return Err(Error::InvalidParameter {
                message: format!("cursor {cursor:?} is not one this service gave out"),
            });
        }
    }
    let Some(filter) = device_filter(&scope, &query)? else {
        return Ok(DevicePage { devices: Vec::new(), next_cursor: None, previous_cursor: None });
    };
    let db = scope.ctx().db();
    let window = match db
        .list_devices_window(&scope.owner(), customer_id, &filter, query.cursor.as_deref(), limit)
        .await
    {
        Ok(window) => window,
        Err(StorageError::InvalidCursor) => {
            return Err(Error::InvalidParameter {
                message: "the cursor is not one this service gave out".into(),
            })
        }
        Err(other) => return Err(other.into()),
    };
    // Storage answers a partner whose consent ended since the scope was given with no rows;
    // that is a revocation, not an empty tenant.
    if window.items.is_empty() && !scope.consent_holds().await? {
        return Err(Error::ConsentRevoked);
    }
    let devices = Shower::show_all(db, customer_id, window.items).await?;
    Ok(DevicePage { devices, next_cursor: window.next_cursor, previous_cursor: window.previous_cursor })
}

/// How many devices [`list_devices`] lists with this query's filters, every page together.
pub async fn count_devices(access: &Access, customer_id: Uuid, query: &DeviceQuery) -> Result<i64, Error> {
    let scope = access.customer_scope(customer_id, Need::Read).await?;
    let Some(filter) = device_filter(&scope, query)? else { return Ok(0) };
    Ok(scope.ctx().db().count_devices(&scope.owner(), customer_id, &filter).await?)
}

/// Longest serial-number search accepted (a serial is at most 256 characters, docs/csv-rules.md).
const MAX_SERIAL_SEARCH_LEN: usize = 256;

/// The storage filter of a device query, narrowed to what the scope reaches (`None`: nothing).
fn device_filter(scope: &CustomerScope, query: &DeviceQuery) -> Result<Option<DeviceFilter>, Error> {
    let device_state = match query.state.as_deref() {
        None | Some("") => None,
        Some(text) => Some(DeviceState::parse(text).ok_or_else(|| Error::InvalidParameter {
            message: format!("state {text:?} is not one of registered, unassigned, active, deregistered"),
        })?),
    };
    let serial = match query.serial.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
        None => None,
        Some(text) if text.chars().count() > MAX_SERIAL_SEARCH_LEN || text.chars().any(char::is_control) => {
            return Err(Error::InvalidParameter {
                message: format!(
                    "the serial number to search for must be at most {MAX_SERIAL_SEARCH_LEN} characters without control characters"
                ),
            })
        }
        Some(text) => Some(ztd_storage::SerialSearch { text: text.to_owned(), exact: query.serial_exact }),
    };
    let filter = DeviceFilter {
        state: device_state,
        group_tag: query.group_tag.clone(),
        registered_by_org_id: query.registered_by,
        order_number: query.order_number.clone().filter(|order| !order.is_empty()),
        serial,
        include_deregistered: device_state == Some(DeviceState::Deregistered),
    };
    Ok(scope.device_filter(filter))
}

/// One device the caller reaches.
pub async fn show_device(access: &Access, id: Uuid) -> Result<ShownDevice, Error> {
    let scope = access.device_scope(id, Need::Read).await?;
    Shower::show_one(scope.ctx().db(), scope.device().clone()).await
}

/// A new group tag for a device.
#[derive(Debug, Clone, Default)]
pub struct TagChange {
    /// Empty or `None` leaves the device unassigned.
    pub group_tag: Option<String>,
    /// Accept a tag that matches no profile (the device becomes unassigned).
    pub allow_unknown_tags: bool,
}

fn deregistered(id: Uuid) -> Error {
    Error::conflict("device_deregistered", format!("device {id} is deregistered"))
        .with_hint("register it again through a device batch")
}

/// Changes a device's group tag; the profile follows at once, by the same tag rules as
/// registration (docs/domain.md#profiles-and-group-tags).
pub async fn change_group_tag(access: &Access, id: Uuid, change: TagChange) -> Result<ShownDevice, Error> {
    let scope = access.device_scope(id, Need::Register).await?;
    let device = scope.device();
    if device.state == DeviceState::Deregistered {
        return Err(deregistered(id));
    }
    if let Some(tag) = change.group_tag.as_deref().filter(|tag| !tag.is_empty()) {
        // The rules a row with this tag would meet at intake (docs/csv-rules.md).
        check_field(DeviceField::GroupTag, tag).map_err(|error| Error::Invalid {
            code: error.code.as_str(),
            message: error.message,
            hint: error.hint,
        })?;
    }
    let db = scope.ctx().db();
    let profiles = db.list_profiles(device.customer_id).await?;
    let (group_tag, profile_id) =
        match TagCatalog::new(&profiles).decide(change.group_tag.as_deref(), change.allow_unknown_tags) {
            TagDecision::Profile { tag, profile_id } => (Some(tag), Some(profile_id)),
            TagDecision::Unassigned { tag } => (tag, None),
            TagDecision::Refused { error, .. } => {
                return Err(Error::Invalid {
                    code: "unknown_group_tag",
                    message: error.message,
                    hint: error.hint,
                })
            }
        };
    let audit = scope.ctx().event(
        "device.update_group_tag",
        "device",
        id,
        Some(device.customer_id),
        serde_json::json!({ "from": device.group_tag, "to": group_tag, "profile_id": profile_id }),
    );
    let updated = db
        .update_device_tag(&scope.owner(), id, group_tag.as_deref(), profile_id, &audit)
        .await
        .map_err(Error::or_not_found(Resource::Device, id))?;
    Shower::show_one(db, updated).await
}

/// Deregisters a device: it stays in the history (and the audit log), and its identity is
/// free at once for a new registration, here or elsewhere.
pub async fn deregister(access: &Access, id: Uuid) -> Result<ShownDevice, Error> {
    let scope = access.device_scope(id, Need::Register).await?;
    let device = scope.device();
    if device.state == DeviceState::Deregistered {
        return Err(deregistered(id));
    }
    let audit = scope.ctx().event(
        "device.deregister",
        "device",
        id,
        Some(device.customer_id),
        serde_json::json!({ "serial_number": device.serial_number, "group_tag": device.group_tag }),
    );
    let db = scope.ctx().db();
    let gone = match db.deregister_device(&scope.owner(), id, Utc::now(), &audit).await {
        Ok(device) => device,
        Err(StorageError::NotFound) => return Err(Error::not_found(Resource::Device, id)),
        Err(StorageError::Conflict(_)) => return Err(deregistered(id)),
        Err(other) => return Err(other.into()),
    };
    Shower::show_one(db, gone).await
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/// Devices read from the database per page of the export.
const EXPORT_PAGE: u32 = 1_000;

/// The bytes of an export, produced as they are sent.
pub type ExportStream = BoxStream<'static, Result<Bytes, std::io::Error>>;

/// The customer's registered devices (not deregistered ones) as a portal CSV file in `format`,
/// streamed page by page so a tenant of any size is never held in memory. A partner gets the
/// devices it registered, and its consent is re-checked before every page: a revocation
/// mid-export ends the stream in an error, so no client takes a cut file for a whole one
/// (docs/domain.md#consent-where-work-happens).
pub async fn export(access: &Access, customer_id: Uuid, format: Format) -> Result<ExportStream, Error> {
    let scope = access.customer_scope(customer_id, Need::Read).await?;
    let filter = scope.device_filter(DeviceFilter::default());
    Ok(export_stream(scope, filter, Layout::full(format)).boxed())
}

enum Cursor {
    Header,
    Page(Option<String>),
    Done,
}

fn export_failed() -> std::io::Error {
    std::io::Error::other("device export failed")
}

/// The header, then one chunk per page of devices. A database error mid-stream ends the body
/// with an error, so the client sees a broken download rather than a silently short file.
fn export_stream(
    scope: CustomerScope,
    filter: Option<DeviceFilter>,
    layout: Layout,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    let customer_id = scope.customer_id();
    stream::unfold(Cursor::Header, move |cursor| {
        let scope = scope.clone();
        let filter = filter.clone();
        async move {
            match cursor {
                Cursor::Done => None,
                Cursor::Header => {
                    let header = Bytes::from(format!("{}\r\n", layout.header_line()));
                    let next = if filter.is_some() { Cursor::Page(None) } else { Cursor::Done };
                    Some((Ok(header), next))
                }
                Cursor::Page(after) => {
                    let filter = filter.unwrap_or_default();
                    let db = scope.ctx().db();
                    let page = match db
                        .list_devices(&scope.owner(), customer_id, &filter, after.as_deref(), EXPORT_PAGE)
                        .await
                    {
                        Ok(page) => page,
                        Err(error) => {
                            tracing::error!(%error, customer = %customer_id, "device export failed mid-stream");
                            return Some((Err(export_failed()), Cursor::Done));
                        }
                    };
                    // Consent is checked after the page is read, not before: a partner's page
                    // read just after a revocation comes back empty (storage filters on the active
                    // relationship), which must break the download, not end it as if complete.
                    match scope.consent_holds().await {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::info!(customer = %customer_id, "device export stopped: the relationship was revoked");
                            let error =
                                std::io::Error::other("the relationship was revoked during the export");
                            return Some((Err(error), Cursor::Done));
                        }
                        Err(error) => {
                            tracing::error!(%error, customer = %customer_id, "device export failed mid-stream");
                            return Some((Err(export_failed()), Cursor::Done));
                        }
                    }
                    let next = page.next_cursor.map_or(Cursor::Done, |cursor| Cursor::Page(Some(cursor)));
                    match page_rows(layout, &page.items) {
                        Ok(rows) => Some((Ok(rows), next)),
                        Err(error) => {
                            tracing::error!(%error, customer = %customer_id, "device export failed mid-stream");
                            Some((Err(export_failed()), Cursor::Done))
                        }
                    }
                }
            }
        }
    })
}

/// Prometheus counter of devices an export left out because a value cannot be written.
pub const EXPORT_ROWS_SKIPPED: &str = "ztd_export_rows_skipped_total";

/// One page of devices as rows of `layout`, through the domain's writer (ASCII, or
/// Windows-1252 for a free-text value outside ASCII, as the portals read it). A device with a
/// value the format cannot hold (stored before intake refused such values) is left out and
/// reported in the log and a counter, rather than cutting the whole file off there.
fn page_rows(layout: Layout, devices: &[Device]) -> Result<Bytes, WriteError> {
    let mut writer = CsvWriter::rows_only(Vec::with_capacity(devices.len() * 4_200), layout);
    for device in devices {
        match writer.write_row(|column| device_value(device, column)) {
            Ok(()) => {}
            Err(WriteError::Unwritable { column, what, .. }) => {
                tracing::warn!(device = %device.id, customer = %device.customer_id, ?column, what,
                    "device export left out a device whose value the format cannot hold");
                metrics::counter!(EXPORT_ROWS_SKIPPED).increment(1);
            }
            Err(error) => return Err(error),
        }
    }
    Ok(Bytes::from(writer.finish()?))
}

fn device_value(device: &Device, column: Column) -> Option<&str> {
    match column {
        Column::SerialNumber => &device.serial_number,
        Column::ProductKeyId => &device.product_key_id,
        Column::HardwareHash => &device.hardware_hash,
        Column::Manufacturer => &device.manufacturer,
        Column::Model => &device.model,
        Column::GroupTag => &device.group_tag,
        Column::AssignedUser => &device.assigned_user,
    }
    .as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_short_visible_ascii() {
        assert_eq!(IdempotencyKey::parse("  abc-123 ").unwrap(), IdempotencyKey("abc-123".into()));
        for bad in ["", "   ", "a b", "clé", &"k".repeat(MAX_IDEMPOTENCY_KEY_LEN + 1)] {
            assert!(matches!(IdempotencyKey::parse(bad), Err(Error::InvalidParameter { .. })), "{bad:?}");
        }
    }

    #[test]
    fn pending_rows_never_go_negative() {
        let mut batch = Batch {
            id: Uuid::new_v4(),
            customer_id: Uuid::new_v4(),
            submitted_by_org_id: Uuid::new_v4(),
            actor_kind: ztd_storage::ActorKind::ApiKey,
            actor_id: None,
            status: BatchStatus::Processing,
            default_group_tag: None,
            allow_unknown_tags: false,
            idempotency_key: None,
            total: 10,
            registered: 4,
            unassigned: 1,
            failed: 2,
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
        assert_eq!(pending(&batch), 3);
        batch.total = 0;
        assert_eq!(pending(&batch), 0);
    }
}

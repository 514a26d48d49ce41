//! Device batches (docs/domain.md#registration): one asynchronous registration job per upload, whatever the
//! channel (JSON list, CSV body; partner, OEM or the customer itself).
//!
//! `POST` checks the caller's reach first (a partner without an active relationship gets
//! `403 relationship_required` before a byte of the body is read, and nothing is written),
//! streams and checks the body, stores every row as a pending item in one transaction and
//! answers `202` at once; the workers ([`crate::worker`]) do the rest. `GET` shows progress and
//! every row's result, paged.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use ztd_domain::csv::Diagnostic;
use ztd_storage::{Batch, BatchItem, BatchStatus, ItemStatus, StorageError};

use crate::app::access::{Access, Need};
use crate::error::{ApiError, ApiPath, ApiQuery, ErrorBody, ErrorEnvelope};
use crate::pipeline::{self, IntakeError, IntakeLimits, SubmittedRow};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/customers/{customer_id}/device-batches", post(create_batch))
        .route("/api/v1/device-batches/{id}", get(show_batch))
}

/// Header making a retried `POST` return the first batch instead of creating another.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// Set on the answer to a retried `POST` that returned an existing batch.
pub const IDEMPOTENT_REPLAY_HEADER: &str = "idempotent-replayed";
/// Longest idempotency key accepted.
const MAX_IDEMPOTENCY_KEY_LEN: usize = 200;
/// Row results per page of `GET /api/v1/device-batches/{id}` unless `limit` says otherwise.
pub const DEFAULT_ROWS_PER_PAGE: u32 = 1_000;
pub const MAX_ROWS_PER_PAGE: u32 = 10_000;

/// Options of `POST …/device-batches`; for a JSON body, the body's own fields win.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CreateBatchQuery {
    /// Default group tag of the batch; a row's own tag (CSV `Group Tag` column, JSON
    /// `group_tag`) overrides it. Matched exactly against the customer's profile tags.
    pub group_tag: Option<String>,
    /// `true` registers devices whose tag matches no profile, unassigned, instead of refusing
    /// them with `unknown_group_tag`.
    pub allow_unknown_tags: Option<bool>,
}

/// Paging of a batch's row results.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ShowBatchQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, 1 to 10,000 (default 1,000).
    pub limit: Option<u32>,
}

/// A batch: its state, counts and one page of per-row results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BatchView {
    pub id: Uuid,
    pub customer_id: Uuid,
    /// The organisation that submitted it (a partner, an OEM or the customer itself).
    pub submitted_by_org_id: Uuid,
    /// `queued` → `processing` → `finished` | `finished_with_errors`.
    #[schema(value_type = String, example = "finished")]
    pub status: BatchStatus,
    /// The batch's default group tag.
    pub group_tag: Option<String>,
    pub allow_unknown_tags: bool,
    pub total: i64,
    pub registered: i64,
    /// Registered without a profile (no tag, or an accepted unknown tag).
    pub unassigned: i64,
    pub failed: i64,
    /// Rows not processed yet.
    pub pending: i64,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Per-row results in row order, one page of them (empty in the answer to `POST`: follow
    /// `Location` for them).
    pub devices: Vec<RowResult>,
    /// Pass as `?cursor=` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// What became of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RowResult {
    /// 1-based position in a JSON `devices` list, or the line number in a CSV file.
    pub row: i64,
    /// `pending`, `registered`, `unassigned` or `failed`.
    #[schema(value_type = String, example = "registered")]
    pub status: ItemStatus,
    /// The registered device, when the row registered one.
    pub device_id: Option<Uuid>,
    pub serial_number: Option<String>,
    pub product_key_id: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    /// Why the row failed: the error envelope's inner object.
    pub error: Option<RowErrorView>,
}

/// A failed row's error, shaped like the error envelope's inner object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RowErrorView {
    /// e.g. `device_registered_to_other_tenant`, `unknown_group_tag`.
    pub code: String,
    /// The real service's numeric code where one exists (806, 808, …).
    pub ztd_code: Option<u16>,
    pub message: String,
    pub hint: Option<String>,
}

impl BatchView {
    /// State and counts, without row results.
    fn summary(batch: Batch) -> Self {
        Self {
            id: batch.id,
            customer_id: batch.customer_id,
            submitted_by_org_id: batch.submitted_by_org_id,
            status: batch.status,
            group_tag: batch.default_group_tag,
            allow_unknown_tags: batch.allow_unknown_tags,
            total: batch.total,
            registered: batch.registered,
            unassigned: batch.unassigned,
            failed: batch.failed,
            pending: (batch.total - batch.registered - batch.unassigned - batch.failed).max(0),
            created_at: batch.created_at,
            started_at: batch.started_at,
            finished_at: batch.finished_at,
            devices: Vec::new(),
            next_cursor: None,
        }
    }
}

impl RowResult {
    fn from_item(item: BatchItem) -> Self {
        let submitted = SubmittedRow::from_json(item.input);
        let device = submitted.device().cloned().unwrap_or_default();
        let error = item.error.map(|error| RowErrorView {
            code: error.code.as_str().to_owned(),
            ztd_code: error.code.ztd_code(),
            message: error.message,
            hint: error.hint,
        });
        Self {
            row: item.row,
            status: item.status,
            device_id: item.device_id,
            serial_number: device.serial_number,
            product_key_id: device.product_key_id,
            manufacturer: device.manufacturer,
            model: device.model,
            error,
        }
    }
}

/// The answer to a CSV file refused as a whole: the error envelope plus every diagnostic.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FileRejection {
    pub error: FileRejectionBody,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FileRejectionBody {
    #[serde(flatten)]
    pub error: ErrorBody,
    /// Every problem found, each with line, column, rule code, message and fix hint.
    #[schema(value_type = Vec<Object>)]
    pub diagnostics: Vec<serde_json::Value>,
}

/// Registers devices for a customer: a JSON batch or a CSV file (Partner Center, Autopilot/
/// Intune or MMD format). Answers `202` with the batch; poll `Location` for results.
#[utoipa::path(post, path = "/api/v1/customers/{customer_id}/device-batches", tag = "devices",
    security(("bearer" = [])),
    params(
        ("customer_id" = Uuid, Path, description = "the customer the devices are registered into"),
        ("Idempotency-Key" = Option<String>, Header, description = "a retried POST with the same key returns the first batch"),
        CreateBatchQuery,
    ),
    request_body(
        description = "`application/json`: `{\"group_tag\", \"devices\": [...], \"allow_unknown_tags\"}`; or `text/csv`: a device CSV file",
        content(
            (crate::pipeline::JsonBatch = "application/json"),
            (String = "text/csv"),
        ),
    ),
    responses(
        (status = 202, description = "accepted; `Location` names the batch", body = BatchView,
            headers(("Location" = String, description = "/api/v1/device-batches/{id}"))),
        super::CommonErrors,
        (status = 404, description = "no such customer visible to the caller", body = ErrorEnvelope),
        (status = 409, description = "the idempotency key was used for another customer", body = ErrorEnvelope),
        (status = 413, description = "larger than the upload limit", body = ErrorEnvelope),
        (status = 415, description = "neither JSON nor CSV", body = ErrorEnvelope),
        (status = 422, description = "the CSV file is unusable as a whole (encoding, header, too many rows): every diagnostic listed", body = FileRejection),
    ))]
pub async fn create_batch(
    State(state): State<AppState>,
    access: Access,
    ApiPath(customer_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<CreateBatchQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    // Reach first: nothing of the body is read for a caller who may not register here.
    access.customer_scope(customer_id, Need::Register).await?;
    let idempotency_key = idempotency_key(&headers)?;
    let limits = IntakeLimits { max_bytes: state.config.max_upload_bytes, max_rows: state.config.max_rows };

    let (stored, created) = match body_kind(&headers)? {
        BodyKind::Json => {
            let (json, intake) = pipeline::read_json_batch(body, limits).await.map_err(intake_error)?;
            let tag = json.group_tag.or(query.group_tag);
            let allow = json.allow_unknown_tags.or(query.allow_unknown_tags).unwrap_or(false);
            let total = i64::try_from(intake.rows.len()).unwrap_or(i64::MAX);
            let batch = new_batch(&access, customer_id, tag, allow, idempotency_key, total);
            let audit = created_audit(&access, &batch, "json");
            let items = intake.into_items(batch.id);
            state.db.create_batch(&batch, &items, &audit).await?
        }
        BodyKind::Csv => {
            let allow = query.allow_unknown_tags.unwrap_or(false);
            let batch = new_batch(&access, customer_id, query.group_tag, allow, idempotency_key, 0);
            match stream_csv_batch(&state, &access, batch, body, limits).await? {
                CsvIntake::Stored { batch, created } => (batch, created),
                CsvIntake::Refused(diagnostics) => return Ok(file_rejection(&headers, &diagnostics)),
            }
        }
    };
    if created {
        state.batch_wakeup.batch_queued();
    } else if stored.customer_id != customer_id {
        return Err(ApiError::conflict(
            "idempotency_key_reused",
            "this Idempotency-Key was already used for a batch of another customer",
        )
        .with_hint("use a new key for each distinct upload"));
    }

    // Counts only: at this point the rows are (mostly) pending; `Location` has the results.
    let view = BatchView::summary(stored);
    let mut response = (StatusCode::ACCEPTED, Json(&view)).into_response();
    let location = format!("/api/v1/device-batches/{}", view.id);
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    if !created {
        response.headers_mut().insert(IDEMPOTENT_REPLAY_HEADER, HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// A batch as submitted now: queued, nothing counted yet.
fn new_batch(
    access: &Access,
    customer_id: Uuid,
    default_tag: Option<String>,
    allow_unknown_tags: bool,
    idempotency_key: Option<String>,
    total: i64,
) -> Batch {
    let caller = access.caller();
    Batch {
        id: Uuid::new_v4(),
        customer_id,
        submitted_by_org_id: caller.org.id,
        actor_kind: caller.actor.kind,
        actor_id: Some(caller.actor.id),
        status: BatchStatus::Queued,
        default_group_tag: default_tag.filter(|tag| !tag.is_empty()),
        allow_unknown_tags,
        idempotency_key,
        total,
        registered: 0,
        unassigned: 0,
        failed: 0,
        created_at: Utc::now(),
        started_at: None,
        finished_at: None,
    }
}

fn created_audit(access: &Access, batch: &Batch, format: &str) -> ztd_storage::NewAuditEvent {
    access.audit(
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
        }),
    )
}

/// What became of a CSV upload.
enum CsvIntake {
    Stored {
        batch: Batch,
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
    state: &AppState,
    access: &Access,
    batch: Batch,
    body: Body,
    limits: IntakeLimits,
) -> Result<CsvIntake, ApiError> {
    let mut rows = pipeline::CsvRowStream::start(body, limits);
    let mut opened: Option<OpenBatch> = None;
    while let Some(chunk) = rows.next_chunk().await {
        let open = match &mut opened {
            Some(open) => open,
            None => {
                let (stored, created) =
                    state.db.open_batch(&batch, &created_audit(access, &batch, "csv")).await?;
                if !created {
                    // An idempotent retry: the first batch is the answer, the body is not needed.
                    rows.abandon();
                    return Ok(CsvIntake::Stored { batch: stored, created: false });
                }
                opened.insert(OpenBatch::new(state, access, stored))
            }
        };
        let items = pipeline::pending_items(open.batch.id, chunk);
        if let Err(error) = state.db.append_batch_items(open.batch.id, &items).await {
            rows.abandon();
            if let Some(open) = opened.take() {
                let reason = match error {
                    StorageError::ConsentRevoked => "the customer revoked the relationship during the upload",
                    _ => "the rows could not be stored",
                };
                open.discard(access, reason).await;
            }
            return Err(error.into());
        }
    }
    if let Err(error) = rows.finish().await {
        if let Some(open) = opened.take() {
            open.discard(access, &error.to_string()).await;
        }
        return match error {
            IntakeError::InvalidFile { diagnostics } => Ok(CsvIntake::Refused(diagnostics)),
            other => Err(intake_error(other)),
        };
    }
    let Some(open) = opened else { return Err(intake_error(IntakeError::NoDevices)) };
    Ok(CsvIntake::Stored { batch: open.seal(access).await?, created: true })
}

/// A batch still receiving its rows. Unless sealed, it is discarded: explicitly when the
/// upload fails, and from `Drop` when the request itself goes away mid-upload (the client
/// disconnected), so no half-received batch lingers.
struct OpenBatch {
    db: std::sync::Arc<dyn ztd_storage::Database>,
    batch: Batch,
    /// The audit event of a discard on drop; `None` once sealed or discarded.
    on_drop: Option<ztd_storage::NewAuditEvent>,
}

impl OpenBatch {
    fn new(state: &AppState, access: &Access, batch: Batch) -> Self {
        let on_drop = discard_audit(access, &batch, "the upload broke off");
        Self { db: state.db.clone(), batch, on_drop: Some(on_drop) }
    }

    /// Ends intake. Consent revoked since the last rows arrived discards the upload.
    async fn seal(mut self, access: &Access) -> Result<Batch, StorageError> {
        match self.db.seal_batch(self.batch.id).await {
            Ok(sealed) => {
                self.on_drop = None;
                Ok(sealed)
            }
            Err(StorageError::ConsentRevoked) => {
                self.discard(access, "the customer revoked the relationship during the upload").await;
                Err(StorageError::ConsentRevoked)
            }
            Err(other) => Err(other),
        }
    }

    /// Removes the batch; logged, never hiding the upload's own error.
    async fn discard(mut self, access: &Access, reason: &str) {
        self.on_drop = None;
        let audit = discard_audit(access, &self.batch, reason);
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

fn discard_audit(access: &Access, batch: &Batch, reason: &str) -> ztd_storage::NewAuditEvent {
    access.audit(
        "device_batch.discard",
        "device_batch",
        batch.id,
        Some(batch.customer_id),
        serde_json::json!({ "reason": reason }),
    )
}

/// A batch's status, counts and per-row results. Visible to the customer and to the
/// organisation that submitted it (a partner only while its relationship is active).
#[utoipa::path(get, path = "/api/v1/device-batches/{id}", tag = "devices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "batch id"), ShowBatchQuery),
    responses(
        (status = 200, body = BatchView),
        super::CommonErrors,
        (status = 404, description = "no such batch visible to the caller", body = ErrorEnvelope),
    ))]
pub async fn show_batch(
    State(state): State<AppState>,
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<ShowBatchQuery>,
) -> Result<Json<BatchView>, ApiError> {
    // Storage decides reach in SQL (the customer's tenant, or what a partner submitted while its
    // relationship is active); anything else is answered exactly like a missing batch.
    let owner = access.owner();
    let batch = match state.db.get_batch(&owner, id).await {
        Ok(batch) => batch,
        Err(StorageError::NotFound) => return Err(ApiError::not_found(crate::app::Resource::Batch, id)),
        Err(other) => return Err(other.into()),
    };
    Ok(Json(batch_view(&state, &owner, batch, &query).await?))
}

async fn batch_view(
    state: &AppState,
    owner: &ztd_storage::Owner,
    batch: Batch,
    query: &ShowBatchQuery,
) -> Result<BatchView, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_ROWS_PER_PAGE);
    if !(1..=MAX_ROWS_PER_PAGE).contains(&limit) {
        return Err(ApiError::InvalidParameter {
            message: format!("limit {limit} is out of range; use 1 to {MAX_ROWS_PER_PAGE}"),
        });
    }
    let after_row = match &query.cursor {
        None => None,
        Some(cursor) => Some(cursor.parse::<i64>().map_err(|_| ApiError::InvalidParameter {
            message: format!("cursor {cursor:?} is not one this service gave out"),
        })?),
    };
    // One row more than asked tells whether another page follows.
    let mut items = state.db.list_batch_items(owner, batch.id, after_row, limit + 1).await?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|item| item.row.to_string())
    } else {
        None
    };
    Ok(BatchView {
        devices: items.into_iter().map(RowResult::from_item).collect(),
        next_cursor,
        ..BatchView::summary(batch)
    })
}

enum BodyKind {
    Json,
    Csv,
}

fn body_kind(headers: &HeaderMap) -> Result<BodyKind, ApiError> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => Ok(BodyKind::Json),
        // `application/vnd.ms-excel` is what browsers send for .csv files on Windows.
        "text/csv" | "application/csv" | "application/vnd.ms-excel" => Ok(BodyKind::Csv),
        _ => Err(ApiError::UnsupportedMediaType {
            message: format!(
                "a device batch is `application/json` or `text/csv`; the request's Content-Type is {:?}",
                content_type
            ),
        }),
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY_HEADER) else { return Ok(None) };
    let key = value.to_str().ok().map(str::trim).unwrap_or("");
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::InvalidParameter {
            message: format!(
                "the Idempotency-Key header must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} visible ASCII characters (a UUID works well)"
            ),
        });
    }
    Ok(Some(key.to_owned()))
}

fn intake_error(error: IntakeError) -> ApiError {
    match error {
        IntakeError::TooLarge { limit } => ApiError::PayloadTooLarge { limit },
        IntakeError::TooManyRows { limit } => ApiError::unprocessable(
            "too_many_rows",
            format!("the upload has more than {limit} device rows, the limit of one batch"),
        )
        .with_hint(format!("split the file into batches of at most {limit} rows (`ztd csv split`)")),
        IntakeError::NoDevices => ApiError::unprocessable("empty_batch", "the batch has no devices")
            .with_hint("add at least one device (JSON `devices` list or CSV row)"),
        IntakeError::InvalidJson(message) => {
            ApiError::InvalidRequestBody { message: format!("invalid JSON body: {message}") }
        }
        IntakeError::Body(message) => {
            ApiError::InvalidRequestBody { message: format!("the request body could not be read: {message}") }
        }
        IntakeError::InvalidFile { diagnostics } => ApiError::unprocessable(
            "invalid_csv_file",
            format!("the file cannot be registered: {} problem(s)", diagnostics.len()),
        ),
    }
}

/// 422 for a CSV file unusable as a whole, listing every diagnostic.
fn file_rejection(headers: &HeaderMap, diagnostics: &[Diagnostic]) -> Response {
    let first = diagnostics.first();
    let message = match first {
        Some(first) if diagnostics.len() == 1 => format!("the file cannot be registered: {first}"),
        _ => format!(
            "the file cannot be registered: {} problems, the first: {}",
            diagnostics.len(),
            first.map(ToString::to_string).unwrap_or_default()
        ),
    };
    let body = FileRejection {
        error: FileRejectionBody {
            error: ErrorBody {
                code: "invalid_csv_file".into(),
                ztd_code: Some(801),
                message,
                hint: first.map(|diagnostic| diagnostic.hint.clone()),
                request_id: crate::request_id::from_headers(headers),
            },
            diagnostics: diagnostics.iter().filter_map(|d| serde_json::to_value(d).ok()).collect(),
        },
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(create_batch, show_batch))]
pub struct Doc;

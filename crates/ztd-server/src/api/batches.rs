//! HTTP adapter of device batches (docs/domain.md#registration); the rules
//! are in [`crate::app::registration`]: one asynchronous registration job per upload, whatever
//! the channel (JSON list, CSV body; partner, OEM or the customer itself).
//!
//! `POST` checks the caller's reach first (a partner without an active relationship gets
//! `403 relationship_required` before a byte of the body is read, and nothing is written),
//! streams and checks the body, stores every row as a pending item and answers `202` at once;
//! the workers ([`crate::worker`]) do the rest. `GET` shows progress and every row's result,
//! paged.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use ztd_domain::csv::Diagnostic;
use ztd_storage::{Batch, BatchStatus, ItemStatus};

use super::devices::DeviceView;
use crate::app::access::Access;
use crate::app::approvals;
use crate::app::dry_run::{CheckedRow, DryRun, Would};
use crate::app::registration::{
    self, BatchOptions, BatchPage, IdempotencyKey, RowOutcome, RowsPage, Submitted, Upload,
};
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, ErrorEnvelope};
use crate::pipeline::ByteStream;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/customers/{customer_id}/device-batches", post(create_batch).get(list_batches))
        .route("/api/v1/device-batches/{id}", get(show_batch))
        .route("/api/v1/device-batches/{id}/approve", post(approve_batch))
        .route("/api/v1/device-batches/{id}/reject", post(reject_batch))
        .route("/api/v1/device-batches/{id}/void", post(void_batch))
}

/// Header making a retried `POST` return the first batch instead of creating another.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// Set on the answer to a retried `POST` that returned an existing batch.
pub const IDEMPOTENT_REPLAY_HEADER: &str = "idempotent-replayed";
pub use crate::app::registration::{DEFAULT_ROWS_PER_PAGE, MAX_ROWS_PER_PAGE};

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
    /// `true` checks everything a real run would (the database included) and answers `200`
    /// with each row's verdict; nothing is written (docs/domain.md#dry-run).
    pub dry_run: Option<bool>,
    /// The order the devices ship under (a JSON body's own `order_number` wins).
    pub order_number: Option<String>,
    pub purchase_order: Option<String>,
    /// `YYYY-MM-DD`.
    pub ship_date: Option<String>,
}

/// Filters and paging of a customer's batches.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListBatchesQuery {
    /// One status only; `awaiting_approval` is the customer's approval queue.
    #[param(schema_with = batch_status_schema)]
    pub status: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}$")]
    pub cursor: Option<String>,
    /// 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

fn batch_status_schema() -> utoipa::openapi::schema::Object {
    let mut names = vec![""];
    names.extend(BatchStatus::ALL.iter().map(|status| status.as_str()));
    super::text_enum_schema(&names)
}

/// Paging of a batch's row results.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ShowBatchQuery {
    #[param(schema_with = super::row_cursor_schema)]
    pub cursor: Option<String>,
    /// Rows per page, 1 to 10,000 (default 1,000).
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<u32>,
}

/// A batch: its state, counts and one page of per-row results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BatchView {
    pub id: Uuid,
    pub customer_id: Uuid,
    /// The organisation that submitted it (a partner, an OEM or the customer itself).
    pub submitted_by_org_id: Uuid,
    /// `queued` → `processing` → `finished` | `finished_with_errors`; under the approval queue
    /// first `awaiting_approval` → `queued` | `rejected`.
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
    pub order_number: Option<String>,
    pub purchase_order: Option<String>,
    /// `YYYY-MM-DD`.
    #[schema(value_type = Option<String>, format = Date)]
    pub ship_date: Option<chrono::NaiveDate>,
    /// When the customer approved or rejected it (approval queue).
    pub decided_at: Option<DateTime<Utc>>,
    /// The customer's reason for a rejection.
    pub rejection_reason: Option<String>,
    /// When its submitter voided it.
    pub voided_at: Option<DateTime<Utc>>,
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
    /// For a pending row of a batch awaiting approval: what it would become if approved now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<RowPreview>,
}

/// What a row would become (a dry run's verdict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RowPreview {
    /// `would_register`, `would_be_unassigned` or `would_fail`.
    #[schema(example = "would_register")]
    pub status: String,
    pub error: Option<RowErrorView>,
}

impl RowErrorView {
    fn new(error: ztd_domain::codes::RowError) -> Self {
        Self {
            code: error.code.as_str().to_owned(),
            ztd_code: error.code.ztd_code(),
            message: error.message,
            hint: error.hint,
        }
    }
}

/// The answer of a dry run: the batch answer's shape, with verdicts instead of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DryRunView {
    /// Always `dry_run`: nothing was stored.
    #[schema(example = "dry_run")]
    pub status: String,
    /// The batch would wait in the customer's approval queue first.
    pub awaiting_approval: bool,
    pub total: i64,
    /// Rows that would register a device with a profile.
    pub registered: i64,
    /// Rows that would register a device without a profile.
    pub unassigned: i64,
    /// Rows that would fail.
    pub failed: i64,
    pub devices: Vec<DryRunRow>,
}

/// One row's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DryRunRow {
    pub row: i64,
    /// `would_register`, `would_be_unassigned` or `would_fail`.
    #[schema(example = "would_register")]
    pub status: String,
    pub serial_number: Option<String>,
    pub error: Option<RowErrorView>,
}

impl DryRunView {
    fn new(rows: Vec<CheckedRow>, awaiting_approval: bool) -> Self {
        let count = |would| rows.iter().filter(|row| row.would == would).count() as i64;
        Self {
            status: "dry_run".into(),
            awaiting_approval,
            total: rows.len() as i64,
            registered: count(Would::Register),
            unassigned: count(Would::BeUnassigned),
            failed: count(Would::Fail),
            devices: rows
                .into_iter()
                .map(|row| DryRunRow {
                    row: row.row,
                    status: row.would.as_str().into(),
                    serial_number: row.serial_number,
                    error: row.error.map(RowErrorView::new),
                })
                .collect(),
        }
    }
}

/// A page of batches (counts only; each batch's rows are at its own address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BatchListView {
    pub batches: Vec<BatchView>,
    pub next_cursor: Option<String>,
}

/// What voiding a batch did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VoidView {
    pub batch: BatchView,
    /// Devices deregistered now.
    pub voided: Vec<super::devices::DeviceView>,
    /// Devices that booted already and stay registered.
    pub not_voided: Vec<super::devices::DeviceView>,
}

/// `POST …/reject`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// Why, shown to the submitter on each row (at most 500 characters).
    pub reason: Option<String>,
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
    pub(super) fn summary(batch: Batch) -> Self {
        let pending = registration::pending(&batch);
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
            pending,
            created_at: batch.created_at,
            started_at: batch.started_at,
            finished_at: batch.finished_at,
            order_number: batch.order.order_number,
            purchase_order: batch.order.purchase_order,
            ship_date: batch.order.ship_date,
            decided_at: batch.decided_at,
            rejection_reason: batch.rejection_reason,
            voided_at: batch.voided_at,
            devices: Vec::new(),
            next_cursor: None,
        }
    }
}

impl From<BatchPage> for BatchView {
    fn from(page: BatchPage) -> Self {
        Self {
            devices: page.rows.into_iter().map(RowResult::from).collect(),
            next_cursor: page.next_cursor,
            ..BatchView::summary(page.batch)
        }
    }
}

impl From<RowOutcome> for RowResult {
    fn from(outcome: RowOutcome) -> Self {
        let error = outcome.error.map(RowErrorView::new);
        let preview = outcome.preview.map(|checked| RowPreview {
            status: checked.would.as_str().into(),
            error: checked.error.map(RowErrorView::new),
        });
        Self {
            preview,
            row: outcome.row,
            status: outcome.status,
            device_id: outcome.device_id,
            serial_number: outcome.device.serial_number,
            product_key_id: outcome.device.product_key_id,
            manufacturer: outcome.device.manufacturer,
            model: outcome.device.model,
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
    /// Every problem found, each with line, column, rule code, message and fix hint; present
    /// for a CSV file refused as a whole, absent for the other 422s (`empty_batch`,
    /// `too_many_rows`), which are plain error envelopes.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub diagnostics: Vec<serde_json::Value>,
}

/// Registers devices for a customer: a JSON batch or a CSV file (Partner Center, Autopilot/
/// Intune or MMD format). Answers `202` with the batch; poll `Location` for results.
#[utoipa::path(post, path = "/api/v1/customers/{customer_id}/device-batches", tag = "devices",
    security(("bearer" = [])),
    params(
        ("customer_id" = Uuid, Path, description = "the customer the devices are registered into"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,200}$",
            description = "1 to 200 visible ASCII characters (a UUID works well): a retried POST with the same key returns the first batch"),
        CreateBatchQuery,
    ),
    request_body(
        description = "`application/json`: `{\"group_tag\", \"devices\": [...], \"allow_unknown_tags\"}`; or `text/csv`: a device CSV file",
        content(
            (crate::pipeline::JsonBatchSchema = "application/json"),
            (String = "text/csv"),
        ),
    ),
    responses(
        (status = 202, description = "accepted; `Location` names the batch", body = BatchView,
            headers(("Location" = String, description = "/api/v1/device-batches/{id}"))),
        (status = 200, description = "`?dry_run=true`: every row's verdict, nothing stored", body = DryRunView),
        super::CommonErrors,
        (status = 404, description = "no such customer visible to the caller", body = ErrorEnvelope),
        (status = 409, description = "the idempotency key was used for another customer", body = ErrorEnvelope),
        (status = 413, description = "larger than the upload limit", body = ErrorEnvelope),
        (status = 415, description = "neither JSON nor CSV", body = ErrorEnvelope),
        (status = 422, description = "the upload is unusable as a whole: a CSV file's encoding or header (every diagnostic listed in `diagnostics`), too many rows, or no devices", body = FileRejection),
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
    let submission = registration::begin(&access, customer_id).await?;
    let idempotency_key = match headers.get(IDEMPOTENCY_KEY_HEADER) {
        None => None,
        Some(value) => Some(IdempotencyKey::parse(value.to_str().unwrap_or(""))?),
    };
    let (upload, limits) = match body_kind(&headers)? {
        BodyKind::Json => (Upload::Json(byte_stream(body)), state.config.json_batch_limits()),
        BodyKind::Csv => (Upload::Csv(byte_stream(body)), state.config.csv_batch_limits()),
    };
    let order = registration::parse_order(
        query.order_number.as_deref(),
        query.purchase_order.as_deref(),
        query.ship_date.as_deref(),
    )?;
    let options = BatchOptions {
        group_tag: query.group_tag,
        allow_unknown_tags: query.allow_unknown_tags,
        idempotency_key,
        order,
        limits,
    };
    if query.dry_run.unwrap_or(false) {
        return match submission.dry_run(upload, options).await? {
            DryRun::Checked { rows, awaiting_approval } => {
                Ok((StatusCode::OK, Json(DryRunView::new(rows, awaiting_approval))).into_response())
            }
            DryRun::FileRefused { diagnostics } => Ok(file_rejection(&headers, &diagnostics)),
        };
    }
    let (stored, created) = match submission.submit(upload, options, &state.batch_wakeup).await? {
        Submitted::Accepted { batch, created } => (*batch, created),
        Submitted::FileRefused { diagnostics } => return Ok(file_rejection(&headers, &diagnostics)),
    };

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
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<ShowBatchQuery>,
) -> Result<Json<BatchView>, ApiError> {
    let page = RowsPage { cursor: query.cursor, limit: query.limit };
    Ok(Json(registration::show_batch(&access, id, page).await?.into()))
}

/// The customer's batches the caller reaches (a partner: those it submitted), newest first.
#[utoipa::path(get, path = "/api/v1/customers/{customer_id}/device-batches", tag = "devices",
    security(("bearer" = [])),
    params(("customer_id" = Uuid, Path, description = "customer id"), ListBatchesQuery),
    responses(
        (status = 200, body = BatchListView),
        super::CommonErrors,
        (status = 404, description = "no such customer visible to the caller", body = ErrorEnvelope),
    ))]
pub async fn list_batches(
    access: Access,
    ApiPath(customer_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<ListBatchesQuery>,
) -> Result<Json<BatchListView>, ApiError> {
    let list = registration::list_batches(
        &access,
        customer_id,
        query.status.as_deref(),
        query.cursor.as_deref(),
        query.limit,
    )
    .await?;
    Ok(Json(BatchListView {
        batches: list.batches.into_iter().map(BatchView::summary).collect(),
        next_cursor: list.next_cursor,
    }))
}

/// Approves a batch waiting in the customer's approval queue (the customer's admins): it is
/// queued and processed as usual.
#[utoipa::path(post, path = "/api/v1/device-batches/{id}/approve", tag = "approvals", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "batch id")),
    responses(
        (status = 200, description = "approved and queued", body = BatchView),
        super::CommonErrors,
        (status = 404, description = "no such batch of the caller's organisation", body = ErrorEnvelope),
        (status = 409, description = "`batch_not_awaiting_approval`, or `upload_in_progress`", body = ErrorEnvelope),
    ))]
pub async fn approve_batch(
    State(state): State<AppState>,
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<BatchView>, ApiError> {
    Ok(Json(BatchView::summary(approvals::approve(&access, id, &state.batch_wakeup).await?)))
}

/// Rejects a batch waiting in the customer's approval queue (the customer's admins): final,
/// nothing registered; each row fails with `batch_rejected` and the reason.
#[utoipa::path(post, path = "/api/v1/device-batches/{id}/reject", tag = "approvals", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "batch id")),
    request_body(content = Option<RejectRequest>, description = "optional `{\"reason\"}`"),
    responses(
        super::BodyErrors,
        (status = 200, description = "rejected", body = BatchView),
        super::CommonErrors,
        (status = 404, description = "no such batch of the caller's organisation", body = ErrorEnvelope),
        (status = 409, description = "`batch_not_awaiting_approval`, or `upload_in_progress`", body = ErrorEnvelope),
        (status = 422, description = "`invalid_reason`: longer than 500 characters", body = ErrorEnvelope),
    ))]
pub async fn reject_batch(
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
    body: Option<ApiJson<RejectRequest>>,
) -> Result<Json<BatchView>, ApiError> {
    let reason = body.and_then(|ApiJson(body)| body.reason);
    Ok(Json(BatchView::summary(approvals::reject(&access, id, reason).await?)))
}

/// Voids a finished batch, like an order (its submitter's registrars and admins): each of its
/// devices that has not booted is deregistered; devices that booted stay and are listed.
#[utoipa::path(post, path = "/api/v1/device-batches/{id}/void", tag = "devices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "batch id")),
    responses(
        (status = 200, body = VoidView),
        super::CommonErrors,
        (status = 404, description = "no such batch visible to the caller", body = ErrorEnvelope),
        (status = 409, description = "`batch_not_finished`", body = ErrorEnvelope),
    ))]
pub async fn void_batch(access: Access, ApiPath(id): ApiPath<Uuid>) -> Result<Json<VoidView>, ApiError> {
    let voided = registration::void_batch(&access, id).await?;
    let show = |devices: Vec<_>| devices.into_iter().map(|shown| DeviceView::new(shown, false)).collect();
    Ok(Json(VoidView {
        batch: BatchView::summary(voided.batch),
        voided: show(voided.voided),
        not_voided: show(voided.not_voided),
    }))
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

/// The request body as the use case reads it: bytes as they arrive.
fn byte_stream(body: Body) -> ByteStream {
    body.into_data_stream().map_err(std::io::Error::other).boxed()
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
#[openapi(paths(create_batch, list_batches, show_batch, approve_batch, reject_batch, void_batch))]
pub struct Doc;

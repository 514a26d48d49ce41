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

use crate::app::access::Access;
use crate::app::registration::{
    self, BatchOptions, BatchPage, IdempotencyKey, RowOutcome, RowsPage, Submitted, Upload,
};
use crate::error::{ApiError, ApiPath, ApiQuery, ErrorBody, ErrorEnvelope};
use crate::pipeline::ByteStream;
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
        let error = outcome.error.map(|error| RowErrorView {
            code: error.code.as_str().to_owned(),
            ztd_code: error.code.ztd_code(),
            message: error.message,
            hint: error.hint,
        });
        Self {
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
    let options = BatchOptions {
        group_tag: query.group_tag,
        allow_unknown_tags: query.allow_unknown_tags,
        idempotency_key,
        limits,
    };
    let (stored, created) = match submission.submit(upload, options, &state.batch_wakeup).await? {
        Submitted::Accepted { batch, created } => (batch, created),
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
#[openapi(paths(create_batch, show_batch))]
pub struct Doc;

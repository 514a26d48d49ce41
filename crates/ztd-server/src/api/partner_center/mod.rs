//! Partner Center compatibility adapter (docs/compatibility.md#partner-center): the
//! device-deployment part of Partner Center's REST API, as a CSP partner's automation calls it,
//! under `/partner-center/v1/customers/{customer_id}/…`, authenticated with a ztd API key.
//!
//! A thin adapter: every route calls the same use cases as the native API
//! ([`crate::app::registration`], [`crate::app::profiles`]), so the checks, conflicts, consent
//! and audit are the native ones. Only the shapes differ: Partner Center's casing, its
//! collection envelope (`totalCount`, `items`, `attributes`), its `202` with a `Location` of the
//! batch job status, and its error body `{code, description, data, source}` (written by
//! [`partner_center_errors`] from any ztd error, extractor rejections included).
//!
//! Decisions (docs/compatibility.md#partner-center):
//! - A Partner Center `BatchId` (the partner's own name for a batch) is the ztd batches' order
//!   number: every upload into it is one ztd batch shipped under that order number, and its
//!   tracking id is that ztd batch's id. Creating the same `BatchId` twice for a customer
//!   returns the first upload (ztd's idempotency key, derived from customer and `BatchId`).
//! - A ztd batch is immutable once stored, so adding devices to a batch makes a new ztd batch
//!   under the same order number, with its own tracking id.

mod batches;
mod policies;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, patch};
use axum::Router;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_storage::{Batch, BatchStatus};

use crate::app::access::Access;
use crate::app::registration::{self, IdempotencyKey, MAX_BATCHES_PER_PAGE};
use crate::app::Resource;
use crate::error::ApiError;
use crate::state::AppState;

pub use batches::{
    BatchUploadDetails, DeviceBatchCreationRequest, DeviceBatchView, DeviceUploadDetails, DevicesRequest,
    PartnerCenterDevice, PolicyPair,
};
pub use policies::{ConfigurationPolicyView, DevicePolicyUpdateRequest};

/// Where the adapter lives.
pub const PREFIX: &str = "/partner-center/v1";
/// The OpenAPI tag of these routes.
pub const TAG: &str = "partner-center";

pub fn routes() -> Router<AppState> {
    let customer = "/partner-center/v1/customers/{customer_id}";
    Router::new()
        .route(&format!("{customer}/deviceBatches"), get(batches::list_batches).post(batches::create_batch))
        .route(
            &format!("{customer}/deviceBatches/{{batch_id}}/devices"),
            get(batches::list_devices).post(batches::add_devices),
        )
        .route(
            &format!("{customer}/deviceBatches/{{batch_id}}/devices/{{device_id}}"),
            delete(batches::delete_batch_device),
        )
        .route(&format!("{customer}/batchJobStatus/{{tracking_id}}"), get(batches::batch_job_status))
        .route(&format!("{customer}/devices/{{device_id}}"), delete(batches::delete_device))
        .route(&format!("{customer}/policies"), get(policies::list_policies))
        .route(&format!("{customer}/DevicePolicyUpdates"), patch(policies::update_device_policies))
        // Everything else of Partner Center's API: a 404 in Partner Center's shape.
        .route("/partner-center", any(not_covered))
        .route("/partner-center/{*rest}", any(not_covered))
        .layer(middleware::from_fn(partner_center_errors))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        batches::list_batches,
        batches::create_batch,
        batches::list_devices,
        batches::add_devices,
        batches::delete_batch_device,
        batches::batch_job_status,
        batches::delete_device,
        policies::list_policies,
        policies::update_device_policies,
    ),
    components(schemas(PartnerCenterError)),
    tags((name = "partner-center", description = "Partner Center's device-deployment API (docs/compatibility.md#partner-center): the same registration, consent and audit as the native API, in Partner Center's shapes. Errors are `{code, description, data, source}`.")),
)]
pub struct Doc;

/// Partner Center's error body (docs/compatibility.md#errors), carrying ztd's error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PartnerCenterError {
    /// ztd's numeric code where the error has one (801 invalid body, 808 registered to another
    /// tenant, 812 device not found, …), otherwise the HTTP status.
    pub code: u16,
    /// ztd's message, naming the bad value.
    pub description: String,
    /// `ztd_code: <code>` (e.g. `ztd_code: relationship_required`), then `hint: …` when there is
    /// one, then `request_id: …`.
    pub data: Vec<String>,
    /// Always `ztd`.
    #[schema(example = "ztd")]
    pub source: String,
}

impl PartnerCenterError {
    fn new(status: StatusCode, body: crate::error::ErrorBody, request_id: Option<String>) -> Self {
        let mut data = vec![format!("ztd_code: {}", body.code)];
        data.extend(body.hint.map(|hint| format!("hint: {hint}")));
        data.extend(request_id.or(body.request_id).map(|id| format!("request_id: {id}")));
        Self {
            code: body.ztd_code.unwrap_or(status.as_u16()),
            description: body.message,
            data,
            source: "ztd".into(),
        }
    }
}

/// Middleware: rewrites every ztd error envelope of these routes (handlers, extractors) as
/// Partner Center's error body, keeping the status and headers (`Retry-After`,
/// `WWW-Authenticate`).
async fn partner_center_errors(request: Request, next: Next) -> Response {
    let request_id = crate::request_id::from_headers(request.headers());
    let mut response = next.run(request).await;
    let Some(body) = crate::error::take_error_body(&mut response) else { return response };
    let status = response.status();
    let error = PartnerCenterError::new(status, body, request_id);
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response::from_parts(parts, Body::from(serde_json::to_vec(&error).unwrap_or_default()))
}

/// The parts of Partner Center's API this adapter does not cover.
async fn not_covered(request: Request) -> Result<Response, ApiError> {
    Err(ApiError::NoRoute { method: request.method().to_string(), path: request.uri().path().to_owned() })
}

/// `{"objectType": …}`, Partner Center's `attributes` of every resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Attributes {
    pub object_type: String,
}

impl Attributes {
    fn of(object_type: &str) -> Self {
        Self { object_type: object_type.to_owned() }
    }
}

/// A 202 with an empty body and `Location` (how Partner Center answers an accepted upload).
fn accepted(location: &str) -> Response {
    let mut response = (StatusCode::ACCEPTED, Body::empty()).into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The address of an upload's status.
fn status_location(customer_id: Uuid, tracking_id: Uuid) -> String {
    format!("{PREFIX}/customers/{customer_id}/batchJobStatus/{tracking_id}")
}

/// A path segment, percent-encoded (a `BatchId` may hold spaces: "Test batch").
fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// An idempotency key standing for `text` of `customer_id` (a `BatchId`, an `MS-RequestId`):
/// ztd keys are visible ASCII and at most 200 long, Partner Center's names are not.
fn derived_key(kind: &str, customer_id: Uuid, text: &str) -> Result<IdempotencyKey, ApiError> {
    let digest = Sha256::digest(format!("{customer_id}\n{text}").as_bytes());
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(IdempotencyKey::parse(&format!("partner-center-{kind}:{hex}"))?)
}

/// Partner Center's status of a ztd batch (`finished`, `finished_with_errors`, `processing`,
/// `queued`); a batch waiting for the customer's approval is `queued`, a rejected one
/// `finished_with_errors`.
fn batch_status(status: BatchStatus) -> &'static str {
    match status {
        BatchStatus::AwaitingApproval | BatchStatus::Queued => "queued",
        BatchStatus::Processing => "processing",
        BatchStatus::Finished => "finished",
        BatchStatus::FinishedWithErrors | BatchStatus::Rejected => "finished_with_errors",
    }
}

/// Every ztd batch of `customer_id` the caller reaches, newest first (a partner: those it
/// submitted), read page by page.
async fn all_batches(access: &Access, customer_id: Uuid) -> Result<Vec<Batch>, ApiError> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = registration::list_batches(
            access,
            customer_id,
            None,
            cursor.as_deref(),
            Some(MAX_BATCHES_PER_PAGE),
        )
        .await?;
        all.extend(page.batches);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(all),
        }
    }
}

/// The uploads of Partner Center batch `batch_id` (ztd batches shipped under that order
/// number) the caller reaches; none is 404.
async fn batch_uploads(access: &Access, customer_id: Uuid, batch_id: &str) -> Result<Vec<Batch>, ApiError> {
    let uploads: Vec<Batch> = all_batches(access, customer_id)
        .await?
        .into_iter()
        .filter(|batch| batch.order.order_number.as_deref() == Some(batch_id))
        .collect();
    if uploads.is_empty() {
        return Err(ApiError::NotFound { resource: Resource::Batch, id: batch_id.to_owned() });
    }
    Ok(uploads)
}

/// Reads a JSON body once the caller's reach is decided (nothing of it is read for a caller who
/// may not register here). Partner Center sends a device list as a bare JSON array, which
/// [`crate::error::ApiJson`] (objects only) does not take.
async fn read_json<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
    array_allowed: bool,
) -> Result<T, ApiError> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence != "application/json" && essence != "text/json" {
        return Err(ApiError::UnsupportedMediaType {
            message: "expected a JSON body with `Content-Type: application/json`".into(),
        });
    }
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| ApiError::PayloadTooLarge { limit })?;
    // serde reads a struct from a JSON array too (`["x", []]` would be a request); the bodies
    // here are objects, and a bare list of devices where a route takes one.
    let first = bytes.iter().find(|byte| !byte.is_ascii_whitespace()).copied();
    if first.is_some_and(|first| first != b'{' && !(array_allowed && first == b'[')) {
        let expected =
            if array_allowed { "a JSON object `{…}` or array `[…]`" } else { "a JSON object `{…}`" };
        return Err(ApiError::InvalidRequestBody {
            message: format!("invalid JSON body: expected {expected}"),
        });
    }
    serde_json::from_slice(&bytes)
        .map_err(|error| ApiError::InvalidRequestBody { message: format!("invalid JSON body: {error}") })
}

/// A list of JSON objects as `T`s: serde would read a struct from a JSON array as well, which
/// the schema does not allow (`[[null, null]]` is not a list of devices).
fn objects<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::Error as _;
    let maps = Vec::<serde_json::Map<String, serde_json::Value>>::deserialize(deserializer)?;
    maps.into_iter()
        .map(|map| serde_json::from_value(serde_json::Value::Object(map)).map_err(D::Error::custom))
        .collect()
}

fn time(value: DateTime<Utc>) -> String {
    value.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

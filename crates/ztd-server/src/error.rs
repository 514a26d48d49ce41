//! `ApiError`: the one place an error becomes an HTTP answer.
//!
//! Every error leaves as the envelope of docs/domain.md#http-contract:
//! `{"error": {"code", "ztd_code", "message", "hint", "request_id"}}`. The request id is
//! filled in by [`fill_request_id`], a middleware, so errors raised anywhere (extractors,
//! handlers, fallbacks) carry it without threading it through every call.
//! Database text never reaches a response: `StorageError::Internal` is logged with the request
//! id and answered as a generic 500.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use ztd_domain::codes::RowError;
use ztd_storage::{Role, StorageError};

use crate::app::{self, DeviceRefusal, Resource};

/// The inner object of the error envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `relationship_required`.
    pub code: String,
    /// Numeric code of the real service where one exists (801 invalid request body, 812 device
    /// not found, …), otherwise null.
    pub ztd_code: Option<u16>,
    /// What went wrong, naming the bad value.
    pub message: String,
    /// How to fix it, when there is something to say.
    pub hint: Option<String>,
    /// The `x-request-id` of the request, to quote when reporting a problem.
    pub request_id: Option<String>,
}

/// `{"error": {...}}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not the JSON the route takes (syntax, types, unknown fields).
    #[error("{message}")]
    InvalidRequestBody { message: String },
    /// A path or query parameter does not parse.
    #[error("{message}")]
    InvalidParameter { message: String },
    #[error("the request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("{message}")]
    UnsupportedMediaType { message: String },
    /// No credentials, or credentials that are unknown, revoked or expired.
    #[error("missing or invalid credentials")]
    Unauthenticated,
    /// A cookie-authenticated mutation without a matching CSRF token.
    #[error("missing or invalid CSRF token")]
    CsrfRejected,
    /// The caller's role is too low for the action.
    #[error("this action needs the {needed} role; the caller has {actual}")]
    ForbiddenRole { needed: Role, actual: Role },
    /// The caller's kind of organisation cannot do this at all (e.g. a customer creating an
    /// invitation link, anyone but the operator creating organisations).
    #[error("{message}")]
    ForbiddenOrgKind { message: String },
    /// A partner/OEM acting on a customer it has no active relationship with (docs/domain.md#consent). Given
    /// for every customer id without one, existent or not, so it reveals nothing.
    #[error("no active relationship with customer {customer_id}")]
    RelationshipRequired { customer_id: uuid::Uuid },
    /// Any other refusal that is about the caller, not the resource.
    #[error("{message}")]
    Forbidden { code: &'static str, message: String, hint: Option<String> },
    /// The resource does not exist or belongs to a tenant the caller may not see: the two are
    /// answered identically.
    #[error("no {resource} with id {id}")]
    NotFound { resource: Resource, id: String },
    /// The path matches no route.
    #[error("no route for {method} {path}")]
    NoRoute { method: String, path: String },
    #[error("{method} is not allowed on {path}")]
    MethodNotAllowed { method: String, path: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String, hint: Option<String> },
    /// The resource existed but is no longer usable (an expired or withdrawn invitation).
    #[error("{message}")]
    Gone { code: &'static str, message: String, hint: Option<String> },
    /// The body parsed but a value breaks a rule (a 16-character name template, a bad email).
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String, hint: Option<String> },
    /// A per-device refusal of the domain (its code, numeric code, message and hint) answering
    /// a whole request, as the first-boot lookup does.
    #[error("{}", error.message)]
    Device { status: StatusCode, error: RowError },
    /// The request (body included) was not done within the configured request timeout.
    #[error("the request took longer than the limit of {limit_secs} s")]
    RequestTimeout { limit_secs: u64 },
    #[error("too many requests; retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// A dependency (the database) is not reachable; `/readyz` answers this.
    #[error("{what} is unavailable")]
    Unavailable { what: &'static str },
    /// Something broke inside; details go to the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::Internal(error.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidRequestBody { .. } | Self::InvalidParameter { .. } => StatusCode::BAD_REQUEST,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::CsrfRejected
            | Self::ForbiddenRole { .. }
            | Self::ForbiddenOrgKind { .. }
            | Self::RelationshipRequired { .. }
            | Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound { .. } | Self::NoRoute { .. } => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Gone { .. } => StatusCode::GONE,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Device { status, .. } => *status,
            Self::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidRequestBody { .. } => "invalid_request_body",
            Self::InvalidParameter { .. } => "invalid_parameter",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType { .. } => "unsupported_media_type",
            Self::Unauthenticated => "unauthenticated",
            Self::CsrfRejected => "csrf_rejected",
            Self::ForbiddenRole { .. } => "forbidden_role",
            Self::ForbiddenOrgKind { .. } => "forbidden_org_kind",
            Self::RelationshipRequired { .. } => "relationship_required",
            Self::NotFound { resource, .. } => resource.not_found_code(),
            Self::NoRoute { .. } => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::Forbidden { code, .. }
            | Self::Conflict { code, .. }
            | Self::Gone { code, .. }
            | Self::Unprocessable { code, .. } => code,
            Self::Device { error, .. } => error.code.as_str(),
            Self::RequestTimeout { .. } => "request_timeout",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable { .. } => "unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    /// docs/domain.md#http-contract: the real service's numeric codes where one exists.
    pub fn ztd_code(&self) -> Option<u16> {
        match self {
            Self::InvalidRequestBody { .. } => Some(801),
            Self::NotFound { resource: Resource::Device, .. } => Some(812),
            Self::Device { error, .. } => error.code.ztd_code(),
            _ => None,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::Unauthenticated => Some(
                "send `Authorization: Bearer ztd_…` with an API key of your organisation, or sign in to the portal"
                    .into(),
            ),
            Self::CsrfRejected => {
                Some("send the session's CSRF token in the `x-csrf-token` header (or the form's csrf_token field)".into())
            }
            Self::ForbiddenRole { .. } => Some("ask an admin of your organisation".into()),
            Self::RelationshipRequired { .. } => Some(
                "the customer's admin must accept one of your invitation links first (POST /api/v1/invitations)".into(),
            ),
            Self::PayloadTooLarge { .. } => Some("split the upload into smaller batches (`ztd csv split`)".into()),
            Self::RateLimited { retry_after_secs } => Some(format!("wait {retry_after_secs} s before retrying")),
            Self::RequestTimeout { .. } => {
                Some("send the request faster, or split a large upload (`ztd csv split`)".into())
            }
            Self::Unavailable { .. } => Some(format!("retry in {UNAVAILABLE_RETRY_AFTER_SECS} s")),
            Self::Internal(_) => Some("retry later; quote the request id when reporting the problem".into()),
            Self::Conflict { hint, .. }
            | Self::Gone { hint, .. }
            | Self::Unprocessable { hint, .. }
            | Self::Forbidden { hint, .. } => hint.clone(),
            Self::Device { error, .. } => error.hint.clone(),
            _ => None,
        }
    }

    fn public_message(&self) -> String {
        match self {
            // Database or I/O text stays in the log.
            Self::Internal(_) => "internal error".to_owned(),
            other => other.to_string(),
        }
    }

    /// The envelope body of this error, without the request id.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_owned(),
            ztd_code: self.ztd_code(),
            message: self.public_message(),
            hint: self.hint(),
            request_id: None,
        }
    }
}

impl From<StorageError> for ApiError {
    /// Handlers map `NotFound` and `Conflict` with context first; what reaches this generic
    /// conversion is answered plainly.
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::InvalidCursor => {
                Self::InvalidParameter { message: "the cursor is not one this service handed out".into() }
            }
            other => app::Error::from(other).into(),
        }
    }
}

impl From<ztd_domain::account::AccountFieldError> for ApiError {
    fn from(error: ztd_domain::account::AccountFieldError) -> Self {
        app::Error::from(error).into()
    }
}

impl From<app::Error> for ApiError {
    /// The use cases' refusals as HTTP answers (docs/domain.md#http-contract).
    fn from(error: app::Error) -> Self {
        use app::Error as E;
        match error {
            E::Unauthenticated => Self::Unauthenticated,
            E::ForbiddenRole { needed, actual } => Self::ForbiddenRole { needed, actual },
            E::ForbiddenOrgKind { message } => Self::ForbiddenOrgKind { message },
            E::RelationshipRequired { customer_id } => Self::RelationshipRequired { customer_id },
            // Consent ended while the work was under way: same code as at the door.
            E::ConsentRevoked => Self::Forbidden {
                code: "relationship_required",
                message: E::ConsentRevoked.to_string(),
                hint: Some("the customer's admin must accept a new invitation link first".into()),
            },
            E::Forbidden { code, message, hint } => Self::Forbidden { code, message, hint },
            E::NotFound { resource, id } => Self::NotFound { resource, id },
            E::Malformed { message } => Self::InvalidRequestBody { message },
            E::InvalidParameter { message } => Self::InvalidParameter { message },
            E::TooLarge { limit } => Self::PayloadTooLarge { limit },
            E::Invalid { code, message, hint } => Self::Unprocessable { code, message, hint },
            E::Conflict { code, message, hint } => Self::Conflict { code, message, hint },
            E::Gone { code, message, hint } => Self::Gone { code, message, hint },
            E::Device { refusal, error } => {
                let status = match refusal {
                    DeviceRefusal::Unusable => StatusCode::UNPROCESSABLE_ENTITY,
                    DeviceRefusal::Unknown => StatusCode::NOT_FOUND,
                    DeviceRefusal::Unassigned => StatusCode::CONFLICT,
                };
                Self::Device { status, error }
            }
            E::Storage(StorageError::Unavailable(detail)) => {
                tracing::warn!(error = %detail, "database unreachable");
                Self::Unavailable { what: "the database" }
            }
            E::Storage(other) => Self::Internal(other.to_string()),
            E::Internal(detail) => Self::Internal(detail),
        }
    }
}

/// `Retry-After` of a 503: the database is usually back within seconds (a restart, a failover).
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            // The request id is on the enclosing span (see `router::request_span`).
            Self::Internal(detail) => tracing::error!(error = %detail, "internal error"),
            // An outage is the operator's to fix, not a bug: warn (docs/operations.md#databases).
            Self::Unavailable { what } => tracing::warn!("{what} is unavailable"),
            _ => {}
        }
        let status = self.status();
        let body = self.body();
        let mut response = (status, axum::Json(ErrorEnvelope { error: body.clone() })).into_response();
        let retry_after = match self {
            Self::RateLimited { retry_after_secs } => Some(retry_after_secs),
            Self::Unavailable { .. } => Some(UNAVAILABLE_RETRY_AFTER_SECS),
            _ => None,
        };
        if let Some(secs) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        // Picked up by `fill_request_id` to add the request id.
        response.extensions_mut().insert(PendingErrorBody(body));
        response
    }
}

#[derive(Clone)]
struct PendingErrorBody(ErrorBody);

/// Takes the error body an [`ApiError`] left on its response (before [`fill_request_id`] sees
/// it), so that an adapter answering in another service's shape (the Partner Center and Graph
/// adapters) writes its own body instead of the envelope; `None` for any other response.
pub fn take_error_body(response: &mut Response) -> Option<ErrorBody> {
    response.extensions_mut().remove::<PendingErrorBody>().map(|pending| pending.0)
}

/// Middleware: completes every error envelope with the request's `x-request-id`.
pub async fn fill_request_id(request: Request, next: Next) -> Response {
    let request_id = crate::request_id::from_headers(request.headers());
    let mut response = next.run(request).await;
    if let Some(PendingErrorBody(mut body)) = response.extensions_mut().remove::<PendingErrorBody>() {
        body.request_id = request_id;
        let (mut parts, _) = response.into_parts();
        let bytes = serde_json::to_vec(&ErrorEnvelope { error: body }).unwrap_or_default();
        parts.headers.remove(header::CONTENT_LENGTH);
        response = Response::from_parts(parts, axum::body::Body::from(bytes));
    }
    response
}

/// `Json<T>` whose rejections are [`ApiError`]s: malformed JSON, wrong types and unknown fields
/// (request types use `deny_unknown_fields`) answer 400 `invalid_request_body` naming the field,
/// line and column; an oversized body answers 413 naming the limit.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match read_json_body(request, state, false).await? {
            Some(value) => Ok(Self(value)),
            None => Err(ApiError::InvalidRequestBody {
                message: "invalid JSON body: expected a JSON object `{…}`".into(),
            }),
        }
    }
}

/// Reads a JSON object body as [`ApiJson`] does. With `optional`, an empty body or `null`
/// means no body (`None`).
async fn read_json_body<S, T>(request: Request, state: &S, optional: bool) -> Result<Option<T>, ApiError>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    let limit = request.extensions().get::<BodyLimit>().map(|limit| limit.0);
    if !json_content_type(request.headers()) {
        return Err(json_rejection(JsonRejection::MissingJsonContentType(Default::default()), limit));
    }
    let bytes = axum::body::Bytes::from_request(request, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge { limit: limit.unwrap_or(crate::config::defaults::MAX_JSON_BODY_BYTES) }
        } else {
            ApiError::InvalidRequestBody { message: rejection.body_text() }
        }
    })?;
    let text = bytes.trim_ascii();
    if optional && (text.is_empty() || text == b"null") {
        return Ok(None);
    }
    // serde reads a struct from a JSON array too (`[null, null]` would be a request with
    // every field absent); every JSON body of this API is an object.
    if text.first().is_some_and(|first| *first != b'{') {
        return Err(ApiError::InvalidRequestBody {
            message: "invalid JSON body: expected a JSON object `{…}`".into(),
        });
    }
    match axum::Json::<T>::from_bytes(&bytes) {
        Ok(axum::Json(value)) => Ok(Some(value)),
        Err(rejection) => Err(json_rejection(rejection, limit)),
    }
}

/// An optional JSON body: a request without `Content-Type`, with an empty body or with `null`
/// has none (`None`); any other body is read as [`ApiJson`] reads it.
impl<S, T> axum::extract::OptionalFromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        if !request.headers().contains_key(axum::http::header::CONTENT_TYPE) {
            return Ok(None);
        }
        Ok(read_json_body(request, state, true).await?.map(Self))
    }
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `application/json` or `application/<anything>+json`, parameters allowed: what `axum::Json` takes.
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The body limit in force for a route, recorded so a 413 can name it.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

fn json_rejection(rejection: JsonRejection, limit: Option<usize>) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType {
            message: "expected a JSON body with `Content-Type: application/json`".into(),
        },
        rejection if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::PayloadTooLarge { limit: limit.unwrap_or(crate::config::defaults::MAX_JSON_BODY_BYTES) }
        }
        JsonRejection::JsonDataError(error) => {
            ApiError::InvalidRequestBody { message: serde_message(&error.body_text()) }
        }
        JsonRejection::JsonSyntaxError(error) => {
            ApiError::InvalidRequestBody { message: serde_message(&error.body_text()) }
        }
        other => ApiError::InvalidRequestBody { message: other.body_text() },
    }
}

/// axum prefixes serde's precise message ("unknown field `x`, expected one of … at line 1
/// column 7") with its own generic sentence; keep the precise part.
fn serde_message(text: &str) -> String {
    let detail = text.split_once(": ").map_or(text, |(_, rest)| rest);
    format!("invalid JSON body: {detail}")
}

/// `Path<T>` whose rejections are [`ApiError`]s.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(path_rejection(rejection)),
        }
    }
}

fn path_rejection(rejection: PathRejection) -> ApiError {
    ApiError::InvalidParameter { message: format!("invalid path parameter: {}", rejection.body_text()) }
}

/// `Query<T>` whose rejections are [`ApiError`]s.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(query_rejection(rejection)),
        }
    }
}

fn query_rejection(rejection: QueryRejection) -> ApiError {
    ApiError::InvalidParameter {
        message: serde_message(&rejection.body_text()).replace("JSON body", "query"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_detail() {
        let error = ApiError::internal("connection refused to 10.0.0.3: password authentication failed");
        let body = error.body();
        assert_eq!(body.code, "internal_error");
        assert_eq!(body.message, "internal error");
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn device_not_found_carries_812() {
        let error = ApiError::NotFound { resource: Resource::Device, id: "abc".into() };
        assert_eq!(error.code(), "device_not_found");
        assert_eq!(error.ztd_code(), Some(812));
        assert_eq!(error.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn rate_limited_sets_retry_after() {
        let response = ApiError::RateLimited { retry_after_secs: 7 }.into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
    }

    #[test]
    fn serde_message_keeps_the_precise_part() {
        let text = "Failed to deserialize the JSON body into the target type: unknown field `nmae`, expected `name` at line 1 column 7";
        assert_eq!(
            serde_message(text),
            "invalid JSON body: unknown field `nmae`, expected `name` at line 1 column 7"
        );
    }
}

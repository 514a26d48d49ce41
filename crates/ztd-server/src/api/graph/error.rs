//! Graph's error body, `{"error": {"code", "message", "innerError": {"date", "request-id",
//! "client-request-id"}}}`, for every refusal under `/graph` (docs/compatibility.md#graph-errors).
//!
//! Handlers and extractors answer with [`ApiError`] as everywhere else; the [`graph_errors`]
//! middleware of the Graph routes rewrites each error envelope into Graph's shape, with Graph's
//! code for the status and ztd's own code (`ztdCode`) and hint kept in `innerError`. A `422` of
//! ztd (a value breaking a rule) answers Graph's `400 BadRequest`, which is what Graph clients
//! expect for invalid input.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{take_error_body, ErrorBody};

/// `{"error": {...}}` as Graph answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GraphErrorEnvelope {
    pub error: GraphErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GraphErrorBody {
    /// Graph's code for the status: `BadRequest`, `InvalidAuthenticationToken`, `Forbidden`,
    /// `NotFound`, `MethodNotAllowed`, `Conflict`, `RequestEntityTooLarge`,
    /// `UnsupportedMediaType`, `TooManyRequests`, `ServiceUnavailable`, `InternalServerError`, …
    pub code: String,
    /// ztd's message, naming the bad value.
    pub message: String,
    #[serde(rename = "innerError")]
    pub inner_error: GraphInnerError,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GraphInnerError {
    /// When the error was answered, RFC 3339 (UTC).
    pub date: String,
    /// The request's `x-request-id`.
    #[serde(rename = "request-id")]
    pub request_id: Option<String>,
    /// The client's `client-request-id` header, echoed.
    #[serde(rename = "client-request-id")]
    pub client_request_id: Option<String>,
    /// ztd's stable code (`unknown_group_tag`, `device_not_found`, …).
    #[serde(rename = "ztdCode")]
    pub ztd_code: String,
    /// How to fix it, when ztd has something to say.
    #[serde(rename = "ztdHint", skip_serializing_if = "Option::is_none")]
    pub ztd_hint: Option<String>,
}

/// The status a ztd error answers under `/graph` (422 becomes Graph's 400).
pub fn graph_status(status: StatusCode) -> StatusCode {
    if status == StatusCode::UNPROCESSABLE_ENTITY {
        StatusCode::BAD_REQUEST
    } else {
        status
    }
}

/// Graph's error code for a status.
pub fn graph_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "BadRequest",
        401 => "InvalidAuthenticationToken",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        _ => "InternalServerError",
    }
}

/// Middleware of the Graph routes: every ztd error envelope leaves in Graph's shape.
pub async fn graph_errors(request: Request, next: Next) -> Response {
    let request_id = crate::request_id::from_headers(request.headers());
    let client_request_id = request
        .headers()
        .get("client-request-id")
        .and_then(|value| value.to_str().ok())
        .filter(|value| crate::request_id::is_acceptable(value.as_bytes()))
        .map(str::to_owned);
    let mut response = next.run(request).await;
    let Some(body) = take_error_body(&mut response) else { return response };
    let status = graph_status(response.status());
    let envelope = envelope(status, body, request_id, client_request_id);
    let (mut parts, _) = response.into_parts();
    parts.status = status;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let bytes = serde_json::to_vec(&envelope).unwrap_or_default();
    Response::from_parts(parts, axum::body::Body::from(bytes)).into_response()
}

fn envelope(
    status: StatusCode,
    body: ErrorBody,
    request_id: Option<String>,
    client_request_id: Option<String>,
) -> GraphErrorEnvelope {
    let message = if body.code == "not_found" {
        format!(
            "{}: ztd implements only the Autopilot routes of Microsoft Graph listed in docs/compatibility.md",
            body.message
        )
    } else {
        body.message
    };
    GraphErrorEnvelope {
        error: GraphErrorBody {
            code: graph_code(status).to_owned(),
            message,
            inner_error: GraphInnerError {
                date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                request_id,
                client_request_id,
                ztd_code: body.code,
                ztd_hint: body.hint,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unprocessable_is_graphs_bad_request() {
        assert_eq!(graph_status(StatusCode::UNPROCESSABLE_ENTITY), StatusCode::BAD_REQUEST);
        assert_eq!(graph_code(graph_status(StatusCode::UNPROCESSABLE_ENTITY)), "BadRequest");
        assert_eq!(graph_code(StatusCode::NOT_FOUND), "NotFound");
        assert_eq!(graph_code(StatusCode::UNAUTHORIZED), "InvalidAuthenticationToken");
    }
}

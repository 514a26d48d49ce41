//! Builds the router with its middleware stack.

use axum::extract::{DefaultBodyLimit, Request, State};
use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{middleware, Extension, Router};
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::error::{ApiError, BodyLimit};
use crate::state::AppState;
use crate::{api, error, observability, request_id};

/// The whole service: API routes, health, metrics, OpenAPI; middleware for request ids,
/// tracing, metrics, body limits and error envelopes. A worker-only process (`serve_api`
/// off) answers only `/healthz`, `/readyz` and `/metrics`.
pub fn build_app(state: AppState) -> Router {
    let json_limit = state.config.max_json_body_bytes;
    let request_timeout = state.config.request_timeout;
    let hsts = state.config.public_url.starts_with("https://");
    let request_id = HeaderName::from_static(request_id::HEADER);
    let routes = if state.config.serve_api {
        Router::new().merge(api::router()).merge(crate::portal::router(&state))
    } else {
        api::health::operations_routes()
    };
    routes
        .fallback(no_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(
            ServiceBuilder::new()
                // Outermost, so every answer has them, errors included (docs/security.md).
                // `if_not_present`: the portal sets its own, stricter-for-pages CSP.
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("no-referrer"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::STRICT_TRANSPORT_SECURITY,
                    hsts.then(|| HeaderValue::from_static("max-age=31536000")),
                ))
                .layer(middleware::from_fn(request_id::drop_unacceptable))
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(middleware::from_fn(error::fill_request_id))
                .layer(middleware::from_fn(observability::record_metrics))
                .layer(middleware::from_fn(move |request: Request, next: Next| {
                    within_request_timeout(request_timeout, request, next)
                }))
                .layer(DefaultBodyLimit::max(json_limit))
                .layer(Extension(BodyLimit(json_limit))),
        )
        .with_state(state)
}

/// The span every log line of a request is written in: method, route, request id.
fn request_span(request: &Request) -> tracing::Span {
    let request_id = request_id::from_headers(request.headers()).unwrap_or_default();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| request.uri().path().to_owned(), |path| path.as_str().to_owned());
    tracing::info_span!("request", method = %request.method(), route = %route, request_id = %request_id)
}

/// The whole-request timeout (docs/operations.md#connections): reading the body and producing
/// the answer. A streamed answer's body is not covered once its head is sent.
async fn within_request_timeout(limit: Duration, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::RequestTimeout { limit_secs: limit.as_secs() }.into_response(),
    }
}

/// An unknown address: the API's JSON 404, or the portal's page when a browser asks for a page
/// outside the API's paths.
async fn no_route(State(state): State<AppState>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    if state.config.serve_api && crate::portal::wants_page(&parts) {
        return crate::portal::not_found_page(&state, &mut parts).await;
    }
    ApiError::NoRoute { method: parts.method.to_string(), path: parts.uri.path().to_owned() }.into_response()
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed { method: method.to_string(), path: uri.path().to_owned() }
}

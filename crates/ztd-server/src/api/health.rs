//! Liveness, readiness, metrics and the OpenAPI document: no authentication.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::access::Gate;
use crate::app::health;
use crate::auth;
use crate::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    operations_routes().route("/api/v1/openapi.json", get(openapi))
}

/// What an orchestrator and a scraper need; all a worker-only process (`ztd serve --no-api`)
/// serves.
pub fn operations_routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` / `ready`.
    pub status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
}

/// Liveness: the process answers. Touches no database.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Readiness: the database answers a ping.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, body = Readiness),
    (status = 503, description = "database unreachable", body = crate::error::ErrorEnvelope),
))]
pub async fn readyz(gate: Gate) -> Result<Json<Readiness>, ApiError> {
    match health::readiness(&gate).await {
        Ok(database) => Ok(Json(Readiness { status: "ready", database })),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            Err(ApiError::Unavailable { what: "the database" })
        }
    }
}

/// Prometheus metrics in the text exposition format. Public unless the operator set a metrics
/// token, then only for `Authorization: Bearer <token>`.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses(
    (status = 200, description = "Prometheus text format", content_type = "text/plain", body = String),
    (status = 401, description = "a metrics token is configured and the request does not carry it", body = crate::error::ErrorEnvelope),
))]
pub async fn metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(expected) = &state.config.metrics_token {
        let given = crate::http_auth::bearer_token(&headers).unwrap_or("");
        if !auth::tokens_match(expected, given) {
            return Err(ApiError::Unauthenticated);
        }
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()))
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations", responses(
    (status = 200, description = "the OpenAPI 3 document", content_type = "application/json", body = Object),
))]
pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(super::openapi::document())
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(healthz, readyz, metrics, openapi))]
pub struct Doc;

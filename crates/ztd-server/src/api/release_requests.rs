//! HTTP adapter of release requests ([`crate::app::releases`], docs/domain.md#release-requests):
//! a registrar asks the holder of a device "registered to another tenant" to release it; the
//! holder's admins approve (the device is deregistered there) or deny. The requester's view
//! never names the holder.

use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_storage::{IncomingReleaseRequest, ReleaseRequest};

use crate::app::access::Access;
use crate::app::releases;
use crate::error::{ApiError, ApiJson, ApiPath, ErrorEnvelope};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/release-requests", get(list_release_requests).post(create_release_request))
        .route("/api/v1/release-requests/{id}/approve", post(approve_release_request))
        .route("/api/v1/release-requests/{id}/deny", post(deny_release_request))
}

/// `POST /api/v1/release-requests`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReleaseRequest {
    /// The device's hardware hash: the proof that the requester holds the device.
    pub hardware_hash: String,
}

/// A release request. `direction` says whose it is: `outgoing` (the caller's organisation
/// asked; the holder is never named) or `incoming` (for a device the caller's organisation
/// holds; with who asked and which device).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReleaseRequestView {
    pub id: Uuid,
    /// `incoming` or `outgoing`.
    #[schema(example = "outgoing")]
    pub direction: String,
    /// `pending`, `approved` (the device was released: register it now) or `denied`.
    #[schema(example = "pending")]
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Incoming only: the device held, and who asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_org_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_name: Option<String>,
}

/// Both directions, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReleaseRequestList {
    pub release_requests: Vec<ReleaseRequestView>,
}

impl ReleaseRequestView {
    fn outgoing(request: ReleaseRequest) -> Self {
        Self {
            id: request.id,
            direction: "outgoing".into(),
            status: request.status.as_str().into(),
            created_at: request.created_at,
            decided_at: request.decided_at,
            device_id: None,
            serial_number: None,
            model: None,
            requester_org_id: None,
            requester_name: None,
        }
    }

    fn incoming(incoming: IncomingReleaseRequest) -> Self {
        let request = incoming.request;
        Self {
            device_id: Some(request.device_id),
            serial_number: incoming.serial_number,
            model: incoming.model,
            requester_org_id: Some(request.requester_org_id),
            requester_name: Some(incoming.requester_name),
            direction: "incoming".into(),
            ..Self::outgoing(request)
        }
    }
}

/// Asks the holder of a device registered to another tenant to release it (registrars and
/// admins). Only for a device another organisation holds (`409
/// device_not_registered_elsewhere` otherwise); one open request per device.
#[utoipa::path(post, path = "/api/v1/release-requests", tag = "release requests", security(("bearer" = [])),
    request_body = CreateReleaseRequest,
    responses(
        super::BodyErrors,
        (status = 201, body = ReleaseRequestView),
        super::CommonErrors,
        (status = 409, description = "`device_not_registered_elsewhere` or `release_request_open`", body = ErrorEnvelope),
        (status = 422, description = "the hardware hash is invalid", body = ErrorEnvelope),
    ))]
pub async fn create_release_request(
    access: Access,
    ApiJson(body): ApiJson<CreateReleaseRequest>,
) -> Result<(StatusCode, Json<ReleaseRequestView>), ApiError> {
    let request = releases::request(&access, &body.hardware_hash).await?;
    Ok((StatusCode::CREATED, Json(ReleaseRequestView::outgoing(request))))
}

/// The caller organisation's release requests: the ones it made, and (a customer) the ones for
/// devices it holds.
#[utoipa::path(get, path = "/api/v1/release-requests", tag = "release requests", security(("bearer" = [])),
    responses((status = 200, body = ReleaseRequestList), super::CommonErrors))]
pub async fn list_release_requests(access: Access) -> Result<Json<ReleaseRequestList>, ApiError> {
    let all = releases::list(&access).await?;
    let mut views: Vec<_> = all.incoming.into_iter().map(ReleaseRequestView::incoming).collect();
    views.extend(all.outgoing.into_iter().map(ReleaseRequestView::outgoing));
    views.sort_by_key(|view| std::cmp::Reverse(view.created_at));
    Ok(Json(ReleaseRequestList { release_requests: views }))
}

/// Releases the device (the holder's admins): it is deregistered, so the requester can
/// register it.
#[utoipa::path(post, path = "/api/v1/release-requests/{id}/approve", tag = "release requests",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "release request id")),
    responses(
        (status = 200, body = ReleaseRequestView),
        super::CommonErrors,
        (status = 404, description = "no such request for the caller's devices", body = ErrorEnvelope),
        (status = 409, description = "`release_request_decided`", body = ErrorEnvelope),
    ))]
pub async fn approve_release_request(
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ReleaseRequestView>, ApiError> {
    decided(&access, id, true).await
}

/// Keeps the device (the holder's admins); the requester learns only that it was denied.
#[utoipa::path(post, path = "/api/v1/release-requests/{id}/deny", tag = "release requests",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "release request id")),
    responses(
        (status = 200, body = ReleaseRequestView),
        super::CommonErrors,
        (status = 404, description = "no such request for the caller's devices", body = ErrorEnvelope),
        (status = 409, description = "`release_request_decided`", body = ErrorEnvelope),
    ))]
pub async fn deny_release_request(
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ReleaseRequestView>, ApiError> {
    decided(&access, id, false).await
}

async fn decided(access: &Access, id: Uuid, approve: bool) -> Result<Json<ReleaseRequestView>, ApiError> {
    Ok(Json(ReleaseRequestView::incoming(releases::decide(access, id, approve).await?)))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create_release_request,
    list_release_requests,
    approve_release_request,
    deny_release_request
))]
pub struct Doc;

//! HTTP adapter of invitation links (docs/domain.md#consent); the rules are in
//! [`crate::app::consent`]: partners/OEMs create links, customer admins accept them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_storage::{Invitation, RelationshipKind};

use super::relationships::RelationshipView;
use crate::app::access::Access;
use crate::app::consent::{self, NewInvitation};
use crate::error::{ApiError, ApiJson, ApiPath, ErrorEnvelope};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/invitations", post(create_invitation).get(list_invitations))
        .route("/api/v1/invitations/{id}", delete(withdraw_invitation))
        // Same parameter name as the DELETE route (the router requires it); it carries the token.
        .route("/api/v1/invitations/{id}/accept", post(accept_invitation))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvitationRequest {
    /// Only this customer may accept (CSP links usually name one).
    pub customer_id: Option<Uuid>,
    /// Default: false for partners (CSP), true for OEMs.
    pub reusable: Option<bool>,
    /// 1–90; default from the server's configuration (7).
    #[schema(minimum = 1, maximum = 90)]
    #[serde(default, deserialize_with = "super::optional_integral_u32")]
    pub expires_in_days: Option<u32>,
}

/// The new link; `token` and `url` are shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedInvitation {
    pub id: Uuid,
    pub token: String,
    /// The portal page where a customer admin accepts.
    pub url: String,
    pub expires_at: DateTime<Utc>,
    #[schema(schema_with = super::relationship_kind_schema)]
    pub kind: RelationshipKind,
    pub customer_id: Option<Uuid>,
    pub reusable: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InvitationView {
    pub id: Uuid,
    #[schema(schema_with = super::relationship_kind_schema)]
    pub kind: RelationshipKind,
    pub customer_id: Option<Uuid>,
    pub reusable: bool,
    /// `open`, `used`, `expired` or `withdrawn`.
    pub status: String,
    pub accepted_count: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl InvitationView {
    fn new(invitation: Invitation, now: DateTime<Utc>) -> Self {
        Self {
            status: consent::invitation_status(&invitation, now).to_owned(),
            id: invitation.id,
            kind: invitation.kind,
            customer_id: invitation.customer_id,
            reusable: invitation.reusable,
            accepted_count: invitation.accepted_count,
            created_at: invitation.created_at,
            expires_at: invitation.expires_at,
            withdrawn_at: invitation.withdrawn_at,
        }
    }
}

/// Creates an invitation link (partner/OEM admins).
#[utoipa::path(post, path = "/api/v1/invitations", tag = "relationships", request_body = CreateInvitationRequest,
    security(("bearer" = [])),
    responses(
        super::BodyErrors,
        (status = 201, body = CreatedInvitation),
        super::CommonErrors,
        (status = 422, description = "expires_in_days out of range", body = ErrorEnvelope),
    ))]
pub async fn create_invitation(
    State(state): State<AppState>,
    access: Access,
    ApiJson(body): ApiJson<CreateInvitationRequest>,
) -> Result<(StatusCode, Json<CreatedInvitation>), ApiError> {
    let new = NewInvitation {
        customer_id: body.customer_id,
        reusable: body.reusable,
        expires_in_days: body.expires_in_days.unwrap_or(state.config.invitation_expiry_days),
    };
    let created = consent::create_invitation(&access, new).await?;
    let url = created.url(state.config.public_base());
    let invitation = created.invitation;
    Ok((
        StatusCode::CREATED,
        Json(CreatedInvitation {
            id: invitation.id,
            token: created.token,
            url,
            expires_at: invitation.expires_at,
            kind: invitation.kind,
            customer_id: invitation.customer_id,
            reusable: invitation.reusable,
        }),
    ))
}

/// The links the caller's organisation created (without tokens).
#[utoipa::path(get, path = "/api/v1/invitations", tag = "relationships", security(("bearer" = [])),
    responses((status = 200, body = Vec<InvitationView>), super::CommonErrors))]
pub async fn list_invitations(access: Access) -> Result<Json<Vec<InvitationView>>, ApiError> {
    let now = Utc::now();
    let invitations = consent::list_invitations(&access).await?;
    Ok(Json(invitations.into_iter().map(|invitation| InvitationView::new(invitation, now)).collect()))
}

/// Withdraws a link the caller's organisation created; it can no longer be accepted.
#[utoipa::path(delete, path = "/api/v1/invitations/{id}", tag = "relationships", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "invitation id")),
    responses(
        (status = 204, description = "withdrawn"),
        super::CommonErrors,
        (status = 404, description = "no such link of the caller's organisation", body = ErrorEnvelope),
    ))]
pub async fn withdraw_invitation(access: Access, ApiPath(id): ApiPath<Uuid>) -> Result<StatusCode, ApiError> {
    consent::withdraw_invitation(&access, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accepts a link (customer admins). Idempotent: accepting again answers the existing
/// relationship with 200; a new one answers 201.
#[utoipa::path(post, path = "/api/v1/invitations/{token}/accept", tag = "relationships",
    security(("bearer" = [])),
    params(("token" = String, Path, description = "the link's token (`ztdinv_…`)")),
    responses(
        (status = 201, description = "relationship created", body = RelationshipView),
        (status = 200, description = "already accepted: the existing relationship", body = RelationshipView),
        super::CommonErrors,
        (status = 404, description = "unknown token", body = ErrorEnvelope),
        (status = 409, description = "a single-use link already used by another customer", body = ErrorEnvelope),
        (status = 410, description = "the link expired or was withdrawn", body = ErrorEnvelope),
    ))]
pub async fn accept_invitation(
    access: Access,
    ApiPath(token): ApiPath<String>,
) -> Result<(StatusCode, Json<RelationshipView>), ApiError> {
    let accepted = consent::accept_invitation(&access, &token).await?;
    let status = if accepted.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(accepted.relationship.into())))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(create_invitation, list_invitations, withdraw_invitation, accept_invitation))]
pub struct Doc;

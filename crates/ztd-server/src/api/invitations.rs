//! Invitation links (docs/domain.md#consent): partners/OEMs create them, customer admins accept them.
//!
//! A CSP link (from a partner) is single-use by default and may name the one customer allowed to
//! accept it; an OEM link is reusable by default. The token is shown once; the database keeps
//! its SHA-256.
//!
//! Decision: a `customer_id` is taken as given, whether or not it names an organisation, so
//! creating a link never tells a partner which organisations exist (docs/domain.md#tenancy). Only an admin of
//! exactly that organisation, and only if it is a customer, can accept the link; a link for a
//! missing or non-customer id simply can never be accepted.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_storage::{
    ActorKind, ApprovalMode, Invitation, OrgKind, Relationship, RelationshipKind, Role, StorageError,
};

use super::relationships::{self, RelationshipView};
use crate::app::access::Access;
use crate::auth;
use crate::error::{ApiError, ApiJson, ApiPath, ErrorEnvelope};
use crate::state::AppState;

pub const MAX_EXPIRY_DAYS: u32 = 90;

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

fn status_of(invitation: &Invitation, now: DateTime<Utc>) -> &'static str {
    if invitation.withdrawn_at.is_some() {
        "withdrawn"
    } else if !invitation.reusable && invitation.accepted_count > 0 {
        "used"
    } else if invitation.expires_at <= now {
        "expired"
    } else {
        "open"
    }
}

impl InvitationView {
    fn new(invitation: Invitation, now: DateTime<Utc>) -> Self {
        Self {
            status: status_of(&invitation, now).to_owned(),
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
        (status = 201, body = CreatedInvitation),
        super::CommonErrors,
        (status = 422, description = "expires_in_days out of range", body = ErrorEnvelope),
    ))]
pub async fn create_invitation(
    State(state): State<AppState>,
    access: Access,
    ApiJson(body): ApiJson<CreateInvitationRequest>,
) -> Result<(StatusCode, Json<CreatedInvitation>), ApiError> {
    access.require_org_kind(&[OrgKind::Partner, OrgKind::Oem], "creating invitation links")?;
    access.require_role(Role::Admin)?;
    let kind =
        if access.caller().org.kind == OrgKind::Oem { RelationshipKind::Oem } else { RelationshipKind::Csp };
    let days = body.expires_in_days.unwrap_or(state.config.invitation_expiry_days);
    if !(1..=MAX_EXPIRY_DAYS).contains(&days) {
        return Err(ApiError::unprocessable(
            "invalid_expiry",
            format!("expires_in_days {days} must be between 1 and {MAX_EXPIRY_DAYS}"),
        ));
    }
    let now = Utc::now();
    let issued = auth::new_invitation_token();
    let invitation = Invitation {
        id: Uuid::new_v4(),
        token_hash: issued.hash,
        creator_org_id: access.org_id(),
        kind,
        customer_id: body.customer_id,
        reusable: body.reusable.unwrap_or(kind == RelationshipKind::Oem),
        created_at: now,
        expires_at: now + Duration::days(i64::from(days)),
        withdrawn_at: None,
        accepted_count: 0,
    };
    let audit = access.audit(
        "invitation.create",
        "invitation",
        invitation.id,
        invitation.customer_id,
        serde_json::json!({ "kind": kind, "reusable": invitation.reusable, "expires_at": invitation.expires_at }),
    );
    access.db().create_invitation(&invitation, &audit).await?;
    let url = format!("{}/invitations/{}", state.config.public_base(), issued.secret);
    Ok((
        StatusCode::CREATED,
        Json(CreatedInvitation {
            id: invitation.id,
            token: issued.secret,
            url,
            expires_at: invitation.expires_at,
            kind,
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
    let invitations = access.db().list_invitations(access.org_id()).await?;
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
    access.require_role(Role::Admin)?;
    let audit = access.audit("invitation.withdraw", "invitation", id, None, serde_json::json!({}));
    match access.db().withdraw_invitation(access.org_id(), id, Utc::now(), &audit).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(StorageError::NotFound) => Err(ApiError::not_found(crate::app::Resource::Invitation, id)),
        Err(other) => Err(other.into()),
    }
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
    access.require_org_kind(&[OrgKind::Customer], "accepting invitation links")?;
    access.require_role(Role::Admin)?;
    let db = access.db();
    let customer_id = access.org_id();
    // The token is a secret: never echo it back.
    let invitation = match db.find_invitation_by_token_hash(&auth::hash_token(&token)).await {
        Ok(invitation) => invitation,
        Err(StorageError::NotFound) => {
            return Err(ApiError::NotFound {
                resource: crate::app::Resource::Invitation,
                id: "matching this link".into(),
            })
        }
        Err(other) => return Err(other.into()),
    };
    if invitation.customer_id.is_some_and(|only| only != customer_id) {
        return Err(ApiError::forbidden(
            "invitation_for_another_customer",
            "this link was made for another customer organisation",
        )
        .with_hint("ask the partner for a link for your organisation"));
    }
    // Idempotent: a relationship this link already made for this customer is the answer.
    if let Some(existing) = db.find_active_relationship(invitation.creator_org_id, customer_id).await? {
        if existing.invitation_id == Some(invitation.id) {
            return Ok((StatusCode::OK, Json(relationships::view(db.as_ref(), existing).await?)));
        }
    }
    let now = Utc::now();
    if invitation.withdrawn_at.is_some() {
        return Err(ApiError::Gone {
            code: "invitation_withdrawn",
            message: "this link was withdrawn by the organisation that created it".into(),
            hint: Some("ask for a new link".into()),
        });
    }
    if invitation.expires_at <= now {
        return Err(ApiError::Gone {
            code: "invitation_expired",
            message: format!("this link expired at {}", invitation.expires_at.to_rfc3339()),
            hint: Some("ask for a new link".into()),
        });
    }
    if !invitation.reusable && invitation.accepted_count > 0 {
        return Err(ApiError::conflict("invitation_used", "this single-use link was already accepted")
            .with_hint("ask for a new link"));
    }
    let caller = access.caller();
    let relationship = Relationship {
        id: Uuid::new_v4(),
        partner_org_id: invitation.creator_org_id,
        customer_org_id: customer_id,
        kind: invitation.kind,
        invitation_id: Some(invitation.id),
        accepted_by_user_id: (caller.actor.kind == ActorKind::User).then_some(caller.actor.id),
        approval_mode: ApprovalMode::AutoAccept,
        created_at: now,
        revoked_at: None,
        revoked_by_org_id: None,
    };
    let audit = access.audit(
        "invitation.accept",
        "relationship",
        relationship.id,
        Some(customer_id),
        serde_json::json!({ "invitation_id": invitation.id, "partner_org_id": invitation.creator_org_id }),
    );
    let stored = db.accept_invitation(invitation.id, &relationship, &audit).await?;
    let status = if stored.id == relationship.id { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(relationships::view(db.as_ref(), stored).await?)))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(create_invitation, list_invitations, withdraw_invitation, accept_invitation))]
pub struct Doc;

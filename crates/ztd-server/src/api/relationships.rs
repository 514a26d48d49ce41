//! Consent relationships: listed by both sides, revocable by either (admins).

use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_storage::{Database, Relationship, RelationshipKind, Role, StorageError};

use crate::app::access::Access;
use crate::error::{ApiError, ApiPath, ErrorEnvelope};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/relationships", get(list_relationships))
        .route("/api/v1/relationships/{id}", delete(revoke_relationship))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RelationshipView {
    pub id: Uuid,
    #[schema(schema_with = super::relationship_kind_schema)]
    pub kind: RelationshipKind,
    /// `active` or `revoked`.
    pub status: String,
    pub partner_org_id: Uuid,
    pub partner_name: String,
    pub customer_org_id: Uuid,
    pub customer_name: String,
    pub invitation_id: Option<Uuid>,
    pub accepted_by_user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by_org_id: Option<Uuid>,
}

/// Both sides of a relationship may see each other's name: that is what consent shares.
pub(crate) async fn view(
    db: &dyn Database,
    relationship: Relationship,
) -> Result<RelationshipView, ApiError> {
    let partner = db.get_org(relationship.partner_org_id).await?;
    let customer = db.get_org(relationship.customer_org_id).await?;
    Ok(RelationshipView {
        id: relationship.id,
        kind: relationship.kind,
        status: if relationship.revoked_at.is_some() { "revoked" } else { "active" }.to_owned(),
        partner_org_id: partner.id,
        partner_name: partner.name,
        customer_org_id: customer.id,
        customer_name: customer.name,
        invitation_id: relationship.invitation_id,
        accepted_by_user_id: relationship.accepted_by_user_id,
        created_at: relationship.created_at,
        revoked_at: relationship.revoked_at,
        revoked_by_org_id: relationship.revoked_by_org_id,
    })
}

/// Every relationship the caller's organisation is a side of, newest first.
#[utoipa::path(get, path = "/api/v1/relationships", tag = "relationships", security(("bearer" = [])),
    responses((status = 200, body = Vec<RelationshipView>), super::CommonErrors))]
pub async fn list_relationships(access: Access) -> Result<Json<Vec<RelationshipView>>, ApiError> {
    let db = access.db().as_ref();
    let mut views = Vec::new();
    for relationship in db.list_relationships(access.org_id()).await? {
        views.push(view(db, relationship).await?);
    }
    Ok(Json(views))
}

/// Revokes a relationship; either side's admin may. Effective on the partner's next request;
/// devices already registered stay with the customer. Revoking a revoked relationship is a no-op.
#[utoipa::path(delete, path = "/api/v1/relationships/{id}", tag = "relationships", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "relationship id")),
    responses(
        (status = 204, description = "revoked"),
        super::CommonErrors,
        (status = 404, description = "no such relationship of the caller's organisation", body = ErrorEnvelope),
    ))]
pub async fn revoke_relationship(access: Access, ApiPath(id): ApiPath<Uuid>) -> Result<StatusCode, ApiError> {
    access.require_role(Role::Admin)?;
    let db = access.db();
    let missing = || ApiError::not_found(crate::app::Resource::Relationship, id);
    let relationship = match db.get_relationship(access.org_id(), id).await {
        Ok(relationship) => relationship,
        Err(StorageError::NotFound) => return Err(missing()),
        Err(other) => return Err(other.into()),
    };
    // Storage returned it only because the caller's organisation is one of its sides.
    let org_id = access.org_id();
    if relationship.revoked_at.is_some() {
        return Ok(StatusCode::NO_CONTENT);
    }
    let audit = access.audit(
        "relationship.revoke",
        "relationship",
        id,
        Some(relationship.customer_org_id),
        serde_json::json!({ "partner_org_id": relationship.partner_org_id }),
    );
    match db.revoke_relationship(org_id, id, Utc::now(), &audit).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(StorageError::NotFound) => Err(missing()),
        Err(other) => Err(other.into()),
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_relationships, revoke_relationship))]
pub struct Doc;

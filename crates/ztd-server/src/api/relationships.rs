//! HTTP adapter of consent relationships ([`crate::app::consent`]): listed by both sides,
//! revocable by either (admins).

use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_storage::RelationshipKind;

use crate::app::access::Access;
use crate::app::consent::{self, RelationshipDetails};
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

impl From<RelationshipDetails> for RelationshipView {
    fn from(details: RelationshipDetails) -> Self {
        let status = if details.is_active() { "active" } else { "revoked" }.to_owned();
        let relationship = details.relationship;
        Self {
            id: relationship.id,
            kind: relationship.kind,
            status,
            partner_org_id: relationship.partner_org_id,
            partner_name: details.partner_name,
            customer_org_id: relationship.customer_org_id,
            customer_name: details.customer_name,
            invitation_id: relationship.invitation_id,
            accepted_by_user_id: relationship.accepted_by_user_id,
            created_at: relationship.created_at,
            revoked_at: relationship.revoked_at,
            revoked_by_org_id: relationship.revoked_by_org_id,
        }
    }
}

/// Every relationship the caller's organisation is a side of, newest first.
#[utoipa::path(get, path = "/api/v1/relationships", tag = "relationships", security(("bearer" = [])),
    responses((status = 200, body = Vec<RelationshipView>), super::CommonErrors))]
pub async fn list_relationships(access: Access) -> Result<Json<Vec<RelationshipView>>, ApiError> {
    let all = consent::list_relationships(&access).await?;
    Ok(Json(all.into_iter().map(RelationshipView::from).collect()))
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
    consent::revoke_relationship(&access, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_relationships, revoke_relationship))]
pub struct Doc;

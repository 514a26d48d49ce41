//! HTTP adapter of consent relationships ([`crate::app::consent`]): listed by both sides,
//! revocable by either (admins).

use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_storage::{ApprovalMode, RelationshipKind};

use crate::app::access::Access;
use crate::app::consent::{self, RelationshipDetails};
use crate::error::{ApiError, ApiJson, ApiPath, ErrorEnvelope};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/relationships", get(list_relationships)).route(
        "/api/v1/relationships/{id}",
        get(show_relationship).patch(update_relationship).delete(revoke_relationship),
    )
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
    /// `auto`: the partner's batches are processed at once; `review`: they wait in the
    /// customer's approval queue (docs/domain.md#approval-queue).
    #[schema(example = "auto")]
    pub approval_mode: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by_org_id: Option<Uuid>,
    /// Only on `GET /api/v1/relationships/{id}`: what the partner did lately.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<HealthView>,
}

/// What the partner did in the relationship lately (docs/domain.md#relationship-health).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HealthView {
    /// When the partner last submitted a batch to this customer.
    pub last_upload_at: Option<DateTime<Utc>>,
    /// Devices the partner registered here that are not deregistered.
    pub devices_registered: i64,
    /// Batches submitted in the last 30 days.
    pub batches_30d: i64,
    /// Rows that failed in those batches (rejected batches not counted).
    pub rows_failed_30d: i64,
    /// Email of the customer's user who accepted the invitation; null when an API key did.
    pub accepted_by: Option<String>,
    /// When the relationship began.
    pub accepted_at: DateTime<Utc>,
}

/// `PATCH /api/v1/relationships/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRelationshipRequest {
    /// `auto` or `review`.
    #[schema(schema_with = approval_mode_schema)]
    pub approval_mode: String,
}

fn approval_mode_schema() -> utoipa::openapi::schema::Object {
    super::text_enum_schema(&["auto", "review"])
}

fn mode_name(mode: ApprovalMode) -> &'static str {
    match mode {
        ApprovalMode::AutoAccept => "auto",
        ApprovalMode::Review => "review",
    }
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
            approval_mode: mode_name(relationship.approval_mode).to_owned(),
            created_at: relationship.created_at,
            revoked_at: relationship.revoked_at,
            revoked_by_org_id: relationship.revoked_by_org_id,
            health: None,
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

/// One relationship the caller's organisation is a side of, with its health.
#[utoipa::path(get, path = "/api/v1/relationships/{id}", tag = "relationships", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "relationship id")),
    responses(
        (status = 200, body = RelationshipView),
        super::CommonErrors,
        (status = 404, description = "no such relationship of the caller's organisation", body = ErrorEnvelope),
    ))]
pub async fn show_relationship(
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<RelationshipView>, ApiError> {
    let (details, health) = consent::relationship_health(&access, id).await?;
    let accepted_at = details.relationship.created_at;
    let mut view = RelationshipView::from(details);
    view.health = Some(HealthView {
        last_upload_at: health.last_upload_at,
        devices_registered: health.devices_registered,
        batches_30d: health.batches_30d,
        rows_failed_30d: health.rows_failed_30d,
        accepted_by: health.accepted_by,
        accepted_at,
    });
    Ok(Json(view))
}

/// Sets the approval mode (the customer's admins): under `review` the partner's batches wait in
/// the customer's approval queue.
#[utoipa::path(patch, path = "/api/v1/relationships/{id}", tag = "relationships", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "relationship id")),
    request_body = UpdateRelationshipRequest,
    responses(
        super::BodyErrors,
        (status = 200, body = RelationshipView),
        super::CommonErrors,
        (status = 404, description = "no such relationship of the caller's organisation", body = ErrorEnvelope),
        (status = 409, description = "`relationship_revoked`", body = ErrorEnvelope),
        (status = 422, description = "`invalid_approval_mode`", body = ErrorEnvelope),
    ))]
pub async fn update_relationship(
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<UpdateRelationshipRequest>,
) -> Result<Json<RelationshipView>, ApiError> {
    let mode =
        match body.approval_mode.as_str() {
            "auto" => ApprovalMode::AutoAccept,
            "review" => ApprovalMode::Review,
            other => return Err(crate::app::Error::invalid(
                "invalid_approval_mode",
                format!("approval_mode {other:?} is not `auto` or `review`"),
            )
            .with_hint(
                "`review` makes the partner's batches wait for your approval; `auto` processes them at once",
            )
            .into()),
        };
    Ok(Json(consent::set_approval_mode(&access, id, mode).await?.into()))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_relationships, show_relationship, update_relationship, revoke_relationship))]
pub struct Doc;

//! HTTP adapter of the audit trail ([`crate::app::audit`]): everything the caller's
//! organisation did, and everything done on its tenant by anyone (a customer sees its partners'
//! work too). Newest first, cursor paged.

use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use ztd_storage::{ActorKind, AuditEvent};

use crate::app::access::Access;
use crate::app::audit::{self as usecase, PageRequest};
use crate::error::{ApiError, ApiQuery};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/audit", get(list_audit))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    #[param(schema_with = super::audit_cursor_schema)]
    pub cursor: Option<String>,
    /// Page size, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// Only this action, e.g. `device_batch.create`.
    #[param(pattern = r"^[a-z_]+\.[a-z_]+$")]
    pub action: Option<String>,
    /// Only what this user or API key did.
    pub actor_id: Option<Uuid>,
    /// Only what this organisation did (anyone of it).
    pub actor_org_id: Option<Uuid>,
    /// Only events at or after this moment (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Only events before this moment (RFC 3339).
    pub until: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEventView {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub request_id: Option<String>,
    #[schema(schema_with = super::actor_kind_schema)]
    pub actor_kind: ActorKind,
    pub actor_id: Option<Uuid>,
    pub actor_org_id: Option<Uuid>,
    pub tenant_org_id: Option<Uuid>,
    /// e.g. `relationship.revoke`, `profile.create`.
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl From<AuditEvent> for AuditEventView {
    fn from(event: AuditEvent) -> Self {
        Self {
            seq: event.seq,
            at: event.at,
            request_id: event.request_id,
            actor_kind: event.actor_kind,
            actor_id: event.actor_id,
            actor_org_id: event.actor_org_id,
            tenant_org_id: event.tenant_org_id,
            action: event.action,
            target_type: event.target_type,
            target_id: event.target_id,
            details: event.details,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEventView>,
    /// Pass as `?cursor=` for the next (older) page; null on the last page.
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = AuditPage), super::CommonErrors))]
pub async fn list_audit(
    access: Access,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let request = PageRequest::parse(query.limit, query.cursor.as_deref())?;
    let search = usecase::parse_search(
        query.action.as_deref(),
        query.actor_id,
        query.actor_org_id,
        query.since,
        query.until,
    )?;
    let page = usecase::list(&access, request, &search).await?;
    Ok(Json(AuditPage {
        items: page.events.into_iter().map(AuditEventView::from).collect(),
        next_cursor: page.next_cursor.map(|seq| seq.to_string()),
    }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_audit))]
pub struct Doc;

//! The customers a partner/OEM works for (active relationships), for the portal and scripts.

use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_storage::{OrgKind, RelationshipKind};

use crate::app::access::Access;
use crate::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/customers", get(list_customers))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CustomerView {
    pub id: Uuid,
    pub name: String,
    pub domain: Option<String>,
    pub relationship_id: Uuid,
    #[schema(schema_with = super::relationship_kind_schema)]
    pub relationship_kind: RelationshipKind,
    /// When the customer accepted.
    pub since: DateTime<Utc>,
}

/// Customers with an active relationship to the caller (partner/OEM organisations).
#[utoipa::path(get, path = "/api/v1/customers", tag = "relationships", security(("bearer" = [])),
    responses((status = 200, body = Vec<CustomerView>), super::CommonErrors))]
pub async fn list_customers(access: Access) -> Result<Json<Vec<CustomerView>>, ApiError> {
    access.require_org_kind(&[OrgKind::Partner, OrgKind::Oem], "listing customers")?;
    let db = access.db();
    let mut customers = Vec::new();
    for relationship in db.list_relationships(access.org_id()).await? {
        if relationship.revoked_at.is_some() || relationship.partner_org_id != access.org_id() {
            continue;
        }
        let customer = db.get_org(relationship.customer_org_id).await?;
        customers.push(CustomerView {
            id: customer.id,
            name: customer.name,
            domain: customer.domain,
            relationship_id: relationship.id,
            relationship_kind: relationship.kind,
            since: relationship.created_at,
        });
    }
    Ok(Json(customers))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_customers))]
pub struct Doc;

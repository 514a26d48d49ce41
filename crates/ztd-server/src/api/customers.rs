//! The customers a partner/OEM works for (active relationships), for the portal and scripts.

use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_storage::RelationshipKind;

use crate::app::access::Access;
use crate::app::consent;
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
    let customers = consent::list_customers(&access).await?;
    Ok(Json(
        customers
            .into_iter()
            .map(|customer| CustomerView {
                id: customer.org.id,
                name: customer.org.name,
                domain: customer.org.domain,
                relationship_id: customer.relationship.id,
                relationship_kind: customer.relationship.kind,
                since: customer.relationship.created_at,
            })
            .collect(),
    ))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_customers))]
pub struct Doc;

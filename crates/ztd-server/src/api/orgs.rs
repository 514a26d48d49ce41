//! Organisations: the operator creates them; everyone reads their own.

use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_storage::{OrgKind, Organisation, Role};

use crate::app::access::Access;
use crate::app::accounts::{self, CreatedUser, NewOrg};
use crate::error::{ApiError, ApiJson, ErrorEnvelope};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/orgs", post(create_org).get(list_orgs)).route("/api/v1/orgs/me", get(me))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrgView {
    pub id: Uuid,
    #[schema(schema_with = super::org_kind_schema)]
    pub kind: OrgKind,
    pub name: String,
    pub domain: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Organisation> for OrgView {
    fn from(org: Organisation) -> Self {
        Self { id: org.id, kind: org.kind, name: org.name, domain: org.domain, created_at: org.created_at }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrgRequest {
    /// `customer`, `partner` or `oem` (operator organisations come from `ztd admin`).
    #[schema(schema_with = super::creatable_org_kind_schema)]
    pub kind: OrgKind,
    #[schema(schema_with = super::org_name_schema)]
    pub name: String,
    #[schema(schema_with = super::domain_schema)]
    pub domain: Option<String>,
    /// Email of the organisation's first admin, who gets a one-time password.
    #[schema(schema_with = super::email_schema)]
    pub admin_email: String,
}

/// A user as created, with the one-time password shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedUserView {
    pub id: Uuid,
    pub email: String,
    #[schema(schema_with = super::role_schema)]
    pub role: Role,
    /// One-time password; must be changed at first sign-in. Not retrievable later.
    pub password: String,
}

impl From<CreatedUser> for CreatedUserView {
    fn from(created: CreatedUser) -> Self {
        Self {
            id: created.user.id,
            email: created.user.email,
            role: created.user.role,
            password: created.password,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedOrg {
    pub id: Uuid,
    #[schema(schema_with = super::org_kind_schema)]
    pub kind: OrgKind,
    pub name: String,
    pub domain: Option<String>,
    pub created_at: DateTime<Utc>,
    pub admin: CreatedUserView,
}

/// Creates an organisation and its first admin (platform operator admins only).
#[utoipa::path(post, path = "/api/v1/orgs", tag = "organisations", request_body = CreateOrgRequest,
    security(("bearer" = [])),
    responses(
        super::BodyErrors,
        (status = 201, body = CreatedOrg),
        super::CommonErrors,
        (status = 409, description = "the admin email is taken", body = ErrorEnvelope),
        (status = 422, description = "invalid name, domain, email or kind", body = ErrorEnvelope),
    ))]
pub async fn create_org(
    access: Access,
    ApiJson(body): ApiJson<CreateOrgRequest>,
) -> Result<(StatusCode, Json<CreatedOrg>), ApiError> {
    let operator = access.operator("creating organisations")?;
    let new = NewOrg { kind: body.kind, name: body.name, domain: body.domain, admin_email: body.admin_email };
    let (org, admin) = accounts::create_org_with_admin(&operator, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedOrg {
            id: org.id,
            kind: org.kind,
            name: org.name,
            domain: org.domain,
            created_at: org.created_at,
            admin: admin.into(),
        }),
    ))
}

/// Every organisation of the installation (platform operator only).
#[utoipa::path(get, path = "/api/v1/orgs", tag = "organisations", security(("bearer" = [])),
    responses((status = 200, body = Vec<OrgView>), super::CommonErrors))]
pub async fn list_orgs(access: Access) -> Result<Json<Vec<OrgView>>, ApiError> {
    let orgs = accounts::list_orgs(&access).await?;
    Ok(Json(orgs.into_iter().map(OrgView::from).collect()))
}

/// The caller's own organisation, and the caller's role in it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub organisation: OrgView,
    #[schema(schema_with = super::role_schema)]
    pub role: Role,
    /// The user's email or the API key's name.
    pub actor: String,
}

#[utoipa::path(get, path = "/api/v1/orgs/me", tag = "organisations", security(("bearer" = [])),
    responses((status = 200, body = Me), super::CommonErrors))]
pub async fn me(access: Access) -> Json<Me> {
    let me = accounts::me(&access);
    Json(Me { organisation: me.organisation.into(), role: me.role, actor: me.actor })
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(create_org, list_orgs, me))]
pub struct Doc;

//! API keys of the caller's organisation: shown once, stored hashed, revocable (admins only).

use axum::http::StatusCode;
use axum::routing::{delete, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_storage::{ApiKey, Role};

use crate::app::access::Access;
use crate::app::accounts::{self, KeyName};
use crate::error::{ApiError, ApiJson, ApiPath, ErrorEnvelope};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/api-keys", post(create_api_key).get(list_api_keys))
        .route("/api/v1/api-keys/{id}", delete(revoke_api_key))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    #[schema(schema_with = super::key_name_schema)]
    pub name: String,
    #[schema(schema_with = super::role_schema)]
    pub role: Role,
    /// How long the key works, 1–730 days (default 365); then it gets 401 like a revoked one.
    #[schema(minimum = 1, maximum = 730)]
    #[serde(default, deserialize_with = "super::optional_integral_u32")]
    pub expires_in_days: Option<u32>,
}

/// The new key: `key` is the secret, shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedApiKeyView {
    pub id: Uuid,
    /// `ztd_…`: send as `Authorization: Bearer <key>`. Not retrievable later.
    pub key: String,
    pub name: String,
    #[schema(schema_with = super::role_schema)]
    pub role: Role,
    /// After this instant the key gets 401.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiKeyView {
    pub id: Uuid,
    pub name: String,
    #[schema(schema_with = super::role_schema)]
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// After this instant the key gets 401; `null` for keys made before keys expired.
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<ApiKey> for ApiKeyView {
    fn from(key: ApiKey) -> Self {
        Self {
            id: key.id,
            name: key.name,
            role: key.role,
            created_at: key.created_at,
            revoked_at: key.revoked_at,
            expires_at: key.expires_at,
        }
    }
}

/// Creates an API key for the caller's organisation.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "api-keys", request_body = CreateApiKeyRequest,
    security(("bearer" = [])),
    responses(
        super::BodyErrors,
        (status = 201, body = CreatedApiKeyView),
        super::CommonErrors,
        (status = 422, description = "invalid name, or expires_in_days out of range", body = ErrorEnvelope),
    ))]
pub async fn create_api_key(
    access: Access,
    ApiJson(body): ApiJson<CreateApiKeyRequest>,
) -> Result<(StatusCode, Json<CreatedApiKeyView>), ApiError> {
    let org = access.own_org(Role::Admin)?;
    let created =
        accounts::create_api_key(&org, &KeyName::parse(&body.name)?, body.role, body.expires_in_days).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiKeyView {
            id: created.key.id,
            key: created.secret,
            name: created.key.name,
            role: created.key.role,
            expires_at: created.key.expires_at,
        }),
    ))
}

/// The organisation's keys, without secrets.
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "api-keys", security(("bearer" = [])),
    responses((status = 200, body = Vec<ApiKeyView>), super::CommonErrors))]
pub async fn list_api_keys(access: Access) -> Result<Json<Vec<ApiKeyView>>, ApiError> {
    let keys = accounts::list_api_keys(&access).await?;
    Ok(Json(keys.into_iter().map(ApiKeyView::from).collect()))
}

/// Revokes a key; it stops working on the next request.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "api-keys", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "API key id")),
    responses(
        (status = 204, description = "revoked"),
        super::CommonErrors,
        (status = 404, description = "no such key in the caller's organisation, or already revoked", body = ErrorEnvelope),
    ))]
pub async fn revoke_api_key(access: Access, ApiPath(id): ApiPath<Uuid>) -> Result<StatusCode, ApiError> {
    accounts::revoke_api_key(&access, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(create_api_key, list_api_keys, revoke_api_key))]
pub struct Doc;

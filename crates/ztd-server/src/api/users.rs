//! Users of the caller's organisation (admins manage them).

use axum::http::StatusCode;
use axum::routing::{patch, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_storage::{Role, User};

use super::orgs::CreatedUserView;
use crate::app::access::Access;
use crate::app::accounts::{self, Email};
use crate::error::{ApiError, ApiJson, ApiPath, ErrorEnvelope};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users", post(create_user).get(list_users))
        .route("/api/v1/users/{id}", patch(update_user))
        .route("/api/v1/users/{id}/disable", post(disable_user))
        .route("/api/v1/users/{id}/enable", post(enable_user))
        .route("/api/v1/users/{id}/reset-password", post(reset_password))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    #[schema(schema_with = super::email_schema)]
    pub email: String,
    #[schema(schema_with = super::role_schema)]
    pub role: Role,
}

/// A change of a user (admins of the user's organisation).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// The user's new role.
    #[schema(schema_with = super::role_schema)]
    pub role: Role,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    #[schema(schema_with = super::role_schema)]
    pub role: Role,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    /// When an admin disabled the user; `null` for an active user.
    pub disabled_at: Option<DateTime<Utc>>,
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        Self {
            id: user.id,
            email: user.email,
            role: user.role,
            must_change_password: user.must_change_password,
            created_at: user.created_at,
            disabled_at: user.disabled_at,
        }
    }
}

/// Adds a user to the caller's organisation with a one-time password (admins only).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUserRequest,
    security(("bearer" = [])),
    responses(
        super::BodyErrors,
        (status = 201, body = CreatedUserView),
        super::CommonErrors,
        (status = 409, description = "the email is taken", body = ErrorEnvelope),
        (status = 422, description = "invalid email", body = ErrorEnvelope),
    ))]
pub async fn create_user(
    access: Access,
    ApiJson(body): ApiJson<CreateUserRequest>,
) -> Result<(StatusCode, Json<CreatedUserView>), ApiError> {
    let org = access.own_org(Role::Admin)?;
    let created = accounts::create_user(&org, &Email::parse(&body.email)?, body.role).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Users of the caller's organisation (admins only).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = Vec<UserView>), super::CommonErrors))]
pub async fn list_users(access: Access) -> Result<Json<Vec<UserView>>, ApiError> {
    let users = accounts::list_users(&access).await?;
    Ok(Json(users.into_iter().map(UserView::from).collect()))
}

/// Disables a user: no more sign-in, their sessions end (admins of the user's organisation).
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "user id")),
    responses(
        (status = 204, description = "disabled"),
        super::CommonErrors,
        (status = 404, description = "no such user in the caller's organisation, or already disabled", body = ErrorEnvelope),
        (status = 409, description = "`cannot_disable_yourself`: the caller is that user; `last_admin`: the organisation would be left without an active admin", body = ErrorEnvelope),
    ))]
pub async fn disable_user(access: Access, ApiPath(id): ApiPath<Uuid>) -> Result<StatusCode, ApiError> {
    let org = access.user_scope(id).await?;
    accounts::disable_user(&org, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gives a user another role (admins of the user's organisation). Nobody changes their own role,
/// and an organisation keeps an active admin.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UpdateUserRequest,
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "user id")),
    responses(
        super::BodyErrors,
        (status = 200, body = UserView),
        super::CommonErrors,
        (status = 404, description = "no such user in the caller's organisation", body = ErrorEnvelope),
        (status = 409, description = "`cannot_change_own_role`: the caller is that user; `last_admin`: the organisation would be left without an active admin", body = ErrorEnvelope),
    ))]
pub async fn update_user(
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<UpdateUserRequest>,
) -> Result<Json<UserView>, ApiError> {
    let org = access.user_scope(id).await?;
    Ok(Json(accounts::change_role(&org, id, body.role).await?.into()))
}

/// Lets a disabled user sign in again, with their password as it was (admins of the user's
/// organisation).
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "user id")),
    responses(
        (status = 200, body = UserView),
        super::CommonErrors,
        (status = 404, description = "no such user in the caller's organisation, or not disabled", body = ErrorEnvelope),
    ))]
pub async fn enable_user(access: Access, ApiPath(id): ApiPath<Uuid>) -> Result<Json<UserView>, ApiError> {
    let org = access.user_scope(id).await?;
    Ok(Json(accounts::enable_user(&org, id).await?.into()))
}

/// Gives a user a new one-time password, returned this once (valid 7 days, changed at the next
/// sign-in); the user's sessions end (admins of the user's organisation).
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "user id")),
    responses(
        (status = 200, body = CreatedUserView),
        super::CommonErrors,
        (status = 404, description = "no such user in the caller's organisation", body = ErrorEnvelope),
        (status = 409, description = "`cannot_reset_own_password`: the caller is that user", body = ErrorEnvelope),
    ))]
pub async fn reset_password(
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<CreatedUserView>, ApiError> {
    let org = access.user_scope(id).await?;
    Ok(Json(accounts::reset_password(&org, id).await?.into()))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(create_user, list_users, update_user, disable_user, enable_user, reset_password))]
pub struct Doc;

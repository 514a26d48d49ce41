//! HTTP adapter of a customer's deployment profiles; the rules are in [`crate::app::profiles`]
//! (docs/domain.md#profiles-and-group-tags).

use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_storage::Profile;

use crate::app::access::Access;
use crate::app::profiles::{self as usecase, NewProfile, ProfileChanges};
use crate::error::{ApiError, ApiJson, ApiPath, ErrorEnvelope};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/customers/{customer_id}/profiles", get(list_profiles).post(create_profile))
        .route("/api/v1/customers/{customer_id}/profiles/{id}", patch(update_profile).delete(delete_profile))
}

/// The settings that end up in a device's configuration file (documentation mirror of
/// `ztd_domain::profile::ProfileSettings`).
#[derive(ToSchema)]
#[allow(dead_code)] // documentation only
pub struct ProfileSettingsSchema {
    /// `user_driven` or `self_deploying`.
    deployment_mode: String,
    /// `cloud` or `hybrid`.
    join_type: String,
    user_is_local_admin: bool,
    skip_eula: bool,
    skip_privacy_settings: bool,
    skip_oem_registration: bool,
    skip_keyboard_selection: bool,
    /// e.g. `en-US`; null lets the user choose.
    language: Option<String>,
    /// e.g. `US`; null lets the user choose.
    region: Option<String>,
    /// At most 15 characters once expanded; `%SERIAL%` and `%RAND:n%` allowed.
    device_name_template: Option<String>,
}

/// Settings to change (documentation mirror of `ztd_domain::profile::ProfileSettings`, every
/// field optional): merged over the defaults or the current settings. An unknown field or a
/// wrong type is `400`; a template, language or region that breaks its rule is `422`.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)] // documentation only
#[serde(deny_unknown_fields)]
pub struct ProfileSettingsChanges {
    #[schema(inline, required = false)]
    deployment_mode: DeploymentModeSchema,
    #[schema(inline, required = false)]
    join_type: JoinTypeSchema,
    #[schema(required = false)]
    user_is_local_admin: bool,
    #[schema(required = false)]
    skip_eula: bool,
    #[schema(required = false)]
    skip_privacy_settings: bool,
    #[schema(required = false)]
    skip_oem_registration: bool,
    #[schema(required = false)]
    skip_keyboard_selection: bool,
    /// A language tag: 2–3 lowercase letters, an optional Titlecase script, 2 uppercase letters
    /// (`en-US`, `sr-Latn-RS`); null lets the user choose.
    #[schema(pattern = r"^[a-z]{2,3}(-[A-Z][a-z]{3})?-[A-Z]{2}$", example = "en-US")]
    language: Option<String>,
    /// Two uppercase letters (`US`); null lets the user choose.
    #[schema(pattern = r"^[A-Z]{2}$", example = "US")]
    region: Option<String>,
    /// Letters, digits, hyphens, `%SERIAL%` and `%RAND:n%` (n 1–15); at most 15 characters once
    /// expanded (14 besides `%SERIAL%`), not only digits (`422 invalid_profile` otherwise:
    /// rules a pattern cannot state). Null keeps the default name.
    #[schema(pattern = r"^([A-Za-z0-9-]|%SERIAL%|%RAND:[0-9]+%)+$", example = "KIOSK-%RAND:5%")]
    device_name_template: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // documentation only
enum DeploymentModeSchema {
    UserDriven,
    SelfDeploying,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // documentation only
enum JoinTypeSchema {
    Cloud,
    Hybrid,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProfileView {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub name: String,
    pub group_tag: String,
    #[schema(value_type = ProfileSettingsSchema)]
    pub settings: serde_json::Value,
    pub built_in: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Profile> for ProfileView {
    fn from(profile: Profile) -> Self {
        Self {
            id: profile.id,
            customer_id: profile.customer_id,
            name: profile.name,
            group_tag: profile.group_tag,
            settings: profile.settings,
            built_in: profile.built_in,
            created_at: profile.created_at,
            updated_at: profile.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProfileRequest {
    #[schema(schema_with = super::profile_name_schema)]
    pub name: String,
    #[schema(schema_with = super::group_tag_schema)]
    pub group_tag: String,
    /// Merged over the managed-desktop defaults: send only what differs.
    #[schema(value_type = Option<ProfileSettingsChanges>)]
    pub settings: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProfileRequest {
    #[schema(schema_with = super::optional_profile_name_schema)]
    pub name: Option<String>,
    /// Changing it reassigns the devices at once.
    #[schema(schema_with = super::optional_group_tag_schema)]
    pub group_tag: Option<String>,
    /// Merged over the current settings.
    #[schema(value_type = Option<ProfileSettingsChanges>)]
    pub settings: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The customer's profiles, built-in ones included.
#[utoipa::path(get, path = "/api/v1/customers/{customer_id}/profiles", tag = "profiles",
    security(("bearer" = [])),
    params(("customer_id" = Uuid, Path, description = "customer organisation id")),
    responses(
        (status = 200, body = Vec<ProfileView>),
        super::CommonErrors,
        (status = 404, description = "no such customer visible to the caller", body = ErrorEnvelope),
    ))]
pub async fn list_profiles(
    access: Access,
    ApiPath(customer_id): ApiPath<Uuid>,
) -> Result<Json<Vec<ProfileView>>, ApiError> {
    let profiles = usecase::list(&access, customer_id).await?;
    Ok(Json(profiles.into_iter().map(ProfileView::from).collect()))
}

/// Creates a custom profile (the customer's admins).
#[utoipa::path(post, path = "/api/v1/customers/{customer_id}/profiles", tag = "profiles",
    security(("bearer" = [])), request_body = CreateProfileRequest,
    params(("customer_id" = Uuid, Path, description = "customer organisation id")),
    responses(
        super::BodyErrors,
        (status = 201, body = ProfileView),
        super::CommonErrors,
        (status = 404, description = "no such customer visible to the caller", body = ErrorEnvelope),
        (status = 409, description = "group tag taken", body = ErrorEnvelope),
        (status = 422, description = "a setting breaks a rule", body = ErrorEnvelope),
    ))]
pub async fn create_profile(
    access: Access,
    ApiPath(customer_id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CreateProfileRequest>,
) -> Result<(StatusCode, Json<ProfileView>), ApiError> {
    let new = NewProfile { name: body.name, group_tag: body.group_tag, settings: body.settings };
    let profile = usecase::create(&access, customer_id, new).await?;
    Ok((StatusCode::CREATED, Json(profile.into())))
}

/// Changes a profile's name, group tag or settings (the customer's admins). A new group tag
/// reassigns the devices at once.
#[utoipa::path(patch, path = "/api/v1/customers/{customer_id}/profiles/{id}", tag = "profiles",
    security(("bearer" = [])), request_body = UpdateProfileRequest,
    params(
        ("customer_id" = Uuid, Path, description = "customer organisation id"),
        ("id" = Uuid, Path, description = "profile id"),
    ),
    responses(
        super::BodyErrors,
        (status = 200, body = ProfileView),
        super::CommonErrors,
        (status = 404, description = "no such customer or profile visible to the caller", body = ErrorEnvelope),
        (status = 409, description = "group tag taken, or a built-in profile's name or tag", body = ErrorEnvelope),
        (status = 422, description = "a setting breaks a rule", body = ErrorEnvelope),
    ))]
pub async fn update_profile(
    access: Access,
    ApiPath((customer_id, id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<UpdateProfileRequest>,
) -> Result<Json<ProfileView>, ApiError> {
    let changes = ProfileChanges { name: body.name, group_tag: body.group_tag, settings: body.settings };
    Ok(Json(usecase::update(&access, customer_id, id, changes).await?.into()))
}

/// Deletes a custom profile no device uses (the customer's admins).
#[utoipa::path(delete, path = "/api/v1/customers/{customer_id}/profiles/{id}", tag = "profiles",
    security(("bearer" = [])),
    params(
        ("customer_id" = Uuid, Path, description = "customer organisation id"),
        ("id" = Uuid, Path, description = "profile id"),
    ),
    responses(
        (status = 204, description = "deleted"),
        super::CommonErrors,
        (status = 404, description = "no such customer or profile visible to the caller", body = ErrorEnvelope),
        (status = 409, description = "devices use it (`profile_in_use`), or it is built in", body = ErrorEnvelope),
    ))]
pub async fn delete_profile(
    access: Access,
    ApiPath((customer_id, id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    usecase::delete(&access, customer_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_profiles, create_profile, update_profile, delete_profile))]
pub struct Doc;

//! A customer's deployment profiles (docs/domain.md#profiles-and-group-tags). Anyone who may see the customer reads them
//! (partners need the exact group tags to register); only the customer's own admins change them.
//!
//! Decisions: the three built-in managed-desktop profiles keep their name and tag and cannot be
//! deleted (their tags are what MMD devices are shipped with); their settings can be edited.
//! `settings` in a request is merged over the current settings (the MMD defaults for a new
//! profile), so a client sends only what it changes.

use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_domain::profile::{self as domain, ProfileSettings};
use ztd_storage::{Profile, StorageError};

use crate::access::{Access, CustomerScope, Need};
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
    pub name: String,
    /// Matched exactly (byte for byte) against the devices' group tags; unique per customer.
    pub group_tag: String,
    /// Merged over the managed-desktop defaults.
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProfileRequest {
    pub name: Option<String>,
    /// Changing it reassigns the devices at once.
    pub group_tag: Option<String>,
    /// Merged over the current settings.
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Map<String, serde_json::Value>>,
}

fn invalid_profile(error: domain::ProfileError) -> ApiError {
    ApiError::unprocessable("invalid_profile", error.to_string())
}

/// Merges `changes` over `current` and parses the result: unknown keys and wrong types are the
/// caller's body errors (400), rule breaks (a 16-character name template) are 422.
fn merge_settings(
    current: serde_json::Value,
    changes: Option<serde_json::Map<String, serde_json::Value>>,
) -> Result<ProfileSettings, ApiError> {
    let mut merged = match current {
        serde_json::Value::Object(map) => map,
        _ => serde_json::to_value(ProfileSettings::default())
            .ok()
            .and_then(|value| value.as_object().cloned())
            .unwrap_or_default(),
    };
    merged.extend(changes.unwrap_or_default());
    let settings: ProfileSettings = serde_json::from_value(serde_json::Value::Object(merged))
        .map_err(|error| ApiError::InvalidRequestBody { message: format!("invalid settings: {error}") })?;
    settings.validate().map_err(invalid_profile)?;
    Ok(settings)
}

fn settings_json(settings: &ProfileSettings) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(settings).map_err(ApiError::internal)
}

fn tag_taken(tag: &str) -> ApiError {
    ApiError::conflict(
        "group_tag_taken",
        format!("this customer already has a profile with group tag {tag:?}"),
    )
    .with_hint("group tags are unique per customer; pick another or edit the existing profile")
}

async fn profile_in_scope(access: &Access, scope: &CustomerScope, id: Uuid) -> Result<Profile, ApiError> {
    match access.db().get_profile(scope.customer_id(), id).await {
        Ok(profile) => Ok(profile),
        Err(StorageError::NotFound) => Err(ApiError::not_found("profile", id)),
        Err(other) => Err(other.into()),
    }
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
    let scope = access.customer_scope(customer_id, Need::Read).await?;
    let profiles = access.db().list_profiles(scope.customer_id()).await?;
    Ok(Json(profiles.into_iter().map(ProfileView::from).collect()))
}

/// Creates a custom profile (the customer's admins).
#[utoipa::path(post, path = "/api/v1/customers/{customer_id}/profiles", tag = "profiles",
    security(("bearer" = [])), request_body = CreateProfileRequest,
    params(("customer_id" = Uuid, Path, description = "customer organisation id")),
    responses(
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
    let scope = access.customer_scope(customer_id, Need::Manage).await?;
    domain::validate_display_name(&body.name).map_err(invalid_profile)?;
    domain::validate_group_tag(&body.group_tag).map_err(invalid_profile)?;
    let settings = merge_settings(serde_json::Value::Null, body.settings)?;
    let now = Utc::now();
    let profile = Profile {
        id: Uuid::new_v4(),
        customer_id: scope.customer_id(),
        name: body.name,
        group_tag: body.group_tag,
        settings: settings_json(&settings)?,
        built_in: false,
        created_at: now,
        updated_at: now,
    };
    let audit = access.audit(
        "profile.create",
        "profile",
        profile.id,
        Some(scope.customer_id()),
        serde_json::json!({ "name": profile.name, "group_tag": profile.group_tag }),
    );
    match access.db().create_profile(&profile, &audit).await {
        Ok(()) => Ok((StatusCode::CREATED, Json(profile.into()))),
        Err(StorageError::Conflict(_)) => Err(tag_taken(&profile.group_tag)),
        Err(other) => Err(other.into()),
    }
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
    let scope = access.customer_scope(customer_id, Need::Manage).await?;
    let mut profile = profile_in_scope(&access, &scope, id).await?;
    let renames = body.name.as_ref().is_some_and(|name| *name != profile.name);
    let retags = body.group_tag.as_ref().is_some_and(|tag| *tag != profile.group_tag);
    if profile.built_in && (renames || retags) {
        return Err(ApiError::conflict(
            "built_in_profile",
            format!(
                "{:?} is a built-in managed-desktop profile: its name and group tag are fixed",
                profile.name
            ),
        )
        .with_hint("create a custom profile for another tag; the built-in's settings can be changed"));
    }
    if let Some(name) = body.name {
        domain::validate_display_name(&name).map_err(invalid_profile)?;
        profile.name = name;
    }
    if let Some(tag) = body.group_tag {
        domain::validate_group_tag(&tag).map_err(invalid_profile)?;
        profile.group_tag = tag;
    }
    let settings = merge_settings(profile.settings.clone(), body.settings)?;
    profile.settings = settings_json(&settings)?;
    profile.updated_at = Utc::now();
    let audit = access.audit(
        "profile.update",
        "profile",
        id,
        Some(scope.customer_id()),
        serde_json::json!({ "name": profile.name, "group_tag": profile.group_tag, "settings": profile.settings }),
    );
    match access.db().update_profile(&profile, &audit).await {
        Ok(()) => Ok(Json(profile.into())),
        Err(StorageError::Conflict(_)) => Err(tag_taken(&profile.group_tag)),
        Err(StorageError::NotFound) => Err(ApiError::not_found("profile", id)),
        Err(other) => Err(other.into()),
    }
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
    let scope = access.customer_scope(customer_id, Need::Manage).await?;
    let profile = profile_in_scope(&access, &scope, id).await?;
    if profile.built_in {
        return Err(ApiError::conflict(
            "built_in_profile",
            format!("{:?} is a built-in managed-desktop profile and cannot be deleted", profile.name),
        ));
    }
    let audit = access.audit(
        "profile.delete",
        "profile",
        id,
        Some(scope.customer_id()),
        serde_json::json!({ "name": profile.name, "group_tag": profile.group_tag }),
    );
    match access.db().delete_profile(scope.customer_id(), id, &audit).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(StorageError::Conflict(_)) => Err(ApiError::conflict(
            "profile_in_use",
            format!("devices use profile {:?} (group tag {:?})", profile.name, profile.group_tag),
        )
        .with_hint("move or deregister those devices first")),
        Err(StorageError::NotFound) => Err(ApiError::not_found("profile", id)),
        Err(other) => Err(other.into()),
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_profiles, create_profile, update_profile, delete_profile))]
pub struct Doc;

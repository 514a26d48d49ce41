//! A customer's deployment profiles (docs/domain.md#profiles-and-group-tags). Anyone who may
//! see the customer reads them (partners need the exact group tags to register); only the
//! customer's own admins change them.
//!
//! Decisions: the three built-in managed-desktop profiles keep their name and tag and cannot be
//! deleted (their tags are what MMD devices are shipped with); their settings can be edited.
//! `settings` of a change is merged over the current settings (the MMD defaults for a new
//! profile), so a caller sends only what it changes.

use chrono::Utc;
use uuid::Uuid;
use ztd_domain::profile::{self as domain, ProfileSettings};
use ztd_storage::{Conflict, Profile, StorageError};

use super::access::{Access, CustomerScope, Need};
use super::{Error, Resource};

/// Settings as a caller sends them: a JSON object merged over the current settings.
pub type SettingsChanges = serde_json::Map<String, serde_json::Value>;

/// A custom profile to create.
#[derive(Debug, Clone)]
pub struct NewProfile {
    pub name: String,
    /// Matched exactly (byte for byte) against the devices' group tags; unique per customer.
    pub group_tag: String,
    pub settings: Option<SettingsChanges>,
}

/// What to change of a profile; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct ProfileChanges {
    pub name: Option<String>,
    /// Changing it reassigns the devices at once.
    pub group_tag: Option<String>,
    pub settings: Option<SettingsChanges>,
}

fn invalid_profile(error: domain::ProfileError) -> Error {
    Error::invalid("invalid_profile", error.to_string())
}

/// Merges `changes` over `current` and parses the result: unknown keys and wrong types are
/// malformed input, rule breaks (a 16-character name template) are invalid.
fn merge_settings(
    current: serde_json::Value,
    changes: Option<SettingsChanges>,
) -> Result<ProfileSettings, Error> {
    let mut merged = match current {
        serde_json::Value::Object(map) => map,
        _ => serde_json::to_value(ProfileSettings::default())
            .ok()
            .and_then(|value| value.as_object().cloned())
            .unwrap_or_default(),
    };
    merged.extend(changes.unwrap_or_default());
    let settings: ProfileSettings = serde_json::from_value(serde_json::Value::Object(merged))
        .map_err(|error| Error::Malformed { message: format!("invalid settings: {error}") })?;
    settings.validate().map_err(invalid_profile)?;
    Ok(settings)
}

fn settings_json(settings: &ProfileSettings) -> Result<serde_json::Value, Error> {
    serde_json::to_value(settings).map_err(Error::internal)
}

fn tag_taken(tag: &str) -> Error {
    Error::conflict("group_tag_taken", format!("this customer already has a profile with group tag {tag:?}"))
        .with_hint("group tags are unique per customer; pick another or edit the existing profile")
}

async fn in_scope(scope: &CustomerScope, id: Uuid) -> Result<Profile, Error> {
    scope
        .ctx()
        .db()
        .get_profile(scope.customer_id(), id)
        .await
        .map_err(Error::or_not_found(Resource::Profile, id))
}

/// The customer's profiles, built-in ones included.
pub async fn list(access: &Access, customer_id: Uuid) -> Result<Vec<Profile>, Error> {
    let scope = access.customer_scope(customer_id, Need::Read).await?;
    Ok(scope.ctx().db().list_profiles(scope.customer_id()).await?)
}

/// One profile of the customer.
pub async fn get(access: &Access, customer_id: Uuid, id: Uuid) -> Result<Profile, Error> {
    let scope = access.customer_scope(customer_id, Need::Read).await?;
    in_scope(&scope, id).await
}

/// Creates a custom profile (the customer's admins).
pub async fn create(access: &Access, customer_id: Uuid, new: NewProfile) -> Result<Profile, Error> {
    let scope = access.customer_scope(customer_id, Need::Manage).await?;
    domain::validate_display_name(&new.name).map_err(invalid_profile)?;
    domain::validate_group_tag(&new.group_tag).map_err(invalid_profile)?;
    let settings = merge_settings(serde_json::Value::Null, new.settings)?;
    let now = Utc::now();
    let profile = Profile {
        id: Uuid::new_v4(),
        customer_id: scope.customer_id(),
        name: new.name,
        group_tag: new.group_tag,
        settings: settings_json(&settings)?,
        built_in: false,
        created_at: now,
        updated_at: now,
    };
    let audit = scope.ctx().event(
        "profile.create",
        "profile",
        profile.id,
        Some(scope.customer_id()),
        serde_json::json!({ "name": profile.name, "group_tag": profile.group_tag }),
    );
    match scope.ctx().db().create_profile(&profile, &audit).await {
        Ok(()) => Ok(profile),
        Err(StorageError::Conflict(Conflict::ProfileGroupTag)) => Err(tag_taken(&profile.group_tag)),
        Err(other) => Err(other.into()),
    }
}

/// Changes a profile's name, group tag or settings (the customer's admins). A new group tag
/// reassigns the devices at once.
pub async fn update(
    access: &Access,
    customer_id: Uuid,
    id: Uuid,
    changes: ProfileChanges,
) -> Result<Profile, Error> {
    let scope = access.customer_scope(customer_id, Need::Manage).await?;
    let mut profile = in_scope(&scope, id).await?;
    let renames = changes.name.as_ref().is_some_and(|name| *name != profile.name);
    let retags = changes.group_tag.as_ref().is_some_and(|tag| *tag != profile.group_tag);
    if profile.built_in && (renames || retags) {
        return Err(Error::conflict(
            "built_in_profile",
            format!(
                "{:?} is a built-in managed-desktop profile: its name and group tag are fixed",
                profile.name
            ),
        )
        .with_hint("create a custom profile for another tag; the built-in's settings can be changed"));
    }
    if let Some(name) = changes.name {
        domain::validate_display_name(&name).map_err(invalid_profile)?;
        profile.name = name;
    }
    if let Some(tag) = changes.group_tag {
        domain::validate_group_tag(&tag).map_err(invalid_profile)?;
        profile.group_tag = tag;
    }
    let settings = merge_settings(profile.settings.clone(), changes.settings)?;
    profile.settings = settings_json(&settings)?;
    profile.updated_at = Utc::now();
    let audit = scope.ctx().event(
        "profile.update",
        "profile",
        id,
        Some(scope.customer_id()),
        serde_json::json!({ "name": profile.name, "group_tag": profile.group_tag, "settings": profile.settings }),
    );
    match scope.ctx().db().update_profile(&profile, &audit).await {
        Ok(()) => Ok(profile),
        Err(StorageError::Conflict(Conflict::ProfileGroupTag)) => Err(tag_taken(&profile.group_tag)),
        Err(other) => Err(Error::or_not_found(Resource::Profile, id)(other)),
    }
}

/// Deletes a custom profile no device uses (the customer's admins).
pub async fn delete(access: &Access, customer_id: Uuid, id: Uuid) -> Result<(), Error> {
    let scope = access.customer_scope(customer_id, Need::Manage).await?;
    let profile = in_scope(&scope, id).await?;
    if profile.built_in {
        return Err(Error::conflict(
            "built_in_profile",
            format!("{:?} is a built-in managed-desktop profile and cannot be deleted", profile.name),
        ));
    }
    let audit = scope.ctx().event(
        "profile.delete",
        "profile",
        id,
        Some(scope.customer_id()),
        serde_json::json!({ "name": profile.name, "group_tag": profile.group_tag }),
    );
    match scope.ctx().db().delete_profile(scope.customer_id(), id, &audit).await {
        Ok(()) => Ok(()),
        Err(StorageError::Conflict(Conflict::ProfileInUse)) => Err(Error::conflict(
            "profile_in_use",
            format!("devices use profile {:?} (group tag {:?})", profile.name, profile.group_tag),
        )
        .with_hint("move or deregister those devices first")),
        Err(other) => Err(Error::or_not_found(Resource::Profile, id)(other)),
    }
}

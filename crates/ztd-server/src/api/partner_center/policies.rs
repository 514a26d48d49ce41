//! Configuration policies (ztd's profiles) and assigning one to devices, in Partner Center's
//! shapes (docs/compatibility.md#partner-center). Sources of the shapes:
//! - list: <https://learn.microsoft.com/en-us/partner-center/developer/get-a-list-of-a-customer-s-policies>
//! - assign: <https://learn.microsoft.com/en-us/partner-center/developer/update-a-list-of-devices-with-a-policy>
//!
//! Assigning a policy to a device is setting the device's group tag to the profile's tag
//! ([`registration::change_group_tag`]): the same rules, reach and audit as
//! `PATCH /api/v1/devices/{id}`.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_domain::profile::ProfileSettings;
use ztd_storage::Profile;

use super::batches::{BatchUploadDetails, DeviceUploadDetails, PolicyPair};
use super::{objects, read_json, time, Attributes, PartnerCenterError};
use crate::app::access::Access;
use crate::app::registration::{self, DeviceQuery, TagChange};
use crate::app::{profiles, Error};
use crate::error::{ApiError, ApiPath};
use crate::state::AppState;

/// The only policy category: out-of-box experience.
const OOBE: &str = "o_o_b_e";

/// `ConfigurationPolicy`: a ztd profile.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationPolicyView {
    pub id: Uuid,
    pub name: String,
    /// Always `o_o_b_e`.
    pub category: String,
    /// Names the profile's group tag.
    pub description: String,
    /// Devices the caller sees with this profile (a partner: those it registered).
    pub devices_assigned: i64,
    /// Partner Center's names of the profile's settings that have one: `remove_oem_preinstalls`
    /// has none in ztd; `oobe_user_not_local_admin`, `skip_express_settings` (privacy),
    /// `skip_oem_registration`, `skip_eula`, `skip_keyboard_selection`.
    pub policy_settings: Vec<String>,
    pub created_date: String,
    pub last_modified_date: String,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyCollection {
    pub total_count: usize,
    pub items: Vec<ConfigurationPolicyView>,
    pub attributes: Attributes,
}

fn policy_settings(settings: &serde_json::Value) -> Vec<String> {
    let Ok(settings) = serde_json::from_value::<ProfileSettings>(settings.clone()) else { return Vec::new() };
    let mut names = Vec::new();
    let mut add = |on: bool, name: &str| {
        if on {
            names.push(name.to_owned());
        }
    };
    add(!settings.user_is_local_admin, "oobe_user_not_local_admin");
    add(settings.skip_privacy_settings, "skip_express_settings");
    add(settings.skip_oem_registration, "skip_oem_registration");
    add(settings.skip_eula, "skip_eula");
    add(settings.skip_keyboard_selection, "skip_keyboard_selection");
    names
}

fn policy_view(profile: Profile, devices_assigned: i64) -> ConfigurationPolicyView {
    ConfigurationPolicyView {
        id: profile.id,
        category: OOBE.into(),
        description: format!("ztd profile with group tag {}", profile.group_tag),
        devices_assigned,
        policy_settings: policy_settings(&profile.settings),
        created_date: time(profile.created_at),
        last_modified_date: time(profile.updated_at),
        attributes: Attributes::of("ConfigurationPolicy"),
        name: profile.name,
    }
}

/// The customer's profiles as configuration policies.
#[utoipa::path(get, path = "/partner-center/v1/customers/{customer_id}/policies", tag = "partner-center",
    security(("bearer" = [])),
    params(("customer_id" = Uuid, Path, description = "customer id")),
    responses(
        (status = 200, body = PolicyCollection),
        (status = 400, body = PartnerCenterError), (status = 401, body = PartnerCenterError),
        (status = 403, body = PartnerCenterError),
        (status = 404, description = "no such customer visible to the caller", body = PartnerCenterError),
    ))]
pub async fn list_policies(
    access: Access,
    ApiPath(customer_id): ApiPath<Uuid>,
) -> Result<Response, ApiError> {
    let profiles = profiles::list(&access, customer_id).await?;
    // One pass over the devices the caller sees, counted by profile.
    let mut assigned: HashMap<Uuid, i64> = HashMap::new();
    let mut cursor = None;
    loop {
        let query =
            DeviceQuery { cursor, limit: Some(registration::MAX_PAGE_SIZE), ..DeviceQuery::default() };
        let page = registration::list_devices(&access, customer_id, query).await?;
        for shown in &page.devices {
            if let Some(profile) = &shown.profile {
                *assigned.entry(profile.id).or_default() += 1;
            }
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let items: Vec<ConfigurationPolicyView> = profiles
        .into_iter()
        .map(|profile| {
            let count = assigned.get(&profile.id).copied().unwrap_or(0);
            policy_view(profile, count)
        })
        .collect();
    let collection =
        PolicyCollection { total_count: items.len(), items, attributes: Attributes::of("Collection") };
    Ok(Json(collection).into_response())
}

/// One device of a policy update.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct PolicyUpdateDevice {
    /// The device id (ztd's).
    #[serde(rename = "Id", alias = "id")]
    pub id: String,
    /// `[{"Key": "o_o_b_e", "Value": <policy id>}]`; a null value unassigns the device.
    #[serde(rename = "Policies", alias = "policies", default, deserialize_with = "objects")]
    pub policies: Vec<PolicyPair>,
}

/// `DevicePolicyUpdateRequest`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct DevicePolicyUpdateRequest {
    #[serde(rename = "Devices", alias = "devices", deserialize_with = "objects")]
    pub devices: Vec<PolicyUpdateDevice>,
}

/// Assigns a policy (profile) to devices, each as `PATCH /api/v1/devices/{id}` would set its
/// group tag. Done by the time it answers: `202` with every device's outcome in the body
/// (Partner Center's `BatchUploadDetails`); no `Location`, there is nothing left to poll.
#[utoipa::path(patch, path = "/partner-center/v1/customers/{customer_id}/DevicePolicyUpdates",
    tag = "partner-center", security(("bearer" = [])),
    params(("customer_id" = Uuid, Path, description = "customer id")),
    request_body = DevicePolicyUpdateRequest,
    responses(
        (status = 202, description = "applied; each device's outcome", body = BatchUploadDetails),
        (status = 400, body = PartnerCenterError), (status = 401, body = PartnerCenterError),
        (status = 403, description = "the role, or `relationship_required`", body = PartnerCenterError),
        (status = 404, description = "no such customer visible to the caller", body = PartnerCenterError),
        (status = 415, body = PartnerCenterError),
    ))]
pub async fn update_device_policies(
    State(state): State<AppState>,
    access: Access,
    ApiPath(customer_id): ApiPath<Uuid>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let started = chrono::Utc::now();
    // The caller's role and reach first, as for registering into the customer (nothing is
    // submitted): a reader or a partner without consent is refused as a whole.
    registration::begin(&access, customer_id).await?;
    let request: DevicePolicyUpdateRequest =
        read_json(&headers, body, state.config.max_json_body_bytes, false).await?;
    let profiles = profiles::list(&access, customer_id).await?;
    let mut outcomes = Vec::with_capacity(request.devices.len());
    for device in request.devices {
        match assign(&access, customer_id, &profiles, &device).await {
            Ok(shown) => outcomes.push(DeviceUploadDetails {
                device_id: Some(shown.device.id),
                serial_number: shown.device.serial_number,
                product_key: shown.device.product_key_id,
                status: "finished".into(),
                error_code: None,
                error_description: None,
                attributes: Attributes::of("DeviceUploadDetails"),
            }),
            // About the caller, not the device: the whole request is refused.
            Err(
                error @ (Error::ForbiddenRole { .. }
                | Error::RelationshipRequired { .. }
                | Error::ConsentRevoked),
            ) => return Err(error.into()),
            Err(error) => {
                let body = ApiError::from(error).body();
                let code = body.ztd_code.map_or_else(|| body.code.clone(), |code| code.to_string());
                let description = match &body.hint {
                    Some(hint) => format!("{} ({}). {hint}", body.message, body.code),
                    None => format!("{} ({})", body.message, body.code),
                };
                outcomes.push(DeviceUploadDetails {
                    device_id: device.id.parse().ok(),
                    serial_number: None,
                    product_key: None,
                    status: "finished_with_errors".into(),
                    error_code: Some(code),
                    error_description: Some(description),
                    attributes: Attributes::of("DeviceUploadDetails"),
                });
            }
        }
    }
    let failed = outcomes.iter().any(|outcome| outcome.error_code.is_some());
    let details = BatchUploadDetails {
        batch_tracking_id: Uuid::new_v4(),
        status: if failed { "finished_with_errors" } else { "finished" }.into(),
        started_time: Some(time(started)),
        completed_time: Some(time(chrono::Utc::now())),
        devices_status: outcomes,
        attributes: Attributes::of("BatchUploadDetails"),
    };
    Ok((StatusCode::ACCEPTED, Json(details)).into_response())
}

/// Sets one device's group tag to the tag of the policy it names.
async fn assign(
    access: &Access,
    customer_id: Uuid,
    profiles: &[Profile],
    device: &PolicyUpdateDevice,
) -> Result<registration::ShownDevice, Error> {
    let id: Uuid = device.id.trim().parse().map_err(|_| Error::Malformed {
        message: format!("device Id {:?} is not a ztd device id (a UUID)", device.id),
    })?;
    let Some(policy) = device.policies.iter().find(|policy| policy.key.eq_ignore_ascii_case(OOBE)) else {
        return Err(Error::Malformed { message: format!("device {id} names no {OOBE} policy") });
    };
    let group_tag = match policy.value.as_deref().map(str::trim).filter(|value| !value.is_empty()) {
        None => None,
        Some(value) => {
            let profile = value
                .parse::<Uuid>()
                .ok()
                .and_then(|policy_id| profiles.iter().find(|profile| profile.id == policy_id))
                .ok_or_else(|| Error::not_found(crate::app::Resource::Profile, value))?;
            Some(profile.group_tag.clone())
        }
    };
    let shown = registration::show_device(access, id).await?;
    if shown.device.customer_id != customer_id {
        return Err(Error::not_found(crate::app::Resource::Device, id));
    }
    registration::change_group_tag(access, id, TagChange { group_tag, allow_unknown_tags: false }).await
}

//! Registered devices (docs/domain.md#device-lifecycle): list, show, change group tag, deregister.
//!
//! The customer sees every device of its tenant and who registered it; a partner/OEM sees
//! (and may change) only the devices it registered, and only while its relationship is
//! active. Anything else is answered like a device that does not exist.
//!
//! A device still pending in its batch has no device record yet (it is a row of the batch,
//! see `GET /api/v1/device-batches/{id}`), so it cannot be changed or deregistered until the
//! batch has processed it (docs/domain.md#device-lifecycle).

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use ztd_storage::{Device, DeviceFilter, DeviceState, Profile, StorageError};

use crate::app::access::{Access, Need, Reach};
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorEnvelope};
use crate::pipeline::{TagCatalog, TagDecision};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/customers/{customer_id}/devices", get(list_devices))
        .route("/api/v1/devices/{id}", get(show_device).patch(update_device).delete(deregister_device))
}

pub const DEFAULT_PAGE_SIZE: u32 = 100;
pub const MAX_PAGE_SIZE: u32 = 1_000;

/// A device as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceView {
    pub id: Uuid,
    pub customer_id: Uuid,
    /// `registered` (profile assigned), `unassigned` (no profile: no tag, or a tag matching no
    /// profile), `active` (looked up at first boot) or `deregistered`.
    #[schema(value_type = String, example = "registered")]
    pub state: DeviceState,
    pub serial_number: Option<String>,
    pub product_key_id: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub group_tag: Option<String>,
    /// The assigned profile; `null` when the device is unassigned.
    pub profile: Option<ProfileRef>,
    pub assigned_user: Option<String>,
    /// The organisation that registered the device (a partner, an OEM or the customer).
    pub registered_by: OrgRef,
    /// The batch that registered it.
    pub batch_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub activated_at: Option<DateTime<Utc>>,
    pub deregistered_at: Option<DateTime<Utc>>,
    /// Only on `GET /api/v1/devices/{id}` (lists leave the 4K text out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProfileRef {
    pub id: Uuid,
    pub name: String,
    pub group_tag: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrgRef {
    pub id: Uuid,
    pub name: String,
}

/// A page of devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DevicePage {
    pub devices: Vec<DeviceView>,
    /// Pass as `?cursor=` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListDevicesQuery {
    /// `registered`, `unassigned`, `active` or `deregistered` (deregistered devices are only
    /// listed when asked for).
    pub state: Option<String>,
    /// Exact group tag.
    pub group_tag: Option<String>,
    /// Organisation id of the registering partner/OEM/customer.
    pub registered_by: Option<Uuid>,
    pub cursor: Option<String>,
    /// 1 to 1,000 (default 100).
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDeviceRequest {
    /// The new group tag; empty or `null` leaves the device unassigned. Matched exactly
    /// against the customer's profiles; a near miss is refused with the tag it likely meant.
    pub group_tag: Option<String>,
    /// Accept a tag that matches no profile (the device becomes unassigned).
    #[serde(default)]
    pub allow_unknown_tags: bool,
}

/// Shows devices with their profile and registering organisation, looking each up once.
pub(crate) struct DeviceRenderer<'a> {
    db: &'a dyn ztd_storage::Database,
    profiles: HashMap<Uuid, Profile>,
    orgs: HashMap<Uuid, String>,
}

impl<'a> DeviceRenderer<'a> {
    pub(crate) async fn new(db: &'a dyn ztd_storage::Database, customer_id: Uuid) -> Result<Self, ApiError> {
        let profiles = db.list_profiles(customer_id).await?.into_iter().map(|p| (p.id, p)).collect();
        Ok(Self { db, profiles, orgs: HashMap::new() })
    }

    pub(crate) async fn render(&mut self, device: Device, with_hash: bool) -> Result<DeviceView, ApiError> {
        let org_id = device.registered_by_org_id;
        if !self.orgs.contains_key(&org_id) {
            let name = match self.db.get_org(org_id).await {
                Ok(org) => org.name,
                Err(StorageError::NotFound) => String::new(),
                Err(other) => return Err(other.into()),
            };
            self.orgs.insert(org_id, name);
        }
        let profile = device.profile_id.and_then(|id| self.profiles.get(&id)).map(|profile| ProfileRef {
            id: profile.id,
            name: profile.name.clone(),
            group_tag: profile.group_tag.clone(),
        });
        Ok(DeviceView {
            id: device.id,
            customer_id: device.customer_id,
            state: device.state,
            serial_number: device.serial_number,
            product_key_id: device.product_key_id,
            manufacturer: device.manufacturer,
            model: device.model,
            group_tag: device.group_tag,
            profile,
            assigned_user: device.assigned_user,
            registered_by: OrgRef { id: org_id, name: self.orgs.get(&org_id).cloned().unwrap_or_default() },
            batch_id: device.batch_id,
            created_at: device.created_at,
            updated_at: device.updated_at,
            activated_at: device.activated_at,
            deregistered_at: device.deregistered_at,
            hardware_hash: if with_hash { device.hardware_hash } else { None },
        })
    }
}

/// The filter a caller gets: a partner/OEM is always limited to its own registrations.
pub(crate) fn scoped_filter(
    reach: &Reach,
    caller_org: Uuid,
    mut filter: DeviceFilter,
) -> Option<DeviceFilter> {
    if let Reach::Relationship(_) = reach {
        match filter.registered_by_org_id {
            Some(other) if other != caller_org => return None,
            _ => filter.registered_by_org_id = Some(caller_org),
        }
    }
    Some(filter)
}

/// The customer's devices, newest registrations first, filtered and paged.
#[utoipa::path(get, path = "/api/v1/customers/{customer_id}/devices", tag = "devices", security(("bearer" = [])),
    params(("customer_id" = Uuid, Path, description = "customer id"), ListDevicesQuery),
    responses(
        (status = 200, body = DevicePage),
        super::CommonErrors,
        (status = 404, description = "no such customer visible to the caller", body = ErrorEnvelope),
    ))]
pub async fn list_devices(
    State(state): State<AppState>,
    access: Access,
    ApiPath(customer_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<ListDevicesQuery>,
) -> Result<Json<DevicePage>, ApiError> {
    let scope = access.customer_scope(customer_id, Need::Read).await?;
    let limit = query.limit.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&limit) {
        return Err(ApiError::InvalidParameter {
            message: format!("limit {limit} is out of range; use 1 to {MAX_PAGE_SIZE}"),
        });
    }
    let device_state = match query.state.as_deref() {
        None | Some("") => None,
        Some(text) => Some(DeviceState::parse(text).ok_or_else(|| ApiError::InvalidParameter {
            message: format!("state {text:?} is not one of registered, unassigned, active, deregistered"),
        })?),
    };
    let filter = DeviceFilter {
        state: device_state,
        group_tag: query.group_tag.clone(),
        registered_by_org_id: query.registered_by,
        include_deregistered: device_state == Some(DeviceState::Deregistered),
    };
    let Some(filter) = scoped_filter(scope.reach(), access.org_id(), filter) else {
        return Ok(Json(DevicePage { devices: Vec::new(), next_cursor: None }));
    };
    let page = match state
        .db
        .list_devices(&scope.owner(), customer_id, &filter, query.cursor.as_deref(), limit)
        .await
    {
        Ok(page) => page,
        Err(StorageError::InvalidCursor) => {
            return Err(ApiError::InvalidParameter {
                message: "the cursor is not one this service gave out".into(),
            })
        }
        Err(other) => return Err(other.into()),
    };
    let mut renderer = DeviceRenderer::new(state.db.as_ref(), customer_id).await?;
    let mut devices = Vec::with_capacity(page.items.len());
    for device in page.items {
        devices.push(renderer.render(device, false).await?);
    }
    Ok(Json(DevicePage { devices, next_cursor: page.next_cursor }))
}

/// One device, with its hardware hash.
#[utoipa::path(get, path = "/api/v1/devices/{id}", tag = "devices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "device id")),
    responses(
        (status = 200, body = DeviceView),
        super::CommonErrors,
        (status = 404, description = "no such device visible to the caller (ztd_code 812)", body = ErrorEnvelope),
    ))]
pub async fn show_device(
    State(state): State<AppState>,
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<DeviceView>, ApiError> {
    let scope = access.device_scope(id, Need::Read).await?;
    let mut renderer = DeviceRenderer::new(state.db.as_ref(), scope.device().customer_id).await?;
    Ok(Json(renderer.render(scope.device().clone(), true).await?))
}

/// Changes a device's group tag; the profile follows at once (same tag rules as registration).
#[utoipa::path(patch, path = "/api/v1/devices/{id}", tag = "devices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "device id")),
    request_body = UpdateDeviceRequest,
    responses(
        (status = 200, body = DeviceView),
        super::CommonErrors,
        (status = 404, description = "no such device visible to the caller", body = ErrorEnvelope),
        (status = 409, description = "the device is deregistered", body = ErrorEnvelope),
        (status = 422, description = "`unknown_group_tag`, with the nearest profile tag as hint", body = ErrorEnvelope),
    ))]
pub async fn update_device(
    State(state): State<AppState>,
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<UpdateDeviceRequest>,
) -> Result<Json<DeviceView>, ApiError> {
    let scope = access.device_scope(id, Need::Register).await?;
    let device = scope.device().clone();
    if device.state == DeviceState::Deregistered {
        return Err(deregistered(id));
    }
    let profiles = state.db.list_profiles(device.customer_id).await?;
    let (group_tag, profile_id) =
        match TagCatalog::new(&profiles).decide(body.group_tag.as_deref(), body.allow_unknown_tags) {
            TagDecision::Profile { tag, profile_id } => (Some(tag), Some(profile_id)),
            TagDecision::Unassigned { tag } => (tag, None),
            TagDecision::Refused(error) => {
                let mut refusal = ApiError::unprocessable("unknown_group_tag", error.message);
                if let Some(hint) = error.hint {
                    refusal = refusal.with_hint(hint);
                }
                return Err(refusal);
            }
        };
    let audit = access.audit(
        "device.update_group_tag",
        "device",
        id,
        Some(device.customer_id),
        serde_json::json!({ "from": device.group_tag, "to": group_tag, "profile_id": profile_id }),
    );
    let updated =
        match state.db.update_device_tag(&access.owner(), id, group_tag.as_deref(), profile_id, &audit).await
        {
            Ok(device) => device,
            Err(StorageError::NotFound) => return Err(ApiError::not_found(crate::app::Resource::Device, id)),
            Err(other) => return Err(other.into()),
        };
    let mut renderer = DeviceRenderer::new(state.db.as_ref(), updated.customer_id).await?;
    Ok(Json(renderer.render(updated, true).await?))
}

/// Deregisters a device: it stays in the history (and the audit log), and its identity is
/// free at once for a new registration, here or elsewhere.
#[utoipa::path(delete, path = "/api/v1/devices/{id}", tag = "devices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "device id")),
    responses(
        (status = 200, description = "deregistered", body = DeviceView),
        super::CommonErrors,
        (status = 404, description = "no such device visible to the caller", body = ErrorEnvelope),
        (status = 409, description = "already deregistered", body = ErrorEnvelope),
    ))]
pub async fn deregister_device(
    State(state): State<AppState>,
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<(StatusCode, Json<DeviceView>), ApiError> {
    let scope = access.device_scope(id, Need::Register).await?;
    let device = scope.device().clone();
    if device.state == DeviceState::Deregistered {
        return Err(deregistered(id));
    }
    let audit = access.audit(
        "device.deregister",
        "device",
        id,
        Some(device.customer_id),
        serde_json::json!({ "serial_number": device.serial_number, "group_tag": device.group_tag }),
    );
    let gone = match state.db.deregister_device(&access.owner(), id, Utc::now(), &audit).await {
        Ok(device) => device,
        Err(StorageError::NotFound) => return Err(ApiError::not_found(crate::app::Resource::Device, id)),
        Err(StorageError::Conflict(_)) => return Err(deregistered(id)),
        Err(other) => return Err(other.into()),
    };
    let mut renderer = DeviceRenderer::new(state.db.as_ref(), gone.customer_id).await?;
    Ok((StatusCode::OK, Json(renderer.render(gone, false).await?)))
}

fn deregistered(id: Uuid) -> ApiError {
    ApiError::conflict("device_deregistered", format!("device {id} is deregistered"))
        .with_hint("register it again through a device batch")
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_devices, show_device, update_device, deregister_device))]
pub struct Doc;

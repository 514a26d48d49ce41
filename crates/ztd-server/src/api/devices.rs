//! HTTP adapter of registered devices (docs/domain.md#device-lifecycle): list, show, change
//! group tag, deregister. The rules are in [`crate::app::registration`].
//!
//! The customer sees every device of its tenant and who registered it; a partner/OEM sees
//! (and may change) only the devices it registered, and only while its relationship is
//! active. Anything else is answered like a device that does not exist.
//!
//! A device still pending in its batch has no device record yet (it is a row of the batch,
//! see `GET /api/v1/device-batches/{id}`), so it cannot be changed or deregistered until the
//! batch has processed it (docs/domain.md#device-lifecycle).

use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use ztd_storage::DeviceState;

use crate::app::access::Access;
use crate::app::registration::{self, DeviceQuery, ShownDevice, TagChange};
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorEnvelope};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/customers/{customer_id}/devices", get(list_devices))
        .route("/api/v1/devices/{id}", get(show_device).patch(update_device).delete(deregister_device))
}

pub use crate::app::registration::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

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
    /// The order of that batch (docs/domain.md#orders-and-void).
    pub order_number: Option<String>,
    pub purchase_order: Option<String>,
    /// `YYYY-MM-DD`.
    #[schema(value_type = Option<String>, format = Date)]
    pub ship_date: Option<chrono::NaiveDate>,
    /// Registered with its hardware hash. An unverified registration (made from the serial,
    /// model and manufacturer or the product key id alone) gives way to a registration carrying
    /// the hash (docs/domain.md#verified-and-unverified-registrations).
    pub verified: bool,
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
    #[param(schema_with = device_state_schema)]
    pub state: Option<String>,
    /// Exact group tag.
    pub group_tag: Option<String>,
    /// Organisation id of the registering partner/OEM/customer.
    pub registered_by: Option<Uuid>,
    /// Devices of batches shipped under this order number.
    pub order_number: Option<String>,
    #[param(schema_with = super::device_cursor_schema)]
    pub cursor: Option<String>,
    /// 1 to 1,000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

fn device_state_schema() -> utoipa::openapi::schema::Object {
    let mut schema = super::text_enum_schema(&["", "registered", "unassigned", "active", "deregistered"]);
    schema.description = Some(
        "Deregistered devices are only listed when asked for with `deregistered`; empty: every other state."
            .into(),
    );
    schema
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDeviceRequest {
    /// The new group tag; empty or `null` leaves the device unassigned. Matched exactly
    /// against the customer's profiles; a near miss is refused with the tag it likely meant
    /// (`422 unknown_group_tag`). The device value rules apply (`422 invalid_device_field`).
    #[schema(max_length = 200, example = "Microsoft365ManagedStandard_")]
    pub group_tag: Option<String>,
    /// Accept a tag that matches no profile (the device becomes unassigned).
    #[serde(default)]
    pub allow_unknown_tags: bool,
}

impl DeviceView {
    /// The view of a shown device; lists leave the hardware hash out.
    pub(super) fn new(shown: ShownDevice, with_hash: bool) -> Self {
        let ShownDevice { device, profile, registered_by_name, order } = shown;
        let profile = profile.map(|profile| ProfileRef {
            id: profile.id,
            name: profile.name,
            group_tag: profile.group_tag,
        });
        Self {
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
            registered_by: OrgRef { id: device.registered_by_org_id, name: registered_by_name },
            batch_id: device.batch_id,
            order_number: order.order_number,
            purchase_order: order.purchase_order,
            ship_date: order.ship_date,
            verified: device.hardware_hash.is_some(),
            created_at: device.created_at,
            updated_at: device.updated_at,
            activated_at: device.activated_at,
            deregistered_at: device.deregistered_at,
            hardware_hash: if with_hash { device.hardware_hash } else { None },
        }
    }
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
    access: Access,
    ApiPath(customer_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<ListDevicesQuery>,
) -> Result<Json<DevicePage>, ApiError> {
    let query = DeviceQuery {
        state: query.state,
        group_tag: query.group_tag,
        registered_by: query.registered_by,
        order_number: query.order_number,
        serial: None,
        serial_exact: false,
        cursor: query.cursor,
        limit: query.limit,
    };
    let page = registration::list_devices(&access, customer_id, query).await?;
    let devices = page.devices.into_iter().map(|shown| DeviceView::new(shown, false)).collect();
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
pub async fn show_device(access: Access, ApiPath(id): ApiPath<Uuid>) -> Result<Json<DeviceView>, ApiError> {
    Ok(Json(DeviceView::new(registration::show_device(&access, id).await?, true)))
}

/// Changes a device's group tag; the profile follows at once (same tag rules as registration).
#[utoipa::path(patch, path = "/api/v1/devices/{id}", tag = "devices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "device id")),
    request_body = UpdateDeviceRequest,
    responses(
        super::BodyErrors,
        (status = 200, body = DeviceView),
        super::CommonErrors,
        (status = 404, description = "no such device visible to the caller", body = ErrorEnvelope),
        (status = 409, description = "the device is deregistered", body = ErrorEnvelope),
        (status = 422, description = "`unknown_group_tag`, with the nearest profile tag as hint", body = ErrorEnvelope),
    ))]
pub async fn update_device(
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<UpdateDeviceRequest>,
) -> Result<Json<DeviceView>, ApiError> {
    let change = TagChange { group_tag: body.group_tag, allow_unknown_tags: body.allow_unknown_tags };
    Ok(Json(DeviceView::new(registration::change_group_tag(&access, id, change).await?, true)))
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
    access: Access,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<(StatusCode, Json<DeviceView>), ApiError> {
    let gone = registration::deregister(&access, id).await?;
    Ok((StatusCode::OK, Json(DeviceView::new(gone, false))))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_devices, show_device, update_device, deregister_device))]
pub struct Doc;

//! First-boot lookup (docs/domain.md#first-boot-lookup): a device asks "who am I?" and gets its owner's configuration.
//!
//! **Unauthenticated, by design.** A device at its out-of-box screen has no credentials of the
//! tenant yet: that is the point of zero-touch. What it proves is possession of its own
//! identity (the hardware hash, or the SMBIOS tuple), and what it gets is only what the
//! device would be told anyway: its tenant id and domain and the profile's OOBE settings.
//! Nothing else leaves: an unknown device is `404 device_not_registered` and an unassigned one
//! `409 device_unassigned`, neither naming any tenant. To keep the endpoint from being used to
//! sweep serial-number ranges, every client address has a token bucket
//! (`lookup_rate_per_minute`, burst of the same size); beyond it `429` with `Retry-After`.
//! Behind a reverse proxy, every device shares the proxy's address: raise the rate there.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Json, Router};
use chrono::Utc;
use serde::Deserialize;
use utoipa::ToSchema;
use ztd_domain::codes::{RowError, RowErrorCode};
use ztd_domain::device::DeviceInput;
use ztd_domain::profile::{render_configuration, ProfileSettings};
use ztd_storage::{ActorKind, Device, DeviceState, NewAuditEvent, StorageError};

use crate::error::{ApiError, ApiJson, ErrorEnvelope};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/device-lookup", post(lookup))
}

/// Prometheus names of the lookup metrics.
pub mod metric_names {
    /// Counter, label `outcome` = `configured` | `not_registered` | `unassigned` | `invalid` | `rate_limited`.
    pub const LOOKUPS: &str = "ztd_device_lookups_total";
    /// Histogram of lookup handling time, seconds.
    pub const LOOKUP_DURATION: &str = "ztd_device_lookup_duration_seconds";
}

/// What a device sends: its hardware hash, or the SMBIOS tuple (and/or its product key id).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    pub hardware_hash: Option<String>,
    pub serial_number: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub product_key_id: Option<String>,
}

/// First-boot lookup: the device's configuration file (AutopilotConfigurationFile). The first
/// successful lookup marks the device `active`. No authentication; rate-limited per client
/// address.
#[utoipa::path(post, path = "/api/v1/device-lookup", tag = "devices",
    request_body = LookupRequest,
    responses(
        (status = 200, description = "the configuration file (docs/domain.md#first-boot-lookup): Version, CloudAssignedTenantId, CloudAssignedTenantDomain, CloudAssignedOobeConfig, CloudAssignedDomainJoinMethod, CloudAssignedForcedEnrollment, ZtdCorrelationId, CloudAssignedDeviceName, CloudAssignedLanguage, CloudAssignedRegion, Comment_File", body = Object),
        (status = 400, description = "malformed body", body = ErrorEnvelope),
        (status = 404, description = "`device_not_registered`", body = ErrorEnvelope),
        (status = 409, description = "`device_unassigned`: registered without a profile", body = ErrorEnvelope),
        (status = 422, description = "the identity is unusable (e.g. `invalid_hardware_hash`)", body = ErrorEnvelope),
        (status = 429, description = "too many lookups from this address; see `Retry-After`", body = ErrorEnvelope),
    ))]
pub async fn lookup(
    State(state): State<AppState>,
    connect_info: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<LookupRequest>,
) -> Response {
    // The activation's audit event carries the request that caused it.
    let request_id = crate::request_id::from_headers(&headers);
    let started = Instant::now();
    let client =
        connect_info.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |Extension(ConnectInfo(addr))| addr.ip());
    let (outcome, response) = match state.lookup_limiter.check(client, Instant::now()) {
        Err(retry_after) => (
            "rate_limited",
            ApiError::RateLimited { retry_after_secs: retry_after.as_secs().max(1) }.into_response(),
        ),
        Ok(()) => match find_configuration(&state, body, request_id).await {
            Ok(configuration) => ("configured", Json(configuration).into_response()),
            Err(error) => (outcome(&error), error.into_response()),
        },
    };
    metrics::counter!(metric_names::LOOKUPS, "outcome" => outcome).increment(1);
    metrics::histogram!(metric_names::LOOKUP_DURATION).record(started.elapsed().as_secs_f64());
    response
}

/// The `outcome` label of the lookup counter for a refused lookup.
fn outcome(error: &ApiError) -> &'static str {
    match error {
        ApiError::Device { error, .. } if error.code == RowErrorCode::DeviceNotRegistered => "not_registered",
        ApiError::Device { .. } => "invalid",
        ApiError::Conflict { .. } => "unassigned",
        _ => "error",
    }
}

fn not_registered() -> ApiError {
    let error = RowError::new(RowErrorCode::DeviceNotRegistered, "no registered device has this identity")
        .with_hint(
            "the device must be registered (by its reseller, OEM or the organisation) before its first boot",
        );
    ApiError::Device { status: StatusCode::NOT_FOUND, error }
}

async fn find_configuration(
    state: &AppState,
    request: LookupRequest,
    request_id: Option<String>,
) -> Result<serde_json::Value, ApiError> {
    let input = DeviceInput {
        serial_number: request.serial_number,
        product_key_id: request.product_key_id,
        hardware_hash: request.hardware_hash,
        manufacturer: request.manufacturer,
        model: request.model,
        group_tag: None,
        assigned_user: None,
    };
    let resolved = input
        .resolve()
        .map_err(|error| ApiError::Device { status: StatusCode::UNPROCESSABLE_ENTITY, error })?;
    let device = state
        .db
        .find_device_by_keys(
            resolved.tuple_key.as_deref(),
            resolved.pkid_key.as_deref(),
            resolved.hash_key.as_deref(),
        )
        .await?
        .filter(|device| device.state != DeviceState::Deregistered)
        .ok_or_else(not_registered)?;
    let Some(profile_id) = device.profile_id.filter(|_| device.state != DeviceState::Unassigned) else {
        return Err(ApiError::conflict(
            "device_unassigned",
            "the device is registered but has no deployment profile",
        )
        .with_hint("its organisation must give it the group tag of one of its profiles"));
    };
    let profile = match state.db.get_profile(device.customer_id, profile_id).await {
        Ok(profile) => profile,
        // The profile went away between the two reads: the device is unassigned now.
        Err(StorageError::NotFound) => {
            return Err(ApiError::conflict("device_unassigned", "the device has no deployment profile"))
        }
        Err(other) => return Err(other.into()),
    };
    let settings: ProfileSettings = serde_json::from_value(profile.settings.clone()).map_err(|error| {
        ApiError::internal(format!("profile {} settings unreadable: {error}", profile.id))
    })?;
    let tenant = state.db.get_org(device.customer_id).await?;
    let configuration = render_configuration(
        &settings,
        &tenant.id.to_string(),
        tenant.domain.as_deref().unwrap_or_default(),
        &device.id.to_string(),
        &format!("Profile {}", profile.name),
    );
    if device.state != DeviceState::Active {
        activate(state, &device, request_id).await?;
    }
    Ok(configuration)
}

/// First lookup: the device becomes `active`, audited on the customer's tenant.
async fn activate(state: &AppState, device: &Device, request_id: Option<String>) -> Result<(), ApiError> {
    let event = NewAuditEvent {
        request_id,
        actor_kind: ActorKind::Device,
        actor_id: Some(device.id),
        actor_org_id: None,
        tenant_org_id: Some(device.customer_id),
        action: "device.activate".into(),
        target_type: "device".into(),
        target_id: Some(device.id.to_string()),
        details: serde_json::json!({ "serial_number": device.serial_number }),
    };
    // Audited in the activating transaction, and only by the lookup that really activated it.
    state.db.mark_device_active(device.id, Utc::now(), &event).await?;
    Ok(())
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(lookup))]
pub struct Doc;

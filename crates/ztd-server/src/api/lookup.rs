//! HTTP adapter of the first-boot lookup (docs/domain.md#first-boot-lookup); the rules are in
//! [`crate::app::lookup`]. A device asks "who am I?" and gets its owner's configuration.
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
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Json, Router};
use serde::Deserialize;
use utoipa::ToSchema;
use ztd_domain::codes::RowErrorCode;

use crate::app::access::Gate;
use crate::app::lookup::{self, DeviceIdentity};
use crate::error::{ApiError, ApiJson, ErrorEnvelope};
use crate::request_id::RequestId;
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

/// What a device sends: its hardware hash, the proof that the caller holds the device. The
/// other fields are accepted for compatibility and not used: they are printed on the box.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    /// The base64 hardware hash (4K hash) the device computes. Required; without it the answer
    /// is 422 `missing_device_identity`, and one that does not decode and validate is 422
    /// `invalid_hardware_hash` (docs/hardware-hash.md).
    #[schema(value_type = String, required = true, min_length = 1)]
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
        super::BodyErrors,
        (status = 200, description = "the configuration file (docs/domain.md#first-boot-lookup): Version, CloudAssignedTenantId, CloudAssignedTenantDomain, CloudAssignedOobeConfig, CloudAssignedDomainJoinMethod, CloudAssignedForcedEnrollment, ZtdCorrelationId, CloudAssignedDeviceName, CloudAssignedLanguage, CloudAssignedRegion, Comment_File", body = Object),
        (status = 400, description = "malformed body", body = ErrorEnvelope),
        (status = 404, description = "`device_not_registered`", body = ErrorEnvelope),
        (status = 409, description = "`device_unassigned`: registered without a profile", body = ErrorEnvelope),
        (status = 422, description = "no hardware hash (`missing_device_identity`), or one that does not validate (`invalid_hardware_hash`)", body = ErrorEnvelope),
        (status = 429, description = "too many lookups from this address; see `Retry-After`", body = ErrorEnvelope),
        (status = 503, description = "the database cannot be reached; `Retry-After: 5`", body = ErrorEnvelope),
    ))]
pub async fn lookup(
    State(state): State<AppState>,
    gate: Gate,
    connect_info: Option<Extension<ConnectInfo<SocketAddr>>>,
    // The activation's audit event carries the request that caused it.
    RequestId(request_id): RequestId,
    ApiJson(body): ApiJson<LookupRequest>,
) -> Response {
    let started = Instant::now();
    let client =
        connect_info.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |Extension(ConnectInfo(addr))| addr.ip());
    let (outcome, response) = match state.lookup_limiter.check(client).await {
        Err(retry_after) => (
            "rate_limited",
            ApiError::RateLimited { retry_after_secs: retry_after.as_secs().max(1) }.into_response(),
        ),
        Ok(()) => {
            let identity = DeviceIdentity {
                hardware_hash: body.hardware_hash,
                serial_number: body.serial_number,
                manufacturer: body.manufacturer,
                model: body.model,
                product_key_id: body.product_key_id,
            };
            match lookup::configuration(&gate, &state.activations, identity, request_id).await {
                Ok(configuration) => ("configured", Json(configuration).into_response()),
                Err(error) => {
                    let error = ApiError::from(error);
                    (outcome(&error), error.into_response())
                }
            }
        }
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

#[derive(utoipa::OpenApi)]
#[openapi(paths(lookup))]
pub struct Doc;

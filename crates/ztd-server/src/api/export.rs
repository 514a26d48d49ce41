//! HTTP adapter of the export of a customer's devices as a CSV file in the real portals'
//! formats. [`crate::app::registration::export`] streams it page by page (a tenant of any size
//! is never held in memory) and re-checks a partner's consent before every page.
//!
//! - `intune`: `Device Serial Number,Windows Product ID,Hardware Hash,Group Tag,Assigned User`
//!   (the Autopilot import of Intune), with each device's group tag;
//! - `partner-center`: `Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer
//!   name,Device model`.
//!
//! Lines end in CRLF, as the Windows tools write them; values are never quoted (the formats
//! have no quoting). The file passes `ztd csv check` and can be uploaded again unchanged.

use axum::body::Body;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use ztd_domain::csv::Format;

use crate::app::access::Access;
use crate::app::registration;
use crate::error::{ApiError, ApiPath, ApiQuery, ErrorEnvelope};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/customers/{customer_id}/devices/export", get(export_devices))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `intune` or `partner-center`.
    #[param(pattern = "^(intune|partner-center)$")]
    pub format: String,
}

/// The customer's registered devices (not deregistered ones) as a portal CSV file. A partner
/// gets the devices it registered.
#[utoipa::path(get, path = "/api/v1/customers/{customer_id}/devices/export", tag = "devices",
    security(("bearer" = [])),
    params(("customer_id" = Uuid, Path, description = "customer id"), ExportQuery),
    responses(
        (status = 200, description = "the CSV file", content_type = "text/csv", body = String),
        super::CommonErrors,
        (status = 404, description = "no such customer visible to the caller", body = ErrorEnvelope),
    ))]
pub async fn export_devices(
    access: Access,
    ApiPath(customer_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let format = match query.format.as_str() {
        "intune" => Format::Intune,
        "partner-center" => Format::PartnerCenter,
        other => {
            return Err(ApiError::InvalidParameter {
                message: format!("format {other:?} cannot be exported; use intune or partner-center"),
            })
        }
    };
    let rows = registration::export(&access, customer_id, format).await?;
    let filename = format!("attachment; filename=\"devices-{customer_id}-{}.csv\"", format.name());
    let mut response = Body::from_stream(rows).into_response();
    let headers = response.headers_mut();
    // ASCII, or Windows-1252 ("ANSI") when a group tag or assigned user needs it: what the portals read.
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=windows-1252"));
    if let Ok(value) = HeaderValue::from_str(&filename) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(export_devices))]
pub struct Doc;

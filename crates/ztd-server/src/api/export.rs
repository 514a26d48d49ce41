//! Export of a customer's devices as a CSV file in the real portals' formats, streamed page by
//! page so a tenant of any size is never held in memory.
//!
//! - `intune`: `Device Serial Number,Windows Product ID,Hardware Hash,Group Tag,Assigned User`
//!   (the Autopilot import of Intune), with each device's group tag;
//! - `partner-center`: `Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer
//!   name,Device model`.
//!
//! Lines end in CRLF, as the Windows tools write them; values are never quoted (the formats
//! have no quoting). The file passes `ztd csv check` and can be uploaded again unchanged.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use futures::stream;
use serde::Deserialize;
use std::sync::Arc;
use utoipa::IntoParams;
use uuid::Uuid;
use ztd_domain::csv::{Column, CsvWriter, Format, Layout, WriteError};
use ztd_storage::{Database, Device, DeviceFilter, Owner};

use crate::api::devices::scoped_filter;
use crate::app::access::{Access, Need, Reach};
use crate::error::{ApiError, ApiPath, ApiQuery, ErrorEnvelope};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/customers/{customer_id}/devices/export", get(export_devices))
}

/// Devices read from the database per page of the export.
const EXPORT_PAGE: u32 = 1_000;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `intune` or `partner-center`.
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
    State(state): State<AppState>,
    access: Access,
    ApiPath(customer_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let layout = match query.format.as_str() {
        "intune" => Layout::full(Format::Intune),
        "partner-center" => Layout::full(Format::PartnerCenter),
        other => {
            return Err(ApiError::InvalidParameter {
                message: format!("format {other:?} cannot be exported; use intune or partner-center"),
            })
        }
    };
    let scope = access.customer_scope(customer_id, Need::Read).await?;
    let filter = scoped_filter(scope.reach(), access.org_id(), DeviceFilter::default());
    // A partner's export re-checks its relationship before every page (below).
    let partner = match scope.reach() {
        Reach::Own => None,
        Reach::Relationship(relationship) => Some(relationship.partner_org_id),
    };
    let body = Body::from_stream(export_stream(Arc::clone(&state.db), customer_id, partner, filter, layout));
    let filename = format!("attachment; filename=\"devices-{customer_id}-{}.csv\"", layout.format.name());
    let mut response = body.into_response();
    let headers = response.headers_mut();
    // ASCII, or Windows-1252 ("ANSI") when a group tag or assigned user needs it: what the portals read.
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=windows-1252"));
    if let Ok(value) = HeaderValue::from_str(&filename) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

enum Cursor {
    Header,
    Page(Option<String>),
    Done,
}

/// The header, then one chunk per page of devices. A database error mid-stream ends the body
/// with an error, so the client sees a broken download rather than a silently short file. When a partner's relationship is revoked mid-export the stream
/// ends in an error, so the HTTP body is cut off rather than ended cleanly: no client takes a
/// partial export for a whole one (docs/domain.md#consent).
fn export_stream(
    db: Arc<dyn Database>,
    customer_id: Uuid,
    partner: Option<Uuid>,
    filter: Option<DeviceFilter>,
    layout: Layout,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> {
    let owner = partner.map_or(Owner::Customer(customer_id), Owner::Partner);
    stream::unfold(Cursor::Header, move |cursor| {
        let db = Arc::clone(&db);
        let filter = filter.clone();
        async move {
            match cursor {
                Cursor::Done => None,
                Cursor::Header => {
                    let header = Bytes::from(format!("{}\r\n", layout.header_line()));
                    let next = if filter.is_some() { Cursor::Page(None) } else { Cursor::Done };
                    Some((Ok(header), next))
                }
                Cursor::Page(after) => {
                    if let Some(partner) = partner {
                        match db.find_active_relationship(partner, customer_id).await {
                            Ok(Some(_)) => {}
                            Ok(None) => {
                                tracing::info!(customer = %customer_id, %partner, "device export stopped: the relationship was revoked");
                                return Some((
                                    Err(std::io::Error::other(
                                        "the relationship was revoked during the export",
                                    )),
                                    Cursor::Done,
                                ));
                            }
                            Err(error) => {
                                tracing::error!(%error, customer = %customer_id, "device export failed mid-stream");
                                return Some((
                                    Err(std::io::Error::other("device export failed")),
                                    Cursor::Done,
                                ));
                            }
                        }
                    }
                    let filter = filter.unwrap_or_default();
                    match db.list_devices(&owner, customer_id, &filter, after.as_deref(), EXPORT_PAGE).await {
                        Ok(page) => {
                            let next =
                                page.next_cursor.map_or(Cursor::Done, |cursor| Cursor::Page(Some(cursor)));
                            match page_rows(layout, &page.items) {
                                Ok(rows) => Some((Ok(rows), next)),
                                Err(error) => {
                                    tracing::error!(%error, customer = %customer_id, "device export failed mid-stream");
                                    Some((Err(std::io::Error::other("device export failed")), Cursor::Done))
                                }
                            }
                        }
                        Err(error) => {
                            tracing::error!(%error, customer = %customer_id, "device export failed mid-stream");
                            Some((Err(std::io::Error::other("device export failed")), Cursor::Done))
                        }
                    }
                }
            }
        }
    })
}

/// One page of devices as rows of `layout`, through the domain's writer (ASCII, or
/// Windows-1252 for a free-text value outside ASCII, as the portals read it).
fn page_rows(layout: Layout, devices: &[Device]) -> Result<Bytes, WriteError> {
    let mut writer = CsvWriter::rows_only(Vec::with_capacity(devices.len() * 4_200), layout);
    for device in devices {
        writer.write_row(|column| device_value(device, column))?;
    }
    Ok(Bytes::from(writer.finish()?))
}

fn device_value(device: &Device, column: Column) -> Option<&str> {
    match column {
        Column::SerialNumber => &device.serial_number,
        Column::ProductKeyId => &device.product_key_id,
        Column::HardwareHash => &device.hardware_hash,
        Column::Manufacturer => &device.manufacturer,
        Column::Model => &device.model,
        Column::GroupTag => &device.group_tag,
        Column::AssignedUser => &device.assigned_user,
    }
    .as_deref()
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(export_devices))]
pub struct Doc;

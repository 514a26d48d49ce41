//! Microsoft Graph compatibility (docs/compatibility.md#microsoft-graph): Intune's
//! Autopilot routes under `/graph/v1.0` and `/graph/beta`, so an IT admin's script or a Graph SDK
//! needs only a new base URL and a ztd API key as its bearer token.
//!
//! A thin adapter over the same use cases as every other channel ([`registration`],
//! [`profiles`]): the same checks, conflicts, audit and consent. The caller acts on its own
//! tenant, so only a customer's key is taken (anyone else: Graph's 403).
//!
//! Mapping (decisions, docs/compatibility.md#graph-mapping):
//! - an `importedWindowsAutopilotDeviceIdentity` is one row of a ztd batch; its `id` is
//!   `<batch id>.<row>`, its `importId` the batch id, its state the row's status (`pending`,
//!   `complete` for a registered or unassigned row, `error` with ztd's code in
//!   `deviceErrorCode`/`deviceErrorName`);
//! - a `windowsAutopilotDeviceIdentity` is a registered device (`id` = the device id);
//! - a `windowsAutopilotDeploymentProfile` is a profile of the customer;
//! - `hardwareIdentifier` is Graph's base64 of the hash bytes, which is exactly ztd's hash text
//!   (docs/hardware-hash.md): it passes through unchanged and the pipeline validates it.

pub mod error;
pub mod filter;

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_domain::codes::{RowError, RowErrorCode};
use ztd_domain::device::DeviceInput;
use ztd_storage::{Batch, DeviceState, ItemStatus, OrgKind, Profile};

use self::error::GraphErrorEnvelope;
use self::filter::Filter;
use crate::app::access::Access;
use crate::app::registration::{
    self, BatchOptions, DeviceQuery, RowOutcome, RowsPage, ShownDevice, Submitted, TagChange, Upload,
};
use crate::app::{profiles, Resource};
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

const IMPORTED: &str = "importedWindowsAutopilotDeviceIdentities";
const DEVICES: &str = "windowsAutopilotDeviceIdentities";

/// Items per page unless `$top` says otherwise, and the most `$top` takes.
pub const DEFAULT_TOP: u32 = 100;
pub const MAX_TOP: u32 = 1_000;

pub fn routes() -> Router<AppState> {
    let graph = Router::new()
        .route(
            "/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities",
            get(list_imported).post(create_imported),
        )
        .route(
            "/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities/import",
            post(import_identities),
        )
        .route(
            "/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities/{id}",
            get(show_imported).delete(delete_imported),
        )
        .route("/{version}/deviceManagement/windowsAutopilotDeviceIdentities", get(list_devices))
        .route(
            "/{version}/deviceManagement/windowsAutopilotDeviceIdentities/{id}",
            get(show_device).delete(delete_device),
        )
        .route(
            "/{version}/deviceManagement/windowsAutopilotDeviceIdentities/{id}/updateDeviceProperties",
            post(update_device_properties),
        )
        .route("/{version}/deviceManagement/windowsAutopilotDeploymentProfiles", get(list_profiles))
        .fallback(no_graph_route)
        .method_not_allowed_fallback(graph_method_not_allowed)
        .layer(middleware::from_fn(check_version))
        .layer(middleware::from_fn(error::graph_errors));
    Router::new().nest("/graph", graph)
}

/// The Graph versions served; any other answers Graph's 404.
pub const VERSIONS: [&str; 2] = ["v1.0", "beta"];

fn original_path(request: &axum::extract::Request) -> String {
    request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| request.uri().path().to_owned(), |uri| uri.0.path().to_owned())
}

/// Refuses a version other than `v1.0` and `beta` before any route sees it.
async fn check_version(request: axum::extract::Request, next: middleware::Next) -> Response {
    let path = original_path(&request);
    let version = path.strip_prefix("/graph/").and_then(|rest| rest.split('/').next());
    if !version.is_some_and(|version| VERSIONS.contains(&version)) {
        return ApiError::NoRoute { method: request.method().to_string(), path }.into_response();
    }
    next.run(request).await
}

async fn graph_method_not_allowed(request: axum::extract::Request) -> ApiError {
    ApiError::MethodNotAllowed { method: request.method().to_string(), path: original_path(&request) }
}

async fn no_graph_route(request: axum::extract::Request) -> ApiError {
    ApiError::NoRoute { method: request.method().to_string(), path: original_path(&request) }
}

// ---------------------------------------------------------------------------------------------
// The caller's tenant, query options, paging
// ---------------------------------------------------------------------------------------------

/// The customer the caller acts on: its own organisation, which must be a customer.
fn own_tenant(access: &Access) -> Result<Uuid, ApiError> {
    if access.org().kind != OrgKind::Customer {
        return Err(ApiError::Forbidden {
            code: "graph_customer_only",
            message: format!(
                "the Graph routes act on the caller's own tenant and take a customer's API key; yours is a {} organisation's",
                access.org().kind
            ),
            hint: Some("partners and OEMs register through /api/v1 or the Partner Center routes".into()),
        });
    }
    Ok(access.org_id())
}

/// `$top`, `$filter` and `$skiptoken` of a list; `$select` is accepted and ignored (every
/// property is answered), `$count=false` too; any other option is refused by name.
struct ListOptions {
    top: u32,
    filter: Option<Filter>,
    filter_text: Option<String>,
    skiptoken: Option<String>,
}

fn list_options(query: &HashMap<String, String>) -> Result<ListOptions, ApiError> {
    let mut options = ListOptions { top: DEFAULT_TOP, filter: None, filter_text: None, skiptoken: None };
    for (name, value) in query {
        match name.as_str() {
            "$top" => {
                let digits = !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit());
                options.top = digits.then(|| value.parse().ok()).flatten().filter(|top| (1..=MAX_TOP).contains(top)).ok_or_else(
                    || ApiError::InvalidParameter {
                        message: format!("$top {value:?} must be a whole number from 1 to {MAX_TOP}"),
                    },
                )?;
            }
            "$filter" => {
                let parsed = filter::parse(value)
                    .map_err(|error| ApiError::InvalidParameter { message: error.0 })?;
                options.filter = Some(parsed);
                options.filter_text = Some(value.clone());
            }
            "$skiptoken" => options.skiptoken = Some(value.clone()),
            "$select" => {}
            "$count" if value == "false" => {}
            other => {
                return Err(ApiError::InvalidParameter {
                    message: format!(
                        "the query option {other:?} is not supported here; ztd takes $top, $filter=contains(serialNumber,'…') and $skiptoken ($select is accepted and ignored)"
                    ),
                })
            }
        }
    }
    Ok(options)
}

/// Percent-encodes a query value (everything but RFC 3986's unreserved characters).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The `@odata.nextLink` of a list: the same query with the next page's `$skiptoken`.
fn next_link(
    state: &AppState,
    version: &str,
    collection: &str,
    options: &ListOptions,
    token: &str,
) -> String {
    let mut link = format!(
        "{}/graph/{version}/deviceManagement/{collection}?$top={}",
        state.config.public_base(),
        options.top
    );
    if let Some(filter) = &options.filter_text {
        link.push_str(&format!("&$filter={}", encode(filter)));
    }
    link.push_str(&format!("&$skiptoken={}", encode(token)));
    link
}

/// A page of a Graph collection.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GraphPage<T> {
    pub value: Vec<T>,
    /// The next page; absent on the last.
    #[serde(rename = "@odata.nextLink", default, skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// importedWindowsAutopilotDeviceIdentity
// ---------------------------------------------------------------------------------------------

/// An imported Autopilot device identity: one row of a ztd batch.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportedIdentity {
    #[serde(rename = "@odata.type")]
    #[schema(example = "#microsoft.graph.importedWindowsAutopilotDeviceIdentity")]
    pub odata_type: String,
    /// `<batch id>.<row>`.
    #[schema(example = "0b5c1d2e-5f3a-4b7c-9d1e-2f3a4b5c6d7e.1")]
    pub id: String,
    /// The batch's order number.
    pub order_identifier: Option<String>,
    pub serial_number: Option<String>,
    /// ztd's product key id (PKID).
    pub product_key: Option<String>,
    /// The batch id.
    pub import_id: String,
    /// The hardware hash: base64 of its bytes.
    pub hardware_identifier: Option<String>,
    pub group_tag: Option<String>,
    pub assigned_user_principal_name: Option<String>,
    pub state: ImportState,
}

/// `importedWindowsAutopilotDeviceIdentityState`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportState {
    /// `pending`, `complete` or `error` (`unknown` and `partial` are never answered).
    #[schema(example = "complete")]
    pub device_import_status: String,
    /// The registered device's id once complete (a `windowsAutopilotDeviceIdentity` id).
    pub device_registration_id: Option<String>,
    /// ztd's numeric code of the row's error (806 already registered, 808 registered to another
    /// tenant, 802 invalid hash, …; docs/compatibility.md#graph-error-codes); 0 without error.
    pub device_error_code: i32,
    /// ztd's error code, e.g. `device_already_registered`.
    pub device_error_name: Option<String>,
}

/// The numeric code of a row error: ztd's own where it has one, else a stable number of the
/// 900s (docs/compatibility.md#graph-error-codes).
pub fn error_number(code: RowErrorCode) -> i32 {
    if let Some(number) = code.ztd_code() {
        return i32::from(number);
    }
    match code {
        RowErrorCode::InvalidDeviceField => 901,
        RowErrorCode::IdentityMismatch => 902,
        RowErrorCode::UnknownGroupTag => 903,
        RowErrorCode::DeviceDuplicatedInBatch => 904,
        RowErrorCode::InvalidCsvRow => 905,
        RowErrorCode::RelationshipRevoked => 906,
        RowErrorCode::BatchRejected => 907,
        _ => 900,
    }
}

fn imported_id(batch_id: Uuid, row: i64) -> String {
    format!("{batch_id}.{row}")
}

/// `<batch id>.<row>` back to its parts.
fn parse_imported_id(id: &str) -> Option<(Uuid, i64)> {
    let (batch, row) = id.split_once('.')?;
    // Exactly the documented pattern: a hyphenated UUID, a dot, 1 to 18 digits.
    if batch.len() != 36 || row.is_empty() || row.len() > 18 || !row.bytes().all(|byte| byte.is_ascii_digit())
    {
        return None;
    }
    Some((Uuid::parse_str(batch).ok()?, row.parse().ok()?))
}

/// `<batch id>.<row>`, as a pattern.
const IMPORTED_ID_PATTERN: &str =
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\.[0-9]{1,18}$";

fn imported_id_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(IMPORTED_ID_PATTERN))
        .examples([serde_json::Value::from("0b5c1d2e-5f3a-4b7c-9d1e-2f3a4b5c6d7e.1")])
        .description(Some("`<batch id>.<row>`"))
        .build()
}

/// The path of a collection (documentation; handlers read the version from the path as text).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // documentation only
pub(crate) struct VersionPath {
    #[param(schema_with = version_schema)]
    version: String,
}

/// The path of an imported identity.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // documentation only
pub(crate) struct ImportedPath {
    #[param(schema_with = version_schema)]
    version: String,
    #[param(schema_with = imported_id_schema)]
    id: String,
}

/// The path of a registered device.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // documentation only
pub(crate) struct DevicePath {
    #[param(schema_with = version_schema)]
    version: String,
    /// The device id.
    #[param(value_type = Uuid)]
    id: String,
}

/// The query of the imported identities' list.
#[derive(serde::Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only
pub(crate) struct ImportedListQuery {
    /// Items per page, 1 to 1,000 (default 100).
    #[serde(rename = "$top")]
    #[param(minimum = 1, maximum = 1000)]
    top: Option<u32>,
    #[serde(rename = "$filter")]
    #[param(schema_with = filter_schema)]
    filter: Option<String>,
    #[serde(rename = "$skiptoken")]
    #[param(schema_with = import_token_schema)]
    skiptoken: Option<String>,
}

/// The query of the devices' list.
#[derive(serde::Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only
pub(crate) struct DeviceListQuery {
    /// Items per page, 1 to 1,000 (default 100).
    #[serde(rename = "$top")]
    #[param(minimum = 1, maximum = 1000)]
    top: Option<u32>,
    #[serde(rename = "$filter")]
    #[param(schema_with = filter_schema)]
    filter: Option<String>,
    #[serde(rename = "$skiptoken")]
    #[param(schema_with = super::device_cursor_schema)]
    skiptoken: Option<String>,
}

fn version_schema() -> utoipa::openapi::schema::Object {
    let mut schema = super::text_enum_schema(&VERSIONS);
    schema.description = Some("`v1.0` or `beta` (the same routes; any other version answers 404)".into());
    schema
}

fn filter_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(filter::PATTERN))
        .examples([serde_json::Value::from("contains(serialNumber,'PF3X')")])
        .description(Some("Only `contains(serialNumber,'…')` (OData's quoting: `''` for a quote); serial numbers match ignoring ASCII case."))
        .build()
}

fn import_token_schema() -> utoipa::openapi::schema::Object {
    let mut schema = imported_id_schema();
    schema.description = Some("From `@odata.nextLink`.".into());
    schema
}

fn optional_text_schema(max_length: usize) -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
            utoipa::openapi::schema::Type::String,
            utoipa::openapi::schema::Type::Null,
        ]))
        .pattern(Some(r"^[^\x00-\x1f\x7f-\x9f]*$"))
        .max_length(Some(max_length))
        .build()
}

fn order_identifier_schema() -> utoipa::openapi::schema::Object {
    let mut schema = optional_text_schema(64);
    schema.description = Some("The order the device ships under (the batch's order number): at most 64 characters, no control character; one per import.".into());
    schema
}

fn unchangeable_schema() -> utoipa::openapi::schema::Object {
    let mut schema = optional_text_schema(0);
    schema.description = Some("ztd keeps no such property: only empty or null is taken.".into());
    schema
}

fn imported(batch: &Batch, row: &RowOutcome) -> ImportedIdentity {
    let error: Option<&RowError> = row.error.as_ref();
    let (status, code, name) = match row.status {
        ItemStatus::Pending => ("pending", 0, None),
        ItemStatus::Registered | ItemStatus::Unassigned => ("complete", 0, None),
        ItemStatus::Failed => {
            let code = error.map(|error| error.code);
            ("error", code.map_or(900, error_number), Some(code.map_or("failed", RowErrorCode::as_str)))
        }
    };
    let device = &row.device;
    ImportedIdentity {
        odata_type: "#microsoft.graph.importedWindowsAutopilotDeviceIdentity".into(),
        id: imported_id(batch.id, row.row),
        order_identifier: batch.order.order_number.clone(),
        serial_number: device.serial_number.clone(),
        product_key: device.product_key_id.clone(),
        import_id: batch.id.to_string(),
        hardware_identifier: device.hardware_hash.clone(),
        group_tag: device.group_tag.clone().or_else(|| batch.default_group_tag.clone()),
        assigned_user_principal_name: device.assigned_user.clone(),
        state: ImportState {
            device_import_status: status.into(),
            device_registration_id: row.device_id.map(|id| id.to_string()),
            device_error_code: code,
            device_error_name: name.map(str::to_owned),
        },
    }
}

/// An identity to import, as Graph clients send it. `id`, `importId` and `state` are Graph's
/// read-only properties: accepted and ignored.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewImportedIdentity {
    #[serde(rename = "@odata.type")]
    #[schema(example = "#microsoft.graph.importedWindowsAutopilotDeviceIdentity")]
    pub odata_type: Option<String>,
    pub id: Option<String>,
    #[schema(schema_with = order_identifier_schema)]
    pub order_identifier: Option<String>,
    pub serial_number: Option<String>,
    /// A product key id (PKID).
    pub product_key: Option<String>,
    pub import_id: Option<String>,
    /// The hardware hash, base64 of its bytes (the text of a `Device Hardware Data` column).
    pub hardware_identifier: Option<String>,
    pub group_tag: Option<String>,
    pub assigned_user_principal_name: Option<String>,
    /// Graph's read-only state: accepted and ignored.
    #[schema(value_type = Option<Object>)]
    pub state: Option<serde_json::Map<String, serde_json::Value>>,
}

fn given(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|value| !value.is_empty()).map(str::to_owned)
}

impl NewImportedIdentity {
    fn device(&self) -> DeviceInput {
        DeviceInput {
            serial_number: given(&self.serial_number),
            product_key_id: given(&self.product_key),
            hardware_hash: given(&self.hardware_identifier),
            manufacturer: None,
            model: None,
            group_tag: given(&self.group_tag),
            assigned_user: given(&self.assigned_user_principal_name),
        }
    }
}

/// The body of the `import` action.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportRequest {
    #[schema(min_items = 1)]
    pub imported_windows_autopilot_device_identities: Vec<NewImportedIdentity>,
}

/// Submits identities as one batch through the registration pipeline; answers every row.
async fn import(
    state: &AppState,
    access: &Access,
    identities: &[NewImportedIdentity],
) -> Result<Vec<ImportedIdentity>, ApiError> {
    let customer_id = own_tenant(access)?;
    let mut orders: Vec<String> =
        identities.iter().filter_map(|identity| given(&identity.order_identifier)).collect();
    orders.sort_unstable();
    orders.dedup();
    if orders.len() > 1 {
        return Err(ApiError::InvalidRequestBody {
            message: format!(
                "the identities of one import carry {} different orderIdentifier values; ztd keeps one order per import",
                orders.len()
            ),
        });
    }
    let order = registration::parse_order(orders.first().map(String::as_str), None, None)?;
    let submission = registration::begin(access, customer_id).await?;
    let devices = identities.iter().map(NewImportedIdentity::device).collect();
    let options = BatchOptions {
        group_tag: None,
        allow_unknown_tags: None,
        idempotency_key: None,
        order,
        limits: state.config.json_batch_limits(),
    };
    let batch = match submission.submit(Upload::Devices(devices), options, &state.batch_wakeup).await? {
        Submitted::Accepted { batch, .. } => batch,
        Submitted::FileRefused { .. } => {
            return Err(ApiError::internal("a device list was refused as a file"))
        }
    };
    let mut answered = Vec::with_capacity(identities.len());
    let mut cursor = None;
    loop {
        let page = registration::show_batch(
            access,
            batch.id,
            RowsPage { cursor, limit: Some(registration::MAX_ROWS_PER_PAGE) },
        )
        .await?;
        answered.extend(page.rows.iter().map(|row| imported(&page.batch, row)));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(answered),
        }
    }
}

/// One imported identity the caller reaches, with its batch.
async fn find_imported(access: &Access, id: &str) -> Result<ImportedIdentity, ApiError> {
    own_tenant(access)?;
    let missing = || ApiError::NotFound { resource: Resource::Batch, id: id.to_owned() };
    let (batch_id, row) = parse_imported_id(id).filter(|(_, row)| *row >= 1).ok_or_else(missing)?;
    let cursor = (row > 1).then(|| (row - 1).to_string());
    let page = registration::show_batch(access, batch_id, RowsPage { cursor, limit: Some(1) }).await?;
    let found = page.rows.first().filter(|outcome| outcome.row == row).ok_or_else(missing)?;
    Ok(imported(&page.batch, found))
}

/// Where a list of imported identities goes on: a batch, after one of its rows.
fn import_token(batch_id: Uuid, after_row: &str) -> String {
    format!("{batch_id}.{after_row}")
}

async fn next_batch(
    access: &Access,
    customer_id: Uuid,
    before: Option<&str>,
) -> Result<Option<Uuid>, ApiError> {
    let list = registration::list_batches(access, customer_id, None, before, Some(1)).await?;
    Ok(list.batches.first().map(|batch| batch.id))
}

/// A page of the customer's imported identities: the rows of its batches, newest batch first,
/// rows in order.
async fn imported_page(
    access: &Access,
    customer_id: Uuid,
    options: &ListOptions,
) -> Result<(Vec<ImportedIdentity>, Option<String>), ApiError> {
    let top = options.top as usize;
    let mut found = Vec::new();
    let mut current = match &options.skiptoken {
        Some(token) => {
            let (batch_id, after_row) =
                parse_imported_id(token).filter(|(_, row)| *row >= 0).ok_or_else(|| {
                    ApiError::InvalidParameter {
                        message: format!("$skiptoken {token:?} is not one this service gave out"),
                    }
                })?;
            (batch_id, (after_row > 0).then(|| after_row.to_string()))
        }
        None => match next_batch(access, customer_id, None).await? {
            Some(batch_id) => (batch_id, None),
            None => return Ok((found, None)),
        },
    };
    loop {
        let (batch_id, cursor) = current;
        let want = u32::try_from(top - found.len()).unwrap_or(MAX_TOP).clamp(1, MAX_TOP);
        let page = registration::show_batch(access, batch_id, RowsPage { cursor, limit: Some(want) }).await?;
        for row in &page.rows {
            if options
                .filter
                .as_ref()
                .is_none_or(|filter| filter.matches(row.device.serial_number.as_deref()))
            {
                found.push(imported(&page.batch, row));
            }
        }
        if let Some(next) = page.next_cursor {
            if found.len() >= top {
                return Ok((found, Some(import_token(batch_id, &next))));
            }
            current = (batch_id, Some(next));
            continue;
        }
        let before = page.batch.created_at.timestamp_micros().to_string();
        match next_batch(access, customer_id, Some(&before)).await? {
            None => return Ok((found, None)),
            Some(next) if found.len() >= top => return Ok((found, Some(import_token(next, "0")))),
            Some(next) => current = (next, None),
        }
    }
}

/// Imports one identity (a batch of one row); answers it, usually still `pending`.
#[utoipa::path(post, path = "/graph/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities", tag = "graph",
    security(("bearer" = [])),
    params(VersionPath),
    request_body = NewImportedIdentity,
    responses(
        (status = 201, body = ImportedIdentity),
        GraphErrors,
        (status = 413, description = "larger than the JSON body limit", body = GraphErrorEnvelope),
        (status = 415, description = "not `application/json`", body = GraphErrorEnvelope),
    ))]
pub async fn create_imported(
    State(state): State<AppState>,
    access: Access,
    ApiJson(body): ApiJson<NewImportedIdentity>,
) -> Result<(StatusCode, Json<ImportedIdentity>), ApiError> {
    let mut answered = import(&state, &access, std::slice::from_ref(&body)).await?;
    let identity = answered.pop().ok_or_else(|| ApiError::internal("an imported row went missing"))?;
    Ok((StatusCode::CREATED, Json(identity)))
}

/// The `import` action: identities imported as one batch; answers every one.
#[utoipa::path(post, path = "/graph/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities/import", tag = "graph",
    security(("bearer" = [])),
    params(VersionPath),
    request_body = ImportRequest,
    responses(
        (status = 200, body = GraphPage<ImportedIdentity>),
        GraphErrors,
        (status = 413, description = "larger than the JSON body limit", body = GraphErrorEnvelope),
        (status = 415, description = "not `application/json`", body = GraphErrorEnvelope),
    ))]
pub async fn import_identities(
    State(state): State<AppState>,
    access: Access,
    ApiJson(body): ApiJson<ImportRequest>,
) -> Result<Json<GraphPage<ImportedIdentity>>, ApiError> {
    let value = import(&state, &access, &body.imported_windows_autopilot_device_identities).await?;
    Ok(Json(GraphPage { value, next_link: None }))
}

/// The customer's imported identities (every row of its batches), newest import first.
#[utoipa::path(get, path = "/graph/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities", tag = "graph",
    security(("bearer" = [])),
    params(VersionPath, ImportedListQuery),
    responses((status = 200, body = GraphPage<ImportedIdentity>), GraphErrors))]
pub async fn list_imported(
    State(state): State<AppState>,
    access: Access,
    ApiPath(version): ApiPath<String>,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
) -> Result<Json<GraphPage<ImportedIdentity>>, ApiError> {
    let customer_id = own_tenant(&access)?;
    let options = list_options(&query)?;
    let (value, token) = imported_page(&access, customer_id, &options).await?;
    let next_link = token.map(|token| next_link(&state, &version, IMPORTED, &options, &token));
    Ok(Json(GraphPage { value, next_link }))
}

/// One imported identity.
#[utoipa::path(get, path = "/graph/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities/{id}", tag = "graph",
    security(("bearer" = [])),
    params(ImportedPath),
    responses(
        (status = 200, body = ImportedIdentity),
        GraphErrors,
    ))]
pub async fn show_imported(
    access: Access,
    ApiPath((_version, id)): ApiPath<(String, String)>,
) -> Result<Json<ImportedIdentity>, ApiError> {
    Ok(Json(find_imported(&access, &id).await?))
}

/// Deleting an imported identity: once processed, ztd keeps the batch row as history and the
/// device (if one was registered) stays registered, so this only acknowledges (204); a row still
/// pending is refused (409) until the batch has processed it (docs/compatibility.md#graph-mapping).
#[utoipa::path(delete, path = "/graph/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities/{id}", tag = "graph",
    security(("bearer" = [])),
    params(ImportedPath),
    responses(
        (status = 204, description = "acknowledged; nothing is removed"),
        GraphErrors,
        (status = 409, description = "still pending", body = GraphErrorEnvelope),
    ))]
pub async fn delete_imported(
    access: Access,
    ApiPath((_version, id)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    access.require_role(ztd_storage::Role::Registrar)?;
    let identity = find_imported(&access, &id).await?;
    if identity.state.device_import_status == "pending" {
        return Err(ApiError::Conflict {
            code: "import_pending",
            message: format!("imported identity {id} is still pending"),
            hint: Some("poll it until deviceImportStatus is complete or error, then delete it".into()),
        });
    }
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// windowsAutopilotDeviceIdentity
// ---------------------------------------------------------------------------------------------

/// A registered Autopilot device. Properties ztd has no value for are answered empty, as Graph
/// answers them for a device Intune knows nothing more about.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AutopilotDevice {
    #[serde(rename = "@odata.type")]
    #[schema(example = "#microsoft.graph.windowsAutopilotDeviceIdentity")]
    pub odata_type: String,
    pub id: String,
    pub group_tag: String,
    /// The purchase order of the batch that registered it.
    pub purchase_order_identifier: String,
    pub serial_number: String,
    /// ztd's product key id (PKID).
    pub product_key: String,
    pub manufacturer: String,
    pub model: String,
    /// `enrolled` once the device has booted (ztd's `active`), else `notContacted`.
    #[schema(example = "notContacted")]
    pub enrollment_state: String,
    /// The first boot; `0001-01-01T00:00:00Z` before it.
    pub last_contacted_date_time: String,
    /// `assignedUnkownSyncState` (Graph's spelling) when a profile is assigned, else `notAssigned`.
    pub deployment_profile_assignment_status: String,
    pub addressable_user_name: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub resource_name: String,
    pub sku_number: String,
    pub system_family: String,
    pub azure_active_directory_device_id: String,
    pub managed_device_id: String,
}

impl AutopilotDevice {
    fn new(shown: ShownDevice) -> Self {
        let ShownDevice { device, profile, order, .. } = shown;
        let text = |value: Option<String>| value.unwrap_or_default();
        Self {
            odata_type: "#microsoft.graph.windowsAutopilotDeviceIdentity".into(),
            id: device.id.to_string(),
            group_tag: text(device.group_tag),
            purchase_order_identifier: text(order.purchase_order),
            serial_number: text(device.serial_number),
            product_key: text(device.product_key_id),
            manufacturer: text(device.manufacturer),
            model: text(device.model),
            enrollment_state: if device.state == DeviceState::Active { "enrolled" } else { "notContacted" }
                .into(),
            last_contacted_date_time: device.activated_at.map_or_else(
                || "0001-01-01T00:00:00Z".to_owned(),
                |at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ),
            deployment_profile_assignment_status: if profile.is_some() {
                "assignedUnkownSyncState"
            } else {
                "notAssigned"
            }
            .into(),
            addressable_user_name: String::new(),
            user_principal_name: device.assigned_user.clone().unwrap_or_default(),
            display_name: String::new(),
            resource_name: String::new(),
            sku_number: String::new(),
            system_family: String::new(),
            azure_active_directory_device_id: String::new(),
            managed_device_id: String::new(),
        }
    }
}

fn device_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::NotFound { resource: Resource::Device, id: id.to_owned() })
}

/// The customer's registered devices, newest registration first.
#[utoipa::path(get, path = "/graph/{version}/deviceManagement/windowsAutopilotDeviceIdentities", tag = "graph",
    security(("bearer" = [])),
    params(VersionPath, DeviceListQuery),
    responses((status = 200, body = GraphPage<AutopilotDevice>), GraphErrors))]
pub async fn list_devices(
    State(state): State<AppState>,
    access: Access,
    ApiPath(version): ApiPath<String>,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
) -> Result<Json<GraphPage<AutopilotDevice>>, ApiError> {
    let customer_id = own_tenant(&access)?;
    let options = list_options(&query)?;
    let top = options.top as usize;
    let mut value = Vec::new();
    let mut cursor = options.skiptoken.clone();
    let next = loop {
        let limit = u32::try_from(top - value.len()).unwrap_or(MAX_TOP).clamp(1, MAX_TOP);
        let query = DeviceQuery { cursor, limit: Some(limit), ..Default::default() };
        let page = registration::list_devices(&access, customer_id, query).await?;
        for shown in page.devices {
            if options
                .filter
                .as_ref()
                .is_none_or(|filter| filter.matches(shown.device.serial_number.as_deref()))
            {
                value.push(AutopilotDevice::new(shown));
            }
        }
        match page.next_cursor {
            Some(next) if value.len() >= top => break Some(next),
            Some(next) => cursor = Some(next),
            None => break None,
        }
    };
    let next_link = next.map(|token| next_link(&state, &version, DEVICES, &options, &token));
    Ok(Json(GraphPage { value, next_link }))
}

/// One registered device.
#[utoipa::path(get, path = "/graph/{version}/deviceManagement/windowsAutopilotDeviceIdentities/{id}", tag = "graph",
    security(("bearer" = [])),
    params(DevicePath),
    responses(
        (status = 200, body = AutopilotDevice),
        GraphErrors,
    ))]
pub async fn show_device(
    access: Access,
    ApiPath((_version, id)): ApiPath<(String, String)>,
) -> Result<Json<AutopilotDevice>, ApiError> {
    own_tenant(&access)?;
    Ok(Json(AutopilotDevice::new(registration::show_device(&access, device_id(&id)?).await?)))
}

/// Deregisters a device (its identity is free at once for a new registration).
#[utoipa::path(delete, path = "/graph/{version}/deviceManagement/windowsAutopilotDeviceIdentities/{id}", tag = "graph",
    security(("bearer" = [])),
    params(DevicePath),
    responses(
        (status = 204, description = "deregistered"),
        GraphErrors,
        (status = 409, description = "already deregistered", body = GraphErrorEnvelope),
    ))]
pub async fn delete_device(
    access: Access,
    ApiPath((_version, id)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    own_tenant(&access)?;
    registration::deregister(&access, device_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The body of `updateDeviceProperties`. ztd stores the group tag; the other properties are
/// refused unless empty (ztd keeps no display name or user for a device after registration).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateDeviceProperties {
    /// The new group tag; empty leaves the device unassigned. Same rules as `PATCH
    /// /api/v1/devices/{id}`: a tag matching no profile is refused (`unknown_group_tag`).
    pub group_tag: Option<String>,
    #[schema(schema_with = unchangeable_schema)]
    pub display_name: Option<String>,
    #[schema(schema_with = unchangeable_schema)]
    pub user_principal_name: Option<String>,
    #[schema(schema_with = unchangeable_schema)]
    pub addressable_user_name: Option<String>,
}

/// Changes a device's group tag; its profile follows at once.
#[utoipa::path(post, path = "/graph/{version}/deviceManagement/windowsAutopilotDeviceIdentities/{id}/updateDeviceProperties", tag = "graph",
    security(("bearer" = [])),
    params(DevicePath),
    request_body = UpdateDeviceProperties,
    responses(
        (status = 204, description = "changed"),
        GraphErrors,
        (status = 409, description = "the device is deregistered", body = GraphErrorEnvelope),
        (status = 413, description = "larger than the JSON body limit", body = GraphErrorEnvelope),
        (status = 415, description = "not `application/json`", body = GraphErrorEnvelope),
    ))]
pub async fn update_device_properties(
    access: Access,
    ApiPath((_version, id)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<UpdateDeviceProperties>,
) -> Result<StatusCode, ApiError> {
    own_tenant(&access)?;
    let id = device_id(&id)?;
    for (name, value) in [
        ("displayName", &body.display_name),
        ("userPrincipalName", &body.user_principal_name),
        ("addressableUserName", &body.addressable_user_name),
    ] {
        if value.as_deref().is_some_and(|value| !value.is_empty()) {
            return Err(ApiError::InvalidRequestBody {
                message: format!("{name} cannot be changed in ztd; only groupTag can"),
            });
        }
    }
    match body.group_tag {
        None => {
            access.require_role(ztd_storage::Role::Registrar)?;
            registration::show_device(&access, id).await?;
        }
        Some(tag) => {
            let change = TagChange { group_tag: Some(tag), allow_unknown_tags: false };
            registration::change_group_tag(&access, id, change).await?;
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------------
// windowsAutopilotDeploymentProfile
// ---------------------------------------------------------------------------------------------

/// A deployment profile of the customer (Graph's `azureADWindowsAutopilotDeploymentProfile`
/// for a cloud join, `activeDirectoryWindowsAutopilotDeploymentProfile` for a hybrid one).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentProfile {
    #[serde(rename = "@odata.type")]
    #[schema(example = "#microsoft.graph.azureADWindowsAutopilotDeploymentProfile")]
    pub odata_type: String,
    pub id: String,
    pub display_name: String,
    /// Names the group tag that assigns it (ztd assigns profiles by group tag).
    pub description: String,
    pub device_name_template: Option<String>,
    /// The language, e.g. `en-US`; `os-default` when the user chooses.
    pub locale: String,
    #[schema(example = "windowsPc")]
    pub device_type: String,
    pub created_date_time: String,
    pub last_modified_date_time: String,
    #[schema(value_type = Object)]
    pub out_of_box_experience_settings: serde_json::Value,
}

impl DeploymentProfile {
    fn new(profile: Profile) -> Self {
        let settings: ztd_domain::profile::ProfileSettings =
            serde_json::from_value(profile.settings.clone()).unwrap_or_default();
        let hybrid = settings.join_type == ztd_domain::profile::JoinType::Hybrid;
        let odata_type = if hybrid {
            "#microsoft.graph.activeDirectoryWindowsAutopilotDeploymentProfile"
        } else {
            "#microsoft.graph.azureADWindowsAutopilotDeploymentProfile"
        };
        let shared = settings.deployment_mode == ztd_domain::profile::DeploymentMode::SelfDeploying;
        Self {
            odata_type: odata_type.into(),
            id: profile.id.to_string(),
            display_name: profile.name,
            description: format!("Assigned to devices with group tag {}", profile.group_tag),
            device_name_template: settings.device_name_template.clone(),
            locale: settings.language.clone().unwrap_or_else(|| "os-default".into()),
            device_type: "windowsPc".into(),
            created_date_time: profile.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            last_modified_date_time: profile.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            out_of_box_experience_settings: serde_json::json!({
                "hidePrivacySettings": settings.skip_privacy_settings,
                "hideEULA": settings.skip_eula,
                "userType": if settings.user_is_local_admin { "administrator" } else { "standard" },
                "deviceUsageType": if shared { "shared" } else { "singleUser" },
                "skipKeyboardSelectionPage": settings.skip_keyboard_selection,
                "hideEscapeLink": true,
            }),
        }
    }
}

/// The customer's deployment profiles.
#[utoipa::path(get, path = "/graph/{version}/deviceManagement/windowsAutopilotDeploymentProfiles", tag = "graph",
    security(("bearer" = [])),
    params(VersionPath),
    responses((status = 200, body = GraphPage<DeploymentProfile>), GraphErrors))]
pub async fn list_profiles(access: Access) -> Result<Json<GraphPage<DeploymentProfile>>, ApiError> {
    let customer_id = own_tenant(&access)?;
    let value = profiles::list(&access, customer_id).await?.into_iter().map(DeploymentProfile::new).collect();
    Ok(Json(GraphPage { value, next_link: None }))
}

/// Responses every Graph route can give.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // documentation only
pub(crate) enum GraphErrors {
    /// Malformed JSON, a value breaking a rule, an unsupported query option.
    #[response(status = 400)]
    BadRequest(GraphErrorEnvelope),
    /// Missing, unknown or revoked API key.
    #[response(status = 401)]
    Unauthenticated(GraphErrorEnvelope),
    /// Not a customer's key, or a role too low.
    #[response(status = 403)]
    Forbidden(GraphErrorEnvelope),
    /// A version other than `v1.0` and `beta`, or no such item in the caller's tenant.
    #[response(status = 404)]
    NotFound(GraphErrorEnvelope),
    /// The database cannot be reached; `Retry-After: 5`.
    #[response(status = 503)]
    Unavailable(GraphErrorEnvelope),
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        create_imported,
        import_identities,
        list_imported,
        show_imported,
        delete_imported,
        list_devices,
        show_device,
        delete_device,
        update_device_properties,
        list_profiles
    ),
    tags((name = "graph", description = "Microsoft Graph compatibility: Intune's Autopilot routes (docs/compatibility.md#microsoft-graph). Errors here are Graph's `{\"error\": {code, message, innerError}}`."))
)]
pub struct Doc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imported_ids_round_trip() {
        let batch = Uuid::new_v4();
        assert_eq!(parse_imported_id(&imported_id(batch, 12)), Some((batch, 12)));
        assert_eq!(parse_imported_id("nope.1"), None);
        assert_eq!(parse_imported_id(&batch.to_string()), None);
    }

    #[test]
    fn every_row_error_has_a_distinct_number() {
        let mut numbers: Vec<i32> =
            ztd_domain::codes::ALL_ROW_ERROR_CODES.iter().map(|code| error_number(*code)).collect();
        numbers.sort_unstable();
        let count = numbers.len();
        numbers.dedup();
        assert_eq!(numbers.len(), count);
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode("contains(serialNumber,'A B')"), "contains%28serialNumber%2C%27A%20B%27%29");
    }
}

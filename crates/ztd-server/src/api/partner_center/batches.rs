//! Device batches, their devices and the status of an upload, in Partner Center's shapes
//! (docs/compatibility.md#partner-center). Sources of the shapes:
//! - create: <https://learn.microsoft.com/en-us/partner-center/developer/upload-a-list-of-devices-to-create-a-new-batch-for-the-specified-customer>
//! - add devices: <https://learn.microsoft.com/en-us/partner-center/developer/upload-a-list-of-devices-for-the-specified-customer>
//! - list batches: <https://learn.microsoft.com/en-us/partner-center/developer/get-a-list-of-device-batches-for-the-specified-customer>
//! - list devices: <https://learn.microsoft.com/en-us/partner-center/developer/get-a-list-of-devices-for-the-specified-batch-and-customer>
//! - upload status: <https://learn.microsoft.com/en-us/partner-center/developer/get-the-status-of-a-device-batch-upload>
//! - delete a device: <https://learn.microsoft.com/en-us/partner-center/developer/delete-a-device-for-the-specified-customer>

use std::collections::BTreeMap;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ztd_domain::device::DeviceInput;
use ztd_storage::{Batch, BatchStatus, ItemStatus};

use super::{
    accepted, batch_status, batch_uploads, derived_key, encode_segment, objects, read_json, status_location,
    time, Attributes, PartnerCenterError, PREFIX,
};
use crate::app::access::Access;
use crate::app::registration::{self, BatchOptions, DeviceQuery, RowsPage, ShownDevice, Submitted, Upload};
use crate::app::Resource;
use crate::error::{ApiError, ApiPath};
use crate::state::AppState;

/// Devices per page of a batch's device list, as Partner Center pages it.
const DEVICES_PER_PAGE: u32 = 100;
/// The request header carrying the next page's token, as Partner Center names it.
const CONTINUATION_HEADER: &str = "ms-continuationtoken";
/// Partner Center's request id, "used for idempotency of requests".
const REQUEST_ID_HEADER: &str = "ms-requestid";

/// One device of an upload. Partner Center's .NET SDK sends PascalCase; camelCase is accepted
/// too. Other fields of Partner Center's `Device` (`Id`, `Policies`, `CreatedBy`,
/// `UploadedDate`, `AllowedOperations`, `Attributes`) are accepted and ignored.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct UploadDevice {
    #[serde(rename = "HardwareHash", alias = "hardwareHash", default)]
    pub hardware_hash: Option<String>,
    /// ztd's product key id (PKID).
    #[serde(rename = "ProductKey", alias = "productKey", default)]
    pub product_key: Option<String>,
    #[serde(rename = "SerialNumber", alias = "serialNumber", default)]
    pub serial_number: Option<String>,
    #[serde(rename = "OemManufacturerName", alias = "oemManufacturerName", default)]
    pub oem_manufacturer_name: Option<String>,
    #[serde(rename = "ModelName", alias = "modelName", default)]
    pub model_name: Option<String>,
}

impl From<UploadDevice> for DeviceInput {
    fn from(device: UploadDevice) -> Self {
        DeviceInput {
            serial_number: device.serial_number,
            product_key_id: device.product_key,
            hardware_hash: device.hardware_hash,
            manufacturer: device.oem_manufacturer_name,
            model: device.model_name,
            group_tag: None,
            assigned_user: None,
        }
    }
}

/// `DeviceBatchCreationRequest`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct DeviceBatchCreationRequest {
    /// The partner's own name for the batch: 1 to 64 characters, no control character
    /// (ztd keeps it as the order number of the batch's uploads).
    #[serde(rename = "BatchId", alias = "batchId")]
    #[schema(
        min_length = 1,
        max_length = 64,
        example = "PO-4711",
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub batch_id: String,
    #[serde(rename = "Devices", alias = "devices", deserialize_with = "objects")]
    #[schema(min_items = 1)]
    pub devices: Vec<UploadDevice>,
}

/// The body of `POST …/deviceBatches/{batch_id}/devices`: a list of devices (Partner Center's
/// SDK sends the list itself; `{"Devices": [...]}` is accepted too).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(untagged)]
pub enum DevicesRequest {
    List(#[serde(deserialize_with = "objects")] Vec<UploadDevice>),
    Object {
        #[serde(rename = "Devices", alias = "devices", deserialize_with = "objects")]
        devices: Vec<UploadDevice>,
    },
}

/// A link, as Partner Center gives one.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Link {
    pub uri: String,
    pub method: String,
    pub headers: Vec<serde_json::Value>,
}

/// `DeviceBatch`: the uploads of one `BatchId` together.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceBatchView {
    /// The `BatchId` it was created with.
    pub id: String,
    /// `queued`, `processing` (some upload is not done), `finished` or `finished_with_errors`.
    pub status: String,
    /// When its first upload was received.
    pub creation_date: String,
    /// Devices its uploads registered.
    pub devices_count: i64,
    pub devices_link: Link,
    pub attributes: Attributes,
}

/// A collection, as Partner Center wraps one.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceBatchCollection {
    pub total_count: usize,
    pub items: Vec<DeviceBatchView>,
    pub attributes: Attributes,
}

/// A policy of a device: `{"key": "o_o_b_e", "value": <policy id>}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PolicyPair {
    #[serde(alias = "Key")]
    pub key: String,
    #[serde(alias = "Value")]
    pub value: Option<String>,
}

/// `Device`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartnerCenterDevice {
    pub id: Uuid,
    pub serial_number: Option<String>,
    pub product_key: Option<String>,
    pub model_name: Option<String>,
    pub oem_manufacturer_name: Option<String>,
    /// `o_o_b_e`: the id of its profile (`GET …/policies`), null when unassigned.
    pub policies: Vec<PolicyPair>,
    pub uploaded_date: String,
    pub attributes: Attributes,
}

/// A page of a batch's devices.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCollection {
    /// Devices on this page.
    pub total_count: usize,
    pub items: Vec<PartnerCenterDevice>,
    /// Send as the `MS-ContinuationToken` header for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuation_token: Option<String>,
    pub attributes: Attributes,
}

/// `DeviceUploadDetails`: what became of one device of an upload.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceUploadDetails {
    /// The registered device (`null` while queued or when it failed).
    pub device_id: Option<Uuid>,
    pub serial_number: Option<String>,
    pub product_key: Option<String>,
    /// `queued`, `finished` or `finished_with_errors`.
    pub status: String,
    /// ztd's numeric code when the error has one (`"808"`: registered to another tenant),
    /// otherwise ztd's error code (`"unknown_group_tag"`); null when it registered.
    pub error_code: Option<String>,
    /// ztd's message, its code and its hint.
    pub error_description: Option<String>,
    pub attributes: Attributes,
}

/// `BatchUploadDetails`: the status of one upload.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchUploadDetails {
    /// The upload's tracking id (a ztd batch id).
    pub batch_tracking_id: Uuid,
    /// `queued`, `processing`, `finished` or `finished_with_errors`.
    pub status: String,
    pub started_time: Option<String>,
    pub completed_time: Option<String>,
    pub devices_status: Vec<DeviceUploadDetails>,
    pub attributes: Attributes,
}

/// The PC status of a batch's uploads together.
fn combined_status(uploads: &[&Batch]) -> &'static str {
    let statuses: Vec<&str> = uploads.iter().map(|batch| batch_status(batch.status)).collect();
    if statuses.contains(&"processing")
        || (statuses.contains(&"queued") && statuses.iter().any(|status| status.starts_with("finished")))
    {
        "processing"
    } else if statuses.iter().all(|status| *status == "queued") {
        "queued"
    } else if statuses.contains(&"finished_with_errors") {
        "finished_with_errors"
    } else {
        "finished"
    }
}

fn devices_link(customer_id: Uuid, batch_id: &str) -> Link {
    Link {
        uri: format!("{PREFIX}/customers/{customer_id}/deviceBatches/{}/devices", encode_segment(batch_id)),
        method: "GET".into(),
        headers: Vec::new(),
    }
}

/// The customer's device batches (each `BatchId` once, its uploads together). Batches sent
/// through the native API without an order number are not listed.
#[utoipa::path(get, path = "/partner-center/v1/customers/{customer_id}/deviceBatches", tag = "partner-center",
    security(("bearer" = [])),
    params(("customer_id" = Uuid, Path, description = "customer id")),
    responses(
        (status = 200, body = DeviceBatchCollection),
        (status = 401, body = PartnerCenterError), (status = 403, body = PartnerCenterError),
        (status = 404, description = "no such customer visible to the caller", body = PartnerCenterError),
    ))]
pub async fn list_batches(access: Access, ApiPath(customer_id): ApiPath<Uuid>) -> Result<Response, ApiError> {
    let batches = super::all_batches(&access, customer_id).await?;
    let mut named: BTreeMap<String, Vec<&Batch>> = BTreeMap::new();
    for batch in &batches {
        if let Some(name) = &batch.order.order_number {
            named.entry(name.clone()).or_default().push(batch);
        }
    }
    let mut items: Vec<DeviceBatchView> = named
        .into_iter()
        .map(|(name, uploads)| {
            let created = uploads.iter().map(|batch| batch.created_at).min().unwrap_or_default();
            DeviceBatchView {
                status: combined_status(&uploads).into(),
                creation_date: time(created),
                devices_count: uploads.iter().map(|batch| batch.registered + batch.unassigned).sum(),
                devices_link: devices_link(customer_id, &name),
                attributes: Attributes::of("DeviceBatch"),
                id: name,
            }
        })
        .collect();
    items.sort_by(|a, b| b.creation_date.cmp(&a.creation_date));
    let collection =
        DeviceBatchCollection { total_count: items.len(), items, attributes: Attributes::of("Collection") };
    Ok(Json(collection).into_response())
}

/// Uploads devices as a new batch named `BatchId`: `202` with `Location` of the upload's
/// status, empty body. The same `BatchId` again returns the first upload's `Location`.
#[utoipa::path(post, path = "/partner-center/v1/customers/{customer_id}/deviceBatches", tag = "partner-center",
    security(("bearer" = [])),
    params(("customer_id" = Uuid, Path, description = "customer id")),
    request_body = DeviceBatchCreationRequest,
    responses(
        (status = 202, description = "accepted; `Location` names the upload's status",
            headers(("Location" = String, description = "/partner-center/v1/customers/{customer_id}/batchJobStatus/{tracking_id}"))),
        (status = 400, body = PartnerCenterError), (status = 401, body = PartnerCenterError),
        (status = 403, description = "`relationship_required`, or the role", body = PartnerCenterError),
        (status = 404, description = "no such customer visible to the caller", body = PartnerCenterError),
        (status = 413, body = PartnerCenterError), (status = 415, body = PartnerCenterError),
        (status = 422, description = "no devices, too many, or a bad `BatchId`", body = PartnerCenterError),
    ))]
pub async fn create_batch(
    State(state): State<AppState>,
    access: Access,
    ApiPath(customer_id): ApiPath<Uuid>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let submission = registration::begin(&access, customer_id).await?;
    let limit = state.config.json_batch_limits().max_bytes;
    let request: DeviceBatchCreationRequest = read_json(&headers, body, limit, false).await?;
    let order = batch_order(&request.batch_id)?;
    let key = derived_key("batch", customer_id, order.order_number.as_deref().unwrap_or_default())?;
    let devices = request.devices.into_iter().map(DeviceInput::from).collect();
    let options = BatchOptions {
        group_tag: None,
        allow_unknown_tags: None,
        idempotency_key: Some(key),
        order,
        limits: state.config.json_batch_limits(),
    };
    submit(&state, submission, devices, options).await
}

/// A `BatchId` as an order number: 1 to 64 characters, no control character.
fn batch_order(batch_id: &str) -> Result<ztd_storage::BatchOrder, ApiError> {
    let order = registration::parse_order(Some(batch_id), None, None)?;
    if order.order_number.is_none() {
        return Err(ApiError::Unprocessable {
            code: "invalid_batch_id",
            message: "BatchId is empty".into(),
            hint: Some("name the batch: 1 to 64 characters".into()),
        });
    }
    Ok(order)
}

async fn submit(
    state: &AppState,
    submission: registration::Submission,
    devices: Vec<DeviceInput>,
    options: BatchOptions,
) -> Result<Response, ApiError> {
    let customer_id = submission.customer_id();
    match submission.submit(Upload::Devices(devices), options, &state.batch_wakeup).await? {
        Submitted::Accepted { batch, .. } => Ok(accepted(&status_location(customer_id, batch.id))),
        Submitted::FileRefused { .. } => Err(ApiError::internal("a device list was refused as a file")),
    }
}

/// Uploads more devices to an existing batch: a new upload (its own tracking id) under the
/// same `BatchId`. `MS-RequestId`, when sent, makes a retry return the first upload.
#[utoipa::path(post, path = "/partner-center/v1/customers/{customer_id}/deviceBatches/{batch_id}/devices",
    tag = "partner-center", security(("bearer" = [])),
    params(
        ("customer_id" = Uuid, Path, description = "customer id"),
        ("batch_id" = String, Path, description = "the `BatchId` the batch was created with"),
        ("MS-RequestId" = Option<String>, Header, description = "a retry with the same id returns the first upload"),
    ),
    request_body = DevicesRequest,
    responses(
        (status = 202, description = "accepted; `Location` names the upload's status",
            headers(("Location" = String, description = "/partner-center/v1/customers/{customer_id}/batchJobStatus/{tracking_id}"))),
        (status = 400, body = PartnerCenterError), (status = 401, body = PartnerCenterError),
        (status = 403, body = PartnerCenterError),
        (status = 404, description = "no such batch visible to the caller", body = PartnerCenterError),
        (status = 413, body = PartnerCenterError), (status = 415, body = PartnerCenterError),
        (status = 422, body = PartnerCenterError),
    ))]
pub async fn add_devices(
    State(state): State<AppState>,
    access: Access,
    ApiPath((customer_id, batch_id)): ApiPath<(Uuid, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let submission = registration::begin(&access, customer_id).await?;
    let request: DevicesRequest =
        read_json(&headers, body, state.config.json_batch_limits().max_bytes, true).await?;
    let order = batch_order(&batch_id)?;
    batch_uploads(&access, customer_id, order.order_number.as_deref().unwrap_or_default()).await?;
    let idempotency_key = match headers.get(REQUEST_ID_HEADER).and_then(|value| value.to_str().ok()) {
        Some(request_id) if !request_id.trim().is_empty() => {
            Some(derived_key("request", customer_id, request_id.trim())?)
        }
        _ => None,
    };
    let devices = match request {
        DevicesRequest::List(devices) | DevicesRequest::Object { devices } => devices,
    };
    let options = BatchOptions {
        group_tag: None,
        allow_unknown_tags: None,
        idempotency_key,
        order,
        limits: state.config.json_batch_limits(),
    };
    submit(&state, submission, devices.into_iter().map(DeviceInput::from).collect(), options).await
}

/// The devices of a batch, 100 a page (`continuationToken` → `MS-ContinuationToken`).
#[utoipa::path(get, path = "/partner-center/v1/customers/{customer_id}/deviceBatches/{batch_id}/devices",
    tag = "partner-center", security(("bearer" = [])),
    params(
        ("customer_id" = Uuid, Path, description = "customer id"),
        ("batch_id" = String, Path, description = "the `BatchId` the batch was created with"),
        ("MS-ContinuationToken" = Option<String>, Header, description = "`continuationToken` of the previous page"),
    ),
    responses(
        (status = 200, body = DeviceCollection),
        (status = 400, body = PartnerCenterError), (status = 401, body = PartnerCenterError),
        (status = 403, body = PartnerCenterError),
        (status = 404, description = "no such batch visible to the caller", body = PartnerCenterError),
    ))]
pub async fn list_devices(
    access: Access,
    ApiPath((customer_id, batch_id)): ApiPath<(Uuid, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    batch_uploads(&access, customer_id, &batch_id).await?;
    let cursor = headers.get(CONTINUATION_HEADER).and_then(|value| value.to_str().ok()).map(str::to_owned);
    let query = DeviceQuery {
        order_number: Some(batch_id),
        cursor,
        limit: Some(DEVICES_PER_PAGE),
        ..DeviceQuery::default()
    };
    let page = registration::list_devices(&access, customer_id, query).await?;
    let items: Vec<PartnerCenterDevice> = page.devices.into_iter().map(device_view).collect();
    let collection = DeviceCollection {
        total_count: items.len(),
        items,
        continuation_token: page.next_cursor,
        attributes: Attributes::of("Collection"),
    };
    Ok(Json(collection).into_response())
}

fn device_view(shown: ShownDevice) -> PartnerCenterDevice {
    let device = shown.device;
    PartnerCenterDevice {
        id: device.id,
        serial_number: device.serial_number,
        product_key: device.product_key_id,
        model_name: device.model,
        oem_manufacturer_name: device.manufacturer,
        policies: vec![PolicyPair {
            key: "o_o_b_e".into(),
            value: shown.profile.map(|profile| profile.id.to_string()),
        }],
        uploaded_date: time(device.created_at),
        attributes: Attributes::of("Device"),
    }
}

/// The status of one upload and of each of its devices; ztd's error code and message in
/// `errorCode` / `errorDescription`.
#[utoipa::path(get, path = "/partner-center/v1/customers/{customer_id}/batchJobStatus/{tracking_id}",
    tag = "partner-center", security(("bearer" = [])),
    params(
        ("customer_id" = Uuid, Path, description = "customer id"),
        ("tracking_id" = Uuid, Path, description = "the tracking id in the upload's `Location`"),
    ),
    responses(
        (status = 200, body = BatchUploadDetails),
        (status = 400, body = PartnerCenterError), (status = 401, body = PartnerCenterError),
        (status = 404, description = "no such upload visible to the caller", body = PartnerCenterError),
    ))]
pub async fn batch_job_status(
    access: Access,
    ApiPath((customer_id, tracking_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<Response, ApiError> {
    let mut page = registration::show_batch(
        &access,
        tracking_id,
        RowsPage { cursor: None, limit: Some(registration::MAX_ROWS_PER_PAGE) },
    )
    .await?;
    if page.batch.customer_id != customer_id {
        return Err(ApiError::NotFound { resource: Resource::Batch, id: tracking_id.to_string() });
    }
    let mut rows = std::mem::take(&mut page.rows);
    while let Some(cursor) = page.next_cursor.take() {
        page = registration::show_batch(
            &access,
            tracking_id,
            RowsPage { cursor: Some(cursor), limit: Some(registration::MAX_ROWS_PER_PAGE) },
        )
        .await?;
        rows.append(&mut page.rows);
    }
    let batch = page.batch;
    let done = !matches!(
        batch.status,
        BatchStatus::AwaitingApproval | BatchStatus::Queued | BatchStatus::Processing
    );
    let details = BatchUploadDetails {
        batch_tracking_id: batch.id,
        status: batch_status(batch.status).into(),
        started_time: batch.started_at.map(time),
        completed_time: batch.finished_at.filter(|_| done).map(time),
        devices_status: rows
            .into_iter()
            .map(|row| {
                let (error_code, error_description) = match row.error {
                    Some(error) => (
                        Some(
                            error
                                .code
                                .ztd_code()
                                .map_or_else(|| error.code.as_str().to_owned(), |n| n.to_string()),
                        ),
                        Some(match &error.hint {
                            Some(hint) => format!("{} ({}). {hint}", error.message, error.code.as_str()),
                            None => format!("{} ({})", error.message, error.code.as_str()),
                        }),
                    ),
                    None => (None, None),
                };
                DeviceUploadDetails {
                    device_id: row.device_id,
                    serial_number: row.device.serial_number,
                    product_key: row.device.product_key_id,
                    status: match row.status {
                        ItemStatus::Pending => "queued",
                        ItemStatus::Registered | ItemStatus::Unassigned => "finished",
                        ItemStatus::Failed => "finished_with_errors",
                    }
                    .into(),
                    error_code,
                    error_description,
                    attributes: Attributes::of("DeviceUploadDetails"),
                }
            })
            .collect(),
        attributes: Attributes::of("BatchUploadDetails"),
    };
    Ok(Json(details).into_response())
}

/// Deletes (deregisters) a device: `204`.
#[utoipa::path(delete, path = "/partner-center/v1/customers/{customer_id}/devices/{device_id}",
    tag = "partner-center", security(("bearer" = [])),
    params(
        ("customer_id" = Uuid, Path, description = "customer id"),
        ("device_id" = Uuid, Path, description = "device id"),
    ),
    responses(
        (status = 204, description = "deregistered"),
        (status = 400, body = PartnerCenterError), (status = 401, body = PartnerCenterError),
        (status = 403, body = PartnerCenterError),
        (status = 404, description = "no such device visible to the caller (code 812)", body = PartnerCenterError),
        (status = 409, description = "already deregistered", body = PartnerCenterError),
    ))]
pub async fn delete_device(
    access: Access,
    ApiPath((customer_id, device_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    deregister(&access, customer_id, None, device_id).await
}

/// Deletes (deregisters) a device of a batch: `204`.
#[utoipa::path(delete, path = "/partner-center/v1/customers/{customer_id}/deviceBatches/{batch_id}/devices/{device_id}",
    tag = "partner-center", security(("bearer" = [])),
    params(
        ("customer_id" = Uuid, Path, description = "customer id"),
        ("batch_id" = String, Path, description = "the `BatchId` of the batch holding the device"),
        ("device_id" = Uuid, Path, description = "device id"),
    ),
    responses(
        (status = 204, description = "deregistered"),
        (status = 400, body = PartnerCenterError), (status = 401, body = PartnerCenterError),
        (status = 403, body = PartnerCenterError),
        (status = 404, description = "no such device in that batch visible to the caller (code 812)", body = PartnerCenterError),
        (status = 409, description = "already deregistered", body = PartnerCenterError),
    ))]
pub async fn delete_batch_device(
    access: Access,
    ApiPath((customer_id, batch_id, device_id)): ApiPath<(Uuid, String, Uuid)>,
) -> Result<StatusCode, ApiError> {
    deregister(&access, customer_id, Some(&batch_id), device_id).await
}

async fn deregister(
    access: &Access,
    customer_id: Uuid,
    batch_id: Option<&str>,
    device_id: Uuid,
) -> Result<StatusCode, ApiError> {
    // The role and reach of a change to the customer's devices first (nothing is submitted), so
    // a reader is refused before anything is looked up.
    registration::begin(access, customer_id).await?;
    let shown = registration::show_device(access, device_id).await?;
    let in_batch = batch_id.is_none_or(|name| shown.order.order_number.as_deref() == Some(name));
    if shown.device.customer_id != customer_id || !in_batch {
        return Err(ApiError::NotFound { resource: Resource::Device, id: device_id.to_string() });
    }
    registration::deregister(access, device_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

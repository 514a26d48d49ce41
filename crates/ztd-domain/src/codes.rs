//! Stable per-device error codes (docs/domain.md#device-identity, #registration, #http-contract). Every channel (CSV, JSON batch, portal)
//! reports a failed row with one of these, so a client can act on the code alone.

use serde::Serialize;

/// Why one device (one row) was not registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowErrorCode {
    InvalidRequestBody,
    InvalidHardwareHash,
    MissingDeviceIdentity,
    InvalidDeviceField,
    IdentityMismatch,
    UnknownGroupTag,
    DeviceAlreadyRegistered,
    DeviceRegisteredToOtherTenant,
    DeviceDuplicatedInBatch,
    InvalidCsvRow,
    /// A first-boot lookup for an identity no registered device has.
    DeviceNotRegistered,
    /// The partner's relationship with the customer was revoked before the row was stored
    /// (consent is re-checked where the work happens, see docs/domain.md#consent).
    RelationshipRevoked,
    /// The customer rejected the batch in its approval queue (docs/domain.md#approval-queue).
    BatchRejected,
}

impl RowErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequestBody => "invalid_request_body",
            Self::InvalidHardwareHash => "invalid_hardware_hash",
            Self::MissingDeviceIdentity => "missing_device_identity",
            Self::InvalidDeviceField => "invalid_device_field",
            Self::IdentityMismatch => "identity_mismatch",
            Self::UnknownGroupTag => "unknown_group_tag",
            Self::DeviceAlreadyRegistered => "device_already_registered",
            Self::DeviceRegisteredToOtherTenant => "device_registered_to_other_tenant",
            Self::DeviceDuplicatedInBatch => "device_duplicated_in_batch",
            Self::InvalidCsvRow => "invalid_csv_row",
            Self::DeviceNotRegistered => "device_not_registered",
            Self::RelationshipRevoked => "relationship_revoked",
            Self::BatchRejected => "batch_rejected",
        }
    }

    /// The numeric code of the real service where one exists (docs/domain.md#http-contract).
    pub fn ztd_code(self) -> Option<u16> {
        match self {
            Self::InvalidRequestBody => Some(801),
            Self::InvalidHardwareHash => Some(802),
            Self::MissingDeviceIdentity => Some(803),
            Self::DeviceAlreadyRegistered => Some(806),
            Self::DeviceRegisteredToOtherTenant => Some(808),
            Self::DeviceNotRegistered => Some(812),
            _ => None,
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ALL_ROW_ERROR_CODES.iter().copied().find(|c| c.as_str() == s)
    }
}

pub const ALL_ROW_ERROR_CODES: [RowErrorCode; 13] = [
    RowErrorCode::InvalidRequestBody,
    RowErrorCode::InvalidHardwareHash,
    RowErrorCode::MissingDeviceIdentity,
    RowErrorCode::InvalidDeviceField,
    RowErrorCode::IdentityMismatch,
    RowErrorCode::UnknownGroupTag,
    RowErrorCode::DeviceAlreadyRegistered,
    RowErrorCode::DeviceRegisteredToOtherTenant,
    RowErrorCode::DeviceDuplicatedInBatch,
    RowErrorCode::InvalidCsvRow,
    RowErrorCode::DeviceNotRegistered,
    RowErrorCode::RelationshipRevoked,
    RowErrorCode::BatchRejected,
];

/// One device's failure: a code, a message naming the value and where it was, and a fix hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub code: RowErrorCode,
    pub message: String,
    pub hint: Option<String>,
}

impl RowError {
    pub fn new(code: RowErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), hint: None }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same customer already has a device with one of the row's identity keys.
    pub fn already_registered() -> Self {
        Self::new(
            RowErrorCode::DeviceAlreadyRegistered,
            "a device with the same identity (hardware hash, product key id or manufacturer/model/serial) \
             is already registered in this tenant",
        )
        .with_hint("the existing registration is unchanged; deregister it first to register the device again")
    }

    /// Another customer holds the device. Deliberately names nothing of that customer.
    pub fn registered_to_other_tenant() -> Self {
        Self::new(
            RowErrorCode::DeviceRegisteredToOtherTenant,
            "this device is registered to another organisation",
        )
        .with_hint("the device's current owner must deregister it before it can be registered here")
    }

    /// Another row of the same batch registered the device first.
    pub fn duplicated_in_batch() -> Self {
        Self::new(
            RowErrorCode::DeviceDuplicatedInBatch,
            "another row of this batch registers the same device (same hardware hash, product key id or \
             manufacturer/model/serial)",
        )
        .with_hint("list each device once per upload")
    }

    /// The submitting partner's consent ended before this row was stored.
    pub fn relationship_revoked() -> Self {
        Self::new(
            RowErrorCode::RelationshipRevoked,
            "the customer's relationship with the organisation that submitted this batch was revoked \
             before the row was processed; nothing was registered for it",
        )
        .with_hint("the customer must accept a new invitation before devices can be registered again")
    }

    /// The customer rejected the batch this row was in, before anything of it was registered.
    pub fn batch_rejected(reason: Option<&str>) -> Self {
        let because = reason.map(|reason| format!(": {reason}")).unwrap_or_default();
        Self::new(
            RowErrorCode::BatchRejected,
            format!("the customer rejected this batch in its approval queue{because}; nothing of it was registered"),
        )
        .with_hint("agree with the customer what to register, then submit a new batch")
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

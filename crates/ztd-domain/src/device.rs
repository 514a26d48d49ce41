//! A device as submitted (JSON batch, CSV row, portal), its identity rules (SPEC §5) and keys.
//!
//! Skeleton contract — the helper that owns this module fills in the bodies; the public
//! names below are used by the csv module, the storage layer and the server.

use serde::{Deserialize, Serialize};

/// A device exactly as a caller submitted it. All fields optional (SPEC §9).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceInput {
    pub serial_number: Option<String>,
    pub product_key_id: Option<String>,
    pub hardware_hash: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub group_tag: Option<String>,
    pub assigned_user: Option<String>,
}

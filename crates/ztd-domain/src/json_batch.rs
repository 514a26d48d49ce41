//! The JSON batch body, `{"group_tag", "devices": […], "allow_unknown_tags"?, "order_number"?,
//! "purchase_order"?, "ship_date"?}`
//! (docs/domain.md#registration), read from any `Read` with its device list cut off at a cap
//! while it is parsed.
//!
//! serde's derive would collect the whole `devices` list before anything could count it, so a
//! body of millions of tiny objects would become millions of rows in memory; [`parse`] stops at
//! the first device past the cap instead, without reading on. It is synchronous and pure: the
//! server feeds it the request body on a blocking thread, and the fuzzer (`fuzz/`, target
//! `batch_json`) feeds it anything.

use serde::de::{DeserializeSeed, Error as _};

use crate::device::DeviceInput;

/// A parsed JSON batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonBatch {
    /// Default group tag of the batch; a device's own `group_tag` overrides it.
    pub group_tag: Option<String>,
    /// Register devices whose tag matches no profile, unassigned, instead of refusing them.
    pub allow_unknown_tags: Option<bool>,
    /// At most the cap given to [`parse`].
    pub devices: Vec<DeviceInput>,
    /// The order the devices ship under, as given (checked by the server).
    pub order_number: Option<String>,
    pub purchase_order: Option<String>,
    pub ship_date: Option<String>,
}

/// Why a body is not a JSON batch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonBatchError {
    /// The `devices` list is longer than the cap; reading stopped at the first device past it.
    #[error("the batch has more than the limit of {limit} devices")]
    TooManyDevices { limit: usize },
    /// Not JSON, or not a batch object. `message` is serde_json's and ends with
    /// "at line L column C"; `line` and `column` are 1-based (0 only for a read error).
    #[error("{message}")]
    Invalid { message: String, line: usize, column: usize },
}

/// The fields of a batch object (the answer to an unknown field lists them).
pub const FIELDS: &[&str] =
    &["group_tag", "allow_unknown_tags", "devices", "order_number", "purchase_order", "ship_date"];

/// What the device-list visitor says when the list is longer than the cap.
const TOO_MANY_DEVICES: &str = "ztd: more devices than the batch cap";

/// Reads one JSON batch object from `reader`, refusing it as soon as its device list grows past
/// `max_devices`. Field rules: unknown and duplicate fields refused, `devices` required, the
/// other two optional (`null` counts as absent); nothing but whitespace after the object.
pub fn parse(reader: impl std::io::Read, max_devices: usize) -> Result<JsonBatch, JsonBatchError> {
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let classify = |error: serde_json::Error| {
        if error.to_string().starts_with(TOO_MANY_DEVICES) {
            JsonBatchError::TooManyDevices { limit: max_devices }
        } else {
            JsonBatchError::Invalid { message: error.to_string(), line: error.line(), column: error.column() }
        }
    };
    let batch = BatchSeed { max_devices }.deserialize(&mut deserializer).map_err(classify)?;
    deserializer.end().map_err(classify)?;
    Ok(batch)
}

/// Deserialises a [`JsonBatch`] with its device list capped.
struct BatchSeed {
    max_devices: usize,
}

impl<'de> DeserializeSeed<'de> for BatchSeed {
    type Value = JsonBatch;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<JsonBatch, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for BatchSeed {
    type Value = JsonBatch;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a JSON batch object {\"group_tag\", \"allow_unknown_tags\", \"devices\"}")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<JsonBatch, A::Error> {
        let (mut group_tag, mut allow_unknown_tags, mut devices) = (None, None, None);
        let (mut order_number, mut purchase_order, mut ship_date) = (None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "order_number" if order_number.is_none() => {
                    order_number = Some(map.next_value::<Option<String>>()?)
                }
                "purchase_order" if purchase_order.is_none() => {
                    purchase_order = Some(map.next_value::<Option<String>>()?)
                }
                "ship_date" if ship_date.is_none() => ship_date = Some(map.next_value::<Option<String>>()?),
                "group_tag" if group_tag.is_none() => group_tag = Some(map.next_value::<Option<String>>()?),
                "allow_unknown_tags" if allow_unknown_tags.is_none() => {
                    allow_unknown_tags = Some(map.next_value::<Option<bool>>()?)
                }
                "devices" if devices.is_none() => {
                    devices = Some(map.next_value_seed(DevicesSeed { max_devices: self.max_devices })?)
                }
                "group_tag" | "allow_unknown_tags" | "devices" | "order_number" | "purchase_order"
                | "ship_date" => return Err(A::Error::custom(format!("duplicate field `{key}`"))),
                other => return Err(A::Error::unknown_field(other, FIELDS)),
            }
        }
        Ok(JsonBatch {
            group_tag: group_tag.flatten(),
            allow_unknown_tags: allow_unknown_tags.flatten(),
            devices: devices.ok_or_else(|| A::Error::missing_field("devices"))?,
            order_number: order_number.flatten(),
            purchase_order: purchase_order.flatten(),
            ship_date: ship_date.flatten(),
        })
    }
}

/// The device list, refused as soon as it grows past `max_devices`.
struct DevicesSeed {
    max_devices: usize,
}

impl<'de> DeserializeSeed<'de> for DevicesSeed {
    type Value = Vec<DeviceInput>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for DevicesSeed {
    type Value = Vec<DeviceInput>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a list of device objects")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // The hint is a client's claim: never trust it beyond the cap.
        let mut devices = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.max_devices).min(4096));
        while let Some(device) = seq.next_element::<DeviceInput>()? {
            if devices.len() == self.max_devices {
                return Err(A::Error::custom(TOO_MANY_DEVICES));
            }
            devices.push(device);
        }
        Ok(devices)
    }
}

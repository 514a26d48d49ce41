//! A device as submitted (JSON batch, CSV row, portal), its identity rules (docs/domain.md#device-identity) and keys.
//!
//! [`DeviceInput::resolve`] (owned input) and [`DeviceFields::resolve`] (borrowed input, reused
//! hash buffer: the CSV hot path) check one device and give a [`ResolvedDevice`]: normalised
//! fields, gaps filled from the hash, and the identity keys. [`BatchDeduper`] then finds a device
//! that appears twice in one batch.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

use crate::codes::{RowError, RowErrorCode};
use crate::hash::{self, format_uuid};

/// A Windows Product ID (product key id) is exactly this many ASCII digits.
pub const PKID_DIGITS: usize = 13;
/// Longest serial number, manufacturer or model accepted (SMBIOS strings are far shorter).
pub const MAX_IDENTITY_FIELD_LEN: usize = 255;
/// Longest group tag (the same limit as a profile's tag).
pub const MAX_GROUP_TAG_LEN: usize = 200;
/// Longest assigned user (a UPN).
pub const MAX_ASSIGNED_USER_LEN: usize = 256;

/// A device exactly as a caller submitted it. All fields optional (docs/domain.md#http-contract).
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

impl DeviceInput {
    pub fn as_fields(&self) -> DeviceFields<'_> {
        DeviceFields {
            serial_number: self.serial_number.as_deref(),
            product_key_id: self.product_key_id.as_deref(),
            hardware_hash: self.hardware_hash.as_deref(),
            manufacturer: self.manufacturer.as_deref(),
            model: self.model.as_deref(),
            group_tag: self.group_tag.as_deref(),
            assigned_user: self.assigned_user.as_deref(),
        }
    }

    /// Applies the identity rules of docs/domain.md#device-identity; see [`DeviceFields::resolve`].
    pub fn resolve(&self) -> Result<ResolvedDevice, RowError> {
        self.as_fields().resolve(&mut Vec::new())
    }
}

/// Exactly 13 ASCII digits.
pub fn is_pkid(value: &str) -> bool {
    value.len() == PKID_DIGITS && value.bytes().all(|b| b.is_ascii_digit())
}

/// A field of a device, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceField {
    SerialNumber,
    ProductKeyId,
    HardwareHash,
    Manufacturer,
    Model,
    GroupTag,
    AssignedUser,
}

impl DeviceField {
    /// The JSON field name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SerialNumber => "serial_number",
            Self::ProductKeyId => "product_key_id",
            Self::HardwareHash => "hardware_hash",
            Self::Manufacturer => "manufacturer",
            Self::Model => "model",
            Self::GroupTag => "group_tag",
            Self::AssignedUser => "assigned_user",
        }
    }

    /// Words for messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::SerialNumber => "serial number",
            Self::ProductKeyId => "Windows Product ID",
            Self::HardwareHash => "hardware hash",
            Self::Manufacturer => "manufacturer",
            Self::Model => "model",
            Self::GroupTag => "group tag",
            Self::AssignedUser => "assigned user",
        }
    }

    fn max_len(self) -> usize {
        match self {
            Self::SerialNumber | Self::Manufacturer | Self::Model => MAX_IDENTITY_FIELD_LEN,
            Self::ProductKeyId => PKID_DIGITS,
            Self::HardwareHash => hash::MAX_BASE64_LEN,
            Self::GroupTag => MAX_GROUP_TAG_LEN,
            Self::AssignedUser => MAX_ASSIGNED_USER_LEN,
        }
    }
}

/// A device's fields, borrowed (a CSV row, a JSON object). Empty strings count as absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeviceFields<'a> {
    pub serial_number: Option<&'a str>,
    pub product_key_id: Option<&'a str>,
    pub hardware_hash: Option<&'a str>,
    pub manufacturer: Option<&'a str>,
    pub model: Option<&'a str>,
    pub group_tag: Option<&'a str>,
    pub assigned_user: Option<&'a str>,
}

/// A device that passed the identity rules: normalised fields (gaps filled from the hash) and
/// its identity keys. Two devices are the same device when they share any key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolvedDevice {
    pub serial_number: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub product_key_id: Option<String>,
    pub hardware_hash: Option<String>,
    /// From the hash, 8-4-4-4-12 lowercase.
    pub smbios_uuid: Option<String>,
    /// `None` when empty: the device is registered unassigned.
    pub group_tag: Option<String>,
    pub assigned_user: Option<String>,
    /// `tuple:` + JSON array `[manufacturer, model, serial]`, when all three are known.
    pub tuple_key: Option<String>,
    /// `pkid:` + the 13 digits.
    pub pkid_key: Option<String>,
    /// `hash:` + SMBIOS UUID + `:` + the hash's serial (possibly empty), when the hash has a UUID.
    pub hash_key: Option<String>,
}

impl ResolvedDevice {
    /// The keys this device has, each tagged with its kind.
    pub fn keys(&self) -> impl Iterator<Item = (IdentityKeyKind, &str)> {
        [
            (IdentityKeyKind::Tuple, self.tuple_key.as_deref()),
            (IdentityKeyKind::ProductKeyId, self.pkid_key.as_deref()),
            (IdentityKeyKind::Hash, self.hash_key.as_deref()),
        ]
        .into_iter()
        .filter_map(|(kind, key)| key.map(|key| (kind, key)))
    }

    /// A short human description: the serial when known, else the PKID, else the UUID.
    pub fn describe(&self) -> String {
        match (&self.serial_number, &self.product_key_id, &self.smbios_uuid) {
            (Some(serial), _, _) => format!("serial {serial:?}"),
            (None, Some(pkid), _) => format!("Windows Product ID {pkid}"),
            (None, None, Some(uuid)) => format!("SMBIOS UUID {uuid}"),
            (None, None, None) => "device".to_owned(),
        }
    }
}

/// Which identity key two devices share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKeyKind {
    Tuple,
    ProductKeyId,
    Hash,
}

impl IdentityKeyKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Tuple => "manufacturer, model and serial number",
            Self::ProductKeyId => "Windows Product ID",
            Self::Hash => "hardware hash (SMBIOS UUID and serial number)",
        }
    }
}

/// The tuple key: `tuple:["Dell Inc.","Latitude 7440","0012345678"]` (JSON keeps it unambiguous).
pub fn tuple_key(manufacturer: &str, model: &str, serial_number: &str) -> String {
    let array = serde_json::Value::from(vec![manufacturer, model, serial_number]);
    format!("tuple:{array}")
}

pub fn pkid_key(product_key_id: &str) -> String {
    format!("pkid:{product_key_id}")
}

pub fn hash_key(smbios_uuid: &str, hash_serial_number: &str) -> String {
    format!("hash:{smbios_uuid}:{hash_serial_number}")
}

fn invalid_field(message: String, hint: &str) -> RowError {
    RowError::new(RowErrorCode::InvalidDeviceField, message).with_hint(hint)
}

/// Characters that do not show on screen but make two strings differ.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00A0}' | '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}')
}

/// Checks a field's characters and length; empty becomes `None`.
/// The first character of `value` when a spreadsheet would run the value as a formula
/// (`=`, `+`, `-`, `@`; tab and CR are refused as control characters anyway). Exported files
/// are opened in spreadsheets, so no stored text may start so (docs/csv-rules.md).
pub fn formula_lead(value: &str) -> Option<char> {
    value.chars().next().filter(|c| matches!(c, '=' | '+' | '-' | '@'))
}

/// Checks one value of a device with the rules of intake, for changes made after it (a new
/// group tag): the same refusal a row with that value would get.
pub fn check_field(field: DeviceField, value: &str) -> Result<(), RowError> {
    clean(field, Some(value)).map(|_| ())
}

fn clean(field: DeviceField, value: Option<&str>) -> Result<Option<&str>, RowError> {
    let Some(value) = value.filter(|v| !v.is_empty()) else { return Ok(None) };
    if field == DeviceField::HardwareHash {
        // The base64 decoder already names any stray character (control, whitespace,
        // invisible) with its position and refuses over-long text; scanning 4,000 characters
        // again here tripled the cost of checking a row.
        return Ok(Some(value));
    }
    let label = field.label();
    if let Some((position, c)) = value.char_indices().find(|(_, c)| c.is_control() || is_invisible(*c)) {
        let kind = if c.is_control() { "control" } else { "invisible" };
        return Err(invalid_field(
            format!("{label} has {kind} character U+{:04X} at position {position}", c as u32),
            "remove the character; values are plain text",
        ));
    }
    if value.trim() != value {
        return Err(invalid_field(
            format!("{label} {value:?} has whitespace around it"),
            "remove the leading/trailing spaces; values are matched exactly",
        ));
    }
    let length = value.chars().count();
    if length > field.max_len() {
        return Err(invalid_field(
            format!("{label} is {length} characters, longer than the {} allowed", field.max_len()),
            "check that the columns are not shifted",
        ));
    }
    if let Some(lead) = formula_lead(value).filter(|_| field != DeviceField::ProductKeyId) {
        return Err(invalid_field(
            format!("{label} {value:?} begins with {lead:?}, which a spreadsheet runs as a formula"),
            "remove the leading character; device values never start with =, +, - or @",
        ));
    }
    if let Some(what) = crate::csv::unwritable_in_csv(value) {
        return Err(invalid_field(
            format!("{label} {value:?} contains {what}, which the device CSV formats cannot hold"),
            "remove it; the CSV formats have no quoting, so exports could not carry the value",
        ));
    }
    Ok(Some(value))
}

impl DeviceFields<'_> {
    /// Applies the identity rules of docs/domain.md#device-identity, decoding the hash into `hash_buf` (reused):
    /// field checks (`invalid_device_field`), at least one identity (`missing_device_identity`),
    /// a valid hash (`invalid_hardware_hash`), row vs hash (`identity_mismatch`), then fills the
    /// row's gaps from the hash and computes the keys.
    pub fn resolve(&self, hash_buf: &mut Vec<u8>) -> Result<ResolvedDevice, RowError> {
        let serial_number = clean(DeviceField::SerialNumber, self.serial_number)?;
        let product_key_id = clean(DeviceField::ProductKeyId, self.product_key_id)?;
        let hardware_hash = clean(DeviceField::HardwareHash, self.hardware_hash)?;
        let manufacturer = clean(DeviceField::Manufacturer, self.manufacturer)?;
        let model = clean(DeviceField::Model, self.model)?;
        let group_tag = clean(DeviceField::GroupTag, self.group_tag)?;
        let assigned_user = clean(DeviceField::AssignedUser, self.assigned_user)?;

        if let Some(pkid) = product_key_id {
            if !is_pkid(pkid) {
                let hint = if looks_like_scientific_notation(pkid) {
                    "the value was saved from a spreadsheet in scientific notation; re-export with the column formatted as Text"
                } else {
                    "a Windows Product ID is exactly 13 digits; leave it empty if unknown"
                };
                return Err(invalid_field(format!("Windows Product ID {pkid:?} is not 13 digits"), hint));
            }
        }
        let tuple_complete = manufacturer.is_some() && model.is_some() && serial_number.is_some();
        if hardware_hash.is_none() && product_key_id.is_none() && !tuple_complete {
            return Err(missing_identity(serial_number, manufacturer, model));
        }

        let mut resolved = ResolvedDevice {
            serial_number: serial_number.map(str::to_owned),
            manufacturer: manufacturer.map(str::to_owned),
            model: model.map(str::to_owned),
            product_key_id: product_key_id.map(str::to_owned),
            hardware_hash: hardware_hash.map(str::to_owned),
            smbios_uuid: None,
            group_tag: group_tag.map(str::to_owned),
            assigned_user: assigned_user.map(str::to_owned),
            tuple_key: None,
            pkid_key: None,
            hash_key: None,
        };

        let mut hash_has_serial = false;
        if let Some(text) = hardware_hash {
            let view = hash::decode_into(text, hash_buf).map_err(|error| {
                RowError::new(RowErrorCode::InvalidHardwareHash, format!("invalid hardware hash: {error}"))
                    .with_hint(
                        "copy the hash again from the device's export; it must be complete and unmodified",
                    )
            })?;
            let identity = view.identity();
            // An empty string in the hash carries no information: treat it as absent.
            let hash_serial = present(&identity.serial_number);
            hash_has_serial = hash_serial.is_some();
            cross_check_serial(serial_number, hash_serial)?;
            let checks = [
                (
                    DeviceField::Manufacturer,
                    manufacturer,
                    present(&identity.manufacturer),
                    &mut resolved.manufacturer,
                ),
                (DeviceField::Model, model, present(&identity.model), &mut resolved.model),
                (
                    DeviceField::ProductKeyId,
                    product_key_id,
                    present(&identity.product_key_id),
                    &mut resolved.product_key_id,
                ),
            ];
            for (field, row_value, hash_value, slot) in checks {
                fill_or_cross_check(field, row_value, hash_value, slot)?;
            }
            if resolved.serial_number.is_none() {
                resolved.serial_number = hash_serial.map(str::to_owned);
            }
            if let Some(uuid) = identity.smbios_uuid {
                let uuid = format_uuid(&uuid);
                resolved.hash_key = Some(hash_key(&uuid, hash_serial.unwrap_or("")));
                resolved.smbios_uuid = Some(uuid);
            }
        }

        // Without a hash serial to compare against, a spreadsheet-mangled serial is still wrong.
        if let Some(serial) = serial_number.filter(|_| !hash_has_serial) {
            if let Some(damage) = spreadsheet_serial_damage(serial, None) {
                return Err(invalid_field(damage.message, &damage.hint));
            }
        }

        if let (Some(m), Some(model), Some(serial)) =
            (&resolved.manufacturer, &resolved.model, &resolved.serial_number)
        {
            resolved.tuple_key = Some(tuple_key(m, model, serial));
        }
        resolved.pkid_key = resolved.product_key_id.as_deref().map(pkid_key);
        Ok(resolved)
    }
}

fn missing_identity(serial: Option<&str>, manufacturer: Option<&str>, model: Option<&str>) -> RowError {
    let present: Vec<&str> = [
        (DeviceField::Manufacturer, manufacturer),
        (DeviceField::Model, model),
        (DeviceField::SerialNumber, serial),
    ]
    .iter()
    .filter(|(_, value)| value.is_some())
    .map(|(field, _)| field.label())
    .collect();
    let message = if present.is_empty() {
        "no device identity: the row has no hardware hash, Windows Product ID, or manufacturer + model + serial number".to_owned()
    } else {
        format!(
            "no complete device identity: the row has only {} (manufacturer, model and serial number are needed together)",
            present.join(" and ")
        )
    };
    RowError::new(RowErrorCode::MissingDeviceIdentity, message)
        .with_hint("add the hardware hash, or a 13-digit Windows Product ID, or all of manufacturer, model and serial number")
}

fn mismatch(field: DeviceField, row_value: &str, hash_value: &str) -> RowError {
    RowError::new(
        RowErrorCode::IdentityMismatch,
        format!("{}: the row has {row_value:?} but the hardware hash has {hash_value:?}", field.label()),
    )
    .with_hint(format!(
        "use the device's exact value {hash_value:?} (case-sensitive), leave the column empty, or check that the hash belongs to this device"
    ))
}

fn cross_check_serial(row_serial: Option<&str>, hash_serial: Option<&str>) -> Result<(), RowError> {
    let (Some(row), Some(hash)) = (row_serial, hash_serial) else { return Ok(()) };
    if row == hash {
        return Ok(());
    }
    match spreadsheet_serial_damage(row, Some(hash)) {
        Some(damage) => {
            Err(RowError::new(RowErrorCode::IdentityMismatch, damage.message).with_hint(damage.hint))
        }
        None => Err(mismatch(DeviceField::SerialNumber, row, hash)),
    }
}

/// A hash value, `None` when absent or empty (an empty string carries no information).
fn present<'a>(value: &'a Option<std::borrow::Cow<'_, str>>) -> Option<&'a str> {
    value.as_deref().filter(|v| !v.is_empty())
}

fn fill_or_cross_check(
    field: DeviceField,
    row_value: Option<&str>,
    hash_value: Option<&str>,
    slot: &mut Option<String>,
) -> Result<(), RowError> {
    match (row_value, hash_value) {
        (Some(row), Some(hash)) if row != hash => Err(mismatch(field, row, hash)),
        // A malformed PKID in the hash is not adopted: it would make a key no row could match.
        (None, Some(hash)) if field == DeviceField::ProductKeyId && !is_pkid(hash) => Ok(()),
        (None, Some(hash)) => {
            *slot = Some(hash.to_owned());
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A serial number a spreadsheet has damaged, with what to tell the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpreadsheetSerial {
    /// "serial number \"1.23457E+11\" was saved from a spreadsheet: ...".
    pub message: String,
    pub hint: String,
    /// The hash's serial, when the row has a hash carrying one: the safe replacement.
    pub suggested_serial: Option<String>,
    /// `scientific` (scientific notation) or `zeros-lost` (leading zeros dropped): the `kind`
    /// of the `spreadsheet_serial` diagnostic.
    #[serde(skip)]
    pub kind: &'static str,
}

/// `1.23457E+11`, `8.0E+5`, `1,23457E+11` (a decimal comma: Danish, German, most of Europe):
/// digits, optional fraction, `E`, a sign, digits. The sign is required because spreadsheets
/// always write one, and real serials like `12E45` exist.
pub fn looks_like_scientific_notation(value: &str) -> bool {
    let Some((mantissa, exponent)) = value.split_once(['E', 'e']) else { return false };
    let (int_part, fraction) = mantissa.split_once(['.', ',']).unwrap_or((mantissa, "0"));
    let Some(exponent_digits) = exponent.strip_prefix(['+', '-']) else { return false };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(int_part) && digits(fraction) && digits(exponent_digits)
}

/// Detects a serial a spreadsheet has damaged: scientific notation, or (given the hash's serial)
/// leading zeros dropped. `None` when the serial looks intact.
pub fn spreadsheet_serial_damage(serial: &str, hash_serial: Option<&str>) -> Option<SpreadsheetSerial> {
    let hash_serial = hash_serial.filter(|h| !h.is_empty());
    let offer = |what: &str| {
        match hash_serial {
        Some(h) => format!("{what}; the hardware hash carries the serial {h:?}: use it"),
        None => format!("{what}; re-export the file with the serial column formatted as Text, or take the serial from the device"),
    }
    };
    if looks_like_scientific_notation(serial) {
        return Some(SpreadsheetSerial {
            message: format!(
                "serial number {serial:?} was saved from a spreadsheet: it is in scientific notation and its digits are lost"
            ),
            hint: offer("the original serial cannot be recovered from this value"),
            suggested_serial: hash_serial.map(str::to_owned),
            kind: "scientific",
        });
    }
    let hash_serial = hash_serial?;
    let zeros_lost = !serial.is_empty()
        && serial.bytes().all(|b| b.is_ascii_digit())
        && hash_serial.len() > serial.len()
        && hash_serial.ends_with(serial)
        && hash_serial[..hash_serial.len() - serial.len()].bytes().all(|b| b == b'0');
    zeros_lost.then(|| SpreadsheetSerial {
        message: format!(
            "serial number {serial:?} was saved from a spreadsheet: its leading zeros are lost (the hardware hash has {hash_serial:?})"
        ),
        hint: offer("serial numbers are text"),
        suggested_serial: Some(hash_serial.to_owned()),
        kind: "zeros-lost",
    })
}

/// A device that already appeared earlier in the same batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateInBatch {
    /// The row (or line) number given for the first occurrence.
    pub first_row: usize,
    pub kind: IdentityKeyKind,
    pub key: String,
    unit: &'static str,
}

impl DuplicateInBatch {
    pub fn to_row_error(&self) -> RowError {
        RowError::new(
            RowErrorCode::DeviceDuplicatedInBatch,
            format!(
                "the same device as {} {} of this batch (same {})",
                self.unit,
                self.first_row,
                self.kind.label()
            ),
        )
        .with_hint(format!(
            "remove one of the two; each device may appear once per upload ({} {})",
            self.unit, self.first_row
        ))
    }
}

/// Finds devices that appear twice in one batch, by any identity key. Keeps a 16-byte
/// fingerprint per key (not the key), so memory stays small for large files.
#[derive(Debug)]
pub struct BatchDeduper {
    /// Key fingerprint → the row that holds it. 20 bytes an entry: a million-device batch
    /// (about three million keys) holds ~85 MB here, so no more than that is kept per key.
    seen: HashMap<[u8; 16], u32>,
    unit: &'static str,
}

impl Default for BatchDeduper {
    fn default() -> Self {
        Self::new()
    }
}

impl BatchDeduper {
    /// Messages say "row N".
    pub fn new() -> Self {
        Self::with_unit("row")
    }

    /// Messages say "`unit` N", e.g. "line".
    pub fn with_unit(unit: &'static str) -> Self {
        Self { seen: HashMap::new(), unit }
    }

    /// Room for the keys of `rows` devices made at once: growing the table row by row would, at
    /// each doubling, hold the old and the new table together (the peak memory of a large batch).
    pub fn for_rows(rows: usize) -> Self {
        let mut deduper = Self::new();
        deduper.seen.reserve(rows.saturating_mul(KEYS_PER_DEVICE));
        deduper
    }

    /// Records `device` as `row`, unless it shares a key with an earlier row: then nothing is
    /// recorded and the earlier row is named.
    pub fn insert(&mut self, row: usize, device: &ResolvedDevice) -> Result<(), DuplicateInBatch> {
        let mut fingerprints = [None; 3];
        for (slot, (kind, key)) in fingerprints.iter_mut().zip(device.keys()) {
            let fingerprint = fingerprint(key);
            if let Some(&first_row) = self.seen.get(&fingerprint) {
                let first_row = first_row as usize;
                return Err(DuplicateInBatch { first_row, kind, key: key.to_owned(), unit: self.unit });
            }
            *slot = Some((fingerprint, kind));
        }
        // Rows are counted in u32: a batch holds at most a few million.
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        for (fingerprint, _) in fingerprints.into_iter().flatten() {
            self.seen.insert(fingerprint, row);
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

/// Identity keys a device has at most (tuple, product key id, hash identity).
const KEYS_PER_DEVICE: usize = 3;

/// A collision-resistant 128-bit fingerprint (keys come from uploaded files, so a fast
/// non-cryptographic hash could be steered into false duplicates).
fn fingerprint(key: &str) -> [u8; 16] {
    let digest = Sha256::digest(key.as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

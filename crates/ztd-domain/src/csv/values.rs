//! Value rules of one row: serial number, product key id, hardware hash, identity.

use std::borrow::Cow;

use super::diagnostic::{Code, Diagnostic};
use super::format::{Column, Format};
use super::text::{show_bare, show_value};
use crate::device::{
    spreadsheet_serial_damage, DeviceInput, MAX_ASSIGNED_USER_LEN, MAX_GROUP_TAG_LEN, MAX_IDENTITY_FIELD_LEN,
    PKID_DIGITS,
};
use crate::group_tag::{match_group_tag, TagMatch};
use crate::hash::{self, HashError};
use crate::profile::MANAGED_DESKTOP_TAGS;

const COLUMNS: usize = 7;

fn slot(column: Column) -> usize {
    match column {
        Column::SerialNumber => 0,
        Column::ProductKeyId => 1,
        Column::HardwareHash => 2,
        Column::Manufacturer => 3,
        Column::Model => 4,
        Column::GroupTag => 5,
        Column::AssignedUser => 6,
    }
}

/// The cleaned values of one row, borrowed from the line when possible, with the
/// character column each value starts at (for diagnostics).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowValues<'a> {
    values: [Option<Cow<'a, str>>; COLUMNS],
    columns: [u64; COLUMNS],
    /// 1-based field (spreadsheet column) of each value; 0 if absent.
    fields: [u64; COLUMNS],
}

impl<'a> RowValues<'a> {
    pub(crate) fn set(&mut self, column: Column, value: Cow<'a, str>, at: u64, field: u64) {
        let slot = slot(column);
        self.columns[slot] = at;
        self.fields[slot] = field;
        self.values[slot] = (!value.is_empty()).then_some(value);
    }

    /// The value of a column; `None` when the column is absent or the value empty.
    pub fn get(&self, column: Column) -> Option<&str> {
        self.values[slot(column)].as_deref()
    }

    /// The 1-based character column where the column's value starts (1 if absent).
    pub fn column_of(&self, column: Column) -> u64 {
        self.columns[slot(column)].max(1)
    }

    /// The 1-based field (spreadsheet column) the column's value is in, if the row has it.
    pub fn field_of(&self, column: Column) -> Option<u64> {
        Some(self.fields[slot(column)]).filter(|&field| field > 0)
    }

    pub fn into_owned(self) -> RowValues<'static> {
        RowValues {
            values: self.values.map(|v| v.map(|v| Cow::Owned(v.into_owned()))),
            columns: self.columns,
            fields: self.fields,
        }
    }

    pub fn to_device_input(&self) -> DeviceInput {
        let get = |column| self.get(column).map(str::to_owned);
        DeviceInput {
            serial_number: get(Column::SerialNumber),
            product_key_id: get(Column::ProductKeyId),
            hardware_hash: get(Column::HardwareHash),
            manufacturer: get(Column::Manufacturer),
            model: get(Column::Model),
            group_tag: get(Column::GroupTag),
            assigned_user: get(Column::AssignedUser),
        }
    }
}

/// Buffers reused from row to row so the hot path does not allocate.
#[derive(Debug, Default)]
pub struct ValueScratch {
    blob: Vec<u8>,
    /// Comma positions of the current line.
    pub(crate) commas: Vec<usize>,
}

/// The identity a valid hash carries, owned so it outlives the scratch buffer (short
/// strings; a handful of small allocations per row).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HashFacts {
    pub serial_number: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub product_key_id: Option<String>,
    pub smbios_uuid: Option<[u8; 16]>,
    /// The SHA-256 stored in the checksum record: a fingerprint of the whole hash.
    pub digest: [u8; 32],
}

/// Checks the values of a row whose layout is right. Pushes every problem; returns what a
/// valid hash says about the device (for duplicate detection).
pub(crate) fn check_values(
    line: u64,
    format: Format,
    values: &RowValues<'_>,
    scratch: &mut ValueScratch,
    out: &mut Vec<Diagnostic>,
) -> Option<HashFacts> {
    let serial = values.get(Column::SerialNumber);
    let pkid = values.get(Column::ProductKeyId);
    let manufacturer = values.get(Column::Manufacturer);
    let model = values.get(Column::Model);
    let hash_text = values.get(Column::HardwareHash);

    if let Some(pkid) = pkid {
        if let Some(diagnostic) = check_product_key_id(line, values.column_of(Column::ProductKeyId), pkid) {
            out.push(located(diagnostic, format, values, Column::ProductKeyId));
        }
    }
    for (column, max) in [
        (Column::SerialNumber, MAX_IDENTITY_FIELD_LEN),
        (Column::Manufacturer, MAX_IDENTITY_FIELD_LEN),
        (Column::Model, MAX_IDENTITY_FIELD_LEN),
        (Column::GroupTag, MAX_GROUP_TAG_LEN),
        (Column::AssignedUser, MAX_ASSIGNED_USER_LEN),
    ] {
        let Some(value) = values.get(column) else { continue };
        let length = value.chars().count();
        if length > max {
            let diagnostic = Diagnostic::new(
                line,
                values.column_of(column),
                Code::InvalidDeviceField,
                format!(
                    "{} is {length} characters long, more than the {max} allowed",
                    format.column_name(column).unwrap_or_default()
                ),
                "check that the columns are not shifted (a value pasted into the wrong column)",
            );
            out.push(
                located(diagnostic, format, values, column)
                    .with("kind", "too-long")
                    .with("length", length)
                    .with("max", max),
            );
        }
    }

    if let Some(tag) = values.get(Column::GroupTag) {
        if let Some(diagnostic) = check_managed_tag_near_miss(line, values.column_of(Column::GroupTag), tag) {
            out.push(located(diagnostic, format, values, Column::GroupTag));
        }
    }

    let facts = match hash_text {
        None => None,
        Some(text) => match hash::decode_into(text, &mut scratch.blob) {
            Ok(view) => {
                let identity = view.identity();
                let digest_start = view.checksum_offset() + hash::RECORD_HEADER_LEN;
                let mut digest = [0; 32];
                if let Some(stored) = view.blob().get(digest_start..digest_start + 32) {
                    digest.copy_from_slice(stored);
                }
                // An empty string in the hash carries no information (as in `device`).
                let present = |v: Option<Cow<'_, str>>| v.filter(|v| !v.is_empty()).map(Cow::into_owned);
                Some(HashFacts {
                    serial_number: present(identity.serial_number),
                    manufacturer: present(identity.manufacturer),
                    model: present(identity.model),
                    product_key_id: present(identity.product_key_id),
                    smbios_uuid: identity.smbios_uuid,
                    digest,
                })
            }
            Err(error) => {
                let diagnostic = invalid_hash(line, values.column_of(Column::HardwareHash), text, &error);
                out.push(located(diagnostic, format, values, Column::HardwareHash));
                None
            }
        },
    };

    // Identity (docs/domain.md#device-identity): a hash, a product key id, or the full manufacturer+model+serial.
    let tuple = [serial, manufacturer, model];
    if hash_text.is_none() && pkid.is_none() && tuple.iter().any(Option::is_none) {
        out.push(missing_identity(line, format, values));
    }

    // A serial a spreadsheet damaged: scientific notation, or (against the hash's serial)
    // lost leading zeros. Reported instead of a plain identity mismatch.
    let hash_serial = facts.as_ref().and_then(|f| f.serial_number.as_deref());
    let mut serial_reported = false;
    if let Some(serial) = serial.filter(|&s| Some(s) != hash_serial) {
        if let Some(damage) = spreadsheet_serial_damage(serial, hash_serial) {
            serial_reported = true;
            let mut diagnostic = Diagnostic::new(
                line,
                values.column_of(Column::SerialNumber),
                Code::SpreadsheetSerial,
                damage.message,
                damage.hint,
            )
            .with("kind", damage.kind);
            if let Some(suggested) = damage.suggested_serial {
                diagnostic.set("hash-serial", suggested);
            }
            out.push(located(diagnostic, format, values, Column::SerialNumber));
        }
    }

    // Cross-checks: what the row says against what its (valid) hash says.
    if let Some(facts) = &facts {
        let checks = [
            (Column::SerialNumber, serial.filter(|_| !serial_reported), facts.serial_number.as_deref()),
            (Column::ProductKeyId, pkid, facts.product_key_id.as_deref()),
            (Column::Manufacturer, manufacturer, facts.manufacturer.as_deref()),
            (Column::Model, model, facts.model.as_deref()),
        ];
        for (column, row_value, hash_value) in checks {
            let (Some(row_value), Some(hash_value)) = (row_value, hash_value) else { continue };
            // A non-ASCII value was reported as such; saying it also differs adds nothing.
            if row_value == hash_value || !row_value.is_ascii() {
                continue;
            }
            let label = format.column_name(column).unwrap_or_default();
            let diagnostic = Diagnostic::new(
                line,
                values.column_of(column),
                Code::IdentityMismatch,
                format!(
                    "{label} {} differs from the hardware hash's {} {}",
                    show_value(row_value),
                    column_role(column),
                    show_value(hash_value)
                ),
                format!(
                    "the hash is what the device reports: use `{hash_value}` (case-sensitive), leave the \
                     column empty, or check that the hash belongs to this row's device"
                ),
            );
            out.push(
                located(diagnostic, format, values, column)
                    .with("role", column_role_kind(column))
                    .with("expected", show_bare(hash_value)),
            );
        }
    }
    facts
}

/// Adds where a value is to a diagnostic about it: `where` = `value`, `field` (the spreadsheet
/// column), `column` (its name) and `value` (the value as shown).
fn located(mut diagnostic: Diagnostic, format: Format, values: &RowValues<'_>, column: Column) -> Diagnostic {
    diagnostic.set("where", "value");
    if let Some(field) = values.field_of(column) {
        diagnostic.set("field", field);
    }
    if let Some(name) = format.column_name(column) {
        diagnostic.set("column", name);
    }
    if diagnostic.arg("value").is_none() {
        if let Some(value) = values.get(column) {
            diagnostic.set("value", show_bare(value));
        }
    }
    diagnostic
}

/// The `role` argument of an `identity_mismatch`: which identity field differs.
fn column_role_kind(column: Column) -> &'static str {
    match column {
        Column::SerialNumber => "serial-number",
        Column::ProductKeyId => "product-key-id",
        Column::Manufacturer => "manufacturer",
        Column::Model => "model",
        _ => "other",
    }
}

fn column_role(column: Column) -> &'static str {
    match column {
        Column::SerialNumber => "serial number",
        Column::ProductKeyId => "product key id",
        Column::Manufacturer => "manufacturer",
        Column::Model => "model (product name)",
        _ => "value",
    }
}

fn check_product_key_id(line: u64, at: u64, pkid: &str) -> Option<Diagnostic> {
    if pkid.len() == PKID_DIGITS && pkid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hint = if crate::device::looks_like_scientific_notation(pkid) {
        "a spreadsheet turned the ID into a number in scientific notation: take it from the original export \
         and format the column as Text"
    } else {
        "the Windows Product ID (product key id) is exactly 13 digits; leave it empty when unknown"
    };
    let scientific = crate::device::looks_like_scientific_notation(pkid);
    Some(
        Diagnostic::new(
            line,
            at,
            Code::InvalidProductKeyId,
            format!("Windows Product ID {} is not 13 digits", show_value(pkid)),
            hint,
        )
        .with("kind", if scientific { "scientific" } else { "other" }),
    )
}

fn invalid_hash(line: u64, at: u64, text: &str, error: &HashError) -> Diagnostic {
    let position = match error {
        HashError::InvalidCharacter { position, .. }
        | HashError::MisplacedPadding { position }
        | HashError::InvalidLastCharacter { position, .. } => Some(*position),
        _ => None,
    };
    let column = match position {
        Some(position) => at + text.get(..position).map_or(position, |prefix| prefix.chars().count()) as u64,
        None => at,
    };
    let hint = match error {
        HashError::ChecksumOffsetPastEnd { .. }
        | HashError::RecordPastEnd { .. }
        | HashError::ChecksumTruncated { .. }
        | HashError::ChecksumHeaderTruncated { .. }
        | HashError::MissingPadding { .. } => {
            "the hash looks cut short: copy it again in full from Get-WindowsAutopilotInfo's output \
             (spreadsheets cut cells at 32,767 characters; editors may wrap lines)"
        }
        HashError::ChecksumMismatch { .. } => {
            "the hash was altered after the device produced it: export it again from the device"
        }
        _ => "export the hash again from the device (Get-WindowsAutopilotInfo) and paste it unchanged",
    };
    let problem = match error {
        HashError::Empty => "empty",
        HashError::TooLong { .. } => "too-long",
        HashError::InvalidCharacter { .. }
        | HashError::MisplacedPadding { .. }
        | HashError::InvalidPadding
        | HashError::InvalidLastCharacter { .. } => "not-base64",
        HashError::ChecksumOffsetPastEnd { .. }
        | HashError::RecordPastEnd { .. }
        | HashError::ChecksumTruncated { .. }
        | HashError::ChecksumHeaderTruncated { .. }
        | HashError::MissingPadding { .. }
        | HashError::Truncated { .. } => "truncated",
        HashError::ChecksumMismatch { .. } => "checksum",
        _ => "structure",
    };
    // The device the hash was meant for, when its serial record is still readable: the person
    // can then tell which device to export again (a row may have no serial column).
    let serial = hash::salvage(text).serial_number;
    let message = match &serial {
        Some(serial) => {
            format!("invalid hardware hash (it carries serial number {}): {error}", show_value(serial))
        }
        None => format!("invalid hardware hash: {error}"),
    };
    let mut diagnostic = Diagnostic::new(line, column, Code::InvalidHardwareHash, message, hint)
        .with("problem", problem)
        .with("detail", error.to_string())
        .with("value", show_bare(text));
    if let Some(position) = position {
        diagnostic.set("position", position + 1);
    }
    if let Some(serial) = serial {
        diagnostic.set("hash-serial", serial);
    }
    diagnostic
}

fn missing_identity(line: u64, format: Format, values: &RowValues<'_>) -> Diagnostic {
    let tuple_columns = [Column::Manufacturer, Column::Model, Column::SerialNumber];
    let has_tuple_columns = tuple_columns.iter().all(|&c| format.column_name(c).is_some());
    let missing: Vec<&str> = tuple_columns
        .iter()
        .filter(|&&c| values.get(c).is_none())
        .filter_map(|&c| format.column_name(c))
        .collect();
    let message = if has_tuple_columns && missing.len() < 3 {
        format!(
            "no hardware hash and no product key id, and the manufacturer+model+serial identity lacks {}",
            missing.join(" and ")
        )
    } else {
        "the row identifies no device: it has no hardware hash and no Windows Product ID".to_owned()
    };
    let hint = if has_tuple_columns {
        "give the hardware hash, the 13-digit Windows Product ID, or all of manufacturer, model and serial number"
    } else {
        "give the hardware hash (Get-WindowsAutopilotInfo) or the 13-digit Windows Product ID"
    };
    let kind = if has_tuple_columns && missing.len() < 3 { "incomplete-tuple" } else { "none" };
    Diagnostic::new(line, 1, Code::MissingDeviceIdentity, message, hint)
        .with("kind", kind)
        .with("missing", missing.join(", "))
        .with("tuple", if has_tuple_columns { "yes" } else { "no" })
}

/// Offline, the customer's own profiles are unknown, but the three managed-desktop tags exist
/// in every tenant: a tag that misses one of them by a little is the classic silent failure
/// (docs/domain.md#profiles-and-group-tags), so it is reported here already. Tags far from all three are custom tags: fine.
fn check_managed_tag_near_miss(line: u64, column: u64, tag: &str) -> Option<Diagnostic> {
    let managed = MANAGED_DESKTOP_TAGS;
    let TagMatch::Unknown { suggestion: Some(suggestion) } = match_group_tag(tag, &managed) else {
        return None;
    };
    Some(
        Diagnostic::new(
            line,
            column,
            Code::GroupTagNearMiss,
            format!(
                "Group Tag {} is not the managed-desktop tag {:?} ({}); the device would get no profile",
                show_value(tag),
                suggestion.tag,
                suggestion.near_miss.explain()
            ),
            format!("write the tag exactly, byte for byte: {}", suggestion.tag),
        )
        .with("suggestion", suggestion.tag),
    )
}

//! Value rules of one row: serial number, product key id, hardware hash, identity.

use std::borrow::Cow;

use super::diagnostic::{Code, Diagnostic};
use super::format::{Column, Format};
use super::text::show_value;
use crate::device::DeviceInput;
use crate::hash::{self, HashError};

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
}

impl<'a> RowValues<'a> {
    pub(crate) fn set(&mut self, column: Column, value: Cow<'a, str>, at: u64) {
        let slot = slot(column);
        self.columns[slot] = at;
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

    pub fn into_owned(self) -> RowValues<'static> {
        RowValues {
            values: self.values.map(|v| v.map(|v| Cow::Owned(v.into_owned()))),
            columns: self.columns,
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

    let serial_label = format.column_name(Column::SerialNumber).unwrap_or("serial number");
    let mut spreadsheet = false;
    if let Some(serial) = serial {
        if looks_like_spreadsheet_number(serial) {
            spreadsheet = true;
            out.push(spreadsheet_serial(
                line,
                values.column_of(Column::SerialNumber),
                serial_label,
                serial,
                None,
            ));
        }
    }
    if let Some(pkid) = pkid {
        if let Some(diagnostic) = check_product_key_id(line, values.column_of(Column::ProductKeyId), pkid) {
            out.push(diagnostic);
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
                Some(HashFacts {
                    serial_number: identity.serial_number.map(Cow::into_owned),
                    manufacturer: identity.manufacturer.map(Cow::into_owned),
                    model: identity.model.map(Cow::into_owned),
                    product_key_id: identity.product_key_id.map(Cow::into_owned),
                    smbios_uuid: identity.smbios_uuid,
                    digest,
                })
            }
            Err(error) => {
                out.push(invalid_hash(line, values.column_of(Column::HardwareHash), text, &error));
                None
            }
        },
    };

    // Identity (SPEC §5): a hash, a product key id, or the full manufacturer+model+serial.
    let tuple = [serial, manufacturer, model];
    if hash_text.is_none() && pkid.is_none() && tuple.iter().any(Option::is_none) {
        out.push(missing_identity(line, format, values));
    }

    // Cross-checks: what the row says against what its (valid) hash says.
    if let Some(facts) = &facts {
        let checks = [
            (Column::SerialNumber, serial, facts.serial_number.as_deref()),
            (Column::ProductKeyId, pkid, facts.product_key_id.as_deref()),
            (Column::Manufacturer, manufacturer, facts.manufacturer.as_deref()),
            (Column::Model, model, facts.model.as_deref()),
        ];
        for (column, row_value, hash_value) in checks {
            let (Some(row_value), Some(hash_value)) = (row_value, hash_value) else { continue };
            if row_value == hash_value {
                continue;
            }
            let label = format.column_name(column).unwrap_or_default();
            let at = values.column_of(column);
            if column == Column::SerialNumber && lost_leading_zeros(row_value, hash_value) {
                out.push(spreadsheet_serial(line, at, label, row_value, Some(hash_value)));
            } else if column == Column::SerialNumber && spreadsheet {
                // Already reported, now with the serial to use.
                if let Some(last) = out.iter_mut().rev().find(|d| d.code == Code::SpreadsheetSerial) {
                    last.hint = format!("the row's hardware hash carries serial `{hash_value}`: use it");
                }
            } else {
                out.push(Diagnostic::new(
                    line,
                    at,
                    Code::IdentityMismatch,
                    format!(
                        "{label} {} differs from the hardware hash's {} {}",
                        show_value(row_value),
                        column_role(column),
                        show_value(hash_value)
                    ),
                    format!(
                        "the hash is what the device reports: correct the {label} to `{hash_value}`, or \
                         check that the hash belongs to this row's device"
                    ),
                ));
            }
        }
    }
    facts
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

/// `1.23457E+11`, `8.0E+5`, `1E+15`, `4.5e-3`: how a spreadsheet shows (and then saves) a
/// long number it parsed out of a serial.
pub fn looks_like_spreadsheet_number(value: &str) -> bool {
    let Some((mantissa, exponent)) = value.split_once(['E', 'e']) else { return false };
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && whole.len() <= 2 && digits(fraction) && digits(exponent) && exponent.len() <= 3
}

/// A serial that is the hash's serial with its leading zeros gone: a spreadsheet read it as
/// a number.
fn lost_leading_zeros(row: &str, hash: &str) -> bool {
    let stripped = hash.trim_start_matches('0');
    hash.len() > row.len() && stripped == row && row.bytes().all(|b| b.is_ascii_digit())
}

fn spreadsheet_serial(line: u64, at: u64, label: &str, serial: &str, from_hash: Option<&str>) -> Diagnostic {
    let message = match from_hash {
        Some(hash_serial) => format!(
            "{label} {} was saved from a spreadsheet: its leading zeros are gone (the hardware hash says `{hash_serial}`)",
            show_value(serial)
        ),
        None => format!(
            "{label} {} was saved from a spreadsheet: it was turned into a number in scientific notation, and its digits are lost",
            show_value(serial)
        ),
    };
    let hint = match from_hash {
        Some(hash_serial) => format!("use `{hash_serial}`; format the column as Text before pasting serials"),
        None => "take the serial from the device or the original export again; in a spreadsheet format the \
                 column as Text first"
            .to_owned(),
    };
    Diagnostic::new(line, at, Code::SpreadsheetSerial, message, hint)
}

fn check_product_key_id(line: u64, at: u64, pkid: &str) -> Option<Diagnostic> {
    if pkid.len() == 13 && pkid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hint = if looks_like_spreadsheet_number(pkid) {
        "a spreadsheet turned the ID into a number in scientific notation: take it from the original export \
         and format the column as Text"
    } else {
        "the Windows Product ID (product key id) is exactly 13 digits; leave it empty when unknown"
    };
    Some(Diagnostic::new(
        line,
        at,
        Code::InvalidProductKeyId,
        format!("Windows Product ID {} is not 13 digits", show_value(pkid)),
        hint,
    ))
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
    Diagnostic::new(line, column, Code::InvalidHardwareHash, format!("invalid hardware hash: {error}"), hint)
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
    Diagnostic::new(line, 1, Code::MissingDeviceIdentity, message, hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_numbers() {
        for yes in ["1.23457E+11", "8.0E+5", "1E+15", "4.5e-3", "12.5E+07"] {
            assert!(looks_like_spreadsheet_number(yes), "{yes}");
        }
        for no in ["E12345", "PF0E1234", "123E", "1.2.3E+4", "ABCE+12", "5CG1234E+X", "123.4E+1234", ""] {
            assert!(!looks_like_spreadsheet_number(no), "{no}");
        }
    }

    #[test]
    fn leading_zero_loss() {
        assert!(lost_leading_zeros("12345", "0012345"));
        assert!(!lost_leading_zeros("12345", "12345"));
        assert!(!lost_leading_zeros("A12345", "0A12345"));
        assert!(!lost_leading_zeros("12345", "0012346"));
    }
}

//! Whole-file checking: every problem of a file, including duplicates, streamed to a sink.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::io::Read;

use super::diagnostic::{Code, Diagnostic};
use super::format::{Column, Format};
use super::reader::{CheckedRow, CsvReader, FileError, RawLine, ReadOptions};
use super::source::TextEncoding;
use super::values::{HashFacts, RowValues, ValueScratch};
use crate::device::{hash_key, pkid_key, tuple_key, BatchDeduper, ResolvedDevice};
use crate::hash::format_uuid;

/// The outcome of checking one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSummary {
    /// The detected format; `None` when the file could not be read as a device CSV.
    pub format: Option<Format>,
    pub encoding: Option<TextEncoding>,
    /// Device rows read (non-blank lines after the header).
    pub rows: u64,
    /// Problems found (each was passed to the sink).
    pub problems: u64,
    /// Input that is no text file at all (empty, binary): CLI exit code 2.
    pub unusable: bool,
}

/// Checks a whole file, passing each problem to `sink` in line order as it is found. Memory
/// is constant except for the duplicate index (one small entry per distinct device key).
pub fn check_with<R: Read>(
    reader: R,
    options: ReadOptions,
    sink: &mut dyn FnMut(Diagnostic),
) -> Result<CheckSummary, std::io::Error> {
    let mut reader = match CsvReader::new(reader, options) {
        Ok(reader) => reader,
        Err(FileError::Io(error)) => return Err(error),
        Err(error @ FileError::Rejected { .. }) => {
            let unusable = error.is_unusable_input();
            let diagnostics = error.diagnostics().to_vec();
            let problems = diagnostics.len() as u64;
            diagnostics.into_iter().for_each(&mut *sink);
            return Ok(CheckSummary { format: None, encoding: None, rows: 0, problems, unusable });
        }
    };
    let mut problems = 0u64;
    let mut emit = |diagnostic: Diagnostic| {
        problems += 1;
        sink(diagnostic);
    };
    reader.file_diagnostics().iter().cloned().for_each(&mut emit);

    let mut scratch = ValueScratch::default();
    let mut duplicates = Duplicates::default();
    let mut row_problems = Vec::new();
    while let Some(raw) = reader.next_raw()? {
        match raw {
            RawLine::Blank(diagnostic) | RawLine::LimitExceeded(diagnostic) => emit(diagnostic),
            RawLine::Row { info, bytes, checker } => {
                row_problems.clear();
                if let Some(row) = checker.check(info, bytes, &mut scratch, &mut row_problems) {
                    let clean = row_problems.is_empty();
                    if let Some(duplicate) = duplicates.check(info.number, &row, clean) {
                        row_problems.push(duplicate);
                    }
                }
                row_problems.drain(..).for_each(&mut emit);
            }
        }
    }
    reader.end_diagnostics().into_iter().for_each(&mut emit);
    Ok(CheckSummary {
        format: Some(reader.format()),
        encoding: Some(reader.encoding()),
        rows: reader.rows_read(),
        problems,
        unusable: false,
    })
}

/// Checks a whole file and collects the problems.
pub fn check<R: Read>(
    reader: R,
    options: ReadOptions,
) -> Result<(CheckSummary, Vec<Diagnostic>), std::io::Error> {
    let mut diagnostics = Vec::new();
    let summary = check_with(reader, options, &mut |d| diagnostics.push(d))?;
    Ok((summary, diagnostics))
}

/// Duplicate detection. Exact repeats of a row are found by a 64-bit keyed hash of its
/// values → first line (the hash column stands for itself by its checksum digest, so the
/// 4 KB of base64 is not hashed twice); the same device under different rows is found by the
/// identity keys of SPEC §5 through [`BatchDeduper`], exactly as the server's batch pipeline
/// does. Memory: one small entry per distinct row and key; all else is constant.
struct Duplicates {
    hasher: std::collections::hash_map::RandomState,
    rows: HashMap<u64, u64>,
    devices: BatchDeduper,
}

impl Default for Duplicates {
    fn default() -> Self {
        Self { hasher: Default::default(), rows: HashMap::new(), devices: BatchDeduper::with_unit("line") }
    }
}

impl Duplicates {
    /// Records the row; returns a diagnostic when it repeats an earlier line or device.
    /// `clean` rows (no other problem) take part in device de-duplication, as only they would
    /// be registered.
    fn check(&mut self, line: u64, row: &CheckedRow<'_>, clean: bool) -> Option<Diagnostic> {
        let values = &row.values;
        let facts = row.facts.as_ref();
        let mut hasher = self.hasher.build_hasher();
        match facts {
            Some(facts) => facts.digest.hash(&mut hasher),
            None => values.get(Column::HardwareHash).hash(&mut hasher),
        }
        for column in [
            Column::SerialNumber,
            Column::ProductKeyId,
            Column::Manufacturer,
            Column::Model,
            Column::GroupTag,
            Column::AssignedUser,
        ] {
            values.get(column).hash(&mut hasher);
        }
        match self.rows.entry(hasher.finish()) {
            Entry::Occupied(earlier) => {
                return Some(Diagnostic::new(
                    line,
                    1,
                    Code::DuplicateRow,
                    format!("this row repeats line {}", earlier.get()),
                    "delete one of the two rows: a device is registered once",
                ));
            }
            Entry::Vacant(slot) => {
                slot.insert(line);
            }
        }
        if !clean {
            return None;
        }
        let device = resolved(values, facts);
        let duplicate = self.devices.insert(line as usize, &device).err()?;
        let error = duplicate.to_row_error();
        Some(Diagnostic::new(line, 1, Code::DuplicateDevice, error.message, error.hint.unwrap_or_default()))
    }
}

/// The identity of a clean row as [`crate::device::DeviceFields::resolve`] would give it
/// (row values, gaps filled from the hash), built from what the checker already decoded so
/// the hash is not decoded twice. Only the identity matters here: the hash text is left out.
fn resolved(values: &RowValues<'_>, facts: Option<&HashFacts>) -> ResolvedDevice {
    let own = |column: Column| values.get(column).map(str::to_owned);
    let or_hash = |column: Column, from_hash: Option<&String>| own(column).or_else(|| from_hash.cloned());
    let serial_number = or_hash(Column::SerialNumber, facts.and_then(|f| f.serial_number.as_ref()));
    let manufacturer = or_hash(Column::Manufacturer, facts.and_then(|f| f.manufacturer.as_ref()));
    let model = or_hash(Column::Model, facts.and_then(|f| f.model.as_ref()));
    let product_key_id = or_hash(Column::ProductKeyId, facts.and_then(|f| f.product_key_id.as_ref()));
    let smbios_uuid = facts.and_then(|f| f.smbios_uuid).map(|uuid| format_uuid(&uuid));
    let hash_serial = facts.and_then(|f| f.serial_number.as_deref()).unwrap_or("");
    ResolvedDevice {
        tuple_key: match (&manufacturer, &model, &serial_number) {
            (Some(m), Some(model), Some(serial)) => Some(tuple_key(m, model, serial)),
            _ => None,
        },
        pkid_key: product_key_id.as_deref().map(pkid_key),
        hash_key: smbios_uuid.as_deref().map(|uuid| hash_key(uuid, hash_serial)),
        serial_number,
        manufacturer,
        model,
        product_key_id,
        hardware_hash: None,
        smbios_uuid,
        group_tag: own(Column::GroupTag),
        assigned_user: own(Column::AssignedUser),
    }
}

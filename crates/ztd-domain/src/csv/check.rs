//! Whole-file checking: every problem of a file, including duplicates, streamed to a sink.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::io::Read;

use super::diagnostic::{Code, Diagnostic};
use super::format::{Column, Format};
use super::reader::{CheckedRow, CsvReader, FileError, RawLine, ReadOptions};
use super::source::TextEncoding;
use super::values::ValueScratch;

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
                    if let Some(duplicate) = duplicates.check(info.number, &row) {
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

/// Which identity a duplicate shares with the earlier row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum KeyKind {
    /// Every value of the row.
    Row,
    Tuple,
    ProductKeyId,
    UuidSerial,
}

impl KeyKind {
    fn describe(self) -> &'static str {
        match self {
            KeyKind::Row => "the same row",
            KeyKind::Tuple => "the same manufacturer, model and serial number",
            KeyKind::ProductKeyId => "the same Windows Product ID",
            KeyKind::UuidSerial => "the same SMBIOS UUID and serial number in its hardware hash",
        }
    }
}

/// The duplicate index: 64-bit keyed hashes of each identity key → first line. Keys are
/// hashed with a per-run random key (std `RandomState`), so an entry costs ~16 bytes whatever
/// the value lengths and a false match (≈ n²/2⁶⁵, under 10⁻⁷ for a million rows) cannot be
/// provoked by crafted input.
#[derive(Default)]
struct Duplicates {
    hasher: std::collections::hash_map::RandomState,
    first_seen: HashMap<u64, u64>,
}

impl Duplicates {
    fn key(&self, kind: KeyKind, parts: &[&[u8]]) -> u64 {
        let mut hasher = self.hasher.build_hasher();
        kind.hash(&mut hasher);
        for part in parts {
            part.hash(&mut hasher);
        }
        hasher.finish()
    }

    /// Records the row's keys; returns a diagnostic when one was seen on an earlier line.
    fn check(&mut self, line: u64, row: &CheckedRow<'_>) -> Option<Diagnostic> {
        let values = &row.values;
        let facts = row.facts.as_ref();
        let value = |column: Column| values.get(column).map(str::as_bytes);

        // The whole row; the hash stands for itself by its checksum digest, so the 4 KB of
        // base64 text is not hashed a second time.
        let hash_identity: &[u8] = match facts {
            Some(facts) => &facts.digest,
            None => value(Column::HardwareHash).unwrap_or_default(),
        };
        let mut row_parts: Vec<&[u8]> = vec![hash_identity];
        for column in [
            Column::SerialNumber,
            Column::ProductKeyId,
            Column::Manufacturer,
            Column::Model,
            Column::GroupTag,
            Column::AssignedUser,
        ] {
            row_parts.push(value(column).unwrap_or(b"\0"));
        }
        let mut keys = vec![(KeyKind::Row, self.key(KeyKind::Row, &row_parts))];

        // Identity keys (SPEC §5): the row's value, or the hash's where the row has none.
        let serial = value(Column::SerialNumber)
            .or_else(|| facts.and_then(|f| f.serial_number.as_deref()).map(str::as_bytes));
        let manufacturer = value(Column::Manufacturer)
            .or_else(|| facts.and_then(|f| f.manufacturer.as_deref()).map(str::as_bytes));
        let model =
            value(Column::Model).or_else(|| facts.and_then(|f| f.model.as_deref()).map(str::as_bytes));
        if let (Some(manufacturer), Some(model), Some(serial)) = (manufacturer, model, serial) {
            keys.push((KeyKind::Tuple, self.key(KeyKind::Tuple, &[manufacturer, model, serial])));
        }
        let pkid = value(Column::ProductKeyId)
            .or_else(|| facts.and_then(|f| f.product_key_id.as_deref()).map(str::as_bytes));
        if let Some(pkid) = pkid {
            keys.push((KeyKind::ProductKeyId, self.key(KeyKind::ProductKeyId, &[pkid])));
        }
        if let Some((uuid, serial)) = facts.and_then(|f| Some((f.smbios_uuid?, f.serial_number.as_deref()?)))
        {
            keys.push((KeyKind::UuidSerial, self.key(KeyKind::UuidSerial, &[&uuid, serial.as_bytes()])));
        }

        let mut found: Option<(KeyKind, u64)> = None;
        for (kind, key) in keys {
            match self.first_seen.get(&key) {
                Some(&earlier) if found.is_none() => found = Some((kind, earlier)),
                Some(_) => {}
                None => {
                    self.first_seen.insert(key, line);
                }
            }
        }
        let (kind, earlier) = found?;
        Some(if kind == KeyKind::Row {
            Diagnostic::new(
                line,
                1,
                Code::DuplicateRow,
                format!("this row repeats line {earlier}"),
                "delete one of the two rows: a device is registered once",
            )
        } else {
            Diagnostic::new(
                line,
                1,
                Code::DuplicateDevice,
                format!("this row is the same device as line {earlier} ({})", kind.describe()),
                "keep one row per device; if they are different devices, one of the rows has the other's identity",
            )
        })
    }
}

//! Whole-file checking: every problem of a file, including duplicates, streamed to a sink.

use std::collections::hash_map::{Entry, RandomState};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash, Hasher};
use std::io::Read;
use std::sync::{mpsc, Mutex};

use super::diagnostic::{Code, Diagnostic};
use super::format::{Column, Format};
use super::reader::{CheckedRow, CsvReader, Event, FileError, ReadOptions, RowChecker};
use super::source::TextEncoding;
use super::values::{HashFacts, RowValues, ValueScratch};
use crate::device::IdentityKeyKind;

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

/// Checks a whole file, passing each problem to `sink` in line order as it is found.
///
/// Rows are checked in parallel: this thread reads lines into chunks of about 1 MiB, worker
/// threads check them (the hash's base64 decoding and SHA-256 are most of the work), and
/// this thread puts the results back in order, finds duplicates and calls `sink`. A bounded
/// number of chunks is in flight, so memory is constant except for the duplicate index
/// (one small entry per distinct row and identity key).
pub fn check_with<R: Read>(
    reader: R,
    options: ReadOptions,
    sink: &mut dyn FnMut(Diagnostic),
) -> Result<CheckSummary, std::io::Error> {
    check_with_options(reader, CheckOptions { read: options, duplicates: true }, sink)
}

/// How to check a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckOptions {
    pub read: ReadOptions,
    /// Look for `duplicate_row` and `duplicate_device`. The only part of a check whose memory
    /// grows with the file (one small entry per distinct row and identity key).
    pub duplicates: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self { read: ReadOptions::default(), duplicates: true }
    }
}

/// [`check_with`], with duplicate detection optional.
pub fn check_with_options<R: Read>(
    reader: R,
    options: CheckOptions,
    sink: &mut dyn FnMut(Diagnostic),
) -> Result<CheckSummary, std::io::Error> {
    let mut reader = match CsvReader::new(reader, options.read) {
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

    let checker = reader.checker().clone();
    let row_keys = std::collections::hash_map::RandomState::new();
    let mut duplicates = Duplicates::new(options.duplicates);
    // A file that fits in one chunk (most uploads) is checked right here: threads only pay
    // off for big files.
    let mut first = Chunk::default();
    let eof = first.fill(&mut reader)?;
    if eof {
        first.check(&checker, &row_keys, &mut ValueScratch::default());
        for outcome in first.outcomes.drain(..) {
            duplicates.emit(outcome, &mut emit);
        }
    } else {
        check_in_parallel(&mut reader, first, &checker, &row_keys, &mut duplicates, &mut emit)?;
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

/// Reads the rest of the file in chunks that worker threads check, and emits the outcomes
/// in line order.
fn check_in_parallel(
    reader: &mut CsvReader<'_>,
    first: Chunk,
    checker: &RowChecker,
    row_keys: &RandomState,
    duplicates: &mut Duplicates,
    emit: &mut dyn FnMut(Diagnostic),
) -> std::io::Result<()> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    let (work_tx, work_rx) = mpsc::sync_channel::<Chunk>(workers * 2);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<Chunk>();
    std::thread::scope(|scope| -> std::io::Result<()> {
        for _ in 0..workers {
            let (work_rx, done_tx) = (&work_rx, done_tx.clone());
            scope.spawn(move || {
                let mut scratch = ValueScratch::default();
                loop {
                    let next = work_rx.lock().map_err(drop).and_then(|rx| rx.recv().map_err(drop));
                    let Ok(mut chunk) = next else { break };
                    chunk.check(checker, row_keys, &mut scratch);
                    if done_tx.send(chunk).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);

        let mut pool: Vec<Chunk> = Vec::new();
        let mut pending: BTreeMap<u64, Chunk> = BTreeMap::new();
        let mut next_out = 0u64;
        let mut deliver = |chunk: Chunk, pool: &mut Vec<Chunk>| {
            pending.insert(chunk.seq, chunk);
            while let Some(mut chunk) = pending.remove(&next_out) {
                next_out += 1;
                for outcome in chunk.outcomes.drain(..) {
                    duplicates.emit(outcome, &mut *emit);
                }
                pool.push(chunk);
            }
        };
        let mut sent = 1u64;
        let mut eof = false;
        let mut next = Some(first);
        loop {
            if let Some(chunk) = next.take().filter(|c| !c.events.is_empty()) {
                if work_tx.send(chunk).is_err() {
                    break;
                }
            }
            while let Ok(done) = done_rx.try_recv() {
                deliver(done, &mut pool);
            }
            if eof {
                break;
            }
            let mut chunk = pool.pop().unwrap_or_default();
            chunk.reset(sent);
            sent += 1;
            eof = chunk.fill(reader)?;
            next = Some(chunk);
        }
        drop(work_tx);
        for done in done_rx {
            deliver(done, &mut pool);
        }
        Ok(())
    })
}

const CHUNK_BYTES: usize = 1 << 20;
const CHUNK_ROWS: usize = 4096;

/// A batch of lines on its way to a worker and back with their outcomes.
#[derive(Default)]
struct Chunk {
    seq: u64,
    data: Vec<u8>,
    events: Vec<Event>,
    outcomes: Vec<Outcome>,
}

/// What checking one event gave, in line order.
enum Outcome {
    /// A diagnostic of the reader (blank lines, row limit).
    Reader(Diagnostic),
    Row {
        line: u64,
        problems: Vec<Diagnostic>,
        /// Fingerprint of the row's values, when they could be read.
        row_key: Option<u64>,
        /// The identity keys of a row without problems.
        identity: Option<IdentityKeys>,
    },
}

impl Chunk {
    /// Reads events until the chunk is full; true at the end of the file.
    fn fill(&mut self, reader: &mut CsvReader<'_>) -> std::io::Result<bool> {
        loop {
            match reader.next_event_into(&mut self.data)? {
                None => return Ok(true),
                // The row after a blank run is already in this chunk's buffer: keep going.
                Some(event @ Event::Blank(_)) => self.events.push(event),
                Some(event) => {
                    self.events.push(event);
                    if self.data.len() >= CHUNK_BYTES || self.events.len() >= CHUNK_ROWS {
                        return Ok(false);
                    }
                }
            }
        }
    }

    fn reset(&mut self, seq: u64) {
        self.seq = seq;
        self.data.clear();
        self.events.clear();
        self.outcomes.clear();
    }

    fn check(&mut self, checker: &RowChecker, row_keys: &RandomState, scratch: &mut ValueScratch) {
        for event in self.events.drain(..) {
            let outcome = match event {
                Event::Blank(diagnostic) | Event::LimitExceeded(diagnostic) => Outcome::Reader(diagnostic),
                Event::Row { info, range } => {
                    let mut problems = Vec::new();
                    let bytes = self.data.get(range).unwrap_or_default();
                    let checked = checker.check(info, bytes, scratch, &mut problems);
                    let row_key = checked.as_ref().map(|row| row_key(row_keys, row));
                    let identity = checked
                        .filter(|_| problems.is_empty())
                        .map(|row| identity_keys(row_keys, &row.values, row.facts.as_ref()));
                    Outcome::Row { line: info.number, problems, row_key, identity }
                }
            };
            self.outcomes.push(outcome);
        }
    }
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

/// Duplicate detection, in line order. Exact repeats of a row are found by a 64-bit keyed
/// hash of its values ([`row_key`]) → first line; the same device under different rows by
/// its identity keys (docs/domain.md#device-identity, [`identity_keys`]) with the semantics of
/// [`crate::device::BatchDeduper`], which the server's batch pipeline uses: a row sharing any
/// key with an earlier one is a duplicate (and records nothing), else all its keys are
/// recorded. Keys are 64-bit keyed hashes rather than strings, so the hot path allocates
/// nothing. Memory: one small entry per distinct row and key.
struct Duplicates {
    enabled: bool,
    rows: HashMap<u64, u64, PreHashed>,
    devices: HashMap<u64, u64, PreHashed>,
}

/// The keys are already keyed hashes: the table uses them as they are.
#[derive(Default, Clone, Copy)]
struct PreHashed;

impl BuildHasher for PreHashed {
    type Hasher = PreHashedKey;

    fn build_hasher(&self) -> PreHashedKey {
        PreHashedKey(0)
    }
}

struct PreHashedKey(u64);

impl Hasher for PreHashedKey {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used (the keys are u64); fold anything else in for safety.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

impl Duplicates {
    fn new(enabled: bool) -> Self {
        Self { enabled, rows: HashMap::default(), devices: HashMap::default() }
    }

    /// Emits an outcome's problems, plus `duplicate_row` or `duplicate_device` when the row
    /// repeats an earlier one. Only rows without problems take part in device
    /// de-duplication, as only they would be registered.
    fn emit(&mut self, outcome: Outcome, emit: &mut dyn FnMut(Diagnostic)) {
        let (line, problems, row_key, identity) = match outcome {
            Outcome::Reader(diagnostic) => return emit(diagnostic),
            Outcome::Row { line, problems, row_key, identity } => (line, problems, row_key, identity),
        };
        problems.into_iter().for_each(&mut *emit);
        if !self.enabled {
            return;
        }
        if let Some(key) = row_key {
            match self.rows.entry(key) {
                Entry::Occupied(earlier) => {
                    return emit(
                        Diagnostic::new(
                            line,
                            1,
                            Code::DuplicateRow,
                            format!("this row repeats line {}", earlier.get()),
                            "delete one of the two rows: a device is registered once",
                        )
                        .with("earlier", *earlier.get()),
                    );
                }
                Entry::Vacant(slot) => {
                    slot.insert(line);
                }
            }
        }
        let Some(identity) = identity else { return };
        let keys = identity.iter().filter_map(|&(kind, key)| key.map(|key| (kind, key)));
        if let Some((kind, earlier)) =
            keys.clone().find_map(|(kind, key)| Some((kind, *self.devices.get(&key)?)))
        {
            let key = match kind {
                IdentityKeyKind::Tuple => "tuple",
                IdentityKeyKind::ProductKeyId => "product-key-id",
                IdentityKeyKind::Hash => "hash",
            };
            return emit(
                Diagnostic::new(
                    line,
                    1,
                    Code::DuplicateDevice,
                    format!("the same device as line {earlier} (same {})", kind.label()),
                    format!("keep one row per device (this one or line {earlier}); each device may appear once per upload"),
                )
                .with("earlier", earlier)
                .with("key", key),
            );
        }
        for (_, key) in keys {
            self.devices.insert(key, line);
        }
    }
}

/// The identity keys of a device (docs/domain.md#device-identity), as [`crate::device::ResolvedDevice`] defines
/// them: the tuple (manufacturer, model, serial) and the PKID, each from the row or, where the
/// row lacks it, from the hash; and the hash's SMBIOS UUID with its serial.
type IdentityKeys = [(IdentityKeyKind, Option<u64>); 3];

fn identity_keys(keys: &RandomState, values: &RowValues<'_>, facts: Option<&HashFacts>) -> IdentityKeys {
    let from_hash = |f: fn(&HashFacts) -> Option<&str>| facts.and_then(f);
    let serial = values.get(Column::SerialNumber).or_else(|| from_hash(|f| f.serial_number.as_deref()));
    let manufacturer = values.get(Column::Manufacturer).or_else(|| from_hash(|f| f.manufacturer.as_deref()));
    let model = values.get(Column::Model).or_else(|| from_hash(|f| f.model.as_deref()));
    let pkid = values.get(Column::ProductKeyId).or_else(|| from_hash(|f| f.product_key_id.as_deref()));
    let key = |kind: IdentityKeyKind, parts: &[&[u8]]| {
        let mut hasher = keys.build_hasher();
        kind.hash(&mut hasher);
        parts.iter().for_each(|part| part.hash(&mut hasher));
        hasher.finish()
    };
    let tuple = match (manufacturer, model, serial) {
        (Some(m), Some(model), Some(serial)) => {
            Some(key(IdentityKeyKind::Tuple, &[m.as_bytes(), model.as_bytes(), serial.as_bytes()]))
        }
        _ => None,
    };
    let hash = facts.and_then(|f| {
        let uuid = f.smbios_uuid?;
        Some(key(IdentityKeyKind::Hash, &[&uuid, f.serial_number.as_deref().unwrap_or("").as_bytes()]))
    });
    [
        (IdentityKeyKind::Tuple, tuple),
        (IdentityKeyKind::ProductKeyId, pkid.map(|p| key(IdentityKeyKind::ProductKeyId, &[p.as_bytes()]))),
        (IdentityKeyKind::Hash, hash),
    ]
}

/// A fingerprint of a row's values. The hash column stands for itself by its checksum digest
/// when valid, so the 4 KB of base64 is not hashed a second time. Keyed per run
/// ([`RandomState`]): a false match (≈ n²/2⁶⁵, under 10⁻⁷ for a million rows) cannot be
/// provoked by crafted input.
fn row_key(keys: &RandomState, row: &CheckedRow<'_>) -> u64 {
    let mut hasher = keys.build_hasher();
    match &row.facts {
        Some(facts) => facts.digest.hash(&mut hasher),
        None => row.values.get(Column::HardwareHash).hash(&mut hasher),
    }
    for column in [
        Column::SerialNumber,
        Column::ProductKeyId,
        Column::Manufacturer,
        Column::Model,
        Column::GroupTag,
        Column::AssignedUser,
    ] {
        row.values.get(column).hash(&mut hasher);
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::{BatchDeduper, DeviceInput};
    use crate::synth;

    /// The checker's duplicate rule agrees with the device module's `BatchDeduper` (which the
    /// server uses) on the same rows.
    #[test]
    fn duplicate_devices_agree_with_batch_deduper() {
        let d: Vec<_> = synth::generate(11, 4).collect();
        let strip = |mut input: DeviceInput, f: fn(&mut DeviceInput)| {
            f(&mut input);
            input
        };
        let rows: Vec<DeviceInput> = vec![
            d[0].to_input(None),
            d[1].to_input(None),
            // Same device as row 1: the hash alone (serial, tuple and UUID come from it).
            strip(d[0].to_input(None), |i| {
                i.serial_number = None;
                i.manufacturer = None;
                i.model = None;
            }),
            // Same tuple as row 2, no hash: a duplicate by the tuple key.
            strip(d[1].to_input(None), |i| {
                i.hardware_hash = None;
                i.product_key_id = None;
            }),
            d[2].to_input(None),
            // Different device sharing nothing.
            d[3].to_input(None),
        ];
        let mut deduper = BatchDeduper::new();
        let expected: Vec<bool> = rows
            .iter()
            .enumerate()
            .map(|(i, row)| deduper.insert(i + 2, &row.resolve().expect("valid row")).is_err())
            .collect();

        let mut text = String::from(
            "Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model\r\n",
        );
        for row in &rows {
            let value = |v: &Option<String>| v.clone().unwrap_or_default();
            text.push_str(&format!(
                "{},{},{},{},{}\r\n",
                value(&row.serial_number),
                value(&row.product_key_id),
                value(&row.hardware_hash),
                value(&row.manufacturer),
                value(&row.model)
            ));
        }
        let (_, diagnostics) = check(text.as_bytes(), ReadOptions::default()).expect("in memory");
        let found: Vec<bool> = (0..rows.len())
            .map(|i| diagnostics.iter().any(|d| d.line == i as u64 + 2 && d.code == Code::DuplicateDevice))
            .collect();
        assert_eq!(found, expected);
        assert_eq!(expected, vec![false, false, true, true, false, false]);
        assert!(diagnostics.iter().all(|d| d.code == Code::DuplicateDevice), "{diagnostics:?}");
    }
}

//! The registration pipeline shared by every channel (JSON batch, CSV upload, portal, a
//! customer's own uploads): request bodies become batch rows, and batch rows become
//! [`ChunkItem`]s for the storage layer.
//!
//! Two stages, split on purpose:
//! - **intake** (at `POST`): problems with the upload as a whole (encoding, header, too many
//!   rows, too large) refuse it at once and leave nothing behind. Each row is stored as
//!   submitted ([`SubmittedRow`]), so a restarted server can resume from the database alone.
//!   A CSV body is streamed into the batch chunk by chunk ([`CsvRowStream`]); a JSON body is
//!   parsed as it arrives with its device list capped (`ztd_domain::json_batch`), but held
//!   whole until it is stored, so very large uploads belong in CSV.
//! - **planning** (in the worker, [`RowPlanner`]): each row is resolved (identity rules, hash
//!   cross-checks, identity keys), checked against the rows before it (duplicates in the
//!   batch), and its group tag matched against the customer's profiles *as they are when the
//!   row is processed*. The database's unique indexes then decide conflicts with devices
//!   already registered.

use bytes::Bytes;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use ztd_domain::codes::{RowError, RowErrorCode};
use ztd_domain::csv::Diagnostic;
use ztd_domain::device::{BatchDeduper, DeviceInput, ResolvedDevice};
use ztd_domain::group_tag::{match_group_tag, unknown_group_tag_error, TagMatch, TagSuggestion};
use ztd_domain::json_batch::{self, JsonBatch, JsonBatchError};
use ztd_storage::{Batch, BatchItem, ChunkItem, NewDevice, Profile};

/// A row as kept in `batch_items.input` until it is processed: the device as submitted, or
/// the reason the channel already refused it (a CSV row breaking a rule of the format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SubmittedRow {
    Rejected { rejected: RowRejection },
    Device(DeviceInput),
}

/// A row the channel refused before planning, stored with its error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowRejection {
    pub code: String,
    pub message: String,
    pub hint: Option<String>,
}

impl RowRejection {
    /// The domain's error; a code this version does not know (stored by another) reads as an
    /// invalid CSV row, keeping its message.
    pub fn into_row_error(self) -> RowError {
        let code = RowErrorCode::parse(&self.code).unwrap_or(RowErrorCode::InvalidCsvRow);
        RowError { code, message: self.message, hint: self.hint }
    }
}

impl SubmittedRow {
    pub fn to_json(&self) -> serde_json::Value {
        // A `DeviceInput` of optional strings always serialises.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Reads a stored row back. Anything unreadable (written by a different version) is a
    /// rejection, so one odd row cannot stall its batch.
    pub fn from_json(value: serde_json::Value) -> Self {
        // By value: the strings (a 4 KB hash among them) move instead of being copied.
        serde_json::from_value(value).unwrap_or_else(|error| Self::Rejected {
            rejected: RowRejection {
                code: RowErrorCode::InvalidRequestBody.as_str().to_owned(),
                message: format!("the stored row cannot be read: {error}"),
                hint: Some("submit the device again".to_owned()),
            },
        })
    }

    /// The device, when the row got that far.
    pub fn device(&self) -> Option<&DeviceInput> {
        match self {
            Self::Device(input) => Some(input),
            Self::Rejected { .. } => None,
        }
    }

    fn from_diagnostics(diagnostics: &[Diagnostic]) -> Self {
        let errors: Vec<RowError> = diagnostics.iter().map(Diagnostic::to_row_error).collect();
        let first = errors.first().cloned().unwrap_or_else(|| {
            RowError::new(RowErrorCode::InvalidCsvRow, "the row breaks a rule of the CSV format")
        });
        let mut message = first.message.clone();
        for other in errors.iter().skip(1) {
            message.push_str("; ");
            message.push_str(&other.message);
        }
        Self::Rejected {
            rejected: RowRejection { code: first.code.as_str().to_owned(), message, hint: first.hint },
        }
    }
}

/// The customer's profiles by exact group tag.
#[derive(Debug, Clone, Default)]
pub struct TagCatalog {
    tags: Vec<String>,
    profile_ids: Vec<Uuid>,
}

/// What a device's group tag means for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagDecision {
    /// Exact match: the profile is assigned.
    Profile { tag: String, profile_id: Uuid },
    /// Registered without a profile: no tag, or an unknown tag the caller chose to accept.
    Unassigned { tag: Option<String> },
    /// An unknown tag, refused with the nearest profile tag as the hint; `suggestion` is that
    /// tag and why it is near, for a caller that words the refusal itself (the portal).
    Refused { error: RowError, suggestion: Option<TagSuggestion> },
}

impl TagCatalog {
    pub fn new(profiles: &[Profile]) -> Self {
        Self {
            tags: profiles.iter().map(|profile| profile.group_tag.clone()).collect(),
            profile_ids: profiles.iter().map(|profile| profile.id).collect(),
        }
    }

    /// The profiles' group tags.
    pub fn tags(&self) -> Vec<&str> {
        self.tags.iter().map(String::as_str).collect()
    }

    /// docs/domain.md#profiles-and-group-tags: exact, byte-for-byte matching; an unknown tag is refused unless the caller
    /// asked to accept unknown tags; no tag at all registers the device unassigned.
    pub fn decide(&self, tag: Option<&str>, allow_unknown_tags: bool) -> TagDecision {
        let tag = tag.unwrap_or_default();
        let candidates = self.tags();
        match match_group_tag(tag, &candidates) {
            TagMatch::Exact(index) => {
                TagDecision::Profile { tag: tag.to_owned(), profile_id: self.profile_ids[index] }
            }
            TagMatch::Empty => TagDecision::Unassigned { tag: None },
            TagMatch::Unknown { .. } if allow_unknown_tags => {
                TagDecision::Unassigned { tag: Some(tag.to_owned()) }
            }
            TagMatch::Unknown { suggestion } => TagDecision::Refused {
                error: unknown_group_tag_error(tag, suggestion.as_ref(), &candidates),
                suggestion,
            },
        }
    }
}

/// Turns the rows of one batch into chunk items, in row order. One planner per batch run: it
/// remembers the identities seen so far to report duplicates inside the batch.
pub struct RowPlanner {
    tags: TagCatalog,
    default_tag: Option<String>,
    allow_unknown_tags: bool,
    deduper: BatchDeduper,
    /// A customer registering its own devices must prove each with its hardware hash
    /// (docs/domain.md#registration): serial, model and product key id are printed on the box.
    hash_required: bool,
    /// Reused by every row's hash decoding.
    hash_buf: Vec<u8>,
}

impl RowPlanner {
    pub fn new(batch: &Batch, profiles: &[Profile]) -> Self {
        Self {
            tags: TagCatalog::new(profiles),
            default_tag: batch.default_group_tag.clone().filter(|tag| !tag.is_empty()),
            allow_unknown_tags: batch.allow_unknown_tags,
            deduper: BatchDeduper::for_rows(usize::try_from(batch.total).unwrap_or(0)),
            hash_required: batch.submitted_by_org_id == batch.customer_id,
            hash_buf: Vec::new(),
        }
    }

    /// Re-reads a row that an earlier run already processed, only to remember its identity.
    pub fn replay(&mut self, item: BatchItem) {
        if let SubmittedRow::Device(input) = SubmittedRow::from_json(item.input) {
            if let Ok(resolved) = input.as_fields().resolve(&mut self.hash_buf) {
                // Outcome ignored: the row's result is already recorded.
                let _ = self.deduper.insert(row_index(item.row), &resolved);
            }
        }
    }

    pub fn plan(&mut self, item: BatchItem) -> ChunkItem {
        match self.plan_row(item.row, SubmittedRow::from_json(item.input)) {
            Ok(item) => item,
            Err(error) => fail(item.row, error),
        }
    }

    fn plan_row(&mut self, row: i64, submitted: SubmittedRow) -> Result<ChunkItem, RowError> {
        let input = match submitted {
            SubmittedRow::Device(input) => input,
            SubmittedRow::Rejected { rejected } => return Ok(fail(row, rejected.into_row_error())),
        };
        let resolved = input.as_fields().resolve(&mut self.hash_buf)?;
        self.deduper.insert(row_index(row), &resolved).map_err(|duplicate| duplicate.to_row_error())?;
        if self.hash_required && resolved.hardware_hash.is_none() {
            return Err(RowError::new(
                RowErrorCode::MissingDeviceIdentity,
                "a customer registering its own devices must give each one's hardware hash; serial number, model and product key id are printed on the box and prove nothing",
            )
            .with_hint("collect the hash on the device (Get-WindowsAutopilotInfo), or have the reseller or OEM register it"));
        }
        // A row's own tag overrides the batch's default; an empty cell means "not given".
        let tag = resolved.group_tag.as_deref().or(self.default_tag.as_deref());
        let (group_tag, profile_id) = match self.tags.decide(tag, self.allow_unknown_tags) {
            TagDecision::Profile { tag, profile_id } => (Some(tag), Some(profile_id)),
            TagDecision::Unassigned { tag } => (tag, None),
            TagDecision::Refused { error, .. } => return Err(error),
        };
        Ok(ChunkItem::Register {
            row,
            unassigned: profile_id.is_none(),
            device: new_device(resolved, group_tag, profile_id),
        })
    }
}

fn row_index(row: i64) -> usize {
    usize::try_from(row).unwrap_or(usize::MAX)
}

fn fail(row: i64, error: RowError) -> ChunkItem {
    ChunkItem::Fail { row, error }
}

/// The record to insert: the resolved identity (with values the hash carries filled in, so a
/// device is recognised whichever format registered it) and its tag.
pub fn new_device(
    resolved: ResolvedDevice,
    group_tag: Option<String>,
    profile_id: Option<Uuid>,
) -> NewDevice {
    NewDevice {
        serial_number: resolved.serial_number,
        product_key_id: resolved.product_key_id,
        hardware_hash: resolved.hardware_hash,
        manufacturer: resolved.manufacturer,
        model: resolved.model,
        group_tag,
        profile_id,
        assigned_user: resolved.assigned_user,
        tuple_key: resolved.tuple_key,
        pkid_key: resolved.pkid_key,
        hash_key: resolved.hash_key,
    }
}

// ---------------------------------------------------------------------------------------------
// Intake
// ---------------------------------------------------------------------------------------------

/// Caps on one upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntakeLimits {
    pub max_bytes: usize,
    pub max_rows: usize,
    /// A streamed upload whose last rows are older than this was abandoned (its process died):
    /// the request timeout, which no live upload outlasts (docs/domain.md#batch-lifecycle).
    pub abandoned_after: std::time::Duration,
}

/// Why an upload is refused as a whole (nothing is written).
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("the upload is larger than the limit of {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the upload has more than the limit of {limit} device rows")]
    TooManyRows { limit: usize },
    #[error("the file cannot be registered: {} problem(s) with the file as a whole", diagnostics.len())]
    InvalidFile { diagnostics: Vec<Diagnostic> },
    #[error("invalid JSON body: {0}")]
    InvalidJson(String),
    #[error("the batch has no devices")]
    NoDevices,
    #[error("the request body could not be read: {0}")]
    Body(String),
}

/// The rows of an accepted upload, numbered, ready to store as pending batch items.
#[derive(Debug, Default)]
pub struct Intake {
    /// `(row, submitted row)`. The row is the 1-based position in a JSON `devices` list, or the
    /// line number in a CSV file (so a person can find it in the file).
    pub rows: Vec<(i64, SubmittedRow)>,
}

impl Intake {
    pub fn into_items(self, batch_id: Uuid) -> Vec<BatchItem> {
        pending_items(batch_id, self.rows)
    }
}

/// Rows as pending items of `batch_id`, ready to store.
pub fn pending_items(batch_id: Uuid, rows: Vec<(i64, SubmittedRow)>) -> Vec<BatchItem> {
    rows.into_iter()
        .map(|(row, submitted)| BatchItem {
            batch_id,
            row,
            input: submitted.to_json(),
            status: ztd_storage::ItemStatus::Pending,
            device_id: None,
            error: None,
        })
        .collect()
}

// The OpenAPI schema of the body only: it is read by `read_json_batch` with
// `ztd_domain::json_batch::parse`, which caps the device list while parsing. The serde
// attributes give the schema its field rules (`additionalProperties: false`), and the domain's
// `the_batch_object_keeps_its_field_rules` holds the reader to the same rules.
/// A JSON batch: `{"group_tag", "devices": […], "allow_unknown_tags"?}` (docs/domain.md#http-contract).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = JsonBatch)]
pub struct JsonBatchSchema {
    /// Default group tag of the batch; a device's own `group_tag` overrides it.
    #[serde(default)]
    pub group_tag: Option<String>,
    /// Register devices whose tag matches no profile, unassigned, instead of refusing them.
    #[serde(default)]
    pub allow_unknown_tags: Option<bool>,
    /// At least one device; each row's result is in the batch (a bad row fails alone).
    #[schema(value_type = Vec<DeviceInputSchema>, min_items = 1)]
    pub devices: Vec<DeviceInput>,
}

/// One device of a JSON batch (documentation mirror of `ztd_domain::device::DeviceInput`):
/// every field optional here; a row that breaks the identity rules (docs/domain.md#device-identity)
/// fails alone, with its reason in the batch's row results.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documentation only
pub struct DeviceInputSchema {
    #[schema(example = "5CG1234XYZ")]
    serial_number: Option<String>,
    /// 13 digits.
    product_key_id: Option<String>,
    /// The base64 hardware hash (docs/hardware-hash.md).
    hardware_hash: Option<String>,
    manufacturer: Option<String>,
    model: Option<String>,
    /// Overrides the batch's `group_tag`.
    group_tag: Option<String>,
    assigned_user: Option<String>,
}

/// An upload's bytes as they arrive, whatever the channel (an HTTP body, a file, a portal form
/// field); errors are the channel's, e.g. a client that broke off.
pub type ByteStream = futures::stream::BoxStream<'static, Result<Bytes, std::io::Error>>;

/// Reads a JSON batch as it arrives: the bytes go through a bounded channel into the domain's
/// reader (`ztd_domain::json_batch::parse`) on a blocking thread, and the device list is cut
/// off at `limits.max_rows` while it is parsed. Neither the body nor more devices than the cap
/// are ever held, however large or however many (tiny) objects a client sends. The batch comes
/// back with its devices moved into the [`Intake`].
pub async fn read_json_batch(
    body: ByteStream,
    limits: IntakeLimits,
) -> Result<(JsonBatch, Intake), IntakeError> {
    let (bytes_tx, bytes_rx) = tokio::sync::mpsc::channel::<Bytes>(16);
    let feeder = tokio::spawn(feed_body(body, limits.max_bytes, bytes_tx));
    let parser = tokio::task::spawn_blocking(move || {
        json_batch::parse(std::io::BufReader::new(ChannelReader::new(bytes_rx)), limits.max_rows)
    });
    let parsed = parser.await.map_err(|error| IntakeError::Body(error.to_string()))?;
    // A body that broke off or grew past the limit wins over what the parser made of it.
    feeder.await.map_err(|error| IntakeError::Body(error.to_string()))??;
    let mut batch = parsed.map_err(|error| match error {
        JsonBatchError::TooManyDevices { limit } => IntakeError::TooManyRows { limit },
        invalid @ JsonBatchError::Invalid { .. } => IntakeError::InvalidJson(invalid.to_string()),
    })?;
    if batch.devices.is_empty() {
        return Err(IntakeError::NoDevices);
    }
    let devices = std::mem::take(&mut batch.devices);
    let rows = (1..).zip(devices).map(|(row, input)| (row, SubmittedRow::Device(input))).collect();
    Ok((batch, Intake { rows }))
}

fn body_error(error: &std::io::Error) -> IntakeError {
    IntakeError::Body(error.to_string())
}

/// Rows handed from the CSV parser to the handler at a time: one `append_batch_items`
/// transaction each, and with the channel's capacity the most rows held in memory at once.
pub const CSV_ROWS_PER_CHUNK: usize = 1_000;

/// A CSV body being read as it arrives. The bytes go through a bounded channel into the
/// domain's streaming reader on a blocking thread, which hands back numbered rows in chunks:
/// neither the file nor its rows are ever held whole, however large the upload.
///
/// File-level problems (encoding, header) end the stream before the first chunk, so the
/// caller can refuse the upload before writing anything; row-level problems become
/// [`SubmittedRow::Rejected`] rows.
pub struct CsvRowStream {
    rows: tokio::sync::mpsc::Receiver<Vec<(i64, SubmittedRow)>>,
    parser: tokio::task::JoinHandle<Result<(), IntakeError>>,
    feeder: tokio::task::JoinHandle<Result<(), IntakeError>>,
}

impl CsvRowStream {
    pub fn start(body: ByteStream, limits: IntakeLimits) -> Self {
        let (bytes_tx, bytes_rx) = tokio::sync::mpsc::channel::<Bytes>(16);
        let (rows_tx, rows_rx) = tokio::sync::mpsc::channel(2);
        let parser = tokio::task::spawn_blocking(move || {
            parse_csv(ChannelReader::new(bytes_rx), limits.max_rows, &rows_tx)
        });
        let feeder = tokio::spawn(feed_body(body, limits.max_bytes, bytes_tx));
        Self { rows: rows_rx, parser, feeder }
    }

    /// The next chunk of rows, in file order; `None` at the end (or on an error, which
    /// [`CsvRowStream::finish`] tells).
    pub async fn next_chunk(&mut self) -> Option<Vec<(i64, SubmittedRow)>> {
        self.rows.recv().await
    }

    /// How the read ended. A body that broke off or grew past the limit wins over what the
    /// parser made of the truncated text.
    pub async fn finish(self) -> Result<(), IntakeError> {
        drop(self.rows);
        let fed = self.feeder.await.map_err(|error| IntakeError::Body(error.to_string()))?;
        let parsed = self.parser.await.map_err(|error| IntakeError::Body(error.to_string()))?;
        fed.and(parsed)
    }

    /// Stops reading (the answer is already known, e.g. an idempotent replay).
    pub fn abandon(self) {
        self.feeder.abort();
        // The parser ends on its own once its input and output channels are gone.
    }
}

async fn feed_body(
    mut stream: ByteStream,
    max_bytes: usize,
    sender: tokio::sync::mpsc::Sender<Bytes>,
) -> Result<(), IntakeError> {
    let mut received = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|error| body_error(&error))?;
        received += chunk.len();
        if received > max_bytes {
            return Err(IntakeError::TooLarge { limit: max_bytes });
        }
        if sender.send(chunk).await.is_err() {
            // The parser stopped early (a refused header, the row cap): its answer decides.
            return Ok(());
        }
    }
    Ok(())
}

fn parse_csv(
    reader: impl std::io::Read,
    max_rows: usize,
    out: &tokio::sync::mpsc::Sender<Vec<(i64, SubmittedRow)>>,
) -> Result<(), IntakeError> {
    use ztd_domain::csv::{Code, CsvReader, FileError, ReadOptions};

    let options = ReadOptions { row_limit: u64::try_from(max_rows).unwrap_or(u64::MAX) };
    let mut rows = match CsvReader::new(reader, options) {
        Ok(rows) => rows,
        Err(FileError::Rejected { diagnostics }) => return Err(IntakeError::InvalidFile { diagnostics }),
        Err(FileError::Io(error)) => return Err(IntakeError::Body(error.to_string())),
    };
    // Encoding and header problems refuse the file before any row is read: the portals
    // refuse such files too, and guessing the columns of a near-miss header could register
    // wrong values.
    if !rows.file_diagnostics().is_empty() {
        return Err(IntakeError::InvalidFile { diagnostics: rows.file_diagnostics().to_vec() });
    }
    let mut chunk = Vec::with_capacity(CSV_ROWS_PER_CHUNK);
    for row in rows.by_ref() {
        let row = row.map_err(|error| IntakeError::Body(error.to_string()))?;
        let line = i64::try_from(row.line).unwrap_or(i64::MAX);
        match row.result {
            Ok(input) => chunk.push((line, SubmittedRow::Device(input))),
            Err(diagnostics) if diagnostics.iter().any(|d| d.code == Code::RowLimitExceeded) => {
                return Err(IntakeError::TooManyRows { limit: max_rows });
            }
            Err(diagnostics) => chunk.push((line, SubmittedRow::from_diagnostics(&diagnostics))),
        }
        if chunk.len() == CSV_ROWS_PER_CHUNK {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CSV_ROWS_PER_CHUNK));
            if out.blocking_send(full).is_err() {
                return Ok(()); // the handler gave up on this upload
            }
        }
    }
    let end = rows.end_diagnostics();
    if !end.is_empty() {
        return Err(IntakeError::InvalidFile { diagnostics: end });
    }
    if !chunk.is_empty() {
        let _ = out.blocking_send(chunk);
    }
    Ok(())
}

/// `std::io::Read` over the chunks of a request body arriving through a channel; blocks the
/// (blocking-pool) thread while waiting for the next chunk.
struct ChannelReader {
    receiver: tokio::sync::mpsc::Receiver<Bytes>,
    current: Bytes,
}

impl ChannelReader {
    fn new(receiver: tokio::sync::mpsc::Receiver<Bytes>) -> Self {
        Self { receiver, current: Bytes::new() }
    }
}

impl std::io::Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.receiver.blocking_recv() {
                Some(chunk) => self.current = chunk,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

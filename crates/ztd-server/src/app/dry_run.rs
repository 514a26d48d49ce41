//! The dry run (docs/domain.md#dry-run): every check a batch meets — the file, each row, the
//! tags, duplicates in the batch and the database (already registered here, registered to
//! another tenant) — with nothing written: no batch, no device, no audit event. The same row
//! planner as the workers ([`RowPlanner`]) and the same weighing of the devices already holding
//! a row's identity ([`ztd_storage::registration`]) decide, so a dry run answers what the real
//! run will, as long as nothing changes in between.
//!
//! The same check shows a customer the rows of a batch waiting in its approval queue
//! ([`check_items`]).

use uuid::Uuid;
use ztd_domain::codes::RowError;
use ztd_domain::csv::Diagnostic;
use ztd_storage::registration::{refusal, supersedes, Refusal};
use ztd_storage::{ApprovalMode, Batch, BatchItem, ChunkItem, Database};

use super::access::Reach;
use super::registration::{intake_error, json_order, BatchOptions, Submission, Upload};
use super::Error;
use crate::pipeline::{self, CsvRowStream, IntakeError, RowPlanner, SubmittedRow};

/// The most rows one dry run checks: its answer lists every row, so it is held in memory.
pub const MAX_DRY_RUN_ROWS: usize = 100_000;

/// What a row would become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Would {
    Register,
    BeUnassigned,
    Fail,
}

impl Would {
    pub fn as_str(self) -> &'static str {
        match self {
            Would::Register => "would_register",
            Would::BeUnassigned => "would_be_unassigned",
            Would::Fail => "would_fail",
        }
    }
}

/// One row's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedRow {
    pub row: i64,
    pub would: Would,
    /// The serial number the row carries (from its hash when the column is empty), to find it.
    pub serial_number: Option<String>,
    pub error: Option<RowError>,
}

/// The answer of a dry run.
#[derive(Debug)]
pub enum DryRun {
    Checked {
        /// Every row, in order.
        rows: Vec<CheckedRow>,
        /// The batch would wait in the customer's approval queue before anything registers.
        awaiting_approval: bool,
    },
    /// The file is unusable as a whole (encoding, header, no rows), as a real upload would be.
    FileRefused { diagnostics: Vec<Diagnostic> },
}

impl Submission {
    /// Checks the upload as [`Submission::submit`] would store and the workers would process
    /// it, and writes nothing.
    pub async fn dry_run(self, upload: Upload, options: BatchOptions) -> Result<DryRun, Error> {
        let mut limits = options.limits;
        limits.max_rows = limits.max_rows.min(MAX_DRY_RUN_ROWS);
        let mut order = options.order;
        let (rows, tag, allow) = match upload {
            Upload::Json(body) => {
                let (json, intake) =
                    pipeline::read_json_batch(body, limits).await.map_err(dry_intake_error)?;
                order = json_order(&json, order)?;
                let tag = json.group_tag.or(options.group_tag);
                (intake.rows, tag, json.allow_unknown_tags.or(options.allow_unknown_tags))
            }
            Upload::Devices(devices) => {
                if devices.len() > limits.max_rows {
                    return Err(dry_intake_error(IntakeError::TooManyRows { limit: limits.max_rows }));
                }
                let rows =
                    (1..).zip(devices).map(|(row, input)| (row, SubmittedRow::Device(input))).collect();
                (rows, options.group_tag, options.allow_unknown_tags)
            }
            Upload::Csv(body) => {
                let mut stream = CsvRowStream::start(body, limits);
                let mut rows = Vec::new();
                while let Some(chunk) = stream.next_chunk().await {
                    rows.extend(chunk);
                }
                match stream.finish().await {
                    Ok(()) => {}
                    Err(IntakeError::InvalidFile { diagnostics }) => {
                        return Ok(DryRun::FileRefused { diagnostics })
                    }
                    Err(other) => return Err(dry_intake_error(other)),
                }
                (rows, options.group_tag, options.allow_unknown_tags)
            }
        };
        if rows.is_empty() {
            return Err(dry_intake_error(IntakeError::NoDevices));
        }
        let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        let batch = self.new_batch(tag, allow.unwrap_or(false), None, total, order);
        let awaiting_approval = match self.scope().reach() {
            Reach::Own => false,
            Reach::Relationship(relationship) => relationship.approval_mode == ApprovalMode::Review,
        };
        let db = self.scope().ctx().db();
        let items = pipeline::pending_items(batch.id, rows);
        let rows = check_items(db, &batch, items, None).await?;
        Ok(DryRun::Checked { rows, awaiting_approval })
    }
}

/// Plans `items` of `batch` as its workers would and weighs each device against the live
/// devices holding its identity; reads only. `in_batch` is the batch's own id for a batch that
/// exists (its rows are no obstacle to each other there); `None` for a dry run.
pub(in crate::app) async fn check_items(
    db: &dyn Database,
    batch: &Batch,
    items: Vec<BatchItem>,
    in_batch: Option<Uuid>,
) -> Result<Vec<CheckedRow>, Error> {
    let profiles = db.list_profiles(batch.customer_id).await?;
    // The duplicate check is sized for the rows checked here, not the whole batch: a page of a
    // waiting million-row batch must not allocate for a million rows.
    let page = Batch { total: i64::try_from(items.len()).unwrap_or(i64::MAX), ..batch.clone() };
    let mut planner = RowPlanner::new(&page, &profiles);
    let mut planned = Vec::with_capacity(items.len());
    for item in items {
        // Read off the stored row without copying it (its ~4 KB hash): a refused row has none.
        let serial = item.input.get("serial_number").and_then(|value| value.as_str()).map(str::to_owned);
        planned.push((planner.plan(item), serial));
    }
    let devices: Vec<_> = planned
        .iter()
        .filter_map(|(item, _)| match item {
            ChunkItem::Register { device, .. } => Some(device.clone()),
            ChunkItem::Fail { .. } => None,
        })
        .collect();
    let mut holders = db.find_key_holders(&devices).await?.into_iter();
    let mut checked = Vec::with_capacity(planned.len());
    for (item, serial) in planned {
        checked.push(match item {
            ChunkItem::Fail { row, error } => {
                CheckedRow { row, would: Would::Fail, serial_number: serial, error: Some(error) }
            }
            ChunkItem::Register { row, device, unassigned } => {
                let held = holders.next().unwrap_or_default();
                let serial_number = device.serial_number.clone().or(serial);
                if held.is_empty() || supersedes(&held, &device, in_batch) {
                    let would = if unassigned { Would::BeUnassigned } else { Would::Register };
                    CheckedRow { row, would, serial_number, error: None }
                } else {
                    let error = match refusal(&held, batch.customer_id, in_batch) {
                        Refusal::OtherTenant => RowError::registered_to_other_tenant(),
                        Refusal::DuplicatedInBatch => RowError::duplicated_in_batch(),
                        Refusal::AlreadyRegistered => RowError::already_registered(),
                    };
                    CheckedRow { row, would: Would::Fail, serial_number, error: Some(error) }
                }
            }
        });
    }
    Ok(checked)
}

fn dry_intake_error(error: IntakeError) -> Error {
    match error {
        IntakeError::TooManyRows { limit } => Error::invalid(
            "too_many_rows",
            format!("a dry run checks at most {limit} device rows, and this upload has more"),
        )
        .with_hint(format!(
            "split the file into batches of at most {limit} rows (`ztd csv split`) and check each"
        )),
        other => intake_error(other),
    }
}

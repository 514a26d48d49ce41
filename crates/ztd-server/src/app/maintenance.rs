//! The operator's care of the installation itself: a consistent copy of a SQLite database
//! taken while the service runs (docs/operations.md#backups), and the copy of a whole
//! installation into another database, e.g. from SQLite to PostgreSQL
//! (docs/operations.md#copy-database).

use std::path::Path;

use super::access::Operator;
use super::Error;

/// Writes a consistent copy of the database to `to`, a file that must not exist yet. SQLite
/// only; PostgreSQL answers with what to use instead.
pub async fn backup(operator: &Operator, to: &Path) -> Result<(), Error> {
    if to.exists() {
        return Err(Error::conflict("backup_file_exists", format!("{} exists already", to.display()))
            .with_hint("give the backup a new file name; a backup never overwrites a file"));
    }
    match operator.ctx().db().backup_to(to).await {
        Ok(()) => Ok(()),
        Err(ztd_storage::StorageError::Unsupported(what)) => {
            Err(Error::invalid("backup_unsupported", what).with_hint("see docs/operations.md#backups"))
        }
        Err(other) => Err(other.into()),
    }
}

use ztd_storage::copy::{self, CopyError};
pub use ztd_storage::copy::{CopyReport, Phase, Progress, Quiet, TableSum};

/// Copies the whole installation of `from` into `to`, a migrated database that must hold no
/// rows, and verifies it: every table with its ids, one snapshot of the source (whose writers
/// wait meanwhile), row counts and checksums compared on both sides
/// (docs/operations.md#copy-database).
pub async fn copy_database(
    from: &Operator,
    to: &Operator,
    progress: &mut dyn Progress,
) -> Result<CopyReport, Error> {
    let source = from.ctx().db().copy_side();
    let target = to.ctx().db().copy_side();
    copy::copy_database(&source, &target, progress).await.map_err(|error| match error {
        CopyError::TargetNotEmpty { .. } => Error::conflict("target_not_empty", error.to_string())
            .with_hint("copy into a new, empty database (PostgreSQL: CREATE DATABASE; SQLite: a new file); nothing was written"),
        CopyError::SourceEmpty => Error::invalid("source_empty", error.to_string())
            .with_hint("check the --from URL: a SQLite path that does not exist is a new, empty database"),
        CopyError::Schema { .. } => Error::invalid("schema_mismatch", error.to_string())
            .with_hint("run the copy with the ztd version that last migrated both databases; nothing was written"),
        CopyError::Mismatch { .. } => Error::conflict("copy_mismatch", error.to_string()).with_hint(
            "the target was written but does not read back as the source: do not use it; drop it and copy again",
        ),
        CopyError::Table { .. } => Error::Internal(format!("{error}; nothing was written to the target")),
        CopyError::Storage(storage) => storage.into(),
    })
}

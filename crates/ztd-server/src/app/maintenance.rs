//! The operator's care of the installation itself (docs/operations.md#backups): a consistent
//! copy of a SQLite database taken while the service runs.

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

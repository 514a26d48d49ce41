//! Which schema this build may run on (docs/operations.md#rolling-upgrades).
//!
//! Migrations are written expand-then-contract, so an instance of the previous release keeps
//! working on a database the new release has migrated: a migration only adds (tables, nullable
//! columns or columns with defaults, indexes, wider checks) unless it is a **contract**
//! migration, which removes or changes what older builds use. A contract migration says so in
//! its file name, `NNNN_contract_MMMM_<what>.sql`: it is safe for every build that knows
//! migration `MMMM` of the same backend (the expand migration after which nothing uses what
//! the contract removes). sqlx records the name as the migration's description
//! (`contract MMMM <what>`), which is all an older build can read of a migration it does not
//! have.
//!
//! At start, before migrating, a build compares the applied migrations with its own:
//! - a migration it does not know that is newer than all of its own is allowed, with a
//!   warning, unless it is a contract migration whose `MMMM` this build does not know;
//! - such a contract migration, or an unknown migration older than the build's newest (a
//!   database of another line of development), refuses the start with
//!   [`StorageError::SchemaTooNew`], naming the migration and the version to run.

use std::collections::BTreeSet;

use crate::StorageError;

/// The marker of a contract migration's description (its file name after the number).
const CONTRACT: &str = "contract ";

/// Applied migrations this build does not know, judged: `Ok` with the ones it may run beside
/// (to be logged as a warning), or why it must not start.
pub fn check_applied(
    known: &BTreeSet<i64>,
    applied: &[(i64, String)],
) -> Result<Vec<(i64, String)>, StorageError> {
    let newest_known = known.iter().next_back().copied().unwrap_or(0);
    let mut newer = Vec::new();
    for (version, description) in applied {
        if known.contains(version) {
            continue;
        }
        if *version < newest_known {
            return Err(StorageError::SchemaTooNew(format!(
                "the database has migration {version} ({description}), which this build of ztd does not have although it has later ones: it was migrated by another line of development; run the ztd build that made it (docs/operations.md#rolling-upgrades)"
            )));
        }
        if let Some(rest) = description.strip_prefix(CONTRACT) {
            let needs = rest.split(' ').next().and_then(|number| number.parse::<i64>().ok());
            match needs {
                Some(needed) if known.contains(&needed) => {}
                Some(needed) => {
                    return Err(StorageError::SchemaTooNew(format!(
                        "the database was migrated by a newer ztd whose migration {version} ({description}) removes what this build still uses; run a build that has migration {needed} or later (docs/operations.md#rolling-upgrades)"
                    )))
                }
                None => {
                    return Err(StorageError::SchemaTooNew(format!(
                        "the database was migrated by a newer ztd whose migration {version} ({description}) is a contract migration without the migration it needs in its name; run that newer ztd (docs/operations.md#rolling-upgrades)"
                    )))
                }
            }
        }
        newer.push((*version, description.clone()));
    }
    Ok(newer)
}

/// Runs `migrator` on `pool` after [`check_applied`]: migrations newer than this build that
/// only expand the schema are logged and left alone; an unsafe one refuses.
macro_rules! migrate_tolerating_newer {
    ($migrator:expr, $pool:expr) => {{
        let mut migrator = $migrator;
        let known: std::collections::BTreeSet<i64> = migrator.iter().map(|m| m.version).collect();
        // No table yet (a new database) reads as nothing applied.
        let applied: Vec<(i64, String)> =
            sqlx::query_as("SELECT version, description FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all($pool)
                .await
                .unwrap_or_default();
        let newer = crate::migrations::check_applied(&known, &applied)?;
        if !newer.is_empty() {
            let list: Vec<String> = newer.iter().map(|(v, d)| format!("{v} ({d})")).collect();
            tracing::warn!(
                migrations = %list.join(", "),
                "the database has migrations newer than this build of ztd; they only add to the schema, so this build runs on it (docs/operations.md#rolling-upgrades). Upgrade this instance soon"
            );
            migrator.set_ignore_missing(true);
        }
        migrator.run($pool).await?;
    }};
}
pub(crate) use migrate_tolerating_newer;

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> BTreeSet<i64> {
        (1..=11).collect()
    }

    fn applied(extra: &[(i64, &str)]) -> Vec<(i64, String)> {
        let mut all: Vec<(i64, String)> = (1..=11).map(|v| (v, format!("m{v}"))).collect();
        all.extend(extra.iter().map(|(v, d)| (*v, (*d).to_owned())));
        all
    }

    #[test]
    fn the_same_schema_and_newer_expand_migrations_are_accepted() {
        assert!(check_applied(&known(), &applied(&[])).unwrap().is_empty());
        let newer =
            check_applied(&known(), &applied(&[(12, "add device colour"), (13, "contract 11 drop x")]))
                .unwrap();
        assert_eq!(newer.len(), 2);
    }

    #[test]
    fn a_contract_this_build_is_not_ready_for_is_refused_by_name() {
        let error = check_applied(&known(), &applied(&[(12, "add y"), (13, "contract 12 drop x")]))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("migration 13 (contract 12 drop x)") && error.contains("migration 12 or later"),
            "{error}"
        );
        let error = check_applied(&known(), &applied(&[(12, "contract drop x")])).unwrap_err().to_string();
        assert!(error.contains("migration 12"), "{error}");
    }

    #[test]
    fn an_unknown_migration_older_than_the_builds_newest_is_refused() {
        let mut set = known();
        set.remove(&7);
        let error = check_applied(&set, &applied(&[])).unwrap_err().to_string();
        assert!(error.contains("migration 7"), "{error}");
    }
}

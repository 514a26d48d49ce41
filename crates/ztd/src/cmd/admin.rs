//! `ztd admin`: operator tasks straight on the database (created and migrated when new). The
//! same use cases as the API (`ztd_server::app::accounts`), audited as the operator.

use std::process::ExitCode;

use anyhow::Context;
use uuid::Uuid;
use ztd_server::app::access::{Operator, OrgScope};
use ztd_server::app::accounts::{self, Domain, Email, KeyName, OrgName};
use ztd_server::app::maintenance;
use ztd_storage::{OrgKind, Role};

use super::serve::{redact, DatabaseArgs};

#[derive(clap::Subcommand, Debug)]
#[allow(clippy::enum_variant_names)] // the names are the stable subcommands of docs/domain.md#command-line
pub enum AdminCommand {
    /// Create an organisation (tenant); prints its id.
    CreateOrg(CreateOrgArgs),
    /// Create a user with a one-time password (changed at first sign-in); prints both.
    CreateUser(CreateUserArgs),
    /// Create an API key; prints the key once (only its hash is stored).
    CreateApiKey(CreateApiKeyArgs),
    /// Disable a user: no more sign-in, their sessions end.
    DisableUser(UserArgs),
    /// Let a disabled user sign in again, with their password as it was.
    EnableUser(UserArgs),
    /// Give a user another role: admin, registrar or reader (their sessions carry it at once).
    SetRole(SetRoleArgs),
    /// Issue a new one-time password (valid 7 days); prints it once; the user's sessions end.
    ResetPassword(UserArgs),
    /// Copy a SQLite database to a new file while ztd serves it (consistent: one moment of the
    /// database), then check the copy. PostgreSQL: use pg_dump (docs/operations.md#backups).
    Backup(BackupArgs),
    /// Put a backup in place of a SQLite database (stop `ztd serve` first): the backup is
    /// checked, then copied next to the target and renamed over it.
    Restore(RestoreArgs),
    /// Copy a whole installation into a new, empty database, SQLite or PostgreSQL on either
    /// side (ids kept), then verify it (row counts and SHA-256 per table, both sides). The
    /// source's writers wait while it runs (docs/operations.md#copy-database).
    CopyDatabase(CopyDatabaseArgs),
}

#[derive(clap::Args, Debug)]
pub struct CopyDatabaseArgs {
    /// The installation to copy: `sqlite://PATH` or `postgres://USER@HOST/DB`, as `ztd serve
    /// --database-url` takes it. Migrated to this version first.
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The database to fill: migrated, and refused unless it holds no rows. A PostgreSQL
    /// database must exist (`CREATE DATABASE`); a SQLite file is created.
    #[arg(long, value_name = "URL")]
    pub to: String,
    #[command(flatten)]
    pub output: Output,
}

#[derive(clap::Args, Debug)]
pub struct BackupArgs {
    /// The new file to write (never overwritten).
    #[arg(long, value_name = "FILE")]
    pub to: std::path::PathBuf,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub output: Output,
}

#[derive(clap::Args, Debug)]
pub struct RestoreArgs {
    /// The backup file (`ztd admin backup --to FILE`).
    #[arg(long, value_name = "FILE")]
    pub from: std::path::PathBuf,
    /// Replace an existing database at `--database-url` (its -wal and -shm files go too).
    #[arg(long)]
    pub replace: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub output: Output,
}

/// The file of a `sqlite:` URL (or plain path); `None` for PostgreSQL.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return None;
    }
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    Some(std::path::PathBuf::from(path.split('?').next().unwrap_or(path)))
}

/// Checks a database file; refuses one that is not sound or not ztd's.
async fn checked(path: &std::path::Path) -> anyhow::Result<ztd_storage::FileSummary> {
    let summary = ztd_storage::SqliteDatabase::inspect(path)
        .await
        .with_context(|| format!("cannot read {} as a SQLite database", path.display()))?;
    anyhow::ensure!(summary.integrity == "ok", "{} is damaged: {}", path.display(), summary.integrity);
    anyhow::ensure!(
        summary.migration.is_some(),
        "{} is not a ztd database (it has no migrations)",
        path.display()
    );
    Ok(summary)
}

fn print_summary(json: bool, what: &str, path: &std::path::Path, summary: &ztd_storage::FileSummary) {
    if json {
        let rows: serde_json::Map<String, serde_json::Value> =
            summary.rows.iter().map(|(table, count)| (table.clone(), (*count).into())).collect();
        println!(
            "{}",
            serde_json::json!({ "file": path, "integrity": summary.integrity, "migration": summary.migration, "rows": rows })
        );
    } else {
        let rows: Vec<String> =
            summary.rows.iter().map(|(table, count)| format!("{count} {table}")).collect();
        println!(
            "{what} {}: integrity {}, schema version {}; {}",
            path.display(),
            summary.integrity,
            summary.migration.unwrap_or_default(),
            rows.join(", ")
        );
    }
}

#[derive(clap::Args, Debug)]
pub struct UserArgs {
    /// The user's email.
    #[arg(long)]
    pub email: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub output: Output,
}

#[derive(clap::Args, Debug)]
pub struct SetRoleArgs {
    #[command(flatten)]
    pub user: UserArgs,
    /// admin, registrar or reader.
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
}

#[derive(clap::Args, Debug)]
pub struct Output {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct CreateOrgArgs {
    /// customer, partner, oem, or operator (the platform operator's own organisation).
    #[arg(long, value_parser = parse_kind)]
    pub kind: OrgKind,
    #[arg(long)]
    pub name: String,
    /// The tenant's DNS domain, e.g. contoso.com.
    #[arg(long)]
    pub domain: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub output: Output,
}

#[derive(clap::Args, Debug)]
pub struct CreateUserArgs {
    /// Organisation id.
    #[arg(long)]
    pub org: Uuid,
    #[arg(long)]
    pub email: String,
    /// admin, registrar or reader.
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub output: Output,
}

#[derive(clap::Args, Debug)]
pub struct CreateApiKeyArgs {
    /// Organisation id.
    #[arg(long)]
    pub org: Uuid,
    /// admin, registrar or reader.
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
    /// A label, e.g. "factory line 3".
    #[arg(long)]
    pub name: String,
    /// Days the key works, 1 to 730 (default 365); then it is refused like a revoked one.
    #[arg(long)]
    pub expires_in_days: Option<u32>,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub output: Output,
}

fn parse_kind(text: &str) -> Result<OrgKind, String> {
    OrgKind::parse(text)
        .ok_or_else(|| format!("{text:?} is not a kind; use customer, partner, oem or operator"))
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("{text:?} is not a role; use admin, registrar or reader"))
}

pub fn run(command: AdminCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(execute(command))?;
    Ok(ExitCode::SUCCESS)
}

/// The messages name the bad value already; keep them as they are.
fn service_error(error: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{error}")
}

/// The user of `email` and their organisation, as the operator reaches them.
async fn user_by_email(
    database: &DatabaseArgs,
    email: &str,
) -> anyhow::Result<(OrgScope, ztd_storage::User)> {
    let email = Email::parse(email).map_err(service_error)?;
    let operator = Operator::cli(database.connect().await?);
    operator.user_by_email(email.as_str()).await.map_err(service_error)
}

async fn execute(command: AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateOrg(args) => {
            let name = OrgName::parse(&args.name).map_err(service_error)?;
            let domain = args.domain.as_deref().map(Domain::parse).transpose().map_err(service_error)?;
            let operator = Operator::cli(args.database.connect().await?);
            let org = accounts::create_org(&operator, args.kind, &name, domain.as_ref())
                .await
                .map_err(service_error)?;
            if args.output.json {
                println!("{}", serde_json::json!({ "id": org.id }));
            } else {
                println!("created {} organisation {:?}: {}", org.kind, org.name, org.id);
            }
        }
        AdminCommand::CreateUser(args) => {
            let email = Email::parse(&args.email).map_err(service_error)?;
            let operator = Operator::cli(args.database.connect().await?);
            let org = operator.org_scope(args.org).await.map_err(service_error)?;
            let created = accounts::create_user(&org, &email, args.role).await.map_err(service_error)?;
            if args.output.json {
                println!("{}", serde_json::json!({ "id": created.user.id, "password": created.password }));
            } else {
                println!(
                    "created {} user {} ({})\none-time password: {}\n(changed at first sign-in; not shown again)",
                    created.user.role, created.user.email, created.user.id, created.password
                );
            }
        }
        AdminCommand::DisableUser(args) => {
            let (org, user) = user_by_email(&args.database, &args.email).await?;
            accounts::disable_user(&org, user.id).await.map_err(service_error)?;
            if args.output.json {
                println!("{}", serde_json::json!({ "id": user.id, "disabled": true }));
            } else {
                println!("disabled user {} ({}); their sessions have ended", user.email, user.id);
            }
        }
        AdminCommand::EnableUser(args) => {
            let (org, user) = user_by_email(&args.database, &args.email).await?;
            anyhow::ensure!(
                user.disabled_at.is_some(),
                "user {} is not disabled: they can sign in already (`reset-password` if they forgot the password)",
                user.email
            );
            accounts::enable_user(&org, user.id).await.map_err(service_error)?;
            if args.output.json {
                println!("{}", serde_json::json!({ "id": user.id, "enabled": true }));
            } else {
                println!(
                    "enabled user {} ({}); they sign in with their password as it was",
                    user.email, user.id
                );
            }
        }
        AdminCommand::SetRole(SetRoleArgs { user: args, role }) => {
            let (org, user) = user_by_email(&args.database, &args.email).await?;
            let changed = accounts::change_role(&org, user.id, role).await.map_err(service_error)?;
            if args.output.json {
                println!("{}", serde_json::json!({ "id": changed.id, "role": changed.role }));
            } else {
                println!(
                    "user {} ({}) is now {} (was {})",
                    changed.email, changed.id, changed.role, user.role
                );
            }
        }
        AdminCommand::ResetPassword(args) => {
            let (org, user) = user_by_email(&args.database, &args.email).await?;
            let password = accounts::reset_password(&org, user.id).await.map_err(service_error)?.password;
            if args.output.json {
                println!("{}", serde_json::json!({ "id": user.id, "password": password }));
            } else {
                println!(
                    "new one-time password for {} ({}): {}\n(valid 7 days, changed at the next sign-in; not shown again; their sessions have ended)",
                    user.email, user.id, password
                );
            }
        }
        AdminCommand::Backup(args) => {
            if sqlite_file(&args.database.database_url).is_none() {
                anyhow::bail!(
                    "a PostgreSQL database is backed up with its own tools: pg_dump, or continuous archiving for point-in-time recovery (docs/operations.md#backups)"
                );
            }
            let operator = Operator::cli(args.database.connect().await?);
            maintenance::backup(&operator, &args.to).await.map_err(service_error)?;
            let summary = checked(&args.to).await?;
            print_summary(args.output.json, "backup written to", &args.to, &summary);
        }
        AdminCommand::Restore(args) => {
            let target = sqlite_file(&args.database.database_url).context(
                "restore puts a SQLite backup in place; a PostgreSQL database is restored with pg_restore (docs/operations.md#backups)",
            )?;
            let summary = checked(&args.from).await?;
            if target.exists() && !args.replace {
                anyhow::bail!(
                    "{} exists; stop every `ztd serve` using it and pass --replace to put the backup in its place",
                    target.display()
                );
            }
            if let Some(dir) = target.parent().filter(|dir| !dir.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            }
            // Copied next to the target, flushed, then renamed over it: the target is either
            // the old database or the whole backup, never half of one.
            let staging = target.with_extension("restoring");
            std::fs::copy(&args.from, &staging)
                .with_context(|| format!("cannot write {}", staging.display()))?;
            std::fs::File::open(&staging)?.sync_all()?;
            for suffix in ["-wal", "-shm"] {
                let side = std::path::PathBuf::from(format!("{}{suffix}", target.display()));
                if side.exists() {
                    std::fs::remove_file(&side)
                        .with_context(|| format!("cannot remove {}", side.display()))?;
                }
            }
            std::fs::rename(&staging, &target)
                .with_context(|| format!("cannot move the backup to {}", target.display()))?;
            print_summary(args.output.json, "restored", &target, &summary);
        }
        AdminCommand::CopyDatabase(args) => copy_database(args).await?,
        AdminCommand::CreateApiKey(args) => {
            let name = KeyName::parse(&args.name).map_err(service_error)?;
            let operator = Operator::cli(args.database.connect().await?);
            let org = operator.org_scope(args.org).await.map_err(service_error)?;
            let created = accounts::create_api_key(&org, &name, args.role, args.expires_in_days)
                .await
                .map_err(service_error)?;
            let expires_at = created.key.expires_at.map(|at| at.to_rfc3339());
            if args.output.json {
                println!(
                    "{}",
                    serde_json::json!({ "id": created.key.id, "key": created.secret, "expires_at": expires_at })
                );
            } else {
                println!(
                    "created {} API key {:?} ({}), working until {}\nkey: {}\n(send as `Authorization: Bearer <key>`; not shown again)",
                    created.key.role,
                    created.key.name,
                    created.key.id,
                    expires_at.as_deref().unwrap_or("revoked"),
                    created.secret
                );
            }
        }
    }
    Ok(())
}

async fn copy_database(args: CopyDatabaseArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.from != args.to,
        "--from and --to name the same database ({}); copy into a new, empty one",
        redact(&args.to)
    );
    if let Some(file) = sqlite_file(&args.from) {
        anyhow::ensure!(
            file.exists(),
            "there is no database at {} (--from); give the path `ztd serve --database-url` uses",
            file.display()
        );
    }
    let source = Operator::cli(DatabaseArgs { database_url: args.from.clone() }.connect().await?);
    let target = Operator::cli(DatabaseArgs { database_url: args.to.clone() }.connect().await?);
    let mut progress = CopyProgress::new(args.output.json);
    let result = maintenance::copy_database(&source, &target, &mut progress).await;
    progress.clear();
    let report = result.map_err(service_error)?;
    if args.output.json {
        println!(
            "{}",
            serde_json::json!({
                "source_backend": report.source_backend,
                "target_backend": report.target_backend,
                "tables": report.tables,
                "rows": report.total_rows(),
                "not_copied": report.not_copied,
                "verified": true,
            })
        );
    } else {
        println!(
            "copied {} → {}: {} tables, {} rows",
            report.source_backend,
            report.target_backend,
            report.tables.len(),
            report.total_rows()
        );
        println!(
            "verified: the row count and the SHA-256 of the rows of every table are the same on both sides"
        );
        for sum in &report.tables {
            println!("  {:<20} {:>10} rows  sha256 {}", sum.table, sum.rows, sum.sha256);
        }
        for table in &report.not_copied {
            println!("  {table:<20} not copied (see docs/operations.md#copy-database)");
        }
        println!(
            "next: stop every `ztd serve` on the source, then start them with --database-url {}",
            redact(&args.to)
        );
    }
    Ok(())
}

/// The copy's progress on standard error: a bar per table on a terminal, a line per table
/// (and every tenth of a large one) otherwise; nothing with `--json`.
struct CopyProgress {
    json: bool,
    bar: Option<indicatif::ProgressBar>,
    table: &'static str,
    phase: maintenance::Phase,
    total: u64,
    next_line: u64,
}

impl CopyProgress {
    fn new(json: bool) -> Self {
        use std::io::IsTerminal;
        let bar = (!json && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(0);
            if let Ok(style) = indicatif::ProgressStyle::with_template("{msg:<28} {bar:40} {pos}/{len} rows")
            {
                bar.set_style(style);
            }
            bar
        });
        Self { json, bar, table: "", phase: maintenance::Phase::Copy, total: 0, next_line: 0 }
    }

    fn verb(&self) -> &'static str {
        match self.phase {
            maintenance::Phase::Copy => "copying",
            maintenance::Phase::Verify => "verifying",
        }
    }

    fn clear(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl maintenance::Progress for CopyProgress {
    fn start(&mut self, phase: maintenance::Phase, table: &'static str, rows: u64) {
        (self.phase, self.table, self.total) = (phase, table, rows);
        self.next_line = rows / 10;
        match &self.bar {
            Some(bar) => {
                bar.set_message(format!("{} {table}", self.verb()));
                bar.set_length(rows);
                bar.set_position(0);
            }
            None if !self.json => eprintln!("{} {table}: {rows} rows", self.verb()),
            None => {}
        }
    }

    fn advance(&mut self, done: u64) {
        match &self.bar {
            Some(bar) => bar.set_position(done),
            None if !self.json && self.total >= 10_000 && done >= self.next_line && done < self.total => {
                eprintln!("{} {}: {done}/{} rows", self.verb(), self.table, self.total);
                self.next_line = done + self.total / 10;
            }
            None => {}
        }
    }

    fn finish(&mut self, phase: maintenance::Phase, sum: &maintenance::TableSum) {
        if self.bar.is_none() && !self.json {
            let what = match phase {
                maintenance::Phase::Copy => "copied",
                maintenance::Phase::Verify => "verified",
            };
            eprintln!("{what} {}: {} rows, sha256 {}", sum.table, sum.rows, sum.sha256);
        }
    }
}

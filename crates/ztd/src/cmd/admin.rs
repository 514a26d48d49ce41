//! `ztd admin`: operator tasks straight on the database (created and migrated when new). The
//! same use cases as the API (`ztd_server::app::accounts`), audited as the operator.

use std::process::ExitCode;

use anyhow::Context;
use uuid::Uuid;
use ztd_server::app::access::Operator;
use ztd_server::app::accounts::{self, Domain, Email, KeyName, OrgName};
use ztd_storage::{OrgKind, Role};

use super::serve::DatabaseArgs;

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
    /// Issue a new one-time password (valid 7 days); prints it once; the user's sessions end.
    ResetPassword(UserArgs),
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
            let email = Email::parse(&args.email).map_err(service_error)?;
            let operator = Operator::cli(args.database.connect().await?);
            let (org, user) = operator.user_by_email(email.as_str()).await.map_err(service_error)?;
            accounts::disable_user(&org, user.id).await.map_err(service_error)?;
            if args.output.json {
                println!("{}", serde_json::json!({ "id": user.id, "disabled": true }));
            } else {
                println!("disabled user {} ({}); their sessions have ended", user.email, user.id);
            }
        }
        AdminCommand::ResetPassword(args) => {
            let email = Email::parse(&args.email).map_err(service_error)?;
            let operator = Operator::cli(args.database.connect().await?);
            let (org, user) = operator.user_by_email(email.as_str()).await.map_err(service_error)?;
            let password = accounts::reset_password(&org, user.id).await.map_err(service_error)?;
            if args.output.json {
                println!("{}", serde_json::json!({ "id": user.id, "password": password }));
            } else {
                println!(
                    "new one-time password for {} ({}): {}\n(valid 7 days, changed at the next sign-in; not shown again; their sessions have ended)",
                    user.email, user.id, password
                );
            }
        }
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

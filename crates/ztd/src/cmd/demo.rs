//! `ztd demo`: fills an empty database with a living example — the operator, a partner, two
//! customers, an accepted relationship, a custom profile and a few hundred generated devices —
//! prints how each person signs in, then serves (like `ztd serve`, same flags).
//!
//! Everything goes through the service's use cases, as every channel does: organisations and
//! users as `ztd admin` makes them (`app::accounts`), then the invitation, its acceptance, the
//! profile and the device batches with each organisation's admin as the caller, so the access
//! layer checks each step, the audit trail shows who did what, and the devices are registered
//! by the batch workers exactly as an upload's would be.

use std::process::ExitCode;

use anyhow::Context;
use ztd_domain::profile::{POWER_USER_TAG, SENSITIVE_DATA_TAG, STANDARD_TAG};
use ztd_domain::synth::{self, SyntheticDevice};
use ztd_server::app::access::{Access, Actor, Caller, Operator};
use ztd_server::app::accounts::{self, CreatedUser, Domain, Email, OrgName};
use ztd_server::app::consent::{self, NewInvitation};
use ztd_server::app::profiles::{self, NewProfile};
use ztd_server::app::registration::{self, BatchOptions, Upload};
use ztd_server::worker::BatchWakeup;
use ztd_server::Config;
use ztd_storage::{ActorKind, OrgKind, Organisation, Role};

use super::serve::ServeArgs;

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Devices generated for Contoso (registered by the partner); Northwind registers a quarter
    /// as many itself.
    #[arg(long, default_value_t = 240, value_parser = clap::value_parser!(u32).range(4..=100_000))]
    pub devices: u32,
    /// Seed of the generated devices (same seed, same devices).
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Fill the database and exit without serving (the batches are processed by the next
    /// `ztd serve` on this database).
    #[arg(long)]
    pub no_serve: bool,
}

/// A person of the demo and the one-time password to sign in with.
struct Login {
    role: &'static str,
    org: String,
    user: CreatedUser,
}

/// What the demo made, to print.
struct Demo {
    logins: Vec<Login>,
    pending_invitation_url: String,
    partner_devices: usize,
    own_devices: usize,
}

pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let demo = match runtime.block_on(fill(&args)) {
        Ok(demo) => demo,
        Err(error) if error.downcast_ref::<NotEmpty>().is_some() => {
            eprintln!("error: {error:#}");
            return Ok(ExitCode::from(2));
        }
        Err(error) => return Err(error),
    };
    drop(runtime);
    print(&demo, &args);
    if args.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    super::serve::run(args.serve)
}

/// The database already holds data: the demo never mixes its people into a real installation.
#[derive(Debug, thiserror::Error)]
#[error(
    "the database {url} is not empty ({orgs} organisations): `ztd demo` only fills an empty database\n\
     hint: point it at a new one, e.g. `ztd demo --database-url sqlite://./ztd-demo/ztd.db`"
)]
struct NotEmpty {
    url: String,
    orgs: i64,
}

fn caller(org: &Organisation, user: &CreatedUser) -> Caller {
    Caller {
        org: org.clone(),
        role: user.user.role,
        actor: Actor { kind: ActorKind::User, id: user.user.id, label: user.user.email.clone() },
        request_id: None,
        session: None,
    }
}

async fn org_with_admin(
    operator: &Operator,
    kind: OrgKind,
    name: &str,
    domain: Option<&str>,
    email: &str,
) -> anyhow::Result<(Organisation, CreatedUser)> {
    let domain = domain.map(Domain::parse).transpose()?;
    let org = accounts::create_org(operator, kind, &OrgName::parse(name)?, domain.as_ref()).await?;
    let scope = operator.org_scope(org.id).await?;
    let admin = accounts::create_user(&scope, &Email::parse(email)?, Role::Admin).await?;
    Ok((org, admin))
}

/// Queues one batch of `devices` tagged `tag` into `customer`, as `access`'s organisation.
async fn register(
    access: &Access,
    config: &Config,
    customer: &Organisation,
    tag: &str,
    devices: &[SyntheticDevice],
) -> anyhow::Result<()> {
    let options = BatchOptions {
        group_tag: Some(tag.to_owned()),
        allow_unknown_tags: None,
        idempotency_key: None,
        order: Default::default(),
        limits: config.json_batch_limits(),
    };
    let devices = devices.iter().map(|device| device.to_input(None)).collect();
    // The workers of the `ztd serve` that follows pick the batch up; nobody to wake here.
    let submission = registration::begin(access, customer.id).await?;
    submission.submit(Upload::Devices(devices), options, &BatchWakeup::default()).await?;
    Ok(())
}

async fn fill(args: &DemoArgs) -> anyhow::Result<Demo> {
    let serve = &args.serve;
    let db = serve.database.connect().await?;
    let orgs = i64::try_from(db.list_orgs().await?.len())?;
    if orgs > 0 {
        return Err(NotEmpty { url: serve.database.database_url.clone(), orgs }.into());
    }
    let config = serve.config();
    let operator = Operator::cli(db.clone());

    let operator_email =
        Email::parse(&serve.operator_email).map_err(|error| anyhow::anyhow!("--operator-email: {error}"))?;
    let bootstrap = accounts::bootstrap_operator(&operator, &operator_email)
        .await?
        .context("the database filled up while the demo started")?;
    let (partner, partner_admin) =
        org_with_admin(&operator, OrgKind::Partner, "Fabrikam Devices", None, "pat@fabrikam.example").await?;
    let (contoso, contoso_admin) =
        org_with_admin(&operator, OrgKind::Customer, "Contoso", Some("contoso.com"), "carla@contoso.example")
            .await?;
    let (northwind, northwind_admin) = org_with_admin(
        &operator,
        OrgKind::Customer,
        "Northwind Traders",
        Some("northwind.example"),
        "nina@northwind.example",
    )
    .await?;

    let partner_access = operator.act_as(caller(&partner, &partner_admin));
    let contoso_access = operator.act_as(caller(&contoso, &contoso_admin));
    let northwind_access = operator.act_as(caller(&northwind, &northwind_admin));

    // Consent: Fabrikam invites Contoso, Contoso's admin accepts; Northwind's link stays open.
    let invite = |customer_id| NewInvitation {
        customer_id: Some(customer_id),
        reusable: None,
        expires_in_days: config.invitation_expiry_days,
    };
    let link = consent::create_invitation(&partner_access, invite(contoso.id)).await?;
    consent::accept_invitation(&contoso_access, &link.token).await?;
    let pending = consent::create_invitation(&partner_access, invite(northwind.id)).await?;

    // A custom profile besides the three built-in managed-desktop ones.
    let kiosk_settings =
        serde_json::json!({ "deployment_mode": "self_deploying", "device_name_template": "KSK-%RAND:5%" });
    let kiosk = NewProfile {
        name: "Kiosk".into(),
        group_tag: "ContosoKiosk_".into(),
        settings: kiosk_settings.as_object().cloned(),
    };
    profiles::create(&contoso_access, contoso.id, kiosk).await?;

    // Devices: Fabrikam registers Contoso's, split over the profiles; Northwind its own.
    let total = args.devices as usize;
    let devices: Vec<SyntheticDevice> = synth::generate(args.seed, total + total / 4).collect();
    let (for_contoso, for_northwind) = devices.split_at(total);
    let cuts = [total * 6 / 10, total * 8 / 10, total * 9 / 10, total];
    let tags = [STANDARD_TAG, POWER_USER_TAG, SENSITIVE_DATA_TAG, "ContosoKiosk_"];
    let mut start = 0;
    for (end, tag) in cuts.into_iter().zip(tags) {
        if end > start {
            register(&partner_access, &config, &contoso, tag, &for_contoso[start..end]).await?;
        }
        start = end;
    }
    register(&northwind_access, &config, &northwind, STANDARD_TAG, for_northwind).await?;

    let operator_name = bootstrap.operator_org.name.clone();
    Ok(Demo {
        logins: vec![
            Login { role: "operator", org: operator_name, user: bootstrap.admin },
            Login { role: "partner admin", org: partner.name.clone(), user: partner_admin },
            Login { role: "customer admin", org: contoso.name.clone(), user: contoso_admin },
            Login { role: "customer admin", org: northwind.name.clone(), user: northwind_admin },
        ],
        pending_invitation_url: pending.url(config.public_base()),
        partner_devices: for_contoso.len(),
        own_devices: for_northwind.len(),
    })
}

fn print(demo: &Demo, args: &DemoArgs) {
    let config = args.serve.config();
    println!("\nztd demo: the database is filled.\n");
    println!("  {:<16} {:<20} {:<26} one-time password", "who", "organisation", "email");
    for login in &demo.logins {
        println!(
            "  {:<16} {:<20} {:<26} {}",
            login.role, login.org, login.user.user.email, login.user.password
        );
    }
    println!(
        "\nEach person chooses their own password at the first sign-in; the passwords above are not shown again.\n\
         - Fabrikam Devices (partner) registered {partner} devices into Contoso, which accepted its invitation.\n\
         - Northwind Traders registered {own} devices itself; Fabrikam's invitation to it is still open:\n    {link}\n\
         - Contoso has the three managed-desktop profiles and a custom \"Kiosk\" profile.",
        partner = demo.partner_devices,
        own = demo.own_devices,
        link = demo.pending_invitation_url,
    );
    if args.no_serve {
        println!("\nThe device batches are queued; `ztd serve` on this database registers them.\n");
    } else {
        println!("\nPortal: {}/  (the device batches are registered within seconds)\n", config.public_base());
    }
}

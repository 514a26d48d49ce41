//! `ztd upload`: checks a device CSV locally, uploads it to a ztd server as one device batch,
//! follows the batch with a progress bar and prints every failed row with its fix hint.
//!
//! Exit codes: 0 every row registered (assigned or unassigned), 1 the file has problems (nothing
//! sent) or a row failed, 2 the upload could not happen (unreadable file, no API key, refused
//! key, no relationship with the customer, server unreachable).
//!
//! `--dry-run` asks the server to check the file as the real run would, the database included
//! (docs/domain.md#dry-run), and registers nothing: exit 0 when every row would register, 1 when
//! one would fail. A batch the customer must approve first (docs/domain.md#approval-queue) is
//! reported as waiting (exit 0); a rejected one as failed rows (exit 1).

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reqwest::StatusCode;
use serde::Serialize;
use ztd_domain::csv::{self, Diagnostic, ReadOptions};
use ztd_server::api::batches::{BatchView, DryRunView, RowResult};
use ztd_storage::{BatchStatus, ItemStatus};

/// Environment variable holding the API key (never a flag: flags show up in `ps`).
pub const API_KEY_ENV: &str = "ZTD_API_KEY";

#[derive(clap::Args)]
#[command(after_help = "The API key is read from ZTD_API_KEY (registrar role or higher).\n\
Exit codes: 0 every row registered; 1 the file has problems (nothing is sent) or a row failed;\n\
2 the upload could not happen (unreadable file, missing or refused key, no relationship with\n\
the customer, server unreachable).")]
pub struct UploadArgs {
    /// Base URL of the ztd server, e.g. https://ztd.example.com
    #[arg(long, env = "ZTD_SERVER", value_name = "URL")]
    server: String,
    /// Id of the customer organisation the devices are registered into.
    #[arg(long, value_name = "ID")]
    customer: String,
    /// Group tag of the batch, matched exactly (case, trailing underscore) against the
    /// customer's profiles; a row's own Group Tag column overrides it. "" registers the
    /// devices unassigned.
    #[arg(long, value_name = "TAG")]
    group_tag: String,
    /// Register devices whose tag matches no profile, unassigned, instead of failing them.
    #[arg(long)]
    allow_unknown_tags: bool,
    /// Sent as `Idempotency-Key`: re-running with the same key returns the first batch
    /// instead of registering the file twice.
    #[arg(long, value_name = "KEY")]
    idempotency_key: Option<String>,
    /// Print one JSON document instead of text.
    #[arg(long)]
    json: bool,
    /// Check everything a real upload would, the server's database included, and register
    /// nothing: prints each row that would fail.
    #[arg(long)]
    dry_run: bool,
    /// Order number the devices ship under (shown with each device, filterable).
    #[arg(long, value_name = "TEXT")]
    order_number: Option<String>,
    /// The customer's purchase order.
    #[arg(long, value_name = "TEXT")]
    purchase_order: Option<String>,
    /// Ship date, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    ship_date: Option<String>,
    /// Give up waiting for the batch after this many seconds (it keeps running on the server).
    #[arg(long, default_value_t = 3600, value_name = "SECONDS")]
    timeout: u64,
    /// The device CSV file (Partner Center, Autopilot/Intune or MMD format).
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

/// Why the upload could not happen (exit code 2).
#[derive(Debug, Serialize)]
struct Refusal {
    code: String,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
}

impl Refusal {
    fn new(code: &str, message: impl Into<String>, hint: Option<String>) -> Self {
        Self { code: code.to_owned(), message: message.into(), hint }
    }
}

/// `--json` output.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Report<'a> {
    Checked { file: &'a str, uploaded: bool, problems: &'a [Diagnostic] },
    Refused { file: &'a str, uploaded: bool, error: &'a Refusal },
    Finished { file: &'a str, uploaded: bool, batch: &'a BatchView, failures: &'a [RowResult] },
    DryRun { file: &'a str, uploaded: bool, dry_run: &'a DryRunView },
}

pub fn run(args: UploadArgs) -> anyhow::Result<ExitCode> {
    let name = args.file.display().to_string();
    let problems = match check_locally(&args) {
        Ok(problems) => problems,
        Err(refusal) => return Ok(refuse(&args, &name, &refusal)),
    };
    if !problems.is_empty() {
        print_problems(&args, &name, &problems)?;
        return Ok(ExitCode::from(1));
    }
    let Some(api_key) = std::env::var(API_KEY_ENV).ok().filter(|key| !key.trim().is_empty()) else {
        let refusal = Refusal::new(
            "missing_api_key",
            format!("no API key: set {API_KEY_ENV}"),
            Some(
                "create one with `ztd admin create-api-key` or in the portal (registrar role or higher)"
                    .into(),
            ),
        );
        return Ok(refuse(&args, &name, &refusal));
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    if args.dry_run {
        return match runtime.block_on(dry_run(&args, api_key.trim())) {
            Ok(checked) => {
                print_dry_run(&args, &name, &checked)?;
                Ok(ExitCode::from(if checked.failed > 0 { 1 } else { 0 }))
            }
            Err(refusal) => Ok(refuse(&args, &name, &refusal)),
        };
    }
    match runtime.block_on(upload(&args, api_key.trim())) {
        Ok((batch, failures)) => {
            print_outcome(&args, &name, &batch, &failures)?;
            Ok(ExitCode::from(if batch.failed > 0 { 1 } else { 0 }))
        }
        Err(refusal) => Ok(refuse(&args, &name, &refusal)),
    }
}

/// The same checks as `ztd csv check`, before anything is sent.
fn check_locally(args: &UploadArgs) -> Result<Vec<Diagnostic>, Refusal> {
    let name = args.file.display();
    let file = File::open(&args.file)
        .map_err(|error| Refusal::new("unreadable_file", format!("cannot open {name}: {error}"), None))?;
    let (summary, problems) = csv::check(std::io::BufReader::new(file), ReadOptions::default())
        .map_err(|error| Refusal::new("unreadable_file", format!("cannot read {name}: {error}"), None))?;
    let mut problems = problems;
    if args.allow_unknown_tags {
        // The caller accepts tags that match no profile; the server registers such devices
        // unassigned, so the offline managed-tag near-miss rule must not stop the upload.
        problems.retain(|problem| problem.code != csv::Code::GroupTagNearMiss);
    }
    if summary.unusable {
        let reason = problems.first().map_or_else(|| "not a device CSV".to_owned(), ToString::to_string);
        return Err(Refusal::new(
            "unusable_file",
            format!("{name}: {reason}"),
            problems.first().map(|d| d.hint.clone()),
        ));
    }
    Ok(problems)
}

fn print_problems(args: &UploadArgs, name: &str, problems: &[Diagnostic]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &Report::Checked { file: name, uploaded: false, problems })?;
        writeln!(out)?;
    } else {
        for problem in problems {
            writeln!(out, "{}", problem.render(name))?;
        }
        let count =
            if problems.len() == 1 { "1 problem".to_owned() } else { format!("{} problems", problems.len()) };
        writeln!(out, "{name}: {count}; nothing was uploaded (fix them, or try `ztd csv fix`)")?;
    }
    Ok(())
}

fn refuse(args: &UploadArgs, name: &str, refusal: &Refusal) -> ExitCode {
    if args.json {
        let report = Report::Refused { file: name, uploaded: false, error: refusal };
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        eprintln!("error: {}", refusal.message);
        if let Some(hint) = &refusal.hint {
            eprintln!("  hint: {hint}");
        }
    }
    ExitCode::from(2)
}

/// The batch request: the file streamed as the body, the options as query parameters.
async fn batch_request(
    args: &UploadArgs,
    api_key: &str,
    client: &reqwest::Client,
    dry_run: bool,
) -> Result<reqwest::RequestBuilder, Refusal> {
    let base = args.server.trim_end_matches('/');
    let file = tokio::fs::File::open(&args.file).await.map_err(|error| {
        Refusal::new("unreadable_file", format!("cannot open {}: {error}", args.file.display()), None)
    })?;
    let length = file.metadata().await.map(|m| m.len()).ok();
    let url = format!("{base}/api/v1/customers/{}/device-batches", args.customer);
    let mut query = vec![("group_tag", args.group_tag.clone())];
    if args.allow_unknown_tags {
        query.push(("allow_unknown_tags", "true".to_owned()));
    }
    if dry_run {
        query.push(("dry_run", "true".to_owned()));
    }
    for (name, value) in [
        ("order_number", &args.order_number),
        ("purchase_order", &args.purchase_order),
        ("ship_date", &args.ship_date),
    ] {
        if let Some(value) = value {
            query.push((name, value.clone()));
        }
    }
    let mut request = client
        .post(&url)
        .bearer_auth(api_key)
        .query(&query)
        .header(reqwest::header::CONTENT_TYPE, "text/csv")
        // Streamed from the file: a large upload is never read into memory.
        .body(reqwest::Body::from(file));
    if let Some(length) = length {
        request = request.header(reqwest::header::CONTENT_LENGTH, length);
    }
    if let Some(key) = args.idempotency_key.as_ref().filter(|_| !dry_run) {
        request = request.header("idempotency-key", key);
    }
    Ok(request)
}

fn http_client() -> Result<reqwest::Client, Refusal> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("ztd-upload/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|error| Refusal::new("client_error", format!("cannot set up HTTP: {error}"), None))
}

async fn dry_run(args: &UploadArgs, api_key: &str) -> Result<DryRunView, Refusal> {
    let base = args.server.trim_end_matches('/');
    let client = http_client()?;
    let request = batch_request(args, api_key, &client, true).await?;
    let response = request.send().await.map_err(|error| unreachable(base, &error))?;
    read_json(response, base).await
}

fn print_dry_run(args: &UploadArgs, name: &str, checked: &DryRunView) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(
            &mut out,
            &Report::DryRun { file: name, uploaded: false, dry_run: checked },
        )?;
        writeln!(out)?;
        return Ok(());
    }
    for row in checked.devices.iter().filter(|row| row.status == "would_fail") {
        let (code, message, hint) = row.error.as_ref().map_or(("failed", "", None), |error| {
            (error.code.as_str(), error.message.as_str(), error.hint.as_deref())
        });
        writeln!(out, "{name}:{}: error[{code}]: {message}", row.row)?;
        if let Some(hint) = hint {
            writeln!(out, "  hint: {hint}")?;
        }
    }
    writeln!(
        out,
        "dry run: {} of {} devices would register ({} with a profile, {} unassigned), {} would fail; nothing was registered",
        checked.registered + checked.unassigned,
        checked.total,
        checked.registered,
        checked.unassigned,
        checked.failed
    )?;
    if checked.awaiting_approval {
        writeln!(out, "note: the batch would wait for the customer's approval before anything registers")?;
    }
    Ok(())
}

async fn upload(args: &UploadArgs, api_key: &str) -> Result<(BatchView, Vec<RowResult>), Refusal> {
    let base = args.server.trim_end_matches('/');
    let client = http_client()?;
    let request = batch_request(args, api_key, &client, false).await?;
    let response = request.send().await.map_err(|error| unreachable(base, &error))?;
    let mut batch: BatchView = read_json(response, base).await?;

    let progress = progress_bar(batch.total, args.json);
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let batch_url = format!("{base}/api/v1/device-batches/{}", batch.id);
    let mut transient_failures = 0;
    // Waiting for the customer's approval is as far as an upload goes on its own.
    while !matches!(
        batch.status,
        BatchStatus::Finished
            | BatchStatus::FinishedWithErrors
            | BatchStatus::Rejected
            | BatchStatus::AwaitingApproval
    ) {
        progress.set_position(u64::try_from(batch.total - batch.pending).unwrap_or(0));
        if Instant::now() > deadline {
            progress.abandon();
            return Err(Refusal::new(
                "timeout",
                format!(
                    "batch {} is still {} after {} s; it keeps running on the server",
                    batch.id, batch.status, args.timeout
                ),
                Some(format!("follow it with GET {batch_url}")),
            ));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        let polled = client.get(&batch_url).bearer_auth(api_key).query(&[("limit", "1")]).send().await;
        match polled {
            Ok(response) => {
                batch = read_json(response, base).await?;
                transient_failures = 0;
            }
            // A blip while waiting is not worth failing the command for.
            Err(error) if transient_failures < 20 => {
                transient_failures += 1;
                progress.set_message(format!("(retrying: {error})"));
            }
            Err(error) => return Err(unreachable(base, &error)),
        }
    }
    progress.set_position(u64::try_from(batch.total).unwrap_or(0));
    progress.finish_and_clear();

    // Every failed row, page by page.
    let mut failures = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut page_query = vec![("limit", "10000".to_owned())];
        if let Some(cursor) = &cursor {
            page_query.push(("cursor", cursor.clone()));
        }
        let response = client
            .get(&batch_url)
            .bearer_auth(api_key)
            .query(&page_query)
            .send()
            .await
            .map_err(|error| unreachable(base, &error))?;
        let page: BatchView = read_json(response, base).await?;
        failures.extend(page.devices.iter().filter(|row| row.status == ItemStatus::Failed).cloned());
        cursor = page.next_cursor.clone();
        batch = BatchView { devices: Vec::new(), next_cursor: None, ..page };
        if cursor.is_none() {
            break;
        }
    }
    Ok((batch, failures))
}

fn progress_bar(total: i64, json: bool) -> ProgressBar {
    let bar = ProgressBar::new(u64::try_from(total).unwrap_or(0));
    // Only for a person watching: not in scripts, pipes or CI logs.
    if json || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    if let Ok(style) = ProgressStyle::with_template("registering {bar:40} {pos}/{len} devices {msg}") {
        bar.set_style(style);
    }
    bar
}

fn unreachable(base: &str, error: &reqwest::Error) -> Refusal {
    Refusal::new(
        "server_unreachable",
        format!("cannot reach the ztd server at {base}: {error}"),
        Some("check --server (or ZTD_SERVER) and that the service is running".into()),
    )
}

/// Decodes a success body, or turns the error envelope into the reason the upload failed.
async fn read_json<T: serde::de::DeserializeOwned>(
    response: reqwest::Response,
    base: &str,
) -> Result<T, Refusal> {
    let status = response.status();
    let text = response.text().await.map_err(|error| unreachable(base, &error))?;
    if status.is_success() {
        return serde_json::from_str(&text).map_err(|error| {
            Refusal::new(
                "unexpected_answer",
                format!("the server's answer ({status}) is not a batch: {error}"),
                None,
            )
        });
    }
    let envelope: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let error = &envelope["error"];
    let code = error["code"].as_str().unwrap_or("http_error");
    let mut message =
        error["message"].as_str().map_or_else(|| format!("the server answered {status}"), str::to_owned);
    let mut hint = error["hint"].as_str().map(str::to_owned);
    if status == StatusCode::UNAUTHORIZED {
        message = format!("the server refused the API key in {API_KEY_ENV}: {message}");
        hint = Some("check the key; it may be revoked or belong to another installation".into());
    }
    if let Some(diagnostics) = error["diagnostics"].as_array() {
        for diagnostic in diagnostics {
            message.push_str(&format!(
                "\n  line {}:{} [{}] {}",
                diagnostic["line"],
                diagnostic["column"],
                diagnostic["code"].as_str().unwrap_or(""),
                diagnostic["message"].as_str().unwrap_or("")
            ));
        }
    }
    Err(Refusal::new(code, format!("{message} (HTTP {})", status.as_u16()), hint))
}

fn print_outcome(
    args: &UploadArgs,
    name: &str,
    batch: &BatchView,
    failures: &[RowResult],
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(
            &mut out,
            &Report::Finished { file: name, uploaded: true, batch, failures },
        )?;
        writeln!(out)?;
        return Ok(());
    }
    for row in failures {
        let (code, message, hint) = row.error.as_ref().map_or(("failed", "", None), |error| {
            (error.code.as_str(), error.message.as_str(), error.hint.as_deref())
        });
        // Rows of a CSV batch are the file's line numbers.
        writeln!(out, "{name}:{}: error[{code}]: {message}", row.row)?;
        if let Some(hint) = hint {
            writeln!(out, "  hint: {hint}")?;
        }
    }
    if batch.status == BatchStatus::AwaitingApproval {
        writeln!(
            out,
            "batch {}: {} devices wait for the customer's approval; nothing is registered until one of its admins approves the batch",
            batch.id, batch.total
        )?;
        return Ok(());
    }
    if batch.status == BatchStatus::Rejected {
        writeln!(
            out,
            "batch {}: rejected by the customer{}; nothing was registered",
            batch.id,
            batch.rejection_reason.as_deref().map(|reason| format!(" ({reason})")).unwrap_or_default()
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "batch {}: {} of {} devices registered ({} with a profile, {} unassigned), {} failed",
        batch.id,
        batch.registered + batch.unassigned,
        batch.total,
        batch.registered,
        batch.unassigned,
        batch.failed
    )?;
    if batch.unassigned > 0 {
        writeln!(
            out,
            "note: unassigned devices get no profile at first boot until they are given a matching group tag"
        )?;
    }
    Ok(())
}

//! **Add devices**: the seed workflow. Pick the profile (its exact group tag), upload the CSV,
//! see every problem of the file *before* anything is registered, then watch the batch and
//! read (or download) each row's result.
//!
//! The upload is checked in two steps, both before a batch exists:
//! 1. the domain's CSV checker (`ztd_domain::csv::check`): encoding, header, every value rule,
//!    duplicates inside the file — the same rules and diagnostics as `ztd csv check`;
//! 2. each row's group tag (its own `Group Tag` cell, else the chosen profile's tag) against
//!    the customer's profiles, with the pipeline's own matcher (`pipeline::TagCatalog`), so a
//!    near miss is named with the tag it likely meant.
//!
//! Only a clean file is handed, unchanged, to the registration use case
//! ([`crate::app::registration`]): the same access check, intake, audit event and workers as
//! `POST /api/v1/customers/{id}/device-batches`.

use std::io::Read;
use std::path::PathBuf;

use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use bytes::Bytes;
use futures::StreamExt;
use maud::{html, Markup};
use tokio::io::AsyncWriteExt;
use tokio_util::io::ReaderStream;
use uuid::Uuid;
use ztd_domain::csv::{self, ReadOptions};
use ztd_storage::{BatchStatus, ItemStatus, Profile};

use super::customers::{customer_name, CustomerLink};
use super::error::{self, PortalError};
use super::session::{CsrfRefusal, Portal};
use super::view::{self, Section};
use crate::app::access::{self, Caller};
use crate::app::dry_run::{DryRun, Would, MAX_DRY_RUN_ROWS};
use crate::app::profiles;
use crate::app::registration::{
    self, BatchOptions, BatchPage, RowOutcome, RowsPage, Submission, Submitted, Upload,
};
use crate::error::ApiError;
use crate::pipeline::{TagCatalog, TagDecision};
use crate::state::AppState;

/// Rows of results shown on the batch page; the CSV download has all of them.
const ROWS_ON_PAGE: u32 = 1_000;
/// Rows per page of the streamed results CSV.
const ROWS_PER_EXPORT_PAGE: u32 = 1_000;
/// Seconds between reloads of a running batch's page.
const REFRESH_SECS: u32 = 2;
/// Past the upload limit the rest of the body is still read (and dropped) up to this much, so
/// the browser finishes sending and shows the refusal instead of a reset connection.
const DRAIN_BEYOND_LIMIT: usize = 64 * 1024 * 1024;
/// Cap on the small text fields of the upload form.
const MAX_TEXT_FIELD: usize = 4 * 1024;

/// One problem of an uploaded file, as the person sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub column: Option<u64>,
    pub code: String,
    pub message: String,
    pub hint: Option<String>,
}

/// What the checks found in an uploaded file.
#[derive(Debug, Default)]
pub struct Preflight {
    pub format: Option<String>,
    pub rows: u64,
    pub problems: Vec<Problem>,
}

/// Checks a file the way the batch will treat it, writing nothing. `open` gives a reader over
/// the file from its start (it is read twice). CPU-bound: run it on a blocking thread.
pub fn preflight<R: Read>(
    mut open: impl FnMut() -> std::io::Result<R>,
    tags: &TagCatalog,
    default_tag: Option<&str>,
    allow_unknown_tags: bool,
    max_rows: usize,
) -> std::io::Result<Preflight> {
    let options = ReadOptions { row_limit: u64::try_from(max_rows).unwrap_or(u64::MAX) };
    let (summary, diagnostics) = csv::check(open()?, options)?;
    let mut problems: Vec<Problem> = diagnostics
        .into_iter()
        // The tags are matched below against this customer's real profiles, which decides
        // better than the offline managed-tag guess (custom tags, allow_unknown_tags).
        .filter(|diagnostic| diagnostic.code != csv::Code::GroupTagNearMiss)
        .map(|diagnostic| Problem {
            line: diagnostic.line,
            column: Some(diagnostic.column),
            code: diagnostic.code.to_string(),
            message: diagnostic.message,
            hint: Some(diagnostic.hint).filter(|hint| !hint.is_empty()),
        })
        .collect();
    if summary.format.is_some() {
        // Tags of rows that are otherwise fine (rows with problems are reported already).
        if let Ok(reader) = csv::CsvReader::new(open()?, options) {
            for row in reader {
                let row = row?;
                let Ok(input) = row.result else { continue };
                let tag = input.group_tag.as_deref().filter(|tag| !tag.is_empty()).or(default_tag);
                if let TagDecision::Refused(error) = tags.decide(tag, allow_unknown_tags) {
                    problems.push(Problem {
                        line: row.line,
                        column: None,
                        code: error.code.as_str().to_owned(),
                        message: error.message,
                        hint: error.hint,
                    });
                }
            }
        }
    }
    problems.sort_by_key(|problem| (problem.line, problem.column.unwrap_or(u64::MAX)));
    Ok(Preflight {
        format: summary.format.map(|format| format.title().to_owned()),
        rows: summary.rows,
        problems,
    })
}

/// What the person chose on the form, kept when the form is shown again.
#[derive(Debug, Default, Clone)]
struct Choice {
    group_tag: String,
    allow_unknown_tags: bool,
    /// Register the rows that pass even when the database check found rows that would fail.
    register_passing: bool,
    order_number: String,
    purchase_order: String,
    ship_date: String,
}

/// Why the form is shown again.
enum Outcome<'a> {
    Fresh,
    MissingFile,
    TooLarge {
        limit: usize,
    },
    Refused {
        file_name: &'a str,
        preflight: &'a Preflight,
    },
    /// The file is sound but some rows would fail against the database (the dry run).
    WouldFail {
        file_name: &'a str,
        preflight: &'a Preflight,
        passing: usize,
    },
    Api(error::Explanation),
}

fn form_page(
    portal: &Portal,
    customer: &CustomerLink,
    profiles: &[Profile],
    choice: &Choice,
    max_bytes: usize,
    outcome: &Outcome<'_>,
) -> Markup {
    let action = format!("/customers/{}/add-devices", customer.id);
    let file_error = match outcome {
        Outcome::MissingFile => Some("Choose the CSV file with the devices.".to_owned()),
        Outcome::TooLarge { limit } => {
            Some(format!("The file is larger than the upload limit of {}.", error::size_text(*limit)))
        }
        _ => None,
    };
    let section = if portal.is_customer() { Section::AddDevices } else { Section::Customers };
    let content = html! {
        p class="crumbs" {
            @if portal.is_partner_side() { a href="/customers" { "Customers" } " › " }
            a href=(format!("/customers/{}/devices", customer.id)) { (customer.name) } " › Add devices"
        }
        h1 { "Add devices to " (customer.name) }
        p class="lead" { "The devices in the file are registered into " (customer.name) "'s tenant. Nothing is registered until the whole file passes every check." }
        div id="upload-result" aria-live="polite" {
            @match outcome {
                Outcome::Refused { file_name, preflight } => (problems_report(file_name, preflight)),
                Outcome::WouldFail { file_name, preflight, passing } => (would_fail_report(file_name, preflight, *passing)),
                Outcome::TooLarge { limit } => (error::notice(portal.tr(), &error::explain(portal.tr(), &ApiError::PayloadTooLarge { limit: *limit }))),
                Outcome::Api(explanation) => (error::notice(portal.tr(), explanation)),
                Outcome::Fresh | Outcome::MissingFile => {}
            }
        }
        form class="stack card" method="post" action=(action) enctype="multipart/form-data" data-once {
            (view::csrf(portal))
            div class="field" {
                label for="group_tag" { "Deployment profile (group tag)" }
                span class="hint" id="group_tag-hint" {
                    "Each device gets this exact group tag, unless its row has its own Group Tag. The tag selects the profile its configuration comes from."
                }
                select id="group_tag" name="group_tag" aria-describedby="group_tag-hint" {
                    @for profile in profiles {
                        option value=(profile.group_tag) selected[profile.group_tag == choice.group_tag] {
                            (profile.name) " — " (profile.group_tag)
                        }
                    }
                    option value="" selected[choice.group_tag.is_empty()] {
                        "No profile: register the devices unassigned"
                    }
                }
            }
            div class="field" {
                label class="check" for="allow_unknown_tags" {
                    input type="checkbox" id="allow_unknown_tags" name="allow_unknown_tags" value="true" checked[choice.allow_unknown_tags];
                    span { "Register devices whose group tag matches no profile, unassigned (they get no configuration until their tag is fixed)" }
                }
            }
            div class="field" {
                label for="file" { "Device CSV file" }
                span class="hint" id="file-hint" {
                    "Partner Center, Autopilot/Intune or MMD format, up to " (error::size_text(max_bytes)) "."
                    @if matches!(outcome, Outcome::Refused { .. } | Outcome::WouldFail { .. }) { " Choose the corrected file again." }
                }
                @if let Some(message) = &file_error { span class="error" id="file-error" { (message) } }
                input type="file" id="file" name="file" accept=".csv,text/csv" required
                    aria-describedby=(if file_error.is_some() { "file-hint file-error" } else { "file-hint" })
                    aria-invalid=[file_error.as_ref().map(|_| "true")];
            }
            (samples(customer.id))
            fieldset class="field" {
                legend { "Order (optional)" }
                span class="hint" { "Shown with each device, and the devices of one order can be listed and voided together." }
                (view::field(view::Field::text("order_number", "Order number", &choice.order_number)))
                (view::field(view::Field::text("purchase_order", "Customer's purchase order", &choice.purchase_order)))
                (view::field(view::Field::text("ship_date", "Ship date", &choice.ship_date).kind("date")))
            }
            div class="field" {
                label class="check" for="register_passing" {
                    input type="checkbox" id="register_passing" name="register_passing" value="true" checked[choice.register_passing];
                    span { "If some devices cannot be registered (already registered, or held by another organisation), register the others anyway" }
                }
            }
            div class="actions" {
                button type="submit" data-busy="Checking the file…" { "Check and register" }
                a href=(format!("/customers/{}/devices", customer.id)) { "Cancel" }
            }
        }
    };
    view::page(portal, section, &format!("Add devices to {}", customer.name), content)
}

/// The "Download a sample file" links and what each column holds (docs/portal.md#add-devices).
fn samples(customer_id: Uuid) -> Markup {
    html! {
        div class="field" id="samples" {
            p {
                strong { "Download a sample file:" } " "
                @for (index, format) in csv::Format::ALL.into_iter().enumerate() {
                    @if index > 0 { " · " }
                    a href=(format!("/customers/{customer_id}/add-devices/samples/{}", format.name())) download {
                        (format.title()) " sample"
                    }
                }
            }
            div class="hint" id="samples-note" {
                p { "Each sample has the exact header of its format and three made-up example devices: replace the rows with your devices in a text editor, keep the header, save as CSV and upload. Every device needs a hardware hash, a Windows Product ID, or manufacturer, model and serial number." }
                ul {
                    li { strong { "Hardware Hash" } ": " "About 4,000 characters from the device itself: run " code { "Get-WindowsAutopilotInfo -OutputFile devices.csv" } " on it (PowerShell, as administrator), or take it from the OEM's file." }
                    li { strong { "Device Serial Number, Serial Number" } ": " "The serial number as the device's firmware reports it." }
                    li { strong { "Windows Product ID" } ": " "The 13-digit product key ID, or empty." }
                    li { strong { "Manufacturer name, Device model (Partner Center); Manufacturer, Model (MMD)" } ": " "Exactly as the device reports them (they are in its hash)." }
                    li { strong { "Group Tag (Autopilot/Intune)" } ": " "The exact tag of one of this customer's profiles (the sample uses them); empty: the profile chosen above." }
                    li { strong { "Assigned User (Autopilot/Intune)" } ": " "Optional: the sign-in name of the person the device is for." }
                }
            }
        }
    }
}

/// A sample file of one format, its Group Tag cells holding this customer's real tags
/// (docs/csv-rules.md#sample-files). Whoever may read the customer's profiles may have it.
pub async fn download_sample(
    portal: Portal,
    Path((customer_id, format)): Path<(Uuid, String)>,
) -> Result<Response, PortalError> {
    let format: csv::Format = format
        .parse()
        .map_err(|error: csv::UnknownFormat| ApiError::InvalidParameter { message: error.to_string() })?;
    let mut profiles = profiles::list(portal.access(), customer_id).await?;
    // Custom tags first: they are what sets this customer's file apart; then Standard.
    profiles
        .sort_by_key(|profile| (profile.built_in, profile.group_tag != ztd_domain::profile::STANDARD_TAG));
    let tags: Vec<&str> = profiles.iter().map(|profile| profile.group_tag.as_str()).collect();
    let mut response = csv::sample(format, &tags, csv::SAMPLE_SEED).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv"));
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"sample-{}.csv\"", format.name()))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

fn location(problem: &Problem) -> String {
    match problem.column {
        Some(column) => format!("line {}, column {column}", problem.line),
        None => format!("line {}", problem.line),
    }
}

fn problems_report(file_name: &str, preflight: &Preflight) -> Markup {
    let count = preflight.problems.len();
    html! {
        div class="notice bad" role="alert" {
            h2 { "Nothing was registered: " (count) (if count == 1 { " problem" } else { " problems" }) " in " (file_name) }
            p {
                @if let Some(format) = &preflight.format { "Read as " (format) " format, " (preflight.rows) " device rows. " }
                "Fix every problem below in the file, then upload it again."
            }
        }
        (problems_table(&format!("Problems in {file_name}"), &preflight.problems))
    }
}

/// One line per problem: where, what, how to fix it, the code.
fn problems_table(caption: &str, problems: &[Problem]) -> Markup {
    html! {
        div class="table-wrap" {
            table id="problems" class="cards" {
                caption class="skip" { (caption) }
                thead { tr { th { "Where" } th { "Problem" } th { "How to fix it" } th { "Code" } } }
                tbody {
                    @for problem in problems {
                        tr {
                            td class="mono" data-label="Where" { (location(problem)) }
                            td data-label="Problem" { (problem.message) }
                            td data-label="How to fix it" { (problem.hint.as_deref().unwrap_or("")) }
                            td data-label="Code" { code { (problem.code) } }
                        }
                    }
                }
            }
        }
    }
}

/// The rows the database check says would fail; nothing was registered.
fn would_fail_report(file_name: &str, preflight: &Preflight, passing: usize) -> Markup {
    let count = preflight.problems.len();
    html! {
        div class="notice bad" role="alert" {
            h2 { "Nothing was registered: " (count) (if count == 1 { " device" } else { " devices" }) " in " (file_name) " cannot be registered" }
            p {
                "The file itself is fine, but the check against the registered devices found rows that would fail. "
                (passing) " other devices would register. Remove the rows below from the file, or tick "
                em { "register the others anyway" } ", and upload it again."
            }
        }
        (problems_table(&format!("Devices of {file_name} that would fail"), &preflight.problems))
    }
}

/// The customer and its profiles, once the access layer let the caller register into it.
async fn target(
    portal: &Portal,
    customer_id: Uuid,
) -> Result<(CustomerLink, Vec<Profile>, Submission), PortalError> {
    let submission = registration::begin(portal.access(), customer_id).await?;
    let profiles = profiles::list(portal.access(), customer_id).await?;
    let name = customer_name(portal, customer_id).await?;
    Ok((CustomerLink { id: customer_id, name }, profiles, submission))
}

fn default_choice(profiles: &[Profile]) -> Choice {
    let standard = profiles.iter().find(|profile| profile.group_tag == ztd_domain::profile::STANDARD_TAG);
    let first = standard.or(profiles.first());
    Choice {
        group_tag: first.map(|profile| profile.group_tag.clone()).unwrap_or_default(),
        ..Choice::default()
    }
}

pub async fn show_form(
    State(state): State<AppState>,
    portal: Portal,
    Path(customer_id): Path<Uuid>,
) -> Result<Markup, PortalError> {
    let (customer, profiles, _) = target(&portal, customer_id).await?;
    let choice = default_choice(&profiles);
    Ok(form_page(&portal, &customer, &profiles, &choice, state.config.max_upload_bytes, &Outcome::Fresh))
}

/// The upload form's fields, read with caps.
#[derive(Default)]
struct UploadForm {
    csrf_token: Option<String>,
    choice: Choice,
    file_name: Option<String>,
    file: Option<Spooled>,
    too_large: bool,
}

/// An uploaded file spooled to a private temporary file (memory stays flat whatever its size),
/// removed when dropped.
struct Spooled {
    path: PathBuf,
    len: usize,
}

impl Spooled {
    async fn create() -> Result<(Self, tokio::fs::File), PortalError> {
        let path = std::env::temp_dir().join(format!("ztd-upload-{}.csv", Uuid::new_v4().simple()));
        let mut options = tokio::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        options.mode(0o600);
        let file = options.open(&path).await.map_err(ApiError::internal)?;
        Ok((Self { path, len: 0 }, file))
    }

    fn open(&self) -> std::io::Result<std::io::BufReader<std::fs::File>> {
        Ok(std::io::BufReader::new(std::fs::File::open(&self.path)?))
    }
}

impl Drop for Spooled {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Reads the form. Its first field must be a matching `csrf_token` (the form puts it first, and
/// browsers send fields in order): anything else is refused before the file is read
/// (docs/portal.md#design, CSRF).
async fn read_upload(
    mut multipart: Multipart,
    caller: &Caller,
    limit: usize,
) -> Result<UploadForm, PortalError> {
    let bad = |error: axum::extract::multipart::MultipartError| PortalError::BadForm(error.body_text());
    let mut form = UploadForm::default();
    let mut drained = 0usize;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if form.csrf_token.is_none() && name != "csrf_token" {
            return Err(PortalError::CsrfRejected);
        }
        if name == "file" {
            form.file_name = field.file_name().map(str::to_owned).filter(|name| !name.is_empty());
            let (mut spooled, mut out) = Spooled::create().await?;
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if form.too_large {
                    drained += chunk.len();
                    if drained > DRAIN_BEYOND_LIMIT {
                        return Err(PortalError::UploadTooLarge { limit });
                    }
                } else if spooled.len + chunk.len() > limit {
                    form.too_large = true;
                } else {
                    out.write_all(&chunk).await.map_err(ApiError::internal)?;
                    spooled.len += chunk.len();
                }
            }
            out.flush().await.map_err(ApiError::internal)?;
            // An oversized file is dropped (and deleted) at once.
            form.file = (!form.too_large).then_some(spooled);
            continue;
        }
        let mut text = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if text.len() + chunk.len() > MAX_TEXT_FIELD {
                return Err(PortalError::BadForm(format!("the form field {name:?} is too long")));
            }
            text.extend_from_slice(&chunk);
        }
        let text = String::from_utf8_lossy(&text).into_owned();
        match name.as_str() {
            "csrf_token" if form.csrf_token.is_none() => {
                if !access::csrf_matches(caller, Some(&text)) {
                    return Err(PortalError::CsrfRejected);
                }
                form.csrf_token = Some(text);
            }
            "group_tag" => form.choice.group_tag = text,
            "allow_unknown_tags" => form.choice.allow_unknown_tags = text == "true",
            "register_passing" => form.choice.register_passing = text == "true",
            "order_number" => form.choice.order_number = text,
            "purchase_order" => form.choice.purchase_order = text,
            "ship_date" => form.choice.ship_date = text,
            _ => {}
        }
    }
    Ok(form)
}

pub async fn upload(
    State(state): State<AppState>,
    portal: Portal,
    Path(customer_id): Path<Uuid>,
    refusal: CsrfRefusal,
    multipart: Multipart,
) -> Result<Response, PortalError> {
    // Reach first (like the API): a partner without consent is refused before the body is read.
    let (customer, profiles, submission) = target(&portal, customer_id).await?;
    let max_bytes = state.config.max_upload_bytes;
    let form = match read_upload(multipart, portal.caller(), max_bytes).await {
        Err(PortalError::CsrfRejected) => return Err(refusal.record(&state, &portal).await),
        other => other?,
    };
    let choice = form.choice.clone();
    let page = |status: StatusCode, outcome: Outcome<'_>| {
        (status, form_page(&portal, &customer, &profiles, &choice, max_bytes, &outcome)).into_response()
    };
    if form.too_large {
        return Ok(page(StatusCode::PAYLOAD_TOO_LARGE, Outcome::TooLarge { limit: max_bytes }));
    }
    let (Some(file_name), Some(file)) = (form.file_name.clone(), form.file) else {
        return Ok(page(StatusCode::UNPROCESSABLE_ENTITY, Outcome::MissingFile));
    };

    let catalog = TagCatalog::new(&profiles);
    let default_tag = Some(choice.group_tag.clone()).filter(|tag| !tag.is_empty());
    let max_rows = state.config.max_rows;
    let allow_unknown = choice.allow_unknown_tags;
    let (file, checked) = tokio::task::spawn_blocking(move || {
        let checked = preflight(|| file.open(), &catalog, default_tag.as_deref(), allow_unknown, max_rows);
        (file, checked)
    })
    .await
    .map_err(ApiError::internal)?;
    let checked = checked.map_err(ApiError::internal)?;
    if !checked.problems.is_empty() {
        let outcome = Outcome::Refused { file_name: &file_name, preflight: &checked };
        return Ok(page(StatusCode::UNPROCESSABLE_ENTITY, outcome));
    }

    let order = match registration::parse_order(
        Some(&choice.order_number),
        Some(&choice.purchase_order),
        Some(&choice.ship_date),
    ) {
        Ok(order) => order,
        Err(error) => {
            let error = ApiError::from(error);
            return Ok(page(error.status(), Outcome::Api(error::explain(portal.tr(), &error))));
        }
    };
    let options = BatchOptions {
        group_tag: Some(choice.group_tag.clone()).filter(|tag| !tag.is_empty()),
        allow_unknown_tags: Some(choice.allow_unknown_tags),
        idempotency_key: None,
        order,
        limits: state.config.csv_batch_limits(),
    };
    // The database check (docs/domain.md#dry-run) before anything is registered, for files a
    // dry run takes; unless the person chose to register the rows that pass anyway.
    if !choice.register_passing && checked.rows <= MAX_DRY_RUN_ROWS as u64 {
        let spooled = tokio::fs::File::open(&file.path).await.map_err(ApiError::internal)?;
        let upload = Upload::Csv(ReaderStream::new(spooled).boxed());
        let dry = registration::begin(portal.access(), customer_id).await?;
        if let Ok(DryRun::Checked { rows, .. }) = dry.dry_run(upload, options.clone()).await {
            let problems: Vec<Problem> = rows
                .iter()
                .filter(|row| row.would == Would::Fail)
                .filter_map(|row| {
                    let error = row.error.as_ref()?;
                    Some(Problem {
                        line: u64::try_from(row.row).unwrap_or(0),
                        column: None,
                        code: error.code.as_str().to_owned(),
                        message: error.message.clone(),
                        hint: error.hint.clone(),
                    })
                })
                .collect();
            if !problems.is_empty() {
                let passing = rows.len().saturating_sub(problems.len());
                let report = Preflight { format: checked.format.clone(), rows: checked.rows, problems };
                let outcome = Outcome::WouldFail { file_name: &file_name, preflight: &report, passing };
                return Ok(page(StatusCode::UNPROCESSABLE_ENTITY, outcome));
            }
        }
    }
    // Streamed from the spooled file, which lives until the use case has read it all.
    let spooled = tokio::fs::File::open(&file.path).await.map_err(ApiError::internal)?;
    let upload = Upload::Csv(ReaderStream::new(spooled).boxed());
    // The batch lists name the file (docs/portal.md#batches).
    let submitted = submission.with_file_name(&file_name).submit(upload, options, &state.batch_wakeup).await;
    drop(file);
    match submitted {
        Ok(Submitted::Accepted { batch, .. }) => {
            Ok(Redirect::to(&format!("/batches/{}", batch.id)).into_response())
        }
        // A file refused as a whole by the intake (the checks above normally catch it first).
        Ok(Submitted::FileRefused { diagnostics }) => {
            let problems = diagnostics
                .into_iter()
                .map(|diagnostic| Problem {
                    line: diagnostic.line,
                    column: Some(diagnostic.column),
                    code: diagnostic.code.to_string(),
                    message: diagnostic.message,
                    hint: Some(diagnostic.hint).filter(|hint| !hint.is_empty()),
                })
                .collect();
            let refused = Preflight { format: None, rows: 0, problems };
            Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                Outcome::Refused { file_name: &file_name, preflight: &refused },
            ))
        }
        Err(error) => {
            let error = ApiError::from(error);
            Ok(page(error.status(), Outcome::Api(error::explain(portal.tr(), &error))))
        }
    }
}

async fn load_batch(
    portal: &Portal,
    id: Uuid,
    cursor: Option<String>,
    limit: u32,
) -> Result<BatchPage, PortalError> {
    Ok(registration::show_batch(portal.access(), id, RowsPage { cursor, limit: Some(limit) }).await?)
}

fn status_badge(status: BatchStatus) -> Markup {
    match status {
        BatchStatus::Queued => view::badge("", "Waiting to start"),
        BatchStatus::Processing => view::badge("warn", "Registering…"),
        BatchStatus::Finished => view::badge("ok", "Finished"),
        BatchStatus::FinishedWithErrors => view::badge("bad", "Finished with errors"),
        BatchStatus::AwaitingApproval => view::badge("warn", "Waiting for the customer's approval"),
        BatchStatus::Rejected => view::badge("bad", "Rejected by the customer"),
    }
}

fn item_badge(status: ItemStatus) -> Markup {
    match status {
        ItemStatus::Pending => view::badge("", "pending"),
        ItemStatus::Registered => view::badge("ok", "registered"),
        ItemStatus::Unassigned => view::badge("warn", "unassigned: no profile"),
        ItemStatus::Failed => view::badge("bad", "failed"),
    }
}

fn preview_badge(would: Would) -> Markup {
    match would {
        Would::Register => view::badge("ok", "would register"),
        Would::BeUnassigned => view::badge("warn", "would register, no profile"),
        Would::Fail => view::badge("bad", "would fail"),
    }
}

fn running(status: BatchStatus) -> bool {
    matches!(status, BatchStatus::Queued | BatchStatus::Processing)
}

pub async fn show_batch(portal: Portal, Path(id): Path<Uuid>) -> Result<Markup, PortalError> {
    let page = load_batch(&portal, id, None, ROWS_ON_PAGE).await?;
    let batch = &page.batch;
    let pending = registration::pending(batch);
    let customer = customer_name(&portal, batch.customer_id).await?;
    let done = batch.total - pending;
    let is_running = running(batch.status);
    let extra_head = html! {
        @if is_running { meta http-equiv="refresh" content=(REFRESH_SECS); }
    };
    let devices_href = format!("/customers/{}/devices", batch.customer_id);
    let can_decide = batch.status == BatchStatus::AwaitingApproval
        && portal.is_customer()
        && portal.is_admin()
        && batch.customer_id == portal.org().id;
    let can_void = matches!(batch.status, BatchStatus::Finished | BatchStatus::FinishedWithErrors)
        && batch.submitted_by_org_id == portal.org().id
        && portal.can_register()
        && batch.registered + batch.unassigned > 0;
    // Autopilot/Intune rows carry no manufacturer or model columns: leave the columns out then.
    let with_model =
        page.rows.iter().any(|row| row.device.manufacturer.is_some() || row.device.model.is_some());
    let content = html! {
        p class="crumbs" {
            @if portal.is_partner_side() { a href="/customers" { "Customers" } " › " }
            a href=(devices_href) { (customer) } " › Batch"
        }
        h1 { "Devices for " (customer) }
        div id="batch-status" aria-live="polite" {
            p { "Batch " code { (batch.id) } " · " (status_badge(batch.status)) " · submitted " (view::time(portal.tr(), batch.created_at)) }
            @if let Some(tag) = &batch.default_group_tag { p { "Group tag: " (view::tag(portal.tr(), tag)) } }
            label for="batch-progress" { (done) " of " (batch.total) " rows processed" }
            progress id="batch-progress" max=(batch.total.max(1)) value=(done) {}
            dl class="counts" {
                div { dt { "Registered" } dd id="count-registered" { (batch.registered) } }
                div { dt { "Unassigned" } dd id="count-unassigned" { (batch.unassigned) } }
                div { dt { "Failed" } dd id="count-failed" { (batch.failed) } }
                div { dt { "Waiting" } dd id="count-pending" { (pending) } }
            }
            @if let Some(order) = &batch.order.order_number {
                p { "Order " strong { (order) }
                    @if let Some(po) = &batch.order.purchase_order { " · purchase order " (po) }
                    @if let Some(date) = batch.order.ship_date { " · shipped " (date) } }
            }
            @if is_running {
                p class="hint" { "This page refreshes every " (REFRESH_SECS) " seconds until the batch is finished." }
            } @else if batch.status == BatchStatus::AwaitingApproval {
                @if can_decide {
                    (view::notice("warn", "This batch waits for your approval",
                        Some("Nothing is registered yet. Each row below shows what approving would do. Approve to register the devices, or reject the batch with a reason the partner sees.")))
                } @else {
                    (view::notice("warn", "Waiting for the customer's approval",
                        Some("The customer reviews batches from partners before anything is registered. Nothing is registered until one of its admins approves.")))
                }
            } @else if batch.status == BatchStatus::Rejected {
                (view::notice("bad", "The customer rejected this batch",
                    Some(&format!("Nothing was registered. Reason: {}", batch.rejection_reason.as_deref().unwrap_or("none given")))))
            } @else if batch.failed > 0 {
                (view::notice("bad", &format!("{} of {} rows failed", batch.failed, batch.total),
                    Some("The other rows are registered. Fix the failed rows (see each row's message), put them in a new file and add them again.")))
            } @else {
                (view::notice("ok", "All rows are done", Some("Every device in the file is in the customer's tenant.")))
            }
        }
        @if can_decide {
            div class="card" id="decide" {
                form method="post" action=(format!("/batches/{}/approve", batch.id)) class="actions" {
                    (view::csrf(&portal))
                    button type="submit" id="approve-batch" { "Approve and register " (batch.total) " devices" }
                }
                form method="post" action=(format!("/batches/{}/reject", batch.id)) {
                    (view::csrf(&portal))
                    (view::field(view::Field::text("reason", "Reason for rejecting (the partner sees it)", "").hint("optional, at most 500 characters")))
                    button type="submit" class="secondary" id="reject-batch" { "Reject the batch" }
                }
            }
        }
        @if let Some(at) = batch.voided_at {
            (view::notice("warn", "This order was voided", Some(&format!("Its devices that had not booted were deregistered on {}.", at.format("%Y-%m-%d %H:%M UTC")))))
        }
        p class="actions" {
            @if can_void {
                a class="button secondary" id="void-batch" href=(format!("/batches/{}/void", batch.id)) { "Void this order…" }
            }
            a class="button secondary" href=(format!("/batches/{}/results.csv", batch.id)) download { "Download the results (CSV)" }
            a href=(devices_href) { "See the devices" }
            a href=(format!("/customers/{}/add-devices", batch.customer_id)) { "Add more devices" }
        }
        h2 { "Rows" }
        @if page.next_cursor.is_some() { p class="hint" { "The first " (ROWS_ON_PAGE) " rows are shown; the CSV has every row." } }
        div class="table-wrap" {
            table id="batch-rows" class="cards" {
                thead { tr { th class="num" { "Row" } th { "Result" } th { "Serial number" } @if with_model { th { "Manufacturer" } th { "Model" } } th { "Details" } } }
                tbody {
                    @for row in &page.rows { (row_line(row, with_model)) }
                }
            }
        }
    };
    Ok(view::page_with_head(
        &portal,
        if portal.is_customer() { Section::AddDevices } else { Section::Customers },
        &format!("Batch for {customer}"),
        extra_head,
        content,
    ))
}

fn row_line(row: &RowOutcome, with_model: bool) -> Markup {
    html! {
        tr {
            td class="num" data-label="Row" { (row.row) }
            td data-label="Result" {
                (item_badge(row.status))
                @if let Some(preview) = &row.preview {
                    br; span class="hint" { "if approved: " } (preview_badge(preview.would))
                }
            }
            td class="mono" data-label="Serial number" { (row.device.serial_number.as_deref().unwrap_or("")) }
            @if with_model {
                td data-label="Manufacturer" { (row.device.manufacturer.as_deref().unwrap_or("")) }
                td data-label="Model" { (row.device.model.as_deref().unwrap_or("")) }
            }
            td data-label="Details" {
                @if let Some(error) = row.preview.as_ref().and_then(|preview| preview.error.as_ref()) {
                    (error.message) br; code { (error.code.as_str()) }
                } @else if let Some(error) = &row.error {
                    (error.message)
                    @if let Some(hint) = &error.hint { br; span class="hint" { "Fix: " (hint) } }
                    br; code { (error.code.as_str()) }
                } @else if let Some(device_id) = row.device_id {
                    a href=(format!("/devices/{device_id}")) { "View device" }
                }
            }
        }
    }
}

/// One CSV field, quoted when it has to be.
fn csv_field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

const RESULTS_HEADER: &str =
    "row,status,serial_number,product_key_id,manufacturer,model,device_id,error_code,error_message,error_hint\r\n";

/// The results of every row as CSV, one line per row.
#[cfg(test)]
fn results_csv(rows: &[RowOutcome]) -> String {
    let mut out = String::from(RESULTS_HEADER);
    results_lines(&mut out, rows);
    out
}

/// One CSV line per row.
fn results_lines(out: &mut String, rows: &[RowOutcome]) {
    for row in rows {
        let error = row.error.as_ref();
        let device_id = row.device_id.map(|id| id.to_string()).unwrap_or_default();
        let fields = [
            row.row.to_string(),
            row.status.to_string(),
            row.device.serial_number.clone().unwrap_or_default(),
            row.device.product_key_id.clone().unwrap_or_default(),
            row.device.manufacturer.clone().unwrap_or_default(),
            row.device.model.clone().unwrap_or_default(),
            device_id,
            error.map(|e| e.code.as_str().to_owned()).unwrap_or_default(),
            error.map(|e| e.message.clone()).unwrap_or_default(),
            error.and_then(|e| e.hint.clone()).unwrap_or_default(),
        ];
        for (index, field) in fields.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            csv_field(out, field);
        }
        out.push_str("\r\n");
    }
}

pub async fn download_results(portal: Portal, Path(id): Path<Uuid>) -> Result<Response, PortalError> {
    // The first page before answering, so a missing batch is a page; the rest streamed one page
    // at a time (a batch may have a million rows), each read through the access layer again.
    let first = load_batch(&portal, id, None, ROWS_PER_EXPORT_PAGE).await?;
    let mut head = String::from(RESULTS_HEADER);
    results_lines(&mut head, &first.rows);
    let access = portal.access().clone();
    let rest = futures::stream::unfold(first.next_cursor, move |cursor| {
        let access = access.clone();
        async move {
            let page = RowsPage { cursor: Some(cursor?), limit: Some(ROWS_PER_EXPORT_PAGE) };
            match registration::show_batch(&access, id, page).await {
                Ok(page) => {
                    let mut chunk = String::new();
                    results_lines(&mut chunk, &page.rows);
                    Some((Ok(Bytes::from(chunk)), page.next_cursor))
                }
                Err(error) => {
                    tracing::error!(batch = %id, %error, "batch results download failed mid-stream");
                    Some((Err(std::io::Error::other("batch results download failed")), None))
                }
            }
        }
    });
    let body = futures::stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(head)) }).chain(rest);
    let mut response = axum::body::Body::from_stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"batch-{id}-results.csv\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn catalog() -> TagCatalog {
        let now = Utc::now();
        let profile = ztd_storage::Profile {
            id: Uuid::new_v4(),
            customer_id: Uuid::new_v4(),
            name: "Standard".into(),
            group_tag: "Microsoft365ManagedStandard_".into(),
            settings: serde_json::json!({}),
            built_in: true,
            created_at: now,
            updated_at: now,
        };
        TagCatalog::new(&[profile])
    }

    #[test]
    fn preflight_names_near_miss_tags_and_duplicates_by_line() {
        let file = "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag\r\n\
                    SN-1,1234567890123,,Microsoft365ManagedStandard\r\n\
                    SN-2,2234567890123,,\r\n\
                    SN-2,2234567890123,,\r\n";
        let checked =
            preflight(|| Ok(file.as_bytes()), &catalog(), Some("Microsoft365ManagedStandard_"), false, 100)
                .unwrap();
        let lines: Vec<(u64, &str)> = checked.problems.iter().map(|p| (p.line, p.code.as_str())).collect();
        assert!(lines.contains(&(2, "unknown_group_tag")), "{lines:?}");
        assert!(lines.iter().any(|(line, code)| *line == 4 && code.starts_with("duplicate")), "{lines:?}");
        let tag_problem = checked.problems.iter().find(|p| p.code == "unknown_group_tag").unwrap();
        assert!(tag_problem.hint.as_deref().unwrap().contains("Microsoft365ManagedStandard_"));
    }

    #[test]
    fn preflight_passes_a_clean_file() {
        let file = "Device Serial Number,Windows Product ID,Hardware Hash\r\nSN-1,1234567890123,\r\nSN-2,2234567890123,\r\n";
        let checked =
            preflight(|| Ok(file.as_bytes()), &catalog(), Some("Microsoft365ManagedStandard_"), false, 100)
                .unwrap();
        assert!(checked.problems.is_empty(), "{:?}", checked.problems);
        assert_eq!(checked.rows, 2);
    }

    #[test]
    fn results_csv_quotes_what_needs_quoting() {
        let row = RowOutcome {
            row: 2,
            status: ItemStatus::Failed,
            device_id: None,
            device: ztd_domain::device::DeviceInput {
                serial_number: Some("SN-1".into()),
                ..Default::default()
            },
            error: Some(ztd_domain::codes::RowError::new(
                ztd_domain::codes::RowErrorCode::UnknownGroupTag,
                "group tag \"x\" matches no profile, sorry",
            )),
            preview: None,
        };
        let csv = results_csv(&[row]);
        let line = csv.lines().nth(1).unwrap();
        assert_eq!(
            line,
            r#"2,failed,SN-1,,,,,unknown_group_tag,"group tag ""x"" matches no profile, sorry","#
        );
    }
}

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
use std::sync::Arc;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use bytes::Bytes;
use fluent_bundle::FluentValue;
use futures::StreamExt;
use maud::{html, Markup};
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use tokio_util::io::ReaderStream;
use uuid::Uuid;
use ztd_domain::codes::RowError;
use ztd_domain::csv::{self, Diagnostic, ReadOptions};
use ztd_storage::{BatchStatus, ItemStatus, Profile};

use super::csv_problems;
use super::customers::{customer_name, CustomerLink};
use super::error::{self, PortalError};
use super::i18n::Tr;
use super::session::{CsrfForm, CsrfRefusal, Portal};
use super::view::{self, Section};
use crate::app::access::{self, Caller};
use crate::app::drafts;
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

/// One problem of an uploaded file: a rule of the CSV checker, or a row the tag or database
/// check refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A CSV rule (docs/csv-rules.md), said in the page's language from its code and values.
    Csv(Diagnostic),
    /// A row that would fail: its title from its code, its English detail (it names the row's
    /// own values) unless the page can say it in its language: the fixed refusals, and an
    /// unknown group tag (`unknown_tag`, set by the tag check).
    Row { line: u64, error: RowError, unknown_tag: Option<Box<csv_problems::UnknownTag>> },
}

impl Problem {
    pub fn line(&self) -> u64 {
        match self {
            Problem::Csv(diagnostic) => diagnostic.line,
            Problem::Row { line, .. } => *line,
        }
    }

    /// The stable code (`leading_trailing_whitespace`, `device_already_registered`).
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Csv(diagnostic) => diagnostic.code.as_str(),
            Problem::Row { error, .. } => error.code.as_str(),
        }
    }

    fn order(&self) -> (u64, u64) {
        match self {
            Problem::Csv(diagnostic) => (diagnostic.line, diagnostic.column),
            Problem::Row { line, .. } => (*line, u64::MAX),
        }
    }

    /// What a group of problems of this code is called.
    fn title(&self, tr: Tr) -> String {
        match self {
            Problem::Csv(diagnostic) => tr.t(&format!("{}-title", csv_problems::message_id(diagnostic.code))),
            Problem::Row { error, .. } => csv_problems::row_error_title(tr, error),
        }
    }

    fn location(&self, tr: Tr) -> String {
        match self {
            Problem::Csv(diagnostic) => csv_problems::location(tr, diagnostic),
            Problem::Row { line, .. } => {
                tr.a("csv-where-line", &[("line", i64::try_from(*line).unwrap_or(i64::MAX).into())])
            }
        }
    }

    /// (what is wrong, how to fix it, the English detail when the catalogue cannot say it all).
    fn explain(&self, tr: Tr) -> (String, Option<String>, Option<String>) {
        match self {
            Problem::Csv(diagnostic) => {
                (csv_problems::message(tr, diagnostic), Some(csv_problems::hint(tr, diagnostic)), None)
            }
            Problem::Row { error, unknown_tag, .. } => {
                if let Some((detail, fix)) = unknown_tag
                    .as_ref()
                    .map(|unknown| unknown.explain(tr))
                    .or_else(|| csv_problems::row_error_detail(tr, error))
                {
                    return (detail, Some(fix), None);
                }
                let detail = match &error.hint {
                    Some(hint) => format!("{} ({hint})", error.message),
                    None => error.message.clone(),
                };
                (csv_problems::row_error_title(tr, error), None, Some(detail))
            }
        }
    }
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
        .map(Problem::Csv)
        .collect();
    if summary.format.is_some() {
        // Tags of rows that are otherwise fine (rows with problems are reported already).
        let profile_tags: Arc<[String]> = tags.tags().into_iter().map(str::to_owned).collect();
        if let Ok(reader) = csv::CsvReader::new(open()?, options) {
            for row in reader {
                let row = row?;
                let Ok(input) = row.result else { continue };
                let tag = input.group_tag.as_deref().filter(|tag| !tag.is_empty()).or(default_tag);
                if let TagDecision::Refused { error, suggestion } = tags.decide(tag, allow_unknown_tags) {
                    let unknown_tag = tag.map(|tag| {
                        Box::new(csv_problems::UnknownTag {
                            tag: tag.to_owned(),
                            suggestion,
                            profile_tags: Arc::clone(&profile_tags),
                        })
                    });
                    problems.push(Problem::Row { line: row.line, error, unknown_tag });
                }
            }
        }
    }
    problems.sort_by_key(Problem::order);
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
        /// The file kept as a draft: its problems and its repair can be downloaded.
        offer: Option<&'a DraftOffer>,
        /// This file is the repair of an earlier one, which changed this.
        repaired: Option<&'a [ChangeGroup]>,
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
    let tr = portal.tr();
    let action = format!("/customers/{}/add-devices", customer.id);
    let file_error = match outcome {
        Outcome::MissingFile => Some(tr.t("add-devices-file-missing")),
        Outcome::TooLarge { limit } => {
            Some(tr.a("add-devices-file-too-large", &[("limit", error::size_text(*limit).into())]))
        }
        _ => None,
    };
    let section = if portal.is_customer() { Section::AddDevices } else { Section::Customers };
    let name = customer.name.as_str();
    let content = html! {
        p class="crumbs" {
            @if portal.is_partner_side() { a href="/customers" { (tr.t("nav-customers")) } " › " }
            a href=(format!("/customers/{}/devices", customer.id)) { (customer.name) } " › " (tr.t("nav-add-devices"))
        }
        h1 { (tr.a("add-devices-title", &[("customer", name.into())])) }
        p class="lead" { (tr.a("add-devices-lead", &[("customer", name.into())])) }
        form id="upload-form" class="stack card" method="post" action=(action) enctype="multipart/form-data" data-once {
            (view::csrf(portal))
            div class="field" {
                label for="group_tag" { (tr.t("add-devices-profile")) }
                span class="hint" id="group_tag-hint" { (tr.t("add-devices-profile-hint")) }
                select id="group_tag" name="group_tag" aria-describedby="group_tag-hint" {
                    @for profile in profiles {
                        option value=(profile.group_tag) selected[profile.group_tag == choice.group_tag] {
                            (profile.name) " — " (profile.group_tag)
                        }
                    }
                    option value="" selected[choice.group_tag.is_empty()] { (tr.t("add-devices-no-profile")) }
                }
            }
            div class="field" {
                label class="check" for="allow_unknown_tags" {
                    input type="checkbox" id="allow_unknown_tags" name="allow_unknown_tags" value="true" checked[choice.allow_unknown_tags];
                    span { (tr.t("add-devices-allow-unknown")) }
                }
            }
            div class="field" {
                label for="file" { (tr.t("add-devices-file")) }
                span class="hint" id="file-hint" {
                    (tr.a("add-devices-file-hint", &[("limit", error::size_text(max_bytes).into())]))
                    @if matches!(outcome, Outcome::Refused { .. } | Outcome::WouldFail { .. }) { " " (tr.t("add-devices-file-again")) }
                }
                @if let Some(message) = &file_error { span class="error" id="file-error" { (message) } }
                input type="file" id="file" name="file" accept=".csv,text/csv" required
                    aria-describedby=(if file_error.is_some() { "file-hint file-error" } else { "file-hint" })
                    aria-invalid=[file_error.as_ref().map(|_| "true")];
            }
            (samples(tr, customer.id))
            fieldset class="field" {
                legend { (tr.t("add-devices-order")) }
                span class="hint" { (tr.t("add-devices-order-hint")) }
                (view::field(view::Field::text("order_number", &tr.t("add-devices-order-number"), &choice.order_number)))
                (view::field(view::Field::text("purchase_order", &tr.t("add-devices-purchase-order"), &choice.purchase_order)))
                (view::field(view::Field::text("ship_date", &tr.t("add-devices-ship-date"), &choice.ship_date).kind("date")))
            }
            div class="field" {
                label class="check" for="register_passing" {
                    input type="checkbox" id="register_passing" name="register_passing" value="true" checked[choice.register_passing];
                    span { (tr.t("add-devices-register-passing")) }
                }
            }
            div class="actions" {
                button type="submit" id="check-and-register" data-busy=(tr.t("add-devices-checking")) { (tr.t("add-devices-submit")) }
                a href=(format!("/customers/{}/devices", customer.id)) { (tr.t("action-cancel")) }
            }
        }
        div id="upload-result" aria-live="polite" {
            @match outcome {
                Outcome::Refused { file_name, preflight, offer, repaired } => {
                    @if let Some(changes) = repaired { (repaired_notice(tr, changes)) }
                    (problems_report(portal, file_name, preflight, *offer, choice))
                }
                Outcome::WouldFail { file_name, preflight, passing } => (would_fail_report(tr, file_name, preflight, *passing)),
                Outcome::TooLarge { limit } => (error::notice(tr, &error::explain(tr, &ApiError::PayloadTooLarge { limit: *limit }))),
                Outcome::Api(explanation) => (error::notice(tr, explanation)),
                Outcome::Fresh | Outcome::MissingFile => {}
            }
        }
    };
    view::page(portal, section, &tr.a("add-devices-title", &[("customer", name.into())]), content)
}

/// The "Download a sample file" links and what each column holds (docs/portal.md#add-devices).
fn samples(tr: Tr, customer_id: Uuid) -> Markup {
    let column = |names: &str, id: &str| {
        html! { li { strong { (names) } ": " (tr.t(id)) } }
    };
    html! {
        div class="field" id="samples" {
            p {
                strong { (tr.t("add-devices-samples")) } " "
                @for (index, format) in csv::Format::ALL.into_iter().enumerate() {
                    @if index > 0 { " · " }
                    a href=(format!("/customers/{customer_id}/add-devices/samples/{}", format.name())) download {
                        (tr.a("add-devices-sample", &[("format", format.title().into())]))
                    }
                }
            }
            div class="hint" id="samples-note" {
                p { (tr.t("add-devices-samples-note")) }
                ul {
                    li { strong { "Hardware Hash" } ": " (tr.t("add-devices-column-hash")) " " code { "Get-WindowsAutopilotInfo -OutputFile devices.csv" } " " (tr.t("add-devices-column-hash-where")) }
                    (column("Device Serial Number, Serial Number", "add-devices-column-serial"))
                    (column("Windows Product ID", "add-devices-column-pkid"))
                    (column("Manufacturer name, Device model (Partner Center); Manufacturer, Model (MMD)", "add-devices-column-model"))
                    (column("Group Tag (Autopilot/Intune)", "add-devices-column-tag"))
                    (column("Assigned User (Autopilot/Intune)", "add-devices-column-user"))
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

/// Problems shown per kind before the rest is folded away.
const SHOWN_PER_KIND: usize = 5;

/// The problems grouped by code, in the order each code first appears.
fn by_kind(problems: &[Problem]) -> Vec<(&'static str, Vec<&Problem>)> {
    let mut groups: Vec<(&'static str, Vec<&Problem>)> = Vec::new();
    for problem in problems {
        match groups.iter_mut().find(|(code, _)| *code == problem.code()) {
            Some((_, members)) => members.push(problem),
            None => groups.push((problem.code(), vec![problem])),
        }
    }
    groups
}

fn count(value: usize) -> FluentValue<'static> {
    FluentValue::from(i64::try_from(value).unwrap_or(i64::MAX))
}

fn problems_report(
    portal: &Portal,
    file_name: &str,
    preflight: &Preflight,
    offer: Option<&DraftOffer>,
    choice: &Choice,
) -> Markup {
    let tr = portal.tr();
    let problems = preflight.problems.len();
    html! {
        div class="notice bad" role="alert" id="problems-summary" {
            h2 { (tr.a("add-devices-refused", &[("count", count(problems)), ("file", file_name.into())])) }
            p {
                @if let Some(format) = &preflight.format {
                    (tr.a("add-devices-read-as", &[("format", format.as_str().into()), ("rows", count(usize::try_from(preflight.rows).unwrap_or(usize::MAX)))])) " "
                }
                (tr.t("add-devices-fix-and-upload"))
            }
        }
        @if let Some(offer) = offer {
            (repair_offer(portal, offer, choice))
        } @else if preflight.problems.iter().any(|problem| matches!(problem, Problem::Csv(d) if d.code.is_unusable_input())) {
        } @else {
            p class="hint" id="no-draft" { (tr.t("add-devices-not-kept")) }
        }
        (problems_by_kind(tr, &tr.a("add-devices-problems-caption", &[("file", file_name.into())]), &preflight.problems))
    }
}

/// What "Repair and check again" would change, its button, and the downloads.
fn repair_offer(portal: &Portal, offer: &DraftOffer, choice: &Choice) -> Markup {
    let tr = portal.tr();
    let base = format!("/customers/{}/add-devices/drafts/{}", offer.customer_id, offer.draft_id);
    let query = format!(
        "?group_tag={}&allow_unknown_tags={}",
        view::url_encode(&choice.group_tag),
        choice.allow_unknown_tags
    );
    html! {
        div class="card stack" id="repair" {
            @if offer.changes.is_empty() {
                p { (tr.t("add-devices-repair-nothing")) }
            } @else {
                h2 { (tr.t("add-devices-repair-title")) }
                p { (tr.t("add-devices-repair-lead")) }
                (change_list(tr, &offer.changes, "repair-changes"))
                form method="post" action=(format!("{base}/repair")) class="actions" data-once {
                    (view::csrf(portal))
                    input type="hidden" name="group_tag" value=(choice.group_tag);
                    @if choice.allow_unknown_tags { input type="hidden" name="allow_unknown_tags" value="true"; }
                    @if choice.register_passing { input type="hidden" name="register_passing" value="true"; }
                    input type="hidden" name="order_number" value=(choice.order_number);
                    input type="hidden" name="purchase_order" value=(choice.purchase_order);
                    input type="hidden" name="ship_date" value=(choice.ship_date);
                    button type="submit" id="repair-and-check" data-busy=(tr.t("add-devices-checking")) { (tr.t("add-devices-repair-button")) }
                    a class="button secondary" id="download-repaired" href=(format!("{base}/repaired.csv")) download { (tr.t("add-devices-download-repaired")) }
                }
                p class="hint" { (tr.t("add-devices-repair-then")) }
            }
            p { a id="download-problems" href=(format!("{base}/problems.csv{query}")) download { (tr.t("add-devices-download-problems")) } }
        }
    }
}

/// The repairs of one kind, with how many lines and the first few.
fn change_list(tr: Tr, changes: &[ChangeGroup], id: &str) -> Markup {
    html! {
        ul id=(id) {
            @for group in changes {
                li {
                    strong { (change_title(tr, group.code)) } " — "
                    (tr.a("add-devices-repair-lines", &[
                        ("count", count(group.count)),
                        ("lines", group.first_lines.iter().map(u64::to_string).collect::<Vec<_>>().join(", ").into()),
                        ("more", if group.count > group.first_lines.len() { "yes" } else { "no" }.into()),
                    ]))
                }
            }
        }
    }
}

fn change_title(tr: Tr, code: Option<csv::Code>) -> String {
    match code {
        Some(code) => tr.t(&format!("{}-title", csv_problems::message_id(code))),
        None => tr.t("add-devices-repair-line-endings"),
    }
}

/// Shown above the problems of a repaired file: what the repair did.
fn repaired_notice(tr: Tr, changes: &[ChangeGroup]) -> Markup {
    html! {
        div class="notice ok" id="repaired" role="status" {
            h2 { (tr.t("add-devices-repaired-title")) }
            (change_list(tr, changes, "repaired-changes"))
        }
    }
}

/// The problems grouped by kind: a heading with the count, the first few, the rest folded.
fn problems_by_kind(tr: Tr, caption: &str, problems: &[Problem]) -> Markup {
    html! {
        div id="problems" class="stack" {
            @for (code, members) in by_kind(problems) {
                section class="problem-kind" id=(format!("problems-{}", code.replace('_', "-"))) {
                    h3 {
                        (members[0].title(tr)) " "
                        span class="badge bad" { (tr.a("add-devices-kind-count", &[("count", count(members.len()))])) }
                    }
                    (problems_table(tr, caption, &members[..members.len().min(SHOWN_PER_KIND)]))
                    @if members.len() > SHOWN_PER_KIND {
                        details {
                            summary { (tr.a("add-devices-kind-more", &[("count", count(members.len() - SHOWN_PER_KIND))])) }
                            (problems_table(tr, caption, &members[SHOWN_PER_KIND..]))
                        }
                    }
                }
            }
        }
    }
}

/// One line per problem: where, what, how to fix it, the code.
fn problems_table(tr: Tr, caption: &str, problems: &[&Problem]) -> Markup {
    let (place, what, fix, code) = (
        tr.t("add-devices-col-where"),
        tr.t("add-devices-col-problem"),
        tr.t("add-devices-col-fix"),
        tr.t("add-devices-col-code"),
    );
    html! {
        div class="table-wrap" {
            table class="cards problems" {
                caption class="skip" { (caption) }
                thead { tr { th { (place) } th { (what) } th { (fix) } th { (code) } } }
                tbody {
                    @for problem in problems {
                        @let (message, hint, detail) = problem.explain(tr);
                        tr {
                            td class="mono" data-label=(place) {
                                (problem.location(tr))
                                @if let Problem::Csv(diagnostic) = problem {
                                    @if let Some(character) = csv_problems::character(tr, diagnostic) {
                                        br; span class="hint" { (character) }
                                    }
                                }
                            }
                            td data-label=(what) {
                                (message)
                                @if let Some(detail) = &detail {
                                    br; span class="hint" lang="en" { (detail) }
                                }
                            }
                            td data-label=(fix) { (hint.unwrap_or_default()) }
                            td data-label=(code) { code { (problem.code()) } }
                        }
                    }
                }
            }
        }
    }
}

/// The rows the database check says would fail; nothing was registered.
fn would_fail_report(tr: Tr, file_name: &str, preflight: &Preflight, passing: usize) -> Markup {
    let failing = preflight.problems.len();
    html! {
        div class="notice bad" role="alert" id="problems-summary" {
            h2 { (tr.a("add-devices-would-fail", &[("count", count(failing)), ("file", file_name.into())])) }
            p {
                (tr.a("add-devices-would-fail-text", &[("count", count(passing))])) " "
                em { (tr.t("add-devices-register-others")) } (tr.t("add-devices-would-fail-end"))
            }
        }
        (problems_by_kind(tr, &tr.a("add-devices-would-fail-caption", &[("file", file_name.into())]), &preflight.problems))
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

    /// A spooled copy of bytes already in memory (a repaired draft).
    async fn from_bytes(bytes: &[u8]) -> Result<Self, PortalError> {
        let (mut spooled, mut out) = Self::create().await?;
        out.write_all(bytes).await.map_err(ApiError::internal)?;
        out.flush().await.map_err(ApiError::internal)?;
        spooled.len = bytes.len();
        Ok(spooled)
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
    let target = Target { customer, profiles, submission };
    check_and_register(&state, &portal, target, choice, file_name, file, None).await
}

/// The customer, its profiles, and the submission the access layer allowed.
struct Target {
    customer: CustomerLink,
    profiles: Vec<Profile>,
    submission: Submission,
}

/// Checks a file (the CSV rules, the tags, then the database) and registers it when it passes;
/// otherwise shows the form again with what was found. A file with problems is kept as a
/// draft (docs/portal.md#repair-in-the-browser), so the page can offer its repair.
async fn check_and_register(
    state: &AppState,
    portal: &Portal,
    target: Target,
    choice: Choice,
    file_name: String,
    file: Spooled,
    repaired: Option<Vec<ChangeGroup>>,
) -> Result<Response, PortalError> {
    let Target { customer, profiles, submission } = target;
    let customer_id = customer.id;
    let max_bytes = state.config.max_upload_bytes;
    let page = |status: StatusCode, outcome: Outcome<'_>| {
        (status, form_page(portal, &customer, &profiles, &choice, max_bytes, &outcome)).into_response()
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
        let offer = offer_repair(portal, customer_id, &file_name, &file).await?;
        let outcome = Outcome::Refused {
            file_name: &file_name,
            preflight: &checked,
            offer: offer.as_ref(),
            repaired: repaired.as_deref(),
        };
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
                    let error = row.error.clone()?;
                    Some(Problem::Row { line: u64::try_from(row.row).unwrap_or(0), error, unknown_tag: None })
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
            let problems = diagnostics.into_iter().map(Problem::Csv).collect();
            let refused = Preflight { format: None, rows: 0, problems };
            let outcome =
                Outcome::Refused { file_name: &file_name, preflight: &refused, offer: None, repaired: None };
            Ok(page(StatusCode::UNPROCESSABLE_ENTITY, outcome))
        }
        Err(error) => {
            let error = ApiError::from(error);
            Ok(page(error.status(), Outcome::Api(error::explain(portal.tr(), &error))))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Repair in the browser (docs/portal.md#repair-in-the-browser)
// ---------------------------------------------------------------------------------------------

/// Lines named per kind of repair.
const LINES_PER_CHANGE: usize = 5;

/// A file with problems kept as a draft, and what repairing it would change.
#[derive(Debug)]
struct DraftOffer {
    customer_id: Uuid,
    draft_id: Uuid,
    /// Empty when `ztd csv fix` can repair none of the problems.
    changes: Vec<ChangeGroup>,
}

/// The repairs of one kind: how many, and the first lines.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ChangeGroup {
    /// `None`: line endings (a normalisation no rule requires).
    code: Option<csv::Code>,
    count: usize,
    first_lines: Vec<u64>,
}

fn group_changes(changes: &[csv::Change]) -> Vec<ChangeGroup> {
    let mut groups: Vec<ChangeGroup> = Vec::new();
    for change in changes {
        let group = match groups.iter_mut().position(|group| group.code == change.code) {
            Some(index) => &mut groups[index],
            None => {
                groups.push(ChangeGroup { code: change.code, count: 0, first_lines: Vec::new() });
                groups.last_mut().expect("just pushed")
            }
        };
        // One count per line, however many values of it were repaired.
        if group.first_lines.last() == Some(&change.line) {
            continue;
        }
        group.count += 1;
        if group.first_lines.len() < LINES_PER_CHANGE {
            group.first_lines.push(change.line);
        }
    }
    groups
}

/// The domain's `fix` (the repairs of `ztd csv fix`) over a whole file. CPU-bound.
fn repair_bytes(content: &[u8], max_rows: usize) -> Result<(Vec<u8>, csv::FixReport), csv::FileError> {
    let options = csv::FixOptions {
        read: ReadOptions { row_limit: u64::try_from(max_rows).unwrap_or(u64::MAX) },
        serial_from_hash: false,
    };
    let mut out = Vec::with_capacity(content.len());
    let report = csv::fix(content, &mut out, options)?;
    Ok((out, report))
}

/// Keeps a file with problems as a draft (when it is small enough) and works out what its
/// repair would change. `None` when the file is too large to keep.
async fn offer_repair(
    portal: &Portal,
    customer_id: Uuid,
    file_name: &str,
    file: &Spooled,
) -> Result<Option<DraftOffer>, PortalError> {
    if file.len > drafts::MAX_BYTES {
        return Ok(None);
    }
    let content = tokio::fs::read(&file.path).await.map_err(ApiError::internal)?;
    let (content, changes) = tokio::task::spawn_blocking(move || {
        let changes = match repair_bytes(&content, usize::MAX) {
            Ok((_, report)) => group_changes(&report.changes),
            Err(_) => Vec::new(),
        };
        (content, changes)
    })
    .await
    .map_err(ApiError::internal)?;
    let draft = drafts::keep(portal.access(), customer_id, file_name, content).await?;
    Ok(Some(DraftOffer { customer_id, draft_id: draft.id, changes }))
}

/// `file.csv` → `file-repaired.csv`.
fn repaired_name(file_name: &str) -> String {
    let stem = file_name.strip_suffix(".csv").or_else(|| file_name.strip_suffix(".CSV")).unwrap_or(file_name);
    let stem = stem.strip_suffix("-repaired").unwrap_or(stem);
    format!("{stem}-repaired.csv")
}

/// The form behind "Repair and check again": the choices of the upload form, carried along.
#[derive(Debug, Deserialize)]
pub struct RepairForm {
    #[serde(default)]
    group_tag: String,
    #[serde(default)]
    allow_unknown_tags: Option<String>,
    #[serde(default)]
    register_passing: Option<String>,
    #[serde(default)]
    order_number: String,
    #[serde(default)]
    purchase_order: String,
    #[serde(default)]
    ship_date: String,
}

/// A draft of this person, or the form again saying it is no longer kept.
async fn open_draft(
    portal: &Portal,
    customer_id: Uuid,
    draft_id: Uuid,
) -> Result<drafts::Draft, PortalError> {
    Ok(drafts::open(portal.access(), customer_id, draft_id).await?)
}

/// `POST …/drafts/{id}/repair`: repairs the kept file, keeps the repair, and checks it like an
/// upload: registered when it passes, else the form with what is left.
pub async fn repair(
    State(state): State<AppState>,
    Path((customer_id, draft_id)): Path<(Uuid, Uuid)>,
    CsrfForm(portal, form): CsrfForm<RepairForm>,
) -> Result<Response, PortalError> {
    let (customer, profiles, submission) = target(&portal, customer_id).await?;
    let choice = Choice {
        group_tag: form.group_tag,
        allow_unknown_tags: form.allow_unknown_tags.as_deref() == Some("true"),
        register_passing: form.register_passing.as_deref() == Some("true"),
        order_number: form.order_number,
        purchase_order: form.purchase_order,
        ship_date: form.ship_date,
    };
    let max_bytes = state.config.max_upload_bytes;
    let draft = match open_draft(&portal, customer_id, draft_id).await {
        Ok(draft) => draft,
        Err(PortalError::Api(error)) if error.status() == StatusCode::GONE => {
            let outcome = Outcome::Api(error::explain(portal.tr(), &error));
            let page = form_page(&portal, &customer, &profiles, &choice, max_bytes, &outcome);
            return Ok((StatusCode::GONE, page).into_response());
        }
        Err(other) => return Err(other),
    };
    let max_rows = state.config.max_rows;
    let content = draft.content;
    let repaired = tokio::task::spawn_blocking(move || repair_bytes(&content, max_rows))
        .await
        .map_err(ApiError::internal)?;
    let Ok((repaired, report)) = repaired else {
        // Not a file `fix` can read (the page offered no repair): show its problems again.
        let outcome = Outcome::Api(error::explain(
            portal.tr(),
            &ApiError::from(crate::app::Error::gone("upload_draft_expired", "the file cannot be repaired")),
        ));
        let page = form_page(&portal, &customer, &profiles, &choice, max_bytes, &outcome);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let file = Spooled::from_bytes(&repaired).await?;
    let target = Target { customer, profiles, submission };
    let changes = group_changes(&report.changes);
    check_and_register(&state, &portal, target, choice, repaired_name(&draft.file_name), file, Some(changes))
        .await
}

/// `GET …/drafts/{id}/repaired.csv`: the kept file with the repairs of `ztd csv fix`.
pub async fn download_repaired(
    State(state): State<AppState>,
    portal: Portal,
    Path((customer_id, draft_id)): Path<(Uuid, Uuid)>,
) -> Result<Response, PortalError> {
    let draft = open_draft(&portal, customer_id, draft_id).await?;
    let max_rows = state.config.max_rows;
    let content = draft.content;
    let repaired = tokio::task::spawn_blocking(move || repair_bytes(&content, max_rows))
        .await
        .map_err(ApiError::internal)?
        .map_err(|error| ApiError::InvalidParameter { message: error.to_string() })?;
    Ok(attachment(repaired.0, "text/csv", &repaired_name(&draft.file_name)))
}

#[derive(Debug, Default, Deserialize)]
pub struct ProblemsQuery {
    #[serde(default)]
    group_tag: String,
    #[serde(default)]
    allow_unknown_tags: Option<String>,
}

/// `GET …/drafts/{id}/problems.csv`: every problem of the kept file, in the page's language.
pub async fn download_problems(
    State(state): State<AppState>,
    portal: Portal,
    Path((customer_id, draft_id)): Path<(Uuid, Uuid)>,
    Query(query): Query<ProblemsQuery>,
) -> Result<Response, PortalError> {
    let (_, profiles, _) = target(&portal, customer_id).await?;
    let draft = open_draft(&portal, customer_id, draft_id).await?;
    let catalog = TagCatalog::new(&profiles);
    let default_tag = Some(query.group_tag).filter(|tag| !tag.is_empty());
    let allow_unknown = query.allow_unknown_tags.as_deref() == Some("true");
    let max_rows = state.config.max_rows;
    let content = draft.content;
    let checked = tokio::task::spawn_blocking(move || {
        preflight(|| Ok(content.as_slice()), &catalog, default_tag.as_deref(), allow_unknown, max_rows)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    let tr = portal.tr();
    let mut out = String::new();
    let header = ["line", "column", "column_name", "character", "code", "problem", "how_to_fix", "detail"];
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for problem in &checked.problems {
        let (message, hint, detail) = problem.explain(tr);
        let (field, name, character) = match problem {
            Problem::Csv(diagnostic) => (
                diagnostic.field().map(|field| field.to_string()).unwrap_or_default(),
                match diagnostic.arg("column") {
                    Some(csv::Arg::Text(name)) => name.clone(),
                    _ => String::new(),
                },
                diagnostic.field().map(|_| diagnostic.column.to_string()).unwrap_or_default(),
            ),
            Problem::Row { .. } => Default::default(),
        };
        let fields = [
            problem.line().to_string(),
            field,
            name,
            character,
            problem.code().to_owned(),
            message,
            hint.unwrap_or_default(),
            detail.unwrap_or_default(),
        ];
        for (index, field) in fields.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            csv_field(&mut out, &spreadsheet_safe(field));
        }
        out.push_str("\r\n");
    }
    let stem = draft.file_name.strip_suffix(".csv").unwrap_or(&draft.file_name).to_owned();
    Ok(attachment(out.into_bytes(), "text/csv; charset=utf-8", &format!("{stem}-problems.csv")))
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe.
fn spreadsheet_safe(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@']) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// A download: the body with its type and a file name (ASCII only in the header).
fn attachment(body: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let safe: String = file_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

async fn load_batch(
    portal: &Portal,
    id: Uuid,
    cursor: Option<String>,
    limit: u32,
) -> Result<BatchPage, PortalError> {
    Ok(registration::show_batch(portal.access(), id, RowsPage { cursor, limit: Some(limit) }).await?)
}

fn status_badge(tr: Tr, status: BatchStatus) -> Markup {
    let (kind, id) = match status {
        BatchStatus::Queued => ("", "batch-status-queued"),
        BatchStatus::Processing => ("warn", "batch-status-processing"),
        BatchStatus::Finished => ("ok", "batch-status-finished"),
        BatchStatus::FinishedWithErrors => ("bad", "batch-status-finished-with-errors"),
        BatchStatus::AwaitingApproval => ("warn", "batch-status-awaiting-approval"),
        BatchStatus::Rejected => ("bad", "batch-status-rejected"),
    };
    view::badge(kind, &tr.t(id))
}

fn item_badge(tr: Tr, status: ItemStatus) -> Markup {
    let (kind, id) = match status {
        ItemStatus::Pending => ("", "batch-item-pending"),
        ItemStatus::Registered => ("ok", "batch-item-registered"),
        ItemStatus::Unassigned => ("warn", "batch-item-unassigned"),
        ItemStatus::Failed => ("bad", "batch-item-failed"),
    };
    view::badge(kind, &tr.t(id))
}

fn preview_badge(tr: Tr, would: Would) -> Markup {
    let (kind, id) = match would {
        Would::Register => ("ok", "batch-would-register"),
        Would::BeUnassigned => ("warn", "batch-would-be-unassigned"),
        Would::Fail => ("bad", "batch-would-fail"),
    };
    view::badge(kind, &tr.t(id))
}

fn running(status: BatchStatus) -> bool {
    matches!(status, BatchStatus::Queued | BatchStatus::Processing)
}

pub async fn show_batch(portal: Portal, Path(id): Path<Uuid>) -> Result<Markup, PortalError> {
    let tr = portal.tr();
    let page = load_batch(&portal, id, None, ROWS_ON_PAGE).await?;
    let batch = &page.batch;
    let pending = registration::pending(batch);
    let customer = customer_name(&portal, batch.customer_id).await?;
    let done = batch.total - pending;
    let is_running = running(batch.status);
    let extra_head = html! {
        @if is_running { meta http-equiv="refresh" content=(REFRESH_SECS); }
    };
    // After a revocation the partner keeps reading its batch, but the customer's devices and
    // uploads are out of reach: no links that would answer "not found".
    let read_only = page.read_only;
    let devices_href = if read_only {
        format!("/customers/{}/batches", batch.customer_id)
    } else {
        format!("/customers/{}/devices", batch.customer_id)
    };
    let can_decide = batch.status == BatchStatus::AwaitingApproval
        && portal.is_customer()
        && portal.is_admin()
        && batch.customer_id == portal.org().id;
    let can_void = matches!(batch.status, BatchStatus::Finished | BatchStatus::FinishedWithErrors)
        && !read_only
        && batch.submitted_by_org_id == portal.org().id
        && portal.can_register()
        && batch.registered + batch.unassigned > 0;
    // Autopilot/Intune rows carry no manufacturer or model columns: leave the columns out then.
    let with_model =
        page.rows.iter().any(|row| row.device.manufacturer.is_some() || row.device.model.is_some());
    let n = |value: i64| FluentValue::from(value);
    let customer_arg = || ("customer", FluentValue::from(customer.clone()));
    let content = html! {
        p class="crumbs" {
            @if portal.is_partner_side() { a href="/customers" { (tr.t("nav-customers")) } " › " }
            a href=(devices_href) { (customer) } " › " (tr.t("batch-crumb"))
        }
        h1 { (tr.a("batch-title", &[customer_arg()])) }
        @if read_only {
            div id="batch-read-only" { (view::notice("warn", &tr.a("batches-revoked-note", &[customer_arg()]), None)) }
        }
        div id="batch-status" aria-live="polite" {
            p { (tr.t("batch-label")) " " code { (batch.id) } " · " (status_badge(tr, batch.status)) " · " (tr.t("batch-submitted")) " " (view::time(tr, batch.created_at)) }
            @if let Some(tag) = &batch.default_group_tag { p { (tr.t("batch-group-tag")) " " (view::tag(tr, tag)) } }
            label for="batch-progress" { (tr.a("batch-progress", &[("done", n(done)), ("total", n(batch.total))])) }
            progress id="batch-progress" max=(batch.total.max(1)) value=(done) {}
            dl class="counts" {
                div { dt { (tr.t("batch-count-registered")) } dd id="count-registered" { (tr.number(batch.registered)) } }
                div { dt { (tr.t("batch-count-unassigned")) } dd id="count-unassigned" { (tr.number(batch.unassigned)) } }
                div { dt { (tr.t("batch-count-failed")) } dd id="count-failed" { (tr.number(batch.failed)) } }
                div { dt { (tr.t("batch-count-waiting")) } dd id="count-pending" { (tr.number(pending)) } }
            }
            @if let Some(order) = &batch.order.order_number {
                p { (tr.t("batch-order")) " " strong { (order) }
                    @if let Some(po) = &batch.order.purchase_order { " · " (tr.t("batch-purchase-order")) " " (po) }
                    @if let Some(date) = batch.order.ship_date { " · " (tr.t("batch-shipped")) " " (date) } }
            }
            @if is_running {
                p class="hint" { (tr.a("batch-refreshes", &[("seconds", n(i64::from(REFRESH_SECS)))])) }
            } @else if batch.status == BatchStatus::AwaitingApproval {
                @if can_decide {
                    (view::notice("warn", &tr.t("batch-awaiting-yours"), Some(&tr.t("batch-awaiting-yours-text"))))
                } @else {
                    (view::notice("warn", &tr.t("batch-status-awaiting-approval"), Some(&tr.t("batch-awaiting-text"))))
                }
            } @else if batch.status == BatchStatus::Rejected {
                @let reason = batch.rejection_reason.clone().unwrap_or_else(|| tr.t("batch-no-reason"));
                (view::notice("bad", &tr.t("batch-rejected"), Some(&tr.a("batch-rejected-text", &[("reason", reason.into())]))))
            } @else if batch.failed > 0 {
                (view::notice("bad", &tr.a("batch-some-failed", &[("failed", n(batch.failed)), ("total", n(batch.total))]),
                    Some(&tr.t("batch-some-failed-text"))))
            } @else {
                (view::notice("ok", &tr.t("batch-all-done"), Some(&tr.t("batch-all-done-text"))))
            }
        }
        @if can_decide {
            div class="card" id="decide" {
                form method="post" action=(format!("/batches/{}/approve", batch.id)) class="actions" {
                    (view::csrf(&portal))
                    button type="submit" id="approve-batch" { (tr.a("batch-approve", &[("count", n(batch.total))])) }
                }
                form method="post" action=(format!("/batches/{}/reject", batch.id)) {
                    (view::csrf(&portal))
                    (view::field(view::Field::text("reason", &tr.t("batch-reject-reason"), "").hint(&tr.t("batch-reject-reason-hint"))))
                    button type="submit" class="secondary" id="reject-batch" { (tr.t("batch-reject")) }
                }
            }
        }
        @if let Some(at) = batch.voided_at {
            (view::notice("warn", &tr.t("batch-voided"), Some(&tr.a("batch-voided-text", &[("at", tr.date_time(at).into())]))))
        }
        p class="actions" {
            @if can_void {
                a class="button secondary" id="void-batch" href=(format!("/batches/{}/void", batch.id)) { (tr.t("batch-void")) }
            }
            a class="button secondary" id="download-results" href=(format!("/batches/{}/results.csv", batch.id)) download { (tr.t("batch-download-results")) }
            @if !read_only {
                a href=(devices_href) { (tr.t("batch-see-devices")) }
                a href=(format!("/customers/{}/add-devices", batch.customer_id)) { (tr.t("batch-add-more")) }
            }
        }
        h2 { (tr.t("batch-rows")) }
        @if page.next_cursor.is_some() { p class="hint" { (tr.a("batch-first-rows", &[("count", n(i64::from(ROWS_ON_PAGE)))])) } }
        div class="table-wrap" {
            table id="batch-rows" class="cards" {
                thead { tr {
                    th class="num" { (tr.t("batch-col-row")) } th { (tr.t("batch-col-result")) } th { (tr.t("batch-col-serial")) }
                    @if with_model { th { (tr.t("batch-col-manufacturer")) } th { (tr.t("batch-col-model")) } }
                    th { (tr.t("batch-col-details")) }
                } }
                tbody {
                    @for row in &page.rows { (row_line(tr, row, with_model)) }
                }
            }
        }
    };
    Ok(view::page_with_head(
        &portal,
        if portal.is_customer() { Section::AddDevices } else { Section::Customers },
        &tr.a("batch-page-title", &[customer_arg()]),
        extra_head,
        content,
    ))
}

fn row_line(tr: Tr, row: &RowOutcome, with_model: bool) -> Markup {
    let label = |id: &str| tr.t(id);
    html! {
        tr {
            td class="num" data-label=(label("batch-col-row")) { (row.row) }
            td data-label=(label("batch-col-result")) {
                (item_badge(tr, row.status))
                @if let Some(preview) = &row.preview {
                    br; span class="hint" { (tr.t("batch-if-approved")) " " } (preview_badge(tr, preview.would))
                }
            }
            td class="mono" data-label=(label("batch-col-serial")) { (row.device.serial_number.as_deref().unwrap_or("")) }
            @if with_model {
                td data-label=(label("batch-col-manufacturer")) { (row.device.manufacturer.as_deref().unwrap_or("")) }
                td data-label=(label("batch-col-model")) { (row.device.model.as_deref().unwrap_or("")) }
            }
            td data-label=(label("batch-col-details")) {
                @if let Some(error) = row.preview.as_ref().and_then(|preview| preview.error.as_ref()) {
                    strong { (csv_problems::row_error_title(tr, error)) } br;
                    @if let Some((detail, _)) = csv_problems::row_error_detail(tr, error) {
                        span { (detail) }
                    } @else {
                        span lang="en" { (error.message) }
                    }
                    br; code { (error.code.as_str()) }
                } @else if let Some(error) = &row.error {
                    strong { (csv_problems::row_error_title(tr, error)) } br;
                    @if let Some((detail, fix)) = csv_problems::row_error_detail(tr, error) {
                        span { (detail) } br; span class="hint" { (tr.t("batch-fix")) " " (fix) }
                    } @else {
                        span lang="en" { (error.message) }
                        @if let Some(hint) = &error.hint { br; span class="hint" { (tr.t("batch-fix")) " " span lang="en" { (hint) } } }
                    }
                    br; code { (error.code.as_str()) }
                } @else if let Some(device_id) = row.device_id {
                    a href=(format!("/devices/{device_id}")) { (tr.t("batch-view-device")) }
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
        let lines: Vec<(u64, &str)> = checked.problems.iter().map(|p| (p.line(), p.code())).collect();
        assert!(lines.contains(&(2, "unknown_group_tag")), "{lines:?}");
        assert!(lines.iter().any(|(line, code)| *line == 4 && code.starts_with("duplicate")), "{lines:?}");
        let tag_problem = checked.problems.iter().find(|p| p.code() == "unknown_group_tag").unwrap();
        for tr in Tr::all() {
            // Said in the page's language: the tag as written, the one it meant and why.
            let (message, fix, english) = tag_problem.explain(tr);
            assert!(message.contains("“Microsoft365ManagedStandard”"), "{}: {message}", tr.tag());
            let fix = fix.unwrap();
            assert!(fix.contains("Microsoft365ManagedStandard_"), "{}: {fix}", tr.tag());
            assert!(fix.contains(&tr.t("tag-near-miss-missing-underscore")), "{}: {fix}", tr.tag());
            assert_eq!(english, None, "{}: nothing left in English", tr.tag());
        }
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

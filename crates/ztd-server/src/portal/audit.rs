//! The audit trail in words (docs/portal.md#audit-trail): every action by the organisation or
//! on its tenant, newest first, each as a sentence in the page's language built from the
//! event's action code and its stored details ("Fabrikam registered 50 of 50 devices in batch
//! …"), naming the organisation's own people by email or key name and other organisations by
//! name, with links to the batch, device, profile or relationship; filters by action, actor
//! and days. The audit use case ([`crate::app::audit`]) decides what is visible.

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fluent_bundle::FluentValue;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;
use uuid::Uuid;
use ztd_storage::{ActorKind, AuditEvent, OrgKind, Role};

use super::error::{self, PortalError};
use super::i18n::Tr;
use super::session::Portal;
use super::view::{self, Section};
use crate::app::audit::{self, ActorChoice, Narrowing, PageRequest, ReadablePage};
use crate::error::ApiError;

const PAGE_SIZE: u32 = 50;

/// Every action code the service writes, in the order of the filter's list: each has a name
/// (`audit-name-…`) and a sentence (`audit-action-…`) in every catalogue. A test reads the
/// sources for the codes written and fails on one missing here.
pub const ACTION_CODES: &[&str] = &[
    "device_batch.create",
    "device_batch.awaiting_approval",
    "device_batch.approve",
    "device_batch.reject",
    "device_batch.finished",
    "device_batch.discard",
    "device_batch.void",
    "device.update_group_tag",
    "device.deregister",
    "device.activate",
    "device.superseded",
    "profile.create",
    "profile.update",
    "profile.delete",
    "invitation.create",
    "invitation.withdraw",
    "invitation.accept",
    "relationship.set_approval_mode",
    "relationship.revoke",
    "release_request.create",
    "release_request.approve",
    "release_request.deny",
    "user.create",
    "user.change_role",
    "user.password_reset",
    "user.password_change",
    "user.disable",
    "user.enable",
    "user.sign_in",
    "user.sign_in_failed",
    "csrf.rejected",
    "api_key.create",
    "api_key.revoke",
    "webhook.create",
    "webhook.delete",
    "webhook.redeliver",
    "org.create",
];

/// The catalogue key of an action code: `device_batch.create` → `device-batch-create`.
fn slug(action: &str) -> String {
    action.replace(['.', '_'], "-")
}

/// An action's short name (the filter's list).
fn action_name(tr: Tr, action: &str) -> String {
    let id = format!("audit-name-{}", slug(action));
    if tr.has(&id) {
        tr.t(&id)
    } else {
        action.to_owned()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AuditPageQuery {
    cursor: Option<String>,
    action: Option<String>,
    actor: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// Where the sentences of a trail may link: the organisation's own pages, or (the operator
/// reading another organisation's trail) nowhere but the organisation pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    Own { kind: OrgKind, admin: bool },
    Operator,
}

/// A sentence being put together: its arguments, some of them markup (links, code) kept
/// aside as placeholders until the catalogue's text is escaped.
struct Words {
    args: Vec<(&'static str, FluentValue<'static>)>,
    pieces: Vec<Markup>,
}

impl Words {
    fn new() -> Self {
        Self { args: Vec::new(), pieces: Vec::new() }
    }

    fn text(&mut self, name: &'static str, value: impl Into<String>) -> &mut Self {
        // Stored text (an organisation's name) cannot pose as a placeholder of a piece.
        let value: String = value.into().chars().filter(|c| !matches!(c, '\u{E010}' | '\u{E011}')).collect();
        self.args.push((name, FluentValue::from(value)));
        self
    }

    fn number(&mut self, name: &'static str, value: i64) -> &mut Self {
        self.args.push((name, FluentValue::from(value)));
        self
    }

    fn piece(&mut self, name: &'static str, markup: Markup) -> &mut Self {
        let token = format!("\u{E010}{}\u{E011}", self.pieces.len());
        self.pieces.push(markup);
        self.args.push((name, FluentValue::from(token)));
        self
    }

    fn render(&self, tr: Tr, id: &str) -> Markup {
        let text = tr.a(id, &self.args);
        let mut out = html! { (text) }.into_string();
        for (index, piece) in self.pieces.iter().enumerate() {
            out = out.replace(&format!("\u{E010}{index}\u{E011}"), &piece.clone().into_string());
        }
        PreEscaped(out)
    }
}

fn detail<'a>(event: &'a AuditEvent, key: &str) -> Option<&'a str> {
    event.details.get(key).and_then(serde_json::Value::as_str).filter(|text| !text.is_empty())
}

fn detail_number(event: &AuditEvent, key: &str) -> i64 {
    event.details.get(key).and_then(serde_json::Value::as_i64).unwrap_or(0)
}

fn detail_id(event: &AuditEvent, key: &str) -> Option<Uuid> {
    detail(event, key).and_then(|id| id.parse().ok())
}

fn target(event: &AuditEvent) -> Option<Uuid> {
    event.target_id.as_deref().and_then(|id| id.parse().ok())
}

/// The first characters of an id: enough to tell batches apart in a sentence.
fn short(id: Uuid) -> String {
    id.simple().to_string()[..8].to_owned()
}

/// Who did it, as the reader knows them: the organisation's own people by email or key name,
/// anyone of another organisation by the organisation's name.
fn actor(tr: Tr, readable: &ReadablePage, event: &AuditEvent) -> String {
    let person = event.actor_id.and_then(|id| readable.people.get(&id));
    let org = |id: Uuid| readable.orgs.get(&id).cloned().unwrap_or_else(|| tr.t("audit-actor-other-org"));
    match (event.actor_kind, event.actor_org_id) {
        (_, Some(acting)) if acting != readable.org_id => org(acting),
        (ActorKind::User, _) => person.cloned().unwrap_or_else(|| tr.t("audit-actor-someone")),
        (ActorKind::ApiKey, _) => match person {
            Some(name) => tr.a("audit-actor-key", &[("name", name.as_str().into())]),
            None => tr.t("audit-actor-someone"),
        },
        (ActorKind::Operator, _) => tr.t("audit-actor-operator"),
        (ActorKind::Device, _) => tr.t("audit-actor-device"),
        (ActorKind::System, _) => match detail_id(event, "customer_org_id") {
            Some(customer) => org(customer),
            None => tr.t("audit-actor-system"),
        },
    }
}

/// A batch as a link to its page.
fn batch_link(links: Links, id: Uuid, order: Option<&str>) -> Markup {
    let label = match order {
        Some(order) => order.to_owned(),
        None => short(id),
    };
    html! {
        @match links {
            Links::Own { .. } => a href=(format!("/batches/{id}")) { code { (label) } },
            Links::Operator => code { (label) },
        }
    }
}

/// A device as a link to its page, named by its serial number where known.
fn device_link(tr: Tr, readable: &ReadablePage, links: Links, id: Option<Uuid>) -> Markup {
    let Some(id) = id.filter(|id| !id.is_nil()) else { return html! { (tr.t("audit-device-unnamed")) } };
    let label = readable.serials.get(&id).cloned().unwrap_or_else(|| short(id));
    html! {
        @match links {
            Links::Own { .. } => a href=(format!("/devices/{id}")) { code { (label) } },
            Links::Operator => code { (label) },
        }
    }
}

/// An organisation's name where the reader knows it.
fn org_name(tr: Tr, readable: &ReadablePage, id: Option<Uuid>) -> String {
    id.and_then(|id| readable.orgs.get(&id).cloned()).unwrap_or_else(|| tr.t("audit-actor-other-org"))
}

/// The sides of the relationship of an event: (partner, customer).
fn sides(tr: Tr, readable: &ReadablePage, event: &AuditEvent) -> (String, String) {
    let known = target(event).and_then(|id| readable.relationships.get(&id)).copied();
    let partner = detail_id(event, "partner_org_id").or(known.map(|(partner, _)| partner));
    let customer = detail_id(event, "customer_org_id")
        .or(known.map(|(_, customer)| customer))
        .or(event.tenant_org_id.filter(|_| event.actor_org_id.is_some()));
    (org_name(tr, readable, partner), org_name(tr, readable, customer))
}

/// The link to a relationship: where the reader's organisation lists its relationships.
fn relationship_link(links: Links, text: String) -> Markup {
    match links {
        Links::Own { kind: OrgKind::Customer, .. } => html! { a href="/relationships" { (text) } },
        Links::Own { kind: OrgKind::Partner | OrgKind::Oem, .. } => html! { a href="/customers" { (text) } },
        _ => html! { (text) },
    }
}

fn role_text(tr: Tr, text: Option<&str>) -> String {
    match text.and_then(Role::parse) {
        Some(role) => view::role(tr, role),
        None => text.unwrap_or_default().to_owned(),
    }
}

/// One event in words, in the page's language.
pub fn sentence(tr: Tr, readable: &ReadablePage, links: Links, event: &AuditEvent) -> Markup {
    let mut words = Words::new();
    words.text("actor", actor(tr, readable, event));
    let base = format!("audit-action-{}", slug(&event.action));
    // Done "by the system" towards this organisation (a copy of another's decision).
    let system = event.actor_kind == ActorKind::System && event.actor_org_id.is_none();
    let mut id =
        if system && tr.has(&format!("{base}-system")) { format!("{base}-system") } else { base.clone() };
    let email = || {
        detail(event, "email")
            .map(str::to_owned)
            .or_else(|| target(event).and_then(|id| readable.people.get(&id).cloned()))
            .unwrap_or_else(|| tr.t("audit-actor-someone"))
    };
    let batch = || batch_link(links, target(event).unwrap_or_default(), detail(event, "order_number"));
    match event.action.as_str() {
        "org.create" => {
            let kind = detail(event, "kind").and_then(OrgKind::parse);
            let name = detail(event, "name").unwrap_or_default().to_owned();
            let name = match (links, target(event)) {
                (Links::Operator | Links::Own { kind: OrgKind::Operator, .. }, Some(org)) => {
                    html! { a href=(format!("/orgs/{org}")) { (name) } }
                }
                _ => html! { (name) },
            };
            words
                .piece("name", name)
                .text("kind", kind.map(|kind| view::org_kind(tr, kind)).unwrap_or_default());
        }
        "user.create" => {
            words.text("email", email()).text("role", role_text(tr, detail(event, "role")));
        }
        "user.change_role" => {
            words
                .text("email", email())
                .text("from", role_text(tr, detail(event, "from")))
                .text("to", role_text(tr, detail(event, "to")));
        }
        "user.disable" | "user.enable" | "user.password_reset" | "user.sign_in_failed" => {
            words.text("email", email());
        }
        "csrf.rejected" => {
            words.piece("path", html! { code { (detail(event, "path").unwrap_or_default()) } });
        }
        "api_key.create" | "api_key.revoke" => {
            let name = detail(event, "name")
                .map(str::to_owned)
                .or_else(|| target(event).and_then(|id| readable.people.get(&id).cloned()))
                .unwrap_or_default();
            words.text("name", name).text("role", role_text(tr, detail(event, "role")));
        }
        "invitation.accept" | "relationship.revoke" | "relationship.set_approval_mode" => {
            let (partner, customer) = sides(tr, readable, event);
            words
                .piece("partner", relationship_link(links, partner))
                .piece("customer", relationship_link(links, customer))
                .text("mode", detail(event, "to").unwrap_or("auto_accept"));
        }
        "profile.create" | "profile.update" | "profile.delete" => {
            let name = detail(event, "name").unwrap_or_default().to_owned();
            let profile = match (links, event.tenant_org_id, target(event), event.action.as_str()) {
                (
                    Links::Own { kind: OrgKind::Customer, admin: true },
                    Some(customer),
                    Some(profile),
                    action,
                ) if action != "profile.delete" => {
                    html! { a href=(format!("/customers/{customer}/profiles/{profile}")) { (name) } }
                }
                _ => html! { (name) },
            };
            words
                .piece("profile", profile)
                .piece("tag", view::tag(tr, detail(event, "group_tag").unwrap_or_default()));
        }
        "device.update_group_tag" => {
            words
                .piece("device", device_link(tr, readable, links, target(event)))
                .piece("from", view::tag(tr, detail(event, "from").unwrap_or_default()))
                .piece("to", view::tag(tr, detail(event, "to").unwrap_or_default()));
        }
        "device.deregister" | "device.activate" | "device.superseded" => {
            words.piece("device", device_link(tr, readable, links, target(event)));
        }
        "device_batch.create" | "device_batch.approve" | "device_batch.discard" | "device_batch.void" => {
            words.piece("batch", batch()).number("count", detail_number(event, "total"));
        }
        "device_batch.awaiting_approval" => {
            words.piece("batch", batch()).number("count", detail_number(event, "total"));
        }
        "device_batch.finished" => {
            words
                .piece("batch", batch())
                .number("total", detail_number(event, "total"))
                .number("registered", detail_number(event, "registered"))
                .number("unassigned", detail_number(event, "unassigned"))
                .number("failed", detail_number(event, "failed"));
        }
        "device_batch.reject" => {
            let reason =
                detail(event, "reason").map(str::to_owned).unwrap_or_else(|| tr.t("audit-no-reason"));
            words.piece("batch", batch()).text("reason", reason);
        }
        "release_request.create" | "release_request.approve" | "release_request.deny" => {
            // The holder's events name the requester; the requester's never name the holder.
            if detail(event, "requester_name").is_some() && event.action == "release_request.create" {
                id = format!("{base}-incoming");
            }
            let serial = detail(event, "serial_number").unwrap_or_default().to_owned();
            let device = match detail_id(event, "device_id") {
                Some(device) => device_link(tr, readable, links, Some(device)),
                None => html! { code { (serial) } },
            };
            words
                .piece("device", device)
                .text("serial", serial)
                .text("requester", detail(event, "requester_name").unwrap_or_default());
        }
        "webhook.create" => {
            words.piece("url", html! { span class="mono" { (detail(event, "url").unwrap_or_default()) } });
        }
        _ => {}
    }
    if !tr.has(&id) {
        // An action of a newer version than this catalogue: its code, as stored.
        return html! { code { (event.action) } };
    }
    words.render(tr, &id)
}

/// The events as a table: when, what happened, the action's code.
pub fn events_table(tr: Tr, readable: &ReadablePage, links: Links, table_id: &str) -> Markup {
    let (when, what, code) = (tr.t("audit-col-when"), tr.t("audit-col-what"), tr.t("audit-col-code"));
    html! {
        div class="table-wrap" {
            table id=(table_id) class="cards" {
                thead { tr { th { (when) } th { (what) } th { (code) } } }
                tbody {
                    @for event in &readable.page.events {
                        tr {
                            td data-label=(when) { (view::time(tr, event.at)) }
                            td class="wrap" data-label=(what) { (sentence(tr, readable, links, event)) }
                            td data-label=(code) {
                                code class="hint" title=[event.request_id.as_deref().map(|id| tr.a("audit-request-id", &[("id", id.into())]))] {
                                    (event.action)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The filter form: action, actor, days.
fn filter_form(tr: Tr, actors: &audit::Actors, query: &AuditPageQuery) -> Markup {
    let chosen = |value: &Option<String>| value.as_deref().unwrap_or("").trim().to_owned();
    let (action, actor, from, to) =
        (chosen(&query.action), chosen(&query.actor), chosen(&query.from), chosen(&query.to));
    let mut codes: Vec<(&str, String)> =
        ACTION_CODES.iter().map(|code| (*code, action_name(tr, code))).collect();
    codes.sort_by(|a, b| a.1.cmp(&b.1));
    let person = |id: Uuid| ActorChoice::Person(id).param();
    html! {
        form method="get" action="/audit" class="inline card" id="audit-filters" {
            div class="field" {
                label for="filter-action" { (tr.t("audit-filter-action")) }
                select id="filter-action" name="action" {
                    option value="" { (tr.t("audit-filter-any-action")) }
                    @for (code, name) in &codes {
                        option value=(code) selected[action == *code] { (name) }
                    }
                }
            }
            div class="field" {
                label for="filter-actor" { (tr.t("audit-filter-actor")) }
                select id="filter-actor" name="actor" {
                    option value="" { (tr.t("audit-filter-anyone")) }
                    @if !actors.users.is_empty() {
                        optgroup label=(tr.t("audit-filter-people")) {
                            @for (id, email) in &actors.users { option value=(person(*id)) selected[actor == person(*id)] { (email) } }
                        }
                    }
                    @if !actors.keys.is_empty() {
                        optgroup label=(tr.t("audit-filter-keys")) {
                            @for (id, name) in &actors.keys { option value=(person(*id)) selected[actor == person(*id)] { (name) } }
                        }
                    }
                    @if !actors.orgs.is_empty() {
                        optgroup label=(tr.t("audit-filter-orgs")) {
                            @for (id, name) in &actors.orgs {
                                @let value = ActorChoice::Organisation(*id).param();
                                option value=(value) selected[actor == value] { (name) }
                            }
                        }
                    }
                }
            }
            div class="field" {
                label for="filter-from" { (tr.t("audit-filter-from")) }
                input type="date" id="filter-from" name="from" value=(from);
            }
            div class="field" {
                label for="filter-to" { (tr.t("audit-filter-to")) }
                input type="date" id="filter-to" name="to" value=(to);
            }
            div class="actions" {
                button type="submit" id="apply-audit-filters" { (tr.t("audit-filter-apply")) }
                a href="/audit" { (tr.t("audit-filter-clear")) }
            }
        }
    }
}

/// The address of the next (older) page with the same filters.
fn older_href(query: &AuditPageQuery, cursor: i64) -> String {
    let mut href = format!("/audit?cursor={cursor}");
    for (name, value) in
        [("action", &query.action), ("actor", &query.actor), ("from", &query.from), ("to", &query.to)]
    {
        if let Some(value) = value.as_deref().filter(|value| !value.trim().is_empty()) {
            href.push_str(&format!("&{name}={}", view::url_encode(value.trim())));
        }
    }
    href
}

pub async fn list(portal: Portal, Query(query): Query<AuditPageQuery>) -> Result<Response, PortalError> {
    let tr = portal.tr();
    let actors = audit::actors(portal.access()).await?;
    let narrowing = Narrowing::parse(
        query.action.as_deref(),
        query.actor.as_deref(),
        query.from.as_deref(),
        query.to.as_deref(),
    );
    let narrowing = match narrowing {
        Ok(narrowing) => narrowing,
        Err(refusal) => {
            let refusal = ApiError::from(refusal);
            let explanation = error::explain(tr, &refusal);
            let content = html! {
                h1 { (tr.t("audit-title")) }
                (filter_form(tr, &actors, &query))
                (error::notice(tr, &explanation))
            };
            let page = view::page(&portal, Section::Audit, &tr.t("audit-title"), content);
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let request = PageRequest::parse(Some(PAGE_SIZE), query.cursor.as_deref())?;
    let readable = audit::list_readable(portal.access(), request, &narrowing).await?;
    let links = Links::Own { kind: portal.org().kind, admin: portal.is_admin() };
    let narrowed = narrowing != Narrowing::default();
    let content = html! {
        h1 { (tr.t("audit-title")) }
        p class="lead" { (tr.t("audit-lead")) }
        (filter_form(tr, &actors, &query))
        @if readable.page.events.is_empty() {
            p class="card empty" id="audit-empty" {
                @if narrowed { (tr.t("audit-none-matching")) } @else { (tr.t("audit-none")) }
            }
        } @else {
            (events_table(tr, &readable, links, "audit"))
        }
        @if let Some(next) = readable.page.next_cursor {
            p { a href=(older_href(&query, next)) rel="next" { (tr.t("audit-older")) } }
        }
    };
    Ok(view::page(&portal, Section::Audit, &tr.t("audit-title"), content).into_response())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    /// The action codes written by the source file at `path`, or by the sources under it: the
    /// code-shaped string literals on the line of an audit event's constructor (`.event(`,
    /// `of_batch(`, `action: `) and the two lines after it (where the action stands when the
    /// call is split over lines). Test modules are left out.
    fn written_codes(path: &Path, found: &mut BTreeSet<String>) {
        if path.is_dir() {
            let mut entries: Vec<_> =
                std::fs::read_dir(path).expect("a source directory").flatten().collect();
            entries.sort_by_key(|entry| entry.path());
            for entry in entries {
                written_codes(&entry.path(), found);
            }
            return;
        }
        if path.extension().is_none_or(|ext| ext != "rs") {
            return;
        }
        let source = std::fs::read_to_string(path).expect("a readable source");
        let source = source.split("#[cfg(test)]").next().unwrap_or_default();
        let lines: Vec<&str> = source.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            let marker = ["event(", "of_batch(", "action: "].iter().find_map(|marker| line.find(marker));
            let Some(at) = marker else { continue };
            let mut window = line[at..].to_owned();
            for next in lines.iter().skip(index + 1).take(2) {
                window.push('\n');
                window.push_str(next);
            }
            for literal in window.split('"').skip(1).step_by(2) {
                if audit::is_action_code(literal) {
                    found.insert(literal.to_owned());
                }
            }
        }
    }

    #[test]
    fn stored_text_is_escaped_and_cannot_pose_as_a_link() {
        let mut words = Words::new();
        words.piece("batch", html! { a href="/batches/1" { "batch" } });
        // An organisation named like markup, and like the placeholder of the link.
        words.text("actor", "<b>Evil</b> \u{E010}0\u{E011}").number("count", 2);
        let rendered =
            words.render(Tr::for_tag("en").unwrap(), "audit-action-device-batch-create").into_string();
        assert!(rendered.contains("&lt;b&gt;Evil&lt;/b&gt;"), "{rendered}");
        assert_eq!(rendered.matches("<a href").count(), 1, "{rendered}");
    }

    #[test]
    fn every_action_code_written_has_a_name_and_a_sentence_in_every_language() {
        let server = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut written = BTreeSet::new();
        written_codes(&server.join("src/app"), &mut written);
        written_codes(&server.join("src/worker.rs"), &mut written);
        written_codes(&server.join("../ztd-storage/src/sql"), &mut written);
        // The enumeration itself works: codes written in each kind of place are found.
        for known in [
            "user.password_change",
            "device_batch.finished",
            "device.superseded",
            "device_batch.reject",
            "invitation.accept",
        ] {
            assert!(written.contains(known), "{known} not found among {written:?}");
        }
        assert!(written.len() >= 30, "{written:?}");
        let listed: BTreeSet<String> = ACTION_CODES.iter().map(|code| (*code).to_owned()).collect();
        let unlisted: Vec<_> = written.difference(&listed).collect();
        assert!(unlisted.is_empty(), "action codes written but missing from ACTION_CODES: {unlisted:?}");
        for tr in Tr::all() {
            for code in ACTION_CODES {
                for id in [format!("audit-name-{}", slug(code)), format!("audit-action-{}", slug(code))] {
                    assert!(tr.has(&id), "{}.ftl has no {id} for the action {code}", tr.tag());
                }
            }
        }
    }
}

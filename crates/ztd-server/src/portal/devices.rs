//! A customer's devices: the list (search by serial number, filters by profile, state and order
//! number, the total, paging both ways, several devices changed or deregistered at once after a
//! confirmation step), one device with its profile, change of profile (group tag) and
//! deregistration (after a confirmation step). Every change goes through the device use cases,
//! one device at a time, so the access layer checks each (docs/portal.md#devices).

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use ztd_storage::{DeviceState, Profile};

use super::customers::customer_name;
use super::error::{self, PortalError};
use super::i18n::Tr;
use super::session::{CsrfForm, NoFields, Portal};
use super::view::{self, Section};
use crate::app::profiles;
use crate::app::registration::{self, DeviceQuery, ShownDevice, TagChange};
use crate::error::ApiError;

const PAGE_SIZE: u32 = 100;
/// The most devices changed in one go.
const MAX_BULK: usize = 500;

/// The list's search, filters and page, as the address carries them.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ListQuery {
    /// Serial number (its start, or the whole serial with `match=exact`).
    q: Option<String>,
    #[serde(rename = "match")]
    matching: Option<String>,
    state: Option<String>,
    group_tag: Option<String>,
    order: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|value| !value.is_empty()).map(str::to_owned)
}

impl ListQuery {
    fn exact(&self) -> bool {
        self.matching.as_deref() == Some("exact")
    }

    fn filtered(&self) -> bool {
        [&self.q, &self.state, &self.group_tag, &self.order]
            .into_iter()
            .any(|value| non_empty(value).is_some())
    }

    /// The search and filters as a query string (`&`-joined, no cursor); empty without any.
    fn filter_pairs(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(q) = non_empty(&self.q) {
            pairs.push(format!("q={}", view::url_encode(&q)));
            if self.exact() {
                pairs.push("match=exact".to_owned());
            }
        }
        for (name, value) in [("state", &self.state), ("group_tag", &self.group_tag), ("order", &self.order)]
        {
            if let Some(value) = non_empty(value) {
                pairs.push(format!("{name}={}", view::url_encode(&value)));
            }
        }
        pairs.join("&")
    }

    fn href(&self, base: &str, cursor: Option<&str>) -> String {
        let mut query = self.filter_pairs();
        if let Some(cursor) = cursor {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(&format!("cursor={}", view::url_encode(cursor)));
        }
        if query.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{query}")
        }
    }

    fn device_query(&self) -> DeviceQuery {
        DeviceQuery {
            state: non_empty(&self.state),
            group_tag: non_empty(&self.group_tag),
            registered_by: None,
            order_number: non_empty(&self.order),
            serial: non_empty(&self.q),
            serial_exact: self.exact(),
            cursor: non_empty(&self.cursor),
            limit: Some(PAGE_SIZE),
        }
    }
}

fn section(portal: &Portal) -> Section {
    if portal.is_customer() {
        Section::Devices
    } else {
        Section::Customers
    }
}

/// A device state in the page's language.
pub fn state_name(tr: Tr, state: DeviceState) -> String {
    tr.t(&format!("device-state-{}", state.as_str()))
}

pub fn state_badge(tr: Tr, state: DeviceState) -> Markup {
    match state {
        DeviceState::Registered => view::badge("ok", &state_name(tr, state)),
        DeviceState::Unassigned => view::badge("warn", &tr.t("device-badge-unassigned")),
        DeviceState::Active => view::badge("ok", &state_name(tr, state)),
        DeviceState::Deregistered => view::badge("bad", &state_name(tr, state)),
    }
}

fn profile_cell(tr: Tr, shown: &ShownDevice) -> Markup {
    html! {
        @match (&shown.profile, &shown.device.group_tag) {
            (Some(profile), _) => { (profile.name) br; (view::tag(tr, &profile.group_tag)) }
            (None, Some(tag)) => {
                (view::badge("warn", &tr.t("device-no-profile"))) br; (view::tag(tr, tag))
                " " span class="hint" { (tr.t("device-tag-matches-no-profile")) }
            }
            (None, None) => { (view::badge("warn", &tr.t("device-no-profile"))) }
        }
    }
}

fn serial(tr: Tr, shown: &ShownDevice) -> String {
    shown.device.serial_number.clone().unwrap_or_else(|| tr.t("device-no-serial"))
}

fn profile_options(tr: Tr, profiles: &[Profile], selected: &str, unassigned: &str) -> Markup {
    html! {
        @for profile in profiles {
            option value=(profile.group_tag) selected[profile.group_tag == selected] { (profile.name) " — " (profile.group_tag) }
        }
        option value="" selected[selected.is_empty()] { (tr.t(unassigned)) }
    }
}

pub async fn list(
    portal: Portal,
    Path(customer_id): Path<Uuid>,
    Query(query): Query<ListQuery>,
) -> Result<Response, PortalError> {
    let tr = portal.tr();
    let device_query = query.device_query();
    let page = registration::list_devices(portal.access(), customer_id, device_query.clone()).await?;
    let total = registration::count_devices(portal.access(), customer_id, &device_query).await?;
    let profiles = profiles::list(portal.access(), customer_id).await?;
    let customer = customer_name(&portal, customer_id).await?;
    let base = format!("/customers/{customer_id}/devices");
    let filtered = query.filtered();
    let filter_state = non_empty(&query.state);
    let filter_tag = non_empty(&query.group_tag);
    let selectable = portal.can_register();
    let notice = match query.notice.as_deref() {
        Some("deregistered") => Some(tr.t("devices-notice-deregistered")),
        _ => None,
    };
    let title = tr.a("devices-title", &[("customer", customer.as_str().into())]);
    let content = html! {
        @if portal.is_partner_side() { p class="crumbs" { a href="/customers" { (tr.t("devices-crumb-customers")) } " › " (customer) } }
        h1 { (title) }
        @if portal.is_partner_side() {
            p class="lead" { (tr.a("devices-lead-partner", &[("customer", customer.as_str().into())])) }
        }
        @if let Some(text) = &notice { (view::notice("ok", text, None)) }
        div class="actions" {
            @if portal.can_register() {
                a class="button" href=(format!("/customers/{customer_id}/add-devices")) { (tr.t("devices-add")) }
            }
            a id="devices-batches" href=(format!("/customers/{customer_id}/batches")) { (tr.t("devices-batches")) }
            a href=(format!("/api/v1/customers/{customer_id}/devices/export?format=intune")) { (tr.t("devices-export-intune")) }
            a href=(format!("/api/v1/customers/{customer_id}/devices/export?format=partner-center")) { (tr.t("devices-export-partner-center")) }
        }
        form id="device-filter" class="inline card" method="get" action=(base) role="search" aria-label=(tr.t("devices-filter-label")) {
            div class="field" {
                label for="q" { (tr.t("devices-search")) }
                span class="hint" id="q-hint" { (tr.t("devices-search-hint")) }
                input type="search" id="q" name="q" value=(query.q.as_deref().unwrap_or("")) aria-describedby="q-hint" autocomplete="off";
            }
            div class="field" {
                label for="match" { (tr.t("devices-search-how")) }
                select id="match" name="match" {
                    option value="prefix" selected[!query.exact()] { (tr.t("devices-search-prefix")) }
                    option value="exact" selected[query.exact()] { (tr.t("devices-search-exact")) }
                }
            }
            div class="field" {
                label for="state" { (tr.t("devices-state")) }
                select id="state" name="state" {
                    option value="" { (tr.t("devices-state-any")) }
                    @for candidate in DeviceState::ALL {
                        option value=(candidate.as_str()) selected[filter_state.as_deref() == Some(candidate.as_str())] { (state_name(tr, *candidate)) }
                    }
                }
            }
            div class="field" {
                label for="group_tag" { (tr.t("devices-group-tag")) }
                select id="group_tag" name="group_tag" {
                    option value="" { (tr.t("devices-group-tag-any")) }
                    @for profile in &profiles {
                        option value=(profile.group_tag) selected[filter_tag.as_deref() == Some(profile.group_tag.as_str())] {
                            (profile.name) " — " (profile.group_tag)
                        }
                    }
                }
            }
            div class="field" {
                label for="order" { (tr.t("devices-order")) }
                span class="hint" id="order-hint" { (tr.t("devices-order-hint")) }
                input type="text" id="order" name="order" value=(query.order.as_deref().unwrap_or("")) aria-describedby="order-hint";
            }
            div class="actions" {
                button type="submit" id="device-filter-submit" { (tr.t("devices-filter")) }
                @if filtered { a href=(base) { (tr.t("devices-clear")) } }
            }
        }
        div aria-live="polite" {
            p id="devices-total" class="lead" {
                @if filtered {
                    (tr.a("devices-total-filtered", &[("count", total.into())]))
                } @else {
                    (tr.a("devices-total", &[("count", total.into())]))
                }
            }
            @if page.devices.is_empty() {
                p class="card empty" id="no-devices" {
                    @if filtered { (tr.t("devices-none-match")) } @else { (tr.t("devices-none")) }
                }
            } @else {
                form id="bulk-form" method="post" action=(format!("{base}/bulk")) {
                    (view::csrf(&portal))
                    input type="hidden" name="step" value="confirm";
                    @if selectable {
                        fieldset class="inline card" {
                            legend { (tr.t("devices-bulk-heading")) }
                            div class="field" {
                                label for="bulk_action" { (tr.t("devices-bulk-action")) }
                                select id="bulk_action" name="action" {
                                    option value="retag" { (tr.t("devices-bulk-retag")) }
                                    option value="deregister" { (tr.t("devices-bulk-deregister")) }
                                }
                            }
                            div class="field" {
                                label for="bulk_group_tag" { (tr.t("devices-bulk-profile")) }
                                select id="bulk_group_tag" name="group_tag" {
                                    (profile_options(tr, &profiles, "\u{0}", "devices-bulk-unassigned"))
                                }
                            }
                            div class="actions" {
                                button type="submit" id="bulk-continue" aria-describedby="bulk-hint" { (tr.t("devices-bulk-continue")) }
                                span class="hint" id="bulk-hint" { (tr.t("devices-bulk-hint")) }
                            }
                        }
                    }
                    div class="table-wrap" {
                        table id="devices" class="cards" {
                            caption class="skip" { (tr.a("devices-caption", &[("customer", customer.as_str().into())])) }
                            thead { tr {
                                @if selectable { th { span class="skip" { (tr.t("devices-col-select")) } } }
                                th { (tr.t("devices-col-serial")) } th { (tr.t("devices-col-manufacturer")) } th { (tr.t("devices-col-model")) }
                                th { (tr.t("devices-col-state")) } th { (tr.t("devices-col-profile")) } th { (tr.t("devices-col-order")) }
                                th { (tr.t("devices-col-registered-by")) } th { (tr.t("devices-col-registered")) }
                            } }
                            tbody {
                                @for shown in &page.devices {
                                    @let device = &shown.device;
                                    @let serial = serial(tr, shown);
                                    tr {
                                        @if selectable {
                                            td data-label=(tr.t("devices-col-select")) {
                                                @if device.state != DeviceState::Deregistered {
                                                    input type="checkbox" name="device" value=(device.id) id=(format!("select-{}", device.id))
                                                        aria-label=(tr.a("devices-select", &[("serial", serial.as_str().into())]));
                                                }
                                            }
                                        }
                                        td class="mono" data-label=(tr.t("devices-col-serial")) { a href=(format!("/devices/{}", device.id)) { (serial) } }
                                        td data-label=(tr.t("devices-col-manufacturer")) { (device.manufacturer.as_deref().unwrap_or("")) }
                                        td data-label=(tr.t("devices-col-model")) { (device.model.as_deref().unwrap_or("")) }
                                        td data-label=(tr.t("devices-col-state")) { (state_badge(tr, device.state)) }
                                        td data-label=(tr.t("devices-col-profile")) { (profile_cell(tr, shown)) }
                                        td data-label=(tr.t("devices-col-order")) {
                                            @if let Some(order) = &shown.order.order_number {
                                                a href=(format!("{base}?order={}", view::url_encode(order))) { (order) }
                                            }
                                        }
                                        td data-label=(tr.t("devices-col-registered-by")) { (shown.registered_by_name) }
                                        td data-label=(tr.t("devices-col-registered")) { (view::time(tr, device.created_at)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if page.previous_cursor.is_some() || page.next_cursor.is_some() {
            nav class="actions pages" aria-label=(tr.t("devices-page-nav")) {
                @if let Some(cursor) = &page.previous_cursor {
                    a href=(query.href(&base, None)) id="devices-first" { (tr.t("devices-first")) }
                    a href=(query.href(&base, Some(cursor))) rel="prev" id="devices-previous" { (tr.t("devices-previous")) }
                }
                @if let Some(cursor) = &page.next_cursor {
                    a href=(query.href(&base, Some(cursor))) rel="next" id="devices-next" { (tr.t("devices-next")) }
                }
            }
        }
    };
    Ok(view::page(&portal, section(&portal), &title, content).into_response())
}

// ---------------------------------------------------------------------------------------------
// Several devices at once
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BulkAction {
    Retag,
    Deregister,
}

/// What the bulk form sent: repeated `device` fields, so read as pairs.
#[derive(Debug)]
struct BulkRequest {
    devices: Vec<Uuid>,
    action: BulkAction,
    group_tag: String,
    /// The confirmation was given (`step=apply`).
    apply: bool,
}

impl BulkRequest {
    fn parse(fields: Vec<(String, String)>) -> Result<Self, PortalError> {
        let mut devices = Vec::new();
        let (mut action, mut group_tag, mut apply) = (None, String::new(), false);
        for (name, value) in fields {
            match name.as_str() {
                "device" => {
                    let id = value
                        .parse::<Uuid>()
                        .map_err(|_| PortalError::BadForm(format!("device {value:?} is not a device id")))?;
                    if !devices.contains(&id) {
                        devices.push(id);
                    }
                }
                "action" => {
                    action = Some(match value.as_str() {
                        "retag" => BulkAction::Retag,
                        "deregister" => BulkAction::Deregister,
                        other => {
                            return Err(PortalError::BadForm(format!(
                                "action {other:?} is not retag or deregister"
                            )))
                        }
                    })
                }
                "group_tag" => group_tag = value,
                "step" => apply = value == "apply",
                _ => {}
            }
        }
        let action = action.ok_or_else(|| PortalError::BadForm("the form names no action".into()))?;
        Ok(Self { devices, action, group_tag, apply })
    }
}

/// A device the person selected that will not be changed, and why.
struct LeftOut {
    label: String,
    device_id: Option<Uuid>,
    reason: String,
    code: Option<String>,
}

/// Reads a selected device through the access layer; `Err` says why it is left out.
async fn selected_device(
    portal: &Portal,
    customer_id: Uuid,
    customer: &str,
    id: Uuid,
) -> Result<ShownDevice, LeftOut> {
    let tr = portal.tr();
    match registration::show_device(portal.access(), id).await {
        Ok(shown) if shown.device.customer_id != customer_id => Err(LeftOut {
            label: serial(tr, &shown),
            device_id: None,
            reason: tr.a("devices-bulk-reason-other-customer", &[("customer", customer.into())]),
            code: None,
        }),
        Ok(shown) if shown.device.state == DeviceState::Deregistered => Err(LeftOut {
            label: serial(tr, &shown),
            device_id: Some(id),
            reason: tr.t("devices-bulk-reason-deregistered"),
            code: Some("device_deregistered".into()),
        }),
        Ok(shown) => Ok(shown),
        Err(error) => Err(refusal(tr, id.to_string(), None, error)),
    }
}

fn refusal(tr: Tr, label: String, device_id: Option<Uuid>, error: crate::app::Error) -> LeftOut {
    let error = ApiError::from(error);
    let explanation = error::explain(tr, &error);
    let reason = match explanation.english_detail {
        Some(detail) => format!("{} ({detail})", explanation.title),
        None => explanation.message,
    };
    LeftOut { label, device_id, reason, code: Some(explanation.code) }
}

fn left_out_table(tr: Tr, id: &str, rows: &[LeftOut]) -> Markup {
    html! {
        div class="table-wrap" {
            table id=(id) class="cards" {
                thead { tr { th { (tr.t("devices-col-serial")) } th { (tr.t("devices-bulk-col-reason")) } } }
                tbody {
                    @for row in rows {
                        tr {
                            td class="mono" data-label=(tr.t("devices-col-serial")) {
                                @match row.device_id {
                                    Some(id) => a href=(format!("/devices/{id}")) { (row.label) },
                                    None => (row.label),
                                }
                            }
                            td data-label=(tr.t("devices-bulk-col-reason")) {
                                (row.reason)
                                @if let Some(code) = &row.code { " " code { (code) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /customers/{id}/devices/bulk`: the confirmation page (what will happen to each
/// selected device), then, confirmed, the change device by device and what became of each.
pub async fn bulk(
    Path(customer_id): Path<Uuid>,
    CsrfForm(portal, fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PortalError> {
    let request = BulkRequest::parse(fields)?;
    let tr = portal.tr();
    // The profiles, read first, let the access layer refuse a customer the caller cannot see.
    let profiles = profiles::list(portal.access(), customer_id).await?;
    let customer = customer_name(&portal, customer_id).await?;
    let back = format!("/customers/{customer_id}/devices");
    let title = tr.t("devices-bulk-page-title");
    let refuse = |heading: String, text: String| {
        let content = html! {
            h1 { (heading) }
            (view::notice("warn", &text, None))
            p { a href=(back) { (tr.t("devices-bulk-back")) } }
        };
        Ok((StatusCode::UNPROCESSABLE_ENTITY, view::page(&portal, section(&portal), &title, content))
            .into_response())
    };
    if request.devices.is_empty() {
        return refuse(tr.t("devices-bulk-none-selected"), tr.t("devices-bulk-none-selected-text"));
    }
    if request.devices.len() > MAX_BULK {
        return refuse(
            tr.t("devices-bulk-page-title"),
            tr.a("devices-bulk-too-many", &[("max", (MAX_BULK as i64).into())]),
        );
    }
    let target = match request.action {
        BulkAction::Deregister => None,
        BulkAction::Retag if request.group_tag.is_empty() => Some(None),
        BulkAction::Retag => match profiles.iter().find(|profile| profile.group_tag == request.group_tag) {
            Some(profile) => Some(Some(profile)),
            None => {
                return Err(PortalError::BadForm(format!(
                    "group tag {:?} is not a profile of this customer",
                    request.group_tag
                )))
            }
        },
    };
    if request.apply {
        return apply(&portal, customer_id, &customer, &request).await;
    }
    let mut to_change = Vec::new();
    let mut left_out = Vec::new();
    for &id in &request.devices {
        match selected_device(&portal, customer_id, &customer, id).await {
            Ok(shown) => to_change.push(shown),
            Err(reason) => left_out.push(reason),
        }
    }
    let count = to_change.len() as i64;
    let heading = match request.action {
        BulkAction::Retag => tr.a("devices-bulk-title", &[("count", count.into())]),
        BulkAction::Deregister => tr.a("devices-bulk-deregister-title", &[("count", count.into())]),
    };
    let explain = match target {
        None => tr.a("devices-bulk-deregister-explain", &[("customer", customer.as_str().into())]),
        Some(None) => tr.t("devices-bulk-unassign-explain"),
        Some(Some(profile)) => tr.a(
            "devices-bulk-retag-explain",
            &[("profile", format!("{} ({})", profile.name, profile.group_tag).into())],
        ),
    };
    let content = html! {
        p class="crumbs" { a href=(back) { (tr.a("devices-title", &[("customer", customer.as_str().into())])) } " › " (title) }
        h1 { (heading) }
        @if to_change.is_empty() {
            (view::notice("warn", &tr.t("devices-bulk-nothing-to-do"), None))
        } @else {
            div class="notice warn" { p { (explain) } }
            div class="table-wrap" {
                table id="bulk-preview" class="cards" {
                    thead { tr { th { (tr.t("devices-col-serial")) } th { (tr.t("devices-bulk-col-now")) } th { (tr.t("devices-bulk-col-after")) } } }
                    tbody {
                        @for shown in &to_change {
                            tr {
                                td class="mono" data-label=(tr.t("devices-col-serial")) { a href=(format!("/devices/{}", shown.device.id)) { (serial(tr, shown)) } }
                                td data-label=(tr.t("devices-bulk-col-now")) { (profile_cell(tr, shown)) }
                                td data-label=(tr.t("devices-bulk-col-after")) {
                                    @match target {
                                        None => (view::badge("bad", &tr.t("devices-bulk-will-be-deregistered"))),
                                        Some(None) => (view::badge("warn", &tr.t("device-no-profile"))),
                                        Some(Some(profile)) => { (profile.name) br; (view::tag(tr, &profile.group_tag)) },
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !left_out.is_empty() {
            h2 { (tr.t("devices-bulk-left-out")) }
            p { (tr.t("devices-bulk-left-out-text")) }
            (left_out_table(tr, "bulk-left-out", &left_out))
        }
        form id="bulk-confirm-form" method="post" action=(format!("{back}/bulk")) class="actions" {
            (view::csrf(&portal))
            input type="hidden" name="step" value="apply";
            input type="hidden" name="action" value=(match request.action { BulkAction::Retag => "retag", BulkAction::Deregister => "deregister" });
            input type="hidden" name="group_tag" value=(request.group_tag);
            @for shown in &to_change { input type="hidden" name="device" value=(shown.device.id); }
            @if !to_change.is_empty() {
                button type="submit" id="bulk-confirm" class=[(request.action == BulkAction::Deregister).then_some("danger")] {
                    @match request.action {
                        BulkAction::Retag => (tr.a("devices-bulk-confirm-retag", &[("count", count.into())])),
                        BulkAction::Deregister => (tr.a("devices-bulk-confirm-deregister", &[("count", count.into())])),
                    }
                }
            }
            a href=(back) id="bulk-cancel" { (tr.t("devices-bulk-cancel")) }
        }
    };
    Ok(view::page(&portal, section(&portal), &heading, content).into_response())
}

/// Changes each confirmed device through the use case (each checked by the access layer
/// again) and shows which changed and which were refused, and why.
async fn apply(
    portal: &Portal,
    customer_id: Uuid,
    customer: &str,
    request: &BulkRequest,
) -> Result<Response, PortalError> {
    let tr = portal.tr();
    let mut changed = Vec::new();
    let mut refused = Vec::new();
    for &id in &request.devices {
        let shown = match selected_device(portal, customer_id, customer, id).await {
            Ok(shown) => shown,
            Err(reason) => {
                refused.push(reason);
                continue;
            }
        };
        let label = serial(tr, &shown);
        let outcome = match request.action {
            BulkAction::Retag => {
                let change = TagChange {
                    group_tag: Some(request.group_tag.clone()).filter(|tag| !tag.is_empty()),
                    allow_unknown_tags: false,
                };
                registration::change_group_tag(portal.access(), id, change).await
            }
            BulkAction::Deregister => registration::deregister(portal.access(), id).await,
        };
        match outcome {
            Ok(now) => changed.push(now),
            Err(error) => refused.push(refusal(tr, label, Some(id), error)),
        }
    }
    let back = format!("/customers/{customer_id}/devices");
    let heading = tr.a(
        "devices-bulk-done-title",
        &[("changed", (changed.len() as i64).into()), ("refused", (refused.len() as i64).into())],
    );
    let content = html! {
        p class="crumbs" { a href=(back) { (tr.a("devices-title", &[("customer", customer.into())])) } " › " (tr.t("devices-bulk-page-title")) }
        h1 { (heading) }
        div role="status" aria-live="polite" {
            h2 { (tr.t("devices-bulk-changed")) }
            @if changed.is_empty() {
                p class="card empty" { (tr.t("devices-bulk-changed-none")) }
            } @else {
                div class="table-wrap" {
                    table id="bulk-changed" class="cards" {
                        thead { tr { th { (tr.t("devices-col-serial")) } th { (tr.t("devices-col-state")) } th { (tr.t("devices-col-profile")) } } }
                        tbody {
                            @for shown in &changed {
                                tr {
                                    td class="mono" data-label=(tr.t("devices-col-serial")) { a href=(format!("/devices/{}", shown.device.id)) { (serial(tr, shown)) } }
                                    td data-label=(tr.t("devices-col-state")) { (state_badge(tr, shown.device.state)) }
                                    td data-label=(tr.t("devices-col-profile")) { (profile_cell(tr, shown)) }
                                }
                            }
                        }
                    }
                }
            }
            @if !refused.is_empty() {
                h2 { (tr.t("devices-bulk-refused")) }
                p { (tr.t("devices-bulk-refused-text")) }
                (left_out_table(tr, "bulk-refused", &refused))
            }
        }
        p { a class="button secondary" href=(back) id="bulk-back" { (tr.t("devices-bulk-back")) } }
    };
    Ok(view::page(portal, section(portal), &heading, content).into_response())
}

// ---------------------------------------------------------------------------------------------
// One device
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    notice: Option<String>,
}

fn device_page(
    portal: &Portal,
    shown: &ShownDevice,
    customer: &str,
    profiles: &[Profile],
    problem: Option<&error::Explanation>,
    notice: Option<&str>,
) -> Markup {
    let tr = portal.tr();
    let device = &shown.device;
    let title = tr.a("device-title", &[("serial", device.serial_number.as_deref().unwrap_or("").into())]);
    let live = device.state != DeviceState::Deregistered;
    let current_tag = device.group_tag.as_deref().unwrap_or("");
    let dash = tr.t("dash");
    let content = html! {
        p class="crumbs" {
            @if portal.is_partner_side() { a href="/customers" { (tr.t("devices-crumb-customers")) } " › " }
            a href=(format!("/customers/{}/devices", device.customer_id)) { (customer) } " › " (tr.t("device-crumb"))
        }
        h1 { (title) }
        @if let Some(text) = notice { (view::notice("ok", text, None)) }
        @if let Some(problem) = problem { (error::notice(tr, problem)) }
        div class="card" {
            dl class="facts" {
                dt { (tr.t("device-state")) } dd { (state_badge(tr, device.state)) }
                dt { (tr.t("device-profile")) } dd { (profile_cell(tr, shown)) }
                dt { (tr.t("device-serial")) } dd class="mono" { (device.serial_number.as_deref().unwrap_or(&dash)) }
                dt { (tr.t("device-manufacturer")) } dd { (device.manufacturer.as_deref().unwrap_or(&dash)) }
                dt { (tr.t("device-model")) } dd { (device.model.as_deref().unwrap_or(&dash)) }
                dt { (tr.t("device-product-id")) } dd class="mono" { (device.product_key_id.as_deref().unwrap_or(&dash)) }
                dt { (tr.t("device-assigned-user")) } dd { (device.assigned_user.as_deref().unwrap_or(&dash)) }
                dt { (tr.t("device-registered-by")) }
                dd { (tr.a("device-registered-by-on", &[("org", shown.registered_by_name.as_str().into())])) " " (view::time(tr, device.created_at)) }
                @if let Some(at) = device.activated_at { dt { (tr.t("device-first-boot")) } dd { (view::time(tr, at)) } }
                @if let Some(at) = device.deregistered_at { dt { (tr.t("device-deregistered")) } dd { (view::time(tr, at)) } }
                @if let Some(order) = &shown.order.order_number {
                    dt { (tr.t("device-order")) }
                    dd { a href=(format!("/customers/{}/devices?order={}", device.customer_id, view::url_encode(order))) { (order) } }
                }
                @if let Some(batch) = device.batch_id { dt { (tr.t("device-batch")) } dd { a href=(format!("/batches/{batch}")) { (batch) } } }
                dt { (tr.t("device-id")) } dd class="mono" { (device.id) }
                @if let Some(hash) = &device.hardware_hash {
                    dt { (tr.t("device-hardware-hash")) }
                    dd { details { summary { (tr.a("device-hash-length", &[("count", (hash.len() as i64).into())])) } code class="mono" { (hash) } } }
                } @else {
                    dt { (tr.t("device-hardware-hash")) }
                    dd { (tr.t("device-no-hash")) }
                }
            }
        }
        @if live && portal.can_register() {
            h2 { (tr.t("device-change-profile-heading")) }
            form id="change-profile" class="inline card" method="post" action=(format!("/devices/{}/group-tag", device.id)) {
                (view::csrf(portal))
                div class="field" {
                    label for="group_tag" { (tr.t("device-change-profile-label")) }
                    select id="group_tag" name="group_tag" {
                        (profile_options(tr, profiles, current_tag, "device-unassigned-option"))
                    }
                }
                div class="actions" { button type="submit" { (tr.t("device-change-profile-button")) } }
            }
            h2 { (tr.t("device-deregister-heading")) }
            p { (tr.t("device-deregister-text")) }
            p { a class="button danger" id="deregister-link" href=(format!("/devices/{}/deregister", device.id)) { (tr.t("device-deregister-link")) } }
        }
    };
    view::page(portal, section(portal), &title, content)
}

async fn load(portal: &Portal, id: Uuid) -> Result<(ShownDevice, String, Vec<Profile>), PortalError> {
    let shown = registration::show_device(portal.access(), id).await?;
    let customer = customer_name(portal, shown.device.customer_id).await?;
    let profiles = profiles::list(portal.access(), shown.device.customer_id).await?;
    Ok((shown, customer, profiles))
}

pub async fn show(
    portal: Portal,
    Path(id): Path<Uuid>,
    Query(query): Query<ShowQuery>,
) -> Result<Markup, PortalError> {
    let (device, customer, profiles) = load(&portal, id).await?;
    let notice = match query.notice.as_deref() {
        Some("tag_changed") => Some(portal.tr().t("device-notice-tag-changed")),
        _ => None,
    };
    Ok(device_page(&portal, &device, &customer, &profiles, None, notice.as_deref()))
}

#[derive(Debug, Default, Deserialize)]
pub struct TagForm {
    #[serde(default)]
    group_tag: String,
}

pub async fn change_tag(
    Path(id): Path<Uuid>,
    CsrfForm(portal, form): CsrfForm<TagForm>,
) -> Result<Response, PortalError> {
    let change = TagChange {
        group_tag: Some(form.group_tag).filter(|tag| !tag.is_empty()),
        allow_unknown_tags: false,
    };
    match registration::change_group_tag(portal.access(), id, change).await {
        Ok(_) => Ok(Redirect::to(&format!("/devices/{id}?notice=tag_changed")).into_response()),
        Err(error) => {
            let error = ApiError::from(error);
            let explanation = error::explain(portal.tr(), &error);
            let (device, customer, profiles) = load(&portal, id).await?;
            Ok((
                error.status(),
                device_page(&portal, &device, &customer, &profiles, Some(&explanation), None),
            )
                .into_response())
        }
    }
}

pub async fn confirm_deregister(portal: Portal, Path(id): Path<Uuid>) -> Result<Response, PortalError> {
    let tr = portal.tr();
    let (shown, customer, _) = load(&portal, id).await?;
    let device = &shown.device;
    if device.state == DeviceState::Deregistered {
        return Ok(Redirect::to(&format!("/devices/{id}")).into_response());
    }
    let serial = serial(tr, &shown);
    let content = html! {
        p class="crumbs" {
            a href=(format!("/devices/{id}")) { (tr.a("device-title", &[("serial", serial.as_str().into())])) }
            " › " (tr.t("device-deregister-crumb"))
        }
        h1 { (tr.a("device-deregister-question", &[("serial", serial.as_str().into())])) }
        div class="notice warn" {
            p { (tr.a("device-deregister-consequence", &[("customer", customer.as_str().into())])) }
        }
        form id="deregister-form" method="post" action=(format!("/devices/{id}/deregister")) class="actions" {
            (view::csrf(&portal))
            button type="submit" class="danger" { (tr.t("device-deregister-button")) }
            a href=(format!("/devices/{id}")) { (tr.t("device-deregister-keep")) }
        }
    };
    Ok(view::page(&portal, section(&portal), &tr.t("device-deregister-page-title"), content).into_response())
}

pub async fn deregister(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, PortalError> {
    let gone = registration::deregister(portal.access(), id).await?;
    Ok(Redirect::to(&format!("/customers/{}/devices?notice=deregistered", gone.device.customer_id))
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_links_keep_the_search_and_filters() {
        let query = ListQuery {
            q: Some(" sn-1 ".into()),
            matching: Some("exact".into()),
            state: Some(String::new()),
            group_tag: Some("Kiosk_".into()),
            order: Some("SO 1".into()),
            cursor: Some("d5".into()),
            notice: None,
        };
        assert_eq!(
            query.href("/d", Some("u9")),
            "/d?q=sn-1&match=exact&group_tag=Kiosk_&order=SO%201&cursor=u9"
        );
        assert_eq!(ListQuery::default().href("/d", None), "/d");
        assert!(query.filtered() && !ListQuery::default().filtered());
    }

    #[test]
    fn the_bulk_form_reads_repeated_devices() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let fields = vec![
            ("device".to_owned(), a.to_string()),
            ("device".to_owned(), b.to_string()),
            ("device".to_owned(), a.to_string()),
            ("action".to_owned(), "retag".to_owned()),
            ("group_tag".to_owned(), "Kiosk_".to_owned()),
            ("step".to_owned(), "apply".to_owned()),
        ];
        let request = BulkRequest::parse(fields).unwrap();
        assert_eq!(request.devices, vec![a, b]);
        assert_eq!(request.action, BulkAction::Retag);
        assert!(request.apply);
        let bad = vec![("device".to_owned(), "x".to_owned()), ("action".to_owned(), "retag".to_owned())];
        assert!(matches!(BulkRequest::parse(bad), Err(PortalError::BadForm(_))));
        assert!(BulkRequest::parse(vec![("action".to_owned(), "wipe".to_owned())]).is_err());
    }
}

//! A customer's devices: list with filters, one device with its profile, change of profile
//! (group tag) and deregistration (after a confirmation step).

use axum::extract::{Path, Query};
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

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    state: Option<String>,
    group_tag: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
}

fn section(portal: &Portal) -> Section {
    if portal.is_customer() {
        Section::Devices
    } else {
        Section::Customers
    }
}

pub fn state_badge(state: DeviceState) -> Markup {
    match state {
        DeviceState::Registered => view::badge("ok", "registered"),
        DeviceState::Unassigned => view::badge("warn", "unassigned: no profile"),
        DeviceState::Active => view::badge("ok", "active"),
        DeviceState::Deregistered => view::badge("bad", "deregistered"),
    }
}

fn profile_cell(tr: Tr, shown: &ShownDevice) -> Markup {
    html! {
        @match (&shown.profile, &shown.device.group_tag) {
            (Some(profile), _) => { (profile.name) br; (view::tag(tr, &profile.group_tag)) }
            (None, Some(tag)) => { span class="badge warn" { "no profile" } br; (view::tag(tr, tag)) span class="hint" { " matches no profile" } }
            (None, None) => { span class="badge warn" { "no profile" } }
        }
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|value| !value.is_empty())
}

pub async fn list(
    portal: Portal,
    Path(customer_id): Path<Uuid>,
    Query(query): Query<ListQuery>,
) -> Result<Response, PortalError> {
    let filter_state = non_empty(query.state.clone());
    let filter_tag = non_empty(query.group_tag.clone());
    let device_query = DeviceQuery {
        state: filter_state.clone(),
        group_tag: filter_tag.clone(),
        registered_by: None,
        order_number: None,
        cursor: non_empty(query.cursor.clone()),
        limit: Some(PAGE_SIZE),
    };
    let page = registration::list_devices(portal.access(), customer_id, device_query).await?;
    let profiles = profiles::list(portal.access(), customer_id).await?;
    let customer = customer_name(&portal, customer_id).await?;
    let base = format!("/customers/{customer_id}/devices");
    let filtered = filter_state.is_some() || filter_tag.is_some();
    let next_href = page.next_cursor.as_ref().map(|cursor| {
        let mut href = format!("{base}?cursor={}", view::url_encode(cursor));
        if let Some(state) = &filter_state {
            href.push_str(&format!("&state={}", view::url_encode(state)));
        }
        if let Some(tag) = &filter_tag {
            href.push_str(&format!("&group_tag={}", view::url_encode(tag)));
        }
        href
    });
    let notice = match query.notice.as_deref() {
        Some("deregistered") => {
            Some("The device is deregistered. Its identity is free for a new registration.")
        }
        _ => None,
    };
    let content = html! {
        @if portal.is_partner_side() { p class="crumbs" { a href="/customers" { "Customers" } " › " (customer) } }
        h1 { "Devices of " (customer) }
        @if portal.is_partner_side() {
            p class="lead" { "The devices your organisation registered for " (customer) "." }
        }
        @if let Some(text) = notice { (view::notice("ok", text, None)) }
        div class="actions" {
            @if portal.can_register() {
                a class="button" href=(format!("/customers/{customer_id}/add-devices")) { "Add devices" }
            }
            a href=(format!("/api/v1/customers/{customer_id}/devices/export?format=intune")) { "Export (Intune CSV)" }
            a href=(format!("/api/v1/customers/{customer_id}/devices/export?format=partner-center")) { "Export (Partner Center CSV)" }
        }
        form class="inline card" method="get" action=(base) role="search" aria-label="Filter devices" {
            div class="field" {
                label for="state" { "State" }
                select id="state" name="state" {
                    option value="" { "Any state (except deregistered)" }
                    @for candidate in DeviceState::ALL {
                        option value=(candidate.as_str()) selected[filter_state.as_deref() == Some(candidate.as_str())] { (candidate.as_str()) }
                    }
                }
            }
            div class="field" {
                label for="group_tag" { "Group tag" }
                select id="group_tag" name="group_tag" {
                    option value="" { "Any tag" }
                    @for profile in &profiles {
                        option value=(profile.group_tag) selected[filter_tag.as_deref() == Some(profile.group_tag.as_str())] {
                            (profile.name) " — " (profile.group_tag)
                        }
                    }
                }
            }
            div class="actions" {
                button type="submit" { "Filter" }
                @if filtered { a href=(base) { "Clear" } }
            }
        }
        div aria-live="polite" {
            @if page.devices.is_empty() {
                p class="card empty" id="no-devices" {
                    @if filtered { "No device matches the filter." } @else { "No devices yet." }
                }
            } @else {
                div class="table-wrap" {
                    table id="devices" class="cards" {
                        caption class="skip" { "Devices of " (customer) }
                        thead { tr { th { "Serial number" } th { "Manufacturer" } th { "Model" } th { "State" } th { "Profile / group tag" } th { "Registered by" } th { "Registered" } } }
                        tbody {
                            @for shown in &page.devices {
                                @let device = &shown.device;
                                tr {
                                    td class="mono" data-label="Serial number" { a href=(format!("/devices/{}", device.id)) { (device.serial_number.as_deref().unwrap_or("(no serial)")) } }
                                    td data-label="Manufacturer" { (device.manufacturer.as_deref().unwrap_or("")) }
                                    td data-label="Model" { (device.model.as_deref().unwrap_or("")) }
                                    td data-label="State" { (state_badge(device.state)) }
                                    td data-label="Profile" { (profile_cell(portal.tr(), shown)) }
                                    td data-label="Registered by" { (shown.registered_by_name) }
                                    td data-label="Registered" { (view::time(portal.tr(), device.created_at)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(href) = next_href { p { a href=(href) rel="next" { "Next page" } } }
    };
    Ok(view::page(&portal, section(&portal), &format!("Devices of {customer}"), content).into_response())
}

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
    let device = &shown.device;
    let title = format!("Device {}", device.serial_number.as_deref().unwrap_or(""));
    let live = device.state != DeviceState::Deregistered;
    let current_tag = device.group_tag.as_deref().unwrap_or("");
    let content = html! {
        p class="crumbs" {
            @if portal.is_partner_side() { a href="/customers" { "Customers" } " › " }
            a href=(format!("/customers/{}/devices", device.customer_id)) { (customer) } " › Device"
        }
        h1 { (title) }
        @if let Some(text) = notice { (view::notice("ok", text, None)) }
        @if let Some(problem) = problem { (error::notice(portal.tr(), problem)) }
        div class="card" {
            dl class="facts" {
                dt { "State" } dd { (state_badge(device.state)) }
                dt { "Profile" } dd { (profile_cell(portal.tr(), shown)) }
                dt { "Serial number" } dd class="mono" { (device.serial_number.as_deref().unwrap_or("—")) }
                dt { "Manufacturer" } dd { (device.manufacturer.as_deref().unwrap_or("—")) }
                dt { "Model" } dd { (device.model.as_deref().unwrap_or("—")) }
                dt { "Windows Product ID" } dd class="mono" { (device.product_key_id.as_deref().unwrap_or("—")) }
                dt { "Assigned user" } dd { (device.assigned_user.as_deref().unwrap_or("—")) }
                dt { "Registered by" } dd { (shown.registered_by_name) " on " (view::time(portal.tr(), device.created_at)) }
                @if let Some(at) = device.activated_at { dt { "First boot" } dd { (view::time(portal.tr(), at)) } }
                @if let Some(at) = device.deregistered_at { dt { "Deregistered" } dd { (view::time(portal.tr(), at)) } }
                @if let Some(batch) = device.batch_id { dt { "Batch" } dd { a href=(format!("/batches/{batch}")) { (batch) } } }
                dt { "Device id" } dd class="mono" { (device.id) }
                @if let Some(hash) = &device.hardware_hash {
                    dt { "Hardware hash" } dd { details { summary { (hash.len()) " characters" } code class="mono" { (hash) } } }
                } @else {
                    dt { "Hardware hash" }
                    dd { "None: an unverified registration, made from printed facts. A registration carrying the device's hardware hash replaces it." }
                }
            }
        }
        @if live && portal.can_register() {
            h2 { "Change the profile" }
            form class="inline card" method="post" action=(format!("/devices/{}/group-tag", device.id)) {
                (view::csrf(portal))
                div class="field" {
                    label for="group_tag" { "Profile (group tag)" }
                    select id="group_tag" name="group_tag" {
                        @for profile in profiles {
                            option value=(profile.group_tag) selected[profile.group_tag == current_tag] { (profile.name) " — " (profile.group_tag) }
                        }
                        option value="" selected[current_tag.is_empty()] { "No profile (unassigned)" }
                    }
                }
                div class="actions" { button type="submit" { "Change profile" } }
            }
            h2 { "Deregister" }
            p { "Removes the device from the tenant: it gets no configuration at its next first boot, and it can be registered again (here or by another organisation)." }
            p { a class="button danger" href=(format!("/devices/{}/deregister", device.id)) { "Deregister…" } }
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
        Some("tag_changed") => {
            Some("The profile is changed. The device gets the new configuration at its next first boot.")
        }
        _ => None,
    };
    Ok(device_page(&portal, &device, &customer, &profiles, None, notice))
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
    let (shown, customer, _) = load(&portal, id).await?;
    let device = &shown.device;
    if device.state == DeviceState::Deregistered {
        return Ok(Redirect::to(&format!("/devices/{id}")).into_response());
    }
    let serial = device.serial_number.as_deref().unwrap_or("(no serial)");
    let content = html! {
        p class="crumbs" { a href=(format!("/devices/{id}")) { "Device " (serial) } " › Deregister" }
        h1 { "Deregister device " (serial) "?" }
        div class="notice warn" {
            p { "The device leaves " (customer) "'s tenant: at its next first boot it gets no configuration. Its identity is free at once, so it can be registered again." }
        }
        form method="post" action=(format!("/devices/{id}/deregister")) class="actions" {
            (view::csrf(&portal))
            button type="submit" class="danger" { "Deregister the device" }
            a href=(format!("/devices/{id}")) { "Keep it" }
        }
    };
    Ok(view::page(&portal, section(&portal), "Deregister device", content).into_response())
}

pub async fn deregister(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, PortalError> {
    let gone = registration::deregister(portal.access(), id).await?;
    Ok(Redirect::to(&format!("/customers/{}/devices?notice=deregistered", gone.device.customer_id))
        .into_response())
}

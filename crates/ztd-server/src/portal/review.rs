//! The customer's approval inbox, voiding an order, and release requests
//! (docs/domain.md#beyond-the-big-services), each a thin page over its use case: the batch page
//! itself ([`super::add_devices::show_batch`]) carries the approve and reject forms.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use ztd_storage::{BatchStatus, ReleaseStatus};

use super::customers::customer_name;
use super::error::PortalError;
use super::session::{CsrfForm, NoFields, Portal};
use super::view::{self, Section};
use crate::app::{approvals, consent, registration, releases};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `/approvals`: the batches waiting for this customer's decision, oldest last.
pub async fn inbox(portal: Portal, Query(query): Query<NoticeQuery>) -> Result<Markup, PortalError> {
    let customer_id = portal.org().id;
    let waiting = registration::list_batches(
        portal.access(),
        customer_id,
        Some(BatchStatus::AwaitingApproval.as_str()),
        None,
        Some(registration::MAX_BATCHES_PER_PAGE),
    )
    .await?;
    let names: HashMap<Uuid, String> = consent::list_relationships(portal.access())
        .await?
        .into_iter()
        .map(|details| (details.relationship.partner_org_id, details.partner_name))
        .collect();
    let notice = match query.notice.as_deref() {
        Some("approved") => Some(("ok", "Batch approved", "Its devices are being registered now.")),
        Some("rejected") => {
            Some(("ok", "Batch rejected", "Nothing of it was registered; the partner sees your reason."))
        }
        _ => None,
    };
    let content = html! {
        h1 { "Approvals" }
        p class="lead" { "Batches from partners you review before anything is registered. Open one to see, row by row, what approving it would do." }
        @if let Some((kind, title, text)) = notice { (view::notice(kind, title, Some(text))) }
        @if waiting.batches.is_empty() {
            p class="card empty" id="no-approvals" { "Nothing waits for your approval. Partners whose batches you review are marked on the Partners page." }
        } @else {
            div class="table-wrap" {
                table id="approvals" class="cards" {
                    thead { tr { th { "Submitted" } th { "Partner" } th class="num" { "Devices" } th { "Order" } th { "" } } }
                    tbody {
                        @for batch in &waiting.batches {
                            tr {
                                td data-label="Submitted" { (view::time(portal.tr(), batch.created_at)) }
                                td data-label="Partner" { (names.get(&batch.submitted_by_org_id).map(String::as_str).unwrap_or("")) }
                                td class="num" data-label="Devices" { (batch.total) }
                                td data-label="Order" { (batch.order.order_number.as_deref().unwrap_or("")) }
                                td { a class="button" href=(format!("/batches/{}", batch.id)) { "Review" } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(view::page(&portal, Section::Approvals, "Approvals", content))
}

pub async fn approve(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, PortalError> {
    approvals::approve(portal.access(), id, &state.batch_wakeup).await?;
    Ok(Redirect::to(&format!("/batches/{id}")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RejectForm {
    #[serde(default)]
    reason: String,
}

pub async fn reject(
    Path(id): Path<Uuid>,
    CsrfForm(portal, form): CsrfForm<RejectForm>,
) -> Result<Response, PortalError> {
    approvals::reject(portal.access(), id, Some(form.reason)).await?;
    Ok(Redirect::to("/approvals?notice=rejected").into_response())
}

/// `/batches/{id}/void`: what voiding does, and the button.
pub async fn confirm_void(portal: Portal, Path(id): Path<Uuid>) -> Result<Markup, PortalError> {
    let page = registration::show_batch(
        portal.access(),
        id,
        registration::RowsPage { cursor: None, limit: Some(1) },
    )
    .await?;
    let batch = page.batch;
    let customer = customer_name(&portal, batch.customer_id).await?;
    let order = batch.order.order_number.clone().unwrap_or_else(|| format!("batch {}", batch.id));
    let content = html! {
        p class="crumbs" { a href=(format!("/batches/{id}")) { "Batch" } " › Void" }
        h1 { "Void " (order) "?" }
        div class="notice warn" {
            p { "Every device of this batch that has not been switched on yet is deregistered from " strong { (customer) } "'s tenant, as when an order is cancelled." }
            p { "Devices that already booted stay registered: they are in use. The customer can deregister them if they must go. The history stays in the audit trail." }
        }
        form method="post" action=(format!("/batches/{id}/void")) class="actions" {
            (view::csrf(&portal))
            button type="submit" class="danger" id="confirm-void" { "Void the order" }
            a href=(format!("/batches/{id}")) { "Keep it" }
        }
    };
    Ok(view::page(&portal, section_of(&portal), "Void the order", content))
}

pub async fn void(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Markup, PortalError> {
    let voided = registration::void_batch(portal.access(), id).await?;
    let content = html! {
        p class="crumbs" { a href=(format!("/batches/{id}")) { "Batch" } " › Voided" }
        h1 { "Order voided" }
        (view::notice("ok", &format!("{} devices deregistered", voided.voided.len()), None))
        @if !voided.not_voided.is_empty() {
            (view::notice("warn", &format!("{} devices already booted and stay registered", voided.not_voided.len()),
                Some("They are in use. Ask the customer to deregister them if they must go.")))
            ul id="not-voided" {
                @for shown in &voided.not_voided {
                    li { code { (shown.device.serial_number.as_deref().unwrap_or("")) } }
                }
            }
        }
        p { a href=(format!("/batches/{id}")) { "Back to the batch" } }
    };
    Ok(view::page(&portal, section_of(&portal), "Order voided", content))
}

fn section_of(portal: &Portal) -> Section {
    if portal.is_customer() {
        Section::AddDevices
    } else {
        Section::Customers
    }
}

fn release_badge(status: ReleaseStatus) -> Markup {
    match status {
        ReleaseStatus::Pending => view::badge("warn", "waiting for a decision"),
        ReleaseStatus::Approved => view::badge("ok", "released"),
        ReleaseStatus::Denied => view::badge("bad", "denied"),
    }
}

/// `/release-requests`: requests for the organisation's devices (customers' admins decide) and
/// the ones it made, and the form to ask for a device's release.
pub async fn release_requests(
    portal: Portal,
    Query(query): Query<NoticeQuery>,
) -> Result<Markup, PortalError> {
    let all = releases::list(portal.access()).await?;
    let notice = match query.notice.as_deref() {
        Some("asked") => Some((
            "ok",
            "Request sent",
            "The organisation holding the device decides. You see the outcome here.",
        )),
        Some("approved") => Some((
            "ok",
            "Device released",
            "It was deregistered from your tenant; the requester can register it now.",
        )),
        Some("denied") => Some(("ok", "Request denied", "The device stays yours.")),
        _ => None,
    };
    let content = html! {
        h1 { "Release requests" }
        p class="lead" { "When a device you register is \"registered to another tenant\", ask its holder to release it here instead of opening a support ticket. The holder never learns more than your organisation's name; you never learn who the holder is." }
        @if let Some((kind, title, text)) = notice { (view::notice(kind, title, Some(text))) }
        @if portal.is_customer() {
            h2 { "For your devices" }
            @if all.incoming.is_empty() {
                p class="card empty" id="no-incoming" { "Nobody asked for one of your devices." }
            } @else {
                div class="table-wrap" {
                    table id="incoming" class="cards" {
                        thead { tr { th { "Asked" } th { "By" } th { "Device" } th { "Status" } th { "" } } }
                        tbody {
                            @for incoming in &all.incoming {
                                @let request = &incoming.request;
                                tr {
                                    td data-label="Asked" { (view::time(portal.tr(), request.created_at)) }
                                    td data-label="By" { (incoming.requester_name) }
                                    td data-label="Device" {
                                        code { (incoming.serial_number.as_deref().unwrap_or("")) }
                                        @if let Some(model) = &incoming.model { " " span class="hint" { (model) } }
                                    }
                                    td data-label="Status" { (release_badge(request.status)) }
                                    td {
                                        @if request.status == ReleaseStatus::Pending && portal.is_admin() {
                                            a class="button" href=(format!("/release-requests/{}/approve", request.id)) { "Release…" }
                                            form method="post" action=(format!("/release-requests/{}/deny", request.id)) {
                                                (view::csrf(&portal))
                                                button type="submit" class="secondary" { "Deny" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Asked by your organisation" }
        @if all.outgoing.is_empty() {
            p class="card empty" id="no-outgoing" { "You have not asked for a release." }
        } @else {
            div class="table-wrap" {
                table id="outgoing" class="cards" {
                    thead { tr { th { "Asked" } th { "Status" } th { "Decided" } } }
                    tbody {
                        @for request in &all.outgoing {
                            tr {
                                td data-label="Asked" { (view::time(portal.tr(), request.created_at)) }
                                td data-label="Status" { (release_badge(request.status)) }
                                td data-label="Decided" { @if let Some(at) = request.decided_at { (view::time(portal.tr(), at)) } }
                            }
                        }
                    }
                }
            }
        }
        @if portal.can_register() {
            h2 { "Ask for a device" }
            form method="post" action="/release-requests" class="card" {
                (view::csrf(&portal))
                (view::field(view::Field::text("hardware_hash", "Hardware hash of the device", "")
                    .hint("The hash proves you hold the device: Get-WindowsAutopilotInfo collects it, and it is in your device file.")
                    .required()))
                button type="submit" { "Ask for its release" }
            }
        }
    };
    Ok(view::page(&portal, Section::ReleaseRequests, "Release requests", content))
}

#[derive(Debug, Deserialize)]
pub struct AskForm {
    hardware_hash: String,
}

pub async fn ask(CsrfForm(portal, form): CsrfForm<AskForm>) -> Result<Response, PortalError> {
    releases::request(portal.access(), &form.hardware_hash).await?;
    Ok(Redirect::to("/release-requests?notice=asked").into_response())
}

/// `/release-requests/{id}/approve`: what releasing does, and the button.
pub async fn confirm_release(portal: Portal, Path(id): Path<Uuid>) -> Result<Markup, PortalError> {
    let incoming = releases::show_incoming(portal.access(), id).await?;
    let serial = incoming.serial_number.clone().unwrap_or_default();
    let content = html! {
        p class="crumbs" { a href="/release-requests" { "Release requests" } " › Release" }
        h1 { "Release " (serial) " to " (incoming.requester_name) "?" }
        div class="notice warn" {
            p { "The device is deregistered from your tenant at once, so " strong { (incoming.requester_name) } " can register it. If it boots afterwards, it no longer gets your configuration." }
            p { "Do this when the device was sold, returned or refurbished and is no longer yours." }
        }
        form method="post" action=(format!("/release-requests/{id}/approve")) class="actions" {
            (view::csrf(&portal))
            button type="submit" class="danger" id="confirm-release" { "Release the device" }
            a href="/release-requests" { "Keep it" }
        }
    };
    Ok(view::page(&portal, Section::ReleaseRequests, "Release the device", content))
}

pub async fn release(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, PortalError> {
    releases::decide(portal.access(), id, true).await?;
    Ok(Redirect::to("/release-requests?notice=approved").into_response())
}

pub async fn deny(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, PortalError> {
    releases::decide(portal.access(), id, false).await?;
    Ok(Redirect::to("/release-requests?notice=denied").into_response())
}

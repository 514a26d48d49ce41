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
use super::i18n::Tr;
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
    let tr = portal.tr();
    let notice = match query.notice.as_deref() {
        Some("approved") => Some(("approvals-approved-title", "approvals-approved-text")),
        Some("rejected") => Some(("approvals-rejected-title", "approvals-rejected-text")),
        _ => None,
    };
    let content = html! {
        h1 { (tr.t("approvals-title")) }
        p class="lead" { (tr.t("approvals-lead")) }
        @if let Some((title, text)) = notice { (view::notice("ok", &tr.t(title), Some(&tr.t(text)))) }
        @if waiting.batches.is_empty() {
            p class="card empty" id="no-approvals" { (tr.t("approvals-none")) }
        } @else {
            div class="table-wrap" {
                table id="approvals" class="cards" {
                    thead { tr {
                        th { (tr.t("approvals-col-submitted")) }
                        th { (tr.t("approvals-col-partner")) }
                        th class="num" { (tr.t("approvals-col-devices")) }
                        th { (tr.t("approvals-col-order")) }
                        th {}
                    } }
                    tbody {
                        @for batch in &waiting.batches {
                            @let partner = names.get(&batch.submitted_by_org_id).map(String::as_str).unwrap_or("");
                            tr {
                                td data-label=(tr.t("approvals-col-submitted")) { (view::time(tr, batch.created_at)) }
                                td data-label=(tr.t("approvals-col-partner")) { (partner) }
                                td class="num" data-label=(tr.t("approvals-col-devices")) { (tr.number(batch.total)) }
                                td data-label=(tr.t("approvals-col-order")) { (batch.order.order_number.as_deref().unwrap_or("")) }
                                td {
                                    a class="button" href=(format!("/batches/{}", batch.id))
                                        aria-label=(tr.a("approvals-review-label", &[("partner", partner.into()), ("count", batch.total.into())])) {
                                        (tr.t("approvals-review"))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(view::page(&portal, Section::Approvals, &tr.t("approvals-title"), content))
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
    let tr = portal.tr();
    let order = match &batch.order.order_number {
        Some(number) => number.clone(),
        None => tr.a("void-batch-without-order", &[("id", batch.id.to_string().into())]),
    };
    let content = html! {
        p class="crumbs" { a href=(format!("/batches/{id}")) { (tr.t("void-crumb-batch")) } " › " (tr.t("void-crumb-void")) }
        h1 { (tr.a("void-title", &[("order", order.as_str().into())])) }
        div class="notice warn" {
            p { (tr.a("void-warning-devices", &[("customer", customer.as_str().into())])) }
            p { (tr.t("void-warning-booted")) }
        }
        form method="post" action=(format!("/batches/{id}/void")) class="actions" {
            (view::csrf(&portal))
            button type="submit" class="danger" id="confirm-void" { (tr.t("void-confirm")) }
            a href=(format!("/batches/{id}")) { (tr.t("void-keep")) }
        }
    };
    Ok(view::page(&portal, section_of(&portal), &tr.t("void-page-title"), content))
}

pub async fn void(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Markup, PortalError> {
    let voided = registration::void_batch(portal.access(), id).await?;
    let tr = portal.tr();
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let content = html! {
        p class="crumbs" { a href=(format!("/batches/{id}")) { (tr.t("void-crumb-batch")) } " › " (tr.t("voided-crumb")) }
        h1 { (tr.t("voided-title")) }
        (view::notice("ok", &tr.a("voided-count", &[("count", count(voided.voided.len()).into())]), None))
        @if !voided.not_voided.is_empty() {
            (view::notice("warn", &tr.a("voided-kept", &[("count", count(voided.not_voided.len()).into())]),
                Some(&tr.t("voided-kept-text"))))
            ul id="not-voided" {
                @for shown in &voided.not_voided {
                    li { code { (shown.device.serial_number.as_deref().unwrap_or("")) } }
                }
            }
        }
        p { a href=(format!("/batches/{id}")) { (tr.t("voided-back")) } }
    };
    Ok(view::page(&portal, section_of(&portal), &tr.t("voided-title"), content))
}

fn section_of(portal: &Portal) -> Section {
    if portal.is_customer() {
        Section::AddDevices
    } else {
        Section::Customers
    }
}

fn release_badge(tr: Tr, status: ReleaseStatus) -> Markup {
    match status {
        ReleaseStatus::Pending => view::badge("warn", &tr.t("release-status-pending")),
        ReleaseStatus::Approved => view::badge("ok", &tr.t("release-status-approved")),
        ReleaseStatus::Denied => view::badge("bad", &tr.t("release-status-denied")),
    }
}

/// `/release-requests`: requests for the organisation's devices (customers' admins decide) and
/// the ones it made, and the form to ask for a device's release.
pub async fn release_requests(
    portal: Portal,
    Query(query): Query<NoticeQuery>,
) -> Result<Markup, PortalError> {
    let all = releases::list(portal.access()).await?;
    let tr = portal.tr();
    let notice = match query.notice.as_deref() {
        Some("asked") => Some(("releases-asked-title", "releases-asked-text")),
        Some("approved") => Some(("releases-approved-title", "releases-approved-text")),
        Some("denied") => Some(("releases-denied-title", "releases-denied-text")),
        _ => None,
    };
    let (asked, by, device, status, decided) = (
        tr.t("releases-col-asked"),
        tr.t("releases-col-by"),
        tr.t("releases-col-device"),
        tr.t("releases-col-status"),
        tr.t("releases-col-decided"),
    );
    let content = html! {
        h1 { (tr.t("releases-title")) }
        p class="lead" { (tr.t("releases-lead")) }
        @if let Some((title, text)) = notice { (view::notice("ok", &tr.t(title), Some(&tr.t(text)))) }
        @if portal.is_customer() {
            h2 { (tr.t("releases-incoming-heading")) }
            @if all.incoming.is_empty() {
                p class="card empty" id="no-incoming" { (tr.t("releases-no-incoming")) }
            } @else {
                div class="table-wrap" {
                    table id="incoming" class="cards" {
                        thead { tr {
                            th { (asked) } th { (by) } th { (device) } th { (status) }
                            th {}
                        } }
                        tbody {
                            @for incoming in &all.incoming {
                                @let request = &incoming.request;
                                @let serial = incoming.serial_number.as_deref().unwrap_or("");
                                tr {
                                    td data-label=(asked) { (view::time(tr, request.created_at)) }
                                    td data-label=(by) { (incoming.requester_name) }
                                    td data-label=(device) {
                                        code { (serial) }
                                        @if let Some(model) = &incoming.model { " " span class="hint" { (model) } }
                                    }
                                    td data-label=(status) { (release_badge(tr, request.status)) }
                                    td {
                                        @if request.status == ReleaseStatus::Pending && portal.is_admin() {
                                            a class="button" href=(format!("/release-requests/{}/approve", request.id))
                                                aria-label=(tr.a("releases-release-label", &[("serial", serial.into()), ("requester", incoming.requester_name.as_str().into())])) {
                                                (tr.t("releases-release"))
                                            }
                                            form method="post" action=(format!("/release-requests/{}/deny", request.id)) {
                                                (view::csrf(&portal))
                                                button type="submit" class="secondary"
                                                    aria-label=(tr.a("releases-deny-label", &[("serial", serial.into()), ("requester", incoming.requester_name.as_str().into())])) {
                                                    (tr.t("releases-deny"))
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
        }
        h2 { (tr.t("releases-outgoing-heading")) }
        @if all.outgoing.is_empty() {
            p class="card empty" id="no-outgoing" { (tr.t("releases-no-outgoing")) }
        } @else {
            div class="table-wrap" {
                table id="outgoing" class="cards" {
                    thead { tr { th { (asked) } th { (status) } th { (decided) } } }
                    tbody {
                        @for request in &all.outgoing {
                            tr {
                                td data-label=(asked) { (view::time(tr, request.created_at)) }
                                td data-label=(status) { (release_badge(tr, request.status)) }
                                td data-label=(decided) { @if let Some(at) = request.decided_at { (view::time(tr, at)) } }
                            }
                        }
                    }
                }
            }
        }
        @if portal.can_register() {
            h2 { (tr.t("releases-ask-heading")) }
            form method="post" action="/release-requests" class="card" {
                (view::csrf(&portal))
                (view::field(view::Field::text("hardware_hash", &tr.t("releases-hash-label"), "")
                    .hint(&tr.t("releases-hash-hint"))
                    .required()))
                button type="submit" { (tr.t("releases-ask-button")) }
            }
        }
    };
    Ok(view::page(&portal, Section::ReleaseRequests, &tr.t("releases-title"), content))
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
    let tr = portal.tr();
    let requester = incoming.requester_name.as_str();
    let content = html! {
        p class="crumbs" { a href="/release-requests" { (tr.t("releases-title")) } " › " (tr.t("release-confirm-crumb")) }
        h1 { (tr.a("release-confirm-title", &[("serial", serial.as_str().into()), ("requester", requester.into())])) }
        div class="notice warn" {
            p { (tr.a("release-confirm-warning", &[("requester", requester.into())])) }
            p { (tr.t("release-confirm-when")) }
        }
        form method="post" action=(format!("/release-requests/{id}/approve")) class="actions" {
            (view::csrf(&portal))
            button type="submit" class="danger" id="confirm-release" { (tr.t("release-confirm-button")) }
            a href="/release-requests" { (tr.t("void-keep")) }
        }
    };
    Ok(view::page(&portal, Section::ReleaseRequests, &tr.t("release-confirm-button"), content))
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

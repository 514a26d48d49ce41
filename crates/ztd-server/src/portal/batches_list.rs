//! The batch lists (docs/portal.md#batches): every batch the organisation may see, newest first,
//! with its status, counts, who submitted it, when, from which file and under which order
//! number; each opens its batch page (`/batches/{id}`). A partner lists what it submitted (to
//! every customer, or to one), its batches for a customer that revoked it included (read only);
//! a customer lists every batch registered into its tenant. The access layer decides which
//! ([`crate::app::access::Access::batch_history_scope`]).

use axum::extract::{Path, Query};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use ztd_storage::{ActorKind, BatchListing, BatchStatus};

use super::customers::customer_name;
use super::error::PortalError;
use super::i18n::Tr;
use super::session::Portal;
use super::view::{self, Section};
use crate::app::consent;
use crate::app::registration;

const PAGE_SIZE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
}

/// A batch's status in the page's language (a voided batch says so).
pub fn status_badge(tr: Tr, listing: &BatchListing) -> Markup {
    let batch = &listing.batch;
    if batch.voided_at.is_some() {
        return view::badge("bad", &tr.t("batches-status-voided"));
    }
    let kind = match batch.status {
        BatchStatus::Finished => "ok",
        BatchStatus::FinishedWithErrors | BatchStatus::AwaitingApproval => "warn",
        BatchStatus::Rejected => "bad",
        BatchStatus::Queued | BatchStatus::Processing => "",
    };
    view::badge(kind, &tr.t(&format!("batches-status-{}", batch.status.as_str())))
}

fn submitted_by(tr: Tr, listing: &BatchListing) -> String {
    match (&listing.submitted_by, listing.batch.actor_kind) {
        (Some(who), _) => who.clone(),
        (None, ActorKind::Operator) => tr.t("batches-by-console"),
        (None, _) => tr.t("batches-by-unknown"),
    }
}

/// `/batches`: every batch the organisation may list.
pub async fn list_all(portal: Portal, Query(query): Query<ListQuery>) -> Result<Markup, PortalError> {
    page(portal, None, query).await
}

/// `/customers/{id}/batches`: the batches of one customer.
pub async fn list_for_customer(
    portal: Portal,
    Path(customer_id): Path<Uuid>,
    Query(query): Query<ListQuery>,
) -> Result<Markup, PortalError> {
    page(portal, Some(customer_id), query).await
}

async fn page(portal: Portal, customer_id: Option<Uuid>, query: ListQuery) -> Result<Markup, PortalError> {
    let tr = portal.tr();
    let cursor = query.cursor.as_deref().filter(|cursor| !cursor.is_empty());
    let history =
        registration::list_batch_history(portal.access(), customer_id, cursor, Some(PAGE_SIZE)).await?;
    let partner = portal.is_partner_side();
    let customer = match customer_id {
        Some(id) => Some(customer_name(&portal, id).await?),
        None => None,
    };
    // A partner whose relationship with this customer ended reads its batches, read only.
    let revoked = match (partner, customer_id) {
        (true, Some(id)) => !consent::list_relationships(portal.access())
            .await?
            .iter()
            .any(|details| details.relationship.customer_org_id == id && details.is_active()),
        _ => false,
    };
    let base = match customer_id {
        Some(id) => format!("/customers/{id}/batches"),
        None => "/batches".to_owned(),
    };
    let title = match &customer {
        Some(name) if partner => tr.a("batches-title-customer", &[("customer", name.as_str().into())]),
        _ => tr.t("batches-title"),
    };
    let lead = match (&customer, partner) {
        (Some(name), true) => tr.a("batches-lead-partner-customer", &[("customer", name.as_str().into())]),
        (None, true) => tr.t("batches-lead-partner"),
        (_, false) => tr.t("batches-lead-customer"),
    };
    let show_customer = partner && customer_id.is_none();
    let content = html! {
        @if let (Some(id), Some(name)) = (customer_id, &customer) {
            p class="crumbs" {
                @if partner { a href="/customers" { (tr.t("customers-title")) } " › " (name) " › " }
                a href=(format!("/customers/{id}/devices")) { (tr.a("devices-title", &[("customer", name.as_str().into())])) }
                @if partner { " · " a href="/batches" id="batches-all" { (tr.t("batches-all-customers")) } }
            }
        }
        h1 { (title) }
        p class="lead" { (lead) }
        @if revoked {
            @if let Some(name) = &customer {
                (view::notice("warn", &tr.a("batches-revoked-note", &[("customer", name.as_str().into())]), None))
            }
        }
        @if history.batches.is_empty() {
            p class="card empty" id="no-batches" { (tr.t("batches-empty")) }
        } @else {
            div class="table-wrap" {
                table id="batches" class="cards" {
                    caption class="skip" { (title) }
                    thead { tr {
                        th { (tr.t("batches-col-submitted")) } th { (tr.t("batches-col-status")) }
                        @if show_customer { th { (tr.t("batches-col-customer")) } }
                        th class="num" { (tr.t("batches-col-rows")) } th class="num" { (tr.t("batches-col-registered")) }
                        th class="num" { (tr.t("batches-col-failed")) } th { (tr.t("batches-col-by")) }
                        th { (tr.t("batches-col-file")) } th { (tr.t("batches-col-order")) }
                    } }
                    tbody {
                        @for listing in &history.batches {
                            @let batch = &listing.batch;
                            tr id=(format!("batch-{}", batch.id)) {
                                td data-label=(tr.t("batches-col-submitted")) {
                                    a href=(format!("/batches/{}", batch.id))
                                        aria-label=(tr.a("batches-open", &[("when", tr.date_time(batch.created_at).into())])) {
                                        (view::time(tr, batch.created_at))
                                    }
                                }
                                td data-label=(tr.t("batches-col-status")) { (status_badge(tr, listing)) }
                                @if show_customer {
                                    td data-label=(tr.t("batches-col-customer")) {
                                        a href=(format!("/customers/{}/batches", batch.customer_id)) { (listing.customer_name) }
                                    }
                                }
                                td class="num" data-label=(tr.t("batches-col-rows")) { (tr.number(batch.total)) }
                                td class="num" data-label=(tr.t("batches-col-registered")) { (tr.number(batch.registered + batch.unassigned)) }
                                td class="num" data-label=(tr.t("batches-col-failed")) { (tr.number(batch.failed)) }
                                td data-label=(tr.t("batches-col-by")) {
                                    (submitted_by(tr, listing))
                                    br; span class="hint" { (listing.submitter_org_name) }
                                }
                                td data-label=(tr.t("batches-col-file")) {
                                    @match &batch.file_name {
                                        Some(name) => span class="mono" { (name) },
                                        None => span class="hint" { (tr.t("batches-no-file")) },
                                    }
                                }
                                td data-label=(tr.t("batches-col-order")) {
                                    @if let Some(order) = &batch.order.order_number { (order) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if cursor.is_some() || history.next_cursor.is_some() {
            nav class="actions pages" aria-label=(tr.t("batches-page-nav")) {
                @if cursor.is_some() { a href=(base) id="batches-newest" { (tr.t("batches-first")) } }
                @if let Some(next) = &history.next_cursor {
                    a href=(format!("{base}?cursor={}", view::url_encode(next))) rel="next" id="batches-next" { (tr.t("batches-next")) }
                }
            }
        }
    };
    Ok(view::page(&portal, Section::Batches, &title, content))
}

//! Consent, the customer's side: accept an invitation link, see the partners and OEMs that may
//! register devices, revoke one (after a confirmation step).

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use ztd_storage::{ApprovalMode, RelationshipKind};

use super::error::{self, PortalError};
use super::session::{CsrfForm, NoFields, Portal};
use super::view::{self, Section};
use crate::app::access::Gate;
use crate::app::consent::{self, RelationshipDetails};
use crate::error::ApiError;

#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `/invitations/{token}`: who invites, until when, and the accept button. The token is the
/// capability: whoever holds the link may see who sent it ([`consent::preview_invitation`]).
/// Accepting is the consent use case's decision.
pub async fn show_invitation(
    gate: Gate,
    portal: Portal,
    Path(token): Path<String>,
) -> Result<Response, PortalError> {
    let consent::InvitationPreview { invitation, inviter } =
        consent::preview_invitation(&gate, &token).await?;
    let expired = invitation.expires_at <= chrono::Utc::now();
    let kind = match invitation.kind {
        RelationshipKind::Csp => "partner (CSP reseller)",
        RelationshipKind::Oem => "hardware maker (OEM)",
    };
    let content = html! {
        h1 { "Invitation from " (inviter.name) }
        div class="card" {
            p { strong { (inviter.name) } ", a " (kind) ", asks for consent to register devices into your organisation, " strong { (portal.org().name) } "." }
            p { "If you accept, " (inviter.name) " may add devices to your tenant and see and manage the devices it registered. You can revoke this at any time under " em { "Partners" } "; devices already registered stay yours." }
            dl class="facts" {
                dt { "Link expires" } dd { (view::time(portal.tr(), invitation.expires_at)) @if expired { " " (view::badge("bad", "expired")) } }
            }
        }
        @if portal.is_customer() && portal.is_admin() {
            form method="post" action=(format!("/invitations/{}/accept", view::url_encode(&token))) class="actions" {
                (view::csrf(&portal))
                button type="submit" { "Accept and allow " (inviter.name) }
                a href="/" { "Not now" }
            }
        } @else {
            (view::notice("warn", "Only an admin of a customer organisation can accept", Some("Forward this link to an admin of your organisation.")))
        }
    };
    Ok(view::page(&portal, Section::Relationships, "Invitation", content).into_response())
}

pub async fn accept_invitation(
    Path(token): Path<String>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, PortalError> {
    // 201 (new) and 200 (already accepted: idempotent) both end on the partners page.
    consent::accept_invitation(portal.access(), &token).await?;
    Ok(Redirect::to("/relationships?notice=accepted").into_response())
}

fn status(relationship: &RelationshipDetails) -> Markup {
    if relationship.is_active() {
        view::badge("ok", "active")
    } else {
        view::badge("bad", "revoked")
    }
}

pub async fn list(portal: Portal, Query(query): Query<NoticeQuery>) -> Result<Markup, PortalError> {
    let me = portal.org().id;
    let all = consent::list_relationships(portal.access()).await?;
    // What each active partner did lately (docs/domain.md#relationship-health).
    let mut health = std::collections::HashMap::new();
    for details in all.iter().filter(|details| details.is_active()) {
        let (_, figures) = consent::relationship_health(portal.access(), details.relationship.id).await?;
        health.insert(details.relationship.id, figures);
    }
    let notice = match query.notice.as_deref() {
        Some("accepted") => Some(("Invitation accepted", "The partner may now register devices into your tenant.")),
        Some("revoked") => Some((
            "Access revoked",
            "The partner can no longer add, change or deregister devices of yours. Devices already registered stay yours.",
        )),
        Some("review") => Some((
            "Batches from this partner now wait for your approval",
            "You find them under Approvals. Batches submitted before stay as they were.",
        )),
        Some("auto") => Some(("Batches from this partner are registered at once", "No approval is asked for new batches.")),
        _ => None,
    };
    let content = html! {
        h1 { "Partners" }
        p class="lead" { "Partners and hardware makers you allowed to register devices into your tenant." }
        @if let Some((title, text)) = notice { (view::notice("ok", title, Some(text))) }
        @if all.is_empty() {
            p class="card empty" { "No partner yet. A partner sends you an invitation link; open it while signed in to accept." }
        } @else {
            div class="table-wrap" {
                table id="relationships" class="cards" {
                    thead { tr { th { "Organisation" } th { "Kind" } th { "Status" } th { "Since" } th { "Recent work" } th { "New batches" } th { "" } } }
                    tbody {
                        @for details in &all {
                            @let relationship = &details.relationship;
                            @let other = if relationship.customer_org_id == me { &details.partner_name } else { &details.customer_name };
                            tr {
                                td data-label="Organisation" { (other) }
                                td data-label="Kind" { (relationship.kind.as_str().to_uppercase()) }
                                td data-label="Status" {
                                    (status(details))
                                    @if let Some(at) = relationship.revoked_at { br; span class="hint" { "revoked " (view::time(portal.tr(), at)) } }
                                }
                                td data-label="Since" {
                                    (view::time(portal.tr(), relationship.created_at))
                                    @if let Some(by) = health.get(&relationship.id).and_then(|h| h.accepted_by.as_deref()) {
                                        br; span class="hint" { "accepted by " (by) }
                                    }
                                }
                                td data-label="Recent work" class="health" {
                                    @if let Some(h) = health.get(&relationship.id) {
                                        (h.devices_registered) " devices registered"
                                        br; span class="hint" {
                                            (h.batches_30d) " batches, " (h.rows_failed_30d) " failed rows in 30 days · last upload "
                                            @match h.last_upload_at { Some(at) => (view::time(portal.tr(), at)), None => "never" }
                                        }
                                    }
                                }
                                td data-label="New batches" {
                                    @if relationship.approval_mode == ApprovalMode::Review {
                                        (view::badge("warn", "wait for approval"))
                                    } @else {
                                        (view::badge("", "registered at once"))
                                    }
                                    @if details.is_active() && portal.is_admin() && relationship.customer_org_id == me {
                                        @let next = if relationship.approval_mode == ApprovalMode::Review { "auto" } else { "review" };
                                        form method="post" action=(format!("/relationships/{}/approval-mode", relationship.id)) {
                                            (view::csrf(&portal))
                                            input type="hidden" name="mode" value=(next);
                                            button type="submit" class="secondary" {
                                                @if next == "review" { "Review new batches first" } @else { "Register new batches at once" }
                                            }
                                        }
                                    }
                                }
                                td {
                                    @if details.is_active() && portal.is_admin() {
                                        a class="button secondary" href=(format!("/relationships/{}/revoke", relationship.id)) { "Revoke…" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(view::page(&portal, Section::Relationships, "Partners", content))
}

/// The confirmation step: what revoking does, and the button that does it.
pub async fn confirm_revoke(portal: Portal, Path(id): Path<Uuid>) -> Result<Response, PortalError> {
    let details = consent::get_relationship(portal.access(), id).await?;
    let me = portal.org().id;
    let other = if details.relationship.customer_org_id == me {
        &details.partner_name
    } else {
        &details.customer_name
    };
    if !details.is_active() {
        let content = html! {
            h1 { "Already revoked" }
            p { "The relationship with " (other) " is already revoked." }
            p { a href="/relationships" { "Back to partners" } }
        };
        return Ok((
            StatusCode::CONFLICT,
            view::page(&portal, Section::Relationships, "Already revoked", content),
        )
            .into_response());
    }
    let content = html! {
        p class="crumbs" { a href="/relationships" { "Partners" } " › Revoke" }
        h1 { "Revoke " (other) "'s access?" }
        div class="notice warn" {
            p { "From the moment you revoke, " strong { (other) } " can no longer add, change or deregister any device of yours, and no longer sees your devices." }
            p { "Devices already registered stay in your tenant: you own them. The history stays in the audit trail. To work together again, " (other) " must send you a new invitation link." }
        }
        form method="post" action=(format!("/relationships/{id}/revoke")) class="actions" {
            (view::csrf(&portal))
            button type="submit" class="danger" { "Revoke access" }
            a href="/relationships" { "Keep the relationship" }
        }
    };
    Ok(view::page(&portal, Section::Relationships, "Revoke access", content).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ModeForm {
    mode: String,
}

/// Switches a partner between `auto` and `review` (docs/domain.md#approval-queue).
pub async fn set_approval_mode(
    Path(id): Path<Uuid>,
    CsrfForm(portal, form): CsrfForm<ModeForm>,
) -> Result<Response, PortalError> {
    let mode = match form.mode.as_str() {
        "review" => ApprovalMode::Review,
        "auto" => ApprovalMode::AutoAccept,
        other => return Err(PortalError::BadForm(format!("mode {other:?} is not `auto` or `review`"))),
    };
    consent::set_approval_mode(portal.access(), id, mode).await?;
    Ok(Redirect::to(&format!("/relationships?notice={}", form.mode)).into_response())
}

pub async fn revoke(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, PortalError> {
    match consent::revoke_relationship(portal.access(), id).await {
        Ok(()) => Ok(Redirect::to("/relationships?notice=revoked").into_response()),
        Err(error) => {
            let error = ApiError::from(error);
            let content = html! { h1 { "The relationship was not revoked" } (error::notice(portal.tr(), &error::explain(portal.tr(), &error))) };
            Ok((error.status(), view::page(&portal, Section::Relationships, "Not revoked", content))
                .into_response())
        }
    }
}

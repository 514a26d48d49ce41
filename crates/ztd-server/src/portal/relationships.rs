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
use super::i18n::Tr;
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
    let tr = portal.tr();
    let expired = invitation.expires_at <= chrono::Utc::now();
    let inviter_name = inviter.name.as_str();
    let asks = match invitation.kind {
        RelationshipKind::Csp => "invitation-inviter-csp",
        RelationshipKind::Oem => "invitation-inviter-oem",
    };
    let content = html! {
        h1 { (tr.a("invitation-from", &[("inviter", inviter_name.into())])) }
        div class="card" {
            p { (tr.a(asks, &[("inviter", inviter_name.into()), ("org", portal.org().name.as_str().into())])) }
            p { (tr.a("invitation-if-you-accept", &[("inviter", inviter_name.into())])) }
            dl class="facts" {
                dt { (tr.t("invitation-link-expires")) }
                dd { (view::time(tr, invitation.expires_at)) @if expired { " " (view::badge("bad", &tr.t("invitation-expired-badge"))) } }
            }
        }
        @if portal.is_customer() && portal.is_admin() {
            form id="accept-invitation" method="post" action=(format!("/invitations/{}/accept", view::url_encode(&token))) class="actions" {
                (view::csrf(&portal))
                button type="submit" { (tr.a("invitation-accept", &[("inviter", inviter_name.into())])) }
                a href="/" { (tr.t("invitation-not-now")) }
            }
        } @else {
            (view::notice("warn", &tr.t("invitation-admin-only"), Some(&tr.t("invitation-admin-only-text"))))
        }
    };
    Ok(view::page(&portal, Section::Relationships, &tr.t("invitation-page-title"), content).into_response())
}

pub async fn accept_invitation(
    Path(token): Path<String>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, PortalError> {
    // 201 (new) and 200 (already accepted: idempotent) both end on the partners page.
    consent::accept_invitation(portal.access(), &token).await?;
    Ok(Redirect::to("/relationships?notice=accepted").into_response())
}

fn status(tr: Tr, relationship: &RelationshipDetails) -> Markup {
    if relationship.is_active() {
        view::badge("ok", &tr.t("relationship-status-active"))
    } else {
        view::badge("bad", &tr.t("relationship-status-revoked"))
    }
}

pub async fn list(portal: Portal, Query(query): Query<NoticeQuery>) -> Result<Markup, PortalError> {
    let tr = portal.tr();
    let me = portal.org().id;
    let all = consent::list_relationships(portal.access()).await?;
    // What each active partner did lately (docs/domain.md#relationship-health).
    let mut health = std::collections::HashMap::new();
    for details in all.iter().filter(|details| details.is_active()) {
        let (_, figures) = consent::relationship_health(portal.access(), details.relationship.id).await?;
        health.insert(details.relationship.id, figures);
    }
    let notice = match query.notice.as_deref() {
        Some("accepted") => Some(("relationships-accepted", "relationships-accepted-text")),
        Some("revoked") => Some(("relationships-revoked", "relationships-revoked-text")),
        Some("review") => Some(("relationships-review", "relationships-review-text")),
        Some("auto") => Some(("relationships-auto", "relationships-auto-text")),
        _ => None,
    };
    let content = html! {
        h1 { (tr.t("relationships-title")) }
        p class="lead" { (tr.t("relationships-lead")) }
        @if let Some((title, text)) = notice { (view::notice("ok", &tr.t(title), Some(&tr.t(text)))) }
        @if all.is_empty() {
            p class="card empty" { (tr.t("relationships-empty")) }
        } @else {
            div class="table-wrap" {
                table id="relationships" class="cards" {
                    thead { tr {
                        th { (tr.t("relationships-col-org")) } th { (tr.t("relationships-col-kind")) }
                        th { (tr.t("relationships-col-status")) } th { (tr.t("relationships-col-since")) }
                        th { (tr.t("relationships-col-work")) } th { (tr.t("relationships-col-new-batches")) }
                        th { span class="skip" { (tr.t("relationships-col-actions")) } }
                    } }
                    tbody {
                        @for details in &all {
                            @let relationship = &details.relationship;
                            @let other = if relationship.customer_org_id == me { &details.partner_name } else { &details.customer_name };
                            tr {
                                td data-label=(tr.t("relationships-col-org")) { (other) }
                                td data-label=(tr.t("relationships-col-kind")) { (super::customers::relationship_kind(tr, relationship.kind)) }
                                td data-label=(tr.t("relationships-col-status")) {
                                    (status(tr, details))
                                    @if let Some(at) = relationship.revoked_at { br; span class="hint" { (tr.t("relationship-revoked-on")) " " (view::time(tr, at)) } }
                                }
                                td data-label=(tr.t("relationships-col-since")) {
                                    (view::time(tr, relationship.created_at))
                                    @if let Some(by) = health.get(&relationship.id).and_then(|h| h.accepted_by.as_deref()) {
                                        br; span class="hint" { (tr.a("relationships-accepted-by", &[("who", by.into())])) }
                                    }
                                }
                                td data-label=(tr.t("relationships-col-work")) class="health" {
                                    @if let Some(h) = health.get(&relationship.id) {
                                        (tr.a("relationships-devices-registered", &[("count", h.devices_registered.into())]))
                                        br; span class="hint" {
                                            (tr.a("relationships-recent", &[
                                                ("batches", tr.a("relationships-batches-30d", &[("count", h.batches_30d.into())]).into()),
                                                ("failed", tr.a("relationships-failed-rows-30d", &[("count", h.rows_failed_30d.into())]).into()),
                                            ]))
                                            " "
                                            @match h.last_upload_at { Some(at) => (view::time(tr, at)), None => (tr.t("relationships-never")) }
                                        }
                                    }
                                }
                                td data-label=(tr.t("relationships-col-new-batches")) {
                                    @if relationship.approval_mode == ApprovalMode::Review {
                                        (view::badge("warn", &tr.t("relationships-mode-review")))
                                    } @else {
                                        (view::badge("", &tr.t("relationships-mode-auto")))
                                    }
                                    @if details.is_active() && portal.is_admin() && relationship.customer_org_id == me {
                                        @let next = if relationship.approval_mode == ApprovalMode::Review { "auto" } else { "review" };
                                        form method="post" action=(format!("/relationships/{}/approval-mode", relationship.id)) {
                                            (view::csrf(&portal))
                                            input type="hidden" name="mode" value=(next);
                                            button type="submit" class="secondary" {
                                                @if next == "review" { (tr.t("relationships-switch-review")) } @else { (tr.t("relationships-switch-auto")) }
                                            }
                                        }
                                    }
                                }
                                td {
                                    @if details.is_active() && portal.is_admin() {
                                        a class="button secondary" href=(format!("/relationships/{}/revoke", relationship.id)) { (tr.t("relationships-revoke-link")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(view::page(&portal, Section::Relationships, &tr.t("relationships-title"), content))
}

/// The confirmation step: what revoking does, and the button that does it.
pub async fn confirm_revoke(portal: Portal, Path(id): Path<Uuid>) -> Result<Response, PortalError> {
    let tr = portal.tr();
    let details = consent::get_relationship(portal.access(), id).await?;
    let me = portal.org().id;
    let other = if details.relationship.customer_org_id == me {
        details.partner_name.as_str()
    } else {
        details.customer_name.as_str()
    };
    if !details.is_active() {
        let content = html! {
            h1 { (tr.t("revoke-already-title")) }
            p { (tr.a("revoke-already-text", &[("other", other.into())])) }
            p { a href="/relationships" { (tr.t("revoke-back")) } }
        };
        return Ok((
            StatusCode::CONFLICT,
            view::page(&portal, Section::Relationships, &tr.t("revoke-already-title"), content),
        )
            .into_response());
    }
    let content = html! {
        p class="crumbs" { a href="/relationships" { (tr.t("relationships-title")) } " › " (tr.t("revoke-crumb")) }
        h1 { (tr.a("revoke-question", &[("other", other.into())])) }
        div class="notice warn" {
            p { (tr.a("revoke-consequence", &[("other", other.into())])) }
            p { (tr.a("revoke-what-stays", &[("other", other.into())])) }
        }
        form id="revoke-form" method="post" action=(format!("/relationships/{id}/revoke")) class="actions" {
            (view::csrf(&portal))
            button type="submit" class="danger" { (tr.t("revoke-button")) }
            a href="/relationships" { (tr.t("revoke-keep")) }
        }
    };
    Ok(view::page(&portal, Section::Relationships, &tr.t("revoke-page-title"), content).into_response())
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
        other => return Err(PortalError::BadForm(format!("mode {other:?} is not auto or review"))),
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
            let tr = portal.tr();
            let content =
                html! { h1 { (tr.t("revoke-failed")) } (error::notice(tr, &error::explain(tr, &error))) };
            Ok((
                error.status(),
                view::page(&portal, Section::Relationships, &tr.t("revoke-failed-page-title"), content),
            )
                .into_response())
        }
    }
}

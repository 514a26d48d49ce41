//! Consent, the customer's side: accept an invitation link, see the partners and OEMs that may
//! register devices, revoke one (after a confirmation step).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use ztd_storage::{RelationshipKind, StorageError};

use super::error::{self, PortalError};
use super::session::{CsrfForm, NoFields, Portal};
use super::view::{self, Section};
use crate::api::invitations;
use crate::api::relationships::{self, RelationshipView};
use crate::auth;
use crate::error::{ApiError, ApiPath};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `/invitations/{token}`: who invites, until when, and the accept button. The token is the
/// capability: whoever holds the link may see who sent it. Accepting is the API's decision.
pub async fn show_invitation(
    State(state): State<AppState>,
    portal: Portal,
    Path(token): Path<String>,
) -> Result<Response, PortalError> {
    let invitation = match state.db.find_invitation_by_token_hash(&auth::hash_token(&token)).await {
        Ok(invitation) => invitation,
        Err(StorageError::NotFound) => {
            let error = ApiError::NotFound {
                resource: crate::app::Resource::Invitation,
                id: "matching this link".into(),
            };
            return Err(error.into());
        }
        Err(other) => return Err(other.into()),
    };
    let inviter = state.db.get_org(invitation.creator_org_id).await?;
    let expired = invitation.expires_at <= Utc::now();
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
                dt { "Link expires" } dd { (view::time(invitation.expires_at)) @if expired { " " (view::badge("bad", "expired")) } }
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
    let (_status, _relationship) = invitations::accept_invitation(portal.handle(), ApiPath(token)).await?;
    Ok(Redirect::to("/relationships?notice=accepted").into_response())
}

fn status(relationship: &RelationshipView) -> Markup {
    if relationship.status == "active" {
        view::badge("ok", "active")
    } else {
        view::badge("bad", "revoked")
    }
}

pub async fn list(portal: Portal, Query(query): Query<NoticeQuery>) -> Result<Markup, PortalError> {
    let me = portal.org().id;
    let all = relationships::list_relationships(portal.handle()).await?.0;
    let notice = match query.notice.as_deref() {
        Some("accepted") => Some(("Invitation accepted", "The partner may now register devices into your tenant.")),
        Some("revoked") => Some((
            "Access revoked",
            "The partner can no longer add, change or deregister devices of yours. Devices already registered stay yours.",
        )),
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
                    thead { tr { th { "Organisation" } th { "Kind" } th { "Status" } th { "Since" } th { "" } } }
                    tbody {
                        @for relationship in &all {
                            @let other = if relationship.customer_org_id == me { &relationship.partner_name } else { &relationship.customer_name };
                            tr {
                                td data-label="Organisation" { (other) }
                                td data-label="Kind" { (relationship.kind.as_str().to_uppercase()) }
                                td data-label="Status" {
                                    (status(relationship))
                                    @if let Some(at) = relationship.revoked_at { br; span class="hint" { "revoked " (view::time(at)) } }
                                }
                                td data-label="Since" { (view::time(relationship.created_at)) }
                                td {
                                    @if relationship.status == "active" && portal.is_admin() {
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

async fn find(portal: &Portal, id: Uuid) -> Result<RelationshipView, PortalError> {
    relationships::list_relationships(portal.handle())
        .await?
        .0
        .into_iter()
        .find(|relationship| relationship.id == id)
        .ok_or_else(|| ApiError::not_found(crate::app::Resource::Relationship, id).into())
}

/// The confirmation step: what revoking does, and the button that does it.
pub async fn confirm_revoke(portal: Portal, Path(id): Path<Uuid>) -> Result<Response, PortalError> {
    let relationship = find(&portal, id).await?;
    let me = portal.org().id;
    let other = if relationship.customer_org_id == me {
        &relationship.partner_name
    } else {
        &relationship.customer_name
    };
    if relationship.status != "active" {
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

pub async fn revoke(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, PortalError> {
    match relationships::revoke_relationship(portal.handle(), ApiPath(id)).await {
        Ok(_) => Ok(Redirect::to("/relationships?notice=revoked").into_response()),
        Err(error) => {
            let content =
                html! { h1 { "The relationship was not revoked" } (error::notice(&error::explain(&error))) };
            Ok((error.status(), view::page(&portal, Section::Relationships, "Not revoked", content))
                .into_response())
        }
    }
}

//! Partner/OEM pages: the customers (relationships and their status) and invitation links.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use ztd_storage::{Invitation, OrgKind, RelationshipKind};

use super::error::{self, PortalError};
use super::i18n::Tr;
use super::session::{CsrfForm, NoFields, Portal};
use super::view::{self, Field, Section};
use crate::app::consent::{self, NewInvitation, RelationshipDetails, MAX_EXPIRY_DAYS};
use crate::error::ApiError;
use crate::state::AppState;

/// A customer as a page names it.
#[derive(Debug, Clone)]
pub struct CustomerLink {
    pub id: Uuid,
    pub name: String,
}

/// The customer's name as the caller may see it: its own organisation, or a customer it has a
/// relationship with (consent shares the names). Call after the access layer granted a scope.
pub async fn customer_name(portal: &Portal, customer_id: Uuid) -> Result<String, PortalError> {
    if portal.org().id == customer_id {
        return Ok(portal.org().name.clone());
    }
    let relationships = consent::list_relationships(portal.access()).await?;
    Ok(relationships
        .into_iter()
        .find(|details| details.relationship.customer_org_id == customer_id)
        .map_or_else(
            || portal.tr().a("customers-unknown-name", &[("id", customer_id.to_string().into())]),
            |details| details.customer_name,
        ))
}

/// What the person typed in the invitation form.
#[derive(Debug, Default, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    customer_id: String,
    #[serde(default)]
    expires_in_days: String,
    reusable: Option<String>,
}

#[derive(Default)]
struct InviteErrors {
    customer_id: Option<String>,
    expires_in_days: Option<String>,
    other: Option<error::Explanation>,
}

fn relationship_status(tr: Tr, relationship: &RelationshipDetails) -> Markup {
    if relationship.is_active() {
        view::badge("ok", &tr.t("relationship-status-active"))
    } else {
        view::badge("bad", &tr.t("relationship-status-revoked"))
    }
}

/// The relationship's kind as a short label (CSP / OEM).
pub fn relationship_kind(tr: Tr, kind: RelationshipKind) -> String {
    match kind {
        RelationshipKind::Csp => tr.t("relationship-kind-csp"),
        RelationshipKind::Oem => tr.t("relationship-kind-oem"),
    }
}

fn invitation_status(tr: Tr, invitation: &Invitation) -> Markup {
    match consent::invitation_status(invitation, Utc::now()) {
        "open" => view::badge("ok", &tr.t("invitation-status-open")),
        "used" => view::badge("", &tr.t("invitation-status-used")),
        "expired" => view::badge("warn", &tr.t("invitation-status-expired")),
        _ => view::badge("bad", &tr.t("invitation-status-withdrawn")),
    }
}

/// Who an invitation is for, by name where consent shares it: the customers that accepted it,
/// else the customer it names once a relationship (even a revoked one) made its name known.
/// A customer that never accepted is known by the id the partner typed, never by a name read
/// from its organisation (consent is what shares names).
fn invitation_customer(tr: Tr, invitation: &Invitation, relationships: &[RelationshipDetails]) -> Markup {
    let mut accepted: Vec<&str> = relationships
        .iter()
        .filter(|details| details.relationship.invitation_id == Some(invitation.id))
        .map(|details| details.customer_name.as_str())
        .collect();
    accepted.sort_unstable();
    accepted.dedup();
    let named = invitation.customer_id.map(|id| {
        relationships
            .iter()
            .find(|details| details.relationship.customer_org_id == id)
            .map(|details| details.customer_name.as_str())
            .ok_or(id)
    });
    // The one customer a link names, once accepted, is named once.
    let show_accepted = !matches!((named, accepted.len()), (_, 0) | (Some(_), 1));
    html! {
        @match named {
            Some(Ok(name)) => { (name) }
            Some(Err(id)) => {
                (tr.t("invitation-customer-unconnected"))
                br; span class="hint" { (tr.a("invitation-customer-unconnected-hint", &[("id", id.to_string().into())])) }
            }
            None => { (tr.t("invitation-any-customer")) }
        }
        @if show_accepted {
            br; span class="hint" { (tr.a("invitation-accepted-by", &[("names", accepted.join(", ").into())])) }
        }
    }
}

async fn customers_page(
    portal: &Portal,
    form: &InviteForm,
    errors: &InviteErrors,
) -> Result<Markup, PortalError> {
    portal.access().require_org_kind(&[OrgKind::Partner, OrgKind::Oem], "the customers page")?;
    let tr = portal.tr();
    let me = portal.org().id;
    let relationships: Vec<RelationshipDetails> = consent::list_relationships(portal.access())
        .await?
        .into_iter()
        .filter(|details| details.relationship.partner_org_id == me)
        .collect();
    let invitations =
        if portal.is_admin() { consent::list_invitations(portal.access()).await? } else { Vec::new() };
    let oem = portal.org().kind == OrgKind::Oem;
    let expires_default = if form.expires_in_days.is_empty() { "7" } else { form.expires_in_days.as_str() };
    let content = html! {
        h1 { (tr.t("customers-title")) }
        p class="lead" { (tr.t("customers-lead")) }
        @if relationships.is_empty() {
            p class="card empty" { (tr.t("customers-empty")) }
        } @else {
            div class="table-wrap" {
                table id="customers" class="cards" {
                    thead { tr {
                        th { (tr.t("customers-col-customer")) } th { (tr.t("customers-col-relationship")) }
                        th { (tr.t("customers-col-status")) } th { (tr.t("customers-col-since")) } th { (tr.t("customers-col-actions")) }
                    } }
                    tbody {
                        @for details in &relationships {
                            @let relationship = &details.relationship;
                            @let customer = relationship.customer_org_id;
                            tr {
                                td data-label=(tr.t("customers-col-customer")) { (details.customer_name) }
                                td data-label=(tr.t("customers-col-relationship")) { (relationship_kind(tr, relationship.kind)) }
                                td data-label=(tr.t("customers-col-status")) {
                                    (relationship_status(tr, details))
                                    @if let Some(at) = relationship.revoked_at { br; span class="hint" { (tr.t("relationship-revoked-on")) " " (view::time(tr, at)) } }
                                }
                                td data-label=(tr.t("customers-col-since")) { (view::time(tr, relationship.created_at)) }
                                td data-label=(tr.t("customers-col-actions")) {
                                    div class="actions" {
                                        @if details.is_active() {
                                            a href=(format!("/customers/{customer}/devices")) { (tr.t("customers-devices")) }
                                            @if portal.can_register() {
                                                a href=(format!("/customers/{customer}/add-devices")) { (tr.t("customers-add-devices")) }
                                            }
                                        }
                                        a href=(format!("/customers/{customer}/batches")) { (tr.t("customers-batches")) }
                                    }
                                    @if !details.is_active() {
                                        span class="hint" { (tr.t("customers-no-access")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if portal.is_admin() {
            h2 id="invite" { (tr.t("invite-heading")) }
            @if let Some(explanation) = &errors.other { (error::notice(tr, explanation)) }
            form id="invite-form" class="stack card" method="post" action="/invitations" {
                (view::csrf(portal))
                (view::field(Field::text("customer_id", &tr.t("invite-customer-id"), &form.customer_id)
                    .hint(&tr.t("invite-customer-id-hint"))
                    .error(errors.customer_id.as_deref())))
                (view::field(Field::text("expires_in_days", &tr.t("invite-expires"), expires_default).kind("number")
                    .hint(&tr.a("invite-expires-hint", &[("max", i64::from(MAX_EXPIRY_DAYS).into())]))
                    .error(errors.expires_in_days.as_deref())))
                div class="field" {
                    label class="check" for="reusable" {
                        input type="checkbox" id="reusable" name="reusable" value="true"
                            checked[form.reusable.is_some() || (oem && form.customer_id.is_empty() && form.expires_in_days.is_empty())];
                        span { (tr.t("invite-reusable")) }
                    }
                }
                div class="actions" { button type="submit" { (tr.t("invite-button")) } }
            }
            h2 { (tr.t("invitations-heading")) }
            @if invitations.is_empty() {
                p class="card empty" { (tr.t("invitations-empty")) }
            } @else {
                div class="table-wrap" {
                    table id="invitations" class="cards" {
                        thead { tr {
                            th { (tr.t("invitations-col-created")) } th { (tr.t("invitations-col-kind")) }
                            th { (tr.t("invitations-col-customer")) } th { (tr.t("invitations-col-status")) }
                            th class="num" { (tr.t("invitations-col-accepted")) } th { (tr.t("invitations-col-expires")) }
                            th { span class="skip" { (tr.t("invitations-col-actions")) } }
                        } }
                        tbody {
                            @for invitation in &invitations {
                                tr {
                                    td data-label=(tr.t("invitations-col-created")) { (view::time(tr, invitation.created_at)) }
                                    td data-label=(tr.t("invitations-col-kind")) { (if invitation.reusable { tr.t("invitation-reusable") } else { tr.t("invitation-single-use") }) }
                                    td data-label=(tr.t("invitations-col-customer")) { (invitation_customer(tr, invitation, &relationships)) }
                                    td data-label=(tr.t("invitations-col-status")) { (invitation_status(tr, invitation)) }
                                    td class="num" data-label=(tr.t("invitations-col-accepted")) { (tr.number(invitation.accepted_count)) }
                                    td data-label=(tr.t("invitations-col-expires")) { (view::time(tr, invitation.expires_at)) }
                                    td {
                                        @if consent::invitation_status(invitation, Utc::now()) == "open" {
                                            form method="post" action=(format!("/invitations/{}/withdraw", invitation.id)) {
                                                (view::csrf(portal))
                                                button type="submit" class="secondary" { (tr.t("invitation-withdraw")) }
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
    };
    Ok(view::page(portal, Section::Customers, &tr.t("customers-title"), content))
}

pub async fn list(portal: Portal) -> Result<Markup, PortalError> {
    customers_page(&portal, &InviteForm::default(), &InviteErrors::default()).await
}

pub async fn create_invitation(
    State(state): State<AppState>,
    CsrfForm(portal, form): CsrfForm<InviteForm>,
) -> Result<Response, PortalError> {
    let tr = portal.tr();
    let mut errors = InviteErrors::default();
    let customer_id = match form.customer_id.trim() {
        "" => None,
        text => match text.parse::<Uuid>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.customer_id = Some(tr.a("invite-customer-id-error", &[("value", text.into())]));
                None
            }
        },
    };
    let expires_in_days = match form.expires_in_days.trim() {
        "" => None,
        text => match text.parse::<u32>() {
            Ok(days) if (1..=MAX_EXPIRY_DAYS).contains(&days) => Some(days),
            _ => {
                errors.expires_in_days = Some(tr.a(
                    "invite-expires-error",
                    &[("value", text.into()), ("max", i64::from(MAX_EXPIRY_DAYS).into())],
                ));
                None
            }
        },
    };
    if errors.customer_id.is_some() || errors.expires_in_days.is_some() {
        let page = customers_page(&portal, &form, &errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let new = NewInvitation {
        customer_id,
        reusable: Some(form.reusable.is_some()),
        expires_in_days: expires_in_days.unwrap_or(state.config.invitation_expiry_days),
    };
    let created = match consent::create_invitation(portal.access(), new).await {
        Ok(created) => created,
        Err(error) => {
            let error = ApiError::from(error);
            let status = error.status();
            errors.other = Some(error::explain(portal.tr(), &error));
            let page = customers_page(&portal, &form, &errors).await?;
            return Ok((status, page).into_response());
        }
    };
    let url = created.url(state.config.public_base());
    let created = created.invitation;
    let content = html! {
        p class="crumbs" { a href="/customers" { (tr.t("customers-title")) } " › " (tr.t("invitation-crumb")) }
        h1 { (tr.t("invitation-created-title")) }
        (view::notice("ok", &tr.t("invitation-created-notice"), Some(&tr.t("invitation-created-text"))))
        div class="card" {
            (view::copyable(tr, "invitation-url", &tr.t("invitation-link-label"), &url))
            dl class="facts" {
                dt { (tr.t("invitation-expires")) } dd { (view::time(tr, created.expires_at)) " (" (days_left(tr, created.expires_at)) ")" }
                dt { (tr.t("invitation-use")) } dd { (if created.reusable { tr.t("invitation-use-reusable") } else { tr.t("invitation-use-single") }) }
                dt { (tr.t("invitation-kind")) } dd { (match created.kind { RelationshipKind::Csp => tr.t("invitation-kind-csp"), RelationshipKind::Oem => tr.t("invitation-kind-oem") }) }
                @if let Some(customer_id) = created.customer_id { dt { (tr.t("invitation-only-for")) } dd class="mono" { (customer_id) } }
            }
        }
        p { a href="/customers" { (tr.t("invitation-back")) } }
    };
    Ok((
        StatusCode::CREATED,
        view::page(&portal, Section::Customers, &tr.t("invitation-created-title"), content),
    )
        .into_response())
}

fn days_left(tr: Tr, at: chrono::DateTime<Utc>) -> String {
    let days = (at - Utc::now()).num_hours().max(0).div_euclid(24);
    tr.a("invitation-days-left", &[("days", days.into())])
}

pub async fn withdraw_invitation(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, PortalError> {
    consent::withdraw_invitation(portal.access(), id).await?;
    Ok(Redirect::to("/customers#invite"))
}

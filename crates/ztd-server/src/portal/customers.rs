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
        .map_or_else(|| format!("customer {customer_id}"), |details| details.customer_name))
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

fn relationship_status(relationship: &RelationshipDetails) -> Markup {
    if relationship.is_active() {
        view::badge("ok", "active")
    } else {
        view::badge("bad", "revoked")
    }
}

fn invitation_status(invitation: &Invitation) -> Markup {
    match consent::invitation_status(invitation, Utc::now()) {
        "open" => view::badge("ok", "open"),
        "used" => view::badge("", "used"),
        "expired" => view::badge("warn", "expired"),
        other => view::badge("bad", other),
    }
}

async fn customers_page(
    portal: &Portal,
    form: &InviteForm,
    errors: &InviteErrors,
) -> Result<Markup, PortalError> {
    portal.access().require_org_kind(&[OrgKind::Partner, OrgKind::Oem], "the customers page")?;
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
        h1 { "Customers" }
        p class="lead" { "Customers that accepted your invitation link. You can register devices only while the relationship is active; the customer can revoke it at any time." }
        @if relationships.is_empty() {
            p class="card empty" { "No customer yet. Create an invitation link below and send it to the customer's admin." }
        } @else {
            div class="table-wrap" {
                table id="customers" class="cards" {
                    thead { tr { th { "Customer" } th { "Relationship" } th { "Status" } th { "Since" } th { "Actions" } } }
                    tbody {
                        @for details in &relationships {
                            @let relationship = &details.relationship;
                            tr {
                                td data-label="Customer" { (details.customer_name) }
                                td data-label="Relationship" { (relationship.kind.as_str().to_uppercase()) }
                                td data-label="Status" {
                                    (relationship_status(details))
                                    @if let Some(at) = relationship.revoked_at { br; span class="hint" { "revoked " (view::time(portal.tr(), at)) } }
                                }
                                td data-label="Since" { (view::time(portal.tr(), relationship.created_at)) }
                                td {
                                    @if details.is_active() {
                                        div class="actions" {
                                            a href=(format!("/customers/{}/devices", relationship.customer_org_id)) { "Devices" }
                                            @if portal.can_register() {
                                                a href=(format!("/customers/{}/add-devices", relationship.customer_org_id)) { "Add devices" }
                                            }
                                        }
                                    } @else {
                                        span class="hint" { "No access: the relationship was revoked." }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if portal.is_admin() {
            h2 id="invite" { "Create an invitation link" }
            @if let Some(explanation) = &errors.other { (error::notice(portal.tr(), explanation)) }
            form class="stack card" method="post" action="/invitations" {
                (view::csrf(portal))
                (view::field(Field::text("customer_id", "Customer organisation id (optional)", &form.customer_id)
                    .hint("With an id, only that customer can accept the link. Leave it empty to let any customer admin who gets the link accept it.")
                    .error(errors.customer_id.as_deref())))
                (view::field(Field::text("expires_in_days", "Valid for (days)", expires_default).kind("number")
                    .hint("1 to 90 days.").error(errors.expires_in_days.as_deref())))
                div class="field" {
                    label class="check" for="reusable" {
                        input type="checkbox" id="reusable" name="reusable" value="true"
                            checked[form.reusable.is_some() || (oem && form.customer_id.is_empty() && form.expires_in_days.is_empty())];
                        span { "Reusable: several customers may accept the same link (usual for OEMs)" }
                    }
                }
                div class="actions" { button type="submit" { "Create invitation link" } }
            }
            h2 { "Invitation links" }
            @if invitations.is_empty() {
                p class="card empty" { "No invitation link yet." }
            } @else {
                div class="table-wrap" {
                    table id="invitations" {
                        thead { tr { th { "Created" } th { "Kind" } th { "For customer" } th { "Status" } th class="num" { "Accepted" } th { "Expires" } th { "" } } }
                        tbody {
                            @for invitation in &invitations {
                                tr {
                                    td { (view::time(portal.tr(), invitation.created_at)) }
                                    td { (if invitation.reusable { "reusable" } else { "single use" }) }
                                    td class="mono" { (invitation.customer_id.map(|id| id.to_string()).unwrap_or_else(|| "any".into())) }
                                    td { (invitation_status(invitation)) }
                                    td class="num" { (invitation.accepted_count) }
                                    td { (view::time(portal.tr(), invitation.expires_at)) }
                                    td {
                                        @if consent::invitation_status(invitation, Utc::now()) == "open" {
                                            form method="post" action=(format!("/invitations/{}/withdraw", invitation.id)) {
                                                (view::csrf(portal))
                                                button type="submit" class="secondary" { "Withdraw" }
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
    Ok(view::page(portal, Section::Customers, "Customers", content))
}

pub async fn list(portal: Portal) -> Result<Markup, PortalError> {
    customers_page(&portal, &InviteForm::default(), &InviteErrors::default()).await
}

pub async fn create_invitation(
    State(state): State<AppState>,
    CsrfForm(portal, form): CsrfForm<InviteForm>,
) -> Result<Response, PortalError> {
    let mut errors = InviteErrors::default();
    let customer_id = match form.customer_id.trim() {
        "" => None,
        text => match text.parse::<Uuid>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.customer_id = Some(format!(
                    "{text:?} is not an organisation id; it looks like 2f1c7a9e-4b3d-4c8e-9f0a-1b2c3d4e5f60 (ask the customer's admin), or leave it empty."
                ));
                None
            }
        },
    };
    let expires_in_days = match form.expires_in_days.trim() {
        "" => None,
        text => match text.parse::<u32>() {
            Ok(days) if (1..=MAX_EXPIRY_DAYS).contains(&days) => Some(days),
            _ => {
                errors.expires_in_days =
                    Some(format!("{text:?} is not a number of days from 1 to {}.", MAX_EXPIRY_DAYS));
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
        p class="crumbs" { a href="/customers" { "Customers" } " › Invitation link" }
        h1 { "Invitation link created" }
        (view::notice("ok", "Send this link to the customer's admin", Some("It is shown only now. The admin signs in, opens the link and accepts; from then on you can register devices for that customer.")))
        div class="card" {
            (view::copyable(portal.tr(), "invitation-url", "Invitation link", &url))
            dl class="facts" {
                dt { "Expires" } dd { (view::time(portal.tr(), created.expires_at)) " (" (days_left(created.expires_at)) ")" }
                dt { "Use" } dd { (if created.reusable { "reusable: every customer admin who gets it may accept" } else { "single use" }) }
                dt { "Kind" } dd { (match created.kind { RelationshipKind::Csp => "CSP (partner)", RelationshipKind::Oem => "OEM" }) }
                @if let Some(customer_id) = created.customer_id { dt { "Only for customer" } dd class="mono" { (customer_id) } }
            }
        }
        p { a href="/customers" { "Back to customers" } }
    };
    Ok((StatusCode::CREATED, view::page(&portal, Section::Customers, "Invitation link created", content))
        .into_response())
}

fn days_left(at: chrono::DateTime<Utc>) -> String {
    let days = (at - Utc::now()).num_hours().max(0).div_euclid(24);
    if days == 1 {
        "in 1 day".to_owned()
    } else {
        format!("in {days} days")
    }
}

pub async fn withdraw_invitation(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, PortalError> {
    consent::withdraw_invitation(portal.access(), id).await?;
    Ok(Redirect::to("/customers#invite"))
}

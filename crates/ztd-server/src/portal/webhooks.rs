//! Webhooks, for an organisation's admins (docs/portal.md#webhooks): the list, a form to add
//! one (URL and event types; the secret shown once on the next page), a webhook's delivery log
//! with a button to send an event again, and deleting after a confirmation. Every action is a
//! webhook use case ([`crate::app::webhooks`]), checks included.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use ztd_storage::webhook_events::EVENT_TYPES;
use ztd_storage::{DeliveryStatus, WebhookDelivery};

use super::error::{self, PortalError};
use super::i18n::Tr;
use super::session::{CsrfForm, NoFields, Portal};
use super::view::{self, Field, Section};
use crate::app::webhooks::{self, NewWebhook};
use crate::error::ApiError;
use crate::state::AppState;
use crate::webhook_delivery::address::UrlPolicy;

/// The checkbox of an event type is named `event:<type>`.
const EVENT_FIELD: &str = "event:";

/// What an event type is about, next to its checkbox.
fn describe(event_type: &str) -> &'static str {
    match event_type {
        "batch.finished" => "a device batch finished (counts of registered, unassigned, failed devices)",
        "batch.awaiting_approval" => "a partner's batch waits for the customer's approval",
        "batch.rejected" => "the customer rejected a partner's batch",
        "device.activated" => "a device booted for the first time and received its profile",
        "device.deregistered" => "a device was deregistered",
        "relationship.created" => "a customer accepted an invitation link",
        "relationship.revoked" => "a relationship was revoked by either side",
        "release_request.created" => "a device's release was requested",
        "release_request.decided" => "a release request was approved or denied",
        _ => "",
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// The add form as typed: the URL and the ticked event types.
#[derive(Debug, Default)]
struct WebhookForm {
    url: String,
    events: Vec<String>,
}

impl WebhookForm {
    fn from_fields(fields: &HashMap<String, String>) -> Self {
        Self {
            url: fields.get("url").cloned().unwrap_or_default(),
            events: EVENT_TYPES
                .iter()
                .filter(|event| fields.contains_key(&format!("{EVENT_FIELD}{event}")))
                .map(|event| (*event).to_owned())
                .collect(),
        }
    }
}

fn status_badge(status: DeliveryStatus) -> Markup {
    match status {
        DeliveryStatus::Pending => view::badge("warn", "pending"),
        DeliveryStatus::Succeeded => view::badge("ok", "succeeded"),
        DeliveryStatus::Failed => view::badge("bad", "failed"),
    }
}

async fn list_page(
    portal: &Portal,
    form: &WebhookForm,
    problem: Option<&error::Explanation>,
    notice: Option<&str>,
) -> Result<Markup, PortalError> {
    let all = webhooks::list_webhooks(portal.access()).await?;
    let content = html! {
        h1 { "Webhooks of " (portal.org().name) }
        p class="lead" { "ztd POSTs each chosen event to your HTTPS endpoint as JSON, signed with the webhook's secret in the " code { "ztd-signature" } " header, and retries failures for 25 hours. See the documentation (docs/webhooks.md) for verifying a signature." }
        @if notice == Some("deleted") { (view::notice("ok", "Webhook deleted", Some("Nothing more is sent to it; its pending deliveries were dropped."))) }
        @if all.is_empty() {
            p class="card empty" { "No webhook yet." }
        } @else {
            div class="table-wrap" {
                table id="webhooks" class="cards" {
                    thead { tr { th { "URL" } th { "Events" } th { "Created" } th { "" } } }
                    tbody {
                        @for webhook in &all {
                            tr {
                                td data-label="URL" class="mono" { (webhook.url) }
                                td data-label="Events" { (webhook.events.join(", ")) }
                                td data-label="Created" { (view::time(portal.tr(), webhook.created_at)) }
                                td {
                                    a class="button secondary" href=(format!("/webhooks/{}", webhook.id)) { "Deliveries" }
                                    " "
                                    a class="button secondary" href=(format!("/webhooks/{}/delete", webhook.id)) { "Delete…" }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Add a webhook" }
        @if let Some(problem) = problem { (error::notice(portal.tr(), problem)) }
        form class="stack card" method="post" action="/webhooks" {
            (view::csrf(portal))
            (view::field(Field::text("url", "Endpoint URL", &form.url).kind("url").required()
                .hint("https:// and publicly reachable, e.g. https://hooks.example.com/ztd")))
            fieldset {
                legend { "Events" }
                @for event in EVENT_TYPES {
                    @let id = format!("event-{}", event.replace('.', "-"));
                    div class="check" {
                        input type="checkbox" id=(id) name=(format!("{EVENT_FIELD}{event}")) checked[form.events.iter().any(|e| e == event)];
                        label for=(id) { code { (event) } " — " (describe(event)) }
                    }
                }
            }
            p class="hint" { "The signing secret is shown once, on the next page." }
            div class="actions" { button type="submit" { "Add webhook" } }
        }
    };
    Ok(view::page(portal, Section::Webhooks, "Webhooks", content))
}

pub async fn list(portal: Portal, Query(query): Query<NoticeQuery>) -> Result<Markup, PortalError> {
    list_page(&portal, &WebhookForm::default(), None, query.notice.as_deref()).await
}

pub async fn create(
    State(state): State<AppState>,
    CsrfForm(portal, fields): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = WebhookForm::from_fields(&fields);
    let policy = UrlPolicy { allow_http_and_private: state.config.webhook_allow_http };
    let new = NewWebhook { url: form.url.clone(), events: form.events.clone() };
    match webhooks::create_webhook(portal.access(), policy, new).await {
        Ok(created) => {
            let webhook = &created.webhook;
            let content = html! {
                p class="crumbs" { a href="/webhooks" { "Webhooks" } " › New" }
                h1 { "Webhook added" }
                (view::notice("ok", "Copy the signing secret now", Some("It is shown only now. Your endpoint uses it to check the ztd-signature header of every delivery. If it is lost, delete the webhook and add it again.")))
                div class="card" {
                    dl class="facts" {
                        dt { "URL" } dd class="mono" { (webhook.url) }
                        dt { "Events" } dd { (webhook.events.join(", ")) }
                    }
                    (view::copyable(portal.tr(), "webhook-secret", "Signing secret", &created.secret))
                }
                p { a href=(format!("/webhooks/{}", webhook.id)) { "See its deliveries" } " · " a href="/webhooks" { "Back to webhooks" } }
            };
            Ok((StatusCode::CREATED, view::page(&portal, Section::Webhooks, "Webhook added", content))
                .into_response())
        }
        Err(error) => {
            let error = ApiError::from(error);
            let page = list_page(&portal, &form, Some(&error::explain(portal.tr(), &error)), None).await?;
            Ok((error.status(), page).into_response())
        }
    }
}

fn attempts_cell(tr: Tr, delivery: &WebhookDelivery) -> Markup {
    html! {
        (delivery.attempts)
        @if let Some(last) = delivery.attempt_log.last() {
            br;
            span class="hint" {
                "last " (view::time(tr, last.at))
                @if let Some(error) = &last.error { ": " (error) }
            }
        }
    }
}

pub async fn show(
    portal: Portal,
    Path(id): Path<Uuid>,
    Query(query): Query<NoticeQuery>,
) -> Result<Markup, PortalError> {
    let webhook = webhooks::get_webhook(portal.access(), id).await?;
    let deliveries = webhooks::list_deliveries(portal.access(), id, None).await?;
    let content = html! {
        p class="crumbs" { a href="/webhooks" { "Webhooks" } " › Deliveries" }
        h1 { "Deliveries to " span class="mono" { (webhook.url) } }
        @if query.notice.as_deref() == Some("redelivered") {
            (view::notice("ok", "Sent again", Some("A new delivery of the event is on its way; it appears at the top.")))
        }
        p { "Events: " (webhook.events.join(", ")) ". The 50 newest deliveries; a failed one is retried with growing waits for 25 hours." }
        @if deliveries.is_empty() {
            p class="card empty" { "Nothing delivered yet." }
        } @else {
            div class="table-wrap" {
                table id="deliveries" class="cards" {
                    thead { tr { th { "Event" } th { "Occurred" } th { "Status" } th { "Attempts" } th { "Last code" } th { "Next attempt" } th { "" } } }
                    tbody {
                        @for delivery in &deliveries {
                            tr {
                                td data-label="Event" { code { (delivery.event_type) } br; span class="hint mono" { (delivery.event_id) } }
                                td data-label="Occurred" { (view::time(portal.tr(), delivery.occurred_at)) }
                                td data-label="Status" { (status_badge(delivery.status)) }
                                td data-label="Attempts" { (attempts_cell(portal.tr(), delivery)) }
                                td data-label="Last code" { @if let Some(code) = delivery.last_status_code { (code) } @else { "—" } }
                                td data-label="Next attempt" { @if let Some(at) = delivery.next_attempt_at { (view::time(portal.tr(), at)) } @else { "—" } }
                                td {
                                    @if delivery.status != DeliveryStatus::Pending {
                                        form method="post" action=(format!("/webhooks/{id}/deliveries/{}/redeliver", delivery.id)) {
                                            (view::csrf(&portal))
                                            button type="submit" class="secondary" aria-label=(format!("Send the {} event {} again", delivery.event_type, delivery.event_id)) { "Redeliver" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        p { a class="button secondary" href=(format!("/webhooks/{id}/delete")) { "Delete this webhook…" } }
    };
    Ok(view::page(&portal, Section::Webhooks, "Webhook deliveries", content))
}

pub async fn redeliver(
    Path((id, delivery_id)): Path<(Uuid, Uuid)>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, PortalError> {
    webhooks::redeliver(portal.access(), id, delivery_id).await?;
    Ok(Redirect::to(&format!("/webhooks/{id}?notice=redelivered")))
}

/// The confirmation step of deleting a webhook.
pub async fn confirm_delete(portal: Portal, Path(id): Path<Uuid>) -> Result<Markup, PortalError> {
    let webhook = webhooks::get_webhook(portal.access(), id).await?;
    let content = html! {
        p class="crumbs" { a href="/webhooks" { "Webhooks" } " › Delete" }
        h1 { "Delete this webhook?" }
        div class="notice warn" {
            p { "Nothing more is sent to " strong class="mono" { (webhook.url) } ". Deliveries still being retried are dropped, and its delivery log is no longer shown." }
            p { "To receive events again, add a webhook anew: it gets a new secret." }
        }
        form method="post" action=(format!("/webhooks/{id}/delete")) class="actions" {
            (view::csrf(&portal))
            button type="submit" class="danger" { "Delete webhook" }
            a href="/webhooks" { "Keep it" }
        }
    };
    Ok(view::page(&portal, Section::Webhooks, "Delete webhook", content))
}

pub async fn delete(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, PortalError> {
    webhooks::delete_webhook(portal.access(), id).await?;
    Ok(Redirect::to("/webhooks?notice=deleted"))
}

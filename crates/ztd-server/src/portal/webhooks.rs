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

/// The catalogue id of an event type's name for people (`batch.finished` →
/// `webhook-event-batch-finished`); `-about` after it says what the event is about.
fn event_message(event_type: &str) -> String {
    format!("webhook-event-{}", event_type.replace(['.', '_'], "-"))
}

/// An event type as people read it: its name in the page's language, then its code (what the
/// endpoint receives as `type`).
fn event_name(tr: Tr, event_type: &str) -> Markup {
    let id = event_message(event_type);
    html! {
        @if tr.has(&id) { (tr.t(&id)) " " }
        code class="hint" { (event_type) }
    }
}

/// The event types of a webhook, one per line.
fn event_list(tr: Tr, events: &[String]) -> Markup {
    html! {
        ul class="plain" {
            @for event in events { li { (event_name(tr, event)) } }
        }
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

fn status_badge(tr: Tr, status: DeliveryStatus) -> Markup {
    match status {
        DeliveryStatus::Pending => view::badge("warn", &tr.t("webhooks-status-pending")),
        DeliveryStatus::Succeeded => view::badge("ok", &tr.t("webhooks-status-succeeded")),
        DeliveryStatus::Failed => view::badge("bad", &tr.t("webhooks-status-failed")),
    }
}

async fn list_page(
    portal: &Portal,
    form: &WebhookForm,
    problem: Option<&error::Explanation>,
    notice: Option<&str>,
) -> Result<Markup, PortalError> {
    let all = webhooks::list_webhooks(portal.access()).await?;
    let tr = portal.tr();
    let (url, events, created) =
        (tr.t("webhooks-col-url"), tr.t("webhooks-col-events"), tr.t("webhooks-col-created"));
    let content = html! {
        h1 { (tr.a("webhooks-heading", &[("org", portal.org().name.as_str().into())])) }
        p class="lead" { (tr.t("webhooks-lead")) }
        @if notice == Some("deleted") { (view::notice("ok", &tr.t("webhooks-deleted-title"), Some(&tr.t("webhooks-deleted-text")))) }
        @if all.is_empty() {
            p class="card empty" { (tr.t("webhooks-none")) }
        } @else {
            div class="table-wrap" {
                table id="webhooks" class="cards" {
                    thead { tr { th { (url) } th { (events) } th { (created) } th {} } }
                    tbody {
                        @for webhook in &all {
                            tr {
                                td data-label=(url) class="mono" { (webhook.url) }
                                td data-label=(events) { (event_list(tr, &webhook.events)) }
                                td data-label=(created) { (view::time(tr, webhook.created_at)) }
                                td {
                                    a class="button secondary" href=(format!("/webhooks/{}", webhook.id))
                                        aria-label=(tr.a("webhooks-deliveries-label", &[("url", webhook.url.as_str().into())])) { (tr.t("webhooks-deliveries")) }
                                    " "
                                    a class="button secondary" href=(format!("/webhooks/{}/delete", webhook.id))
                                        aria-label=(tr.a("webhooks-delete-label", &[("url", webhook.url.as_str().into())])) { (tr.t("webhooks-delete")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (tr.t("webhooks-add-heading")) }
        @if let Some(problem) = problem { (error::notice(tr, problem)) }
        form class="stack card" method="post" action="/webhooks" {
            (view::csrf(portal))
            (view::field(Field::text("url", &tr.t("webhooks-url-label"), &form.url).kind("url").required()
                .hint(&tr.t("webhooks-url-hint"))))
            fieldset {
                legend { (events) }
                @for event in EVENT_TYPES {
                    @let id = format!("event-{}", event.replace('.', "-"));
                    @let about = format!("{}-about", event_message(event));
                    div class="check" {
                        input type="checkbox" id=(id) name=(format!("{EVENT_FIELD}{event}")) checked[form.events.iter().any(|e| e == event)];
                        label for=(id) { (event_name(tr, event)) " — " (tr.t(&about)) }
                    }
                }
            }
            p class="hint" { (tr.t("webhooks-secret-once")) }
            div class="actions" { button type="submit" { (tr.t("webhooks-add-button")) } }
        }
    };
    Ok(view::page(portal, Section::Webhooks, &tr.t("webhooks-title"), content))
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
            let tr = portal.tr();
            let content = html! {
                p class="crumbs" { a href="/webhooks" { (tr.t("webhooks-title")) } " › " (tr.t("webhooks-new-crumb")) }
                h1 { (tr.t("webhooks-added-title")) }
                (view::notice("ok", &tr.t("webhooks-added-notice"), Some(&tr.t("webhooks-added-notice-text"))))
                div class="card" {
                    dl class="facts" {
                        dt { (tr.t("webhooks-col-url")) } dd class="mono" { (webhook.url) }
                        dt { (tr.t("webhooks-col-events")) } dd { (event_list(tr, &webhook.events)) }
                    }
                    (view::copyable(tr, "webhook-secret", &tr.t("webhooks-secret-label"), &created.secret))
                }
                p { a href=(format!("/webhooks/{}", webhook.id)) { (tr.t("webhooks-see-deliveries")) } " · " a href="/webhooks" { (tr.t("webhooks-back")) } }
            };
            Ok((
                StatusCode::CREATED,
                view::page(&portal, Section::Webhooks, &tr.t("webhooks-added-title"), content),
            )
                .into_response())
        }
        Err(error) => {
            let error = ApiError::from(error);
            let explanation = super::admin::explain_refusal(portal.tr(), &error, "webhooks", &[]);
            let page = list_page(&portal, &form, Some(&explanation), None).await?;
            Ok((error.status(), page).into_response())
        }
    }
}

fn attempts_cell(tr: Tr, delivery: &WebhookDelivery) -> Markup {
    html! {
        (tr.number(i64::from(delivery.attempts)))
        @if let Some(last) = delivery.attempt_log.last() {
            br;
            span class="hint" {
                (tr.t("webhooks-last-attempt")) " " (view::time(tr, last.at))
                // The receiving side's or the network's own words (not translated).
                @if let Some(error) = &last.error { ": " span lang="en" { (error) } }
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
    let tr = portal.tr();
    let labels = [
        "webhooks-col-event",
        "webhooks-col-occurred",
        "webhooks-col-status",
        "webhooks-col-attempts",
        "webhooks-col-last-code",
        "webhooks-col-next-attempt",
    ]
    .map(|id| tr.t(id));
    let [event, occurred, status, attempts, last_code, next_attempt] = &labels;
    let content = html! {
        p class="crumbs" { a href="/webhooks" { (tr.t("webhooks-title")) } " › " (tr.t("webhooks-deliveries")) }
        h1 { (tr.t("webhooks-deliveries-heading")) " " span class="mono" { (webhook.url) } }
        @if query.notice.as_deref() == Some("redelivered") {
            (view::notice("ok", &tr.t("webhooks-redelivered-title"), Some(&tr.t("webhooks-redelivered-text"))))
        }
        h2 { (tr.t("webhooks-col-events")) }
        (event_list(tr, &webhook.events))
        p { (tr.t("webhooks-deliveries-lead")) }
        @if deliveries.is_empty() {
            p class="card empty" { (tr.t("webhooks-no-deliveries")) }
        } @else {
            div class="table-wrap" {
                table id="deliveries" class="cards" {
                    thead { tr { @for label in &labels { th { (label) } } th {} } }
                    tbody {
                        @for delivery in &deliveries {
                            tr {
                                td data-label=(event) { (event_name(tr, &delivery.event_type)) br; span class="hint mono" { (delivery.event_id) } }
                                td data-label=(occurred) { (view::time(tr, delivery.occurred_at)) }
                                td data-label=(status) { (status_badge(tr, delivery.status)) }
                                td data-label=(attempts) { (attempts_cell(tr, delivery)) }
                                td data-label=(last_code) { @if let Some(code) = delivery.last_status_code { (code) } @else { (tr.t("dash")) } }
                                td data-label=(next_attempt) { @if let Some(at) = delivery.next_attempt_at { (view::time(tr, at)) } @else { (tr.t("dash")) } }
                                td {
                                    @if delivery.status != DeliveryStatus::Pending {
                                        form method="post" action=(format!("/webhooks/{id}/deliveries/{}/redeliver", delivery.id)) {
                                            (view::csrf(&portal))
                                            button type="submit" class="secondary"
                                                aria-label=(tr.a("webhooks-redeliver-label", &[("event", delivery.event_type.as_str().into()), ("id", delivery.event_id.to_string().into())])) {
                                                (tr.t("webhooks-redeliver"))
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
        p { a class="button secondary" href=(format!("/webhooks/{id}/delete")) { (tr.t("webhooks-delete-this")) } }
    };
    Ok(view::page(&portal, Section::Webhooks, &tr.t("webhooks-deliveries-title"), content))
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
    let tr = portal.tr();
    let content = html! {
        p class="crumbs" { a href="/webhooks" { (tr.t("webhooks-title")) } " › " (tr.t("webhooks-delete-crumb")) }
        h1 { (tr.t("webhooks-delete-title")) }
        div class="notice warn" {
            p { (tr.a("webhooks-delete-warning", &[("url", webhook.url.as_str().into())])) }
            p { (tr.t("webhooks-delete-again")) }
        }
        form method="post" action=(format!("/webhooks/{id}/delete")) class="actions" {
            (view::csrf(&portal))
            button type="submit" class="danger" id="confirm-delete-webhook" { (tr.t("webhooks-delete-button")) }
            a href="/webhooks" { (tr.t("void-keep")) }
        }
    };
    Ok(view::page(&portal, Section::Webhooks, &tr.t("webhooks-delete-button"), content))
}

pub async fn delete(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, PortalError> {
    webhooks::delete_webhook(portal.access(), id).await?;
    Ok(Redirect::to("/webhooks?notice=deleted"))
}

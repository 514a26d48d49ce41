//! The audit trail: every action by the organisation or on its tenant, newest first (the audit
//! use case, [`crate::app::audit`], decides what is visible).

use axum::extract::Query;
use maud::{html, Markup};
use serde::Deserialize;

use super::error::PortalError;
use super::session::Portal;
use super::view::{self, Section};
use crate::app::audit::{self, PageRequest};

const PAGE_SIZE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct AuditPageQuery {
    cursor: Option<String>,
}

/// An event's details as `key: value` lines (strings without their JSON quotes).
fn details(value: &serde_json::Value) -> Markup {
    let text = |value: &serde_json::Value| match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => "—".to_owned(),
        other => other.to_string(),
    };
    html! {
        @match value {
            serde_json::Value::Object(map) => {
                @for (key, value) in map { span class="hint" { (key) ": " } (text(value)) br; }
            }
            serde_json::Value::Null => {}
            other => { (other.to_string()) }
        }
    }
}

pub async fn list(portal: Portal, Query(query): Query<AuditPageQuery>) -> Result<Markup, PortalError> {
    let request = PageRequest::parse(Some(PAGE_SIZE), query.cursor.as_deref())?;
    let (page, names) = audit::list_with_names(portal.access(), request).await?;
    let me = portal.org().id;
    let content = html! {
        h1 { "Audit trail" }
        p class="lead" { "Every change made by your organisation or to your organisation's data, by anyone, newest first." }
        @if page.events.is_empty() {
            p class="card empty" { "Nothing has happened yet." }
        } @else {
            div class="table-wrap" {
                table id="audit" class="cards" {
                    thead { tr { th { "When" } th { "Action" } th { "By" } th { "Target" } th { "Details" } th { "Request" } } }
                    tbody {
                        @for event in &page.events {
                            tr {
                                td data-label="When" { (view::time(portal.tr(), event.at)) }
                                td data-label="Action" { code { (event.action) } }
                                td data-label="By" {
                                    (event.actor_kind.as_str().replace('_', " "))
                                    @if let Some(org_id) = event.actor_org_id {
                                        " · " (if org_id == me { "your organisation".to_owned() } else { names.get(&org_id).cloned().unwrap_or_default() })
                                    }
                                }
                                td data-label="Target" { (event.target_type) @if let Some(id) = &event.target_id { br; span class="mono hint" { (id) } } }
                                td class="wrap" data-label="Details" { (details(&event.details)) }
                                td class="mono hint" data-label="Request" { (event.request_id.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(next) = &page.next_cursor {
            p { a href=(format!("/audit?cursor={}", view::url_encode(&next.to_string()))) rel="next" { "Older events" } }
        }
    };
    Ok(view::page(&portal, Section::Audit, "Audit trail", content))
}

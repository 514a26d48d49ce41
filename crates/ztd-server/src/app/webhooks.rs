//! Webhooks (docs/webhooks.md): an organisation's admins register HTTPS endpoints for event
//! types, see each one's deliveries and send an event again. Any kind of organisation may.
//!
//! The events themselves are written by storage with the change they report; sending them is
//! the dispatcher's ([`crate::webhook_delivery`]). Here: the checks of a new webhook (the URL
//! against the SSRF rules, the event types), its secret (shown once), and the organisation's
//! view of its webhooks and deliveries, each reached through the caller's own organisation:
//! another organisation's webhook is a missing one.

use chrono::Utc;
use uuid::Uuid;
use ztd_storage::webhook_events::{is_event_type, EVENT_TYPES};
use ztd_storage::{Conflict, Role, StorageError, Webhook, WebhookDelivery};

use super::access::{Access, OrgScope};
use super::{Error, Resource};
use crate::auth;
use crate::webhook_delivery::address::{self, UrlPolicy};

/// Most live webhooks one organisation may have.
pub const MAX_WEBHOOKS_PER_ORG: usize = 20;
/// Most deliveries one listing shows (the newest).
pub const MAX_DELIVERIES_LISTED: u32 = 200;

/// A webhook to create.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub url: String,
    pub events: Vec<String>,
}

/// The new webhook and its signing secret, shown this once.
#[derive(Debug, Clone)]
pub struct CreatedWebhook {
    pub webhook: Webhook,
    pub secret: String,
}

/// The event types, checked: at least one, each known, each once, in the documented order.
fn event_types(given: &[String]) -> Result<Vec<String>, Error> {
    if given.is_empty() {
        return Err(Error::invalid("no_event_types", "a webhook needs at least one event type")
            .with_hint(format!("choose among: {}", EVENT_TYPES.join(", "))));
    }
    if let Some(unknown) = given.iter().find(|event| !is_event_type(event)) {
        return Err(Error::invalid("unknown_event_type", format!("{unknown:?} is not a webhook event type"))
            .with_hint(format!("choose among: {}", EVENT_TYPES.join(", "))));
    }
    Ok(EVENT_TYPES
        .iter()
        .filter(|known| given.iter().any(|g| g == *known))
        .map(|e| (*e).to_owned())
        .collect())
}

fn url_error(error: address::UrlError) -> Error {
    let hint = error.hint();
    Error::invalid("invalid_webhook_url", error.to_string()).with_hint(hint)
}

/// The caller's organisation, for its admins.
fn own(access: &Access) -> Result<OrgScope, Error> {
    access.own_org(Role::Admin)
}

/// Registers a webhook of the caller's organisation (admins). `policy` is the operator's
/// (`--webhook-allow-http`). The URL's host is resolved now: it must resolve, and only to
/// addresses webhooks may go to.
pub async fn create_webhook(
    access: &Access,
    policy: UrlPolicy,
    new: NewWebhook,
) -> Result<CreatedWebhook, Error> {
    let org = own(access)?;
    let events = event_types(&new.events)?;
    let url = new.url.trim().to_owned();
    address::check(&url, policy).await.map_err(url_error)?;
    let db = org.ctx().db();
    if db.list_webhooks(org.org_id()).await?.len() >= MAX_WEBHOOKS_PER_ORG {
        return Err(Error::conflict(
            "webhook_limit",
            format!("the organisation already has {MAX_WEBHOOKS_PER_ORG} webhooks, the most it may have"),
        )
        .with_hint("delete one it no longer needs, or subscribe one webhook to more event types"));
    }
    let actor = org.ctx().actor();
    let webhook = Webhook {
        id: Uuid::new_v4(),
        org_id: org.org_id(),
        url,
        secret: auth::new_webhook_secret(),
        events,
        created_at: Utc::now(),
        created_by: actor.id.map(|id| format!("{}:{id}", actor.kind)),
    };
    let audit = org.ctx().event(
        "webhook.create",
        "webhook",
        webhook.id,
        Some(org.org_id()),
        serde_json::json!({ "url": webhook.url, "events": webhook.events }),
    );
    db.create_webhook(&webhook, &audit).await?;
    let secret = webhook.secret.clone();
    Ok(CreatedWebhook { webhook, secret })
}

/// The organisation's webhooks (admins), oldest first. Callers never show the secret again.
pub async fn list_webhooks(access: &Access) -> Result<Vec<Webhook>, Error> {
    let org = own(access)?;
    Ok(org.ctx().db().list_webhooks(org.org_id()).await?)
}

/// One webhook of the organisation (admins).
pub async fn get_webhook(access: &Access, id: Uuid) -> Result<Webhook, Error> {
    let org = own(access)?;
    org.ctx().db().get_webhook(org.org_id(), id).await.map_err(Error::or_not_found(Resource::Webhook, id))
}

/// Deletes a webhook (admins): nothing more is sent to it, its pending deliveries fail.
pub async fn delete_webhook(access: &Access, id: Uuid) -> Result<(), Error> {
    let org = own(access)?;
    let audit = org.ctx().event("webhook.delete", "webhook", id, Some(org.org_id()), serde_json::json!({}));
    org.ctx()
        .db()
        .delete_webhook(org.org_id(), id, Utc::now(), &audit)
        .await
        .map_err(Error::or_not_found(Resource::Webhook, id))
}

/// The newest `limit` (1–200, default 50) deliveries of a webhook, each with its attempts.
pub async fn list_deliveries(
    access: &Access,
    webhook_id: Uuid,
    limit: Option<u32>,
) -> Result<Vec<WebhookDelivery>, Error> {
    let limit = match limit {
        None => 50,
        Some(limit @ 1..=MAX_DELIVERIES_LISTED) => limit,
        Some(other) => {
            return Err(Error::InvalidParameter {
                message: format!("limit {other} must be between 1 and {MAX_DELIVERIES_LISTED}"),
            })
        }
    };
    let org = own(access)?;
    org.ctx()
        .db()
        .list_webhook_deliveries(org.org_id(), webhook_id, limit)
        .await
        .map_err(Error::or_not_found(Resource::Webhook, webhook_id))
}

/// Sends a delivery's event again (admins): a new delivery of the same event (same event id),
/// due at once. Only for a delivery that succeeded or failed; a pending one is being retried.
pub async fn redeliver(
    access: &Access,
    webhook_id: Uuid,
    delivery_id: Uuid,
) -> Result<WebhookDelivery, Error> {
    let org = own(access)?;
    let db = org.ctx().db();
    // A webhook of another organisation is a missing webhook, not a missing delivery.
    db.get_webhook(org.org_id(), webhook_id)
        .await
        .map_err(Error::or_not_found(Resource::Webhook, webhook_id))?;
    let new_id = Uuid::new_v4();
    let audit = org.ctx().event(
        "webhook.redeliver",
        "webhook_delivery",
        delivery_id,
        Some(org.org_id()),
        serde_json::json!({ "webhook_id": webhook_id, "new_delivery_id": new_id }),
    );
    match db
        .redeliver_webhook_delivery(org.org_id(), webhook_id, delivery_id, new_id, Utc::now(), &audit)
        .await
    {
        Ok(delivery) => Ok(delivery),
        Err(StorageError::NotFound) => Err(Error::not_found(Resource::WebhookDelivery, delivery_id)),
        Err(StorageError::Conflict(Conflict::DeliveryPending)) => Err(Error::conflict(
            "delivery_pending",
            format!("delivery {delivery_id} is still pending: it is being retried"),
        )
        .with_hint("redeliver it once it succeeded or failed")),
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_are_checked_and_put_in_order() {
        let given = ["device.activated", "batch.finished", "device.activated"].map(String::from);
        assert_eq!(event_types(&given).unwrap(), ["batch.finished", "device.activated"]);
        let error = event_types(&["batch.done".to_owned()]).unwrap_err();
        assert!(error.to_string().contains("\"batch.done\""), "{error}");
        let Error::Invalid { code, hint, .. } = error else { panic!("not invalid") };
        assert_eq!(code, "unknown_event_type");
        assert!(hint.unwrap().contains("release_request.decided"));
        assert!(matches!(event_types(&[]), Err(Error::Invalid { code: "no_event_types", .. })));
    }
}

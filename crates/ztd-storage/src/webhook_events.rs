//! Which audit events are webhook events (docs/webhooks.md#events): the one table mapping an
//! audit `action` to the webhook event type it is delivered as, who receives it and what a
//! receiver that does not own the data may see.
//!
//! Events are not written by the features that cause them: every change already writes its
//! audit event(s) in its own transaction through one insert (`sql/common.rs`,
//! `insert_audits`); that insert also writes one outbox row (`webhook_deliveries`) per
//! subscribed, live webhook of each receiving organisation, in the same transaction and the same
//! statement per chunk of events. So a change and the deliveries reporting it commit or vanish
//! together, and a new feature's audit action becomes a webhook event by a line here.

use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::NewAuditEvent;

/// How an audit action becomes a webhook event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventMapping {
    /// The audit action (`NewAuditEvent::action`).
    pub action: &'static str,
    /// The webhook event type (`type` of the delivered body).
    pub event_type: &'static str,
    /// A key of the audit `details` naming one more receiving organisation, beside the acting
    /// organisation and the tenant (the partner side of a relationship).
    pub also_to: Option<&'static str>,
    /// A receiver other than the tenant must not learn the owner: its `data` carries neither
    /// the tenant's nor the acting organisation's id, and none of the details that could name
    /// the owner (release requests: the requesting organisation never learns who holds the
    /// device).
    pub hide_owner: bool,
}

const fn map(action: &'static str, event_type: &'static str) -> EventMapping {
    EventMapping { action, event_type, also_to: None, hide_owner: false }
}

/// Audit action → webhook event type. Documented in docs/webhooks.md#events; keep both alike.
pub const EVENT_MAPPINGS: &[EventMapping] = &[
    map("device_batch.finished", "batch.finished"),
    map("device_batch.awaiting_approval", "batch.awaiting_approval"),
    map("device_batch.reject", "batch.rejected"),
    map("device.activate", "device.activated"),
    map("device.deregister", "device.deregistered"),
    EventMapping { also_to: Some("partner_org_id"), ..map("invitation.accept", "relationship.created") },
    EventMapping { also_to: Some("partner_org_id"), ..map("relationship.revoke", "relationship.revoked") },
    EventMapping { hide_owner: true, ..map("release_request.create", "release_request.created") },
    EventMapping { hide_owner: true, ..map("release_request.approve", "release_request.decided") },
    EventMapping { hide_owner: true, ..map("release_request.deny", "release_request.decided") },
];

/// Every webhook event type, in the order of the documentation.
pub const EVENT_TYPES: &[&str] = &[
    "batch.finished",
    "batch.awaiting_approval",
    "batch.rejected",
    "device.activated",
    "device.deregistered",
    "relationship.created",
    "relationship.revoked",
    "release_request.created",
    "release_request.decided",
];

/// The mapping of an audit action, if it is a webhook event.
pub fn mapping_of(action: &str) -> Option<&'static EventMapping> {
    EVENT_MAPPINGS.iter().find(|mapping| mapping.action == action)
}

/// Whether `text` is a webhook event type.
pub fn is_event_type(text: &str) -> bool {
    EVENT_TYPES.contains(&text)
}

/// An audit event about to be written that is a webhook event: what the outbox insert needs.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    /// The event's id: the same in every delivery of it, to every receiver.
    pub event_id: Uuid,
    pub event_type: &'static str,
    pub actor_org_id: Option<Uuid>,
    pub tenant_org_id: Option<Uuid>,
    /// The organisation named by [`EventMapping::also_to`], when there is one.
    pub also_to: Option<Uuid>,
    /// `data` for the tenant (and for every receiver when nothing is hidden).
    pub data: Value,
    /// `data` for a receiver that is not the tenant.
    pub data_for_others: Value,
}

impl OutboxEvent {
    /// The webhook event an audit event is, if any.
    pub fn of(event: &NewAuditEvent) -> Option<Self> {
        let mapping = mapping_of(&event.action)?;
        let also_to = mapping
            .also_to
            .and_then(|key| event.details.get(key))
            .and_then(Value::as_str)
            .and_then(|text| text.parse().ok());
        let data = json!({
            "target_type": event.target_type,
            "target_id": event.target_id,
            "actor_org_id": event.actor_org_id,
            "tenant_org_id": event.tenant_org_id,
            "details": event.details,
        });
        let data_for_others = if mapping.hide_owner {
            // Not even the acting organisation: the owner decides a release request.
            json!({
                "target_type": event.target_type,
                "target_id": event.target_id,
                "details": without_owner(&event.details, event.tenant_org_id),
            })
        } else {
            data.clone()
        };
        Some(Self {
            event_id: Uuid::new_v4(),
            event_type: mapping.event_type,
            actor_org_id: event.actor_org_id,
            tenant_org_id: event.tenant_org_id,
            also_to,
            data,
            data_for_others,
        })
    }
}

/// Words in a details key that may name or identify the owner of the data.
const OWNER_WORDS: &[&str] = &["tenant", "customer", "owner", "holder"];

/// `details` without what could name the owner: every key (at any depth) containing one of
/// [`OWNER_WORDS`] or ending in `org_id`/`org_name`, and every value equal to the tenant's id.
pub fn without_owner(details: &Value, tenant: Option<Uuid>) -> Value {
    let tenant = tenant.map(|id| id.to_string());
    fn strip(value: &Value, tenant: Option<&str>) -> Option<Value> {
        match value {
            Value::String(text) if tenant.is_some_and(|id| text.eq_ignore_ascii_case(id)) => None,
            Value::Object(fields) => {
                let kept: Map<String, Value> = fields
                    .iter()
                    .filter(|(key, _)| {
                        let key = key.to_ascii_lowercase();
                        !OWNER_WORDS.iter().any(|word| key.contains(word))
                            && !key.ends_with("org_id")
                            && !key.ends_with("org_name")
                    })
                    .filter_map(|(key, value)| strip(value, tenant).map(|value| (key.clone(), value)))
                    .collect();
                Some(Value::Object(kept))
            }
            Value::Array(items) => {
                Some(Value::Array(items.iter().filter_map(|v| strip(v, tenant)).collect()))
            }
            other => Some(other.clone()),
        }
    }
    strip(details, tenant.as_deref()).unwrap_or_else(|| json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ActorKind;

    fn event(action: &str, details: Value) -> NewAuditEvent {
        NewAuditEvent {
            request_id: None,
            actor_kind: ActorKind::User,
            actor_id: None,
            actor_org_id: Some(Uuid::new_v4()),
            tenant_org_id: Some(Uuid::new_v4()),
            action: action.into(),
            target_type: "thing".into(),
            target_id: Some("1".into()),
            details,
        }
    }

    #[test]
    fn every_mapping_names_a_known_type_and_every_type_has_a_mapping() {
        for mapping in EVENT_MAPPINGS {
            assert!(is_event_type(mapping.event_type), "{mapping:?}");
        }
        for event_type in EVENT_TYPES {
            assert!(EVENT_MAPPINGS.iter().any(|m| m.event_type == *event_type), "{event_type}");
        }
    }

    #[test]
    fn only_mapped_actions_are_events() {
        assert!(OutboxEvent::of(&event("webhook.create", json!({}))).is_none());
        let finished = OutboxEvent::of(&event("device_batch.finished", json!({ "total": 3 }))).unwrap();
        assert_eq!(finished.event_type, "batch.finished");
        assert_eq!(finished.data["details"]["total"], 3);
        assert_eq!(finished.data, finished.data_for_others);
    }

    #[test]
    fn the_partner_side_of_a_relationship_receives_its_events() {
        let partner = Uuid::new_v4();
        let accepted =
            OutboxEvent::of(&event("invitation.accept", json!({ "partner_org_id": partner }))).unwrap();
        assert_eq!(accepted.also_to, Some(partner));
    }

    #[test]
    fn release_requests_never_name_the_owner_to_others() {
        let mut audit = event(
            "release_request.create",
            json!({
                "device_id": "d1",
                "customer_id": "c1",
                "owner_name": "Secret Owner Inc",
                "current": { "tenant_org_id": "x", "note": "kept" },
                "serial_number": "SN1",
            }),
        );
        let tenant = audit.tenant_org_id.unwrap();
        audit.details["elsewhere"] = json!(tenant.to_string());
        let event = OutboxEvent::of(&audit).unwrap();
        let text = event.data_for_others.to_string();
        for leak in ["c1", "Secret Owner", "tenant", "customer", &tenant.to_string()] {
            assert!(!text.contains(leak), "{leak} in {text}");
        }
        assert_eq!(event.data_for_others["details"]["serial_number"], "SN1");
        assert_eq!(event.data_for_others["details"]["current"]["note"], "kept");
        assert_eq!(event.data["tenant_org_id"], tenant.to_string());
    }
}

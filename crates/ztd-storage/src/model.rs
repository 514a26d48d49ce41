//! Records as the storage layer reads and writes them. Plain data: validation happens in the
//! domain crate before anything reaches here; tenancy is decided by the server's access layer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $text),+ } }
            pub fn parse(text: &str) -> Option<Self> { match text { $($text => Some($name::$variant),)+ _ => None } }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
        // Stored as text on every backend, so one set of impls serves SQLite and PostgreSQL.
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name where str: sqlx::Type<DB> {
            fn type_info() -> DB::TypeInfo { <str as sqlx::Type<DB>>::type_info() }
            fn compatible(ty: &DB::TypeInfo) -> bool { <str as sqlx::Type<DB>>::compatible(ty) }
        }
        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $name where &'q str: sqlx::Encode<'q, DB> {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&'q str as sqlx::Encode<'q, DB>>::encode(self.as_str(), buf)
            }
        }
        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name where &'r str: sqlx::Decode<'r, DB> {
            fn decode(value: <DB as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
                Self::parse(text).ok_or_else(|| format!("unknown {} {:?}", stringify!($name), text).into())
            }
        }
    };
}

text_enum!(
    /// Kind of organisation (tenant). `Operator` is the platform operator's own organisation.
    OrgKind { Customer = "customer", Partner = "partner", Oem = "oem", Operator = "operator" }
);
text_enum!(Role { Admin = "admin", Registrar = "registrar", Reader = "reader" });
text_enum!(RelationshipKind { Csp = "csp", Oem = "oem" });
text_enum!(
    /// docs/domain.md#approval-queue: whether a partner's batches wait for the customer's
    /// approval. Shown as `auto` / `review` in the API.
    ApprovalMode { AutoAccept = "auto_accept", Review = "review" }
);
text_enum!(
    /// docs/domain.md#device-lifecycle lifecycle of a registered device. `pending` and `failed` live on batch items.
    DeviceState { Registered = "registered", Unassigned = "unassigned", Active = "active", Deregistered = "deregistered" }
);
text_enum!(
    /// docs/domain.md#batch-lifecycle. `awaiting_approval` and `rejected` belong to the approval
    /// queue (docs/domain.md#approval-queue).
    BatchStatus {
        AwaitingApproval = "awaiting_approval",
        Queued = "queued",
        Processing = "processing",
        Finished = "finished",
        FinishedWithErrors = "finished_with_errors",
        Rejected = "rejected",
    }
);
text_enum!(
    /// docs/domain.md#release-requests.
    ReleaseStatus { Pending = "pending", Approved = "approved", Denied = "denied" }
);
text_enum!(ItemStatus { Pending = "pending", Registered = "registered", Unassigned = "unassigned", Failed = "failed" });
text_enum!(ActorKind { User = "user", ApiKey = "api_key", Operator = "operator", System = "system", Device = "device" });

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Organisation {
    pub id: Uuid,
    pub kind: OrgKind,
    pub name: String,
    pub domain: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    pub id: Uuid,
    pub org_id: Uuid,
    pub email: String,
    pub role: Role,
    /// argon2 PHC string.
    pub password_hash: String,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    /// Set when an admin disabled the user: no sign-in, no session.
    pub disabled_at: Option<DateTime<Utc>>,
    /// Until when the one-time password signs in (set with `must_change_password`).
    pub one_time_password_expires_at: Option<DateTime<Utc>>,
    /// The portal language the person chose (a tag such as `da`); `None` follows the browser.
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiKey {
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub role: Role,
    /// SHA-256 (hex) of the secret; the secret itself is shown once and never stored.
    pub key_hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// After this the key is refused; `None` only for keys made before keys expired.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Session {
    /// SHA-256 (hex) of the cookie value.
    pub token_hash: String,
    pub user_id: Uuid,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Invitation {
    pub id: Uuid,
    /// SHA-256 (hex) of the link token.
    pub token_hash: String,
    pub creator_org_id: Uuid,
    pub kind: RelationshipKind,
    /// When set, only this customer may accept.
    pub customer_id: Option<Uuid>,
    pub reusable: bool,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub accepted_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Relationship {
    pub id: Uuid,
    pub partner_org_id: Uuid,
    pub customer_org_id: Uuid,
    pub kind: RelationshipKind,
    pub invitation_id: Option<Uuid>,
    pub accepted_by_user_id: Option<Uuid>,
    pub approval_mode: ApprovalMode,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by_org_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Profile {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub name: String,
    pub group_tag: String,
    /// `ztd_domain::profile::ProfileSettings` as JSON.
    #[sqlx(json)]
    pub settings: serde_json::Value,
    pub built_in: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A registered device. Identity keys are unique among non-deregistered devices, enforced by
/// unique partial indexes so two concurrent batches cannot both win.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Device {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub registered_by_org_id: Uuid,
    pub batch_id: Option<Uuid>,
    pub state: DeviceState,
    pub serial_number: Option<String>,
    pub product_key_id: Option<String>,
    pub hardware_hash: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub group_tag: Option<String>,
    pub profile_id: Option<Uuid>,
    pub assigned_user: Option<String>,
    pub tuple_key: Option<String>,
    pub pkid_key: Option<String>,
    pub hash_key: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub activated_at: Option<DateTime<Utc>>,
    pub deregistered_at: Option<DateTime<Utc>>,
}

/// A device ready to insert: validated and resolved by the domain crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice {
    pub serial_number: Option<String>,
    pub product_key_id: Option<String>,
    pub hardware_hash: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub group_tag: Option<String>,
    pub profile_id: Option<Uuid>,
    pub assigned_user: Option<String>,
    pub tuple_key: Option<String>,
    pub pkid_key: Option<String>,
    pub hash_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Batch {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub submitted_by_org_id: Uuid,
    pub actor_kind: ActorKind,
    pub actor_id: Option<Uuid>,
    pub status: BatchStatus,
    pub default_group_tag: Option<String>,
    pub allow_unknown_tags: bool,
    pub idempotency_key: Option<String>,
    pub total: i64,
    pub registered: i64,
    pub unassigned: i64,
    pub failed: i64,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// What the registrar ships the devices under (docs/domain.md#orders-and-void).
    #[sqlx(flatten)]
    pub order: BatchOrder,
    /// The customer's approval or rejection of a batch that waited (docs/domain.md#approval-queue).
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by_id: Option<Uuid>,
    pub rejection_reason: Option<String>,
    /// When its submitter voided it (its devices not yet booted were deregistered).
    pub voided_at: Option<DateTime<Utc>>,
    /// The name of the file it was uploaded from, when a person uploaded one (the portal).
    pub file_name: Option<String>,
}

/// The order a batch's devices ship under; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct BatchOrder {
    pub order_number: Option<String>,
    pub purchase_order: Option<String>,
    pub ship_date: Option<chrono::NaiveDate>,
}

/// One submitted row of a batch, kept until processed and afterwards as its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchItem {
    pub batch_id: Uuid,
    pub row: i64,
    /// `ztd_domain::device::DeviceInput` as JSON.
    pub input: serde_json::Value,
    pub status: ItemStatus,
    pub device_id: Option<Uuid>,
    /// Why the row failed (`status` is `failed`). Stored as code, message and hint columns; a
    /// stored code this build does not know reads as `invalid_request_body` with its message.
    pub error: Option<ztd_domain::codes::RowError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditEvent {
    /// Monotonic per database; the cursor for paging.
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub request_id: Option<String>,
    pub actor_kind: ActorKind,
    pub actor_id: Option<Uuid>,
    pub actor_org_id: Option<Uuid>,
    /// The organisation whose data the action touched (the customer, for device work).
    pub tenant_org_id: Option<Uuid>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    #[sqlx(json)]
    pub details: serde_json::Value,
}

/// What a mutation writes to the audit log, in the same transaction as the mutation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEvent {
    pub request_id: Option<String>,
    pub actor_kind: ActorKind,
    pub actor_id: Option<Uuid>,
    pub actor_org_id: Option<Uuid>,
    pub tenant_org_id: Option<Uuid>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub details: serde_json::Value,
}

impl NewAuditEvent {
    /// An event of work on `batch` done after its request (by a worker or a sweep): attributed
    /// to whoever submitted it, on the customer's tenant, with no request id.
    pub fn of_batch(batch: &Batch, action: &str, details: serde_json::Value) -> Self {
        Self {
            request_id: None,
            actor_kind: batch.actor_kind,
            actor_id: batch.actor_id,
            actor_org_id: Some(batch.submitted_by_org_id),
            tenant_org_id: Some(batch.customer_id),
            action: action.into(),
            target_type: "device_batch".into(),
            target_id: Some(batch.id.to_string()),
            details,
        }
    }
}

/// A registrar's request that the owner of a device registered to another tenant release it
/// (docs/domain.md#release-requests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ReleaseRequest {
    pub id: Uuid,
    pub requester_org_id: Uuid,
    pub requested_by_kind: ActorKind,
    pub requested_by_id: Option<Uuid>,
    pub device_id: Uuid,
    /// The customer holding the device. Never shown to the requester.
    pub owner_org_id: Uuid,
    pub status: ReleaseStatus,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by_id: Option<Uuid>,
}

/// A release request as its owner sees it: with who asked and which device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncomingReleaseRequest {
    pub request: ReleaseRequest,
    pub requester_name: String,
    pub serial_number: Option<String>,
    pub model: Option<String>,
}

/// A live device holding one of a row's identity keys, as a dry run weighs it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct KeyHolder {
    pub device_id: Uuid,
    pub customer_id: Uuid,
    /// Registered with its hardware hash (docs/domain.md#verified-and-unverified-registrations).
    pub verified: bool,
    pub batch_id: Option<Uuid>,
}

/// What a partner did in one relationship lately (docs/domain.md#relationship-health).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RelationshipHealth {
    pub last_upload_at: Option<DateTime<Utc>>,
    /// Devices the partner registered into the customer that are not deregistered.
    pub devices_registered: i64,
    pub batches_30d: i64,
    pub rows_failed_30d: i64,
    /// Email of the customer's user who accepted the invitation.
    pub accepted_by: Option<String>,
}

text_enum!(
    /// Where a webhook delivery stands (docs/webhooks.md#retries).
    DeliveryStatus { Pending = "pending", Succeeded = "succeeded", Failed = "failed" }
);

/// An organisation's webhook endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: Uuid,
    pub org_id: Uuid,
    pub url: String,
    /// The signing secret (`whsec_…`), kept as shown once: the dispatcher signs with it.
    pub secret: String,
    /// Subscribed event types (`webhook_events::EVENT_TYPES`).
    pub events: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// Who created it (`<actor kind>:<id>`), for display.
    pub created_by: Option<String>,
}

/// One event to deliver to one webhook, and how its delivery went so far.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WebhookDelivery {
    pub id: Uuid,
    pub webhook_id: Uuid,
    /// The receiving organisation (the webhook's).
    pub org_id: Uuid,
    /// The event's id, the same in every delivery and redelivery of one change.
    pub event_id: Uuid,
    pub event_type: String,
    pub occurred_at: DateTime<Utc>,
    #[sqlx(json)]
    pub data: serde_json::Value,
    pub status: DeliveryStatus,
    pub attempts: i32,
    /// When the next attempt is due (pending deliveries only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Every attempt so far, oldest first (filled by the listing; empty where not asked for).
    #[sqlx(skip)]
    pub attempt_log: Vec<WebhookAttempt>,
}

/// One attempt to send a delivery.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WebhookAttempt {
    pub delivery_id: Uuid,
    /// 1 for the first attempt.
    pub attempt: i32,
    pub at: DateTime<Utc>,
    /// The HTTP status answered; `None` when no answer came (refused, timed out, unreachable).
    pub status_code: Option<i32>,
    /// Why no answer came, or what refused the destination.
    pub error: Option<String>,
    /// The first characters of the answer's body.
    pub response_excerpt: Option<String>,
    pub duration_ms: i64,
    /// When the next attempt is due; `None` after the last one.
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// A delivery claimed by a dispatcher, with what it needs to send it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedDelivery {
    pub delivery: WebhookDelivery,
    pub url: String,
    pub secret: String,
}

/// What became of an attempt, and so of the delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// A 2xx answer: the delivery succeeded.
    Succeeded,
    /// Failed; the next attempt is due at this time.
    RetryAt(DateTime<Utc>),
    /// Failed for the last time: the delivery failed.
    GaveUp,
}

/// An attempt to record ([`crate::WebhookStore::record_webhook_attempt`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttempt {
    pub at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub response_excerpt: Option<String>,
    pub duration_ms: i64,
    pub outcome: AttemptOutcome,
}

/// A file a person uploaded in the portal that had problems, kept for a short while so the
/// portal can offer the list of problems and a repaired copy for download, and repair and
/// check it again, without the browser sending it twice (docs/portal.md#repair-in-the-browser).
/// Only the person who uploaded it, in the same organisation, can read it back.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UploadDraft {
    pub id: Uuid,
    pub org_id: Uuid,
    pub user_id: Uuid,
    /// The customer the file was uploaded for.
    pub customer_id: Uuid,
    pub file_name: String,
    /// The file's bytes as uploaded (or as repaired).
    pub content: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

//! The use-case layer: one module per capability, the one core every channel calls.
//!
//! ```text
//!   adapters      api/ (JSON + CSV over HTTP)   portal/ (HTML)   ztd CLI (admin, demo, serve)
//!       │ typed input, scoped handle
//!   use cases     app::{accounts, consent, profiles, registration, lookup, audit, webhooks}
//!       │ scopes handed out by
//!   access        app::access (tenancy and roles, decided once)
//!       │
//!   storage/domain  ztd_storage::Database (owner-filtered SQL)   ztd_domain (pure rules)
//! ```
//!
//! A use case takes the caller's permission-scoped handle ([`access::Access`], or
//! [`access::Operator`] for the operator console, or [`access::Gate`] for the unauthenticated
//! door) and typed input; it asks the access layer for the narrower scope it needs, does the
//! work with the audit event in the change's own transaction, and returns typed output or an
//! [`Error`]. The database is reachable only through a scope (`pub(in crate::app)`), so an
//! adapter cannot reach tenant data around the access layer. Adapters map [`Error`] to their
//! own answer: `ApiError` (HTTP status + envelope), a portal page, a CLI message.
//!
//! See docs/architecture.md#layers.

pub mod access;
pub mod accounts;
pub mod approvals;
pub mod audit;
pub mod consent;
pub mod drafts;
pub mod dry_run;
pub mod health;
pub mod lookup;
pub mod maintenance;
pub mod profiles;
pub mod refusals;
pub mod registration;
pub mod releases;
pub mod webhooks;

use ztd_domain::account::AccountFieldError;
use ztd_domain::codes::RowError;
use ztd_storage::{Role, StorageError};

/// The kinds of resource a use case can fail to find; each has its stable `…_not_found` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Organisation,
    Customer,
    User,
    ApiKey,
    Invitation,
    Relationship,
    Profile,
    Device,
    Batch,
    ReleaseRequest,
    Webhook,
    WebhookDelivery,
}

impl Resource {
    /// The name in messages ("no device with id …").
    pub fn name(self) -> &'static str {
        match self {
            Self::Organisation => "organisation",
            Self::Customer => "customer",
            Self::User => "user",
            Self::ApiKey => "api key",
            Self::Invitation => "invitation",
            Self::Relationship => "relationship",
            Self::Profile => "profile",
            Self::Device => "device",
            Self::Batch => "batch",
            Self::ReleaseRequest => "release request",
            Self::Webhook => "webhook",
            Self::WebhookDelivery => "webhook delivery",
        }
    }

    /// The stable error code of docs/domain.md#errors.
    pub fn not_found_code(self) -> &'static str {
        match self {
            Self::Organisation => "organisation_not_found",
            Self::Customer => "customer_not_found",
            Self::User => "user_not_found",
            Self::ApiKey => "api_key_not_found",
            Self::Invitation => "invitation_not_found",
            Self::Relationship => "relationship_not_found",
            Self::Profile => "profile_not_found",
            Self::Device => "device_not_found",
            Self::Batch => "batch_not_found",
            Self::ReleaseRequest => "release_request_not_found",
            Self::Webhook => "webhook_not_found",
            Self::WebhookDelivery => "webhook_delivery_not_found",
        }
    }
}

impl std::fmt::Display for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How a per-device refusal answers a whole request (the first-boot lookup): the identity is
/// unusable, unknown, or known but without a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceRefusal {
    Unusable,
    Unknown,
    Unassigned,
}

/// Why a use case refused or failed. Every variant is about the domain, not a channel.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The credentials are missing, unknown, revoked or expired.
    #[error("missing or invalid credentials")]
    Unauthenticated,
    /// The caller's role is too low.
    #[error("this action needs the {needed} role; the caller has {actual}")]
    ForbiddenRole { needed: Role, actual: Role },
    /// The caller's kind of organisation cannot do this at all.
    #[error("{message}")]
    ForbiddenOrgKind { message: String },
    /// A partner/OEM acting on a customer without an active relationship (docs/domain.md#consent),
    /// for existent and non-existent customers alike.
    #[error("no active relationship with customer {customer_id}")]
    RelationshipRequired { customer_id: uuid::Uuid },
    /// Consent ended while the work was under way: storage re-checked it in the work's own
    /// transaction (docs/domain.md#consent-where-work-happens); nothing of that step was kept.
    #[error(
        "the customer revoked the relationship while this request was under way; nothing of it was kept"
    )]
    ConsentRevoked,
    /// Any other refusal about the caller rather than the resource.
    #[error("{message}")]
    Forbidden { code: &'static str, message: String, hint: Option<String> },
    /// Missing, or of a tenant the caller may not see: the two are answered alike.
    #[error("no {resource} with id {id}")]
    NotFound { resource: Resource, id: String },
    /// A value of the input does not have the shape the use case takes (400 over HTTP).
    #[error("{message}")]
    Malformed { message: String },
    /// A paging, filter or option value the use case does not take (400 `invalid_parameter`
    /// over HTTP; `Malformed` is about the body's values).
    #[error("{message}")]
    InvalidParameter { message: String },
    /// An upload larger than the configured limit, in bytes.
    #[error("the request body is larger than the limit of {limit} bytes")]
    TooLarge { limit: usize },
    /// A value breaks a domain rule (422 over HTTP).
    #[error("{message}")]
    Invalid { code: &'static str, message: String, hint: Option<String> },
    /// The state of things does not allow it now.
    #[error("{message}")]
    Conflict { code: &'static str, message: String, hint: Option<String> },
    /// It existed but can no longer be used (an expired or withdrawn invitation).
    #[error("{message}")]
    Gone { code: &'static str, message: String, hint: Option<String> },
    /// A per-device refusal of the domain answering a whole request (the lookup).
    #[error("{}", error.message)]
    Device { refusal: DeviceRefusal, error: RowError },
    /// The database failed; the detail is logged, never shown.
    #[error("storage failed: {0}")]
    Storage(StorageError),
    /// Something else broke inside; the detail is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn not_found(resource: Resource, id: impl std::fmt::Display) -> Self {
        Self::NotFound { resource, id: id.to_string() }
    }

    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { code, message: message.into(), hint: None }
    }

    /// `expires_in_days` of a link or key, checked against its 1..=`max` range.
    pub fn check_expiry_days(days: u32, max: u32) -> Result<u32, Self> {
        if (1..=max).contains(&days) {
            Ok(days)
        } else {
            Err(Self::invalid(
                "invalid_expiry",
                format!("expires_in_days {days} must be between 1 and {max}"),
            ))
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict { code, message: message.into(), hint: None }
    }

    pub fn gone(code: &'static str, message: impl Into<String>) -> Self {
        Self::Gone { code, message: message.into(), hint: None }
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::Forbidden { code, message: message.into(), hint: None }
    }

    pub fn forbidden_org_kind(message: impl Into<String>) -> Self {
        Self::ForbiddenOrgKind { message: message.into() }
    }

    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::Internal(error.to_string())
    }

    /// Adds a hint to the variants that carry one.
    pub fn with_hint(mut self, text: impl Into<String>) -> Self {
        if let Self::Conflict { hint, .. }
        | Self::Gone { hint, .. }
        | Self::Invalid { hint, .. }
        | Self::Forbidden { hint, .. } = &mut self
        {
            *hint = Some(text.into());
        }
        self
    }

    /// `StorageError::NotFound` as the missing `resource`; everything else as usual.
    pub fn or_not_found(resource: Resource, id: impl std::fmt::Display) -> impl FnOnce(StorageError) -> Self {
        move |error| match error {
            StorageError::NotFound => Self::not_found(resource, id),
            other => other.into(),
        }
    }
}

impl From<StorageError> for Error {
    /// Use cases map `NotFound` and `Conflict` with context first; what reaches this generic
    /// conversion is answered plainly.
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::ConsentRevoked => Self::ConsentRevoked,
            StorageError::Conflict(ztd_storage::Conflict::UploadInProgress) => Self::conflict(
                "upload_in_progress",
                "the upload with this Idempotency-Key is still being received by another request",
            )
            .with_hint("retry with the same key later: once that upload ends or is abandoned, the retry goes through"),
            StorageError::Conflict(rule) => {
                Self::conflict("conflict", format!("the request conflicts with a rule: {rule}"))
            }
            StorageError::InvalidCursor => {
                Self::Malformed { message: "the cursor is not one this service handed out".into() }
            }
            other => Self::Storage(other),
        }
    }
}

impl From<AccountFieldError> for Error {
    fn from(error: AccountFieldError) -> Self {
        let hint = error.hint().map(str::to_owned);
        Self::Invalid { code: error.code(), message: error.to_string(), hint }
    }
}

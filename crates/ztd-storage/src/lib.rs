//! Storage for ztd: one small trait split by capability, with a SQLite and a PostgreSQL
//! implementation (sqlx), each with its own migrations under `migrations/{sqlite,postgres}`.
//!
//! Layout: the SQL both backends share is ordinary Rust, one file per capability under
//! `src/sql/` (`orgs.rs`, `credentials.rs`, `consent.rs`, `profiles.rs`, `devices.rs`,
//! `batches.rs`, `audit.rs`, `webhooks.rs`, and `common.rs` for what they share). `sqlite.rs` and `postgres.rs`
//! each declare those files as their own modules (`#[path]`), next to the aliases `Db` and
//! `Store`, so the same text compiles once per backend into concrete sqlx. What differs per
//! backend is the `Backend` trait in `src/sql/mod.rs` (row-lock clauses, how a write
//! transaction opens, the chunk transaction's setup, the multi-row inserts: `VALUES` lists on
//! SQLite, `UNNEST` arrays on PostgreSQL). `tests/conformance.rs` runs one suite on both.
//!
//! Rules every implementation keeps (and the conformance suite checks on both):
//! - every mutation writes its audit event in the same transaction: nothing half-written
//!   (sign-in, a device's first activation and organisation creation included);
//! - identity keys of non-deregistered devices are unique in the database itself (unique
//!   partial indexes), so two concurrent batches cannot both register a device;
//! - tenant data is reached only through an [`Owner`], filtered in the SQL itself: a customer
//!   reaches its own tenant, a partner/OEM only the devices it registered and the batches it
//!   submitted, and only while its relationship with that customer is active. Anything else is
//!   `NotFound`, never "forbidden": a caller cannot learn that someone else's row exists.
//!   Relationships are reached by either side, users' passwords within their org, audit events
//!   by the org that acted or whose tenant was touched;
//! - consent is checked where the work happens: a partner's batch intake (`create_batch`,
//!   `open_batch`, `append_batch_items`, `seal_batch`) and each chunk a worker processes read
//!   the active relationship in their own transaction, with a row lock on PostgreSQL
//!   (`FOR SHARE`), so a concurrent `revoke_relationship` waits for them and everything after
//!   it sees the revocation (SQLite's single writer serialises the same way). Intake then fails
//!   with `StorageError::ConsentRevoked` and writes nothing; a chunk fails each of its pending
//!   rows with `relationship_revoked` and registers nothing, and the batch finishes normally
//!   (`finished_with_errors`). A partner's device mutations hold the relationship the same way;
//! - a refused change is `StorageError::Conflict(Conflict::…)`, one variant per rule;
//! - the audit insert also writes the webhook outbox: an audit event that is a webhook event
//!   (`webhook_events`) becomes one pending delivery per subscribed live webhook of each
//!   receiving organisation, in the same transaction (docs/webhooks.md#events);
//! - errors never carry database text outward except through `StorageError::Internal`, which
//!   the server logs and never sends to a client.
//!
//! Representation: ids are `uuid` in PostgreSQL and 16-byte BLOBs in SQLite (sqlx's native
//! encoding; `lower(hex(id))` reads them); times are `timestamptz` / RFC 3339 text in UTC;
//! JSON is `jsonb` / text. Device pages are newest first and the cursor is opaque (an
//! insertion sequence); audit pages are newest first by `seq`. A failed item's `RowError` is
//! stored as code, message and hint columns.
//!
//! Decisions callers rely on:
//! - `find_api_key_by_hash` does not return revoked keys; `find_session` returns expired
//!   sessions (the caller compares `expires_at` with its clock).
//! - `accept_invitation` holds every acceptance rule: `NotFound` for an unknown link or one
//!   bound to another customer; the active relationship of the pair if there is one (so a
//!   repeated accept is idempotent); else `Conflict::InvitationWithdrawn`,
//!   `Conflict::InvitationExpired` (at `relationship.created_at`) or `Conflict::InvitationUsed`.
//! - Devices stay linked to their profile by `profile_id`: changing a profile's tag moves its
//!   devices' `group_tag` with it, and creating/retagging a profile assigns the customer's
//!   unassigned devices carrying exactly that tag. A device only takes a profile of its tenant.
//! - `revoke_relationship`, `withdraw_invitation`, `revoke_api_key`, `deregister_device` answer
//!   `NotFound` when there is nothing active left to act on.
//! - `bootstrap_operator` creates the operator organisation only in an empty database, once,
//!   even with several processes starting at the same time.
//! - `process_chunk` returns only the items it processed now (rows already processed are
//!   skipped); a conflicting device fails its row with `device_registered_to_other_tenant`
//!   (naming nothing of the other tenant), `device_duplicated_in_batch` (another row of the same
//!   batch holds it) or `device_already_registered` (same customer, earlier registration).
//!   `pending_items`, `claim_batch`, `process_chunk` and `finish_batch` are the workers' and take
//!   no owner; a worker reads a claimed batch back with the owner derived from it.

pub mod copy;
pub mod limits;
pub mod migrations;
pub mod model;
mod postgres;
pub mod registration;
mod sql;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
pub mod webhook_events;

pub use limits::{Admission, LimitStoreError, PostgresRateLimits, Rate, RateLimitStore, RedisRateLimits};
pub use model::*;

/// The number a paging cursor carries: 1 to 18 ASCII digits, as this service hands them out (a
/// sign, a 19th digit or anything else is refused; the API documents the same pattern).
pub fn parse_cursor_number(text: &str) -> Option<i64> {
    let plain = (1..=18).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    plain.then(|| text.parse().ok()).flatten()
}
pub use postgres::PostgresDatabase;
pub use sqlite::{FileSummary, SqliteDatabase};

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("not found")]
    NotFound,
    /// A rule of the data refused the change; nothing was written.
    #[error("conflict: {0}")]
    Conflict(Conflict),
    /// A partner's (or OEM's) work on a customer's tenant while it has no active relationship
    /// with that customer: the consent was revoked (or never given). Nothing was written.
    #[error("the partner has no active relationship with the customer")]
    ConsentRevoked,
    /// A paging cursor this storage did not hand out.
    #[error("invalid cursor")]
    InvalidCursor,
    /// The database cannot be reached (down, restarting, refusing connections, pool
    /// exhausted): worth retrying later, unlike `Internal`.
    #[error("database unavailable: {0}")]
    Unavailable(sqlx::Error),
    #[error("database error: {0}")]
    Internal(sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database was migrated by a newer ztd in a way this build cannot run on
    /// (docs/operations.md#rolling-upgrades); the message names the migration and what to run.
    #[error("{0}")]
    SchemaTooNew(String),
    /// This backend does not do that (the message says what to use instead).
    #[error("{0}")]
    Unsupported(&'static str),
}

impl From<sqlx::Error> for StorageError {
    fn from(error: sqlx::Error) -> Self {
        if is_unavailable(&error) {
            Self::Unavailable(error)
        } else {
            Self::Internal(error)
        }
    }
}

/// Errors that say the database is out of reach rather than that a statement failed.
fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        // PostgreSQL SQLSTATE: class 08 connection exception; 57P01–57P03 shutdown / cannot
        // connect now; 53300 too many connections; 55000 is what a database that does not
        // accept connections (ALLOW_CONNECTIONS false) answers at connect.
        // SQLite's SQLITE_BUSY (5, and its extended codes 261, 517, 773): another connection
        // held the write lock beyond the busy timeout (e.g. `ztd admin copy-database` reading
        // the database, docs/operations.md#copy-database); the same statement works later.
        sqlx::Error::Database(db) if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() => {
            db.code().and_then(|code| code.parse::<i32>().ok()).is_some_and(|code| code & 0xff == 5)
        }
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "53300" | "55000")
        }),
        _ => false,
    }
}

/// Which rule refused a change (`StorageError::Conflict`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// An organisation with this id exists already.
    #[error("an organisation with this id already exists")]
    OrganisationExists,
    /// Another user has this email address (compared case-insensitively).
    #[error("this email address is already in use")]
    EmailTaken,
    /// An API key with the same secret hash exists (a random secret makes this practically
    /// impossible; retry with a new secret).
    #[error("an API key with the same secret already exists")]
    ApiKeyTaken,
    /// A session with the same token hash exists (retry with a new token).
    #[error("a session with the same token already exists")]
    SessionTaken,
    /// An invitation with the same token hash exists (retry with a new token).
    #[error("an invitation with the same token already exists")]
    InvitationTokenTaken,
    /// The invitation was withdrawn by its creator.
    #[error("the invitation was withdrawn")]
    InvitationWithdrawn,
    /// The invitation expired before it was accepted.
    #[error("the invitation has expired")]
    InvitationExpired,
    /// A single-use invitation was already accepted (by another customer).
    #[error("the invitation was already used")]
    InvitationUsed,
    /// The two organisations already have an active relationship (and it could not be read back).
    #[error("the organisations already have an active relationship")]
    RelationshipExists,
    /// The customer already has a profile with this group tag.
    #[error("the customer already has a profile with this group tag")]
    ProfileGroupTag,
    /// A device that is not deregistered still uses the profile.
    #[error("the profile is used by a registered device")]
    ProfileInUse,
    /// The submitting organisation already used this idempotency key for another batch.
    #[error("the idempotency key was already used for another batch")]
    BatchIdempotencyKey,
    /// The batch no longer receives items (it was sealed and queued).
    #[error("the batch is sealed and receives no more items")]
    BatchSealed,
    /// An idempotent retry found its first upload still receiving rows (another request may
    /// still be sending it; a stale one is discarded by [`BatchStore::discard_stale_uploads`]).
    #[error("the upload with this idempotency key is still being received")]
    UploadInProgress,
    /// The batch already has an item with this row number.
    #[error("the batch already has an item with this row number")]
    BatchItemRow,
    /// The batch still has pending items, so it cannot be finished.
    #[error("the batch still has pending items")]
    BatchItemsPending,
    /// The batch does not wait for approval (decided already, or never under review).
    #[error("the batch is not awaiting approval")]
    BatchNotAwaiting,
    /// The batch is not finished yet, so it cannot be voided.
    #[error("the batch has not finished")]
    BatchNotFinished,
    /// The requester already has an open release request for the device.
    #[error("a release request for this device is already open")]
    ReleaseRequestOpen,
    /// The release request was decided already.
    #[error("the release request was already decided")]
    ReleaseRequestDecided,
    /// A webhook delivery still pending cannot be redelivered (it is being retried).
    #[error("the delivery is still pending")]
    DeliveryPending,
    /// The change would leave the organisation without an active admin.
    #[error("the organisation would be left without an active admin")]
    LastAdmin,
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// Opens the database a URL names: `postgres://` / `postgresql://` for PostgreSQL, anything
/// else (`sqlite:…` or a plain file path) for SQLite. Migrations run before it returns.
pub async fn connect_any(url: &str) -> Result<Arc<dyn Database>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresDatabase::connect(url).await?))
    } else {
        Ok(Arc::new(SqliteDatabase::connect(url).await?))
    }
}

/// Whose tenant data a call may reach. A customer reaches everything of its own tenant; a partner/OEM only the
/// devices it registered / batches it submitted, and only while its relationship with that customer is active
/// (checked in the same SQL statement or transaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Customer(Uuid),
    Partner(Uuid),
    /// The batches this organisation submitted, whatever its relationship with their customer
    /// is now: its own upload history, read only. It reaches no device.
    Submitter(Uuid),
}

impl Owner {
    /// The organisation acting.
    pub fn org_id(&self) -> Uuid {
        match *self {
            Owner::Customer(id) | Owner::Partner(id) | Owner::Submitter(id) => id,
        }
    }
}

/// A page of results and the cursor of the next page, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[async_trait]
pub trait OrgStore: Send + Sync {
    /// Creates the organisation, in one transaction with: the three managed-desktop profiles
    /// for a customer (`ztd_domain::profile::built_in_profiles`), its first admin if given, and
    /// every audit event. `Conflict(EmailTaken)` when the admin's email is in use: nothing written.
    async fn create_org(
        &self,
        org: &Organisation,
        first_admin: Option<&User>,
        audit: &[NewAuditEvent],
    ) -> Result<()>;
    /// Creates the operator organisation and its admin (and the audit events), in one
    /// transaction, only when the database has no organisation at all; `Ok(false)` and nothing
    /// written otherwise. Race-free across processes (PostgreSQL locks the organisations table
    /// before counting; SQLite's `BEGIN IMMEDIATE` serialises writers).
    async fn bootstrap_operator(
        &self,
        org: &Organisation,
        admin: &User,
        audit: &[NewAuditEvent],
    ) -> Result<bool>;
    async fn get_org(&self, id: Uuid) -> Result<Organisation>;
    async fn list_orgs(&self) -> Result<Vec<Organisation>>;
    /// The devices not deregistered in the organisation's tenant, and those it registered in
    /// other tenants (a partner's or OEM's work), for the operator's view of an organisation.
    async fn count_org_devices(&self, org_id: Uuid) -> Result<OrgDeviceCount>;
}

/// [`OrgStore::count_org_devices`]: live devices, by where they are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrgDeviceCount {
    /// In the organisation's own tenant (a customer's devices), whoever registered them.
    pub in_tenant: i64,
    /// Registered by the organisation in other organisations' tenants.
    pub registered_elsewhere: i64,
}

#[async_trait]
pub trait CredentialStore: Send + Sync {
    async fn create_user(&self, user: &User, audit: &NewAuditEvent) -> Result<()>;
    async fn get_user(&self, id: Uuid) -> Result<User>;
    async fn find_user_by_email(&self, email: &str) -> Result<User>;
    async fn list_users(&self, org_id: Uuid) -> Result<Vec<User>>;
    /// Sets the password of a user of `org_id`: a one-time password valid until `one_time_until`
    /// (must be changed at sign-in), or (`None`) the user's own. `NotFound` for a user of another
    /// org. In the
    /// same transaction ends every session of the user and stores `new_session` if given (the
    /// changing person's rotated session, docs/security.md).
    async fn set_password(
        &self,
        org_id: Uuid,
        user_id: Uuid,
        password_hash: &str,
        one_time_until: Option<DateTime<Utc>>,
        new_session: Option<&Session>,
        audit: &NewAuditEvent,
    ) -> Result<()>;

    /// Disables a user of `org_id` at `at` and deletes their sessions, in one transaction;
    /// `NotFound` for a user of another org or one already disabled. With `keep_an_admin`,
    /// `Conflict(LastAdmin)` when the user is the organisation's only active admin (decided
    /// under a lock of the admins' rows, so two admins disabling each other at once cannot
    /// both succeed).
    async fn disable_user(
        &self,
        org_id: Uuid,
        user_id: Uuid,
        at: DateTime<Utc>,
        keep_an_admin: bool,
        audit: &NewAuditEvent,
    ) -> Result<()>;

    /// Enables a disabled user of `org_id` again (they sign in with their password as it was);
    /// `NotFound` for a user of another org or one not disabled.
    async fn enable_user(&self, org_id: Uuid, user_id: Uuid, audit: &NewAuditEvent) -> Result<User>;

    /// Gives a user of `org_id` another role, with its audit event; `NotFound` for a user of
    /// another org. With `keep_an_admin`, `Conflict(LastAdmin)` when it would take the admin
    /// role from the organisation's only active admin (decided as in [`Self::disable_user`]).
    async fn set_user_role(
        &self,
        org_id: Uuid,
        user_id: Uuid,
        role: Role,
        keep_an_admin: bool,
        audit: &NewAuditEvent,
    ) -> Result<User>;

    /// Keeps the portal language a user chose (`None`: follow the browser). A personal
    /// preference, not audited; `NotFound` for a user of another org.
    async fn set_user_language(&self, org_id: Uuid, user_id: Uuid, language: Option<&str>) -> Result<()>;

    async fn create_api_key(&self, key: &ApiKey, audit: &NewAuditEvent) -> Result<()>;
    async fn find_api_key_by_hash(&self, key_hash: &str) -> Result<ApiKey>;
    async fn list_api_keys(&self, org_id: Uuid) -> Result<Vec<ApiKey>>;
    /// Revokes a key of `org_id`; `NotFound` when the key is not that org's or already revoked.
    async fn revoke_api_key(
        &self,
        org_id: Uuid,
        key_id: Uuid,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<()>;

    /// Stores the session and its sign-in audit event, in one transaction.
    async fn create_session(&self, session: &Session, audit: &NewAuditEvent) -> Result<()>;
    async fn find_session(&self, token_hash: &str) -> Result<Session>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Deletes the sessions expired at `now`; returns how many.
    async fn purge_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64>;
}

#[async_trait]
pub trait ConsentStore: Send + Sync {
    async fn create_invitation(&self, invitation: &Invitation, audit: &NewAuditEvent) -> Result<()>;
    async fn find_invitation_by_token_hash(&self, token_hash: &str) -> Result<Invitation>;
    async fn list_invitations(&self, creator_org_id: Uuid) -> Result<Vec<Invitation>>;
    async fn withdraw_invitation(
        &self,
        creator_org_id: Uuid,
        id: Uuid,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<()>;
    /// Accepts: creates the relationship, or returns the existing active one between the same
    /// two organisations (idempotent). Marks a single-use invitation used, in one transaction.
    /// Every acceptance rule lives here: `NotFound` for an unknown link, one bound to another
    /// customer (`invitation.customer_id`; the customer must not learn it exists) or a
    /// relationship whose partner is not the link's creator; then (unless the pair already has
    /// an active relationship) `Conflict(InvitationWithdrawn)`, `Conflict(InvitationExpired)` at
    /// `relationship.created_at`, `Conflict(InvitationUsed)` for a used single-use link.
    async fn accept_invitation(
        &self,
        invitation_id: Uuid,
        relationship: &Relationship,
        audit: &NewAuditEvent,
    ) -> Result<Relationship>;
    /// A relationship where `org_id` is either side; `NotFound` otherwise.
    async fn get_relationship(&self, org_id: Uuid, id: Uuid) -> Result<Relationship>;
    /// Active relationships (not revoked) between a partner/OEM and a customer.
    async fn find_active_relationship(
        &self,
        partner_org_id: Uuid,
        customer_org_id: Uuid,
    ) -> Result<Option<Relationship>>;
    /// Every relationship where the org is either side, newest first.
    async fn list_relationships(&self, org_id: Uuid) -> Result<Vec<Relationship>>;
    /// Revokes an active relationship where `org_id` is either side, recording `org_id` as the
    /// revoker; `NotFound` when there is none. In the same transaction every batch of the
    /// partner waiting in the customer's approval queue is rejected (its rows fail with
    /// `batch_rejected`), each with a `device_batch.reject` event made from `audit`'s actor.
    async fn revoke_relationship(
        &self,
        org_id: Uuid,
        id: Uuid,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<()>;
    /// Sets the approval mode of an active relationship of customer `customer_org_id`, with
    /// its audit event; `NotFound` for a relationship not of that customer or revoked.
    async fn set_approval_mode(
        &self,
        customer_org_id: Uuid,
        id: Uuid,
        mode: ApprovalMode,
        audit: &NewAuditEvent,
    ) -> Result<Relationship>;
    /// What the partner did in the relationship lately; `since` bounds the "last 30 days".
    async fn relationship_health(
        &self,
        relationship: &Relationship,
        since: DateTime<Utc>,
    ) -> Result<RelationshipHealth>;
}

#[async_trait]
pub trait ProfileStore: Send + Sync {
    /// `Conflict(ProfileGroupTag)` when the customer already has the tag.
    async fn create_profile(&self, profile: &Profile, audit: &NewAuditEvent) -> Result<()>;
    async fn get_profile(&self, customer_id: Uuid, id: Uuid) -> Result<Profile>;
    async fn list_profiles(&self, customer_id: Uuid) -> Result<Vec<Profile>>;
    /// Updating the group tag reassigns devices at once (their `profile_id` follows the tag).
    async fn update_profile(&self, profile: &Profile, audit: &NewAuditEvent) -> Result<()>;
    /// `Conflict(ProfileInUse)` when a non-deregistered device uses it.
    async fn delete_profile(&self, customer_id: Uuid, id: Uuid, audit: &NewAuditEvent) -> Result<()>;
}

/// Filters for listing a customer's devices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceFilter {
    pub state: Option<DeviceState>,
    pub group_tag: Option<String>,
    /// Only devices this organisation registered (a customer narrowing to one partner); the
    /// owner filter applies as well.
    pub registered_by_org_id: Option<Uuid>,
    /// Only devices of batches shipped under this order number (docs/domain.md#orders-and-void).
    pub order_number: Option<String>,
    /// Only devices whose serial number starts with (or is) this text, ignoring case.
    pub serial: Option<SerialSearch>,
    pub include_deregistered: bool,
}

/// A search by serial number: case-insensitive (ASCII letters), the whole serial or its start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialSearch {
    pub text: String,
    /// The whole serial number rather than its start.
    pub exact: bool,
}

/// A page of devices that can be paged both ways (`DeviceStore::list_devices_window`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceWindow {
    pub items: Vec<Device>,
    /// The page of older devices, if any.
    pub next_cursor: Option<String>,
    /// The page of newer devices, if any.
    pub previous_cursor: Option<String>,
}

/// How a device's identity keys collide with an existing device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterOutcome {
    Registered(Box<Device>),
    /// Same customer already has it (existing record untouched).
    AlreadyRegistered {
        existing_device_id: Uuid,
    },
    /// Another customer has it; nothing about that customer leaves the storage layer.
    OtherTenant,
}

#[async_trait]
pub trait DeviceStore: Send + Sync {
    /// `NotFound` when `owner` may not reach the device.
    async fn get_device(&self, owner: &Owner, id: Uuid) -> Result<Device>;
    /// The devices of `customer_id` that `owner` reaches: all of them for the customer itself,
    /// a partner's own registrations while its relationship is active, nothing otherwise.
    async fn list_devices(
        &self,
        owner: &Owner,
        customer_id: Uuid,
        filter: &DeviceFilter,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Device>>;
    /// Like [`DeviceStore::list_devices`], newest first, but paged both ways: `cursor` is a
    /// `next_cursor` (older devices) or a `previous_cursor` (newer devices) of an earlier
    /// window. Going back to the newest devices answers the first page itself.
    async fn list_devices_window(
        &self,
        owner: &Owner,
        customer_id: Uuid,
        filter: &DeviceFilter,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<DeviceWindow>;
    /// How many devices `list_devices` would list with this filter, every page together.
    async fn count_devices(&self, owner: &Owner, customer_id: Uuid, filter: &DeviceFilter) -> Result<i64>;
    /// What a first-boot lookup needs, in one read: the live device holding any of the keys
    /// with its profile (when it has one) and its tenant's domain. Nothing else of the device
    /// (its hardware hash least of all) is read.
    async fn find_first_boot(
        &self,
        tuple_key: Option<&str>,
        pkid_key: Option<&str>,
        hash_key: Option<&str>,
    ) -> Result<Option<FirstBoot>>;
    /// `NotFound` when `owner` may not reach the device or it is deregistered. A partner's
    /// relationship is checked (and held) in the same transaction.
    async fn update_device_tag(
        &self,
        owner: &Owner,
        id: Uuid,
        group_tag: Option<&str>,
        profile_id: Option<Uuid>,
        audit: &NewAuditEvent,
    ) -> Result<Device>;
    /// `NotFound` when `owner` may not reach the device or it is already deregistered. A
    /// partner's relationship is checked (and held) in the same transaction.
    async fn deregister_device(
        &self,
        owner: &Owner,
        id: Uuid,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<Device>;
    /// First lookup marks the device active and writes `audit` in the same transaction; later
    /// lookups leave it as is and write nothing.
    async fn mark_device_active(&self, id: Uuid, at: DateTime<Utc>, audit: &NewAuditEvent) -> Result<Device>;
    /// Many first lookups in one transaction (a group commit): each device still `registered`
    /// and never activated becomes `active` at its time, with its event; the others are left as
    /// they are. Returns the ids activated.
    async fn activate_devices(&self, activations: &[Activation]) -> Result<Vec<Uuid>>;
    /// For each device, the live devices holding any of its identity keys (a dry run's
    /// database check; reads only). One list per device, in order.
    async fn find_key_holders(&self, devices: &[NewDevice]) -> Result<Vec<Vec<KeyHolder>>>;
    /// The orders of these batches (for showing devices), by batch id; unknown ids are left out.
    async fn batch_orders(&self, batch_ids: &[Uuid]) -> Result<Vec<(Uuid, BatchOrder)>>;
}

/// A live device as its first-boot lookup sees it (`DeviceStore::find_first_boot`).
#[derive(Debug, Clone, PartialEq)]
pub struct FirstBoot {
    pub device_id: Uuid,
    pub customer_id: Uuid,
    pub state: DeviceState,
    pub serial_number: Option<String>,
    pub activated_at: Option<DateTime<Utc>>,
    /// The tenant's domain, for the configuration file.
    pub tenant_domain: Option<String>,
    /// `None` when the device has no profile (or its profile is gone).
    pub profile: Option<FirstBootProfile>,
}

/// The deployment profile a first boot gets.
#[derive(Debug, Clone, PartialEq)]
pub struct FirstBootProfile {
    pub id: Uuid,
    pub name: String,
    /// `ztd_domain::profile::ProfileSettings` as JSON.
    pub settings: serde_json::Value,
}

/// A device's first lookup, to be recorded (`DeviceStore::activate_devices`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activation {
    pub device_id: Uuid,
    pub at: DateTime<Utc>,
    pub audit: NewAuditEvent,
}

/// One resolved row to process in a batch chunk.
// Most rows of a chunk are `Register`: boxing the device would cost an allocation per row.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum ChunkItem {
    Register { row: i64, device: NewDevice, unassigned: bool },
    Fail { row: i64, error: ztd_domain::codes::RowError },
}

impl ChunkItem {
    /// The batch row this item resolves.
    pub fn row(&self) -> i64 {
        match self {
            ChunkItem::Register { row, .. } | ChunkItem::Fail { row, .. } => *row,
        }
    }
}

#[async_trait]
pub trait BatchStore: Send + Sync {
    /// Creates the batch with all its items as `pending`, in one transaction. With an
    /// idempotency key already used by the same organisation, returns the first batch
    /// (`Ok((batch, false))`) and writes nothing. A partner's batch (`submitted_by_org_id !=
    /// customer_id`) needs an active relationship, read (locked) in the same transaction:
    /// `ConsentRevoked` and nothing written otherwise, idempotent retries included.
    async fn create_batch(
        &self,
        batch: &Batch,
        items: &[BatchItem],
        audit: &NewAuditEvent,
    ) -> Result<(Batch, bool)>;
    /// Streamed intake, for uploads too large to hold in memory: stores the batch like
    /// `create_batch` (same idempotency rule, same audit; a key whose batch is still receiving is
    /// `Conflict(UploadInProgress)`) but with no items and not claimable
    /// by any worker until [`BatchStore::seal_batch`]. Same consent check (`ConsentRevoked`).
    async fn open_batch(&self, batch: &Batch, audit: &NewAuditEvent) -> Result<(Batch, bool)>;
    /// Adds items to an open batch, in one transaction per call. `Conflict(BatchSealed)`
    /// once sealed; `Conflict(BatchItemRow)` for a row number already added;
    /// `ConsentRevoked` (nothing added) for a partner's batch once the relationship is revoked.
    async fn append_batch_items(&self, batch_id: Uuid, items: &[BatchItem]) -> Result<()>;
    /// Ends intake: `total` becomes the number of items and workers may claim the batch.
    /// Sealing twice is harmless. `ConsentRevoked` (the batch stays unsealed, never claimable)
    /// for a partner's batch once the relationship is revoked.
    async fn seal_batch(&self, batch_id: Uuid) -> Result<Batch>;
    /// Removes an open batch whose upload broke off, items and all (`Conflict(BatchSealed)`
    /// once sealed: a queued batch is the client's and is never discarded).
    async fn discard_open_batch(&self, batch_id: Uuid, audit: &NewAuditEvent) -> Result<()>;
    /// Discards every batch still receiving whose last rows arrived before `stale_before` (its
    /// upload was abandoned: the process serving it died), items and all, each with a
    /// `device_batch.discard` event on the customer's tenant. Returns the discarded ids.
    async fn discard_stale_uploads(&self, stale_before: DateTime<Utc>) -> Result<Vec<Uuid>>;
    /// A batch `owner` reaches: a customer's batches on its tenant (whoever submitted them), a
    /// partner's own submissions while its relationship with the customer is active.
    /// `NotFound` otherwise.
    async fn get_batch(&self, owner: &Owner, id: Uuid) -> Result<Batch>;
    /// Items of a batch `owner` reaches (as `get_batch`), in row order after `after_row`;
    /// `NotFound` (not an empty list) when the batch is not reachable.
    async fn list_batch_items(
        &self,
        owner: &Owner,
        batch_id: Uuid,
        after_row: Option<i64>,
        limit: u32,
    ) -> Result<Vec<BatchItem>>;
    /// Claims a batch for `lease_until`: a queued one, or a processing one whose lease ended (a
    /// crashed worker, or one given back by [`BatchStore::yield_batch`]). Fair across tenants
    /// (docs/operations.md#fair-processing): the customer with the fewest batches under a live
    /// lease goes first, then the batch waiting longest (since it was queued or last given back).
    /// PostgreSQL uses `FOR UPDATE SKIP LOCKED`.
    async fn claim_batch(
        &self,
        worker_id: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<Batch>>;
    /// Gives a batch `worker_id` holds back to the queue, if a batch of another customer is
    /// waiting to be claimed; `true` when it did. The batch keeps its status and progress; its
    /// next claim continues from its first pending row.
    async fn yield_batch(&self, batch_id: Uuid, worker_id: &str, now: DateTime<Utc>) -> Result<bool>;
    /// Pending items of a claimed batch, in row order.
    async fn pending_items(&self, batch_id: Uuid, limit: u32) -> Result<Vec<BatchItem>>;
    /// Processes a chunk in one transaction: inserts devices (unique indexes decide conflicts),
    /// records every item's outcome, bumps the counters, extends the lease. Items already
    /// processed (a resumed batch) are skipped, so each row is finished exactly once. For a
    /// partner's batch the relationship is read (locked) first: once revoked, every pending row
    /// of the chunk fails with `relationship_revoked` and no device is inserted.
    async fn process_chunk(
        &self,
        batch: &Batch,
        items: &[ChunkItem],
        lease_until: DateTime<Utc>,
    ) -> Result<Vec<(i64, ItemStatus, Option<Uuid>)>>;
    /// Marks the batch finished / finished_with_errors and writes its audit event.
    async fn finish_batch(&self, batch_id: Uuid, at: DateTime<Utc>, audit: &NewAuditEvent) -> Result<Batch>;

    /// The batches of `customer_id` that `owner` reaches, newest first, optionally of one
    /// status; `before` is the `created_at` of the last batch of the previous page.
    async fn list_batches(
        &self,
        owner: &Owner,
        customer_id: Uuid,
        status: Option<BatchStatus>,
        before: Option<DateTime<Utc>>,
        limit: u32,
    ) -> Result<Vec<Batch>>;
    /// Batches with who submitted them, newest first (`created_at`, then id), for the batch
    /// lists: whose batches is `reach` (the access layer decides it), `before` the last batch of
    /// the previous page. Uploads still receiving are left out.
    async fn list_batch_history(
        &self,
        reach: &BatchReach,
        before: Option<(DateTime<Utc>, Uuid)>,
        limit: u32,
    ) -> Result<Vec<BatchListing>>;
    /// How many of the customer's batches wait for its approval.
    async fn count_awaiting(&self, customer_id: Uuid) -> Result<i64>;
    /// The customer's decision on a batch waiting in its approval queue, with its audit event,
    /// in one transaction (docs/domain.md#approval-queue): `Approve` queues it for the workers;
    /// `Reject` makes it final (`rejected`), failing each row with `batch_rejected`. A
    /// partner's batch gets a copy of the event on the partner's trail (a system event naming
    /// no person of the customer). `NotFound` for a batch not of `customer_id`; `Conflict(BatchNotAwaiting)` for one not
    /// waiting (decided already, or never under review); `Conflict(UploadInProgress)` for an
    /// upload still receiving rows.
    async fn decide_batch(
        &self,
        customer_id: Uuid,
        batch_id: Uuid,
        decision: &BatchDecision,
        audit: &NewAuditEvent,
    ) -> Result<Batch>;
    /// Voids a batch `submitter` submitted (docs/domain.md#orders-and-void): each of its
    /// devices still `registered` or `unassigned` is deregistered with an event made from
    /// `device_audit` (target and details filled in per device); devices that booted stay and
    /// are listed. One transaction, with `audit`. `NotFound` for a batch of another submitter
    /// or (a partner) without an active relationship; `Conflict(BatchNotFinished)` before the
    /// batch finished.
    async fn void_batch(
        &self,
        submitter: Uuid,
        batch_id: Uuid,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
        device_audit: &NewAuditEvent,
    ) -> Result<VoidOutcome>;

    /// Keeps an upload draft. In the same transaction deletes every draft expired at the new
    /// one's `created_at` and the person's older drafts beyond the `keep_per_person` newest
    /// (so the table stays small without a sweeper; [`BatchStore::purge_expired_upload_drafts`]
    /// is there for the rest).
    async fn create_upload_draft(&self, draft: &UploadDraft, keep_per_person: u32) -> Result<()>;
    /// The draft `id` of this person in this organisation, unless it expired at `now`;
    /// `NotFound` otherwise (another person's draft is answered like a missing one).
    async fn get_upload_draft(
        &self,
        org_id: Uuid,
        user_id: Uuid,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<UploadDraft>;
    /// Deletes the drafts expired at `now`; returns how many.
    async fn purge_expired_upload_drafts(&self, now: DateTime<Utc>) -> Result<u64>;
}

/// Whose batches a batch list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchReach {
    /// Every batch of this customer's tenant, whoever submitted it.
    Tenant(Uuid),
    /// What this organisation submitted, to every customer or to one, whatever its
    /// relationship with the customer is now: its own upload history.
    Submitter { org_id: Uuid, customer_id: Option<Uuid> },
}

/// A batch as a batch list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchListing {
    pub batch: Batch,
    pub customer_name: String,
    pub submitter_org_name: String,
    /// The user's email or the API key's name that submitted it; `None` for the operator
    /// console or an account that no longer exists.
    pub submitted_by: Option<String>,
}

/// What the customer decided about a batch in its approval queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchDecision {
    pub approve: bool,
    /// The customer's reason for a rejection, shown to the submitter.
    pub reason: Option<String>,
    pub decided_by_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

/// The holder's decision on a release request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseDecision {
    pub approve: bool,
    pub decided_by_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

/// What voiding a batch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoidOutcome {
    pub batch: Batch,
    /// Devices deregistered now.
    pub voided: Vec<Device>,
    /// Devices of the batch that booted (`active`): a device in use is not pulled from under
    /// its user; the customer deregisters it if it must go.
    pub not_voided: Vec<Device>,
}

#[async_trait]
pub trait ReleaseStore: Send + Sync {
    /// Stores a release request and its audit events (the requester's and the owner's).
    /// `Conflict(ReleaseRequestOpen)` when the requester already has an open request for the
    /// device.
    async fn create_release_request(&self, request: &ReleaseRequest, audit: &[NewAuditEvent]) -> Result<()>;
    /// Requests `org_id` made, newest first (never with the owner's name).
    async fn list_outgoing_release_requests(&self, org_id: Uuid) -> Result<Vec<ReleaseRequest>>;
    /// Requests for devices `org_id` holds, newest first, with who asked and the device.
    async fn list_incoming_release_requests(&self, org_id: Uuid) -> Result<Vec<IncomingReleaseRequest>>;
    /// One request for a device `org_id` holds; `NotFound` for any other.
    async fn get_incoming_release_request(&self, org_id: Uuid, id: Uuid) -> Result<IncomingReleaseRequest>;
    /// How many requests wait for `org_id`'s decision.
    async fn count_pending_release_requests(&self, org_id: Uuid) -> Result<i64>;
    /// The owner's decision, in one transaction with `audit` (the owner's and the requester's
    /// events): approving deregisters the device
    /// (with `deregister_audit`) if it is still live and still the owner's. `NotFound` for a
    /// request not addressed to `owner_org_id`; `Conflict(ReleaseRequestDecided)` when it was
    /// decided already.
    async fn decide_release_request(
        &self,
        owner_org_id: Uuid,
        id: Uuid,
        decision: &ReleaseDecision,
        audit: &[NewAuditEvent],
        deregister_audit: &NewAuditEvent,
    ) -> Result<ReleaseRequest>;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFilter {
    /// Events done by this organisation or on its tenant.
    pub org_id: Uuid,
}

/// Narrows an organisation's trail ([`AuditStore::search_audit`]); every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditSearch {
    /// Exactly this action (`device_batch.create`).
    pub action: Option<String>,
    /// Done by this user or API key.
    pub actor_id: Option<Uuid>,
    /// Done by this organisation (anyone of it).
    pub actor_org_id: Option<Uuid>,
    /// At or after this moment.
    pub since: Option<DateTime<Utc>>,
    /// Before this moment.
    pub until: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, event: &NewAuditEvent) -> Result<()>;
    /// Newest first; `before_seq` is the cursor.
    async fn list_audit(
        &self,
        filter: &AuditFilter,
        before_seq: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>>;
    /// [`Self::list_audit`] narrowed by `search`.
    async fn search_audit(
        &self,
        filter: &AuditFilter,
        search: &AuditSearch,
        before_seq: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>>;
}

/// Webhooks and their outbox (docs/webhooks.md). The deliveries themselves are written by
/// the audit insert of every change (see [`webhook_events`]); this is the rest. Every method
/// an organisation calls takes its id and filters by it in SQL: another organisation's webhook
/// or delivery is `NotFound`, as is a deleted webhook.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn create_webhook(&self, webhook: &Webhook, audit: &NewAuditEvent) -> Result<()>;
    /// The organisation's live webhooks, oldest first.
    async fn list_webhooks(&self, org_id: Uuid) -> Result<Vec<Webhook>>;
    async fn get_webhook(&self, org_id: Uuid, id: Uuid) -> Result<Webhook>;
    /// Deletes the webhook and fails its pending deliveries, in one transaction; `NotFound`
    /// when the organisation has no such live webhook.
    async fn delete_webhook(
        &self,
        org_id: Uuid,
        id: Uuid,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<()>;
    /// The newest `limit` deliveries of a live webhook of the organisation, each with its
    /// attempts; `NotFound` (not an empty list) when the webhook is not the organisation's.
    async fn list_webhook_deliveries(
        &self,
        org_id: Uuid,
        webhook_id: Uuid,
        limit: u32,
    ) -> Result<Vec<WebhookDelivery>>;
    /// One delivery of a live webhook of the organisation, with its attempts.
    async fn get_webhook_delivery(
        &self,
        org_id: Uuid,
        webhook_id: Uuid,
        delivery_id: Uuid,
    ) -> Result<WebhookDelivery>;
    /// A new pending delivery `new_id` of the same event to the same webhook, due at `at`
    /// (same event id, new delivery id). `Conflict(DeliveryPending)` while the delivery is
    /// still pending; `NotFound` as [`Self::get_webhook_delivery`].
    async fn redeliver_webhook_delivery(
        &self,
        org_id: Uuid,
        webhook_id: Uuid,
        delivery_id: Uuid,
        new_id: Uuid,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<WebhookDelivery>;
    /// The dispatcher's claim (no owner): up to `limit` pending deliveries due at `now` and not
    /// under a live lease, leased to `worker_id` until `lease_until`, earliest due first.
    /// PostgreSQL uses `FOR UPDATE SKIP LOCKED`, so concurrent dispatchers of several processes
    /// never claim the same delivery; a dispatcher that dies leaves its claims to expire.
    async fn claim_webhook_deliveries(
        &self,
        worker_id: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ClaimedDelivery>>;
    /// Records an attempt of a delivery `worker_id` holds and settles the delivery as
    /// `attempt.outcome` says, releasing the claim. `false` (nothing written) when the claim
    /// was lost meanwhile (its lease ended and another dispatcher took it, or the webhook was
    /// deleted).
    async fn record_webhook_attempt(
        &self,
        delivery_id: Uuid,
        worker_id: &str,
        attempt: &NewAttempt,
    ) -> Result<bool>;
    /// Deliveries still pending, for the metrics.
    async fn count_pending_webhook_deliveries(&self) -> Result<i64>;
}

/// Everything the service needs from a database.
#[async_trait]
pub trait Database:
    OrgStore
    + CredentialStore
    + ConsentStore
    + ProfileStore
    + DeviceStore
    + BatchStore
    + ReleaseStore
    + AuditStore
    + WebhookStore
    + Send
    + Sync
{
    fn backend(&self) -> &'static str;
    async fn ping(&self) -> Result<()>;
    /// Rate limits shared by every process on this database (docs/operations.md#several-instances):
    /// PostgreSQL's; `None` on SQLite, where the one process keeps them in memory.
    fn shared_rate_limits(&self) -> Option<Arc<dyn RateLimitStore>>;
    /// Writes a consistent copy of the whole database to a new file at `path` while it keeps
    /// serving (SQLite's `VACUUM INTO`: one read transaction, so the copy is one moment of the
    /// database; docs/operations.md#backups). `Unsupported` on PostgreSQL, whose own tools
    /// (`pg_dump`, continuous archiving) do this.
    async fn backup_to(&self, path: &std::path::Path) -> Result<()>;
    /// This database as the source or target of a copy (`copy::copy_database`,
    /// docs/operations.md#copy-database).
    fn copy_side(&self) -> copy::Side;
}

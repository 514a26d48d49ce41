//! The access layer: the one place tenancy and roles are decided (lldap-style).
//!
//! [`authenticate`] turns a credential into an [`Access`]: the caller plus the database,
//! which no code outside this module can construct. Use cases ask it for a scoped handle —
//! [`CustomerScope`], [`DeviceScope`], [`BatchScope`], [`RelationshipScope`], [`OrgScope`] or
//! [`Operator`] — and the handle is both the proof that the caller may act and the only way to
//! the database (`db()` is visible to `crate::app` only). Relationships are read from the
//! database on every request, so a revocation is effective on the very next request; storage
//! re-checks them in the work's own transaction (docs/domain.md#consent-where-work-happens).
//!
//! Answers that could leak another tenant (docs/domain.md#tenancy):
//! - a resource of another tenant is answered exactly like a missing one (404, same body);
//! - a partner/OEM naming a customer it has no active relationship with gets
//!   `403 relationship_required` whether that customer exists or not, so the answer is the same
//!   for both and reveals nothing.

use std::sync::Arc;

use chrono::Utc;
use uuid::Uuid;
use ztd_storage::{
    ActorKind, Batch, BatchReach, Database, Device, DeviceFilter, NewAuditEvent, OrgKind, Organisation,
    Owner, Relationship, Role, StorageError,
};

use super::{Error, Resource};
use crate::auth;

/// Who acts, as written to the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    /// The user's or API key's id.
    pub id: Uuid,
    /// The user's email or the key's name, for display.
    pub label: String,
}

/// A portal session behind a caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub token_hash: String,
    pub csrf_token: String,
    pub must_change_password: bool,
    /// The portal language the person chose (docs/portal.md#languages); `None`: the browser's.
    pub language: Option<String>,
}

/// The authenticated caller of one request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub org: Organisation,
    pub role: Role,
    pub actor: Actor,
    pub request_id: Option<String>,
    /// Set when authenticated by session cookie (the portal), `None` for API keys.
    pub session: Option<SessionInfo>,
}

/// Roles are ordered: admin ⊇ registrar ⊇ reader.
fn rank(role: Role) -> u8 {
    match role {
        Role::Reader => 0,
        Role::Registrar => 1,
        Role::Admin => 2,
    }
}

impl Caller {
    /// Refuses with `forbidden_role` unless the caller has at least `needed`.
    pub fn require_role(&self, needed: Role) -> Result<(), Error> {
        if rank(self.role) >= rank(needed) {
            Ok(())
        } else {
            Err(Error::ForbiddenRole { needed, actual: self.role })
        }
    }

    /// Refuses with `forbidden_org_kind` unless the caller's organisation is one of `kinds`.
    pub fn require_org_kind(&self, kinds: &[OrgKind], what: &str) -> Result<(), Error> {
        if kinds.contains(&self.org.kind) {
            Ok(())
        } else {
            let allowed: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
            Err(Error::forbidden_org_kind(format!(
                "{what} is for {} organisations; yours is a {} organisation",
                allowed.join("/"),
                self.org.kind
            )))
        }
    }

    pub fn is_partner_side(&self) -> bool {
        matches!(self.org.kind, OrgKind::Partner | OrgKind::Oem)
    }

    pub fn audit_actor(&self) -> AuditActor {
        AuditActor {
            request_id: self.request_id.clone(),
            kind: self.actor.kind,
            id: Some(self.actor.id),
            org_id: Some(self.org.id),
        }
    }
}

/// Who did something, for audit events written by every channel alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditActor {
    pub request_id: Option<String>,
    pub kind: ActorKind,
    pub id: Option<Uuid>,
    pub org_id: Option<Uuid>,
}

impl AuditActor {
    /// The operator working straight on the database (`ztd admin`, first start of `ztd serve`).
    pub fn operator_cli() -> Self {
        Self { request_id: None, kind: ActorKind::Operator, id: None, org_id: None }
    }

    pub fn event(
        &self,
        action: &str,
        target_type: &str,
        target_id: impl ToString,
        tenant_org_id: Option<Uuid>,
        details: serde_json::Value,
    ) -> NewAuditEvent {
        NewAuditEvent {
            request_id: self.request_id.clone(),
            actor_kind: self.kind,
            actor_id: self.id,
            actor_org_id: self.org_id,
            tenant_org_id,
            action: action.to_owned(),
            target_type: target_type.to_owned(),
            target_id: Some(target_id.to_string()),
            details,
        }
    }
}

/// What the caller wants to do with a customer's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// See profiles and devices (any role).
    Read,
    /// Register, re-tag or deregister devices (registrar or admin), own tenant or by relationship.
    Register,
    /// Manage the customer's own configuration: profiles (the customer's own admins only).
    Manage,
}

impl Need {
    fn role(self) -> Role {
        match self {
            Need::Read => Role::Reader,
            Need::Register => Role::Registrar,
            Need::Manage => Role::Admin,
        }
    }
}

/// How the caller reaches a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// The caller is the customer.
    Own,
    /// The caller is a partner/OEM with this active relationship.
    Relationship(Relationship),
}

/// What every scope carries: the database and who acts. Only `crate::app` reaches it.
#[derive(Clone)]
pub(in crate::app) struct Ctx {
    db: Arc<dyn Database>,
    actor: AuditActor,
}

impl Ctx {
    pub(in crate::app) fn db(&self) -> &dyn Database {
        self.db.as_ref()
    }

    pub(in crate::app) fn shared_db(&self) -> Arc<dyn Database> {
        self.db.clone()
    }

    pub(in crate::app) fn actor(&self) -> &AuditActor {
        &self.actor
    }

    /// An audit event done by this scope's actor, carrying its request id.
    pub(in crate::app) fn event(
        &self,
        action: &str,
        target_type: &str,
        target_id: impl ToString,
        tenant_org_id: Option<Uuid>,
        details: serde_json::Value,
    ) -> NewAuditEvent {
        self.actor.event(action, target_type, target_id, tenant_org_id, details)
    }
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx").field("actor", &self.actor).finish_non_exhaustive()
    }
}

/// Proof that the caller may act on one customer with the `Need` it was granted for.
#[derive(Debug, Clone)]
pub struct CustomerScope {
    customer_id: Uuid,
    reach: Reach,
    need: Need,
    ctx: Ctx,
}

impl CustomerScope {
    /// Whose devices and batches of this customer the scope reaches.
    pub fn owner(&self) -> Owner {
        match &self.reach {
            Reach::Own => Owner::Customer(self.customer_id),
            Reach::Relationship(relationship) => Owner::Partner(relationship.partner_org_id),
        }
    }
    pub fn customer_id(&self) -> Uuid {
        self.customer_id
    }
    pub fn reach(&self) -> &Reach {
        &self.reach
    }
    pub fn need(&self) -> Need {
        self.need
    }
    pub fn is_own(&self) -> bool {
        matches!(self.reach, Reach::Own)
    }
    /// The device filter this scope lists with: a partner/OEM only ever sees its own
    /// registrations, so naming another organisation as `registered_by` matches nothing (`None`).
    pub fn device_filter(&self, mut filter: DeviceFilter) -> Option<DeviceFilter> {
        if let Reach::Relationship(relationship) = &self.reach {
            let partner = relationship.partner_org_id;
            match filter.registered_by_org_id {
                Some(other) if other != partner => return None,
                _ => filter.registered_by_org_id = Some(partner),
            }
        }
        Some(filter)
    }
    /// Whether the consent behind this scope still holds (always, for the customer itself):
    /// work spanning several transactions re-checks it between them
    /// (docs/domain.md#consent-where-work-happens).
    pub(in crate::app) async fn consent_holds(&self) -> Result<bool, Error> {
        match &self.reach {
            Reach::Own => Ok(true),
            Reach::Relationship(relationship) => Ok(self
                .ctx
                .db()
                .find_active_relationship(relationship.partner_org_id, self.customer_id)
                .await?
                .is_some()),
        }
    }
    pub(in crate::app) fn ctx(&self) -> &Ctx {
        &self.ctx
    }
}

/// Proof that the caller may see (or, with `Need::Register`, change) one device.
#[derive(Debug, Clone)]
pub struct DeviceScope {
    device: Device,
    reach: Reach,
    ctx: Ctx,
}

impl DeviceScope {
    pub fn device(&self) -> &Device {
        &self.device
    }
    pub fn reach(&self) -> &Reach {
        &self.reach
    }
    /// Whose device it is, for storage's owner filter.
    pub fn owner(&self) -> Owner {
        match &self.reach {
            Reach::Own => Owner::Customer(self.device.customer_id),
            Reach::Relationship(relationship) => Owner::Partner(relationship.partner_org_id),
        }
    }
    pub(in crate::app) fn ctx(&self) -> &Ctx {
        &self.ctx
    }
}

/// Proof that the caller may read one batch of one customer: the customer, the partner that
/// submitted it while its relationship is active, or (read only) that partner after the
/// customer revoked the relationship: its own upload history stays readable
/// (docs/domain.md#consent-where-work-happens).
#[derive(Debug, Clone)]
pub struct BatchScope {
    batch: Batch,
    /// The customer reach behind the batch: its own tenant, or a partner's active
    /// relationship; `None` for the submitter's own history after the relationship ended.
    customer: Option<CustomerScope>,
    ctx: Ctx,
}

impl BatchScope {
    pub fn batch(&self) -> &Batch {
        &self.batch
    }
    /// The customer reach behind the batch; `None` for a submitter's history (read only).
    pub fn customer(&self) -> Option<&CustomerScope> {
        self.customer.as_ref()
    }
    /// Whether only reading is allowed: the submitter's batch after a revocation.
    pub fn is_read_only(&self) -> bool {
        self.customer.is_none()
    }
    /// Whose batch it is, for storage's owner filter.
    pub fn owner(&self) -> Owner {
        match &self.customer {
            Some(customer) => customer.owner(),
            None => Owner::Submitter(self.batch.submitted_by_org_id),
        }
    }
    pub(in crate::app) fn ctx(&self) -> &Ctx {
        &self.ctx
    }
}

/// Proof that the caller may list the batches of [`BatchHistoryScope::reach`]: a customer's
/// whole tenant for the customer; for a partner/OEM, what it submitted (to one customer it
/// has, or had, a relationship with, or to all), revoked relationships included.
#[derive(Debug, Clone)]
pub struct BatchHistoryScope {
    reach: BatchReach,
    ctx: Ctx,
}

impl BatchHistoryScope {
    pub fn reach(&self) -> &BatchReach {
        &self.reach
    }
    pub(in crate::app) fn ctx(&self) -> &Ctx {
        &self.ctx
    }
}

/// Proof that the caller is a side of one relationship (customer or partner) with the role it
/// was granted for.
#[derive(Debug, Clone)]
pub struct RelationshipScope {
    relationship: Relationship,
    ctx: Ctx,
    org_id: Uuid,
}

impl RelationshipScope {
    pub fn relationship(&self) -> &Relationship {
        &self.relationship
    }
    /// The caller's organisation (one side of the relationship).
    pub fn org_id(&self) -> Uuid {
        self.org_id
    }
    pub(in crate::app) fn ctx(&self) -> &Ctx {
        &self.ctx
    }
}

/// Proof that the caller may act on one organisation's own accounts (users, API keys, audit):
/// its own organisation, or any organisation for the operator.
#[derive(Debug, Clone)]
pub struct OrgScope {
    org_id: Uuid,
    ctx: Ctx,
}

impl OrgScope {
    pub fn org_id(&self) -> Uuid {
        self.org_id
    }
    pub(in crate::app) fn ctx(&self) -> &Ctx {
        &self.ctx
    }
}

/// The platform operator: creates organisations and reads across tenants. Reached by an
/// operator organisation's admin over HTTP ([`Access::operator`]) or by whoever runs `ztd`
/// with the database URL ([`Operator::cli`]), who can read the database directly anyway.
#[derive(Debug, Clone)]
pub struct Operator {
    ctx: Ctx,
}

impl Operator {
    /// The operator console (`ztd admin`, `ztd serve`'s bootstrap, `ztd demo`): audited as
    /// `operator` without a user.
    pub fn cli(db: Arc<dyn Database>) -> Self {
        Self { ctx: Ctx { db, actor: AuditActor::operator_cli() } }
    }
    /// The console acting as `caller` (`ztd demo` seeding a showcase as each organisation's
    /// admin): every rule of the access layer still applies to what it does.
    pub fn act_as(&self, caller: Caller) -> Access {
        let ctx = Ctx { db: self.ctx.db.clone(), actor: caller.audit_actor() };
        Access { caller, ctx }
    }
    /// The accounts (users, API keys) of any organisation; a missing one is answered as such.
    pub async fn org_scope(&self, org_id: Uuid) -> Result<OrgScope, Error> {
        self.ctx.db().get_org(org_id).await.map_err(Error::or_not_found(Resource::Organisation, org_id))?;
        Ok(OrgScope { org_id, ctx: self.ctx.clone() })
    }

    /// The user signing in with `email` (any organisation) and the scope of their organisation.
    pub async fn user_by_email(&self, email: &str) -> Result<(OrgScope, ztd_storage::User), Error> {
        let user = self
            .ctx
            .db()
            .find_user_by_email(email)
            .await
            .map_err(Error::or_not_found(Resource::User, email))?;
        Ok((OrgScope { org_id: user.org_id, ctx: self.ctx.clone() }, user))
    }

    pub(in crate::app) fn ctx(&self) -> &Ctx {
        &self.ctx
    }
}

/// The unauthenticated door: first-boot lookup, sign-in, an invitation's public preview. It
/// reaches only what those use cases read and write.
#[derive(Clone)]
pub struct Gate {
    db: Arc<dyn Database>,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate").finish_non_exhaustive()
    }
}

impl Gate {
    pub fn new(db: Arc<dyn Database>) -> Self {
        Self { db }
    }
    pub(in crate::app) fn db(&self) -> &dyn Database {
        self.db.as_ref()
    }
    /// An audit context for an actor the door identified (a device, a person signing in).
    pub(in crate::app) fn ctx_for(&self, actor: AuditActor) -> Ctx {
        Ctx { db: self.db.clone(), actor }
    }
}

/// The authenticated caller plus the database, handing out scoped handles. Only
/// [`authenticate`] makes one.
#[derive(Clone)]
pub struct Access {
    caller: Caller,
    ctx: Ctx,
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Access").field("caller", &self.caller).finish_non_exhaustive()
    }
}

/// What a caller presents.
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    /// The secret of an API key (`ztd_…`).
    ApiKey(&'a str),
    /// The value of the portal's session cookie.
    Session(&'a str),
}

/// Turns a credential into the caller's [`Access`]; unknown, revoked or expired credentials
/// are all `Unauthenticated`.
pub async fn authenticate(
    gate: &Gate,
    credential: Credential<'_>,
    request_id: Option<String>,
) -> Result<Access, Error> {
    let db = gate.db();
    let unauthenticated = |error: StorageError| match error {
        StorageError::NotFound => Error::Unauthenticated,
        other => other.into(),
    };
    let caller = match credential {
        Credential::ApiKey(secret) => {
            if !secret.starts_with(auth::API_KEY_PREFIX) {
                return Err(Error::Unauthenticated);
            }
            let key = db.find_api_key_by_hash(&auth::hash_token(secret)).await.map_err(unauthenticated)?;
            if key.revoked_at.is_some() || key.expires_at.is_some_and(|at| at <= chrono::Utc::now()) {
                return Err(Error::Unauthenticated);
            }
            let org = db.get_org(key.org_id).await?;
            Caller {
                org,
                role: key.role,
                actor: Actor { kind: ActorKind::ApiKey, id: key.id, label: key.name },
                request_id,
                session: None,
            }
        }
        Credential::Session(cookie) => {
            let token_hash = auth::hash_token(cookie);
            let session = db.find_session(&token_hash).await.map_err(unauthenticated)?;
            if session.expires_at <= Utc::now() {
                return Err(Error::Unauthenticated);
            }
            let user = db.get_user(session.user_id).await.map_err(unauthenticated)?;
            // Disabling deletes the sessions too; this is the belt to those braces.
            if user.disabled_at.is_some() {
                return Err(Error::Unauthenticated);
            }
            let org = db.get_org(user.org_id).await?;
            Caller {
                org,
                role: user.role,
                actor: Actor { kind: ActorKind::User, id: user.id, label: user.email },
                request_id,
                session: Some(SessionInfo {
                    token_hash,
                    csrf_token: session.csrf_token,
                    must_change_password: user.must_change_password,
                    language: user.language,
                }),
            }
        }
    };
    let ctx = Ctx { db: gate.db.clone(), actor: caller.audit_actor() };
    Ok(Access { caller, ctx })
}

impl Access {
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    pub fn org(&self) -> &Organisation {
        &self.caller.org
    }

    pub fn org_id(&self) -> Uuid {
        self.caller.org.id
    }

    pub fn require_role(&self, needed: Role) -> Result<(), Error> {
        self.caller.require_role(needed)
    }

    pub fn require_org_kind(&self, kinds: &[OrgKind], what: &str) -> Result<(), Error> {
        self.caller.require_org_kind(kinds, what)
    }

    pub(in crate::app) fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    /// Grants `need` on customer `customer_id`, or refuses:
    /// - role too low → `forbidden_role` (about the caller, leaks nothing);
    /// - partner/OEM without an active relationship → `relationship_required`, for existent
    ///   and non-existent ids alike;
    /// - partner/OEM asking to manage the customer's profiles → `forbidden_org_kind`;
    /// - any other organisation (another customer, the operator) → `customer_not_found`,
    ///   exactly as for an id that does not exist.
    pub async fn customer_scope(&self, customer_id: Uuid, need: Need) -> Result<CustomerScope, Error> {
        self.caller.require_role(need.role())?;
        let org = &self.caller.org;
        let ctx = self.ctx.clone();
        if org.kind == OrgKind::Customer && org.id == customer_id {
            return Ok(CustomerScope { customer_id, reach: Reach::Own, need, ctx });
        }
        if !self.caller.is_partner_side() {
            return Err(Error::not_found(Resource::Customer, customer_id));
        }
        let relationship = self
            .ctx
            .db()
            .find_active_relationship(org.id, customer_id)
            .await?
            .ok_or(Error::RelationshipRequired { customer_id })?;
        if need == Need::Manage {
            return Err(Error::forbidden_org_kind(
                "only the customer's own admins manage its profiles; partners may read them and register devices",
            ));
        }
        Ok(CustomerScope { customer_id, reach: Reach::Relationship(relationship), need, ctx })
    }

    /// Grants `need` on one device: the customer sees every device of its tenant; a partner/OEM
    /// only those it registered, and only while its relationship is active. Anything else is
    /// answered as a missing device.
    pub async fn device_scope(&self, device_id: Uuid, need: Need) -> Result<DeviceScope, Error> {
        self.caller.require_role(need.role())?;
        let missing = || Error::not_found(Resource::Device, device_id);
        let db = self.ctx.db();
        let device = db
            .get_device(&self.owner(), device_id)
            .await
            .map_err(Error::or_not_found(Resource::Device, device_id))?;
        let org = &self.caller.org;
        let ctx = self.ctx.clone();
        if org.kind == OrgKind::Customer && device.customer_id == org.id {
            return Ok(DeviceScope { device, reach: Reach::Own, ctx });
        }
        if !self.caller.is_partner_side() || device.registered_by_org_id != org.id {
            return Err(missing());
        }
        match db.find_active_relationship(org.id, device.customer_id).await? {
            Some(relationship) => Ok(DeviceScope { device, reach: Reach::Relationship(relationship), ctx }),
            None => Err(missing()),
        }
    }

    /// Grants reading one batch known by its id alone: storage decides reach in SQL (the
    /// customer's batches, or what a partner submitted while its relationship is active). A
    /// partner's own batch from before a revocation stays readable, read only
    /// ([`BatchScope::is_read_only`]); anything else is a missing batch.
    pub async fn batch_scope(&self, batch_id: Uuid) -> Result<BatchScope, Error> {
        match self.batch_scope_to_change(batch_id).await {
            Err(Error::NotFound { .. }) if self.caller.is_partner_side() => {}
            other => return other,
        }
        let batch = self
            .ctx
            .db()
            .get_batch(&Owner::Submitter(self.org_id()), batch_id)
            .await
            .map_err(Error::or_not_found(Resource::Batch, batch_id))?;
        Ok(BatchScope { batch, customer: None, ctx: self.ctx.clone() })
    }

    /// Grants acting on one batch (voiding it): the customer's, or what a partner submitted
    /// while its relationship is active; anything else, a revoked relationship included, is a
    /// missing batch.
    pub async fn batch_scope_to_change(&self, batch_id: Uuid) -> Result<BatchScope, Error> {
        let missing = || Error::not_found(Resource::Batch, batch_id);
        let batch = self
            .ctx
            .db()
            .get_batch(&self.owner(), batch_id)
            .await
            .map_err(Error::or_not_found(Resource::Batch, batch_id))?;
        let customer = match self.customer_scope(batch.customer_id, Need::Read).await {
            Ok(customer) => customer,
            Err(Error::RelationshipRequired { .. } | Error::NotFound { .. }) => return Err(missing()),
            Err(other) => return Err(other),
        };
        Ok(BatchScope { batch, customer: Some(customer), ctx: self.ctx.clone() })
    }

    /// Grants listing batches (docs/portal.md#batches): a customer lists every batch of its
    /// tenant (`customer_id` its own or `None`); a partner/OEM what it submitted, to all its
    /// customers or to `customer_id`, for which it needs a relationship, active or revoked
    /// (else `relationship_required`, whether that customer exists or not). Others (another
    /// customer's id, the operator) are refused as for a missing customer.
    pub async fn batch_history_scope(&self, customer_id: Option<Uuid>) -> Result<BatchHistoryScope, Error> {
        self.caller.require_role(Role::Reader)?;
        let org = &self.caller.org;
        let ctx = self.ctx.clone();
        if org.kind == OrgKind::Customer {
            return match customer_id {
                None => Ok(BatchHistoryScope { reach: BatchReach::Tenant(org.id), ctx }),
                Some(id) if id == org.id => Ok(BatchHistoryScope { reach: BatchReach::Tenant(org.id), ctx }),
                Some(id) => Err(Error::not_found(Resource::Customer, id)),
            };
        }
        if !self.caller.is_partner_side() {
            return Err(Error::forbidden_org_kind(format!(
                "batch lists are for customer, partner and oem organisations; yours is a {} organisation",
                org.kind
            )));
        }
        if let Some(customer) = customer_id {
            let related = self.ctx.db().list_relationships(org.id).await?.iter().any(|relationship| {
                relationship.partner_org_id == org.id && relationship.customer_org_id == customer
            });
            if !related {
                return Err(Error::RelationshipRequired { customer_id: customer });
            }
        }
        Ok(BatchHistoryScope { reach: BatchReach::Submitter { org_id: org.id, customer_id }, ctx })
    }

    /// Grants acting on one relationship the caller's organisation is a side of, with at least
    /// `needed`; a relationship of other organisations is a missing one.
    pub async fn relationship_scope(
        &self,
        relationship_id: Uuid,
        needed: Role,
    ) -> Result<RelationshipScope, Error> {
        self.caller.require_role(needed)?;
        let relationship = self
            .ctx
            .db()
            .get_relationship(self.org_id(), relationship_id)
            .await
            .map_err(Error::or_not_found(Resource::Relationship, relationship_id))?;
        Ok(RelationshipScope { relationship, ctx: self.ctx.clone(), org_id: self.org_id() })
    }

    /// Grants acting on the accounts of `org_id` with at least `needed`: the caller's own
    /// organisation, or any organisation for the operator's admins. Any other organisation is
    /// answered as a missing one.
    pub async fn org_scope(&self, org_id: Uuid, needed: Role) -> Result<OrgScope, Error> {
        self.caller.require_role(needed)?;
        if org_id == self.org_id() {
            return Ok(OrgScope { org_id, ctx: self.ctx.clone() });
        }
        if self.caller.org.kind == OrgKind::Operator && needed == Role::Admin {
            self.ctx
                .db()
                .get_org(org_id)
                .await
                .map_err(Error::or_not_found(Resource::Organisation, org_id))?;
            return Ok(OrgScope { org_id, ctx: self.ctx.clone() });
        }
        Err(Error::not_found(Resource::Organisation, org_id))
    }

    /// Grants acting on the account of user `user_id` (admins): a user of the caller's own
    /// organisation, or of any for the operator's admins ([`Self::org_scope`]). A user beyond
    /// that is answered as a missing user.
    pub async fn user_scope(&self, user_id: Uuid) -> Result<OrgScope, Error> {
        self.caller.require_role(Role::Admin)?;
        let missing = || Error::not_found(Resource::User, user_id);
        let user =
            self.ctx.db().get_user(user_id).await.map_err(Error::or_not_found(Resource::User, user_id))?;
        match self.org_scope(user.org_id, Role::Admin).await {
            Ok(scope) => Ok(scope),
            Err(Error::NotFound { .. }) => Err(missing()),
            Err(other) => Err(other),
        }
    }

    /// The caller's own organisation, with at least `needed`.
    pub fn own_org(&self, needed: Role) -> Result<OrgScope, Error> {
        self.caller.require_role(needed)?;
        Ok(OrgScope { org_id: self.org_id(), ctx: self.ctx.clone() })
    }

    /// Grants the operator's powers to an admin of the operator organisation.
    pub fn operator(&self, what: &str) -> Result<Operator, Error> {
        self.caller.require_org_kind(&[OrgKind::Operator], what)?;
        self.caller.require_role(Role::Admin)?;
        Ok(Operator { ctx: self.ctx.clone() })
    }

    /// Whose devices and batches this caller reaches: its own tenant, or (a partner/OEM) what
    /// it registered while its relationship is active. Storage filters by it in SQL.
    pub fn owner(&self) -> Owner {
        if self.caller.is_partner_side() {
            Owner::Partner(self.caller.org.id)
        } else {
            Owner::Customer(self.caller.org.id)
        }
    }
}

/// Checks a CSRF token sent with a request against the caller's session. Bearer callers pass:
/// an API key is not sent by browsers on their own, so there is no cross-site forgery to stop.
pub fn csrf_matches(caller: &Caller, token: Option<&str>) -> bool {
    match &caller.session {
        None => true,
        Some(session) => token.is_some_and(|token| auth::tokens_match(&session.csrf_token, token)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(kind: OrgKind, role: Role) -> Caller {
        Caller {
            org: Organisation {
                id: Uuid::new_v4(),
                kind,
                name: "x".into(),
                domain: None,
                created_at: Utc::now(),
            },
            role,
            actor: Actor { kind: ActorKind::ApiKey, id: Uuid::new_v4(), label: "k".into() },
            request_id: None,
            session: None,
        }
    }

    #[test]
    fn roles_are_ordered() {
        let reader = caller(OrgKind::Customer, Role::Reader);
        assert!(reader.require_role(Role::Reader).is_ok());
        assert!(matches!(reader.require_role(Role::Registrar), Err(Error::ForbiddenRole { .. })));
        let registrar = caller(OrgKind::Customer, Role::Registrar);
        assert!(registrar.require_role(Role::Registrar).is_ok());
        assert!(registrar.require_role(Role::Admin).is_err());
        assert!(caller(OrgKind::Partner, Role::Admin).require_role(Role::Registrar).is_ok());
    }

    #[test]
    fn org_kind_refusal_names_both_kinds() {
        let error = caller(OrgKind::Customer, Role::Admin)
            .require_org_kind(&[OrgKind::Partner, OrgKind::Oem], "creating invitation links")
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "creating invitation links is for partner/oem organisations; yours is a customer organisation"
        );
    }

    #[test]
    fn bearer_callers_pass_csrf_and_sessions_need_the_token() {
        let mut with_session = caller(OrgKind::Customer, Role::Admin);
        assert!(csrf_matches(&with_session, None));
        with_session.session = Some(SessionInfo {
            token_hash: "h".into(),
            csrf_token: "tok".into(),
            must_change_password: false,
            language: None,
        });
        assert!(csrf_matches(&with_session, Some("tok")));
        assert!(!csrf_matches(&with_session, Some("bad")));
        assert!(!csrf_matches(&with_session, None));
    }
}

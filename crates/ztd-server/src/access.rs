//! The access layer: the one place tenancy and roles are decided (lldap-style).
//!
//! The [`Access`] extractor authenticates the request (an API key as bearer token, or a portal
//! session cookie with its CSRF token) and yields the [`Caller`]. Handlers never look at ids
//! and decide alone: they ask for a scoped handle —
//! [`Access::customer_scope`] or [`Access::device_scope`] — and the handle is the proof the
//! caller may act. Relationships are read from the database on every request, so a revocation
//! is effective on the very next request.
//!
//! Answers that could leak another tenant (docs/domain.md#tenancy):
//! - a resource of another tenant is answered exactly like a missing one (404, same body);
//! - a partner/OEM naming a customer it has no active relationship with gets
//!   `403 relationship_required` whether that customer exists or not, so the answer is the same
//!   for both and reveals nothing.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method};
use chrono::Utc;
use uuid::Uuid;
use ztd_storage::{
    ActorKind, Database, Device, NewAuditEvent, OrgKind, Organisation, Owner, Relationship, Role,
    StorageError,
};

use crate::auth;
use crate::error::ApiError;
use crate::state::AppState;

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
    /// Refuses with `403 forbidden_role` unless the caller has at least `needed`.
    pub fn require_role(&self, needed: Role) -> Result<(), ApiError> {
        if rank(self.role) >= rank(needed) {
            Ok(())
        } else {
            Err(ApiError::ForbiddenRole { needed, actual: self.role })
        }
    }

    /// Refuses with `403 forbidden_org_kind` unless the caller's organisation is one of `kinds`.
    pub fn require_org_kind(&self, kinds: &[OrgKind], what: &str) -> Result<(), ApiError> {
        if kinds.contains(&self.org.kind) {
            Ok(())
        } else {
            let allowed: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
            Err(ApiError::forbidden_org_kind(format!(
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

/// Who did something, for audit events written by the API and by `ztd admin` alike.
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

/// Proof that the caller may act on one customer with the `Need` it was granted for.
#[derive(Debug, Clone)]
pub struct CustomerScope {
    customer_id: Uuid,
    reach: Reach,
    need: Need,
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
}

/// Proof that the caller may see (or, with `Need::Register`, change) one device.
#[derive(Debug, Clone)]
pub struct DeviceScope {
    pub device: Device,
    pub reach: Reach,
}

/// The authenticated caller plus the database, handing out scoped handles.
#[derive(Clone)]
pub struct Access {
    caller: Caller,
    db: Arc<dyn Database>,
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Access").field("caller", &self.caller).finish_non_exhaustive()
    }
}

impl Access {
    pub fn new(caller: Caller, db: Arc<dyn Database>) -> Self {
        Self { caller, db }
    }

    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    pub fn org_id(&self) -> Uuid {
        self.caller.org.id
    }

    pub fn require_role(&self, needed: Role) -> Result<(), ApiError> {
        self.caller.require_role(needed)
    }

    pub fn require_org_kind(&self, kinds: &[OrgKind], what: &str) -> Result<(), ApiError> {
        self.caller.require_org_kind(kinds, what)
    }

    /// An audit event done by this caller, carrying its request id.
    pub fn audit(
        &self,
        action: &str,
        target_type: &str,
        target_id: impl ToString,
        tenant_org_id: Option<Uuid>,
        details: serde_json::Value,
    ) -> NewAuditEvent {
        self.caller.audit_actor().event(action, target_type, target_id, tenant_org_id, details)
    }

    /// Grants `need` on customer `customer_id`, or refuses:
    /// - role too low → 403 `forbidden_role` (about the caller, leaks nothing);
    /// - partner/OEM without an active relationship → 403 `relationship_required`, for existent
    ///   and non-existent ids alike;
    /// - partner/OEM asking to manage the customer's profiles → 403 `forbidden_org_kind`;
    /// - any other organisation (another customer, the operator) → 404 `customer_not_found`,
    ///   exactly as for an id that does not exist.
    pub async fn customer_scope(&self, customer_id: Uuid, need: Need) -> Result<CustomerScope, ApiError> {
        self.caller.require_role(need.role())?;
        let org = &self.caller.org;
        if org.kind == OrgKind::Customer && org.id == customer_id {
            return Ok(CustomerScope { customer_id, reach: Reach::Own, need });
        }
        if !self.caller.is_partner_side() {
            return Err(ApiError::not_found("customer", customer_id));
        }
        let relationship = self
            .db
            .find_active_relationship(org.id, customer_id)
            .await?
            .ok_or(ApiError::RelationshipRequired { customer_id })?;
        if need == Need::Manage {
            return Err(ApiError::forbidden_org_kind(
                "only the customer's own admins manage its profiles; partners may read them and register devices",
            ));
        }
        Ok(CustomerScope { customer_id, reach: Reach::Relationship(relationship), need })
    }

    /// Grants `need` on one device: the customer sees every device of its tenant; a partner/OEM
    /// only those it registered, and only while its relationship is active. Anything else is
    /// answered as a missing device (404 `device_not_found`).
    pub async fn device_scope(&self, device_id: Uuid, need: Need) -> Result<DeviceScope, ApiError> {
        self.caller.require_role(need.role())?;
        let missing = || ApiError::not_found("device", device_id);
        let device = match self.db.get_device(&self.owner(), device_id).await {
            Ok(device) => device,
            Err(StorageError::NotFound) => return Err(missing()),
            Err(other) => return Err(other.into()),
        };
        let org = &self.caller.org;
        if org.kind == OrgKind::Customer && device.customer_id == org.id {
            return Ok(DeviceScope { device, reach: Reach::Own });
        }
        if !self.caller.is_partner_side() || device.registered_by_org_id != org.id {
            return Err(missing());
        }
        match self.db.find_active_relationship(org.id, device.customer_id).await? {
            Some(relationship) => Ok(DeviceScope { device, reach: Reach::Relationship(relationship) }),
            None => Err(missing()),
        }
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

    pub fn db(&self) -> &Arc<dyn Database> {
        &self.db
    }
}

/// Whether a missing CSRF header is acceptable: the portal's form handlers check the form's
/// `csrf_token` field themselves and authenticate with [`authenticate`] and this policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsrfPolicy {
    /// Cookie-authenticated unsafe methods must carry `x-csrf-token` (the API).
    RequireHeader,
    /// The handler checks the token from its form (the portal); see [`verify_csrf`].
    CheckedByHandler,
}

/// Checks a CSRF token sent by a form against the caller's session. Bearer callers pass: an API
/// key is not sent by browsers on their own, so there is no cross-site forgery to stop.
pub fn verify_csrf(caller: &Caller, token: Option<&str>) -> Result<(), ApiError> {
    match &caller.session {
        None => Ok(()),
        Some(session) => match token {
            Some(token) if auth::tokens_match(&session.csrf_token, token) => Ok(()),
            _ => Err(ApiError::CsrfRejected),
        },
    }
}

fn request_id(parts: &Parts) -> Option<String> {
    parts.headers.get(crate::app::REQUEST_ID_HEADER).and_then(|value| value.to_str().ok()).map(str::to_owned)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Authenticates a request: `Authorization: Bearer <api key>` first, else the session cookie.
pub async fn authenticate(parts: &Parts, state: &AppState, csrf: CsrfPolicy) -> Result<Caller, ApiError> {
    let db = &state.db;
    let request_id = request_id(parts);
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| ApiError::Unauthenticated)?;
        let secret = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|secret| secret.starts_with(auth::API_KEY_PREFIX))
            .ok_or(ApiError::Unauthenticated)?;
        let key = match db.find_api_key_by_hash(&auth::hash_token(secret)).await {
            Ok(key) if key.revoked_at.is_none() => key,
            Ok(_) | Err(StorageError::NotFound) => return Err(ApiError::Unauthenticated),
            Err(other) => return Err(other.into()),
        };
        let org = db.get_org(key.org_id).await?;
        return Ok(Caller {
            org,
            role: key.role,
            actor: Actor { kind: ActorKind::ApiKey, id: key.id, label: key.name },
            request_id,
            session: None,
        });
    }

    let jar = axum_extra::extract::CookieJar::from_headers(&parts.headers);
    let Some(cookie) = jar.get(auth::session_cookie_name(state.config.public_url.starts_with("https://")))
    else {
        return Err(ApiError::Unauthenticated);
    };
    let token_hash = auth::hash_token(cookie.value());
    let session = match db.find_session(&token_hash).await {
        Ok(session) if session.expires_at > Utc::now() => session,
        Ok(_) | Err(StorageError::NotFound) => return Err(ApiError::Unauthenticated),
        Err(other) => return Err(other.into()),
    };
    let user = match db.get_user(session.user_id).await {
        Ok(user) => user,
        Err(StorageError::NotFound) => return Err(ApiError::Unauthenticated),
        Err(other) => return Err(other.into()),
    };
    let org = db.get_org(user.org_id).await?;
    let caller = Caller {
        org,
        role: user.role,
        actor: Actor { kind: ActorKind::User, id: user.id, label: user.email },
        request_id,
        session: Some(SessionInfo {
            token_hash,
            csrf_token: session.csrf_token,
            must_change_password: user.must_change_password,
        }),
    };
    if csrf == CsrfPolicy::RequireHeader && !is_safe(&parts.method) {
        let token = parts.headers.get(auth::CSRF_HEADER).and_then(|value| value.to_str().ok());
        verify_csrf(&caller, token)?;
    }
    Ok(caller)
}

impl FromRequestParts<AppState> for Access {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = authenticate(parts, state, CsrfPolicy::RequireHeader).await?;
        // A one-time password signs in only to be replaced: the portal sends such a session to
        // its change-password page, and the API refuses it outright.
        if caller.session.as_ref().is_some_and(|session| session.must_change_password) {
            return Err(ApiError::forbidden(
                "password_change_required",
                "this session was opened with a one-time password, which must be changed first",
            )
            .with_hint("sign in to the portal and choose your own password"));
        }
        Ok(Access::new(caller, state.db.clone()))
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
        assert!(matches!(reader.require_role(Role::Registrar), Err(ApiError::ForbiddenRole { .. })));
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
        assert!(verify_csrf(&with_session, None).is_ok());
        with_session.session = Some(SessionInfo {
            token_hash: "h".into(),
            csrf_token: "tok".into(),
            must_change_password: false,
        });
        assert!(verify_csrf(&with_session, Some("tok")).is_ok());
        assert!(matches!(verify_csrf(&with_session, Some("bad")), Err(ApiError::CsrfRejected)));
        assert!(matches!(verify_csrf(&with_session, None), Err(ApiError::CsrfRejected)));
    }
}

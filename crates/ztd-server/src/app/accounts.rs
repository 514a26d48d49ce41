//! Accounts (docs/domain.md#organisations-roles-and-tenancy): organisations, users, API keys,
//! the operator's first start, and a person's session (sign-in, sign-out, password change).
//!
//! Every channel creates accounts the same way: the API and the portal as the operator's or an
//! organisation's admin, `ztd admin` and `ztd serve` as the operator console. Secrets (one-time
//! passwords, API keys, session tokens) are returned once and stored hashed; each change is
//! audited in its own transaction.

use chrono::Utc;
use uuid::Uuid;
use ztd_storage::{
    ActorKind, ApiKey, Conflict, NewAuditEvent, OrgKind, Organisation, Role, Session, StorageError, User,
};

use super::access::{Access, AuditActor, Gate, Operator, OrgScope};
use super::{Error, Resource};
use crate::auth;

pub use ztd_domain::account::{Domain, Email, KeyName, OrgName};

/// Shortest new password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;
/// How long a one-time password signs in (docs/operations.md#sessions); after that an admin
/// issues a new one (`ztd admin reset-password`).
pub const ONE_TIME_PASSWORD_VALIDITY: chrono::Duration = chrono::Duration::days(7);

/// Longest new password accepted (argon2 hashes anything, but nobody types more).
pub const MAX_PASSWORD_LEN: usize = 256;

/// A valid argon2id hash of a random password, verified against when the email is unknown, so
/// an unknown email costs the same work as a wrong password and timing reveals nothing.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1Kx2fh2uuWvBZ3bmWS7/2rVtQ7w7XBzcVsrNTnxqJ7A";

// ------------------------------------------------------------------------------------------
// Organisations
// ------------------------------------------------------------------------------------------

fn new_org(kind: OrgKind, name: &OrgName, domain: Option<&Domain>) -> Organisation {
    Organisation {
        id: Uuid::new_v4(),
        kind,
        name: name.as_str().to_owned(),
        domain: domain.map(|domain| domain.as_str().to_owned()),
        created_at: Utc::now(),
    }
}

fn org_created(actor: &AuditActor, org: &Organisation) -> NewAuditEvent {
    actor.event(
        "org.create",
        "organisation",
        org.id,
        Some(org.id),
        serde_json::json!({ "kind": org.kind, "name": org.name, "domain": org.domain }),
    )
}

/// Creates an organisation of any kind (the operator console); a customer gets the three
/// built-in profiles (storage does it in the same transaction).
pub async fn create_org(
    operator: &Operator,
    kind: OrgKind,
    name: &OrgName,
    domain: Option<&Domain>,
) -> Result<Organisation, Error> {
    let ctx = operator.ctx();
    let org = new_org(kind, name, domain);
    ctx.db().create_org(&org, None, &[org_created(ctx.actor(), &org)]).await?;
    Ok(org)
}

/// An organisation to create with its first admin, as typed (checked here, kind first).
#[derive(Debug, Clone)]
pub struct NewOrg {
    /// `customer`, `partner` or `oem`: operator organisations come from the console only.
    pub kind: OrgKind,
    pub name: String,
    /// The tenant's DNS domain (`CloudAssignedTenantDomain` of its devices).
    pub domain: Option<String>,
    pub admin_email: String,
}

/// Creates a tenant organisation and its first admin (one-time password) in one transaction:
/// a taken email leaves no admin-less organisation behind, also when requests race.
pub async fn create_org_with_admin(
    operator: &Operator,
    new: NewOrg,
) -> Result<(Organisation, CreatedUser), Error> {
    if new.kind == OrgKind::Operator {
        return Err(Error::invalid("invalid_kind", "kind must be customer, partner or oem")
            .with_hint("operator organisations are created with `ztd admin create-org --kind operator`"));
    }
    let name = OrgName::parse(&new.name)?;
    let domain = new.domain.as_deref().map(Domain::parse).transpose()?;
    let admin_email = Email::parse(&new.admin_email)?;
    let ctx = operator.ctx();
    let org = new_org(new.kind, &name, domain.as_ref());
    let admin = new_user(org.id, &admin_email, Role::Admin).await?;
    let audit = [org_created(ctx.actor(), &org), user_created(ctx.actor(), &admin.user)];
    match ctx.db().create_org(&org, Some(&admin.user), &audit).await {
        Ok(()) => Ok((org, admin)),
        Err(StorageError::Conflict(Conflict::EmailTaken)) => Err(email_taken(&admin_email)),
        Err(other) => Err(other.into()),
    }
}

/// Every organisation of the installation: for the operator organisation's members (any role:
/// reading the list changes nothing).
pub async fn list_orgs(access: &Access) -> Result<Vec<Organisation>, Error> {
    access.require_org_kind(&[OrgKind::Operator], "listing organisations")?;
    Ok(access.ctx().db().list_orgs().await?)
}

/// One organisation as the operator sees it: its users, its relationships with the other
/// side's name, and how many devices it has or registered.
#[derive(Debug, Clone)]
pub struct OrgOverview {
    pub org: Organisation,
    pub users: Vec<User>,
    pub api_keys: Vec<ApiKey>,
    /// Newest first, each with the other side's organisation.
    pub relationships: Vec<(ztd_storage::Relationship, Organisation)>,
    pub devices: ztd_storage::OrgDeviceCount,
}

/// Opens one organisation (the operator's admins); a missing one is answered as such.
pub async fn org_overview(access: &Access, org_id: Uuid) -> Result<OrgOverview, Error> {
    let operator = access.operator("opening an organisation")?;
    let scope = operator.org_scope(org_id).await?;
    let db = scope.ctx().db();
    let org = db.get_org(org_id).await.map_err(Error::or_not_found(Resource::Organisation, org_id))?;
    let mut relationships = Vec::new();
    for relationship in db.list_relationships(org_id).await? {
        let other = if relationship.partner_org_id == org_id {
            relationship.customer_org_id
        } else {
            relationship.partner_org_id
        };
        let other = db.get_org(other).await?;
        relationships.push((relationship, other));
    }
    Ok(OrgOverview {
        users: db.list_users(org_id).await?,
        api_keys: db.list_api_keys(org_id).await?,
        relationships,
        devices: db.count_org_devices(org_id).await?,
        org,
    })
}

/// The caller's own organisation, role and name (user email or key name).
#[derive(Debug, Clone)]
pub struct Me {
    pub organisation: Organisation,
    pub role: Role,
    pub actor: String,
}

/// Who the caller is; anyone authenticated may ask.
pub fn me(access: &Access) -> Me {
    let caller = access.caller();
    Me { organisation: caller.org.clone(), role: caller.role, actor: caller.actor.label.clone() }
}

// ------------------------------------------------------------------------------------------
// Users
// ------------------------------------------------------------------------------------------

/// A new user and the one-time password to hand over once.
#[derive(Debug, Clone)]
pub struct CreatedUser {
    pub user: User,
    pub password: String,
}

fn email_taken(email: &Email) -> Error {
    Error::conflict("email_taken", format!("a user with email {} already exists", email.as_str()))
        .with_hint("each email signs in to one organisation; use another address")
}

/// Each argon2 run takes ~19 MiB and a core for a while: a flood of sign-ins queues here
/// instead of exhausting memory (docs/operations.md#limits). Process-wide, like the memory.
fn hashing_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| tokio::sync::Semaphore::new(concurrent_hashes()))
}

/// max(2, cores): enough to keep every core busy, never more runs than that in memory.
fn concurrent_hashes() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get).max(2)
}

/// argon2 is slow on purpose: off the async threads, a bounded number at a time.
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Error> {
    let _permit = hashing_permits().acquire().await.map_err(Error::internal)?;
    tokio::task::spawn_blocking(work).await.map_err(Error::internal)
}

async fn hash_password(password: String) -> Result<String, Error> {
    hashing(move || auth::hash_password(&password)).await?.map_err(Error::internal)
}

async fn verify_password(password: String, hash: String) -> Result<bool, Error> {
    hashing(move || auth::verify_password(&password, &hash)).await
}

/// A user with a fresh one-time password (to be changed at first sign-in), not yet stored.
async fn new_user(org_id: Uuid, email: &Email, role: Role) -> Result<CreatedUser, Error> {
    let password = auth::new_one_time_password();
    let password_hash = hash_password(password.clone()).await?;
    let user = User {
        id: Uuid::new_v4(),
        org_id,
        email: email.as_str().to_owned(),
        role,
        password_hash,
        must_change_password: true,
        created_at: Utc::now(),
        disabled_at: None,
        one_time_password_expires_at: Some(Utc::now() + ONE_TIME_PASSWORD_VALIDITY),
        language: None,
    };
    Ok(CreatedUser { user, password })
}

fn user_created(actor: &AuditActor, user: &User) -> NewAuditEvent {
    actor.event(
        "user.create",
        "user",
        user.id,
        Some(user.org_id),
        serde_json::json!({ "email": user.email, "role": user.role }),
    )
}

/// Creates a user of the scope's organisation with a one-time password (to be changed at first
/// sign-in). The scope is an admin's own organisation, or any for the operator console.
pub async fn create_user(org: &OrgScope, email: &Email, role: Role) -> Result<CreatedUser, Error> {
    let ctx = org.ctx();
    let created = new_user(org.org_id(), email, role).await?;
    match ctx.db().create_user(&created.user, &user_created(ctx.actor(), &created.user)).await {
        Ok(()) => Ok(created),
        Err(StorageError::Conflict(Conflict::EmailTaken)) => Err(email_taken(email)),
        Err(other) => Err(other.into()),
    }
}

/// Whether the scope's actor is the person `user_id` (who may not demote, disable or reset
/// themselves here).
fn is_self(org: &OrgScope, user_id: Uuid) -> bool {
    let actor = org.ctx().actor();
    actor.kind == ActorKind::User && actor.id == Some(user_id)
}

/// Whether a change must leave the organisation an active admin: always, except for the
/// operator console (`ztd admin`), the way back into an organisation that lost its admins.
fn keep_an_admin(org: &OrgScope) -> bool {
    org.ctx().actor().kind != ActorKind::Operator
}

fn last_admin(email: &str) -> Error {
    Error::conflict(
        "last_admin",
        format!("{email} is the organisation's only active admin; it would be left without one"),
    )
    .with_hint("make another user an admin first")
}

/// A user of the scope's organisation; a user of another is a missing one.
async fn user_of(org: &OrgScope, user_id: Uuid) -> Result<User, Error> {
    match org.ctx().db().get_user(user_id).await {
        Ok(user) if user.org_id == org.org_id() => Ok(user),
        Ok(_) | Err(StorageError::NotFound) => Err(Error::not_found(Resource::User, user_id)),
        Err(other) => Err(other.into()),
    }
}

/// One user of the scope's organisation.
pub async fn get_user(org: &OrgScope, user_id: Uuid) -> Result<User, Error> {
    user_of(org, user_id).await
}

/// Maps what storage answers a change of a user: `NotFound` and `LastAdmin` in words.
fn user_change_error(user: &User) -> impl FnOnce(StorageError) -> Error + '_ {
    move |error| match error {
        StorageError::NotFound => Error::not_found(Resource::User, user.id),
        StorageError::Conflict(Conflict::LastAdmin) => last_admin(&user.email),
        other => other.into(),
    }
}

/// Disables a user of the scope's organisation: they can no longer sign in and their sessions
/// end, in one transaction, audited `user.disable`. A user already disabled is a missing one.
/// Nobody disables themselves, and (but for the operator console) the organisation keeps an
/// active admin (`last_admin`).
pub async fn disable_user(org: &OrgScope, user_id: Uuid) -> Result<(), Error> {
    let ctx = org.ctx();
    // An organisation could otherwise lock out its last admin by a slip of the finger.
    if is_self(org, user_id) {
        return Err(Error::conflict("cannot_disable_yourself", "you cannot disable your own account")
            .with_hint("ask another admin of your organisation"));
    }
    let user = user_of(org, user_id).await?;
    let audit = ctx.event(
        "user.disable",
        "user",
        user_id,
        Some(org.org_id()),
        serde_json::json!({ "email": user.email }),
    );
    ctx.db()
        .disable_user(org.org_id(), user_id, Utc::now(), keep_an_admin(org), &audit)
        .await
        .map_err(user_change_error(&user))
}

/// Lets a disabled user of the scope's organisation sign in again (with their password as it
/// was; an admin may reset it too), audited `user.enable`. A user not disabled is a missing one.
pub async fn enable_user(org: &OrgScope, user_id: Uuid) -> Result<User, Error> {
    let ctx = org.ctx();
    let user = user_of(org, user_id).await?;
    let audit = ctx.event(
        "user.enable",
        "user",
        user_id,
        Some(org.org_id()),
        serde_json::json!({ "email": user.email }),
    );
    ctx.db().enable_user(org.org_id(), user_id, &audit).await.map_err(user_change_error(&user))
}

/// Gives a user of the scope's organisation another role, audited `user.change_role` (from,
/// to). Nobody changes their own role, and (but for the operator console) the organisation
/// keeps an active admin (`last_admin`). The role the user has already changes nothing.
pub async fn change_role(org: &OrgScope, user_id: Uuid, role: Role) -> Result<User, Error> {
    let ctx = org.ctx();
    if is_self(org, user_id) {
        return Err(Error::conflict("cannot_change_own_role", "you cannot change your own role")
            .with_hint("ask another admin of your organisation"));
    }
    let user = user_of(org, user_id).await?;
    if user.role == role {
        return Ok(user);
    }
    let audit = ctx.event(
        "user.change_role",
        "user",
        user_id,
        Some(org.org_id()),
        serde_json::json!({ "email": user.email, "from": user.role, "to": role }),
    );
    ctx.db()
        .set_user_role(org.org_id(), user_id, role, keep_an_admin(org), &audit)
        .await
        .map_err(user_change_error(&user))
}

/// Issues a new one-time password to a user of the scope's organisation (valid for
/// [`ONE_TIME_PASSWORD_VALIDITY`]); their sessions end; audited `user.password_reset`. A person
/// changes their own password instead (`cannot_reset_own_password`). Returns the user and the
/// password to hand over once.
pub async fn reset_password(org: &OrgScope, user_id: Uuid) -> Result<CreatedUser, Error> {
    let ctx = org.ctx();
    if is_self(org, user_id) {
        return Err(Error::conflict(
            "cannot_reset_own_password",
            "you cannot give yourself a one-time password",
        )
        .with_hint("change your own password on the portal's Account page"));
    }
    let user = user_of(org, user_id).await?;
    let password = auth::new_one_time_password();
    let hash = hash_password(password.clone()).await?;
    let until = Utc::now() + ONE_TIME_PASSWORD_VALIDITY;
    let audit = ctx.event(
        "user.password_reset",
        "user",
        user_id,
        Some(org.org_id()),
        serde_json::json!({ "email": user.email }),
    );
    ctx.db()
        .set_password(org.org_id(), user_id, &hash, Some(until), None, &audit)
        .await
        .map_err(user_change_error(&user))?;
    let user = User {
        password_hash: hash,
        must_change_password: true,
        one_time_password_expires_at: Some(until),
        ..user
    };
    Ok(CreatedUser { user, password })
}

/// Users of the caller's organisation (admins).
pub async fn list_users(access: &Access) -> Result<Vec<User>, Error> {
    let org = access.own_org(Role::Admin)?;
    Ok(org.ctx().db().list_users(org.org_id()).await?)
}

// ------------------------------------------------------------------------------------------
// API keys
// ------------------------------------------------------------------------------------------

/// A new API key and its secret, shown once.
#[derive(Debug, Clone)]
pub struct CreatedApiKey {
    pub key: ApiKey,
    pub secret: String,
}

/// How long an API key works when its creator does not say (docs/security.md#api-keys).
pub const DEFAULT_API_KEY_DAYS: u32 = 365;
/// The longest an API key may be made to work: a leaked key cannot be good forever.
pub const MAX_API_KEY_DAYS: u32 = 730;

/// Creates an API key of the scope's organisation, working for `expires_in_days` (1 to
/// [`MAX_API_KEY_DAYS`]; [`DEFAULT_API_KEY_DAYS`] when `None`); only the secret's hash is stored.
pub async fn create_api_key(
    org: &OrgScope,
    name: &KeyName,
    role: Role,
    expires_in_days: Option<u32>,
) -> Result<CreatedApiKey, Error> {
    let days = Error::check_expiry_days(expires_in_days.unwrap_or(DEFAULT_API_KEY_DAYS), MAX_API_KEY_DAYS)?;
    let ctx = org.ctx();
    let issued = auth::new_api_key();
    let created_at = Utc::now();
    let key = ApiKey {
        id: Uuid::new_v4(),
        org_id: org.org_id(),
        name: name.as_str().to_owned(),
        role,
        key_hash: issued.hash,
        created_at,
        revoked_at: None,
        expires_at: Some(created_at + chrono::Duration::days(i64::from(days))),
    };
    let audit = ctx.event(
        "api_key.create",
        "api_key",
        key.id,
        Some(key.org_id),
        serde_json::json!({ "name": key.name, "role": role, "expires_at": key.expires_at }),
    );
    ctx.db().create_api_key(&key, &audit).await?;
    Ok(CreatedApiKey { key, secret: issued.secret })
}

/// The keys of the caller's organisation, without secrets (admins).
pub async fn list_api_keys(access: &Access) -> Result<Vec<ApiKey>, Error> {
    let org = access.own_org(Role::Admin)?;
    Ok(org.ctx().db().list_api_keys(org.org_id()).await?)
}

/// Revokes a key of the caller's organisation (admins); it stops working on the next request.
/// A key of another organisation, or one already revoked, is a missing key.
pub async fn revoke_api_key(access: &Access, id: Uuid) -> Result<(), Error> {
    let org = access.own_org(Role::Admin)?;
    let ctx = org.ctx();
    let audit = ctx.event("api_key.revoke", "api_key", id, Some(org.org_id()), serde_json::json!({}));
    ctx.db()
        .revoke_api_key(org.org_id(), id, Utc::now(), &audit)
        .await
        .map_err(Error::or_not_found(Resource::ApiKey, id))
}

// ------------------------------------------------------------------------------------------
// The operator's first start
// ------------------------------------------------------------------------------------------

/// What `ztd serve` did on an empty database so the first operator can sign in.
#[derive(Debug, Clone)]
pub struct Bootstrap {
    pub operator_org: Organisation,
    pub admin: CreatedUser,
}

/// On a database without any organisation, creates the operator organisation and its first
/// admin with a one-time password. Does nothing (`None`) when any organisation exists. Storage
/// decides "empty" inside the creating transaction, so several `ztd serve` starting at once on
/// one PostgreSQL create exactly one operator.
pub async fn bootstrap_operator(
    operator: &Operator,
    admin_email: &Email,
) -> Result<Option<Bootstrap>, Error> {
    let ctx = operator.ctx();
    let operator_org = new_org(OrgKind::Operator, &OrgName::parse("Operator")?, None);
    let admin = new_user(operator_org.id, admin_email, Role::Admin).await?;
    let audit = [org_created(ctx.actor(), &operator_org), user_created(ctx.actor(), &admin.user)];
    if ctx.db().bootstrap_operator(&operator_org, &admin.user, &audit).await? {
        Ok(Some(Bootstrap { operator_org, admin }))
    } else {
        Ok(None)
    }
}

// ------------------------------------------------------------------------------------------
// Sessions and passwords (people in the portal)
// ------------------------------------------------------------------------------------------

/// A person's credentials at the door.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub email: Email,
    pub password: String,
    /// How long the new session lasts.
    pub session_lifetime: chrono::Duration,
    /// The request's id, for the sign-in's audit event.
    pub request_id: Option<String>,
    /// The channel, recorded in the audit event (`portal`).
    pub channel: &'static str,
}

/// An opened session: the cookie's secret (shown once, stored hashed).
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session_secret: String,
    /// The person signed in with a one-time password and must choose their own first.
    pub must_change_password: bool,
}

/// Checks the password and opens a session, audited in the session's own transaction. An
/// unknown email and a wrong password are both `Unauthenticated`, after the same argon2 work.
pub async fn sign_in(gate: &Gate, sign_in: SignIn) -> Result<SignedIn, Error> {
    let user = match gate.db().find_user_by_email(sign_in.email.as_str()).await {
        Ok(user) => Some(user),
        Err(StorageError::NotFound) => None,
        Err(other) => return Err(other.into()),
    };
    let stored_hash = user.as_ref().map_or(DUMMY_HASH, |user| user.password_hash.as_str()).to_owned();
    let password_ok = verify_password(sign_in.password, stored_hash).await?;
    // A disabled user, or an expired one-time password, gets the wrong password's answer
    // (docs/security.md).
    let now = Utc::now();
    let usable = |user: &User| {
        user.disabled_at.is_none()
            && !(user.must_change_password && user.one_time_password_expires_at.is_some_and(|at| at <= now))
    };
    let Some(user) = user.filter(|user| password_ok && usable(user)) else {
        return Err(Error::Unauthenticated);
    };
    let issued = auth::new_session_token();
    let session = Session {
        token_hash: issued.hash,
        user_id: user.id,
        csrf_token: auth::new_csrf_token(),
        created_at: now,
        expires_at: now + sign_in.session_lifetime,
    };
    let person = AuditActor {
        request_id: sign_in.request_id,
        kind: ActorKind::User,
        id: Some(user.id),
        org_id: Some(user.org_id),
    };
    let ctx = gate.ctx_for(person);
    let audit = ctx.event(
        "user.sign_in",
        "user",
        user.id,
        Some(user.org_id),
        serde_json::json!({ "channel": sign_in.channel }),
    );
    ctx.db().create_session(&session, &audit).await?;
    Ok(SignedIn { session_secret: issued.secret, must_change_password: user.must_change_password })
}

/// Keeps the portal language the signed-in person chose (`None`: follow the browser). The
/// portal checks that it speaks the language; here it must only look like a language tag.
pub async fn set_language(access: &Access, language: Option<&str>) -> Result<(), Error> {
    let caller = access.caller();
    if caller.actor.kind != ActorKind::User {
        return Err(Error::forbidden("not_a_person", "only a signed-in person has a portal language"));
    }
    if let Some(tag) = language {
        let valid = (2..=8).contains(&tag.len())
            && tag.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-');
        if !valid {
            return Err(Error::invalid("invalid_language", format!("`{tag}` is not a language tag"))
                .with_hint("use a tag such as `en` or `da`"));
        }
    }
    access
        .ctx()
        .db()
        .set_user_language(caller.org.id, caller.actor.id, language)
        .await
        .map_err(Error::or_not_found(Resource::User, caller.actor.id))
}

/// Ends the caller's session; a session already gone is fine. Callers without a session (API
/// keys) have nothing to end.
pub async fn sign_out(access: &Access) -> Result<(), Error> {
    let Some(session) = &access.caller().session else {
        return Ok(());
    };
    match access.ctx().db().delete_session(&session.token_hash).await {
        Ok(()) | Err(StorageError::NotFound) => Ok(()),
        Err(other) => Err(other.into()),
    }
}

/// A password change as typed: the new password twice.
#[derive(Debug, Clone)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
    pub confirm_password: String,
}

/// What is wrong with a new password (the portal words it in the person's language).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewPasswordProblem {
    TooShort { length: usize, min: usize },
    TooLong { max: usize },
    SameAsCurrent,
}

/// What is wrong with a password change, field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PasswordProblems {
    /// The current password typed is not the person's password.
    pub current_wrong: bool,
    pub new: Option<NewPasswordProblem>,
    /// The confirmation differs from the new password.
    pub confirm_differs: bool,
}

impl PasswordProblems {
    fn any(&self) -> bool {
        self.current_wrong || self.new.is_some() || self.confirm_differs
    }
}

/// Why a password was not changed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordChangeError {
    /// The person's input: shown next to the fields.
    #[error("the password was not changed")]
    Refused(PasswordProblems),
    #[error(transparent)]
    Failed(#[from] Error),
}

/// What a password change hands back: the rotated session's cookie secret (shown once).
#[derive(Debug, Clone)]
pub struct PasswordChanged {
    pub session_secret: Option<String>,
}

/// Replaces the signed-in person's password (a one-time one included) after checking the
/// current one (not asked again right after signing in with a one-time password); the new one must be 12–256 characters and differ from the current one. Every
/// session of the person ends; the current one is replaced by a new one (new secret, new CSRF
/// token, same expiry) in the same transaction (docs/security.md).
pub async fn change_password(
    access: &Access,
    change: PasswordChange,
) -> Result<PasswordChanged, PasswordChangeError> {
    let caller = access.caller();
    if caller.actor.kind != ActorKind::User {
        return Err(
            Error::forbidden("not_a_person", "only a signed-in person has a password to change").into()
        );
    }
    let ctx = access.ctx();
    let user_id = caller.actor.id;
    let user = ctx.db().get_user(user_id).await.map_err(Error::or_not_found(Resource::User, user_id))?;
    // Right after signing in with a one-time password the person is not asked for it again: the
    // session exists only because they just typed it, and it can do nothing but this change
    // (docs/security.md#one-time-passwords).
    let forced = caller.session.as_ref().is_some_and(|session| session.must_change_password);
    let mut problems = PasswordProblems::default();
    let length = change.new_password.chars().count();
    if length < MIN_PASSWORD_LEN {
        problems.new = Some(NewPasswordProblem::TooShort { length, min: MIN_PASSWORD_LEN });
    } else if length > MAX_PASSWORD_LEN {
        problems.new = Some(NewPasswordProblem::TooLong { max: MAX_PASSWORD_LEN });
    } else {
        let same = if forced {
            verify_password(change.new_password.clone(), user.password_hash.clone()).await?
        } else {
            change.new_password == change.current_password
        };
        if same {
            problems.new = Some(NewPasswordProblem::SameAsCurrent);
        }
    }
    problems.confirm_differs = problems.new.is_none() && change.confirm_password != change.new_password;
    problems.current_wrong =
        !forced && !verify_password(change.current_password, user.password_hash.clone()).await?;
    if problems.any() {
        return Err(PasswordChangeError::Refused(problems));
    }
    let hash = hash_password(change.new_password).await?;
    let audit = ctx.event("user.password_change", "user", user_id, Some(user.org_id), serde_json::json!({}));
    let mut rotated = None;
    if let Some(current) = &caller.session {
        let current = ctx.db().find_session(&current.token_hash).await.map_err(|_| Error::Unauthenticated)?;
        let issued = auth::new_session_token();
        let session = Session {
            token_hash: issued.hash,
            user_id,
            csrf_token: auth::new_csrf_token(),
            created_at: Utc::now(),
            expires_at: current.expires_at,
        };
        rotated = Some((session, issued.secret));
    }
    ctx.db()
        .set_password(user.org_id, user_id, &hash, None, rotated.as_ref().map(|(session, _)| session), &audit)
        .await
        .map_err(Error::from)?;
    Ok(PasswordChanged { session_secret: rotated.map(|(_, secret)| secret) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_hash_is_a_valid_phc_string_that_matches_nothing_typed() {
        assert!(argon2::password_hash::PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!auth::verify_password("", DUMMY_HASH));
        assert!(!auth::verify_password("password", DUMMY_HASH));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashing_runs_at_most_max_of_two_and_the_cores_at_once() {
        let limit = concurrent_hashes();
        assert!(limit >= 2);
        let running = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let runs = (0..limit * 3).map(|_| {
            let (running, peak) = (running.clone(), peak.clone());
            hashing(move || {
                let now = running.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                peak.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(20));
                running.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            })
        });
        futures::future::try_join_all(runs).await.unwrap();
        assert!(peak.load(std::sync::atomic::Ordering::SeqCst) <= limit);
    }
}

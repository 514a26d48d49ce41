//! Operations shared by the API and `ztd admin`, so both take the same path: the same
//! validation, the same secrets handling, the same audit events.

use chrono::Utc;
use uuid::Uuid;
use ztd_storage::{
    ApiKey, Conflict, Database, NewAuditEvent, OrgKind, Organisation, Role, StorageError, User,
};

use crate::app::access::AuditActor;
use crate::auth;
use crate::error::ApiError;

pub use ztd_domain::account::{Domain, Email, KeyName, OrgName};

async fn org_or_not_found(db: &dyn Database, org_id: Uuid) -> Result<Organisation, ApiError> {
    match db.get_org(org_id).await {
        Ok(org) => Ok(org),
        Err(StorageError::NotFound) => Err(ApiError::not_found(crate::app::Resource::Organisation, org_id)),
        Err(other) => Err(other.into()),
    }
}

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

/// Creates an organisation; a customer gets the three built-in profiles (storage does it in
/// the same transaction).
pub async fn create_org(
    db: &dyn Database,
    kind: OrgKind,
    name: &OrgName,
    domain: Option<&Domain>,
    actor: &AuditActor,
) -> Result<Organisation, ApiError> {
    let org = new_org(kind, name, domain);
    db.create_org(&org, None, &[org_created(actor, &org)]).await?;
    Ok(org)
}

/// Creates an organisation and its first admin (one-time password) in one transaction: a
/// taken email leaves no admin-less organisation behind, also when requests race.
pub async fn create_org_with_admin(
    db: &dyn Database,
    kind: OrgKind,
    name: &OrgName,
    domain: Option<&Domain>,
    admin_email: &Email,
    actor: &AuditActor,
) -> Result<(Organisation, CreatedUser), ApiError> {
    let org = new_org(kind, name, domain);
    let admin = new_user(org.id, admin_email, Role::Admin).await?;
    let audit = [org_created(actor, &org), user_created(actor, &admin.user)];
    match db.create_org(&org, Some(&admin.user), &audit).await {
        Ok(()) => Ok((org, admin)),
        Err(StorageError::Conflict(Conflict::EmailTaken)) => Err(email_taken(admin_email)),
        Err(other) => Err(other.into()),
    }
}

/// A new user and the one-time password to hand over once.
#[derive(Debug, Clone)]
pub struct CreatedUser {
    pub user: User,
    pub password: String,
}

fn email_taken(email: &Email) -> ApiError {
    ApiError::conflict("email_taken", format!("a user with email {} already exists", email.as_str()))
        .with_hint("each email signs in to one organisation; use another address")
}

/// A user with a fresh one-time password (to be changed at first sign-in), not yet stored.
async fn new_user(org_id: Uuid, email: &Email, role: Role) -> Result<CreatedUser, ApiError> {
    let password = auth::new_one_time_password();
    let to_hash = password.clone();
    let password_hash = tokio::task::spawn_blocking(move || auth::hash_password(&to_hash))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let user = User {
        id: Uuid::new_v4(),
        org_id,
        email: email.as_str().to_owned(),
        role,
        password_hash,
        must_change_password: true,
        created_at: Utc::now(),
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

/// Creates a user with a one-time password (to be changed at first sign-in).
pub async fn create_user(
    db: &dyn Database,
    org_id: Uuid,
    email: &Email,
    role: Role,
    actor: &AuditActor,
) -> Result<CreatedUser, ApiError> {
    org_or_not_found(db, org_id).await?;
    let created = new_user(org_id, email, role).await?;
    match db.create_user(&created.user, &user_created(actor, &created.user)).await {
        Ok(()) => Ok(created),
        Err(StorageError::Conflict(Conflict::EmailTaken)) => Err(email_taken(email)),
        Err(other) => Err(other.into()),
    }
}

/// A new API key and its secret, shown once.
#[derive(Debug, Clone)]
pub struct CreatedApiKey {
    pub key: ApiKey,
    pub secret: String,
}

pub async fn create_api_key(
    db: &dyn Database,
    org_id: Uuid,
    name: &KeyName,
    role: Role,
    actor: &AuditActor,
) -> Result<CreatedApiKey, ApiError> {
    org_or_not_found(db, org_id).await?;
    let issued = auth::new_api_key();
    let key = ApiKey {
        id: Uuid::new_v4(),
        org_id,
        name: name.as_str().to_owned(),
        role,
        key_hash: issued.hash,
        created_at: Utc::now(),
        revoked_at: None,
    };
    let audit = actor.event(
        "api_key.create",
        "api_key",
        key.id,
        Some(org_id),
        serde_json::json!({ "name": key.name, "role": role }),
    );
    db.create_api_key(&key, &audit).await?;
    Ok(CreatedApiKey { key, secret: issued.secret })
}

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
    db: &dyn Database,
    admin_email: &Email,
) -> Result<Option<Bootstrap>, ApiError> {
    let actor = AuditActor::operator_cli();
    let operator_org = new_org(OrgKind::Operator, &OrgName::parse("Operator")?, None);
    let admin = new_user(operator_org.id, admin_email, Role::Admin).await?;
    let audit = [org_created(&actor, &operator_org), user_created(&actor, &admin.user)];
    if db.bootstrap_operator(&operator_org, &admin.user, &audit).await? {
        Ok(Some(Bootstrap { operator_org, admin }))
    } else {
        Ok(None)
    }
}

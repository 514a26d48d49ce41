//! Consent (docs/domain.md#consent): invitation links, the relationships they make, and the
//! customers a partner/OEM works for.
//!
//! A CSP link (from a partner) is single-use by default and may name the one customer allowed to
//! accept it; an OEM link is reusable by default. The token is shown once; the database keeps
//! its SHA-256.
//!
//! Decisions:
//! - a `customer_id` of a new link is taken as given, whether or not it names an organisation,
//!   so creating a link never tells a partner which organisations exist
//!   (docs/domain.md#tenancy); a link for a missing or non-customer id can never be accepted.
//! - the acceptance rules (withdrawn, expired, used, idempotent repeat) are storage's, decided
//!   inside the accepting transaction, so two customers racing for one link get the same
//!   answers as two who come one after the other.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;
use ztd_storage::{
    ActorKind, ApprovalMode, Conflict, Invitation, OrgKind, Organisation, Relationship, RelationshipHealth,
    RelationshipKind, Role, StorageError,
};

use super::access::{Access, Ctx, Gate};
use super::{Error, Resource};
use crate::auth;

/// The longest a link may stay valid.
pub const MAX_EXPIRY_DAYS: u32 = 90;

// ------------------------------------------------------------------------------------------
// Invitations
// ------------------------------------------------------------------------------------------

/// A link to create.
#[derive(Debug, Clone, Copy)]
pub struct NewInvitation {
    /// Only this customer may accept (CSP links usually name one).
    pub customer_id: Option<Uuid>,
    /// Default: false for partners (CSP), true for OEMs.
    pub reusable: Option<bool>,
    /// 1–90.
    pub expires_in_days: u32,
}

/// The new link and its token, shown this once.
#[derive(Debug, Clone)]
pub struct CreatedInvitation {
    pub invitation: Invitation,
    pub token: String,
}

impl CreatedInvitation {
    /// The portal page where a customer admin accepts, under the service's public URL.
    pub fn url(&self, public_base: &str) -> String {
        format!("{public_base}/invitations/{}", self.token)
    }
}

/// Creates an invitation link (partner/OEM admins).
pub async fn create_invitation(access: &Access, new: NewInvitation) -> Result<CreatedInvitation, Error> {
    access.require_org_kind(&[OrgKind::Partner, OrgKind::Oem], "creating invitation links")?;
    let org = access.own_org(Role::Admin)?;
    let kind = if access.org().kind == OrgKind::Oem { RelationshipKind::Oem } else { RelationshipKind::Csp };
    let days = Error::check_expiry_days(new.expires_in_days, MAX_EXPIRY_DAYS)?;
    let now = Utc::now();
    let issued = auth::new_invitation_token();
    let invitation = Invitation {
        id: Uuid::new_v4(),
        token_hash: issued.hash,
        creator_org_id: org.org_id(),
        kind,
        customer_id: new.customer_id,
        reusable: new.reusable.unwrap_or(kind == RelationshipKind::Oem),
        created_at: now,
        expires_at: now + Duration::days(i64::from(days)),
        withdrawn_at: None,
        accepted_count: 0,
    };
    // The event lands in the named customer's audit only if the partner already works for it
    // (docs/domain.md#audit): naming a customer id grants no write into a stranger's trail.
    let tenant = match invitation.customer_id {
        Some(customer)
            if org.ctx().db().find_active_relationship(org.org_id(), customer).await?.is_some() =>
        {
            customer
        }
        _ => org.org_id(),
    };
    let audit = org.ctx().event(
        "invitation.create",
        "invitation",
        invitation.id,
        Some(tenant),
        serde_json::json!({ "kind": kind, "reusable": invitation.reusable, "expires_at": invitation.expires_at }),
    );
    org.ctx().db().create_invitation(&invitation, &audit).await?;
    Ok(CreatedInvitation { invitation, token: issued.secret })
}

/// `open`, `used`, `expired` or `withdrawn` at `now`.
pub fn invitation_status(invitation: &Invitation, now: DateTime<Utc>) -> &'static str {
    if invitation.withdrawn_at.is_some() {
        "withdrawn"
    } else if !invitation.reusable && invitation.accepted_count > 0 {
        "used"
    } else if invitation.expires_at <= now {
        "expired"
    } else {
        "open"
    }
}

/// The links the caller's organisation created (any role).
pub async fn list_invitations(access: &Access) -> Result<Vec<Invitation>, Error> {
    let org = access.own_org(Role::Reader)?;
    Ok(org.ctx().db().list_invitations(org.org_id()).await?)
}

/// Withdraws a link the caller's organisation created (admins); it can no longer be accepted.
pub async fn withdraw_invitation(access: &Access, id: Uuid) -> Result<(), Error> {
    let org = access.own_org(Role::Admin)?;
    let audit = org.ctx().event("invitation.withdraw", "invitation", id, None, serde_json::json!({}));
    org.ctx()
        .db()
        .withdraw_invitation(org.org_id(), id, Utc::now(), &audit)
        .await
        .map_err(Error::or_not_found(Resource::Invitation, id))
}

/// An unknown link; the token is a secret, so it is never echoed back.
fn unknown_link() -> Error {
    Error::not_found(Resource::Invitation, "matching this link")
}

/// What a link's holder may see before accepting: who invites, and until when.
#[derive(Debug, Clone)]
pub struct InvitationPreview {
    pub invitation: Invitation,
    pub inviter: Organisation,
}

/// The public preview of a link by its token. The token is the capability: whoever holds the
/// link may see who sent it.
pub async fn preview_invitation(gate: &Gate, token: &str) -> Result<InvitationPreview, Error> {
    let db = gate.db();
    let invitation =
        db.find_invitation_by_token_hash(&auth::hash_token(token)).await.map_err(|error| match error {
            StorageError::NotFound => unknown_link(),
            other => other.into(),
        })?;
    let inviter = db.get_org(invitation.creator_org_id).await?;
    Ok(InvitationPreview { invitation, inviter })
}

/// The answer to an acceptance.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub relationship: RelationshipDetails,
    /// `false` when the pair already had an active relationship (accepting is idempotent).
    pub created: bool,
}

/// Accepts a link (customer admins). Idempotent: accepting again answers the existing
/// relationship.
pub async fn accept_invitation(access: &Access, token: &str) -> Result<Accepted, Error> {
    access.require_org_kind(&[OrgKind::Customer], "accepting invitation links")?;
    let org = access.own_org(Role::Admin)?;
    let ctx = org.ctx();
    let customer_id = org.org_id();
    let invitation = ctx.db().find_invitation_by_token_hash(&auth::hash_token(token)).await.map_err(
        |error| match error {
            StorageError::NotFound => unknown_link(),
            other => other.into(),
        },
    )?;
    // Storage refuses it too (as an unknown link); the holder of the token learns which
    // customer may use it, so it is told why.
    if invitation.customer_id.is_some_and(|only| only != customer_id) {
        return Err(Error::forbidden(
            "invitation_for_another_customer",
            "this link was made for another customer organisation",
        )
        .with_hint("ask the partner for a link for your organisation"));
    }
    let caller = access.caller();
    let relationship = Relationship {
        id: Uuid::new_v4(),
        partner_org_id: invitation.creator_org_id,
        customer_org_id: customer_id,
        kind: invitation.kind,
        invitation_id: Some(invitation.id),
        accepted_by_user_id: (caller.actor.kind == ActorKind::User).then_some(caller.actor.id),
        approval_mode: ApprovalMode::AutoAccept,
        created_at: Utc::now(),
        revoked_at: None,
        revoked_by_org_id: None,
    };
    let audit = ctx.event(
        "invitation.accept",
        "relationship",
        relationship.id,
        Some(customer_id),
        serde_json::json!({ "invitation_id": invitation.id, "partner_org_id": invitation.creator_org_id }),
    );
    let ask_again = "ask for a new link";
    let stored = match ctx.db().accept_invitation(invitation.id, &relationship, &audit).await {
        Ok(stored) => stored,
        Err(StorageError::NotFound) => return Err(unknown_link()),
        Err(StorageError::Conflict(Conflict::InvitationWithdrawn)) => {
            return Err(Error::gone(
                "invitation_withdrawn",
                "this link was withdrawn by the organisation that created it",
            )
            .with_hint(ask_again))
        }
        Err(StorageError::Conflict(Conflict::InvitationExpired)) => {
            return Err(Error::gone(
                "invitation_expired",
                format!("this link expired at {}", invitation.expires_at.to_rfc3339()),
            )
            .with_hint(ask_again))
        }
        Err(StorageError::Conflict(Conflict::InvitationUsed)) => {
            return Err(Error::conflict("invitation_used", "this single-use link was already accepted")
                .with_hint(ask_again))
        }
        Err(other) => return Err(other.into()),
    };
    let created = stored.id == relationship.id;
    Ok(Accepted { relationship: details(ctx, stored).await?, created })
}

// ------------------------------------------------------------------------------------------
// Relationships
// ------------------------------------------------------------------------------------------

/// A relationship with both sides' names: that is what consent shares between them.
#[derive(Debug, Clone)]
pub struct RelationshipDetails {
    pub relationship: Relationship,
    pub partner_name: String,
    pub customer_name: String,
}

impl RelationshipDetails {
    pub fn is_active(&self) -> bool {
        self.relationship.revoked_at.is_none()
    }
}

async fn details(ctx: &Ctx, relationship: Relationship) -> Result<RelationshipDetails, Error> {
    let partner = ctx.db().get_org(relationship.partner_org_id).await?;
    let customer = ctx.db().get_org(relationship.customer_org_id).await?;
    Ok(RelationshipDetails { relationship, partner_name: partner.name, customer_name: customer.name })
}

/// Every relationship the caller's organisation is a side of, newest first (any role).
pub async fn list_relationships(access: &Access) -> Result<Vec<RelationshipDetails>, Error> {
    let org = access.own_org(Role::Reader)?;
    let mut all = Vec::new();
    for relationship in org.ctx().db().list_relationships(org.org_id()).await? {
        all.push(details(org.ctx(), relationship).await?);
    }
    Ok(all)
}

/// One relationship the caller's organisation is a side of (any role).
pub async fn get_relationship(access: &Access, id: Uuid) -> Result<RelationshipDetails, Error> {
    let scope = access.relationship_scope(id, Role::Reader).await?;
    details(scope.ctx(), scope.relationship().clone()).await
}

/// How far back "recently" reaches in a relationship's health.
pub const HEALTH_WINDOW_DAYS: i64 = 30;

/// One relationship with what the partner did in it lately (docs/domain.md#relationship-health):
/// both sides see it.
pub async fn relationship_health(
    access: &Access,
    id: Uuid,
) -> Result<(RelationshipDetails, RelationshipHealth), Error> {
    let scope = access.relationship_scope(id, Role::Reader).await?;
    let since = Utc::now() - chrono::Duration::days(HEALTH_WINDOW_DAYS);
    let health = scope.ctx().db().relationship_health(scope.relationship(), since).await?;
    Ok((details(scope.ctx(), scope.relationship().clone()).await?, health))
}

/// Sets whether the partner's batches wait for the customer's approval
/// (docs/domain.md#approval-queue): the customer's admins only, on an active relationship.
/// Batches already submitted keep the mode they were submitted under.
pub async fn set_approval_mode(
    access: &Access,
    id: Uuid,
    mode: ApprovalMode,
) -> Result<RelationshipDetails, Error> {
    let scope = access.relationship_scope(id, Role::Admin).await?;
    let relationship = scope.relationship();
    if relationship.customer_org_id != scope.org_id() {
        return Err(Error::forbidden_org_kind(
            "only the customer's admins choose whether a partner's batches wait for approval",
        ));
    }
    if relationship.revoked_at.is_some() {
        return Err(Error::conflict("relationship_revoked", format!("relationship {id} is revoked"))
            .with_hint("a revoked relationship registers nothing; there is nothing to approve"));
    }
    let audit = scope.ctx().event(
        "relationship.set_approval_mode",
        "relationship",
        id,
        Some(relationship.customer_org_id),
        serde_json::json!({ "from": relationship.approval_mode, "to": mode }),
    );
    let updated = scope
        .ctx()
        .db()
        .set_approval_mode(scope.org_id(), id, mode, &audit)
        .await
        .map_err(Error::or_not_found(Resource::Relationship, id))?;
    details(scope.ctx(), updated).await
}

/// Revokes a relationship; either side's admin may. Effective on the partner's next request;
/// devices already registered stay with the customer. Revoking a revoked relationship changes
/// nothing (docs/domain.md#consent).
pub async fn revoke_relationship(access: &Access, id: Uuid) -> Result<(), Error> {
    let scope = access.relationship_scope(id, Role::Admin).await?;
    let relationship = scope.relationship();
    if relationship.revoked_at.is_some() {
        return Ok(());
    }
    let audit = scope.ctx().event(
        "relationship.revoke",
        "relationship",
        id,
        Some(relationship.customer_org_id),
        serde_json::json!({ "partner_org_id": relationship.partner_org_id }),
    );
    scope
        .ctx()
        .db()
        .revoke_relationship(scope.org_id(), id, Utc::now(), &audit)
        .await
        .map_err(Error::or_not_found(Resource::Relationship, id))
}

// ------------------------------------------------------------------------------------------
// Customers
// ------------------------------------------------------------------------------------------

/// A customer the caller works for, and the active relationship that allows it.
#[derive(Debug, Clone)]
pub struct Customer {
    pub org: Organisation,
    pub relationship: Relationship,
}

/// Customers with an active relationship to the caller (partner/OEM organisations).
pub async fn list_customers(access: &Access) -> Result<Vec<Customer>, Error> {
    access.require_org_kind(&[OrgKind::Partner, OrgKind::Oem], "listing customers")?;
    let org = access.own_org(Role::Reader)?;
    let db = org.ctx().db();
    let mut customers = Vec::new();
    for relationship in db.list_relationships(org.org_id()).await? {
        if relationship.revoked_at.is_some() || relationship.partner_org_id != org.org_id() {
            continue;
        }
        let customer = db.get_org(relationship.customer_org_id).await?;
        customers.push(Customer { org: customer, relationship });
    }
    Ok(customers)
}

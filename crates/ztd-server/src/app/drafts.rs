//! Upload drafts (docs/portal.md#repair-in-the-browser): a file a person uploaded in the portal
//! that had problems, kept for an hour so the portal can let them download its problems and a
//! repaired copy, and repair and check it again, without the browser sending the file twice
//! (it cannot send a file it was never given).
//!
//! Decisions:
//! - In the database, not on a server's disk or in its memory: any instance behind the load
//!   balancer answers the next request (docs/operations.md#several-instances).
//! - Scoped to the person and the organisation: only who uploaded it reads it back, and every
//!   read asks the access layer for the customer again (`Need::Register`), so a revoked
//!   relationship or a lowered role ends the access at once.
//! - Short-lived and bounded: one hour ([`LIFETIME`]), the [`PER_PERSON`] newest per person,
//!   files up to [`MAX_BYTES`]; a new draft deletes the expired ones in its own transaction, so
//!   no sweeper is needed.
//! - Nothing in a draft is registered: registering goes through [`super::registration`] like
//!   any upload.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;
use ztd_storage::{StorageError, UploadDraft};

use super::access::{Access, Need};
use super::Error;

/// How long a draft is kept.
pub const LIFETIME: Duration = Duration::hours(1);
/// Drafts kept per person (the newest).
pub const PER_PERSON: u32 = 5;
/// The largest file kept as a draft (a 1,000-row Partner Center file is about 4 MB).
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

/// A kept upload.
#[derive(Debug, Clone)]
pub struct Draft {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub file_name: String,
    pub content: Vec<u8>,
    pub expires_at: DateTime<Utc>,
}

impl From<UploadDraft> for Draft {
    fn from(draft: UploadDraft) -> Self {
        Self {
            id: draft.id,
            customer_id: draft.customer_id,
            file_name: draft.file_name,
            content: draft.content,
            expires_at: draft.expires_at,
        }
    }
}

/// The person behind a portal session; drafts are not for API keys.
fn person(access: &Access) -> Result<Uuid, Error> {
    let caller = access.caller();
    if caller.session.is_none() {
        return Err(Error::forbidden(
            "portal_only",
            "upload drafts belong to a person signed in to the portal",
        ));
    }
    Ok(caller.actor.id)
}

/// Keeps `content` as a draft of this person for `customer_id` (who must be reachable with
/// `Need::Register`).
pub async fn keep(
    access: &Access,
    customer_id: Uuid,
    file_name: &str,
    content: Vec<u8>,
) -> Result<Draft, Error> {
    let scope = access.customer_scope(customer_id, Need::Register).await?;
    let user_id = person(access)?;
    if content.len() > MAX_BYTES {
        return Err(Error::TooLarge { limit: MAX_BYTES });
    }
    let created_at = Utc::now();
    let draft = UploadDraft {
        id: Uuid::new_v4(),
        org_id: access.org_id(),
        user_id,
        customer_id: scope.customer_id(),
        file_name: file_name.chars().take(255).collect(),
        content,
        created_at,
        expires_at: created_at + LIFETIME,
    };
    scope.ctx().db().create_upload_draft(&draft, PER_PERSON).await?;
    Ok(draft.into())
}

/// This person's draft `id` for `customer_id`. A missing, expired, or someone else's draft is
/// `Gone` (`upload_draft_expired`): the person uploads the file again.
pub async fn open(access: &Access, customer_id: Uuid, id: Uuid) -> Result<Draft, Error> {
    let scope = access.customer_scope(customer_id, Need::Register).await?;
    let user_id = person(access)?;
    let expired = || {
        Error::gone(
            "upload_draft_expired",
            "this upload is no longer kept (uploads with problems are kept for an hour)",
        )
        .with_hint("choose the file and upload it again")
    };
    match scope.ctx().db().get_upload_draft(access.org_id(), user_id, id, Utc::now()).await {
        Ok(draft) if draft.customer_id == customer_id => Ok(draft.into()),
        Ok(_) | Err(StorageError::NotFound) => Err(expired()),
        Err(other) => Err(other.into()),
    }
}

//! The approval queue (docs/domain.md#approval-queue): under a relationship in `review` mode a
//! partner's batch waits as `awaiting_approval`, nothing registered, until one of the
//! customer's admins approves it (it is queued and processed as usual) or rejects it (final,
//! nothing registered). The mode is set in [`super::consent::set_approval_mode`]; revoking the
//! relationship rejects what waits (storage does it in the revocation's transaction).

use chrono::Utc;
use uuid::Uuid;
use ztd_storage::{Batch, BatchDecision, Conflict, OrgKind, StorageError};

use super::access::{Access, CustomerScope, Need};
use super::{Error, Resource};
use crate::worker::BatchWakeup;

/// Longest rejection reason kept.
pub const MAX_REASON_LEN: usize = 500;

/// What the customer's admins need for the queue: the customer's own scope, as an admin.
async fn queue_scope(access: &Access) -> Result<CustomerScope, Error> {
    access.require_org_kind(&[OrgKind::Customer], "approving or rejecting batches")?;
    access.customer_scope(access.org_id(), Need::Manage).await
}

/// Approves a waiting batch: it is queued and the workers process it as any other.
pub async fn approve(access: &Access, batch_id: Uuid, wakeup: &BatchWakeup) -> Result<Batch, Error> {
    let batch = decide(access, batch_id, true, None).await?;
    wakeup.batch_queued();
    Ok(batch)
}

/// Rejects a waiting batch: final, nothing registered; each row fails with `batch_rejected`
/// and the reason, which the submitter sees.
pub async fn reject(access: &Access, batch_id: Uuid, reason: Option<String>) -> Result<Batch, Error> {
    let reason = reason.map(|reason| reason.trim().to_owned()).filter(|reason| !reason.is_empty());
    if let Some(reason) = &reason {
        if reason.chars().count() > MAX_REASON_LEN {
            return Err(Error::invalid(
                "invalid_reason",
                format!(
                    "the reason is {} characters long; at most {MAX_REASON_LEN} are kept",
                    reason.chars().count()
                ),
            )
            .with_hint("say briefly why; the partner sees it on each row"));
        }
    }
    decide(access, batch_id, false, reason).await
}

async fn decide(
    access: &Access,
    batch_id: Uuid,
    approve: bool,
    reason: Option<String>,
) -> Result<Batch, Error> {
    let scope = queue_scope(access).await?;
    let customer_id = scope.customer_id();
    let decision = BatchDecision {
        approve,
        reason: reason.clone(),
        decided_by_id: Some(access.caller().actor.id),
        at: Utc::now(),
    };
    let audit = scope.ctx().event(
        if approve { "device_batch.approve" } else { "device_batch.reject" },
        "device_batch",
        batch_id,
        Some(customer_id),
        serde_json::json!({ "reason": reason }),
    );
    match scope.ctx().db().decide_batch(customer_id, batch_id, &decision, &audit).await {
        Ok(batch) => Ok(batch),
        Err(StorageError::NotFound) => Err(Error::not_found(Resource::Batch, batch_id)),
        Err(StorageError::Conflict(Conflict::BatchNotAwaiting)) => Err(Error::conflict(
            "batch_not_awaiting_approval",
            format!("batch {batch_id} is not waiting for approval"),
        )
        .with_hint("only a batch in the approval queue can be approved or rejected; it was decided already or never waited")),
        Err(StorageError::Conflict(Conflict::UploadInProgress)) => Err(Error::conflict(
            "upload_in_progress",
            format!("batch {batch_id} is still being uploaded"),
        )
        .with_hint("decide once the upload has finished and every row can be seen")),
        Err(other) => Err(other.into()),
    }
}

/// What waits for the caller's organisation: batches in its approval queue and release
/// requests for its devices (the menu's counts). Zero for organisations that are not customers
/// and for callers who cannot decide (not admins).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waiting {
    pub batches: i64,
    pub release_requests: i64,
}

pub async fn waiting(access: &Access) -> Result<Waiting, Error> {
    let Ok(scope) = queue_scope(access).await else { return Ok(Waiting::default()) };
    let db = scope.ctx().db();
    Ok(Waiting {
        batches: db.count_awaiting(scope.customer_id()).await?,
        release_requests: db.count_pending_release_requests(scope.customer_id()).await?,
    })
}

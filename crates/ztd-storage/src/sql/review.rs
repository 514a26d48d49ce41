//! The approval queue, void and release requests (docs/domain.md#approval-queue,
//! #orders-and-void, #release-requests): the SQL behind `BatchStore::decide_batch` and
//! `void_batch`, and `ReleaseStore`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;
use ztd_domain::codes::RowError;

use super::common::*;
use super::Store;
use crate::sql::*;
use crate::*;

/// Moves a batch waiting for approval to `queued` or, rejected, to its final `rejected` with
/// every row failed as `batch_rejected`. `Conflict(BatchNotAwaiting)` if it no longer waits.
pub(super) async fn decide_waiting_batch(
    tx: &mut Tx,
    batch_id: Uuid,
    decision: &BatchDecision,
) -> Result<Batch> {
    let (status, finished_at) = if decision.approve {
        (BatchStatus::Queued, None)
    } else {
        (BatchStatus::Rejected, Some(decision.at))
    };
    let decided = sqlx::query_as::<_, Batch>(&format!(
        "UPDATE batches SET status = $2, decided_at = $3, decided_by_id = $4, rejection_reason = $5, \
         finished_at = $6 WHERE id = $1 AND status = 'awaiting_approval' RETURNING {BATCH_COLUMNS}"
    ))
    .bind(batch_id)
    .bind(status)
    .bind(decision.at)
    .bind(decision.decided_by_id)
    .bind(decision.reason.as_deref())
    .bind(finished_at)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StorageError::Conflict(Conflict::BatchNotAwaiting))?;
    if decision.approve {
        return Ok(decided);
    }
    let error = RowError::batch_rejected(decision.reason.as_deref());
    let failed = sqlx::query(
        "UPDATE batch_items SET status = 'failed', error_code = $2, error_message = $3, error_hint = $4 \
         WHERE batch_id = $1 AND status = 'pending'",
    )
    .bind(batch_id)
    .bind(error.code.as_str())
    .bind(&error.message)
    .bind(error.hint.as_deref())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(sqlx::query_as::<_, Batch>(&format!(
        "UPDATE batches SET failed = failed + $2 WHERE id = $1 RETURNING {BATCH_COLUMNS}"
    ))
    .bind(batch_id)
    .bind(i64::try_from(failed).unwrap_or(i64::MAX))
    .fetch_one(&mut **tx)
    .await?)
}

/// The submitter's copy of a decision on its batch, when the submitter is a partner: the same
/// action on the partner's own trail, done "by the system" so it names no person of the
/// customer (the customer's trail has the original).
pub(super) fn submitter_copy(decision: &NewAuditEvent, batch: &Batch) -> Option<NewAuditEvent> {
    (batch.submitted_by_org_id != batch.customer_id).then(|| NewAuditEvent {
        actor_kind: ActorKind::System,
        actor_id: None,
        actor_org_id: None,
        tenant_org_id: Some(batch.submitted_by_org_id),
        ..decision.clone()
    })
}

impl Store {
    pub(super) async fn decide_batch_in_tx(
        &self,
        customer_id: Uuid,
        batch_id: Uuid,
        decision: &BatchDecision,
        audit: &NewAuditEvent,
    ) -> Result<Batch> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let (status, receiving) = sqlx::query_as::<_, (BatchStatus, bool)>(&format!(
                "SELECT status, receiving FROM batches WHERE id = $1 AND customer_id = $2{}",
                Store::FOR_UPDATE
            ))
            .bind(batch_id)
            .bind(customer_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::NotFound)?;
            if status != BatchStatus::AwaitingApproval {
                return Err(StorageError::Conflict(Conflict::BatchNotAwaiting));
            }
            if receiving {
                return Err(StorageError::Conflict(Conflict::UploadInProgress));
            }
            let decided = decide_waiting_batch(&mut tx, batch_id, decision).await?;
            insert_audit(&mut tx, audit).await?;
            if let Some(copy) = submitter_copy(audit, &decided) {
                insert_audit(&mut tx, &copy).await?;
            }
            Ok(decided)
        }
        .await;
        settle(tx, result).await
    }

    pub(super) async fn void_batch_in_tx(
        &self,
        submitter: Uuid,
        batch_id: Uuid,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
        device_audit: &NewAuditEvent,
    ) -> Result<VoidOutcome> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let batch = sqlx::query_as::<_, Batch>(&format!(
                "SELECT {BATCH_COLUMNS} FROM batches WHERE id = $1 AND submitted_by_org_id = $2{}",
                Store::FOR_UPDATE
            ))
            .bind(batch_id)
            .bind(submitter)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::NotFound)?;
            // A partner voids only while it may still act on the customer's tenant.
            if !consent_active(&mut tx, submitter, batch.customer_id, Store::FOR_SHARE).await? {
                return Err(StorageError::NotFound);
            }
            if !matches!(batch.status, BatchStatus::Finished | BatchStatus::FinishedWithErrors) {
                return Err(StorageError::Conflict(Conflict::BatchNotFinished));
            }
            let voided = sqlx::query_as::<_, Device>(&format!(
                "UPDATE devices SET state = 'deregistered', deregistered_at = $2, updated_at = $2 \
                 WHERE batch_id = $1 AND state IN ('registered', 'unassigned') RETURNING {DEVICE_COLUMNS}"
            ))
            .bind(batch_id)
            .bind(at)
            .fetch_all(&mut *tx)
            .await?;
            let not_voided = sqlx::query_as::<_, Device>(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices WHERE batch_id = $1 AND state = 'active'"
            ))
            .bind(batch_id)
            .fetch_all(&mut *tx)
            .await?;
            let batch = sqlx::query_as::<_, Batch>(&format!(
                "UPDATE batches SET voided_at = $2 WHERE id = $1 RETURNING {BATCH_COLUMNS}"
            ))
            .bind(batch_id)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            let device_events: Vec<NewAuditEvent> = voided
                .iter()
                .map(|device| NewAuditEvent {
                    target_id: Some(device.id.to_string()),
                    details: serde_json::json!({
                        "serial_number": device.serial_number,
                        "group_tag": device.group_tag,
                        "voided_batch": batch_id.to_string(),
                    }),
                    ..device_audit.clone()
                })
                .collect();
            let mut events: Vec<&NewAuditEvent> = vec![audit];
            events.extend(device_events.iter());
            insert_audits(&mut tx, &events).await?;
            Ok(VoidOutcome { batch, voided, not_voided })
        }
        .await;
        settle(tx, result).await
    }
}

const RELEASE_COLUMNS: &str =
    "id, requester_org_id, requested_by_kind, requested_by_id, device_id, owner_org_id, \
     status, created_at, decided_at, decided_by_id";

#[async_trait]
impl ReleaseStore for Store {
    async fn create_release_request(&self, request: &ReleaseRequest, audit: &[NewAuditEvent]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            sqlx::query(&format!(
                "INSERT INTO release_requests ({RELEASE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            ))
            .bind(request.id)
            .bind(request.requester_org_id)
            .bind(request.requested_by_kind)
            .bind(request.requested_by_id)
            .bind(request.device_id)
            .bind(request.owner_org_id)
            .bind(request.status)
            .bind(request.created_at)
            .bind(request.decided_at)
            .bind(request.decided_by_id)
            .execute(&mut *tx)
            .await
            .map_err(map_err(Conflict::ReleaseRequestOpen))?;
            insert_audits(&mut tx, &audit.iter().collect::<Vec<_>>()).await?;
            Ok(())
        }
        .await;
        settle(tx, result).await
    }

    async fn list_outgoing_release_requests(&self, org_id: Uuid) -> Result<Vec<ReleaseRequest>> {
        Ok(sqlx::query_as::<_, ReleaseRequest>(&format!(
            "SELECT {RELEASE_COLUMNS} FROM release_requests WHERE requester_org_id = $1 \
             ORDER BY created_at DESC, id LIMIT 1000"
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn list_incoming_release_requests(&self, org_id: Uuid) -> Result<Vec<IncomingReleaseRequest>> {
        let rows = sqlx::query_as::<_, IncomingRow>(&format!(
            "{} WHERE r.owner_org_id = $1 ORDER BY r.created_at DESC, r.id LIMIT 1000",
            incoming_select()
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(IncomingReleaseRequest::from).collect())
    }

    async fn get_incoming_release_request(&self, org_id: Uuid, id: Uuid) -> Result<IncomingReleaseRequest> {
        sqlx::query_as::<_, IncomingRow>(&format!(
            "{} WHERE r.owner_org_id = $1 AND r.id = $2",
            incoming_select()
        ))
        .bind(org_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .map(IncomingReleaseRequest::from)
        .ok_or(StorageError::NotFound)
    }

    async fn count_pending_release_requests(&self, org_id: Uuid) -> Result<i64> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM release_requests WHERE owner_org_id = $1 AND status = 'pending'",
        )
        .bind(org_id)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn decide_release_request(
        &self,
        owner_org_id: Uuid,
        id: Uuid,
        decision: &ReleaseDecision,
        audit: &[NewAuditEvent],
        deregister_audit: &NewAuditEvent,
    ) -> Result<ReleaseRequest> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let status = sqlx::query_scalar::<_, ReleaseStatus>(&format!(
                "SELECT status FROM release_requests WHERE id = $1 AND owner_org_id = $2{}",
                Store::FOR_UPDATE
            ))
            .bind(id)
            .bind(owner_org_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::NotFound)?;
            if status != ReleaseStatus::Pending {
                return Err(StorageError::Conflict(Conflict::ReleaseRequestDecided));
            }
            let decided = sqlx::query_as::<_, ReleaseRequest>(&format!(
                "UPDATE release_requests SET status = $2, decided_at = $3, decided_by_id = $4 \
                 WHERE id = $1 RETURNING {RELEASE_COLUMNS}"
            ))
            .bind(id)
            .bind(if decision.approve { ReleaseStatus::Approved } else { ReleaseStatus::Denied })
            .bind(decision.at)
            .bind(decision.decided_by_id)
            .fetch_one(&mut *tx)
            .await?;
            insert_audits(&mut tx, &audit.iter().collect::<Vec<_>>()).await?;
            if decision.approve {
                // Still live and still the owner's: a device deregistered meanwhile is free already.
                let released = sqlx::query_scalar::<_, Uuid>(
                    "UPDATE devices SET state = 'deregistered', deregistered_at = $3, updated_at = $3 \
                     WHERE id = $1 AND customer_id = $2 AND deregistered_at IS NULL RETURNING id",
                )
                .bind(decided.device_id)
                .bind(owner_org_id)
                .bind(decision.at)
                .fetch_optional(&mut *tx)
                .await?;
                if released.is_some() {
                    insert_audit(&mut tx, deregister_audit).await?;
                }
            }
            Ok(decided)
        }
        .await;
        settle(tx, result).await
    }
}

/// A request joined with who asked and the device it is about, aliased `r`.
fn incoming_select() -> String {
    format!(
        "SELECT {}, o.name AS requester_name, d.serial_number, d.model \
         FROM release_requests r JOIN organisations o ON o.id = r.requester_org_id \
         JOIN devices d ON d.id = r.device_id",
        RELEASE_COLUMNS.split(", ").map(|column| format!("r.{column}")).collect::<Vec<_>>().join(", ")
    )
}

impl From<IncomingRow> for IncomingReleaseRequest {
    fn from(row: IncomingRow) -> Self {
        Self {
            request: row.request,
            requester_name: row.requester_name,
            serial_number: row.serial_number,
            model: row.model,
        }
    }
}

#[derive(sqlx::FromRow)]
struct IncomingRow {
    #[sqlx(flatten)]
    request: ReleaseRequest,
    requester_name: String,
    serial_number: Option<String>,
    model: Option<String>,
}

//! Batches, their items and the chunk processing of the workers (`BatchStore`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row};
use std::collections::HashSet;
use uuid::Uuid;

use super::common::*;
use super::{Db, Store};
use crate::registration::Refusal;
use crate::sql::*;
use crate::*;
use ztd_domain::codes::RowError;

#[async_trait]
impl BatchStore for Store {
    async fn create_batch(
        &self,
        batch: &Batch,
        items: &[BatchItem],
        audit: &NewAuditEvent,
    ) -> Result<(Batch, bool)> {
        self.insert_batch(batch, Some(items), audit).await
    }

    async fn open_batch(&self, batch: &Batch, audit: &NewAuditEvent) -> Result<(Batch, bool)> {
        self.insert_batch(batch, None, audit).await
    }

    async fn append_batch_items(&self, batch_id: Uuid, items: &[BatchItem]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            // Rows of a batch still receiving are invisible to workers until
            // `seal_batch`, whose synchronous commit flushes every earlier append; a
            // crash before it leaves the batch unsealed, so it is never processed.
            if let Some(setup) = Store::CHUNK_TRANSACTION_SETUP {
                sqlx::query(setup).execute(&mut *tx).await?;
            }
            let (receiving, customer_id, submitter) = sqlx::query_as::<_, (bool, Uuid, Uuid)>(&format!(
                "SELECT receiving, customer_id, submitted_by_org_id FROM batches WHERE id = $1{}",
                Store::FOR_UPDATE
            ))
            .bind(batch_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::NotFound)?;
            if !receiving {
                return Err(StorageError::Conflict(Conflict::BatchSealed));
            }
            if !consent_active(&mut tx, submitter, customer_id, Store::FOR_SHARE).await? {
                return Err(StorageError::ConsentRevoked);
            }
            insert_batch_items(&mut tx, batch_id, items).await?;
            sqlx::query("UPDATE batches SET received_at = $2 WHERE id = $1")
                .bind(batch_id)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?;
            Ok(())
        }
        .await;
        settle(tx, result).await
    }

    async fn discard_stale_uploads(&self, stale_before: DateTime<Utc>) -> Result<Vec<Uuid>> {
        let stale = sqlx::query_as::<_, Batch>(&format!(
            "SELECT {BATCH_COLUMNS} FROM batches WHERE receiving = $1 AND COALESCE(received_at, created_at) < $2"
        ))
        .bind(true)
        .bind(stale_before)
        .fetch_all(&self.pool)
        .await?;
        let mut discarded = Vec::new();
        for batch in stale {
            // Re-checked under the row lock: a late append or a seal since keeps the batch.
            let mut tx = self.begin_write().await?;
            let result: Result<bool> = async {
                let still = sqlx::query_scalar::<_, Uuid>(&format!(
                    "SELECT id FROM batches WHERE id = $1 AND receiving = $2 AND COALESCE(received_at, created_at) < $3{}",
                    Store::FOR_UPDATE
                ))
                .bind(batch.id)
                .bind(true)
                .bind(stale_before)
                .fetch_optional(&mut *tx)
                .await?;
                if still.is_none() {
                    return Ok(false);
                }
                delete_batch(&mut tx, batch.id).await?;
                insert_audit(&mut tx, &stale_discard_audit(&batch)).await?;
                Ok(true)
            }
            .await;
            if settle(tx, result).await? {
                discarded.push(batch.id);
            }
        }
        Ok(discarded)
    }

    async fn seal_batch(&self, batch_id: Uuid) -> Result<Batch> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let (customer_id, submitter) = sqlx::query_as::<_, (Uuid, Uuid)>(&format!(
                "SELECT customer_id, submitted_by_org_id FROM batches WHERE id = $1{}",
                Store::FOR_UPDATE
            ))
            .bind(batch_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::NotFound)?;
            if !consent_active(&mut tx, submitter, customer_id, Store::FOR_SHARE).await? {
                return Err(StorageError::ConsentRevoked);
            }
            let sealed = sqlx::query_as::<_, Batch>(&format!(
                "UPDATE batches SET receiving = $2, \
                 total = (SELECT COUNT(*) FROM batch_items WHERE batch_id = $1) \
                 WHERE id = $1 RETURNING {BATCH_COLUMNS}"
            ))
            .bind(batch_id)
            .bind(false)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::NotFound)?;
            // A batch waiting for approval is announced once it is whole.
            if sealed.status == BatchStatus::AwaitingApproval {
                insert_audit(&mut tx, &awaiting_audit(&sealed)).await?;
            }
            Ok(sealed)
        }
        .await;
        settle(tx, result).await
    }

    async fn discard_open_batch(&self, batch_id: Uuid, audit: &NewAuditEvent) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let receiving = sqlx::query_scalar::<_, bool>(&format!(
                "SELECT receiving FROM batches WHERE id = $1{}",
                Store::FOR_UPDATE
            ))
            .bind(batch_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::NotFound)?;
            if !receiving {
                return Err(StorageError::Conflict(Conflict::BatchSealed));
            }
            delete_batch(&mut tx, batch_id).await?;
            insert_audit(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        settle(tx, result).await
    }

    async fn get_batch(&self, owner: &Owner, id: Uuid) -> Result<Batch> {
        let mut query = QueryBuilder::<Db>::new(format!("SELECT {BATCH_COLUMNS} FROM batches WHERE id = "));
        query.push_bind(id);
        push_owner(&mut query, owner, "batches.customer_id", "batches.submitted_by_org_id");
        query.build_query_as::<Batch>().fetch_optional(&self.pool).await?.ok_or(StorageError::NotFound)
    }

    async fn list_batch_items(
        &self,
        owner: &Owner,
        batch_id: Uuid,
        after_row: Option<i64>,
        limit: u32,
    ) -> Result<Vec<BatchItem>> {
        let mut reachable = QueryBuilder::<Db>::new("SELECT id FROM batches WHERE id = ");
        reachable.push_bind(batch_id);
        push_owner(&mut reachable, owner, "batches.customer_id", "batches.submitted_by_org_id");
        reachable.build().fetch_optional(&self.pool).await?.ok_or(StorageError::NotFound)?;
        Ok(sqlx::query_as::<_, BatchItemRow>(&format!(
            "{BATCH_ITEM_SELECT} WHERE i.batch_id = $1 AND i.row_no > $2 ORDER BY i.row_no LIMIT $3"
        ))
        .bind(batch_id)
        .bind(after_row.unwrap_or(i64::MIN))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(BatchItem::from)
        .collect())
    }

    async fn claim_batch(
        &self,
        worker_id: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<Batch>> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let claimed = sqlx::query_as::<_, Batch>(&format!(
                "UPDATE batches SET status = 'processing', started_at = COALESCE(started_at, $1), \
                 locked_by = $2, lease_until = $3 \
                 WHERE id = (SELECT b.id FROM batches b WHERE {} \
                     ORDER BY {}, COALESCE(b.lease_until, b.created_at), b.id \
                     LIMIT 1{}) \
                 RETURNING {BATCH_COLUMNS}",
                claimable("b", "$1"),
                live_leases("b", "$1"),
                Store::FOR_UPDATE_SKIP_LOCKED
            ))
            .bind(now)
            .bind(worker_id)
            .bind(lease_until)
            .fetch_optional(&mut *tx)
            .await?;
            Ok(claimed)
        }
        .await;
        settle(tx, result).await
    }

    async fn yield_batch(&self, batch_id: Uuid, worker_id: &str, now: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let waiting = sqlx::query_scalar::<_, Uuid>(&format!(
                "SELECT b.id FROM batches b JOIN batches mine ON mine.id = $1 \
                     WHERE b.customer_id <> mine.customer_id AND {} AND {} < {} \
                     LIMIT 1",
                claimable("b", "$2"),
                live_leases("b", "$2"),
                live_leases("mine", "$2")
            ))
            .bind(batch_id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            if waiting.is_none() {
                return Ok(false);
            }
            // The lease ends now, so the claim order puts the batch behind those waiting.
            let given_back = sqlx::query(
                "UPDATE batches SET locked_by = NULL, lease_until = $3 \
                 WHERE id = $1 AND locked_by = $2 AND status = 'processing'",
            )
            .bind(batch_id)
            .bind(worker_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            Ok(given_back.rows_affected() == 1)
        }
        .await;
        settle(tx, result).await
    }

    async fn pending_items(&self, batch_id: Uuid, limit: u32) -> Result<Vec<BatchItem>> {
        Ok(sqlx::query_as::<_, BatchItemRow>(&format!(
            "{BATCH_ITEM_SELECT} WHERE i.batch_id = $1 AND i.status = 'pending' \
             ORDER BY i.row_no LIMIT $2"
        ))
        .bind(batch_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(BatchItem::from)
        .collect())
    }

    async fn process_chunk(
        &self,
        batch: &Batch,
        items: &[ChunkItem],
        lease_until: DateTime<Utc>,
    ) -> Result<Vec<(i64, ItemStatus, Option<Uuid>)>> {
        let mut attempt = 0;
        loop {
            match self.process_chunk_once(batch, items, lease_until).await {
                Err(err) if is_transient(&err) && attempt < TRANSIENT_RETRIES => {
                    attempt += 1;
                    tracing::debug!(batch_id = %batch.id, attempt, "retrying chunk after a transient error");
                    tokio::time::sleep(std::time::Duration::from_millis(10 * u64::from(attempt))).await;
                }
                other => return other,
            }
        }
    }

    async fn list_batches(
        &self,
        owner: &Owner,
        customer_id: Uuid,
        status: Option<BatchStatus>,
        before: Option<DateTime<Utc>>,
        limit: u32,
    ) -> Result<Vec<Batch>> {
        let mut query =
            QueryBuilder::<Db>::new(format!("SELECT {BATCH_COLUMNS} FROM batches WHERE customer_id = "));
        query.push_bind(customer_id);
        push_owner(&mut query, owner, "batches.customer_id", "batches.submitted_by_org_id");
        // An upload still streaming is not a batch anyone can act on yet.
        query.push(" AND receiving = ").push_bind(false);
        if let Some(status) = status {
            query.push(" AND status = ").push_bind(status);
        }
        if let Some(before) = before {
            query.push(" AND created_at < ").push_bind(before);
        }
        query.push(" ORDER BY created_at DESC, id LIMIT ").push_bind(i64::from(limit.max(1)));
        Ok(query.build_query_as::<Batch>().fetch_all(&self.pool).await?)
    }

    async fn list_batch_history(
        &self,
        reach: &BatchReach,
        before: Option<(DateTime<Utc>, Uuid)>,
        limit: u32,
    ) -> Result<Vec<BatchListing>> {
        let columns =
            BATCH_COLUMNS.split(',').map(|column| format!("b.{}", column.trim())).collect::<Vec<_>>();
        let mut query = QueryBuilder::<Db>::new(format!(
            "SELECT {}, c.name AS listing_customer_name, s.name AS listing_submitter_name, \
             CASE WHEN b.actor_kind = 'user' THEN u.email WHEN b.actor_kind = 'api_key' THEN k.name END \
             AS listing_submitted_by \
             FROM batches b \
             JOIN organisations c ON c.id = b.customer_id \
             JOIN organisations s ON s.id = b.submitted_by_org_id \
             LEFT JOIN users u ON b.actor_kind = 'user' AND u.id = b.actor_id \
             LEFT JOIN api_keys k ON b.actor_kind = 'api_key' AND k.id = b.actor_id \
             WHERE b.receiving = ",
            columns.join(", ")
        ));
        query.push_bind(false);
        match *reach {
            BatchReach::Tenant(customer_id) => {
                query.push(" AND b.customer_id = ").push_bind(customer_id);
            }
            BatchReach::Submitter { org_id, customer_id } => {
                query.push(" AND b.submitted_by_org_id = ").push_bind(org_id);
                if let Some(customer_id) = customer_id {
                    query.push(" AND b.customer_id = ").push_bind(customer_id);
                }
            }
        }
        if let Some((at, id)) = before {
            query
                .push(" AND (b.created_at < ")
                .push_bind(at)
                .push(" OR (b.created_at = ")
                .push_bind(at)
                .push(" AND b.id < ")
                .push_bind(id)
                .push("))");
        }
        query.push(" ORDER BY b.created_at DESC, b.id DESC LIMIT ").push_bind(i64::from(limit.max(1)));
        let rows = query.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(BatchListing {
                    batch: <Batch as sqlx::FromRow<_>>::from_row(row)?,
                    customer_name: row.try_get("listing_customer_name")?,
                    submitter_org_name: row.try_get("listing_submitter_name")?,
                    submitted_by: row.try_get("listing_submitted_by")?,
                })
            })
            .collect()
    }

    async fn count_awaiting(&self, customer_id: Uuid) -> Result<i64> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM batches WHERE customer_id = $1 AND status = 'awaiting_approval' \
             AND receiving = $2",
        )
        .bind(customer_id)
        .bind(false)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn decide_batch(
        &self,
        customer_id: Uuid,
        batch_id: Uuid,
        decision: &BatchDecision,
        audit: &NewAuditEvent,
    ) -> Result<Batch> {
        self.decide_batch_in_tx(customer_id, batch_id, decision, audit).await
    }

    async fn void_batch(
        &self,
        submitter: Uuid,
        batch_id: Uuid,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
        device_audit: &NewAuditEvent,
    ) -> Result<VoidOutcome> {
        self.void_batch_in_tx(submitter, batch_id, at, audit, device_audit).await
    }

    async fn finish_batch(&self, batch_id: Uuid, at: DateTime<Utc>, audit: &NewAuditEvent) -> Result<Batch> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let pending = sqlx::query(
                "SELECT row_no FROM batch_items WHERE batch_id = $1 AND status = 'pending' LIMIT 1",
            )
            .bind(batch_id)
            .fetch_optional(&mut *tx)
            .await?;
            if pending.is_some() {
                return Err(StorageError::Conflict(Conflict::BatchItemsPending));
            }
            let finished = sqlx::query_as::<_, Batch>(&format!(
                "UPDATE batches SET finished_at = $2, locked_by = NULL, lease_until = NULL, \
                 status = CASE WHEN failed = 0 THEN 'finished' ELSE 'finished_with_errors' END \
                 WHERE id = $1 AND status IN ('queued', 'processing') RETURNING {BATCH_COLUMNS}"
            ))
            .bind(batch_id)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(finished) = finished else {
                // Already finished (by a worker that lost its lease): exactly once, no second audit.
                return sqlx::query_as::<_, Batch>(&format!(
                    "SELECT {BATCH_COLUMNS} FROM batches WHERE id = $1"
                ))
                .bind(batch_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StorageError::NotFound);
            };
            insert_audit(&mut tx, audit).await?;
            Ok(finished)
        }
        .await;
        settle(tx, result).await
    }

    async fn create_upload_draft(&self, draft: &UploadDraft, keep_per_person: u32) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            sqlx::query("DELETE FROM upload_drafts WHERE expires_at <= $1")
                .bind(draft.created_at)
                .execute(&mut *tx)
                .await?;
            sqlx::query(&format!(
                "INSERT INTO upload_drafts ({UPLOAD_DRAFT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            ))
            .bind(draft.id)
            .bind(draft.org_id)
            .bind(draft.user_id)
            .bind(draft.customer_id)
            .bind(&draft.file_name)
            .bind(&draft.content)
            .bind(draft.created_at)
            .bind(draft.expires_at)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "DELETE FROM upload_drafts WHERE user_id = $1 AND id NOT IN \
                 (SELECT id FROM upload_drafts WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2)",
            )
            .bind(draft.user_id)
            .bind(i64::from(keep_per_person))
            .execute(&mut *tx)
            .await?;
            Ok(())
        }
        .await;
        settle(tx, result).await
    }

    async fn get_upload_draft(
        &self,
        org_id: Uuid,
        user_id: Uuid,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<UploadDraft> {
        sqlx::query_as::<_, UploadDraft>(&format!(
            "SELECT {UPLOAD_DRAFT_COLUMNS} FROM upload_drafts \
             WHERE id = $1 AND org_id = $2 AND user_id = $3 AND expires_at > $4"
        ))
        .bind(id)
        .bind(org_id)
        .bind(user_id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StorageError::NotFound)
    }

    async fn purge_expired_upload_drafts(&self, now: DateTime<Utc>) -> Result<u64> {
        let deleted = sqlx::query("DELETE FROM upload_drafts WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(deleted.rows_affected())
    }
}

const UPLOAD_DRAFT_COLUMNS: &str =
    "id, org_id, user_id, customer_id, file_name, content, created_at, expires_at";

impl Store {
    async fn batch_by_idempotency_key(&self, submitted_by_org_id: Uuid, key: &str) -> Result<Option<Batch>> {
        Ok(sqlx::query_as::<_, Batch>(&format!(
            "SELECT {BATCH_COLUMNS} FROM batches WHERE submitted_by_org_id = $1 AND idempotency_key = $2"
        ))
        .bind(submitted_by_org_id)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Stores a batch with all its items (`Some`), or open for streamed items (`None`).
    /// An idempotency key already used by the submitter returns that batch instead.
    async fn insert_batch(
        &self,
        batch: &Batch,
        items: Option<&[BatchItem]>,
        audit: &NewAuditEvent,
    ) -> Result<(Batch, bool)> {
        match self.insert_batch_once(batch, items, audit).await {
            // A concurrent retry with the same key won the race: return its batch.
            Err(StorageError::Conflict(Conflict::BatchIdempotencyKey)) => {
                let key = batch.idempotency_key.as_deref().unwrap_or_default();
                let existing = self
                    .batch_by_idempotency_key(batch.submitted_by_org_id, key)
                    .await?
                    .ok_or(StorageError::Conflict(Conflict::BatchIdempotencyKey))?;
                Ok((existing, false))
            }
            other => other,
        }
    }

    async fn insert_batch_once(
        &self,
        batch: &Batch,
        items: Option<&[BatchItem]>,
        audit: &NewAuditEvent,
    ) -> Result<(Batch, bool)> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            // Consent first: a partner whose relationship was revoked gets nothing,
            // not even the batch an idempotent retry would return.
            let Some(mode) =
                consent_mode(&mut tx, batch.submitted_by_org_id, batch.customer_id, Store::FOR_SHARE).await?
            else {
                return Err(StorageError::ConsentRevoked);
            };
            if let Some(key) = batch.idempotency_key.as_deref() {
                let existing = sqlx::query_as::<_, Batch>(&format!(
                    "SELECT {BATCH_COLUMNS} FROM batches \
                     WHERE submitted_by_org_id = $1 AND idempotency_key = $2"
                ))
                .bind(batch.submitted_by_org_id)
                .bind(key)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(existing) = existing {
                    let receiving =
                        sqlx::query_scalar::<_, bool>("SELECT receiving FROM batches WHERE id = $1")
                            .bind(existing.id)
                            .fetch_one(&mut *tx)
                            .await?;
                    if receiving {
                        // Never the answer to a retry: its rows may be incomplete.
                        return Err(StorageError::Conflict(Conflict::UploadInProgress));
                    }
                    return Ok((existing, false));
                }
            }
            // The relationship's approval mode at this moment decides, in the transaction
            // that checks consent (docs/domain.md#approval-queue).
            let mut batch = batch.clone();
            if mode == ApprovalMode::Review {
                batch.status = BatchStatus::AwaitingApproval;
            }
            let placeholders = (1..=26).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
            sqlx::query(&format!(
                "INSERT INTO batches ({BATCH_COLUMNS}, receiving, received_at) VALUES ({placeholders})"
            ))
            .bind(batch.id)
            .bind(batch.customer_id)
            .bind(batch.submitted_by_org_id)
            .bind(batch.actor_kind)
            .bind(batch.actor_id)
            .bind(batch.status)
            .bind(batch.default_group_tag.as_deref())
            .bind(batch.allow_unknown_tags)
            .bind(batch.idempotency_key.as_deref())
            .bind(batch.total)
            .bind(batch.registered)
            .bind(batch.unassigned)
            .bind(batch.failed)
            .bind(batch.created_at)
            .bind(batch.started_at)
            .bind(batch.finished_at)
            .bind(batch.order.order_number.as_deref())
            .bind(batch.order.purchase_order.as_deref())
            .bind(batch.order.ship_date)
            .bind(batch.decided_at)
            .bind(batch.decided_by_id)
            .bind(batch.rejection_reason.as_deref())
            .bind(batch.voided_at)
            .bind(batch.file_name.as_deref())
            .bind(items.is_none())
            .bind(items.is_none().then(Utc::now))
            .execute(&mut *tx)
            .await
            .map_err(map_err(Conflict::BatchIdempotencyKey))?;
            if let Some(items) = items {
                insert_batch_items(&mut tx, batch.id, items).await?;
            }
            insert_audit(&mut tx, audit).await?;
            if items.is_some() && batch.status == BatchStatus::AwaitingApproval {
                insert_audit(&mut tx, &awaiting_audit(&batch)).await?;
            }
            Ok((batch, true))
        }
        .await;
        settle(tx, result).await
    }
}

impl Store {
    async fn process_chunk_once(
        &self,
        batch: &Batch,
        items: &[ChunkItem],
        lease_until: DateTime<Utc>,
    ) -> Result<Vec<(i64, ItemStatus, Option<Uuid>)>> {
        let revoked = RowError::relationship_revoked();
        let other_tenant = RowError::registered_to_other_tenant();
        let duplicated = RowError::duplicated_in_batch();
        let already = RowError::already_registered();
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let rows = items.iter().map(ChunkItem::row);
            let (Some(first), Some(last)) = (rows.clone().min(), rows.max()) else {
                return Ok(Vec::new());
            };
            if let Some(setup) = Store::CHUNK_TRANSACTION_SETUP {
                sqlx::query(setup).execute(&mut *tx).await?;
            }
            // One chunk of a batch at a time: PostgreSQL locks the batch row, so a
            // worker that lost its lease waits for the new holder's chunk to commit and
            // then sees its rows as processed (SQLite has a single writer anyway).
            sqlx::query(&format!("SELECT id FROM batches WHERE id = $1{}", Store::FOR_UPDATE))
                .bind(batch.id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StorageError::NotFound)?;
            // Only items still pending are processed: a resumed batch skips what a
            // previous worker already committed.
            let pending: HashSet<i64> = sqlx::query_scalar::<_, i64>(
                "SELECT row_no FROM batch_items WHERE batch_id = $1 AND status = 'pending' \
                 AND row_no >= $2 AND row_no <= $3",
            )
            .bind(batch.id)
            .bind(first)
            .bind(last)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();

            // Consent is re-checked where the work happens: once the customer revoked the
            // partner, every row still pending fails and nothing is registered.
            let consent =
                consent_active(&mut tx, batch.submitted_by_org_id, batch.customer_id, Store::FOR_SHARE)
                    .await?;

            let now = Utc::now();
            let failed = |row, error| ItemOutcome { row, status: ItemStatus::Failed, device_id: None, error };
            let mut outcomes: Vec<ItemOutcome<'_>> = Vec::with_capacity(pending.len());
            // Sorted by identity so concurrent chunks take index locks in the same order.
            let mut registers: Vec<DeviceInsert<'_>> = Vec::new();
            let mut seen = HashSet::new();
            for item in items {
                let row = item.row();
                if !pending.contains(&row) || !seen.insert(row) {
                    continue;
                }
                match item {
                    _ if !consent => outcomes.push(failed(row, Some(&revoked))),
                    ChunkItem::Register { device, unassigned, .. } => registers.push(DeviceInsert {
                        row,
                        device,
                        unassigned: *unassigned,
                        id: Uuid::new_v4(),
                    }),
                    ChunkItem::Fail { error, .. } => outcomes.push(failed(row, Some(error))),
                }
            }
            registers.sort_by(|a, b| {
                (&a.device.hash_key, &a.device.tuple_key, &a.device.pkid_key).cmp(&(
                    &b.device.hash_key,
                    &b.device.tuple_key,
                    &b.device.pkid_key,
                ))
            });

            let mut inserted: HashSet<Uuid> = HashSet::with_capacity(registers.len());
            for part in registers.chunks(ROWS_PER_STATEMENT) {
                // The unique indexes decide: a row whose identity is taken is skipped
                // and its id not returned.
                inserted.extend(insert_devices_and_hashes(&mut tx, batch, part, now).await?);
            }

            for register in &registers {
                let DeviceInsert { row, device, unassigned, id } = register;
                let status = if *unassigned { ItemStatus::Unassigned } else { ItemStatus::Registered };
                if inserted.contains(id) {
                    outcomes.push(ItemOutcome { row: *row, status, device_id: Some(*id), error: None });
                    continue;
                }
                let mut holders = live_key_holders(
                    &mut *tx,
                    device.tuple_key.as_deref(),
                    device.pkid_key.as_deref(),
                    device.hash_key.as_deref(),
                )
                .await?;
                // A registration with the hardware hash wins over unverified ones (made from
                // printed facts alone) of the same device, in any tenant:
                // docs/domain.md#verified-and-unverified-registrations.
                if crate::registration::supersedes(&holders, device, Some(batch.id)) {
                    for holder in &holders {
                        supersede_unverified(&mut tx, holder, batch, now).await?;
                    }
                    let again =
                        insert_devices_and_hashes(&mut tx, batch, std::slice::from_ref(register), now)
                            .await?;
                    if again.contains(id) {
                        outcomes.push(ItemOutcome { row: *row, status, device_id: Some(*id), error: None });
                        continue;
                    }
                    holders = live_key_holders(
                        &mut *tx,
                        device.tuple_key.as_deref(),
                        device.pkid_key.as_deref(),
                        device.hash_key.as_deref(),
                    )
                    .await?;
                }
                let error = match crate::registration::refusal(&holders, batch.customer_id, Some(batch.id)) {
                    Refusal::OtherTenant => &other_tenant,
                    Refusal::DuplicatedInBatch => &duplicated,
                    Refusal::AlreadyRegistered => &already,
                };
                outcomes.push(failed(*row, Some(error)));
            }
            outcomes.sort_by_key(|o| o.row);

            for part in outcomes.chunks(ROWS_PER_STATEMENT) {
                Store::record_outcomes(&mut tx, batch.id, part).await?;
            }

            let count = |status| outcomes.iter().filter(|o| o.status == status).count() as i64;
            sqlx::query(
                "UPDATE batches SET registered = registered + $2, unassigned = unassigned + $3, \
                 failed = failed + $4, lease_until = $5 WHERE id = $1",
            )
            .bind(batch.id)
            .bind(count(ItemStatus::Registered))
            .bind(count(ItemStatus::Unassigned))
            .bind(count(ItemStatus::Failed))
            .bind(lease_until)
            .execute(&mut *tx)
            .await?;
            Ok(outcomes.into_iter().map(|o| (o.row, o.status, o.device_id)).collect())
        }
        .await;
        settle(tx, result).await
    }
}

/// SQL: `batch` (an alias) may be claimed at `now` (a parameter): queued and fully received, or
/// processing under a lease that ended (a crashed worker, or one given back).
fn claimable(batch: &str, now: &str) -> String {
    format!(
        "(({batch}.status = 'queued' AND NOT {batch}.receiving) \
         OR ({batch}.status = 'processing' AND {batch}.lease_until < {now}))"
    )
}

/// SQL counting the batches of the customer of `batch` (an alias) under a lease still live at
/// `now` (a parameter).
fn live_leases(batch: &str, now: &str) -> String {
    format!(
        "(SELECT COUNT(*) FROM batches held WHERE held.customer_id = {batch}.customer_id \
         AND held.status = 'processing' AND held.lease_until >= {now})"
    )
}

/// Removes a batch, items and all.
async fn delete_batch(tx: &mut Tx, batch_id: Uuid) -> Result<()> {
    for table in ["batch_item_inputs", "batch_items", "batches"] {
        let column = if table == "batches" { "id" } else { "batch_id" };
        sqlx::query(&format!("DELETE FROM {table} WHERE {column} = $1"))
            .bind(batch_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Inserts the devices that are free to register (`Backend::insert_devices`) and the hardware
/// hashes of those inserted, in the caller's transaction; returns the ids inserted.
async fn insert_devices_and_hashes(
    tx: &mut Tx,
    batch: &Batch,
    rows: &[DeviceInsert<'_>],
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>> {
    let inserted = Store::insert_devices(tx, batch, rows, now).await?;
    let new: HashSet<Uuid> = inserted.iter().copied().collect();
    let hashes: Vec<(Uuid, &str)> = rows
        .iter()
        .filter(|row| new.contains(&row.id))
        .filter_map(|row| row.device.hardware_hash.as_deref().map(|hash| (row.id, hash)))
        .collect();
    if !hashes.is_empty() {
        let mut insert = QueryBuilder::<Db>::new("INSERT INTO device_hashes (device_id, hardware_hash) ");
        insert.push_values(&hashes, |mut row, (id, hash)| {
            row.push_bind(*id).push_bind(*hash);
        });
        insert.build().execute(&mut **tx).await?;
    }
    Ok(inserted)
}

/// Deregisters an unverified registration that a registration carrying the device's hardware
/// hash replaces, with an event on the tenant it leaves that names neither the new tenant nor
/// its registrar. A holder changed meanwhile (verified, deregistered) is left alone; the
/// unique indexes then refuse the new row as before.
async fn supersede_unverified(tx: &mut Tx, holder: &KeyHolder, by: &Batch, at: DateTime<Utc>) -> Result<()> {
    let superseded = sqlx::query_scalar::<_, Uuid>(
        "UPDATE devices SET state = 'deregistered', deregistered_at = $2, updated_at = $2 \
         WHERE id = $1 AND state <> 'deregistered' AND NOT verified RETURNING id",
    )
    .bind(holder.device_id)
    .bind(at)
    .fetch_optional(&mut **tx)
    .await?;
    if superseded.is_none() {
        return Ok(());
    }
    let same_tenant = holder.customer_id == by.customer_id;
    insert_audit(
        tx,
        &NewAuditEvent {
            request_id: None,
            actor_kind: ActorKind::System,
            actor_id: None,
            actor_org_id: None,
            tenant_org_id: Some(holder.customer_id),
            action: "device.superseded".into(),
            target_type: "device".into(),
            target_id: Some(holder.device_id.to_string()),
            details: serde_json::json!({
                "reason": "registered without a hardware hash; a registration carrying the device's hardware hash replaced it (docs/domain.md#verified-and-unverified-registrations)",
                // Only within the tenant is the replacing batch named.
                "replaced_by_batch": same_tenant.then(|| by.id.to_string()),
            }),
        },
    )
    .await
}

/// The closing event of an abandoned upload, on the customer's tenant, by the batch's actor.
fn stale_discard_audit(batch: &Batch) -> NewAuditEvent {
    NewAuditEvent::of_batch(
        batch,
        "device_batch.discard",
        serde_json::json!({
            "reason": "the upload was abandoned: no rows arrived before the cutoff (docs/domain.md#batch-lifecycle)",
        }),
    )
}

/// The event of a batch that waits for the customer's approval (docs/domain.md#approval-queue):
/// written when the batch is whole, so its count is final.
fn awaiting_audit(batch: &Batch) -> NewAuditEvent {
    NewAuditEvent::of_batch(
        batch,
        "device_batch.awaiting_approval",
        serde_json::json!({ "total": batch.total }),
    )
}

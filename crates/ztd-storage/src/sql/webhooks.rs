//! Webhooks, their deliveries and attempts (`WebhookStore`). The deliveries are written by the
//! audit insert (`common.rs`, `insert_webhook_deliveries`); this is everything else.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;
use uuid::Uuid;

use super::common::*;
use super::{Db, Store};
use crate::sql::*;
use crate::*;

/// A `webhooks` row as stored: the event types between commas.
#[derive(sqlx::FromRow)]
struct WebhookRow {
    id: Uuid,
    org_id: Uuid,
    url: String,
    secret: String,
    events: String,
    created_at: DateTime<Utc>,
    created_by: Option<String>,
}

impl From<WebhookRow> for Webhook {
    fn from(row: WebhookRow) -> Self {
        Webhook {
            id: row.id,
            org_id: row.org_id,
            url: row.url,
            secret: row.secret,
            events: row.events.split(',').filter(|e| !e.is_empty()).map(str::to_owned).collect(),
            created_at: row.created_at,
            created_by: row.created_by,
        }
    }
}

/// `,a,b,`: every type between commas, so a type is found as `,type,`.
fn stored_events(events: &[String]) -> String {
    format!(",{},", events.join(","))
}

#[async_trait]
impl WebhookStore for Store {
    async fn create_webhook(&self, webhook: &Webhook, audit: &NewAuditEvent) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            sqlx::query(&format!(
                "INSERT INTO webhooks ({WEBHOOK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            ))
            .bind(webhook.id)
            .bind(webhook.org_id)
            .bind(&webhook.url)
            .bind(&webhook.secret)
            .bind(stored_events(&webhook.events))
            .bind(webhook.created_at)
            .bind(webhook.created_by.as_deref())
            .execute(&mut *tx)
            .await
            .map_err(map_missing)?;
            insert_audit(&mut tx, audit).await
        }
        .await;
        settle(tx, result).await
    }

    async fn list_webhooks(&self, org_id: Uuid) -> Result<Vec<Webhook>> {
        Ok(sqlx::query_as::<_, WebhookRow>(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE org_id = $1 AND deleted_at IS NULL \
             ORDER BY created_at, id"
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(Webhook::from)
        .collect())
    }

    async fn get_webhook(&self, org_id: Uuid, id: Uuid) -> Result<Webhook> {
        sqlx::query_as::<_, WebhookRow>(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1 AND org_id = $2 AND deleted_at IS NULL"
        ))
        .bind(id)
        .bind(org_id)
        .fetch_optional(&self.pool)
        .await?
        .map(Webhook::from)
        .ok_or(StorageError::NotFound)
    }

    async fn delete_webhook(
        &self,
        org_id: Uuid,
        id: Uuid,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let deleted = sqlx::query(
                "UPDATE webhooks SET deleted_at = $3 WHERE id = $1 AND org_id = $2 AND deleted_at IS NULL",
            )
            .bind(id)
            .bind(org_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            if deleted.rows_affected() == 0 {
                return Err(StorageError::NotFound);
            }
            sqlx::query(
                "UPDATE webhook_deliveries SET status = 'failed', finished_at = $2, next_attempt_at = NULL, \
                 locked_by = NULL, locked_until = NULL, last_error = 'the webhook was deleted' \
                 WHERE webhook_id = $1 AND status = 'pending'",
            )
            .bind(id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            insert_audit(&mut tx, audit).await
        }
        .await;
        settle(tx, result).await
    }

    async fn list_webhook_deliveries(
        &self,
        org_id: Uuid,
        webhook_id: Uuid,
        limit: u32,
    ) -> Result<Vec<WebhookDelivery>> {
        self.get_webhook(org_id, webhook_id).await?;
        let mut deliveries = sqlx::query_as::<_, WebhookDelivery>(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 AND org_id = $2 \
             ORDER BY created_at DESC, id LIMIT $3"
        ))
        .bind(webhook_id)
        .bind(org_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        self.fill_attempts(&mut deliveries).await?;
        Ok(deliveries)
    }

    async fn get_webhook_delivery(
        &self,
        org_id: Uuid,
        webhook_id: Uuid,
        delivery_id: Uuid,
    ) -> Result<WebhookDelivery> {
        let delivery = sqlx::query_as::<_, WebhookDelivery>(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.id = $1 AND d.webhook_id = $2 \
             AND d.org_id = $3 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id \
             AND w.org_id = $3 AND w.deleted_at IS NULL)"
        ))
        .bind(delivery_id)
        .bind(webhook_id)
        .bind(org_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StorageError::NotFound)?;
        let mut one = vec![delivery];
        self.fill_attempts(&mut one).await?;
        Ok(one.remove(0))
    }

    async fn redeliver_webhook_delivery(
        &self,
        org_id: Uuid,
        webhook_id: Uuid,
        delivery_id: Uuid,
        new_id: Uuid,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<WebhookDelivery> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let status = sqlx::query_scalar::<_, DeliveryStatus>(&format!(
                "SELECT d.status FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
                 WHERE d.id = $1 AND d.webhook_id = $2 AND d.org_id = $3 AND w.org_id = $3 \
                 AND w.deleted_at IS NULL{}",
                Store::FOR_UPDATE
            ))
            .bind(delivery_id)
            .bind(webhook_id)
            .bind(org_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::NotFound)?;
            if status == DeliveryStatus::Pending {
                return Err(StorageError::Conflict(Conflict::DeliveryPending));
            }
            let copy = sqlx::query_as::<_, WebhookDelivery>(&format!(
                "INSERT INTO webhook_deliveries (id, webhook_id, org_id, event_id, event_type, occurred_at, \
                 data, status, attempts, next_attempt_at, created_at) \
                 SELECT $1, webhook_id, org_id, event_id, event_type, occurred_at, data, 'pending', 0, $2, $2 \
                 FROM webhook_deliveries WHERE id = $3 RETURNING {DELIVERY_COLUMNS}"
            ))
            .bind(new_id)
            .bind(at)
            .bind(delivery_id)
            .fetch_one(&mut *tx)
            .await?;
            insert_audit(&mut tx, audit).await?;
            Ok(copy)
        }
        .await;
        settle(tx, result).await
    }

    async fn claim_webhook_deliveries(
        &self,
        worker_id: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ClaimedDelivery>> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let ids = sqlx::query_scalar::<_, Uuid>(&format!(
                "UPDATE webhook_deliveries SET locked_by = $1, locked_until = $3 \
                 WHERE id IN (SELECT d.id FROM webhook_deliveries d \
                     WHERE d.status = 'pending' AND d.next_attempt_at <= $2 \
                     AND (d.locked_until IS NULL OR d.locked_until < $2) \
                     ORDER BY d.next_attempt_at LIMIT $4{}) \
                 RETURNING id",
                Store::FOR_UPDATE_SKIP_LOCKED
            ))
            .bind(worker_id)
            .bind(now)
            .bind(lease_until)
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let mut query = QueryBuilder::<Db>::new(format!(
                "SELECT {}, w.url, w.secret FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
                 WHERE d.id IN (",
                DELIVERY_COLUMNS.split(", ").map(|c| format!("d.{}", c.trim())).collect::<Vec<_>>().join(", ")
            ));
            let mut list = query.separated(", ");
            for id in &ids {
                list.push_bind(*id);
            }
            query.push(") ORDER BY d.next_attempt_at");
            let rows = query.build().fetch_all(&mut *tx).await?;
            let mut claimed = Vec::with_capacity(rows.len());
            for row in rows {
                use sqlx::{FromRow, Row};
                claimed.push(ClaimedDelivery {
                    delivery: WebhookDelivery::from_row(&row)?,
                    url: row.try_get("url")?,
                    secret: row.try_get("secret")?,
                });
            }
            Ok(claimed)
        }
        .await;
        settle(tx, result).await
    }

    async fn record_webhook_attempt(
        &self,
        delivery_id: Uuid,
        worker_id: &str,
        attempt: &NewAttempt,
    ) -> Result<bool> {
        let (status, next, finished) = match attempt.outcome {
            AttemptOutcome::Succeeded => (DeliveryStatus::Succeeded, None, Some(attempt.at)),
            AttemptOutcome::RetryAt(next) => (DeliveryStatus::Pending, Some(next), None),
            AttemptOutcome::GaveUp => (DeliveryStatus::Failed, None, Some(attempt.at)),
        };
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let number = sqlx::query_scalar::<_, i32>(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = $3, last_error = $4, \
                 status = $5, next_attempt_at = $6, finished_at = $7, locked_by = NULL, locked_until = NULL \
                 WHERE id = $1 AND locked_by = $2 AND status = 'pending' RETURNING attempts",
            )
            .bind(delivery_id)
            .bind(worker_id)
            .bind(attempt.status_code)
            .bind(attempt.error.as_deref())
            .bind(status)
            .bind(next)
            .bind(finished)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(number) = number else { return Ok(false) };
            sqlx::query(&format!(
                "INSERT INTO webhook_attempts ({ATTEMPT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            ))
            .bind(delivery_id)
            .bind(number)
            .bind(attempt.at)
            .bind(attempt.status_code)
            .bind(attempt.error.as_deref())
            .bind(attempt.response_excerpt.as_deref())
            .bind(attempt.duration_ms)
            .bind(next)
            .execute(&mut *tx)
            .await?;
            Ok(true)
        }
        .await;
        settle(tx, result).await
    }

    async fn count_pending_webhook_deliveries(&self) -> Result<i64> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'")
            .fetch_one(&self.pool)
            .await?)
    }
}

impl Store {
    /// Reads the attempts of `deliveries` (one query) into their `attempt_log`.
    async fn fill_attempts(&self, deliveries: &mut [WebhookDelivery]) -> Result<()> {
        if deliveries.is_empty() {
            return Ok(());
        }
        let mut query = QueryBuilder::<Db>::new(format!(
            "SELECT {ATTEMPT_COLUMNS} FROM webhook_attempts WHERE delivery_id IN ("
        ));
        let mut list = query.separated(", ");
        for delivery in deliveries.iter() {
            list.push_bind(delivery.id);
        }
        query.push(") ORDER BY delivery_id, attempt");
        let attempts = query.build_query_as::<WebhookAttempt>().fetch_all(&self.pool).await?;
        for delivery in deliveries.iter_mut() {
            delivery.attempt_log =
                attempts.iter().filter(|a| a.delivery_id == delivery.id).cloned().collect();
        }
        Ok(())
    }
}

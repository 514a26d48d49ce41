//! Helpers every capability of one backend shares: the transaction type, `settle`, audit rows.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::QueryBuilder;
use uuid::Uuid;

use super::{Db, Store};
use crate::sql::*;
use crate::*;

pub(super) type Tx = sqlx::Transaction<'static, Db>;

/// Commits on success. On failure rolls back at once, rather than when the pool next
/// sees the connection, so row locks are released before the caller goes on (a
/// `SKIP LOCKED` claim right after must not skip a batch nobody holds).
pub(super) async fn settle<T>(tx: Tx, result: Result<T>) -> Result<T> {
    match result {
        Ok(value) => {
            tx.commit().await?;
            Ok(value)
        }
        Err(err) => {
            // A failed rollback means a broken connection, which the pool discards.
            let _ = tx.rollback().await;
            Err(err)
        }
    }
}

pub(super) async fn insert_audit(tx: &mut Tx, event: &NewAuditEvent) -> Result<()> {
    insert_audits(tx, &[event]).await
}

/// Several events in one multi-row `INSERT` (at most [`ROWS_PER_STATEMENT`] a statement),
/// each chunk followed by the outbox rows of the webhook events among them
/// ([`insert_webhook_deliveries`]): every change reports to webhooks in its own transaction.
pub(super) async fn insert_audits(tx: &mut Tx, events: &[&NewAuditEvent]) -> Result<()> {
    insert_audit_rows(tx, events, true).await
}

/// An audit event whose webhook event (if it is one) was already reported by another row of
/// the same change: a copy of an event for another organisation's trail, whose receivers the
/// original's deliveries already reach (`webhook_events::EventMapping::also_to`).
pub(super) async fn insert_audit_copy(tx: &mut Tx, event: &NewAuditEvent) -> Result<()> {
    insert_audit_rows(tx, &[event], false).await
}

async fn insert_audit_rows(tx: &mut Tx, events: &[&NewAuditEvent], deliveries: bool) -> Result<()> {
    let at = Utc::now();
    for part in events.chunks(ROWS_PER_STATEMENT) {
        let mut insert = QueryBuilder::<Db>::new(
            "INSERT INTO audit_events (at, request_id, actor_kind, actor_id, actor_org_id, \
             tenant_org_id, action, target_type, target_id, details) ",
        );
        insert.push_values(part, |mut row, event| {
            row.push_bind(at)
                .push_bind(event.request_id.as_deref())
                .push_bind(event.actor_kind)
                .push_bind(event.actor_id)
                .push_bind(event.actor_org_id)
                .push_bind(event.tenant_org_id)
                .push_bind(&event.action)
                .push_bind(&event.target_type)
                .push_bind(event.target_id.as_deref())
                .push_bind(Json(&event.details));
        });
        insert.build().execute(&mut **tx).await?;
        if deliveries {
            insert_webhook_deliveries(tx, part, at).await?;
        }
    }
    Ok(())
}

/// The outbox rows of the webhook events among `events` (docs/webhooks.md#events), written at
/// `at` in the caller's transaction: one pending delivery per live webhook subscribed to the
/// event's type of each receiving organisation (the acting one, the tenant, and the one the
/// mapping names in the details), in one `INSERT … SELECT` joining the webhooks with the
/// events as a `VALUES` list. Without webhooks it inserts nothing, in the same one statement.
async fn insert_webhook_deliveries(tx: &mut Tx, events: &[&NewAuditEvent], at: DateTime<Utc>) -> Result<()> {
    let outbox: Vec<crate::webhook_events::OutboxEvent> =
        events.iter().filter_map(|event| crate::webhook_events::OutboxEvent::of(event)).collect();
    if outbox.is_empty() {
        return Ok(());
    }
    // VALUES columns: 1 event id, 2 type, 3 actor org, 4 tenant org, 5 named org,
    // 6 data for the tenant, 7 data for the others, 8 when.
    let mut insert = QueryBuilder::<Db>::new(format!(
        "INSERT INTO webhook_deliveries (id, webhook_id, org_id, event_id, event_type, occurred_at, data, \
         status, attempts, next_attempt_at, created_at) \
         SELECT {}, w.id, w.org_id, e.column1, e.column2, e.column8, \
         CASE WHEN w.org_id = e.column4 THEN e.column6 ELSE e.column7 END, 'pending', 0, e.column8, e.column8 \
         FROM webhooks w JOIN (",
        Store::NEW_ID
    ));
    insert.push_values(&outbox, |mut row, event| {
        row.push_bind(event.event_id)
            .push_bind(event.event_type)
            .push_bind(event.actor_org_id)
            .push_bind(event.tenant_org_id)
            .push_bind(event.also_to)
            .push_bind(Json(&event.data))
            .push_bind(Json(&event.data_for_others))
            .push_bind(at);
    });
    insert.push(format!(
        ") AS e ON (w.org_id = e.column3 OR w.org_id = e.column4 OR w.org_id = e.column5) \
         AND w.deleted_at IS NULL AND {}(w.events, ',' || e.column2 || ',') > 0",
        Store::POSITION
    ));
    insert.build().execute(&mut **tx).await?;
    Ok(())
}

pub(super) async fn insert_user(tx: &mut Tx, user: &User) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO users ({USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(user.id)
    .bind(user.org_id)
    .bind(&user.email)
    .bind(user.role)
    .bind(&user.password_hash)
    .bind(user.must_change_password)
    .bind(user.created_at)
    .bind(user.disabled_at)
    .bind(user.one_time_password_expires_at)
    .bind(&user.language)
    .execute(&mut **tx)
    .await
    .map_err(map_err(Conflict::EmailTaken))?;
    Ok(())
}

/// Appends ` AND <owner may reach this row>` to a query of devices or batches:
/// `customer_column` names the tenant, `by_column` the organisation that registered/submitted
/// the row. A partner reaches its own rows only while its relationship with the row's customer
/// is active, checked in this very statement.
pub(super) fn push_owner(
    query: &mut QueryBuilder<'_, Db>,
    owner: &Owner,
    customer_column: &str,
    by_column: &str,
) {
    match *owner {
        Owner::Customer(customer) => {
            query.push(format!(" AND {customer_column} = ")).push_bind(customer);
        }
        Owner::Partner(partner) => {
            query.push(format!(" AND {by_column} = ")).push_bind(partner);
            query
                .push(" AND EXISTS (SELECT 1 FROM relationships r WHERE r.partner_org_id = ")
                .push_bind(partner);
            query.push(format!(" AND r.customer_org_id = {customer_column} AND r.revoked_at IS NULL)"));
        }
        // A submitter's history reaches its batches, never a device (`Owner::Submitter`).
        Owner::Submitter(org) if by_column.starts_with("batches.") => {
            query.push(format!(" AND {by_column} = ")).push_bind(org);
        }
        Owner::Submitter(_) => {
            query.push(" AND 1 = 0");
        }
    }
}

pub(super) async fn insert_profile(tx: &mut Tx, profile: &Profile) -> Result<()> {
    sqlx::query(&format!("INSERT INTO profiles ({PROFILE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"))
        .bind(profile.id)
        .bind(profile.customer_id)
        .bind(&profile.name)
        .bind(&profile.group_tag)
        .bind(Json(&profile.settings))
        .bind(profile.built_in)
        .bind(profile.created_at)
        .bind(profile.updated_at)
        .execute(&mut **tx)
        .await
        .map_err(map_err(Conflict::ProfileGroupTag))?;
    Ok(())
}

pub(super) async fn insert_batch_items(tx: &mut Tx, batch_id: Uuid, items: &[BatchItem]) -> Result<()> {
    for part in items.chunks(ROWS_PER_STATEMENT) {
        Store::insert_items(tx, batch_id, part).await?;
    }
    Ok(())
}

/// Devices registered unassigned with a tag that now names a profile take that profile.
pub(super) async fn adopt_unassigned_devices(
    tx: &mut Tx,
    profile: &Profile,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE devices SET profile_id = $1, state = 'registered', updated_at = $2 \
         WHERE customer_id = $3 AND group_tag = $4 AND state = 'unassigned'",
    )
    .bind(profile.id)
    .bind(at)
    .bind(profile.customer_id)
    .bind(&profile.group_tag)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn fetch_device(tx: &mut Tx, id: Uuid) -> Result<Option<Device>> {
    Ok(sqlx::query_as::<_, Device>(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?)
}

pub(super) async fn active_relationship(
    tx: &mut Tx,
    partner_org_id: Uuid,
    customer_org_id: Uuid,
) -> Result<Option<Relationship>> {
    Ok(sqlx::query_as::<_, Relationship>(&format!(
        "SELECT {RELATIONSHIP_COLUMNS} FROM relationships \
         WHERE partner_org_id = $1 AND customer_org_id = $2 AND revoked_at IS NULL"
    ))
    .bind(partner_org_id)
    .bind(customer_org_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Whether `submitter` may still work on `customer`'s tenant: always for the customer
/// itself, else only while their relationship is active. `share_lock` is the backend's
/// `FOR SHARE` clause: a concurrent `revoke_relationship` waits for this transaction.
pub(super) async fn consent_active(
    tx: &mut Tx,
    submitter: Uuid,
    customer: Uuid,
    share_lock: &str,
) -> Result<bool> {
    Ok(consent_mode(tx, submitter, customer, share_lock).await?.is_some())
}

/// [`consent_active`], with the relationship's approval mode (`AutoAccept` for the customer
/// itself); `None` without consent.
pub(super) async fn consent_mode(
    tx: &mut Tx,
    submitter: Uuid,
    customer: Uuid,
    share_lock: &str,
) -> Result<Option<ApprovalMode>> {
    if submitter == customer {
        return Ok(Some(ApprovalMode::AutoAccept));
    }
    Ok(sqlx::query_scalar::<_, ApprovalMode>(&format!(
        "SELECT approval_mode FROM relationships \
         WHERE partner_org_id = $1 AND customer_org_id = $2 AND revoked_at IS NULL{share_lock}"
    ))
    .bind(submitter)
    .bind(customer)
    .fetch_optional(&mut **tx)
    .await?)
}

/// `SELECT columns` of the live devices holding the tuple key `$1`, the product key id key `$2`
/// or the hash key `$3`: one indexed search per key, joined by `union` (`UNION` or
/// `UNION ALL`). SQLite answers `a = ? OR b = ? OR c = ?` over the partial identity indexes by
/// scanning every device. "Live" is `deregistered_at IS NULL`, the condition of those indexes.
pub(super) fn live_devices_by_key(columns: &str, union: &str) -> String {
    ["tuple_key = $1", "pkid_key = $2", "hash_key = $3"]
        .map(|key| format!("SELECT {columns} FROM devices WHERE deregistered_at IS NULL AND {key}"))
        .join(&format!(" {union} "))
}

/// The live devices holding any of the keys.
pub(super) async fn live_key_holders<'e, E>(
    executor: E,
    tuple_key: Option<&str>,
    pkid_key: Option<&str>,
    hash_key: Option<&str>,
) -> Result<Vec<KeyHolder>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    Ok(sqlx::query_as::<_, KeyHolder>(&live_devices_by_key(
        "id AS device_id, customer_id, batch_id, verified",
        "UNION",
    ))
    .bind(tuple_key)
    .bind(pkid_key)
    .bind(hash_key)
    .fetch_all(executor)
    .await?)
}

#[async_trait]
impl Database for Store {
    fn backend(&self) -> &'static str {
        Store::NAME
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn shared_rate_limits(&self) -> Option<std::sync::Arc<dyn crate::limits::RateLimitStore>> {
        Backend::shared_rate_limits(self)
    }

    async fn backup_to(&self, path: &std::path::Path) -> Result<()> {
        Backend::backup_to(self, path).await
    }

    fn copy_side(&self) -> crate::copy::Side {
        Store::side_for_copy(self)
    }
}

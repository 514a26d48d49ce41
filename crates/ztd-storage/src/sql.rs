//! The SQL both backends share. SQLite and PostgreSQL run the same statements here (sqlx's
//! SQLite driver accepts `$n` placeholders), so the trait implementations are written once and
//! expanded per backend by `impl_database!`; each backend supplies its pool, how it opens a
//! write transaction, and its row-locking clauses. A macro rather than generics: sqlx's
//! executor and codec bounds over a generic `Database` would drown every method in `where`
//! clauses, while the expanded code is plain, concrete sqlx.

use uuid::Uuid;

use crate::{ItemStatus, NewDevice, StorageError};

/// A device of a chunk about to be inserted, with the id it gets if its identity is free.
pub(crate) struct DeviceInsert<'a> {
    pub row: i64,
    pub device: &'a NewDevice,
    pub unassigned: bool,
    pub id: Uuid,
}

impl DeviceInsert<'_> {
    pub fn state(&self) -> crate::DeviceState {
        if self.unassigned {
            crate::DeviceState::Unassigned
        } else {
            crate::DeviceState::Registered
        }
    }
}

/// What happened to one pending item of a chunk.
pub(crate) struct ItemOutcome<'a> {
    pub row: i64,
    pub status: ItemStatus,
    pub device_id: Option<Uuid>,
    pub error_code: Option<&'a str>,
    pub error_message: Option<&'a str>,
    pub error_hint: Option<&'a str>,
}

pub(crate) const ORG_COLUMNS: &str = "id, kind, name, domain, created_at";
pub(crate) const USER_COLUMNS: &str =
    "id, org_id, email, role, password_hash, must_change_password, created_at";
pub(crate) const API_KEY_COLUMNS: &str = "id, org_id, name, role, key_hash, created_at, revoked_at";
pub(crate) const SESSION_COLUMNS: &str = "token_hash, user_id, csrf_token, created_at, expires_at";
pub(crate) const INVITATION_COLUMNS: &str = "id, token_hash, creator_org_id, kind, customer_id, reusable, \
     created_at, expires_at, withdrawn_at, accepted_count";
pub(crate) const RELATIONSHIP_COLUMNS: &str = "id, partner_org_id, customer_org_id, kind, invitation_id, \
     accepted_by_user_id, approval_mode, created_at, revoked_at, revoked_by_org_id";
pub(crate) const PROFILE_COLUMNS: &str =
    "id, customer_id, name, group_tag, settings, built_in, created_at, updated_at";
pub(crate) const DEVICE_COLUMNS: &str =
    "id, customer_id, registered_by_org_id, batch_id, state, serial_number, \
     product_key_id, hardware_hash, manufacturer, model, group_tag, profile_id, assigned_user, tuple_key, \
     pkid_key, hash_key, created_at, updated_at, activated_at, deregistered_at";
pub(crate) const BATCH_COLUMNS: &str = "id, customer_id, submitted_by_org_id, actor_kind, actor_id, status, \
     default_group_tag, allow_unknown_tags, idempotency_key, total, registered, unassigned, failed, \
     created_at, started_at, finished_at";
pub(crate) const BATCH_ITEM_COLUMNS: &str =
    "batch_id, row_no, status, device_id, error_code, error_message, error_hint";
/// Items joined with their submitted input, aliased `i` and `n`.
pub(crate) const BATCH_ITEM_SELECT: &str = "SELECT i.batch_id, i.row_no, n.input, i.status, i.device_id, \
     i.error_code, i.error_message, i.error_hint FROM batch_items i \
     JOIN batch_item_inputs n ON n.batch_id = i.batch_id AND n.row_no = i.row_no";
pub(crate) const AUDIT_COLUMNS: &str = "seq, at, request_id, actor_kind, actor_id, actor_org_id, \
     tenant_org_id, action, target_type, target_id, details";

/// Rows per multi-row statement: 20 device columns × 500 stays far below SQLite's 32,766 and
/// PostgreSQL's 65,535 bind parameters.
pub(crate) const ROWS_PER_STATEMENT: usize = 500;

/// How many times a chunk transaction is retried after a deadlock, serialization failure or
/// busy database before the error is returned.
pub(crate) const TRANSIENT_RETRIES: u32 = 5;

pub(crate) const ALREADY_REGISTERED_CODE: &str = "device_already_registered";
pub(crate) const ALREADY_REGISTERED_MESSAGE: &str =
    "a device with the same identity (hardware hash, product key id or manufacturer/model/serial) \
     is already registered in this tenant";
pub(crate) const ALREADY_REGISTERED_HINT: &str =
    "the existing registration is unchanged; deregister it first to register the device again";
pub(crate) const DUPLICATED_IN_BATCH_CODE: &str = "device_duplicated_in_batch";
pub(crate) const DUPLICATED_IN_BATCH_MESSAGE: &str =
    "another row of this batch registers the same device (same hardware hash, product key id or \
     manufacturer/model/serial)";
pub(crate) const DUPLICATED_IN_BATCH_HINT: &str = "list each device once per upload";
pub(crate) const OTHER_TENANT_CODE: &str = "device_registered_to_other_tenant";
pub(crate) const OTHER_TENANT_MESSAGE: &str = "this device is registered to another organisation";
pub(crate) const OTHER_TENANT_HINT: &str =
    "the device's current owner must deregister it before it can be registered here";

/// Maps a database error: a unique violation becomes `Conflict(rule)`, a foreign-key violation
/// (a referenced row does not exist) `NotFound`, anything else stays `Internal`.
pub(crate) fn map_err(rule: &'static str) -> impl Fn(sqlx::Error) -> StorageError {
    move |err| match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StorageError::Conflict(rule),
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StorageError::NotFound,
        _ => StorageError::Internal(err),
    }
}

/// Deadlock, serialization failure (PostgreSQL) or a busy/locked database (SQLite): the whole
/// transaction can simply run again.
pub(crate) fn is_transient(err: &StorageError) -> bool {
    let StorageError::Internal(sqlx::Error::Database(db)) = err else { return false };
    matches!(db.code().as_deref(), Some("40P01" | "40001" | "5" | "6" | "517" | "261" | "262"))
}

pub(crate) fn encode_device_cursor(seq: i64) -> String {
    format!("d{seq}")
}

pub(crate) fn decode_device_cursor(cursor: &str) -> Result<i64, StorageError> {
    cursor.strip_prefix('d').and_then(|seq| seq.parse().ok()).ok_or(StorageError::InvalidCursor)
}

macro_rules! impl_database {
    ($ty:ty, $db:ty) => {
        mod shared_impl {
            use super::*;
            use crate::sql::*;
            use crate::*;
            use async_trait::async_trait;
            use chrono::{DateTime, Utc};
            use sqlx::types::Json;
            use sqlx::{QueryBuilder, Row};
            use std::collections::HashSet;
            use uuid::Uuid;

            type Tx = sqlx::Transaction<'static, $db>;

            /// Commits on success. On failure rolls back at once, rather than when the pool next
            /// sees the connection, so row locks are released before the caller goes on (a
            /// `SKIP LOCKED` claim right after must not skip a batch nobody holds).
            async fn settle<T>(tx: Tx, result: Result<T>) -> Result<T> {
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

            async fn insert_audit(tx: &mut Tx, event: &NewAuditEvent) -> Result<()> {
                sqlx::query(
                    "INSERT INTO audit_events (at, request_id, actor_kind, actor_id, actor_org_id, \
                     tenant_org_id, action, target_type, target_id, details) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(Utc::now())
                .bind(event.request_id.as_deref())
                .bind(event.actor_kind)
                .bind(event.actor_id)
                .bind(event.actor_org_id)
                .bind(event.tenant_org_id)
                .bind(&event.action)
                .bind(&event.target_type)
                .bind(event.target_id.as_deref())
                .bind(Json(&event.details))
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            async fn insert_profile(tx: &mut Tx, profile: &Profile) -> Result<()> {
                sqlx::query(&format!(
                    "INSERT INTO profiles ({PROFILE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                ))
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
                .map_err(map_err("profile_group_tag"))?;
                Ok(())
            }

            async fn insert_batch_items(tx: &mut Tx, batch_id: Uuid, items: &[BatchItem]) -> Result<()> {
                for part in items.chunks(ROWS_PER_STATEMENT) {
                    <$ty>::insert_items(tx, batch_id, part).await?;
                }
                Ok(())
            }

            /// Devices registered unassigned with a tag that now names a profile take that profile.
            async fn adopt_unassigned_devices(tx: &mut Tx, profile: &Profile, at: DateTime<Utc>) -> Result<()> {
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

            async fn fetch_device(tx: &mut Tx, id: Uuid) -> Result<Option<Device>> {
                Ok(sqlx::query_as::<_, Device>(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?)
            }

            async fn active_relationship(
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
            async fn consent_active(
                tx: &mut Tx,
                submitter: Uuid,
                customer: Uuid,
                share_lock: &str,
            ) -> Result<bool> {
                if submitter == customer {
                    return Ok(true);
                }
                let active = sqlx::query(&format!(
                    "SELECT id FROM relationships \
                     WHERE partner_org_id = $1 AND customer_org_id = $2 AND revoked_at IS NULL{share_lock}"
                ))
                .bind(submitter)
                .bind(customer)
                .fetch_optional(&mut **tx)
                .await?;
                Ok(active.is_some())
            }

            /// The customer and batch of each live device holding any of the keys.
            async fn live_key_holders(
                tx: &mut Tx,
                tuple_key: Option<&str>,
                pkid_key: Option<&str>,
                hash_key: Option<&str>,
            ) -> Result<Vec<(Uuid, Option<Uuid>)>> {
                Ok(sqlx::query_as::<_, (Uuid, Option<Uuid>)>(
                    "SELECT customer_id, batch_id FROM devices WHERE state <> 'deregistered' \
                     AND (tuple_key = $1 OR pkid_key = $2 OR hash_key = $3)",
                )
                .bind(tuple_key)
                .bind(pkid_key)
                .bind(hash_key)
                .fetch_all(&mut **tx)
                .await?)
            }

            impl $ty {
                async fn process_chunk_once(
                    &self,
                    batch: &Batch,
                    items: &[ChunkItem],
                    lease_until: DateTime<Utc>,
                ) -> Result<Vec<(i64, ItemStatus, Option<Uuid>)>> {
                    let revoked = ztd_domain::codes::RowError::relationship_revoked();
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        let rows = items.iter().map(|item| match item {
                            ChunkItem::Register { row, .. } | ChunkItem::Fail { row, .. } => *row,
                        });
                        let (Some(first), Some(last)) = (rows.clone().min(), rows.max()) else {
                            return Ok(Vec::new());
                        };
                        if let Some(setup) = Self::CHUNK_TRANSACTION_SETUP {
                            sqlx::query(setup).execute(&mut *tx).await?;
                        }
                        // One chunk of a batch at a time: PostgreSQL locks the batch row, so a
                        // worker that lost its lease waits for the new holder's chunk to commit and
                        // then sees its rows as processed (SQLite has a single writer anyway).
                        sqlx::query(&format!("SELECT id FROM batches WHERE id = $1{}", Self::LOCK_ROWS))
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

                        let now = Utc::now();
                        let mut outcomes: Vec<ItemOutcome<'_>> = Vec::with_capacity(pending.len());
                        // Consent is re-checked where the work happens: once the customer revoked
                        // the partner, every row still pending fails and nothing is registered.
                        let consent =
                            consent_active(&mut tx, batch.submitted_by_org_id, batch.customer_id, Self::SHARE_ROWS).await?;
                        if !consent {
                            let mut rows: Vec<i64> = items.iter().map(|item| match item {
                                ChunkItem::Register { row, .. } | ChunkItem::Fail { row, .. } => *row,
                            }).filter(|row| pending.contains(row)).collect();
                            rows.sort_unstable();
                            rows.dedup();
                            for row in rows {
                                outcomes.push(ItemOutcome {
                                    row,
                                    status: ItemStatus::Failed,
                                    device_id: None,
                                    error_code: Some(revoked.code.as_str()),
                                    error_message: Some(&revoked.message),
                                    error_hint: revoked.hint.as_deref(),
                                });
                            }
                        }
                        // Sorted by identity so concurrent chunks take index locks in the same order.
                        let mut registers: Vec<DeviceInsert<'_>> = Vec::new();
                        let mut seen = HashSet::new();
                        for item in items.iter().filter(|_| consent) {
                            match item {
                                ChunkItem::Register { row, device, unassigned } => {
                                    if pending.contains(row) && seen.insert(*row) {
                                        registers.push(DeviceInsert {
                                            row: *row,
                                            device,
                                            unassigned: *unassigned,
                                            id: Uuid::new_v4(),
                                        });
                                    }
                                }
                                ChunkItem::Fail { row, code, message, hint } => {
                                    if pending.contains(row) && seen.insert(*row) {
                                        outcomes.push(ItemOutcome {
                                            row: *row,
                                            status: ItemStatus::Failed,
                                            device_id: None,
                                            error_code: Some(code),
                                            error_message: Some(message),
                                            error_hint: hint.as_deref(),
                                        });
                                    }
                                }
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
                            inserted.extend(Self::insert_devices(&mut tx, batch, part, now).await?);
                        }

                        for DeviceInsert { row, device, unassigned, id } in &registers {
                            if inserted.contains(id) {
                                let status = if *unassigned { ItemStatus::Unassigned } else { ItemStatus::Registered };
                                outcomes.push(ItemOutcome {
                                    row: *row,
                                    status,
                                    device_id: Some(*id),
                                    error_code: None,
                                    error_message: None,
                                    error_hint: None,
                                });
                                continue;
                            }
                            let holders = live_key_holders(
                                &mut tx,
                                device.tuple_key.as_deref(),
                                device.pkid_key.as_deref(),
                                device.hash_key.as_deref(),
                            )
                            .await?;
                            // Another tenant's claim is reported first: it is the one that needs action.
                            // A holder from this very batch is another row of it (this row is
                            // still pending), whichever chunk that row was in.
                            let (code, message, hint) = if holders.iter().any(|(c, _)| *c != batch.customer_id) {
                                (OTHER_TENANT_CODE, OTHER_TENANT_MESSAGE, OTHER_TENANT_HINT)
                            } else if holders.iter().any(|(_, b)| *b == Some(batch.id)) {
                                (DUPLICATED_IN_BATCH_CODE, DUPLICATED_IN_BATCH_MESSAGE, DUPLICATED_IN_BATCH_HINT)
                            } else {
                                (ALREADY_REGISTERED_CODE, ALREADY_REGISTERED_MESSAGE, ALREADY_REGISTERED_HINT)
                            };
                            outcomes.push(ItemOutcome {
                                row: *row,
                                status: ItemStatus::Failed,
                                device_id: None,
                                error_code: Some(code),
                                error_message: Some(message),
                                error_hint: Some(hint),
                            });
                        }
                        outcomes.sort_by_key(|o| o.row);

                        for part in outcomes.chunks(ROWS_PER_STATEMENT) {
                            Self::record_outcomes(&mut tx, batch.id, part).await?;
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

            #[async_trait]
            impl OrgStore for $ty {
                async fn create_org(&self, org: &Organisation, audit: &NewAuditEvent) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        sqlx::query(&format!("INSERT INTO organisations ({ORG_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"))
                            .bind(org.id)
                            .bind(org.kind)
                            .bind(&org.name)
                            .bind(org.domain.as_deref())
                            .bind(org.created_at)
                            .execute(&mut *tx)
                            .await
                            .map_err(map_err("organisation_exists"))?;
                        if org.kind == OrgKind::Customer {
                            for built_in in ztd_domain::profile::built_in_profiles() {
                                let settings = serde_json::to_value(&built_in.settings)
                                    .map_err(|e| StorageError::Internal(sqlx::Error::Encode(Box::new(e))))?;
                                let profile = Profile {
                                    id: Uuid::new_v4(),
                                    customer_id: org.id,
                                    name: built_in.name.to_owned(),
                                    group_tag: built_in.group_tag.to_owned(),
                                    settings,
                                    built_in: true,
                                    created_at: org.created_at,
                                    updated_at: org.created_at,
                                };
                                insert_profile(&mut tx, &profile).await?;
                            }
                        }
                        insert_audit(&mut tx, audit).await?;
                        Ok(())
                    }
                    .await;
                    settle(tx, result).await
                }

                async fn get_org(&self, id: Uuid) -> Result<Organisation> {
                    sqlx::query_as::<_, Organisation>(&format!(
                        "SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1"
                    ))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StorageError::NotFound)
                }

                async fn list_orgs(&self) -> Result<Vec<Organisation>> {
                    Ok(sqlx::query_as::<_, Organisation>(&format!(
                        "SELECT {ORG_COLUMNS} FROM organisations ORDER BY created_at, id"
                    ))
                    .fetch_all(&self.pool)
                    .await?)
                }

                async fn count_orgs(&self) -> Result<i64> {
                    Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM organisations")
                        .fetch_one(&self.pool)
                        .await?)
                }
            }

            #[async_trait]
            impl CredentialStore for $ty {
                async fn create_user(&self, user: &User, audit: &NewAuditEvent) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        sqlx::query(&format!("INSERT INTO users ({USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"))
                            .bind(user.id)
                            .bind(user.org_id)
                            .bind(&user.email)
                            .bind(user.role)
                            .bind(&user.password_hash)
                            .bind(user.must_change_password)
                            .bind(user.created_at)
                            .execute(&mut *tx)
                            .await
                            .map_err(map_err("user_email"))?;
                        insert_audit(&mut tx, audit).await?;
                        Ok(())
                    }
                    .await;
                    settle(tx, result).await
                }

                async fn get_user(&self, id: Uuid) -> Result<User> {
                    sqlx::query_as::<_, User>(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?
                        .ok_or(StorageError::NotFound)
                }

                async fn find_user_by_email(&self, email: &str) -> Result<User> {
                    sqlx::query_as::<_, User>(&format!(
                        "SELECT {USER_COLUMNS} FROM users WHERE lower(email) = lower($1)"
                    ))
                    .bind(email)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StorageError::NotFound)
                }

                async fn list_users(&self, org_id: Uuid) -> Result<Vec<User>> {
                    Ok(sqlx::query_as::<_, User>(&format!(
                        "SELECT {USER_COLUMNS} FROM users WHERE org_id = $1 ORDER BY created_at, email"
                    ))
                    .bind(org_id)
                    .fetch_all(&self.pool)
                    .await?)
                }

                async fn set_password(
                    &self,
                    user_id: Uuid,
                    password_hash: &str,
                    must_change: bool,
                    audit: &NewAuditEvent,
                ) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        let updated = sqlx::query(
                            "UPDATE users SET password_hash = $2, must_change_password = $3 WHERE id = $1",
                        )
                        .bind(user_id)
                        .bind(password_hash)
                        .bind(must_change)
                        .execute(&mut *tx)
                        .await?;
                        if updated.rows_affected() == 0 {
                            return Err(StorageError::NotFound);
                        }
                        insert_audit(&mut tx, audit).await?;
                        Ok(())
                    }
                    .await;
                    settle(tx, result).await
                }

                async fn create_api_key(&self, key: &ApiKey, audit: &NewAuditEvent) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        sqlx::query(&format!(
                            "INSERT INTO api_keys ({API_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                        ))
                        .bind(key.id)
                        .bind(key.org_id)
                        .bind(&key.name)
                        .bind(key.role)
                        .bind(&key.key_hash)
                        .bind(key.created_at)
                        .bind(key.revoked_at)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err("api_key_hash"))?;
                        insert_audit(&mut tx, audit).await?;
                        Ok(())
                    }
                    .await;
                    settle(tx, result).await
                }

                async fn find_api_key_by_hash(&self, key_hash: &str) -> Result<ApiKey> {
                    // A revoked key is as good as absent: failing safe if a caller forgets the check.
                    sqlx::query_as::<_, ApiKey>(&format!(
                        "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL"
                    ))
                    .bind(key_hash)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StorageError::NotFound)
                }

                async fn list_api_keys(&self, org_id: Uuid) -> Result<Vec<ApiKey>> {
                    Ok(sqlx::query_as::<_, ApiKey>(&format!(
                        "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE org_id = $1 ORDER BY created_at, id"
                    ))
                    .bind(org_id)
                    .fetch_all(&self.pool)
                    .await?)
                }

                async fn revoke_api_key(
                    &self,
                    org_id: Uuid,
                    key_id: Uuid,
                    at: DateTime<Utc>,
                    audit: &NewAuditEvent,
                ) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        let updated = sqlx::query(
                            "UPDATE api_keys SET revoked_at = $3 WHERE id = $2 AND org_id = $1 AND revoked_at IS NULL",
                        )
                        .bind(org_id)
                        .bind(key_id)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                        if updated.rows_affected() == 0 {
                            return Err(StorageError::NotFound);
                        }
                        insert_audit(&mut tx, audit).await?;
                        Ok(())
                    }
                    .await;
                    settle(tx, result).await
                }

                async fn create_session(&self, session: &Session) -> Result<()> {
                    sqlx::query(&format!("INSERT INTO sessions ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"))
                        .bind(&session.token_hash)
                        .bind(session.user_id)
                        .bind(&session.csrf_token)
                        .bind(session.created_at)
                        .bind(session.expires_at)
                        .execute(&self.pool)
                        .await
                        .map_err(map_err("session_token"))?;
                    Ok(())
                }

                async fn find_session(&self, token_hash: &str) -> Result<Session> {
                    sqlx::query_as::<_, Session>(&format!(
                        "SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = $1"
                    ))
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StorageError::NotFound)
                }

                async fn delete_session(&self, token_hash: &str) -> Result<()> {
                    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                        .bind(token_hash)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }
            }

            #[async_trait]
            impl ConsentStore for $ty {
                async fn create_invitation(&self, invitation: &Invitation, audit: &NewAuditEvent) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        sqlx::query(&format!(
                            "INSERT INTO invitations ({INVITATION_COLUMNS}) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                        ))
                        .bind(invitation.id)
                        .bind(&invitation.token_hash)
                        .bind(invitation.creator_org_id)
                        .bind(invitation.kind)
                        .bind(invitation.customer_id)
                        .bind(invitation.reusable)
                        .bind(invitation.created_at)
                        .bind(invitation.expires_at)
                        .bind(invitation.withdrawn_at)
                        .bind(invitation.accepted_count)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err("invitation_token"))?;
                        insert_audit(&mut tx, audit).await?;
                        Ok(())
                    }
                    .await;
                    settle(tx, result).await
                }

                async fn find_invitation_by_token_hash(&self, token_hash: &str) -> Result<Invitation> {
                    sqlx::query_as::<_, Invitation>(&format!(
                        "SELECT {INVITATION_COLUMNS} FROM invitations WHERE token_hash = $1"
                    ))
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StorageError::NotFound)
                }

                async fn list_invitations(&self, creator_org_id: Uuid) -> Result<Vec<Invitation>> {
                    Ok(sqlx::query_as::<_, Invitation>(&format!(
                        "SELECT {INVITATION_COLUMNS} FROM invitations WHERE creator_org_id = $1 \
                         ORDER BY created_at DESC, id"
                    ))
                    .bind(creator_org_id)
                    .fetch_all(&self.pool)
                    .await?)
                }

                async fn withdraw_invitation(
                    &self,
                    creator_org_id: Uuid,
                    id: Uuid,
                    at: DateTime<Utc>,
                    audit: &NewAuditEvent,
                ) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        let updated = sqlx::query(
                            "UPDATE invitations SET withdrawn_at = $3 \
                             WHERE id = $2 AND creator_org_id = $1 AND withdrawn_at IS NULL",
                        )
                        .bind(creator_org_id)
                        .bind(id)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                        if updated.rows_affected() == 0 {
                            return Err(StorageError::NotFound);
                        }
                        insert_audit(&mut tx, audit).await?;
                        Ok(())
                    }
                    .await;
                    settle(tx, result).await
                }

                async fn accept_invitation(
                    &self,
                    invitation_id: Uuid,
                    relationship: &Relationship,
                    audit: &NewAuditEvent,
                ) -> Result<Relationship> {
                    let result = self.accept_invitation_once(invitation_id, relationship, audit).await;
                    match result {
                        // Two different links accepted at once for the same pair: the loser
                        // returns the winner's relationship, as an idempotent accept does.
                        Err(err @ StorageError::Conflict("relationship_exists")) => self
                            .find_active_relationship(relationship.partner_org_id, relationship.customer_org_id)
                            .await?
                            .ok_or(err),
                        other => other,
                    }
                }

                async fn get_relationship(&self, id: Uuid) -> Result<Relationship> {
                    sqlx::query_as::<_, Relationship>(&format!(
                        "SELECT {RELATIONSHIP_COLUMNS} FROM relationships WHERE id = $1"
                    ))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StorageError::NotFound)
                }

                async fn find_active_relationship(
                    &self,
                    partner_org_id: Uuid,
                    customer_org_id: Uuid,
                ) -> Result<Option<Relationship>> {
                    Ok(sqlx::query_as::<_, Relationship>(&format!(
                        "SELECT {RELATIONSHIP_COLUMNS} FROM relationships \
                         WHERE partner_org_id = $1 AND customer_org_id = $2 AND revoked_at IS NULL"
                    ))
                    .bind(partner_org_id)
                    .bind(customer_org_id)
                    .fetch_optional(&self.pool)
                    .await?)
                }

                async fn list_relationships(&self, org_id: Uuid) -> Result<Vec<Relationship>> {
                    Ok(sqlx::query_as::<_, Relationship>(&format!(
                        "SELECT {RELATIONSHIP_COLUMNS} FROM relationships \
                         WHERE partner_org_id = $1 OR customer_org_id = $1 ORDER BY created_at DESC, id"
                    ))
                    .bind(org_id)
                    .fetch_all(&self.pool)
                    .await?)
                }

                async fn revoke_relationship(
                    &self,
                    id: Uuid,
                    by_org_id: Uuid,
                    at: DateTime<Utc>,
                    audit: &NewAuditEvent,
                ) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        let updated = sqlx::query(
                            "UPDATE relationships SET revoked_at = $3, revoked_by_org_id = $2 \
                             WHERE id = $1 AND revoked_at IS NULL",
                        )
                        .bind(id)
                        .bind(by_org_id)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                        if updated.rows_affected() == 0 {
                            return Err(StorageError::NotFound);
                        }
                        insert_audit(&mut tx, audit).await?;
                        Ok(())
                    }
                    .await;
                    settle(tx, result).await
                }
            }

            impl $ty {
                async fn accept_invitation_once(
                    &self,
                    invitation_id: Uuid,
                    relationship: &Relationship,
                    audit: &NewAuditEvent,
                ) -> Result<Relationship> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        // A no-op update takes the invitation's row lock: concurrent accepts of one
                        // link run one after the other, on both backends.
                        let invitation = sqlx::query_as::<_, Invitation>(&format!(
                            "UPDATE invitations SET accepted_count = accepted_count WHERE id = $1 \
                             RETURNING {INVITATION_COLUMNS}"
                        ))
                        .bind(invitation_id)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or(StorageError::NotFound)?;
                        if let Some(existing) =
                            active_relationship(&mut tx, relationship.partner_org_id, relationship.customer_org_id)
                                .await?
                        {
                            return Ok(existing);
                        }
                        if invitation.withdrawn_at.is_some() {
                            return Err(StorageError::Conflict("invitation_withdrawn"));
                        }
                        if invitation.expires_at <= relationship.created_at {
                            return Err(StorageError::Conflict("invitation_expired"));
                        }
                        if !invitation.reusable && invitation.accepted_count > 0 {
                            return Err(StorageError::Conflict("invitation_used"));
                        }
                        sqlx::query(&format!(
                            "INSERT INTO relationships ({RELATIONSHIP_COLUMNS}) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                        ))
                        .bind(relationship.id)
                        .bind(relationship.partner_org_id)
                        .bind(relationship.customer_org_id)
                        .bind(relationship.kind)
                        .bind(Some(invitation_id))
                        .bind(relationship.accepted_by_user_id)
                        .bind(relationship.approval_mode)
                        .bind(relationship.created_at)
                        .bind(None::<DateTime<Utc>>)
                        .bind(None::<Uuid>)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err("relationship_exists"))?;
                        sqlx::query("UPDATE invitations SET accepted_count = accepted_count + 1 WHERE id = $1")
                            .bind(invitation_id)
                            .execute(&mut *tx)
                            .await?;
                        insert_audit(&mut tx, audit).await?;
                        Ok(Relationship {
                            invitation_id: Some(invitation_id),
                            revoked_at: None,
                            revoked_by_org_id: None,
                            ..relationship.clone()
                        })
                    }
                    .await;
                    settle(tx, result).await
                }
            }

            #[async_trait]
            impl ProfileStore for $ty {
                async fn create_profile(&self, profile: &Profile, audit: &NewAuditEvent) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        insert_profile(&mut tx, profile).await?;
                        adopt_unassigned_devices(&mut tx, profile, profile.created_at).await?;
                        insert_audit(&mut tx, audit).await?;
                        Ok(())
                    }
                    .await;
                    settle(tx, result).await
                }

                async fn get_profile(&self, customer_id: Uuid, id: Uuid) -> Result<Profile> {
                    sqlx::query_as::<_, Profile>(&format!(
                        "SELECT {PROFILE_COLUMNS} FROM profiles WHERE id = $1 AND customer_id = $2"
                    ))
                    .bind(id)
                    .bind(customer_id)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StorageError::NotFound)
                }

                async fn list_profiles(&self, customer_id: Uuid) -> Result<Vec<Profile>> {
                    Ok(sqlx::query_as::<_, Profile>(&format!(
                        "SELECT {PROFILE_COLUMNS} FROM profiles WHERE customer_id = $1 \
                         ORDER BY built_in DESC, name, id"
                    ))
                    .bind(customer_id)
                    .fetch_all(&self.pool)
                    .await?)
                }

                async fn update_profile(&self, profile: &Profile, audit: &NewAuditEvent) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        let updated = sqlx::query(
                            "UPDATE profiles SET name = $3, group_tag = $4, settings = $5, updated_at = $6 \
                             WHERE id = $1 AND customer_id = $2",
                        )
                        .bind(profile.id)
                        .bind(profile.customer_id)
                        .bind(&profile.name)
                        .bind(&profile.group_tag)
                        .bind(Json(&profile.settings))
                        .bind(profile.updated_at)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err("profile_group_tag"))?;
                        if updated.rows_affected() == 0 {
                            return Err(StorageError::NotFound);
                        }
                        // Devices stay linked by profile_id; their tag follows the profile's.
                        sqlx::query(
                            "UPDATE devices SET group_tag = $2, updated_at = $3 \
                             WHERE profile_id = $1 AND state <> 'deregistered' AND group_tag <> $2",
                        )
                        .bind(profile.id)
                        .bind(&profile.group_tag)
                        .bind(profile.updated_at)
                        .execute(&mut *tx)
                        .await?;
                        adopt_unassigned_devices(&mut tx, profile, profile.updated_at).await?;
                        insert_audit(&mut tx, audit).await?;
                        Ok(())
                    }
                    .await;
                    settle(tx, result).await
                }

                async fn delete_profile(&self, customer_id: Uuid, id: Uuid, audit: &NewAuditEvent) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        let in_use = sqlx::query(
                            "SELECT id FROM devices WHERE profile_id = $1 AND customer_id = $2 \
                             AND state <> 'deregistered' LIMIT 1",
                        )
                        .bind(id)
                        .bind(customer_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                        if in_use.is_some() {
                            return Err(StorageError::Conflict("profile_in_use"));
                        }
                        // Deregistered devices lose the link (ON DELETE SET NULL).
                        let deleted = sqlx::query("DELETE FROM profiles WHERE id = $1 AND customer_id = $2")
                            .bind(id)
                            .bind(customer_id)
                            .execute(&mut *tx)
                            .await?;
                        if deleted.rows_affected() == 0 {
                            return Err(StorageError::NotFound);
                        }
                        insert_audit(&mut tx, audit).await?;
                        Ok(())
                    }
                    .await;
                    settle(tx, result).await
                }
            }

            #[async_trait]
            impl DeviceStore for $ty {
                async fn get_device(&self, id: Uuid) -> Result<Device> {
                    sqlx::query_as::<_, Device>(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = $1"))
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?
                        .ok_or(StorageError::NotFound)
                }

                async fn list_devices(
                    &self,
                    customer_id: Uuid,
                    filter: &DeviceFilter,
                    cursor: Option<&str>,
                    limit: u32,
                ) -> Result<Page<Device>> {
                    let limit = i64::from(limit.max(1));
                    let mut query =
                        QueryBuilder::<$db>::new(format!("SELECT seq, {DEVICE_COLUMNS} FROM devices WHERE customer_id = "));
                    query.push_bind(customer_id);
                    if let Some(state) = filter.state {
                        query.push(" AND state = ").push_bind(state);
                    } else if !filter.include_deregistered {
                        query.push(" AND state <> 'deregistered'");
                    }
                    if let Some(tag) = &filter.group_tag {
                        query.push(" AND group_tag = ").push_bind(tag.clone());
                    }
                    if let Some(org) = filter.registered_by_org_id {
                        query.push(" AND registered_by_org_id = ").push_bind(org);
                    }
                    if let Some(cursor) = cursor {
                        query.push(" AND seq < ").push_bind(decode_device_cursor(cursor)?);
                    }
                    // Newest first; one extra row tells whether another page exists.
                    query.push(" ORDER BY seq DESC LIMIT ").push_bind(limit + 1);
                    let rows = query.build().fetch_all(&self.pool).await?;
                    let mut items = Vec::with_capacity(rows.len());
                    let mut last_seq = None;
                    for row in rows.iter().take(limit as usize) {
                        items.push(<Device as sqlx::FromRow<_>>::from_row(row)?);
                        last_seq = Some(row.try_get::<i64, _>("seq")?);
                    }
                    let next_cursor =
                        if rows.len() as i64 > limit { last_seq.map(encode_device_cursor) } else { None };
                    Ok(Page { items, next_cursor })
                }

                async fn find_device_by_keys(
                    &self,
                    tuple_key: Option<&str>,
                    pkid_key: Option<&str>,
                    hash_key: Option<&str>,
                ) -> Result<Option<Device>> {
                    Ok(sqlx::query_as::<_, Device>(&format!(
                        "SELECT {DEVICE_COLUMNS} FROM devices WHERE state <> 'deregistered' \
                         AND (tuple_key = $1 OR pkid_key = $2 OR hash_key = $3) LIMIT 1"
                    ))
                    .bind(tuple_key)
                    .bind(pkid_key)
                    .bind(hash_key)
                    .fetch_optional(&self.pool)
                    .await?)
                }

                async fn update_device_tag(
                    &self,
                    id: Uuid,
                    group_tag: Option<&str>,
                    profile_id: Option<Uuid>,
                    audit: &NewAuditEvent,
                ) -> Result<Device> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        // An active device stays active; otherwise the profile decides assignment.
                        let new_state = if profile_id.is_some() { DeviceState::Registered } else { DeviceState::Unassigned };
                        let device = sqlx::query_as::<_, Device>(&format!(
                            "UPDATE devices SET group_tag = $2, profile_id = $3, updated_at = $4, \
                             state = CASE WHEN state = 'active' THEN state ELSE $5 END \
                             WHERE id = $1 AND state <> 'deregistered' RETURNING {DEVICE_COLUMNS}"
                        ))
                        .bind(id)
                        .bind(group_tag)
                        .bind(profile_id)
                        .bind(Utc::now())
                        .bind(new_state)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(map_err("device_profile"))?
                        .ok_or(StorageError::NotFound)?;
                        insert_audit(&mut tx, audit).await?;
                        Ok(device)
                    }
                    .await;
                    settle(tx, result).await
                }

                async fn deregister_device(
                    &self,
                    id: Uuid,
                    at: DateTime<Utc>,
                    audit: &NewAuditEvent,
                ) -> Result<Device> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        let device = sqlx::query_as::<_, Device>(&format!(
                            "UPDATE devices SET state = 'deregistered', deregistered_at = $2, updated_at = $2 \
                             WHERE id = $1 AND state <> 'deregistered' RETURNING {DEVICE_COLUMNS}"
                        ))
                        .bind(id)
                        .bind(at)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or(StorageError::NotFound)?;
                        insert_audit(&mut tx, audit).await?;
                        Ok(device)
                    }
                    .await;
                    settle(tx, result).await
                }

                async fn mark_device_active(&self, id: Uuid, at: DateTime<Utc>) -> Result<Device> {
                    // Lookups are hot and mostly repeat: only the first one opens a write
                    // transaction (which on SQLite would queue behind batch chunks).
                    let device = self.get_device(id).await?;
                    if device.state != DeviceState::Registered || device.activated_at.is_some() {
                        return Ok(device);
                    }
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        let activated = sqlx::query_as::<_, Device>(&format!(
                            "UPDATE devices SET state = 'active', activated_at = $2, updated_at = $2 \
                             WHERE id = $1 AND state = 'registered' AND activated_at IS NULL \
                             RETURNING {DEVICE_COLUMNS}"
                        ))
                        .bind(id)
                        .bind(at)
                        .fetch_optional(&mut *tx)
                        .await?;
                        let device = match activated {
                            Some(device) => device,
                            // Changed in between (another lookup won, or it was deregistered).
                            None => fetch_device(&mut tx, id).await?.ok_or(StorageError::NotFound)?,
                        };
                        Ok(device)
                    }
                    .await;
                    settle(tx, result).await
                }
            }

            #[async_trait]
            impl BatchStore for $ty {
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
                        if let Some(setup) = Self::CHUNK_TRANSACTION_SETUP {
                            sqlx::query(setup).execute(&mut *tx).await?;
                        }
                        let (receiving, customer_id, submitter) = sqlx::query_as::<_, (bool, Uuid, Uuid)>(&format!(
                            "SELECT receiving, customer_id, submitted_by_org_id FROM batches WHERE id = $1{}",
                            Self::LOCK_ROWS
                        ))
                        .bind(batch_id)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or(StorageError::NotFound)?;
                        if !receiving {
                            return Err(StorageError::Conflict("batch_sealed"));
                        }
                        if !consent_active(&mut tx, submitter, customer_id, Self::SHARE_ROWS).await? {
                            return Err(StorageError::ConsentRevoked);
                        }
                        insert_batch_items(&mut tx, batch_id, items).await?;
                        Ok(())
                    }
                    .await;
                    settle(tx, result).await
                }

                async fn seal_batch(&self, batch_id: Uuid) -> Result<Batch> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        let (customer_id, submitter) = sqlx::query_as::<_, (Uuid, Uuid)>(&format!(
                            "SELECT customer_id, submitted_by_org_id FROM batches WHERE id = $1{}",
                            Self::LOCK_ROWS
                        ))
                        .bind(batch_id)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or(StorageError::NotFound)?;
                        if !consent_active(&mut tx, submitter, customer_id, Self::SHARE_ROWS).await? {
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
                            Self::LOCK_ROWS
                        ))
                        .bind(batch_id)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or(StorageError::NotFound)?;
                        if !receiving {
                            return Err(StorageError::Conflict("batch_sealed"));
                        }
                        for table in ["batch_item_inputs", "batch_items", "batches"] {
                            let column = if table == "batches" { "id" } else { "batch_id" };
                            sqlx::query(&format!("DELETE FROM {table} WHERE {column} = $1"))
                                .bind(batch_id)
                                .execute(&mut *tx)
                                .await?;
                        }
                        insert_audit(&mut tx, audit).await?;
                        Ok(())
                    }
                    .await;
                    settle(tx, result).await
                }

                async fn get_batch(&self, id: Uuid) -> Result<Batch> {
                    sqlx::query_as::<_, Batch>(&format!("SELECT {BATCH_COLUMNS} FROM batches WHERE id = $1"))
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?
                        .ok_or(StorageError::NotFound)
                }

                async fn list_batch_items(
                    &self,
                    batch_id: Uuid,
                    after_row: Option<i64>,
                    limit: u32,
                ) -> Result<Vec<BatchItem>> {
                    Ok(sqlx::query_as::<_, BatchItem>(&format!(
                        "{BATCH_ITEM_SELECT} WHERE i.batch_id = $1 AND i.row_no > $2 ORDER BY i.row_no LIMIT $3"
                    ))
                    .bind(batch_id)
                    .bind(after_row.unwrap_or(i64::MIN))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?)
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
                             WHERE id = (SELECT id FROM batches \
                                 WHERE (status = 'queued' AND NOT receiving) \
                                     OR (status = 'processing' AND lease_until < $1) \
                                 ORDER BY created_at, id LIMIT 1{}) \
                             RETURNING {BATCH_COLUMNS}",
                            Self::SKIP_LOCKED
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

                async fn pending_items(&self, batch_id: Uuid, limit: u32) -> Result<Vec<BatchItem>> {
                    Ok(sqlx::query_as::<_, BatchItem>(&format!(
                        "{BATCH_ITEM_SELECT} WHERE i.batch_id = $1 AND i.status = 'pending' \
                         ORDER BY i.row_no LIMIT $2"
                    ))
                    .bind(batch_id)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?)
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

                async fn finish_batch(&self, batch_id: Uuid, at: DateTime<Utc>, audit: &NewAuditEvent) -> Result<Batch> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        let pending = sqlx::query("SELECT row_no FROM batch_items WHERE batch_id = $1 AND status = 'pending' LIMIT 1")
                            .bind(batch_id)
                            .fetch_optional(&mut *tx)
                            .await?;
                        if pending.is_some() {
                            return Err(StorageError::Conflict("batch_items_pending"));
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
            }

            impl $ty {
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
                        Err(StorageError::Conflict("batch_idempotency_key")) => {
                            let key = batch.idempotency_key.as_deref().unwrap_or_default();
                            let existing = self
                                .batch_by_idempotency_key(batch.submitted_by_org_id, key)
                                .await?
                                .ok_or(StorageError::Conflict("batch_idempotency_key"))?;
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
                        if !consent_active(&mut tx, batch.submitted_by_org_id, batch.customer_id, Self::SHARE_ROWS).await? {
                            return Err(StorageError::ConsentRevoked);
                        }
                        if let Some(key) = batch.idempotency_key.as_deref() {
                            let existing = sqlx::query_as::<_, Batch>(&format!(
                                "SELECT {BATCH_COLUMNS} FROM batches WHERE submitted_by_org_id = $1 AND idempotency_key = $2"
                            ))
                            .bind(batch.submitted_by_org_id)
                            .bind(key)
                            .fetch_optional(&mut *tx)
                            .await?;
                            if let Some(existing) = existing {
                                return Ok((existing, false));
                            }
                        }
                        sqlx::query(&format!(
                            "INSERT INTO batches ({BATCH_COLUMNS}, receiving) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
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
                        .bind(items.is_none())
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err("batch_idempotency_key"))?;
                        if let Some(items) = items {
                            insert_batch_items(&mut tx, batch.id, items).await?;
                        }
                        insert_audit(&mut tx, audit).await?;
                        Ok((batch.clone(), true))
                    }
                    .await;
                    settle(tx, result).await
                }
            }

            #[async_trait]
            impl AuditStore for $ty {
                async fn append_audit(&self, event: &NewAuditEvent) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let result: Result<_> = async {
                        insert_audit(&mut tx, event).await?;
                        Ok(())
                    }
                    .await;
                    settle(tx, result).await
                }

                async fn list_audit(
                    &self,
                    filter: &AuditFilter,
                    before_seq: Option<i64>,
                    limit: u32,
                ) -> Result<Vec<AuditEvent>> {
                    let mut query = QueryBuilder::<$db>::new(format!("SELECT {AUDIT_COLUMNS} FROM audit_events WHERE seq < "));
                    query.push_bind(before_seq.unwrap_or(i64::MAX));
                    if let Some(org) = filter.org_id {
                        query.push(" AND (actor_org_id = ").push_bind(org);
                        query.push(" OR tenant_org_id = ").push_bind(org).push(")");
                    }
                    query.push(" ORDER BY seq DESC LIMIT ").push_bind(i64::from(limit));
                    Ok(query.build_query_as::<AuditEvent>().fetch_all(&self.pool).await?)
                }
            }

            #[async_trait]
            impl Database for $ty {
                fn backend(&self) -> &'static str {
                    Self::BACKEND
                }

                async fn ping(&self) -> Result<()> {
                    sqlx::query("SELECT 1").execute(&self.pool).await?;
                    Ok(())
                }
            }
        }
    };
}

pub(crate) use impl_database;

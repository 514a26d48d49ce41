//! Devices (`DeviceStore`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

use super::common::*;
use super::{Db, Store};
use crate::sql::*;
use crate::*;

/// Locks the device for a mutation by `owner`; `NotFound` when `owner` may not reach it. A
/// partner's relationship is read `FOR SHARE` in the mutation's transaction, so a concurrent
/// revocation waits for the mutation (or, committed first, refuses it).
async fn lock_reachable_device(tx: &mut Tx, owner: &Owner, id: Uuid) -> Result<()> {
    let (column, org) = match *owner {
        Owner::Customer(customer) => ("customer_id", customer),
        Owner::Partner(partner) => ("registered_by_org_id", partner),
        Owner::Submitter(_) => return Err(StorageError::NotFound),
    };
    let customer = sqlx::query_scalar::<_, Uuid>(&format!(
        "SELECT customer_id FROM devices WHERE id = $1 AND {column} = $2{}",
        Store::FOR_UPDATE
    ))
    .bind(id)
    .bind(org)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StorageError::NotFound)?;
    if let Owner::Partner(partner) = *owner {
        if !consent_active(tx, partner, customer, Store::FOR_SHARE).await? {
            return Err(StorageError::NotFound);
        }
    }
    Ok(())
}

/// Appends `customer_id = … AND <owner reaches> AND <filter>` to a query of devices.
fn push_device_filter(
    query: &mut QueryBuilder<'_, Db>,
    owner: &Owner,
    customer_id: Uuid,
    filter: &DeviceFilter,
) {
    query.push("customer_id = ").push_bind(customer_id);
    push_owner(query, owner, "devices.customer_id", "devices.registered_by_org_id");
    if let Some(state) = filter.state {
        query.push(" AND state = ").push_bind(state);
    } else if !filter.include_deregistered {
        query.push(" AND state <> 'deregistered'");
    }
    if let Some(tag) = &filter.group_tag {
        query.push(" AND group_tag = ").push_bind(tag.clone());
    }
    if let Some(org_id) = filter.registered_by_org_id {
        query.push(" AND registered_by_org_id = ").push_bind(org_id);
    }
    if let Some(order) = &filter.order_number {
        query
            .push(" AND batch_id IN (SELECT b.id FROM batches b WHERE b.customer_id = ")
            .push_bind(customer_id)
            .push(" AND b.order_number = ")
            .push_bind(order.clone())
            .push(")");
    }
    if let Some(search) = &filter.serial {
        // ASCII case folding on both sides: what SQLite's LOWER does, so both backends agree.
        let text = search.text.to_ascii_lowercase();
        if search.exact {
            query.push(" AND LOWER(serial_number) = ").push_bind(text);
        } else {
            let escaped: String = text
                .chars()
                .flat_map(|c| match c {
                    '\\' | '%' | '_' => vec!['\\', c],
                    other => vec![other],
                })
                .collect();
            query
                .push(" AND LOWER(serial_number) LIKE ")
                .push_bind(format!("{escaped}%"))
                .push(" ESCAPE '\\'");
        }
    }
}

#[async_trait]
impl DeviceStore for Store {
    async fn get_device(&self, owner: &Owner, id: Uuid) -> Result<Device> {
        let mut query = QueryBuilder::<Db>::new(format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = "));
        query.push_bind(id);
        push_owner(&mut query, owner, "devices.customer_id", "devices.registered_by_org_id");
        query.build_query_as::<Device>().fetch_optional(&self.pool).await?.ok_or(StorageError::NotFound)
    }

    async fn list_devices(
        &self,
        owner: &Owner,
        customer_id: Uuid,
        filter: &DeviceFilter,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Device>> {
        let limit = i64::from(limit.max(1));
        let mut query = QueryBuilder::<Db>::new(format!("SELECT seq, {DEVICE_COLUMNS} FROM devices WHERE "));
        push_device_filter(&mut query, owner, customer_id, filter);
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
        let next_cursor = if rows.len() as i64 > limit { last_seq.map(encode_device_cursor) } else { None };
        Ok(Page { items, next_cursor })
    }

    async fn list_devices_window(
        &self,
        owner: &Owner,
        customer_id: Uuid,
        filter: &DeviceFilter,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<DeviceWindow> {
        let limit = i64::from(limit.max(1));
        let position = cursor.map(decode_device_window_cursor).transpose()?;
        let mut query = QueryBuilder::<Db>::new(format!("SELECT seq, {DEVICE_COLUMNS} FROM devices WHERE "));
        push_device_filter(&mut query, owner, customer_id, filter);
        match position {
            None => {
                query.push(" ORDER BY seq DESC LIMIT ").push_bind(limit + 1);
            }
            Some(Ok(older_than)) => {
                query
                    .push(" AND seq < ")
                    .push_bind(older_than)
                    .push(" ORDER BY seq DESC LIMIT ")
                    .push_bind(limit + 1);
            }
            Some(Err(newer_than)) => {
                // The page before: the `limit` devices just newer, read upwards, then turned.
                query
                    .push(" AND seq > ")
                    .push_bind(newer_than)
                    .push(" ORDER BY seq ASC LIMIT ")
                    .push_bind(limit + 1);
            }
        }
        let rows = query.build().fetch_all(&self.pool).await?;
        let more = rows.len() as i64 > limit;
        let mut page = Vec::with_capacity(rows.len());
        for row in rows.iter().take(limit as usize) {
            page.push((row.try_get::<i64, _>("seq")?, <Device as sqlx::FromRow<_>>::from_row(row)?));
        }
        let (next_cursor, previous_cursor) = match position {
            Some(Err(_)) if !more => {
                // Back at the newest devices: the first page, whole, as it is without a cursor.
                return self.list_devices_window(owner, customer_id, filter, None, limit as u32).await;
            }
            Some(Err(_)) => {
                page.reverse();
                let next = page.last().map(|(seq, _)| encode_device_cursor(*seq));
                (next, page.first().map(|(seq, _)| encode_previous_device_cursor(*seq)))
            }
            Some(Ok(_)) => {
                let next = if more { page.last().map(|(seq, _)| encode_device_cursor(*seq)) } else { None };
                (next, page.first().map(|(seq, _)| encode_previous_device_cursor(*seq)))
            }
            None => (if more { page.last().map(|(seq, _)| encode_device_cursor(*seq)) } else { None }, None),
        };
        Ok(DeviceWindow {
            items: page.into_iter().map(|(_, device)| device).collect(),
            next_cursor,
            previous_cursor,
        })
    }

    async fn count_devices(&self, owner: &Owner, customer_id: Uuid, filter: &DeviceFilter) -> Result<i64> {
        let mut query = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM devices WHERE ");
        push_device_filter(&mut query, owner, customer_id, filter);
        Ok(query.build_query_scalar::<i64>().fetch_one(&self.pool).await?)
    }

    async fn find_first_boot(
        &self,
        tuple_key: Option<&str>,
        pkid_key: Option<&str>,
        hash_key: Option<&str>,
    ) -> Result<Option<FirstBoot>> {
        // The device by its keys, then the profile and the tenant by primary key, all in one
        // round trip: a first boot costs one read.
        let row = sqlx::query(&format!(
            "SELECT d.id, d.customer_id, d.state, d.serial_number, d.activated_at, o.domain, \
             p.id AS profile_id, p.name AS profile_name, p.settings AS profile_settings \
             FROM ({} LIMIT 1) AS d \
             JOIN organisations o ON o.id = d.customer_id \
             LEFT JOIN profiles p ON p.id = d.profile_id AND p.customer_id = d.customer_id",
            live_devices_by_key(
                "id, customer_id, state, serial_number, activated_at, profile_id",
                "UNION ALL"
            )
        ))
        .bind(tuple_key)
        .bind(pkid_key)
        .bind(hash_key)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let profile = match row.try_get::<Option<Uuid>, _>("profile_id")? {
            Some(id) => Some(FirstBootProfile {
                id,
                name: row.try_get("profile_name")?,
                settings: row.try_get::<sqlx::types::Json<serde_json::Value>, _>("profile_settings")?.0,
            }),
            None => None,
        };
        Ok(Some(FirstBoot {
            device_id: row.try_get("id")?,
            customer_id: row.try_get("customer_id")?,
            state: row.try_get("state")?,
            serial_number: row.try_get("serial_number")?,
            activated_at: row.try_get("activated_at")?,
            tenant_domain: row.try_get("domain")?,
            profile,
        }))
    }

    async fn update_device_tag(
        &self,
        owner: &Owner,
        id: Uuid,
        group_tag: Option<&str>,
        profile_id: Option<Uuid>,
        audit: &NewAuditEvent,
    ) -> Result<Device> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            lock_reachable_device(&mut tx, owner, id).await?;
            // An active device stays active; otherwise the profile decides assignment.
            let new_state =
                if profile_id.is_some() { DeviceState::Registered } else { DeviceState::Unassigned };
            let device = sqlx::query_as::<_, Device>(&format!(
                "UPDATE devices SET group_tag = $2, profile_id = $3, updated_at = $4, \
                 state = CASE WHEN state = 'active' THEN state ELSE $5 END \
                 WHERE id = $1 AND state <> 'deregistered' \
                 AND ($3 IS NULL OR EXISTS (SELECT 1 FROM profiles p \
                     WHERE p.id = $3 AND p.customer_id = devices.customer_id)) \
                 RETURNING {DEVICE_COLUMNS}"
            ))
            .bind(id)
            .bind(group_tag)
            .bind(profile_id)
            .bind(Utc::now())
            .bind(new_state)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_missing)?
            .ok_or(StorageError::NotFound)?;
            insert_audit(&mut tx, audit).await?;
            Ok(device)
        }
        .await;
        settle(tx, result).await
    }

    async fn deregister_device(
        &self,
        owner: &Owner,
        id: Uuid,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<Device> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            lock_reachable_device(&mut tx, owner, id).await?;
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

    async fn find_key_holders(&self, devices: &[NewDevice]) -> Result<Vec<Vec<KeyHolder>>> {
        // One read connection for the whole list: a dry run of a large batch is many small
        // indexed reads, and never takes SQLite's write lock.
        let mut conn = self.pool.acquire().await?;
        let mut all = Vec::with_capacity(devices.len());
        for device in devices {
            all.push(
                live_key_holders(
                    &mut *conn,
                    device.tuple_key.as_deref(),
                    device.pkid_key.as_deref(),
                    device.hash_key.as_deref(),
                )
                .await?,
            );
        }
        Ok(all)
    }

    async fn batch_orders(&self, batch_ids: &[Uuid]) -> Result<Vec<(Uuid, BatchOrder)>> {
        if batch_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = QueryBuilder::<Db>::new(
            "SELECT id, order_number, purchase_order, ship_date FROM batches WHERE id IN (",
        );
        let mut ids = query.separated(", ");
        for id in batch_ids {
            ids.push_bind(*id);
        }
        query.push(")");
        let rows = query.build().fetch_all(&self.pool).await?;
        let mut orders = Vec::with_capacity(rows.len());
        for row in &rows {
            orders.push((row.try_get::<Uuid, _>("id")?, <BatchOrder as sqlx::FromRow<_>>::from_row(row)?));
        }
        Ok(orders)
    }

    async fn activate_devices(&self, activations: &[Activation]) -> Result<Vec<Uuid>> {
        if activations.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let mut changed = std::collections::HashSet::with_capacity(activations.len());
            for part in activations.chunks(ROWS_PER_STATEMENT) {
                changed.extend(Store::activate_rows(&mut tx, part).await?);
            }
            // In the order the lookups came, one event per device changed (a device listed
            // twice is activated once).
            let (activated, events): (Vec<Uuid>, Vec<&NewAuditEvent>) = activations
                .iter()
                .filter(|activation| changed.remove(&activation.device_id))
                .map(|activation| (activation.device_id, &activation.audit))
                .unzip();
            insert_audits(&mut tx, &events).await?;
            Ok(activated)
        }
        .await;
        settle(tx, result).await
    }

    async fn mark_device_active(&self, id: Uuid, at: DateTime<Utc>, audit: &NewAuditEvent) -> Result<Device> {
        // Lookups are hot and mostly repeat: only the first one opens a write
        // transaction (which on SQLite would queue behind batch chunks).
        let device =
            sqlx::query_as::<_, Device>(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StorageError::NotFound)?;
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
                Some(device) => {
                    insert_audit(&mut tx, audit).await?;
                    device
                }
                // Changed in between (another lookup won, or it was deregistered).
                None => fetch_device(&mut tx, id).await?.ok_or(StorageError::NotFound)?,
            };
            Ok(device)
        }
        .await;
        settle(tx, result).await
    }
}

//! Organisations (`OrgStore`).

use async_trait::async_trait;
use uuid::Uuid;

use super::common::*;
use super::Store;
use crate::sql::*;
use crate::*;

/// The organisation, its built-in profiles (a customer's), its first admin and the audit events.
async fn insert_org(
    tx: &mut Tx,
    org: &Organisation,
    first_admin: Option<&User>,
    audit: &[NewAuditEvent],
) -> Result<()> {
    sqlx::query(&format!("INSERT INTO organisations ({ORG_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"))
        .bind(org.id)
        .bind(org.kind)
        .bind(&org.name)
        .bind(org.domain.as_deref())
        .bind(org.created_at)
        .execute(&mut **tx)
        .await
        .map_err(map_err(Conflict::OrganisationExists))?;
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
            insert_profile(tx, &profile).await?;
        }
    }
    if let Some(admin) = first_admin {
        insert_user(tx, admin).await?;
    }
    for event in audit {
        insert_audit(tx, event).await?;
    }
    Ok(())
}

#[async_trait]
impl OrgStore for Store {
    async fn create_org(
        &self,
        org: &Organisation,
        first_admin: Option<&User>,
        audit: &[NewAuditEvent],
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let result = insert_org(&mut tx, org, first_admin, audit).await;
        settle(tx, result).await
    }

    async fn bootstrap_operator(
        &self,
        org: &Organisation,
        admin: &User,
        audit: &[NewAuditEvent],
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            // Two processes bootstrapping at once: the second waits here for the first to
            // commit, then counts its organisation.
            if let Some(lock) = Store::LOCK_ORGANISATIONS {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            let any = sqlx::query("SELECT id FROM organisations LIMIT 1").fetch_optional(&mut *tx).await?;
            if any.is_some() {
                return Ok(false);
            }
            insert_org(&mut tx, org, Some(admin), audit).await?;
            Ok(true)
        }
        .await;
        settle(tx, result).await
    }

    async fn get_org(&self, id: Uuid) -> Result<Organisation> {
        sqlx::query_as::<_, Organisation>(&format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1"))
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

    async fn count_org_devices(&self, org_id: Uuid) -> Result<OrgDeviceCount> {
        let (in_tenant, registered_elsewhere) = sqlx::query_as::<_, (i64, i64)>(
            "SELECT \
               (SELECT COUNT(*) FROM devices WHERE customer_id = $1 AND deregistered_at IS NULL), \
               (SELECT COUNT(*) FROM devices WHERE registered_by_org_id = $1 AND customer_id <> $1 \
                  AND deregistered_at IS NULL)",
        )
        .bind(org_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(OrgDeviceCount { in_tenant, registered_elsewhere })
    }
}

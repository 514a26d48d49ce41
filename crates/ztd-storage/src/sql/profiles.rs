//! Deployment profiles (`ProfileStore`).

use async_trait::async_trait;
use sqlx::types::Json;
use uuid::Uuid;

use super::common::*;
use super::Store;
use crate::sql::*;
use crate::*;

#[async_trait]
impl ProfileStore for Store {
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
            .map_err(map_err(Conflict::ProfileGroupTag))?;
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
                return Err(StorageError::Conflict(Conflict::ProfileInUse));
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

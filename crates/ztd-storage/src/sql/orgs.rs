//! Organisations (`OrgStore`).

use async_trait::async_trait;
use uuid::Uuid;

use super::common::*;
use super::Store;
use crate::sql::*;
use crate::*;

#[async_trait]
impl OrgStore for Store {
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

    async fn count_orgs(&self) -> Result<i64> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM organisations").fetch_one(&self.pool).await?)
    }
}

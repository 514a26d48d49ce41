//! The audit log (`AuditStore`).

use async_trait::async_trait;

use super::common::*;
use super::Store;
use crate::sql::*;
use crate::*;

#[async_trait]
impl AuditStore for Store {
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
        Ok(sqlx::query_as::<_, AuditEvent>(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_events \
             WHERE seq < $1 AND (actor_org_id = $2 OR tenant_org_id = $2) ORDER BY seq DESC LIMIT $3"
        ))
        .bind(before_seq.unwrap_or(i64::MAX))
        .bind(filter.org_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }
}

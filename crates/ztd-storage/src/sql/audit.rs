//! The audit log (`AuditStore`).

use async_trait::async_trait;
use sqlx::QueryBuilder;

use super::common::*;
use super::{Db, Store};
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
        self.search_audit(filter, &AuditSearch::default(), before_seq, limit).await
    }

    async fn search_audit(
        &self,
        filter: &AuditFilter,
        search: &AuditSearch,
        before_seq: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>> {
        let mut query =
            QueryBuilder::<Db>::new(format!("SELECT {AUDIT_COLUMNS} FROM audit_events WHERE seq < "));
        query.push_bind(before_seq.unwrap_or(i64::MAX));
        query.push(" AND (actor_org_id = ").push_bind(filter.org_id);
        query.push(" OR tenant_org_id = ").push_bind(filter.org_id).push(")");
        if let Some(action) = &search.action {
            query.push(" AND action = ").push_bind(action.clone());
        }
        if let Some(actor) = search.actor_id {
            query.push(" AND actor_id = ").push_bind(actor);
        }
        if let Some(org) = search.actor_org_id {
            query.push(" AND actor_org_id = ").push_bind(org);
        }
        if let Some(since) = search.since {
            query.push(" AND at >= ").push_bind(since);
        }
        if let Some(until) = search.until {
            query.push(" AND at < ").push_bind(until);
        }
        query.push(" ORDER BY seq DESC LIMIT ").push_bind(i64::from(limit));
        Ok(query.build_query_as::<AuditEvent>().fetch_all(&self.pool).await?)
    }
}

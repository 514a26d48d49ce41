//! Invitations and relationships (`ConsentStore`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::common::*;
use super::review::{decide_waiting_batch, submitter_copy};
use super::Store;
use crate::sql::*;
use crate::*;

#[async_trait]
impl ConsentStore for Store {
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
            .map_err(map_err(Conflict::InvitationTokenTaken))?;
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
            Err(err @ StorageError::Conflict(Conflict::RelationshipExists)) => self
                .find_active_relationship(relationship.partner_org_id, relationship.customer_org_id)
                .await?
                .ok_or(err),
            other => other,
        }
    }

    async fn get_relationship(&self, org_id: Uuid, id: Uuid) -> Result<Relationship> {
        sqlx::query_as::<_, Relationship>(&format!(
            "SELECT {RELATIONSHIP_COLUMNS} FROM relationships \
             WHERE id = $2 AND (partner_org_id = $1 OR customer_org_id = $1)"
        ))
        .bind(org_id)
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
        org_id: Uuid,
        id: Uuid,
        at: DateTime<Utc>,
        audit: &NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let updated = sqlx::query(
                "UPDATE relationships SET revoked_at = $3, revoked_by_org_id = $1 \
                 WHERE id = $2 AND revoked_at IS NULL AND (partner_org_id = $1 OR customer_org_id = $1)",
            )
            .bind(org_id)
            .bind(id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                return Err(StorageError::NotFound);
            }
            insert_audit(&mut tx, audit).await?;
            let (partner, customer) = sqlx::query_as::<_, (Uuid, Uuid)>(
                "SELECT partner_org_id, customer_org_id FROM relationships WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            // The partner reads the customer's revocation on its own trail.
            if audit.actor_org_id != Some(partner) {
                insert_audit_copy(&mut tx, &partner_copy(audit, partner, customer)).await?;
            }
            // What waits in the customer's approval queue can no longer be approved.
            let waiting = sqlx::query_scalar::<_, Uuid>(
                "SELECT id FROM batches WHERE submitted_by_org_id = $1 AND customer_id = $2 \
                 AND status = 'awaiting_approval'",
            )
            .bind(partner)
            .bind(customer)
            .fetch_all(&mut *tx)
            .await?;
            let reason = "the relationship was revoked";
            for batch_id in waiting {
                let rejection = NewAuditEvent {
                    action: "device_batch.reject".into(),
                    target_type: "device_batch".into(),
                    target_id: Some(batch_id.to_string()),
                    tenant_org_id: Some(customer),
                    details: serde_json::json!({ "reason": reason }),
                    ..audit.clone()
                };
                let decision =
                    BatchDecision { approve: false, reason: Some(reason.into()), decided_by_id: None, at };
                let rejected = decide_waiting_batch(&mut tx, batch_id, &decision).await?;
                insert_audit(&mut tx, &rejection).await?;
                // The partner sees it whoever revoked (the revoker's event names the actor).
                if rejection.actor_org_id != Some(partner) {
                    if let Some(copy) = submitter_copy(&rejection, &rejected) {
                        insert_audit(&mut tx, &copy).await?;
                    }
                }
            }
            Ok(())
        }
        .await;
        settle(tx, result).await
    }

    async fn set_approval_mode(
        &self,
        customer_org_id: Uuid,
        id: Uuid,
        mode: ApprovalMode,
        audit: &NewAuditEvent,
    ) -> Result<Relationship> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let relationship = sqlx::query_as::<_, Relationship>(&format!(
                "UPDATE relationships SET approval_mode = $3 \
                 WHERE id = $2 AND customer_org_id = $1 AND revoked_at IS NULL RETURNING {RELATIONSHIP_COLUMNS}"
            ))
            .bind(customer_org_id)
            .bind(id)
            .bind(mode)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::NotFound)?;
            insert_audit(&mut tx, audit).await?;
            Ok(relationship)
        }
        .await;
        settle(tx, result).await
    }

    async fn relationship_health(
        &self,
        relationship: &Relationship,
        since: DateTime<Utc>,
    ) -> Result<RelationshipHealth> {
        let (partner, customer) = (relationship.partner_org_id, relationship.customer_org_id);
        let (last_upload_at,) = sqlx::query_as::<_, (Option<DateTime<Utc>>,)>(
            "SELECT MAX(created_at) FROM batches WHERE submitted_by_org_id = $1 AND customer_id = $2",
        )
        .bind(partner)
        .bind(customer)
        .fetch_one(&self.pool)
        .await?;
        let (batches_30d, rows_failed_30d) = sqlx::query_as::<_, (i64, Option<i64>)>(
            "SELECT COUNT(*), CAST(SUM(CASE WHEN status = 'rejected' THEN 0 ELSE failed END) AS BIGINT) \
             FROM batches WHERE submitted_by_org_id = $1 AND customer_id = $2 AND created_at >= $3",
        )
        .bind(partner)
        .bind(customer)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        let devices_registered = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM devices WHERE customer_id = $1 AND registered_by_org_id = $2 \
             AND deregistered_at IS NULL",
        )
        .bind(customer)
        .bind(partner)
        .fetch_one(&self.pool)
        .await?;
        let accepted_by = match relationship.accepted_by_user_id {
            Some(user) => {
                sqlx::query_scalar::<_, String>("SELECT email FROM users WHERE id = $1")
                    .bind(user)
                    .fetch_optional(&self.pool)
                    .await?
            }
            None => None,
        };
        Ok(RelationshipHealth {
            last_upload_at,
            devices_registered,
            batches_30d,
            rows_failed_30d: rows_failed_30d.unwrap_or(0),
            accepted_by,
        })
    }
}

/// The partner's copy of a consent decision taken on the customer's side (an acceptance, a
/// revocation): the same action on the partner's own trail, done "by the system" so that it
/// names no person of the customer (the customer's trail has the original), with
/// `customer_org_id` in its details to say whose decision it was. Its webhook event is the
/// original's, which already reaches the partner, so the copy adds no delivery.
fn partner_copy(decision: &NewAuditEvent, partner: Uuid, customer: Uuid) -> NewAuditEvent {
    let mut details = match &decision.details {
        serde_json::Value::Object(fields) => fields.clone(),
        _ => serde_json::Map::new(),
    };
    details.insert("customer_org_id".into(), serde_json::json!(customer));
    NewAuditEvent {
        actor_kind: ActorKind::System,
        actor_id: None,
        actor_org_id: None,
        tenant_org_id: Some(partner),
        details: serde_json::Value::Object(details),
        ..decision.clone()
    }
}

impl Store {
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
            // A link bound to another customer is as good as unknown to this one, and a link
            // only ever relates its creator.
            let bound_elsewhere =
                invitation.customer_id.is_some_and(|only| only != relationship.customer_org_id);
            if bound_elsewhere || invitation.creator_org_id != relationship.partner_org_id {
                return Err(StorageError::NotFound);
            }
            if let Some(existing) =
                active_relationship(&mut tx, relationship.partner_org_id, relationship.customer_org_id)
                    .await?
            {
                return Ok(existing);
            }
            if invitation.withdrawn_at.is_some() {
                return Err(StorageError::Conflict(Conflict::InvitationWithdrawn));
            }
            if invitation.expires_at <= relationship.created_at {
                return Err(StorageError::Conflict(Conflict::InvitationExpired));
            }
            if !invitation.reusable && invitation.accepted_count > 0 {
                return Err(StorageError::Conflict(Conflict::InvitationUsed));
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
            .map_err(map_err(Conflict::RelationshipExists))?;
            sqlx::query("UPDATE invitations SET accepted_count = accepted_count + 1 WHERE id = $1")
                .bind(invitation_id)
                .execute(&mut *tx)
                .await?;
            insert_audit(&mut tx, audit).await?;
            // The partner reads the customer's acceptance on its own trail.
            if audit.actor_org_id != Some(relationship.partner_org_id) {
                let copy = partner_copy(audit, relationship.partner_org_id, relationship.customer_org_id);
                insert_audit_copy(&mut tx, &copy).await?;
            }
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

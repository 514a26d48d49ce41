//! Users, API keys and sessions (`CredentialStore`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::common::*;
use super::Store;
use crate::sql::*;
use crate::*;

#[async_trait]
impl CredentialStore for Store {
    async fn create_user(&self, user: &User, audit: &NewAuditEvent) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            insert_user(&mut tx, user).await?;
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
        sqlx::query_as::<_, User>(&format!("SELECT {USER_COLUMNS} FROM users WHERE lower(email) = lower($1)"))
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
        org_id: Uuid,
        user_id: Uuid,
        password_hash: &str,
        one_time_until: Option<DateTime<Utc>>,
        new_session: Option<&Session>,
        audit: &NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let updated = sqlx::query(
                "UPDATE users SET password_hash = $3, must_change_password = $4, one_time_password_expires_at = $5 \
                 WHERE id = $2 AND org_id = $1",
            )
            .bind(org_id)
            .bind(user_id)
            .bind(password_hash)
            .bind(one_time_until.is_some())
            .bind(one_time_until)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                return Err(StorageError::NotFound);
            }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
            if let Some(session) = new_session {
                insert_session(&mut tx, session).await?;
            }
            insert_audit(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        settle(tx, result).await
    }

    async fn disable_user(
        &self,
        org_id: Uuid,
        user_id: Uuid,
        at: DateTime<Utc>,
        keep_an_admin: bool,
        audit: &NewAuditEvent,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            if keep_an_admin && only_active_admin(&mut tx, org_id, user_id).await? {
                return Err(StorageError::Conflict(Conflict::LastAdmin));
            }
            let updated = sqlx::query(
                "UPDATE users SET disabled_at = $3 WHERE id = $2 AND org_id = $1 AND disabled_at IS NULL",
            )
            .bind(org_id)
            .bind(user_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                return Err(StorageError::NotFound);
            }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
            insert_audit(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        settle(tx, result).await
    }

    async fn enable_user(&self, org_id: Uuid, user_id: Uuid, audit: &NewAuditEvent) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let user = sqlx::query_as::<_, User>(&format!(
                "UPDATE users SET disabled_at = NULL WHERE id = $2 AND org_id = $1 AND disabled_at IS NOT NULL \
                 RETURNING {USER_COLUMNS}"
            ))
            .bind(org_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::NotFound)?;
            insert_audit(&mut tx, audit).await?;
            Ok(user)
        }
        .await;
        settle(tx, result).await
    }

    async fn set_user_role(
        &self,
        org_id: Uuid,
        user_id: Uuid,
        role: Role,
        keep_an_admin: bool,
        audit: &NewAuditEvent,
    ) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            if keep_an_admin && role != Role::Admin && only_active_admin(&mut tx, org_id, user_id).await? {
                return Err(StorageError::Conflict(Conflict::LastAdmin));
            }
            let user = sqlx::query_as::<_, User>(&format!(
                "UPDATE users SET role = $3 WHERE id = $2 AND org_id = $1 RETURNING {USER_COLUMNS}"
            ))
            .bind(org_id)
            .bind(user_id)
            .bind(role)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StorageError::NotFound)?;
            insert_audit(&mut tx, audit).await?;
            Ok(user)
        }
        .await;
        settle(tx, result).await
    }

    async fn set_user_language(&self, org_id: Uuid, user_id: Uuid, language: Option<&str>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            let updated = sqlx::query("UPDATE users SET language = $3 WHERE id = $2 AND org_id = $1")
                .bind(org_id)
                .bind(user_id)
                .bind(language)
                .execute(&mut *tx)
                .await?;
            if updated.rows_affected() == 0 {
                return Err(StorageError::NotFound);
            }
            Ok(())
        }
        .await;
        settle(tx, result).await
    }

    async fn create_api_key(&self, key: &ApiKey, audit: &NewAuditEvent) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            sqlx::query(&format!(
                "INSERT INTO api_keys ({API_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            ))
            .bind(key.id)
            .bind(key.org_id)
            .bind(&key.name)
            .bind(key.role)
            .bind(&key.key_hash)
            .bind(key.created_at)
            .bind(key.revoked_at)
            .bind(key.expires_at)
            .execute(&mut *tx)
            .await
            .map_err(map_err(Conflict::ApiKeyTaken))?;
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

    async fn create_session(&self, session: &Session, audit: &NewAuditEvent) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let result: Result<_> = async {
            insert_session(&mut tx, session).await?;
            insert_audit(&mut tx, audit).await?;
            Ok(())
        }
        .await;
        settle(tx, result).await
    }

    async fn find_session(&self, token_hash: &str) -> Result<Session> {
        sqlx::query_as::<_, Session>(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = $1"))
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

    async fn purge_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        let deleted =
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&self.pool).await?;
        Ok(deleted.rows_affected())
    }
}

async fn insert_session(tx: &mut Tx, session: &Session) -> Result<()> {
    sqlx::query(&format!("INSERT INTO sessions ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"))
        .bind(&session.token_hash)
        .bind(session.user_id)
        .bind(&session.csrf_token)
        .bind(session.created_at)
        .bind(session.expires_at)
        .execute(&mut **tx)
        .await
        .map_err(map_err(Conflict::SessionTaken))?;
    Ok(())
}

/// Whether `user_id` is the only active (not disabled) admin of `org_id`. On PostgreSQL the
/// active admins' rows stay locked until the transaction ends, taken in id order: of two
/// transactions taking the admin role from two admins at once, the second waits, then sees
/// the first's change and refuses.
async fn only_active_admin(tx: &mut Tx, org_id: Uuid, user_id: Uuid) -> Result<bool> {
    let admins = sqlx::query_scalar::<_, Uuid>(&format!(
        "SELECT id FROM users WHERE org_id = $1 AND role = 'admin' AND disabled_at IS NULL ORDER BY id{}",
        Store::FOR_UPDATE
    ))
    .bind(org_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(admins == [user_id])
}

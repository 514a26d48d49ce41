//! Refusals in the audit (docs/security.md): failed sign-ins (`user.sign_in_failed`) and
//! refused CSRF tokens (`csrf.rejected`). At most one event per (client address, kind) a minute,
//! counted in memory per process, so a flood of refusals cannot flood the audit log.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ztd_storage::{ActorKind, StorageError};

use super::access::{AuditActor, Gate};
use super::Error;

/// One audited refusal per (address, kind) in this window.
pub const AUDIT_WINDOW: Duration = Duration::from_secs(60);
/// Longest typed email kept in a `user.sign_in_failed` event (characters).
pub const MAX_TYPED_EMAIL: usize = 256;
/// Addresses remembered at most; beyond it (a spray from many addresses) nothing more is
/// audited until the window frees room.
const MAX_TRACKED: usize = 10_000;

/// When each (address, kind) was last audited.
#[derive(Debug, Default)]
pub struct RefusalAudit {
    last: Mutex<HashMap<(Option<IpAddr>, &'static str), Instant>>,
}

impl RefusalAudit {
    /// Whether a refusal of `kind` from `address` at `now` gets an audit event.
    pub fn admit(&self, address: Option<IpAddr>, kind: &'static str, now: Instant) -> bool {
        // An IPv6 client by its /64, so one end site cannot take 2^64 slots.
        let address = address.map(crate::rate_limit::client_key);
        let mut last = self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.get(&(address, kind)).is_some_and(|at| now.duration_since(*at) < AUDIT_WINDOW) {
            return false;
        }
        if last.len() >= MAX_TRACKED {
            last.retain(|_, at| now.duration_since(*at) < AUDIT_WINDOW);
            if last.len() >= MAX_TRACKED {
                return false;
            }
        }
        last.insert((address, kind), now);
        true
    }
}

fn anonymous(request_id: Option<String>) -> AuditActor {
    AuditActor { request_id, kind: ActorKind::System, id: None, org_id: None }
}

/// Audits a failed sign-in with the email as typed (cut to 256 characters), on the tenant of
/// the user with that email if there is one.
pub async fn sign_in_failed(
    gate: &Gate,
    limiter: &RefusalAudit,
    email_typed: &str,
    address: Option<IpAddr>,
    request_id: Option<String>,
) -> Result<(), Error> {
    if !limiter.admit(address, "user.sign_in_failed", Instant::now()) {
        return Ok(());
    }
    let email: String = email_typed.chars().take(MAX_TYPED_EMAIL).collect();
    let user = match gate.db().find_user_by_email(&email).await {
        Ok(user) => Some(user),
        Err(StorageError::NotFound) => None,
        Err(other) => return Err(other.into()),
    };
    let tenant = user.as_ref().map(|user| user.org_id);
    let details = serde_json::json!({ "email": email, "address": address.map(|a| a.to_string()) });
    let mut event = anonymous(request_id).event("user.sign_in_failed", "user", "", tenant, details);
    event.target_id = user.map(|user| user.id.to_string());
    Ok(gate.db().append_audit(&event).await?)
}

/// Audits a form refused for its CSRF token (`user_org`: the signed-in person's organisation).
pub async fn csrf_rejected(
    gate: &Gate,
    limiter: &RefusalAudit,
    address: Option<IpAddr>,
    request_id: Option<String>,
    path: &str,
    user_org: Option<uuid::Uuid>,
) -> Result<(), Error> {
    if !limiter.admit(address, "csrf.rejected", Instant::now()) {
        return Ok(());
    }
    let path: String = path.chars().take(256).collect();
    let details = serde_json::json!({ "path": path, "address": address.map(|a| a.to_string()) });
    let mut event = anonymous(request_id).event("csrf.rejected", "request", "", user_org, details);
    event.target_id = None;
    Ok(gate.db().append_audit(&event).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_event_per_address_and_kind_a_minute() {
        let limiter = RefusalAudit::default();
        let (a, b) = (Some("192.0.2.1".parse().unwrap()), Some("192.0.2.2".parse().unwrap()));
        let now = Instant::now();
        assert!(limiter.admit(a, "csrf.rejected", now));
        assert!(!limiter.admit(a, "csrf.rejected", now + Duration::from_secs(59)));
        assert!(limiter.admit(a, "user.sign_in_failed", now));
        assert!(limiter.admit(b, "csrf.rejected", now));
        assert!(limiter.admit(a, "csrf.rejected", now + AUDIT_WINDOW));
        // Another address of the same IPv6 /64 is the same client.
        assert!(limiter.admit(Some("2001:db8:0:7::1".parse().unwrap()), "csrf.rejected", now));
        assert!(!limiter.admit(Some("2001:db8:0:7:ffff::2".parse().unwrap()), "csrf.rejected", now));
        assert!(limiter.admit(Some("2001:db8:0:8::1".parse().unwrap()), "csrf.rejected", now));
    }
}

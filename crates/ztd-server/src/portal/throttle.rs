//! Sign-in throttling: after too many failed sign-ins for one email from one client address
//! within a window, further attempts are refused (429) until the oldest failure leaves the
//! window. Guessing a password online becomes slow; a person who mistyped waits minutes.
//! Keyed by address *and* email, so an attacker elsewhere cannot lock a person out; and, since
//! a new email per try would never trip that, also by address alone with a larger allowance
//! (`Config::sign_in_failures_per_address`, docs/operations.md#limits).
//!
//! One throttle per router (an axum `Extension`). One process (SQLite) counts in memory: a
//! sliding window of failures ([`InMemoryThrottle`]). Several processes on one PostgreSQL
//! count in the shared store (PostgreSQL or Redis, [`SharedLimits`]) so that N processes do
//! not allow N times the guesses: a token bucket per key of the same size refilling over the
//! same window (after `limit` failures, one more every `WINDOW / limit`), the store's
//! algorithm (docs/operations.md#several-instances). A store that does not answer falls back
//! to the in-memory count.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ztd_storage::{Admission, Rate};

// An IPv6 client counts by its /64, as for the lookup's limit: one end site holds a whole /64.
use crate::rate_limit::{client_key, SharedLimits};

/// Failed attempts allowed per (address, email) within [`WINDOW`].
pub const MAX_FAILURES: usize = 10;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Above this many tracked keys, keys without recent failures are dropped.
const MAX_KEYS: usize = 10_000;

type Key = (Option<IpAddr>, String);

/// Failed sign-ins counted in memory or in the shared store.
#[derive(Debug, Default)]
pub struct SignInThrottle {
    local: InMemoryThrottle,
    shared: Option<SharedLimits>,
}

/// The store's key of a client address: `unknown` when the connection had none.
fn address_key(client: Option<IpAddr>) -> String {
    client.map(client_key).map_or_else(|| "unknown".to_owned(), |address| address.to_string())
}

impl SignInThrottle {
    pub fn new(shared: Option<SharedLimits>) -> Self {
        Self { local: InMemoryThrottle::default(), shared }
    }

    fn keys(client: Option<IpAddr>, email: &str) -> (String, String) {
        let address = address_key(client);
        (format!("sign-in:{address}:{email}"), format!("sign-in:{address}"))
    }

    fn rates(per_address: u32) -> (Rate, Option<Rate>) {
        let by_email = Rate { limit: MAX_FAILURES as u32, period: WINDOW };
        (by_email, (per_address > 0).then_some(Rate { limit: per_address, period: WINDOW }))
    }

    /// How long until another attempt is allowed, or `None` when it is allowed now.
    /// `per_address` failures of any email from one address also refuse (0: no such limit).
    pub async fn retry_after(
        &self,
        client: Option<IpAddr>,
        email: &str,
        per_address: u32,
        now: Instant,
    ) -> Option<Duration> {
        let Some(shared) = &self.shared else {
            return self.local.retry_after(client, email, per_address, now);
        };
        let (email_key, address_key) = Self::keys(client, email);
        let (by_email, by_address) = Self::rates(per_address);
        let answer = shared
            .ask("sign_in", async {
                let wait = |admission| match admission {
                    Admission::Admitted => None,
                    Admission::Refused { retry_after } => Some(retry_after),
                };
                let email_wait = wait(shared.store().peek(&email_key, by_email).await?);
                let address_wait = match by_address {
                    Some(rate) => wait(shared.store().peek(&address_key, rate).await?),
                    None => None,
                };
                Ok(email_wait.max(address_wait))
            })
            .await;
        match answer {
            Some(wait) => wait,
            None => self.local.retry_after(client, email, per_address, now),
        }
    }

    pub async fn record_failure(&self, client: Option<IpAddr>, email: &str, per_address: u32, now: Instant) {
        let Some(shared) = &self.shared else {
            return self.local.record_failure(client, email, per_address, now);
        };
        let (email_key, address_key) = Self::keys(client, email);
        let (by_email, by_address) = Self::rates(per_address);
        let recorded = shared
            .ask("sign_in", async {
                shared.store().take(&email_key, by_email).await?;
                if let Some(rate) = by_address {
                    shared.store().take(&address_key, rate).await?;
                }
                Ok(())
            })
            .await;
        if recorded.is_none() {
            self.local.record_failure(client, email, per_address, now);
        }
    }

    /// A successful sign-in forgets the failures of its email (not the address's: one right
    /// password must not reset a spray over many emails).
    pub async fn clear(&self, client: Option<IpAddr>, email: &str) {
        if let Some(shared) = &self.shared {
            let (email_key, _) = Self::keys(client, email);
            shared.ask("sign_in", shared.store().forget(&email_key)).await;
        }
        self.local.clear(client, email);
    }
}

/// The sliding windows of one process: each failure's instant, per key.
#[derive(Debug, Default)]
pub struct InMemoryThrottle {
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
    by_address: Mutex<HashMap<Option<IpAddr>, VecDeque<Instant>>>,
}

/// The wait until the oldest of `recent` leaves the window when `limit` failures are in it.
fn wait(recent: &mut VecDeque<Instant>, limit: usize, now: Instant) -> Option<Duration> {
    while recent.front().is_some_and(|at| now.duration_since(*at) >= WINDOW) {
        recent.pop_front();
    }
    if recent.len() < limit {
        return None;
    }
    recent.front().map(|oldest| WINDOW.saturating_sub(now.duration_since(*oldest)))
}

fn record<K: std::hash::Hash + Eq>(
    map: &mut HashMap<K, VecDeque<Instant>>,
    key: K,
    limit: usize,
    now: Instant,
) {
    if map.len() >= MAX_KEYS {
        map.retain(|_, recent| recent.back().is_some_and(|at| now.duration_since(*at) < WINDOW));
    }
    let recent = map.entry(key).or_default();
    recent.push_back(now);
    while recent.len() > limit {
        recent.pop_front();
    }
}

impl InMemoryThrottle {
    fn key(client: Option<IpAddr>, email: &str) -> Key {
        (client.map(client_key), email.to_owned())
    }

    /// How long until another attempt is allowed, or `None` when it is allowed now.
    /// `per_address` failures of any email from one address also refuse (0: no such limit).
    pub fn retry_after(
        &self,
        client: Option<IpAddr>,
        email: &str,
        per_address: u32,
        now: Instant,
    ) -> Option<Duration> {
        let by_email = {
            let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            failures.get_mut(&Self::key(client, email)).and_then(|recent| wait(recent, MAX_FAILURES, now))
        };
        let by_address = match per_address {
            0 => None,
            limit => {
                let mut failures = self.by_address.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                failures.get_mut(&client.map(client_key)).and_then(|recent| wait(recent, limit as usize, now))
            }
        };
        by_email.max(by_address)
    }

    pub fn record_failure(&self, client: Option<IpAddr>, email: &str, per_address: u32, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        record(&mut failures, Self::key(client, email), MAX_FAILURES, now);
        drop(failures);
        if per_address > 0 {
            let mut failures = self.by_address.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            record(&mut failures, client.map(client_key), per_address as usize, now);
        }
    }

    /// A successful sign-in forgets the failures of its email (not the address's: one right
    /// password must not reset a spray over many emails).
    pub fn clear(&self, client: Option<IpAddr>, email: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        failures.remove(&Self::key(client, email));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eleventh_failure_waits_until_the_first_leaves_the_window() {
        let throttle = InMemoryThrottle::default();
        let client = Some(IpAddr::from([192, 0, 2, 1]));
        let start = Instant::now();
        for attempt in 0..MAX_FAILURES {
            assert_eq!(throttle.retry_after(client, "a@b.example", 0, start), None, "attempt {attempt}");
            throttle.record_failure(client, "a@b.example", 0, start);
        }
        let later = start + Duration::from_secs(60);
        assert_eq!(
            throttle.retry_after(client, "a@b.example", 0, later),
            Some(WINDOW - Duration::from_secs(60))
        );
        // Another address or another email is not affected.
        assert_eq!(throttle.retry_after(Some(IpAddr::from([192, 0, 2, 2])), "a@b.example", 0, later), None);
        assert_eq!(throttle.retry_after(client, "c@b.example", 0, later), None);
        assert_eq!(throttle.retry_after(client, "a@b.example", 0, start + WINDOW), None);
        throttle.clear(client, "a@b.example");
        assert_eq!(throttle.retry_after(client, "a@b.example", 0, later), None);
    }

    #[test]
    fn one_address_trying_many_emails_is_limited_too() {
        let throttle = InMemoryThrottle::default();
        let client = Some(IpAddr::from([192, 0, 2, 1]));
        let start = Instant::now();
        for attempt in 0..3 {
            let email = format!("user{attempt}@b.example");
            assert_eq!(throttle.retry_after(client, &email, 3, start), None);
            throttle.record_failure(client, &email, 3, start);
        }
        assert_eq!(throttle.retry_after(client, "new@b.example", 3, start), Some(WINDOW));
        assert_eq!(throttle.retry_after(Some(IpAddr::from([192, 0, 2, 2])), "new@b.example", 3, start), None);
        assert_eq!(throttle.retry_after(client, "new@b.example", 0, start), None, "0 turns it off");
    }

    #[test]
    fn an_ipv6_client_counts_by_its_64() {
        let throttle = InMemoryThrottle::default();
        let start = Instant::now();
        // Each try from another address of the same /64, each with a new email.
        for attempt in 0..3u16 {
            let client = Some(IpAddr::from([0x2001, 0xdb8, 0, 7, 0, 0, 0, attempt + 1]));
            let email = format!("user{attempt}@b.example");
            assert_eq!(throttle.retry_after(client, &email, 3, start), None);
            throttle.record_failure(client, &email, 3, start);
        }
        let same_64 = Some(IpAddr::from([0x2001, 0xdb8, 0, 7, 0xffff, 1, 2, 3]));
        assert_eq!(throttle.retry_after(same_64, "new@b.example", 3, start), Some(WINDOW));
        let other_64 = Some(IpAddr::from([0x2001, 0xdb8, 0, 8, 0, 0, 0, 1]));
        assert_eq!(throttle.retry_after(other_64, "new@b.example", 3, start), None);
        // The per-email count is by /64 too.
        for attempt in 0..MAX_FAILURES as u16 {
            let client = Some(IpAddr::from([0x2001, 0xdb8, 0, 9, 0, 0, 0, attempt + 1]));
            throttle.record_failure(client, "a@b.example", 0, start);
        }
        let client = Some(IpAddr::from([0x2001, 0xdb8, 0, 9, 1, 1, 1, 1]));
        assert_eq!(throttle.retry_after(client, "a@b.example", 0, start), Some(WINDOW));
    }

    /// A shared store that never answers.
    struct Unreachable;

    #[async_trait::async_trait]
    impl ztd_storage::RateLimitStore for Unreachable {
        fn kind(&self) -> &'static str {
            "unreachable"
        }
        async fn take(&self, _: &str, _: Rate) -> Result<Admission, ztd_storage::LimitStoreError> {
            Err(ztd_storage::LimitStoreError::Postgres(sqlx::Error::PoolTimedOut))
        }
        async fn peek(&self, _: &str, _: Rate) -> Result<Admission, ztd_storage::LimitStoreError> {
            Err(ztd_storage::LimitStoreError::Postgres(sqlx::Error::PoolTimedOut))
        }
        async fn forget(&self, _: &str) -> Result<(), ztd_storage::LimitStoreError> {
            Err(ztd_storage::LimitStoreError::Postgres(sqlx::Error::PoolTimedOut))
        }
        async fn purge_idle(&self) -> Result<u64, ztd_storage::LimitStoreError> {
            Ok(0)
        }
    }

    #[tokio::test]
    async fn an_unreachable_store_leaves_the_count_to_the_process() {
        let shared = SharedLimits::new(std::sync::Arc::new(Unreachable));
        let throttle = SignInThrottle::new(Some(shared));
        let client = Some(IpAddr::from([192, 0, 2, 1]));
        let start = Instant::now();
        for attempt in 0..MAX_FAILURES {
            assert_eq!(
                throttle.retry_after(client, "a@b.example", 0, start).await,
                None,
                "attempt {attempt}"
            );
            throttle.record_failure(client, "a@b.example", 0, start).await;
        }
        // Guessing is still slowed down, by this process alone.
        assert_eq!(throttle.retry_after(client, "a@b.example", 0, start).await, Some(WINDOW));
        throttle.clear(client, "a@b.example").await;
        assert_eq!(throttle.retry_after(client, "a@b.example", 0, start).await, None);
    }
}

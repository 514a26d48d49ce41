//! Per-client token buckets, for the unauthenticated first-boot lookup
//! (docs/domain.md#first-boot-lookup): they keep the endpoint from being used to sweep
//! serial-number ranges.
//!
//! One process (SQLite) keeps them in memory ([`RateLimiter`]). Several processes on one
//! PostgreSQL share them through a [`RateLimitStore`] (PostgreSQL's own table, or Redis), with
//! the same token-bucket answers (docs/operations.md#several-instances); [`LookupLimiter`]
//! picks. A shared store that fails or is slow does not stop lookups: each process then falls
//! back to its in-memory bucket (so N processes admit up to N times the rate), logs a warning
//! and counts the failure ([`SharedLimits`]).

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ztd_storage::{Admission, LimitStoreError, Rate, RateLimitStore};

/// Prometheus names of the shared limits' metrics.
pub mod metric_names {
    /// Counter, label `limit` = `lookup` | `sign_in`: answers the shared store could not give
    /// (error or timeout); each fell back to the process's in-memory limit.
    pub const STORE_ERRORS: &str = "ztd_rate_limit_store_errors_total";
}

/// How long a request waits for the shared store before using its in-memory limit instead.
const STORE_TIMEOUT: Duration = Duration::from_millis(500);
/// At most one warning per this interval while the store fails (a flood of lookups would
/// otherwise be a flood of log lines); the metric counts every failure.
const WARNING_INTERVAL: Duration = Duration::from_secs(10);

/// A shared [`RateLimitStore`] with what every caller of it needs: a time limit, and the
/// fallback's warning and metric.
#[derive(Clone)]
pub struct SharedLimits {
    store: Arc<dyn RateLimitStore>,
    last_warning: Arc<Mutex<Option<Instant>>>,
}

impl std::fmt::Debug for SharedLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedLimits").field("store", &self.store.kind()).finish_non_exhaustive()
    }
}

impl SharedLimits {
    pub fn new(store: Arc<dyn RateLimitStore>) -> Self {
        Self { store, last_warning: Arc::new(Mutex::new(None)) }
    }

    /// `postgres` or `redis`.
    pub fn kind(&self) -> &'static str {
        self.store.kind()
    }

    pub fn store(&self) -> &dyn RateLimitStore {
        self.store.as_ref()
    }

    /// The store's answer, or `None` when it failed or took longer than [`STORE_TIMEOUT`]
    /// (logged, counted under `limit`): the caller then uses its in-memory limit.
    pub async fn ask<T>(
        &self,
        limit: &'static str,
        request: impl Future<Output = Result<T, LimitStoreError>>,
    ) -> Option<T> {
        let error = match tokio::time::timeout(STORE_TIMEOUT, request).await {
            Ok(Ok(answer)) => return Some(answer),
            Ok(Err(error)) => error.to_string(),
            Err(_) => format!("no answer within {STORE_TIMEOUT:?}"),
        };
        metrics::counter!(metric_names::STORE_ERRORS, "limit" => limit).increment(1);
        let now = Instant::now();
        let mut last = self.last_warning.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.is_none_or(|at| now.duration_since(at) >= WARNING_INTERVAL) {
            *last = Some(now);
            tracing::warn!(store = self.kind(), limit, %error,
                "the shared rate-limit store did not answer; this process limits on its own meanwhile");
        }
        None
    }
}

/// The first-boot lookup's per-client limit, in memory or shared.
#[derive(Debug)]
pub struct LookupLimiter {
    per_minute: u32,
    local: RateLimiter,
    shared: Option<SharedLimits>,
    /// Clients the shared store refused, until when: a client hammering past its limit is
    /// answered here, with no round trip (no other instance can refill a bucket early).
    refused_until: Mutex<HashMap<IpAddr, Instant>>,
}

impl LookupLimiter {
    /// `per_minute == 0` turns the limit off: no store is asked. `shared` is `None` for the
    /// in-memory limit of a single process.
    pub fn new(per_minute: u32, shared: Option<SharedLimits>) -> Self {
        Self { per_minute, local: RateLimiter::new(per_minute), shared, refused_until: Mutex::default() }
    }

    /// Takes one lookup for `client`, or says how long until one is allowed.
    pub async fn check(&self, client: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let Some(shared) = self.shared.as_ref().filter(|_| self.per_minute > 0) else {
            return self.local.check(client, now);
        };
        let client = client_key(client);
        if let Some(until) = self.refused(client, now) {
            return Err(until.saturating_duration_since(now));
        }
        let rate = Rate { limit: self.per_minute, period: Duration::from_secs(60) };
        let key = format!("lookup:{client}");
        match shared.ask("lookup", shared.store().take(&key, rate)).await {
            Some(Admission::Admitted) => Ok(()),
            Some(Admission::Refused { retry_after }) => {
                // Whole seconds, rounded up: `Retry-After` never invites a retry that is refused.
                let retry_after =
                    Duration::from_secs(retry_after.as_secs_f64().ceil() as u64).max(Duration::from_secs(1));
                self.remember_refusal(client, now + retry_after, now);
                Err(retry_after)
            }
            None => self.local.check(client, now),
        }
    }

    fn refused(&self, client: IpAddr, now: Instant) -> Option<Instant> {
        let refused = self.refused_until.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        refused.get(&client).copied().filter(|until| *until > now)
    }

    fn remember_refusal(&self, client: IpAddr, until: Instant, now: Instant) {
        let mut refused = self.refused_until.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if refused.len() >= MAX_TRACKED_CLIENTS {
            refused.retain(|_, until| *until > now);
        }
        // Bounded: past the cap a refused client is simply asked about again.
        if refused.len() < MAX_TRACKED_CLIENTS {
            refused.insert(client, until);
        }
    }
}

/// Per-client token buckets: `per_minute` lookups a minute, bursts of the same size.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// The bucket a client address counts against: an IPv4 address (also when written as an
/// IPv4-mapped IPv6 address) on its own, an IPv6 address by its /64 — one end site usually holds
/// a whole /64, so keying by the full address would give one client 2^64 buckets.
pub fn client_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(std::net::Ipv6Addr::from(prefix))
            }
        },
    }
}

/// Buckets kept before idle (full) ones are dropped.
const MAX_TRACKED_CLIENTS: usize = 10_000;

impl RateLimiter {
    /// `per_minute == 0` turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one token for `client`, or says how long until one is available.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let client = client_key(client);
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= MAX_TRACKED_CLIENTS && !buckets.contains_key(&client) {
            buckets.retain(|_, bucket| {
                bucket.tokens + now.saturating_duration_since(bucket.updated).as_secs_f64() * per_second
                    < capacity
            });
        }
        let bucket = buckets.entry(client).or_insert(Bucket { tokens: capacity, updated: now });
        let refill = now.saturating_duration_since(bucket.updated).as_secs_f64() * per_second;
        bucket.tokens = (bucket.tokens + refill).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(((1.0 - bucket.tokens) / per_second).ceil()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn bucket_allows_a_burst_then_refuses_with_the_wait() {
        let limiter = RateLimiter::new(60);
        let client = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        let start = Instant::now();
        for _ in 0..60 {
            assert!(limiter.check(client, start).is_ok());
        }
        assert_eq!(limiter.check(client, start), Err(Duration::from_secs(1)));
        // Another client has its own bucket.
        assert!(limiter.check(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)), start).is_ok());
        // One token a second comes back.
        assert!(limiter.check(client, start + Duration::from_secs(1)).is_ok());
        assert!(limiter.check(client, start + Duration::from_secs(1)).is_err());
    }

    #[test]
    fn one_ipv6_64_is_one_client() {
        let limiter = RateLimiter::new(2);
        let now = Instant::now();
        let host = |last: u16| IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 1, 2, 0, 0, 0, last));
        assert!(limiter.check(host(1), now).is_ok());
        assert!(limiter.check(host(2), now).is_ok());
        assert!(
            limiter.check(host(0xffff), now).is_err(),
            "a new address in the same /64 got a fresh bucket"
        );
        let other_64 = IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 1, 3, 0, 0, 0, 1));
        assert!(limiter.check(other_64, now).is_ok());
        // IPv4 written as IPv4-mapped IPv6 is the IPv4 client.
        let v4 = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7));
        assert_eq!(client_key("::ffff:192.0.2.7".parse().unwrap()), v4);
        assert_eq!(client_key(v4), v4);
    }

    /// A store that admits `admit` events per key, then refuses; or fails every call.
    struct FakeStore {
        admit: Option<u32>,
        calls: Mutex<HashMap<String, u32>>,
    }

    #[async_trait::async_trait]
    impl RateLimitStore for FakeStore {
        fn kind(&self) -> &'static str {
            "fake"
        }
        async fn take(&self, key: &str, _rate: Rate) -> Result<Admission, LimitStoreError> {
            let Some(admit) = self.admit else {
                return Err(LimitStoreError::Postgres(sqlx::Error::PoolTimedOut));
            };
            let mut calls = self.calls.lock().unwrap();
            let count = calls.entry(key.to_owned()).or_default();
            *count += 1;
            Ok(if *count <= admit {
                Admission::Admitted
            } else {
                Admission::Refused { retry_after: Duration::from_millis(2_500) }
            })
        }
        async fn peek(&self, _key: &str, _rate: Rate) -> Result<Admission, LimitStoreError> {
            unreachable!("the lookup only takes")
        }
        async fn forget(&self, _key: &str) -> Result<(), LimitStoreError> {
            unreachable!("the lookup never forgets")
        }
        async fn purge_idle(&self) -> Result<u64, LimitStoreError> {
            Ok(0)
        }
    }

    fn shared(admit: Option<u32>) -> (Arc<FakeStore>, SharedLimits) {
        let store = Arc::new(FakeStore { admit, calls: Mutex::default() });
        (store.clone(), SharedLimits::new(store))
    }

    #[tokio::test]
    async fn the_shared_store_decides_and_its_refusals_are_answered_locally() {
        let (store, limits) = shared(Some(2));
        let limiter = LookupLimiter::new(100, Some(limits));
        let client = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        assert!(limiter.check(client).await.is_ok());
        assert!(limiter.check(client).await.is_ok());
        // Refused by the store although the in-memory bucket (100) would admit; the wait is
        // rounded up to whole seconds.
        assert_eq!(limiter.check(client).await, Err(Duration::from_secs(3)));
        // Until then the process answers by itself: the store is not asked again.
        assert!(limiter.check(client).await.is_err());
        assert_eq!(store.calls.lock().unwrap()["lookup:10.0.0.1"], 3);
    }

    #[tokio::test]
    async fn a_failing_store_falls_back_to_the_process_limit() {
        let (_, limits) = shared(None);
        let limiter = LookupLimiter::new(2, Some(limits));
        let client = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        // Lookups go on, limited per process instead of not at all.
        assert!(limiter.check(client).await.is_ok());
        assert!(limiter.check(client).await.is_ok());
        assert!(limiter.check(client).await.is_err());
    }

    #[tokio::test]
    async fn zero_asks_no_store() {
        let (store, limits) = shared(Some(0));
        let limiter = LookupLimiter::new(0, Some(limits));
        for _ in 0..10 {
            assert!(limiter.check(IpAddr::V4(Ipv4Addr::LOCALHOST)).await.is_ok());
        }
        assert!(store.calls.lock().unwrap().is_empty());
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let limiter = RateLimiter::new(0);
        let client = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let now = Instant::now();
        assert!((0..10_000).all(|_| limiter.check(client, now).is_ok()));
    }
}

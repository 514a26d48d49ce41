//! Per-client token buckets, for the unauthenticated first-boot lookup
//! (docs/domain.md#first-boot-lookup): they keep the endpoint from being used to sweep
//! serial-number ranges.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

    #[test]
    fn zero_turns_the_limit_off() {
        let limiter = RateLimiter::new(0);
        let client = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let now = Instant::now();
        assert!((0..10_000).all(|_| limiter.check(client, now).is_ok()));
    }
}

//! Sign-in throttling: after too many failed sign-ins for one email from one client address
//! within a window, further attempts are refused (429) until the oldest failure leaves the
//! window. Guessing a password online becomes slow; a person who mistyped waits minutes.
//! Keyed by address *and* email, so an attacker elsewhere cannot lock a person out; and, since
//! a new email per try would never trip that, also by address alone with a larger allowance
//! (`Config::sign_in_failures_per_address`, docs/operations.md#limits).
//!
//! One throttle per router (an axum `Extension`), in memory: with several `ztd serve`
//! processes each keeps its own count, which still bounds guessing per process.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

// An IPv6 client counts by its /64, as for the lookup's limit: one end site holds a whole /64.
use crate::rate_limit::client_key;

/// Failed attempts allowed per (address, email) within [`WINDOW`].
pub const MAX_FAILURES: usize = 10;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Above this many tracked keys, keys without recent failures are dropped.
const MAX_KEYS: usize = 10_000;

type Key = (Option<IpAddr>, String);

#[derive(Debug, Default)]
pub struct SignInThrottle {
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

impl SignInThrottle {
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
        let throttle = SignInThrottle::default();
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
        let throttle = SignInThrottle::default();
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
        let throttle = SignInThrottle::default();
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
}

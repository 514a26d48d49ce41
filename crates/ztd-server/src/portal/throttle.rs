//! Sign-in throttling: after too many failed sign-ins for one email from one client address
//! within a window, further attempts are refused (429) until the oldest failure leaves the
//! window. Guessing a password online becomes slow; a person who mistyped waits minutes.
//! Keyed by address *and* email, so an attacker elsewhere cannot lock a person out.
//!
//! One throttle per router (an axum `Extension`), in memory: with several `ztd serve`
//! processes each keeps its own count, which still bounds guessing per process.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts allowed per (address, email) within [`WINDOW`].
pub const MAX_FAILURES: usize = 10;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Above this many tracked keys, keys without recent failures are dropped.
const MAX_KEYS: usize = 10_000;

type Key = (Option<IpAddr>, String);

#[derive(Debug, Default)]
pub struct SignInThrottle {
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

impl SignInThrottle {
    fn key(client: Option<IpAddr>, email: &str) -> Key {
        (client, email.to_owned())
    }

    /// How long until another attempt is allowed, or `None` when it is allowed now.
    pub fn retry_after(&self, client: Option<IpAddr>, email: &str, now: Instant) -> Option<Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let recent = failures.get_mut(&Self::key(client, email))?;
        while recent.front().is_some_and(|at| now.duration_since(*at) >= WINDOW) {
            recent.pop_front();
        }
        if recent.len() < MAX_FAILURES {
            return None;
        }
        recent.front().map(|oldest| WINDOW.saturating_sub(now.duration_since(*oldest)))
    }

    pub fn record_failure(&self, client: Option<IpAddr>, email: &str, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, recent| recent.back().is_some_and(|at| now.duration_since(*at) < WINDOW));
        }
        let recent = failures.entry(Self::key(client, email)).or_default();
        recent.push_back(now);
        if recent.len() > MAX_FAILURES {
            recent.pop_front();
        }
    }

    /// A successful sign-in forgets the failures.
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
            assert_eq!(throttle.retry_after(client, "a@b.example", start), None, "attempt {attempt}");
            throttle.record_failure(client, "a@b.example", start);
        }
        let later = start + Duration::from_secs(60);
        assert_eq!(
            throttle.retry_after(client, "a@b.example", later),
            Some(WINDOW - Duration::from_secs(60))
        );
        // Another address or another email is not affected.
        assert_eq!(throttle.retry_after(Some(IpAddr::from([192, 0, 2, 2])), "a@b.example", later), None);
        assert_eq!(throttle.retry_after(client, "c@b.example", later), None);
        assert_eq!(throttle.retry_after(client, "a@b.example", start + WINDOW), None);
        throttle.clear(client, "a@b.example");
        assert_eq!(throttle.retry_after(client, "a@b.example", later), None);
    }
}

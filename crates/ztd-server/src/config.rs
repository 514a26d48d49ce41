//! Service configuration: a plain struct. The binary fills it from flags, then `ZTD_*`
//! environment variables, then the defaults below (clap's `env` feature does the first two);
//! tests build it directly. Nothing here reads the environment: no hidden global state.

use std::net::SocketAddr;
use std::time::Duration;

/// Defaults, shared by the binary's `--help` and by [`Config::default`].
pub mod defaults {
    pub const LISTEN: &str = "127.0.0.1:8080";
    pub const DATABASE_URL: &str = "sqlite://./ztd-data/ztd.db";
    pub const PUBLIC_URL: &str = "http://127.0.0.1:8080";
    pub const INVITATION_EXPIRY_DAYS: u32 = 7;
    /// Upload cap for device batches (CSV or JSON): generous, a 1,000,000-row CSV fits.
    pub const MAX_UPLOAD_BYTES: usize = 512 * 1024 * 1024;
    /// Cap for every other JSON body.
    pub const MAX_JSON_BODY_BYTES: usize = 1024 * 1024;
    pub const MAX_ROWS: usize = 1_000_000;
    /// Cap for a JSON device batch: JSON is for batches of the size a script sends; a file of
    /// any size goes as CSV, which streams into the database.
    pub const MAX_JSON_BATCH_BYTES: usize = 64 * 1024 * 1024;
    /// Most devices one JSON batch may list (counted while parsing).
    pub const MAX_JSON_BATCH_ROWS: usize = 100_000;
    pub const WORKERS: usize = 2;
    /// First-boot lookups per minute per client address.
    pub const LOOKUP_RATE_PER_MINUTE: u32 = 120;
    pub const SESSION_HOURS: u32 = 12;
    /// Seconds a client has to send a request's headers (docs/operations.md#connections).
    pub const HEADER_READ_TIMEOUT_SECS: u64 = 10;
    /// Seconds a request may take, body upload included: a 512 MiB upload at ~10 Mbit/s fits.
    pub const REQUEST_TIMEOUT_SECS: u64 = 600;
    /// Seconds shutdown waits for connections without a request in flight.
    pub const SHUTDOWN_GRACE_SECS: u64 = 5;
    /// Failed sign-ins per client address within the throttle window, whatever the email.
    pub const SIGN_IN_FAILURES_PER_ADDRESS: u32 = 30;
    /// First wait before a failed webhook delivery is retried; waits double from there
    /// (docs/webhooks.md#retries).
    pub const WEBHOOK_RETRY_BASE_MS: u64 = 30_000;
    /// How long after its creation a webhook delivery is still retried.
    pub const WEBHOOK_RETRY_HORIZON_SECS: u64 = 25 * 3600;
    /// Seconds one webhook attempt may take, the answer's body included.
    pub const WEBHOOK_TIMEOUT_SECS: u64 = 10;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Address the HTTP server binds.
    pub listen: SocketAddr,
    /// `sqlite://PATH` (created with WAL when new) or `postgres://…`.
    pub database_url: String,
    /// Base URL people reach the service at; invitation links are built from it.
    pub public_url: String,
    /// Expiry of an invitation link when the request names none.
    pub invitation_expiry_days: u32,
    /// Largest device-batch body (CSV or JSON), in bytes; beyond it: 413.
    pub max_upload_bytes: usize,
    /// Largest JSON body of every other route, in bytes; beyond it: 413.
    pub max_json_body_bytes: usize,
    /// Most rows one batch may carry.
    pub max_rows: usize,
    /// Largest JSON device batch, in bytes; beyond it: 413.
    pub max_json_batch_bytes: usize,
    /// Most devices one JSON batch may list (also capped by `max_rows`); beyond it: 422.
    pub max_json_batch_rows: usize,
    /// Batch workers started by `ztd serve` (0: this process only serves requests).
    pub workers: usize,
    /// Serve the API and the portal; off for a worker-only process, which answers only
    /// `/healthz`, `/readyz` and `/metrics` (docs/operations.md#several-instances).
    pub serve_api: bool,
    /// First-boot lookups allowed per minute per client address (429 beyond).
    pub lookup_rate_per_minute: u32,
    /// Lifetime of a portal session.
    pub session_lifetime: Duration,
    /// A connection that has not sent a request's headers within this is closed.
    pub header_read_timeout: Duration,
    /// A request not answered within this (body upload included) gets 408 `request_timeout`.
    pub request_timeout: Duration,
    /// At shutdown, how long connections without a request in flight (idle, half-sent
    /// headers) are waited for; a request in flight gets up to `request_timeout` more.
    pub shutdown_grace: Duration,
    /// Failed portal sign-ins per client address in 15 minutes before 429 (0: no limit).
    pub sign_in_failures_per_address: u32,
    /// When set, `/metrics` answers only `Authorization: Bearer <this>` (401 otherwise);
    /// unset, it is public, for a scraper on a private network (docs/operations.md#metrics).
    pub metrics_token: Option<String>,
    /// Allow webhooks to `http://` URLs and to loopback and private addresses (tests, closed
    /// networks; docs/webhooks.md#destinations).
    pub webhook_allow_http: bool,
    /// First wait before a failed webhook delivery is retried (docs/webhooks.md#retries).
    pub webhook_retry_base: Duration,
    /// How long after its creation a webhook delivery is retried before it fails.
    pub webhook_retry_horizon: Duration,
    /// Longest a webhook attempt may take (connect, send, answer).
    pub webhook_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: defaults::LISTEN.parse().expect("the default listen address is valid"),
            database_url: defaults::DATABASE_URL.to_owned(),
            public_url: defaults::PUBLIC_URL.to_owned(),
            invitation_expiry_days: defaults::INVITATION_EXPIRY_DAYS,
            max_upload_bytes: defaults::MAX_UPLOAD_BYTES,
            max_json_body_bytes: defaults::MAX_JSON_BODY_BYTES,
            max_rows: defaults::MAX_ROWS,
            max_json_batch_bytes: defaults::MAX_JSON_BATCH_BYTES,
            max_json_batch_rows: defaults::MAX_JSON_BATCH_ROWS,
            workers: defaults::WORKERS,
            serve_api: true,
            lookup_rate_per_minute: defaults::LOOKUP_RATE_PER_MINUTE,
            session_lifetime: Duration::from_secs(u64::from(defaults::SESSION_HOURS) * 3600),
            header_read_timeout: Duration::from_secs(defaults::HEADER_READ_TIMEOUT_SECS),
            request_timeout: Duration::from_secs(defaults::REQUEST_TIMEOUT_SECS),
            shutdown_grace: Duration::from_secs(defaults::SHUTDOWN_GRACE_SECS),
            sign_in_failures_per_address: defaults::SIGN_IN_FAILURES_PER_ADDRESS,
            metrics_token: None,
            webhook_allow_http: false,
            webhook_retry_base: Duration::from_millis(defaults::WEBHOOK_RETRY_BASE_MS),
            webhook_retry_horizon: Duration::from_secs(defaults::WEBHOOK_RETRY_HORIZON_SECS),
            webhook_timeout: Duration::from_secs(defaults::WEBHOOK_TIMEOUT_SECS),
        }
    }
}

impl Config {
    /// The caps of a JSON device batch.
    pub fn json_batch_limits(&self) -> crate::pipeline::IntakeLimits {
        crate::pipeline::IntakeLimits {
            max_bytes: self.max_json_batch_bytes.min(self.max_upload_bytes),
            max_rows: self.max_json_batch_rows.min(self.max_rows),
            abandoned_after: self.request_timeout,
        }
    }

    /// The caps of a CSV device batch.
    pub fn csv_batch_limits(&self) -> crate::pipeline::IntakeLimits {
        crate::pipeline::IntakeLimits {
            max_bytes: self.max_upload_bytes,
            max_rows: self.max_rows,
            abandoned_after: self.request_timeout,
        }
    }

    /// The public URL without a trailing slash, ready to append a path to.
    pub fn public_base(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_values() {
        let config = Config::default();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.database_url, "sqlite://./ztd-data/ztd.db");
        assert_eq!(config.invitation_expiry_days, 7);
        assert_eq!(config.max_rows, 1_000_000);
    }

    #[test]
    fn public_base_drops_trailing_slashes() {
        let config = Config { public_url: "https://ztd.example/".into(), ..Config::default() };
        assert_eq!(config.public_base(), "https://ztd.example");
    }
}

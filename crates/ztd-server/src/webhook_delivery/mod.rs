//! Webhook delivery (docs/webhooks.md): the dispatcher that sends the outbox's deliveries, its
//! retry schedule, the signature ([`signature`]) and the SSRF rules ([`address`]).
//!
//! The outbox is written by storage, in the transaction of each change (the audit insert; see
//! `ztd_storage::webhook_events`). The dispatcher runs in every process that runs batch
//! workers (`--workers` > 0, worker-only processes included; not in an API-only process). It
//! claims due deliveries with a lease (PostgreSQL: `FOR UPDATE SKIP LOCKED`), so several
//! processes on one database never send the same delivery at the same time; sends each signed,
//! to an address that passed the rules, with a connect and a total timeout and the answer's body
//! read up to [`MAX_RESPONSE_BYTES`]; records the attempt; and schedules the next one with
//! exponential backoff and jitter ([`RetrySchedule`]) until the horizon (25 h by default), then
//! marks the delivery failed. A process killed mid-send leaves its claim to expire: the delivery
//! is sent again by whichever process claims it next. At least once: receivers dedupe on the
//! event `id`.

pub mod address;
pub mod signature;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rand::Rng;
use tokio_util::sync::CancellationToken;
use ztd_storage::{AttemptOutcome, ClaimedDelivery, Database, NewAttempt};

use self::address::{CheckedResolver, UrlPolicy};

/// Prometheus names of the webhook metrics (docs/operations.md#metrics).
pub mod metric_names {
    /// Counter of attempts, label `outcome` = `succeeded` | `retrying` | `failed` (the last
    /// attempt of a delivery that gave up).
    pub const DELIVERIES: &str = "ztd_webhook_deliveries_total";
    /// Gauge: deliveries still pending (all processes' outbox), refreshed every 10 s.
    pub const PENDING: &str = "ztd_webhook_deliveries_pending";
    /// Histogram: seconds an attempt took, answered or not.
    pub const ATTEMPT_DURATION: &str = "ztd_webhook_attempt_duration_seconds";
}

/// How much of an answer's body is read; the rest is not waited for.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;
/// How much of it is kept with the attempt.
pub const RESPONSE_EXCERPT_CHARS: usize = 200;
/// Deliveries one dispatcher sends at once.
const CLAIM_BATCH: u32 = 8;
/// How often the dispatcher refreshes the pending-deliveries gauge.
const GAUGE_INTERVAL: Duration = Duration::from_secs(10);

/// Exponential backoff with "equal jitter": after attempt `n` (1-based) the wait is drawn
/// uniformly from `[e/2, e]`, where `e = min(cap, base · 2^(n-1))`. So a wait is never shorter
/// than the one before it could have been, receivers recovering from an outage are not hit by
/// every sender at once, and the waits settle between `cap/2` and `cap`. A delivery gives up
/// when its next attempt would fall after `horizon` from its creation: the last attempt is then
/// later than `horizon - cap` (24 h with the defaults: 30 s base, 1 h cap, 25 h horizon).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySchedule {
    pub base: Duration,
    pub cap: Duration,
    pub horizon: Duration,
}

impl RetrySchedule {
    /// The production defaults.
    pub const DEFAULT: RetrySchedule = RetrySchedule {
        base: Duration::from_secs(30),
        cap: Duration::from_secs(3600),
        horizon: Duration::from_secs(25 * 3600),
    };

    /// `base` and `horizon` as configured; the cap is 120 × base (1 h for the default 30 s).
    pub fn new(base: Duration, horizon: Duration) -> Self {
        let base = base.max(Duration::from_millis(1));
        Self { base, cap: base * 120, horizon }
    }

    /// The bounds `[e/2, e]` of the wait after attempt `attempt` (1-based).
    pub fn bounds(&self, attempt: u32) -> (Duration, Duration) {
        let doublings = attempt.saturating_sub(1).min(30);
        let exponential = self.base.saturating_mul(1 << doublings).min(self.cap);
        (exponential / 2, exponential)
    }

    /// The wait after attempt `attempt`, `jitter` in `[0, 1]` choosing where in the bounds.
    pub fn wait(&self, attempt: u32, jitter: f64) -> Duration {
        let (low, high) = self.bounds(attempt);
        low + (high - low).mul_f64(jitter.clamp(0.0, 1.0))
    }

    /// When to try again after attempt `attempt` made at `now` of a delivery created at
    /// `created_at`; `None`: give up (the delivery fails).
    pub fn next_attempt(
        &self,
        attempt: u32,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
        jitter: f64,
    ) -> Option<DateTime<Utc>> {
        let next = now + chrono::Duration::from_std(self.wait(attempt, jitter)).ok()?;
        let horizon = created_at + chrono::Duration::from_std(self.horizon).ok()?;
        (next <= horizon).then_some(next)
    }
}

/// How the dispatcher runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatcherSettings {
    pub policy: UrlPolicy,
    pub schedule: RetrySchedule,
    /// A whole attempt: connecting, sending, the answer and its body.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// How often an idle dispatcher looks for due deliveries.
    pub poll_interval: Duration,
    /// How long a claim holds: longer than any attempt, and how long a delivery claimed by a
    /// process that died waits to be sent again.
    pub lease: Duration,
}

impl DispatcherSettings {
    pub fn from_config(config: &crate::config::Config) -> Self {
        let schedule = RetrySchedule::new(config.webhook_retry_base, config.webhook_retry_horizon);
        let timeout = config.webhook_timeout.max(Duration::from_millis(100));
        Self {
            policy: UrlPolicy { allow_http_and_private: config.webhook_allow_http },
            schedule,
            timeout,
            connect_timeout: timeout.min(Duration::from_secs(5)),
            poll_interval: (schedule.base / 4).clamp(Duration::from_millis(20), Duration::from_secs(1)),
            lease: timeout * 2 + Duration::from_secs(5),
        }
    }
}

/// The HTTP client of the dispatcher: no proxy (a proxy would resolve names itself), no
/// redirects, names resolved through [`CheckedResolver`].
pub fn http_client(settings: &DispatcherSettings) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(format!("ztd-webhooks/{}", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.timeout)
        .dns_resolver(Arc::new(CheckedResolver { policy: settings.policy }))
        .build()
}

/// The body of a delivery: `{"id", "type", "occurred_at", "org_id", "data"}`, the same bytes
/// at every attempt.
pub fn body(delivery: &ztd_storage::WebhookDelivery) -> Vec<u8> {
    let body = serde_json::json!({
        "id": delivery.event_id,
        "type": delivery.event_type,
        "occurred_at": delivery.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "org_id": delivery.org_id,
        "data": delivery.data,
    });
    serde_json::to_vec(&body).expect("JSON values serialise")
}

/// Starts the dispatcher; it stops after `shutdown`, once the attempts in hand are recorded.
pub fn start(
    db: Arc<dyn Database>,
    settings: DispatcherSettings,
    shutdown: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let id = format!("{}-{}-webhooks", std::process::id(), &uuid::Uuid::new_v4().simple().to_string()[..8]);
    tokio::spawn(async move {
        match http_client(&settings) {
            Ok(client) => Dispatcher { id, db, settings, client, shutdown }.run().await,
            Err(error) => {
                tracing::error!(%error, "cannot build the webhook HTTP client; webhooks are not sent")
            }
        }
    })
}

struct Dispatcher {
    id: String,
    db: Arc<dyn Database>,
    settings: DispatcherSettings,
    client: reqwest::Client,
    shutdown: CancellationToken,
}

/// What one attempt came to.
struct Sent {
    status: Option<u16>,
    error: Option<String>,
    excerpt: Option<String>,
}

impl Dispatcher {
    async fn run(self) {
        tracing::debug!(dispatcher = %self.id, "webhook dispatcher started");
        let mut gauge_at = Instant::now() - GAUGE_INTERVAL;
        let mut backoff = self.settings.poll_interval;
        while !self.shutdown.is_cancelled() {
            if gauge_at.elapsed() >= GAUGE_INTERVAL {
                gauge_at = Instant::now();
                if let Ok(pending) = self.db.count_pending_webhook_deliveries().await {
                    metrics::gauge!(metric_names::PENDING).set(pending as f64);
                }
            }
            let now = Utc::now();
            let lease_until = now
                + chrono::Duration::from_std(self.settings.lease).unwrap_or(chrono::Duration::seconds(30));
            match self.db.claim_webhook_deliveries(&self.id, now, lease_until, CLAIM_BATCH).await {
                Ok(claimed) if !claimed.is_empty() => {
                    backoff = self.settings.poll_interval;
                    futures::future::join_all(claimed.into_iter().map(|claim| self.deliver(claim))).await;
                }
                Ok(_) => {
                    backoff = self.settings.poll_interval;
                    self.pause(self.settings.poll_interval).await;
                }
                Err(error) => {
                    tracing::warn!(dispatcher = %self.id, %error, "could not look for due webhook deliveries");
                    self.pause(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
            }
        }
        tracing::debug!(dispatcher = %self.id, "webhook dispatcher stopped");
    }

    async fn pause(&self, duration: Duration) {
        tokio::select! {
            () = tokio::time::sleep(duration) => {}
            () = self.shutdown.cancelled() => {}
        }
    }

    /// One attempt of a claimed delivery, recorded with its outcome.
    async fn deliver(&self, claim: ClaimedDelivery) {
        let delivery = &claim.delivery;
        let attempt = u32::try_from(delivery.attempts).unwrap_or(0).saturating_add(1);
        let at = Utc::now();
        let started = Instant::now();
        let sent = self.send(&claim).await;
        let elapsed = started.elapsed();
        metrics::histogram!(metric_names::ATTEMPT_DURATION).record(elapsed.as_secs_f64());
        let succeeded = sent.status.is_some_and(|status| (200..300).contains(&status));
        let outcome = if succeeded {
            AttemptOutcome::Succeeded
        } else {
            let jitter = rand::thread_rng().gen_range(0.0..=1.0);
            match self.settings.schedule.next_attempt(attempt, delivery.created_at, Utc::now(), jitter) {
                Some(next) => AttemptOutcome::RetryAt(next),
                None => AttemptOutcome::GaveUp,
            }
        };
        let label = match outcome {
            AttemptOutcome::Succeeded => "succeeded",
            AttemptOutcome::RetryAt(_) => "retrying",
            AttemptOutcome::GaveUp => "failed",
        };
        let record = NewAttempt {
            at,
            status_code: sent.status.map(i32::from),
            error: sent.error.clone(),
            response_excerpt: sent.excerpt,
            duration_ms: i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX),
            outcome,
        };
        match self.db.record_webhook_attempt(delivery.id, &self.id, &record).await {
            Ok(true) => {
                metrics::counter!(metric_names::DELIVERIES, "outcome" => label).increment(1);
                let (delivery_id, webhook_id) = (delivery.id, delivery.webhook_id);
                if succeeded {
                    tracing::debug!(%delivery_id, %webhook_id, attempt, status = sent.status, "webhook delivered");
                } else {
                    tracing::warn!(
                        %delivery_id, %webhook_id, attempt, status = sent.status, error = sent.error.as_deref(),
                        outcome = label, "webhook attempt failed"
                    );
                }
            }
            // The lease ran out during the attempt and another dispatcher took the delivery
            // (or the webhook was deleted): it is theirs to record.
            Ok(false) => tracing::warn!(delivery_id = %delivery.id, "webhook claim lost during the attempt"),
            Err(error) => {
                tracing::warn!(delivery_id = %delivery.id, %error, "could not record a webhook attempt; it is sent again after its lease")
            }
        }
    }

    async fn send(&self, claim: &ClaimedDelivery) -> Sent {
        let failed = |error: String| Sent { status: None, error: Some(error), excerpt: None };
        // An IP literal never reaches the resolver: check it (and the scheme) here.
        let url = match address::check_shape(&claim.url, self.settings.policy) {
            Ok(url) => url,
            Err(error) => return failed(error.to_string()),
        };
        let body = body(&claim.delivery);
        let header = signature::sign(&claim.secret, Utc::now().timestamp(), &body);
        let request = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(signature::HEADER, header)
            .header("ztd-delivery-id", claim.delivery.id.to_string())
            .body(body);
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(error) => return failed(describe(&error)),
        };
        let status = response.status().as_u16();
        let mut read = Vec::new();
        let mut error = None;
        while read.len() < MAX_RESPONSE_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    read.extend_from_slice(&chunk[..chunk.len().min(MAX_RESPONSE_BYTES - read.len())])
                }
                Ok(None) => break,
                Err(failure) => {
                    error = Some(describe(&failure));
                    break;
                }
            }
        }
        let text = String::from_utf8_lossy(&read);
        let excerpt: String = text.chars().take(RESPONSE_EXCERPT_CHARS).collect();
        Sent { status: Some(status), error, excerpt: (!excerpt.is_empty()).then_some(excerpt) }
    }
}

/// An HTTP error with its causes, for the attempt's record ("connection refused", "timed out").
fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() { "timed out".to_owned() } else { error.to_string() };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    /// Attempt times of a delivery that always fails, with every wait at `jitter`.
    fn schedule_of(schedule: &RetrySchedule, jitter: f64) -> Vec<DateTime<Utc>> {
        let created = at(0);
        let mut times = vec![created];
        let mut attempt = 1;
        while let Some(next) = schedule.next_attempt(attempt, created, *times.last().unwrap(), jitter) {
            times.push(next);
            attempt += 1;
        }
        times
    }

    #[test]
    fn the_default_schedule_retries_for_more_than_24_hours_and_gives_up_within_25() {
        let schedule = RetrySchedule::new(Duration::from_secs(30), Duration::from_secs(25 * 3600));
        assert_eq!(schedule, RetrySchedule::DEFAULT);
        for jitter in [0.0, 0.25, 0.5, 1.0] {
            let times = schedule_of(&schedule, jitter);
            let last = *times.last().unwrap() - times[0];
            assert!(last >= chrono::Duration::hours(24), "jitter {jitter}: last attempt after {last}");
            assert!(last <= chrono::Duration::hours(25), "jitter {jitter}: last attempt after {last}");
            // Never more than an hour between two attempts, never a retry storm.
            for pair in times.windows(2) {
                let wait = pair[1] - pair[0];
                assert!(
                    wait >= chrono::Duration::seconds(15) && wait <= chrono::Duration::hours(1),
                    "{wait}"
                );
            }
            assert!((25..=60).contains(&times.len()), "jitter {jitter}: {} attempts", times.len());
        }
    }

    #[test]
    fn waits_double_within_their_jitter_bounds_up_to_the_cap() {
        let schedule = RetrySchedule::DEFAULT;
        assert_eq!(schedule.bounds(1), (Duration::from_secs(15), Duration::from_secs(30)));
        assert_eq!(schedule.bounds(2), (Duration::from_secs(30), Duration::from_secs(60)));
        assert_eq!(schedule.bounds(3), (Duration::from_secs(60), Duration::from_secs(120)));
        assert_eq!(schedule.bounds(8), (Duration::from_secs(1800), Duration::from_secs(3600)));
        assert_eq!(schedule.bounds(40), (Duration::from_secs(1800), Duration::from_secs(3600)));
        for attempt in 1..40 {
            let (low, high) = schedule.bounds(attempt);
            let (next_low, _) = schedule.bounds(attempt + 1);
            assert!(low <= high && high <= next_low.max(high), "attempt {attempt}");
            for jitter in [0.0, 0.3, 1.0] {
                let wait = schedule.wait(attempt, jitter);
                assert!(low <= wait && wait <= high);
            }
        }
    }

    #[test]
    fn a_short_test_schedule_gives_up_at_its_horizon() {
        let schedule = RetrySchedule::new(Duration::from_millis(100), Duration::from_secs(2));
        let times = schedule_of(&schedule, 1.0);
        assert!(*times.last().unwrap() - times[0] <= chrono::Duration::seconds(2));
        assert!(times.len() >= 4, "{times:?}");
    }

    #[test]
    fn the_body_is_the_documented_shape() {
        let delivery = ztd_storage::WebhookDelivery {
            id: uuid::Uuid::new_v4(),
            webhook_id: uuid::Uuid::new_v4(),
            org_id: uuid::Uuid::new_v4(),
            event_id: uuid::Uuid::new_v4(),
            event_type: "batch.finished".into(),
            occurred_at: at(0),
            data: serde_json::json!({ "target_id": "b1" }),
            status: ztd_storage::DeliveryStatus::Pending,
            attempts: 0,
            next_attempt_at: None,
            last_status_code: None,
            last_error: None,
            created_at: at(0),
            finished_at: None,
            attempt_log: Vec::new(),
        };
        let body: serde_json::Value = serde_json::from_slice(&body(&delivery)).unwrap();
        let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["data", "id", "occurred_at", "org_id", "type"]);
        assert_eq!(body["id"], delivery.event_id.to_string());
        assert_eq!(body["occurred_at"], "2027-01-15T08:00:00.000000Z");
    }
}

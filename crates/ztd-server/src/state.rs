//! Shared state of the service, handed to every handler.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;
use ztd_storage::Database;

use crate::config::Config;

#[derive(Clone)]
pub struct AppState {
    pub db: Arc<dyn Database>,
    pub config: Arc<Config>,
    /// Renders `/metrics`; see [`crate::observability::metrics_handle`].
    pub metrics: PrometheusHandle,
    /// Wakes a batch worker when a batch is queued (see [`crate::worker`]).
    pub batch_wakeup: crate::worker::BatchWakeup,
    /// Per-client rate limit of the first-boot lookup.
    pub lookup_limiter: Arc<crate::rate_limit::LookupLimiter>,
    /// The rate limits every process sharing the database shares (PostgreSQL's, or Redis);
    /// `None`: this process keeps its own in memory (SQLite). Also used by the sign-in throttle.
    pub shared_limits: Option<crate::rate_limit::SharedLimits>,
    /// Keeps refusals from flooding the audit (see [`crate::app::refusals`]).
    pub refusal_audit: Arc<crate::app::refusals::RefusalAudit>,
    /// First boots, written in groups off the request path (see [`crate::app::lookup::Activations`]).
    pub activations: crate::app::lookup::Activations,
}

impl AppState {
    /// Needs a tokio runtime: it starts the writer of first boots. Rate limits are shared in
    /// the database when it offers that (PostgreSQL), in memory otherwise.
    pub fn new(db: Arc<dyn Database>, config: Config, metrics: PrometheusHandle) -> Self {
        let shared = db.shared_rate_limits();
        Self::with_rate_limits(db, config, metrics, shared)
    }

    /// As [`AppState::new`], with the rate limits kept in `shared` (e.g. Redis) or, for
    /// `None`, in this process's memory.
    pub fn with_rate_limits(
        db: Arc<dyn Database>,
        config: Config,
        metrics: PrometheusHandle,
        shared: Option<Arc<dyn ztd_storage::RateLimitStore>>,
    ) -> Self {
        let shared_limits = shared.map(crate::rate_limit::SharedLimits::new);
        let lookup_limiter = Arc::new(crate::rate_limit::LookupLimiter::new(
            config.lookup_rate_per_minute,
            shared_limits.clone(),
        ));
        Self {
            activations: crate::app::lookup::Activations::start(db.clone()),
            db,
            config: Arc::new(config),
            metrics,
            batch_wakeup: Default::default(),
            lookup_limiter,
            shared_limits,
            refusal_audit: Default::default(),
        }
    }
}

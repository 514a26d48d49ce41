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
    pub lookup_limiter: Arc<crate::rate_limit::RateLimiter>,
    /// Keeps refusals from flooding the audit (see [`crate::app::refusals`]).
    pub refusal_audit: Arc<crate::app::refusals::RefusalAudit>,
    /// First boots, written in groups off the request path (see [`crate::app::lookup::Activations`]).
    pub activations: crate::app::lookup::Activations,
}

impl AppState {
    /// Needs a tokio runtime: it starts the writer of first boots.
    pub fn new(db: Arc<dyn Database>, config: Config, metrics: PrometheusHandle) -> Self {
        let lookup_limiter = Arc::new(crate::rate_limit::RateLimiter::new(config.lookup_rate_per_minute));
        Self {
            activations: crate::app::lookup::Activations::start(db.clone()),
            db,
            config: Arc::new(config),
            metrics,
            batch_wakeup: Default::default(),
            lookup_limiter,
            refusal_audit: Default::default(),
        }
    }
}

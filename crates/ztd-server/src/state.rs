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
}

impl AppState {
    pub fn new(db: Arc<dyn Database>, config: Config, metrics: PrometheusHandle) -> Self {
        Self { db, config: Arc::new(config), metrics }
    }
}

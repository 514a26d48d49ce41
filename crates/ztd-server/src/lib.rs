//! The ztd service: axum HTTP API, portal and batch worker.
//!
//! - [`config`]: the service's configuration, a plain struct.
//! - [`router::build_app`]: the router with its middleware (request ids, tracing, metrics, limits).
//! - [`http_auth`]: credentials of an HTTP request → the access layer's `Access`.
//! - [`error::ApiError`]: the one mapping from failures to HTTP answers.
//! - [`api`]: handlers, one module per resource; [`openapi`] (in `api`): the generated document.
//! - [`app`]: the use cases every channel (API, portal, CLI) calls, and the access layer.
//! - [`server`]: bind, serve, graceful shutdown (used by `ztd serve` and the tests).
//! - [`worker`], [`webhook_delivery`]: the batch workers and the webhook dispatcher, started by
//!   [`server`] in every process with workers.

pub mod api;
pub mod app;
pub mod auth;
pub mod config;
pub mod error;
pub mod http_auth;
pub mod observability;
pub mod pipeline;
pub mod portal;
pub mod rate_limit;
pub mod request_id;
pub mod router;
pub mod server;
pub mod state;
#[cfg(feature = "testing")]
pub mod testing;
pub mod webhook_delivery;
pub mod worker;

pub use api::openapi;
pub use config::Config;
pub use error::ApiError;
pub use router::build_app;
pub use state::AppState;

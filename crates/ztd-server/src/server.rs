//! Running the service: bind, start the batch workers, serve until told to stop, drain
//! in-flight requests, stop the workers. Used by `ztd serve` and by the test harness alike, so
//! tests exercise the real server.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::router::build_app;
use crate::state::AppState;
use crate::worker::{WorkerPool, WorkerSettings};

/// A server accepting connections on `addr` until its shutdown token is cancelled.
pub struct RunningServer {
    pub addr: SocketAddr,
    shutdown: CancellationToken,
    task: JoinHandle<std::io::Result<()>>,
    workers: Option<WorkerPool>,
}

impl RunningServer {
    /// Cancelling this token stops accepting connections and lets in-flight requests finish.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Waits until the server has stopped (after the token is cancelled), then stops the
    /// workers, each finishing the chunk in hand.
    pub async fn wait(self) -> std::io::Result<()> {
        let served = match self.task.await {
            Ok(result) => result,
            Err(join_error) => Err(std::io::Error::other(join_error)),
        };
        if let Some(workers) = self.workers {
            workers.shutdown().await;
        }
        served
    }

    /// Asks the server to stop and waits for in-flight requests to finish.
    pub async fn stop(self) -> std::io::Result<()> {
        self.shutdown.cancel();
        self.wait().await
    }
}

/// Binds `state.config.listen` (port 0 picks a free port), starts `config.workers` batch
/// workers (none when 0) and serves in a background task.
pub async fn start(state: AppState) -> std::io::Result<RunningServer> {
    let listener = TcpListener::bind(state.config.listen).await?;
    start_on(listener, state).await
}

/// As [`start`], on a listener the caller bound (the test harness binds first to learn the
/// port, so the configuration's public URL can name it).
pub async fn start_on(listener: TcpListener, state: AppState) -> std::io::Result<RunningServer> {
    let addr = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    let workers = (state.config.workers > 0).then(|| {
        let settings = WorkerSettings { workers: state.config.workers, ..WorkerSettings::default() };
        WorkerPool::start(state.db.clone(), settings, state.batch_wakeup.clone(), shutdown.child_token())
    });
    let app = build_app(state);
    let stop = shutdown.clone();
    let task = tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await
    });
    Ok(RunningServer { addr, shutdown, task, workers })
}

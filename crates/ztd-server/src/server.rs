//! Running the service: bind, start the batch workers, serve until told to stop, drain
//! in-flight requests, stop the workers. Used by `ztd serve` and by the test harness alike, so
//! tests exercise the real server.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use crate::router::build_app;
use crate::state::AppState;
use crate::worker::{WorkerPool, WorkerSettings};

/// A server accepting connections on `addr` until its shutdown token is cancelled.
pub struct RunningServer {
    pub addr: SocketAddr,
    shutdown: CancellationToken,
    task: JoinHandle<std::io::Result<()>>,
    workers: Option<WorkerPool>,
    /// Deletes the shared rate limits' idle buckets; runs where the workers run.
    bucket_purge: Option<JoinHandle<()>>,
    /// Sends webhook deliveries; runs where the workers run.
    webhooks: Option<JoinHandle<()>>,
    activations: crate::app::lookup::Activations,
}

impl RunningServer {
    /// Cancelling this token stops accepting connections and lets in-flight requests finish
    /// (docs/operations.md#shutdown).
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
        // Every first boot answered is written before the process ends.
        self.activations.flush().await;
        if let Some(workers) = self.workers {
            workers.shutdown().await;
        }
        if let Some(bucket_purge) = self.bucket_purge {
            let _ = bucket_purge.await;
        }
        if let Some(webhooks) = self.webhooks {
            let _ = webhooks.await;
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
/// workers and the webhook dispatcher (none when 0: an API-only process) and serves in a background task (only the
/// operations routes when `config.serve_api` is off: a worker-only process).
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
        let settings = WorkerSettings {
            workers: state.config.workers,
            abandoned_upload_after: state.config.request_timeout,
            ..WorkerSettings::default()
        };
        WorkerPool::start(state.db.clone(), settings, state.batch_wakeup.clone(), shutdown.child_token())
    });
    let bucket_purge = state
        .shared_limits
        .clone()
        .filter(|_| state.config.workers > 0)
        .map(|shared| tokio::spawn(crate::worker::purge_idle_buckets(shared, shutdown.child_token())));
    // The webhook dispatcher runs where the workers run (docs/operations.md#webhooks).
    let webhooks = (state.config.workers > 0).then(|| {
        crate::webhook_delivery::start(
            state.db.clone(),
            crate::webhook_delivery::DispatcherSettings::from_config(&state.config),
            shutdown.child_token(),
        )
    });
    let limits = Limits {
        header_read_timeout: state.config.header_read_timeout,
        request_timeout: state.config.request_timeout,
        shutdown_grace: state.config.shutdown_grace,
    };
    let activations = state.activations.clone();
    let app = build_app(state);
    let task = tokio::spawn(accept_loop(listener, app, limits, shutdown.clone()));
    Ok(RunningServer { addr, shutdown, task, workers, bucket_purge, webhooks, activations })
}

/// The connection limits of docs/operations.md#connections.
#[derive(Debug, Clone, Copy)]
struct Limits {
    header_read_timeout: Duration,
    request_timeout: Duration,
    shutdown_grace: Duration,
}

/// Our own loop instead of `axum::serve`: it sets hyper's header-read timeout (a client that
/// never finishes its headers is dropped) and bounds how long shutdown waits for a connection.
async fn accept_loop(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stop: CancellationToken,
) -> std::io::Result<()> {
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stop.cancelled() => break,
        };
        // Reap finished connections so the set stays as large as the open ones.
        while connections.try_join_next().is_some() {}
        match accepted {
            Ok((stream, remote)) => {
                connections.spawn(serve_connection(stream, remote, app.clone(), limits, stop.clone()));
            }
            // The peer gave up before we accepted: nothing to do.
            Err(error) if is_connection_error(&error) => {}
            Err(error) => {
                // Out of file descriptors and the like: wait instead of spinning.
                tracing::error!(%error, "accepting a connection failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
    Ok(())
}

fn is_connection_error(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    )
}

async fn serve_connection(
    stream: TcpStream,
    remote: SocketAddr,
    app: Router,
    limits: Limits,
    stop: CancellationToken,
) {
    // Requests of this connection between their headers and their answer.
    let in_flight = Arc::new(AtomicUsize::new(0));
    let counter = in_flight.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(ConnectInfo(remote));
        let guard = InFlight::enter(counter.clone());
        let app = app.clone();
        async move {
            let response = app.oneshot(request).await;
            drop(guard);
            response
        }
    });
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    let connection = builder.serve_connection(TokioIo::new(stream), service).with_upgrades();
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        () = stop.cancelled() => {
            // Idle connections close at once; a half-sent request gets the grace period; a
            // request in flight may finish within its own timeout.
            connection.as_mut().graceful_shutdown();
            match tokio::time::timeout(limits.shutdown_grace, connection.as_mut()).await {
                Ok(result) => result,
                Err(_) if in_flight.load(Ordering::Acquire) > 0 => {
                    tokio::time::timeout(limits.request_timeout, connection.as_mut()).await.unwrap_or(Ok(()))
                }
                Err(_) => Ok(()),
            }
        }
    };
    if let Err(error) = result {
        // Header-read timeouts, resets, malformed requests: the client's problem, not ours.
        tracing::debug!(%error, %remote, "connection ended with an error");
    }
}

/// Counts a request in flight until dropped (also when the connection is dropped mid-request).
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn enter(counter: Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::AcqRel);
        Self(counter)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

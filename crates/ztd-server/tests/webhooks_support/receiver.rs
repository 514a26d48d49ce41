//! A webhook receiver on a real local socket, for the tests of webhooks: it records every
//! request (headers, body, when) and answers the status codes it is told to, or holds a request
//! open. Shared by `tests/webhooks.rs` here and the process tests of the `ztd` binary
//! (`crates/ztd/tests/webhook_crash.rs`, included there by path).

#![allow(dead_code)] // each test binary uses a different part

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use tokio::sync::Notify;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub at: Instant,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct Inner {
    /// Answers to give, in order; then `then`.
    answers: VecDeque<u16>,
    then: u16,
    /// Hold every request open (never answer) while set.
    hold: bool,
    received: Vec<Received>,
}

#[derive(Clone, Default)]
struct Shared {
    inner: Arc<Mutex<Inner>>,
    arrived: Arc<Notify>,
}

pub struct Receiver {
    /// `http://127.0.0.1:<port>/hook`
    pub url: String,
    shared: Shared,
    task: tokio::task::JoinHandle<()>,
}

async fn hook(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let (hold, status) = {
        let mut inner = shared.inner.lock().unwrap();
        inner.received.push(Received { at: Instant::now(), headers, body });
        let status = inner.answers.pop_front().unwrap_or(inner.then);
        (inner.hold, status)
    };
    shared.arrived.notify_waiters();
    if hold {
        std::future::pending::<()>().await;
    }
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl Receiver {
    /// Listens on 127.0.0.1, answering 200 to everything.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the receiver");
        let addr = listener.local_addr().unwrap();
        let shared = Shared::default();
        shared.inner.lock().unwrap().then = 200;
        let app = Router::new().route("/hook", post(hook)).with_state(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the receiver serves");
        });
        Self { url: format!("http://{addr}/hook"), shared, task }
    }

    /// Answers `first`, one per request, then `then` to every later request.
    pub fn answer(&self, first: &[u16], then: u16) {
        let mut inner = self.shared.inner.lock().unwrap();
        inner.answers = first.iter().copied().collect();
        inner.then = then;
    }

    /// While on, requests are recorded and then held open, never answered.
    pub fn hold(&self, on: bool) {
        self.shared.inner.lock().unwrap().hold = on;
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.inner.lock().unwrap().received.clone()
    }

    /// Waits until at least `count` requests arrived (panics after `within`).
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let notified = self.shared.arrived.notified();
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "the receiver got {} of {count} requests within {within:?}",
                received.len()
            );
            let _ = tokio::time::timeout(left.min(Duration::from_millis(200)), notified).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

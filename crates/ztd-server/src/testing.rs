//! Test harness (feature `testing`): the real server on 127.0.0.1:0 with a fresh SQLite file or
//! a fresh PostgreSQL database, driven over HTTP with reqwest.
//!
//! Every integration test runs on both backends: write the test as
//! `async fn name(app: TestApp)` and instantiate it with [`both_backends!`]. Without PostgreSQL
//! the PostgreSQL half prints a loud SKIPPED line locally and fails under `CI=true` (the storage
//! crate's `fresh_postgres_url` decides).

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::{Method, RequestBuilder, Response};
use serde_json::{json, Value};
use uuid::Uuid;
use ztd_storage::testing::{drop_postgres_database, fresh_postgres_url, TempSqlite};
use ztd_storage::{Database, OrgKind, Organisation, Role};

use crate::app::access::Operator;
use crate::app::accounts::{self, KeyName, OrgName};
use crate::config::Config;
use crate::server::{self, RunningServer};
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Instantiates `async fn $test(app: TestApp)` once per backend, as `$test::sqlite` and
/// `$test::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($($test:ident),+ $(,)?) => {$(
        mod $test {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = $crate::testing::TestApp::spawn($crate::testing::Backend::Sqlite).await {
                    super::$test(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::testing::TestApp::spawn($crate::testing::Backend::Postgres).await {
                    super::$test(app).await;
                }
            }
        }
    )+};
}

/// An organisation made for a test, with an API key of the given role.
#[derive(Debug, Clone)]
pub struct TestOrg {
    pub org: Organisation,
    pub role: Role,
    pub key: String,
}

impl TestOrg {
    pub fn id(&self) -> Uuid {
        self.org.id
    }
}

/// A running server on its own database.
pub struct TestApp {
    pub backend: Backend,
    pub addr: SocketAddr,
    pub base_url: String,
    /// The server's database, for arranging what the API cannot (an expired link).
    pub db: Arc<dyn Database>,
    /// The URL the server was started with (`ztd admin --database-url`).
    pub database_url: String,
    pub client: reqwest::Client,
    server: Option<RunningServer>,
    activations: crate::app::lookup::Activations,
    _sqlite: Option<TempSqlite>,
    postgres_url: Option<String>,
}

impl TestApp {
    /// Starts a server with the test defaults (one batch worker). `None` only when PostgreSQL
    /// is unreachable outside CI.
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Waits until every first boot answered so far is written (they are written in groups
    /// within milliseconds, off the request path: docs/operations.md#first-boots).
    pub async fn first_boots_written(&self) {
        self.activations.flush().await;
    }

    /// Starts a server after `configure` adjusted the configuration.
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Option<Self> {
        let (db, database_url, sqlite, postgres_url) = match backend {
            Backend::Sqlite => {
                let temp = TempSqlite::new().await;
                (temp.database(), temp.url.clone(), Some(temp), None)
            }
            Backend::Postgres => {
                let url = fresh_postgres_url().await?;
                let db = ztd_storage::connect_any(&url).await.expect("open the test PostgreSQL database");
                (db, url.clone(), None, Some(url))
            }
        };
        // Bound first, so the public URL (invitation links) names the real port.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a test port");
        let addr = listener.local_addr().expect("the bound address");
        let mut config = Config {
            listen: addr,
            database_url: database_url.clone(),
            public_url: format!("http://{addr}"),
            workers: 1,
            ..Config::default()
        };
        configure(&mut config);
        let state = AppState::new(db.clone(), config, crate::observability::metrics_handle());
        let activations = state.activations.clone();
        let server = server::start_on(listener, state).await.expect("start the test server");
        Some(Self {
            backend,
            addr,
            base_url: format!("http://{addr}"),
            db,
            database_url,
            client: reqwest::Client::new(),
            server: Some(server),
            activations,
            _sqlite: sqlite,
            postgres_url,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A request with the key as bearer token (`None`: anonymous).
    pub fn request(&self, method: Method, path: &str, key: Option<&str>) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match key {
            Some(key) => builder.bearer_auth(key),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, key: &str) -> Response {
        self.request(Method::GET, path, Some(key)).send().await.expect("send GET")
    }

    pub async fn post(&self, path: &str, key: &str, body: &Value) -> Response {
        self.request(Method::POST, path, Some(key)).json(body).send().await.expect("send POST")
    }

    pub async fn patch(&self, path: &str, key: &str, body: &Value) -> Response {
        self.request(Method::PATCH, path, Some(key)).json(body).send().await.expect("send PATCH")
    }

    pub async fn delete(&self, path: &str, key: &str) -> Response {
        self.request(Method::DELETE, path, Some(key)).send().await.expect("send DELETE")
    }

    /// The operator console on this app's database (as `ztd admin` is).
    pub fn operator(&self) -> Operator {
        Operator::cli(self.db.clone())
    }

    /// Creates an organisation straight in the database (as `ztd admin` does).
    pub async fn create_org(&self, kind: OrgKind, name: &str) -> Organisation {
        let name = OrgName::parse(name).expect("a valid test organisation name");
        accounts::create_org(&self.operator(), kind, &name, None).await.expect("create the test organisation")
    }

    /// Creates a user of `role` in `org_id` with a one-time password (as `ztd admin` does).
    pub async fn create_user(
        &self,
        org_id: Uuid,
        email: &accounts::Email,
        role: Role,
    ) -> Result<accounts::CreatedUser, crate::app::Error> {
        let org = self.operator().org_scope(org_id).await?;
        accounts::create_user(&org, email, role).await
    }

    /// Creates an API key of `role` for `org_id` and returns its secret.
    pub async fn create_key(&self, org_id: Uuid, role: Role) -> String {
        let name = KeyName::parse(&format!("test {role}")).expect("a valid key name");
        let org = self.operator().org_scope(org_id).await.expect("the test organisation exists");
        accounts::create_api_key(&org, &name, role, None).await.expect("create the test API key").secret
    }

    /// A new organisation of `kind` with an API key of `role`.
    pub async fn org_with_key(&self, kind: OrgKind, role: Role) -> TestOrg {
        let org = self
            .create_org(kind, &format!("Test {kind} {}", &Uuid::new_v4().simple().to_string()[..8]))
            .await;
        let key = self.create_key(org.id, role).await;
        TestOrg { org, role, key }
    }

    /// Another key for an existing test organisation.
    pub async fn with_role(&self, org: &TestOrg, role: Role) -> TestOrg {
        TestOrg { org: org.org.clone(), role, key: self.create_key(org.id(), role).await }
    }

    /// The consent story's happy path over HTTP: the partner/OEM admin creates a link for the
    /// customer, the customer admin accepts it. Returns the relationship id.
    pub async fn connect(&self, partner_admin: &TestOrg, customer_admin: &TestOrg) -> Uuid {
        let created = self
            .post("/api/v1/invitations", &partner_admin.key, &json!({ "customer_id": customer_admin.id() }))
            .await;
        assert_eq!(created.status(), 201, "create invitation: {}", created.text().await.unwrap_or_default());
        let token = created.json::<Value>().await.expect("invitation JSON")["token"]
            .as_str()
            .expect("token")
            .to_owned();
        let accepted =
            self.post(&format!("/api/v1/invitations/{token}/accept"), &customer_admin.key, &json!({})).await;
        assert_eq!(
            accepted.status(),
            201,
            "accept invitation: {}",
            accepted.text().await.unwrap_or_default()
        );
        let relationship = accepted.json::<Value>().await.expect("relationship JSON");
        relationship["id"].as_str().and_then(|id| id.parse().ok()).expect("relationship id")
    }

    /// Stops the server (draining requests and workers) and keeps the database.
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("the test server stopped cleanly");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(server) = &self.server {
            server.shutdown_token().cancel();
        }
        // Best effort: drop the PostgreSQL test database (FORCE ends the pool's connections).
        if let Some(url) = self.postgres_url.take() {
            let _ = std::thread::spawn(move || {
                if let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    runtime.block_on(drop_postgres_database(&url));
                }
            })
            .join();
        }
    }
}

/// Reads an error envelope's inner object, asserting the shape of docs/domain.md#http-contract.
pub async fn error_body(response: Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.expect("an error body in JSON");
    let error = body.get("error").cloned().unwrap_or_else(|| panic!("no `error` in {status} body {body}"));
    for field in ["code", "ztd_code", "message", "hint", "request_id"] {
        assert!(error.get(field).is_some(), "error envelope without `{field}`: {body}");
    }
    error
}

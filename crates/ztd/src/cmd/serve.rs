//! `ztd serve`: the service. Flags, then `ZTD_*` environment variables, then defaults.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use ztd_server::app::access::Operator;
use ztd_server::app::accounts::{self, Bootstrap, Email};
use ztd_server::config::{defaults, Config};
use ztd_server::AppState;
use ztd_storage::Database;

/// Where the database is; shared by `serve` and every `admin` command.
#[derive(clap::Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// `sqlite://PATH` (created, in WAL mode, when new) or `postgres://USER@HOST/DB`.
    #[arg(long, env = "ZTD_DATABASE_URL", default_value = defaults::DATABASE_URL)]
    pub database_url: String,
}

impl DatabaseArgs {
    /// Opens the database, creating and migrating it when new.
    pub async fn connect(&self) -> anyhow::Result<Arc<dyn Database>> {
        ztd_storage::connect_any(&self.database_url)
            .await
            .with_context(|| format!("cannot open the database {}", redact(&self.database_url)))
    }
}

/// The URL without its password, for messages and logs.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ZTD_LISTEN", default_value = defaults::LISTEN)]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Base URL people reach the service at (invitation links); default http://LISTEN.
    #[arg(long, env = "ZTD_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Days an invitation link stays valid when the request names none.
    #[arg(long, env = "ZTD_INVITATION_EXPIRY_DAYS", default_value_t = defaults::INVITATION_EXPIRY_DAYS,
          value_parser = clap::value_parser!(u32).range(1..=90))]
    pub invitation_expiry_days: u32,
    /// Largest device-batch upload (CSV or JSON) in bytes; larger ones get 413.
    #[arg(long, env = "ZTD_MAX_UPLOAD_BYTES", default_value_t = defaults::MAX_UPLOAD_BYTES)]
    pub max_upload_bytes: usize,
    /// Largest JSON body of the other routes in bytes.
    #[arg(long, env = "ZTD_MAX_JSON_BODY_BYTES", default_value_t = defaults::MAX_JSON_BODY_BYTES)]
    pub max_json_body_bytes: usize,
    /// Most rows one batch may carry.
    #[arg(long, env = "ZTD_MAX_ROWS", default_value_t = defaults::MAX_ROWS)]
    pub max_rows: usize,
    /// Largest JSON device batch in bytes (larger: 413; send big batches as CSV).
    #[arg(long, env = "ZTD_MAX_JSON_BATCH_BYTES", default_value_t = defaults::MAX_JSON_BATCH_BYTES)]
    pub max_json_batch_bytes: usize,
    /// Most devices one JSON batch may list (more: 422; send big batches as CSV).
    #[arg(long, env = "ZTD_MAX_JSON_BATCH_ROWS", default_value_t = defaults::MAX_JSON_BATCH_ROWS)]
    pub max_json_batch_rows: usize,
    /// Batch workers in this process (0: an API-only process; another one must run workers).
    #[arg(long, env = "ZTD_WORKERS", default_value_t = defaults::WORKERS)]
    pub workers: usize,
    /// Worker-only process: run the batch workers and their housekeeping, serve only /healthz,
    /// /readyz and /metrics on --listen (no API, no portal).
    #[arg(long, env = "ZTD_NO_API")]
    pub no_api: bool,
    /// Keep the shared rate limits (first-boot lookups, failed sign-ins) in this Redis instead
    /// of PostgreSQL: `redis://[:PASSWORD@]HOST:PORT[/DB]` or `rediss://…`.
    #[arg(long, env = "ZTD_REDIS_URL")]
    pub redis_url: Option<String>,
    /// Prefix of every Redis key this deployment writes (several deployments may share a Redis).
    #[arg(long, env = "ZTD_REDIS_KEY_PREFIX", default_value = "ztd:")]
    pub redis_key_prefix: String,
    /// First-boot lookups allowed per minute per client address.
    #[arg(long, env = "ZTD_LOOKUP_RATE_PER_MINUTE", default_value_t = defaults::LOOKUP_RATE_PER_MINUTE)]
    pub lookup_rate_per_minute: u32,
    /// Seconds a client has to send a request's headers before its connection is closed.
    #[arg(long, env = "ZTD_HEADER_READ_TIMEOUT_SECS", default_value_t = defaults::HEADER_READ_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_read_timeout_secs: u64,
    /// Seconds a whole request may take, body upload included; beyond it: 408.
    #[arg(long, env = "ZTD_REQUEST_TIMEOUT_SECS", default_value_t = defaults::REQUEST_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_secs: u64,
    /// Seconds shutdown waits for connections with no request in flight.
    #[arg(long, env = "ZTD_SHUTDOWN_GRACE_SECS", default_value_t = defaults::SHUTDOWN_GRACE_SECS)]
    pub shutdown_grace_secs: u64,
    /// Failed portal sign-ins per client address in 15 minutes, any email, before 429 (0: off).
    #[arg(long, env = "ZTD_SIGN_IN_FAILURES_PER_ADDRESS", default_value_t = defaults::SIGN_IN_FAILURES_PER_ADDRESS)]
    pub sign_in_failures_per_address: u32,
    /// Token a Prometheus scraper must send as `Authorization: Bearer …` for /metrics
    /// (unset: /metrics is public; set it when the port is reachable from outside).
    #[arg(long, env = "ZTD_METRICS_TOKEN")]
    pub metrics_token: Option<String>,
    /// Allow webhooks to http:// URLs and to loopback and private addresses (tests, closed
    /// networks). Without it only https:// URLs to public addresses are accepted.
    #[arg(long, env = "ZTD_WEBHOOK_ALLOW_HTTP")]
    pub webhook_allow_http: bool,
    /// First wait before a failed webhook delivery is retried, in milliseconds; waits double
    /// from there up to 120 times this (for tests: a short schedule).
    #[arg(long, env = "ZTD_WEBHOOK_RETRY_BASE_MS", default_value_t = defaults::WEBHOOK_RETRY_BASE_MS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub webhook_retry_base_ms: u64,
    /// Seconds after its event a webhook delivery is still retried before it fails.
    #[arg(long, env = "ZTD_WEBHOOK_RETRY_HORIZON_SECS", default_value_t = defaults::WEBHOOK_RETRY_HORIZON_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub webhook_retry_horizon_secs: u64,
    /// Seconds one webhook attempt may take (connect, send, answer).
    #[arg(long, env = "ZTD_WEBHOOK_TIMEOUT_SECS", default_value_t = defaults::WEBHOOK_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub webhook_timeout_secs: u64,
    /// Email of the first operator admin, created on an empty database.
    #[arg(long, env = "ZTD_OPERATOR_EMAIL", default_value = "admin@localhost")]
    pub operator_email: String,
    /// Log line format.
    #[arg(long, env = "ZTD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

impl ServeArgs {
    pub fn config(&self) -> Config {
        Config {
            listen: self.listen,
            database_url: self.database.database_url.clone(),
            public_url: self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.listen)),
            invitation_expiry_days: self.invitation_expiry_days,
            max_upload_bytes: self.max_upload_bytes,
            max_json_body_bytes: self.max_json_body_bytes,
            max_rows: self.max_rows,
            max_json_batch_bytes: self.max_json_batch_bytes,
            max_json_batch_rows: self.max_json_batch_rows,
            workers: self.workers,
            serve_api: !self.no_api,
            lookup_rate_per_minute: self.lookup_rate_per_minute,
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
            request_timeout: Duration::from_secs(self.request_timeout_secs),
            shutdown_grace: Duration::from_secs(self.shutdown_grace_secs),
            sign_in_failures_per_address: self.sign_in_failures_per_address,
            metrics_token: self.metrics_token.clone().filter(|token| !token.is_empty()),
            webhook_allow_http: self.webhook_allow_http,
            webhook_retry_base: Duration::from_millis(self.webhook_retry_base_ms),
            webhook_retry_horizon: Duration::from_secs(self.webhook_retry_horizon_secs),
            webhook_timeout: Duration::from_secs(self.webhook_timeout_secs),
            ..Config::default()
        }
    }
}

fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("ZTD_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only for a person at a terminal, never into a log file or a collector.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => {
            builder.json().flatten_event(true).with_current_span(true).with_span_list(false).init()
        }
    }
}

/// glibc gives threads that allocate at once arenas of their own (up to eight per core), and
/// memory freed in one arena is not reused by another: with request threads and batch workers
/// taking turns at 20 MB chunks, `ztd serve` kept several copies of its peak (471 MB resident
/// during a 100,000-device batch, 252 MB with two arenas; docs/operations.md#memory).
/// `MALLOC_ARENA_MAX` in the environment still wins, as glibc reads it first.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets an allocator parameter; it runs before any other thread
        // exists (the runtime starts after it).
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    limit_malloc_arenas();
    init_logging(args.log_format);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(serve(args))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let config = args.config();
    if !config.serve_api && config.workers == 0 {
        anyhow::bail!("--no-api with --workers 0 leaves this process nothing to do");
    }
    let operator_email =
        Email::parse(&args.operator_email).map_err(|error| anyhow::anyhow!("--operator-email: {error}"))?;
    let db = args.database.connect().await?;
    tracing::info!(backend = db.backend(), database = %redact(&config.database_url), "database ready");

    let bootstrapped = accounts::bootstrap_operator(&Operator::cli(db.clone()), &operator_email).await?;
    if let Some(bootstrap) = bootstrapped {
        print_first_sign_in(&bootstrap, &config);
    }

    let signals = ShutdownSignals::listen().context("cannot listen for SIGTERM / Ctrl-C")?;
    // A Redis that is configured but unreachable at start is a mistake to report now; once
    // running, an outage only makes each process limit on its own (docs/operations.md).
    let shared_limits = match &args.redis_url {
        Some(url) => {
            let redis = ztd_storage::RedisRateLimits::connect(url, &args.redis_key_prefix)
                .await
                .with_context(|| format!("cannot reach Redis at {}", redact(url)))?;
            Some(Arc::new(redis) as Arc<dyn ztd_storage::RateLimitStore>)
        }
        None => db.shared_rate_limits(),
    };
    tracing::info!(
        rate_limits = shared_limits.as_ref().map_or("in this process", |store| store.kind()),
        api = config.serve_api,
        workers = config.workers,
        webhooks = if config.workers > 0 { "sent by this process" } else { "sent by processes with workers" },
        webhook_allow_http = config.webhook_allow_http,
        "starting"
    );
    let state =
        AppState::with_rate_limits(db, config, ztd_server::observability::metrics_handle(), shared_limits);
    let server = ztd_server::server::start(state).await.context("cannot bind the listen address")?;
    tracing::info!(addr = %server.addr, "listening");
    let shutdown = server.shutdown_token();
    tokio::spawn(async move {
        signals.recv().await;
        tracing::info!("shutting down: finishing in-flight requests");
        shutdown.cancel();
    });
    server.wait().await.context("the server stopped with an error")?;
    tracing::info!("stopped");
    Ok(())
}

fn print_first_sign_in(bootstrap: &Bootstrap, config: &Config) {
    let org = &bootstrap.operator_org;
    let admin = &bootstrap.admin;
    println!(
        "\nztd: new installation. The operator organisation was created ({id}).\n\
         Sign in to {portal}/ as\n    email:    {email}\n    password: {password}\n\
         (a one-time password: you choose your own at first sign-in; it is not shown again)\n\
         For the API, create a key:\n    ztd admin create-api-key --org {id} --role admin --name operator{database}\n",
        id = org.id,
        portal = config.public_base(),
        email = admin.user.email,
        password = admin.password,
        database = if config.database_url == defaults::DATABASE_URL {
            String::new()
        } else {
            format!(" --database-url '{}'", config.database_url)
        },
    );
}

/// SIGTERM and Ctrl-C, listened for from the moment this is made, so a signal that arrives
/// right after "listening" is logged is not lost (the default action would kill the process
/// without draining requests).
struct ShutdownSignals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl ShutdownSignals {
    #[cfg(unix)]
    fn listen() -> std::io::Result<Self> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Self { terminate: signal(SignalKind::terminate())?, interrupt: signal(SignalKind::interrupt())? })
    }

    #[cfg(not(unix))]
    fn listen() -> std::io::Result<Self> {
        Ok(Self {})
    }

    #[cfg(unix)]
    async fn recv(mut self) {
        tokio::select! {
            _ = self.terminate.recv() => {}
            _ = self.interrupt.recv() => {}
        }
    }

    #[cfg(not(unix))]
    async fn recv(self) {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redact_hides_only_the_password() {
        assert_eq!(redact("postgres://ztd:s3cret@db:5432/ztd"), "postgres://ztd:***@db:5432/ztd");
        assert_eq!(redact("postgres://postgres@127.0.0.1/test"), "postgres://postgres@127.0.0.1/test");
        assert_eq!(redact("sqlite://./ztd-data/ztd.db"), "sqlite://./ztd-data/ztd.db");
    }
}

//! Rate limits shared by every `ztd serve` instance: a token bucket per key, kept in PostgreSQL
//! (the default on that backend) or in Redis (`--redis-url`). SQLite has one process per file,
//! so the server keeps its limits in memory there and uses none of this.
//!
//! Algorithm: GCRA, the token bucket stored as one instant per key, when the bucket is full
//! again (`full_at`). A [`Rate`] of `limit` per `period` costs each event `period / limit`;
//! an event is admitted while `max(full_at, now) + cost <= now + period`, i.e. a full bucket
//! takes a burst of `limit` events at once and then one per `period / limit`. No window edges:
//! at most `limit + elapsed × limit / period` events are admitted in any `elapsed`, whichever
//! instance they reach. The clock is the store's (PostgreSQL's `now()`, Redis's `TIME`), so
//! instances with skewed clocks agree. Idle keys (full again) hold no information: Redis lets
//! them expire, PostgreSQL deletes them in [`RateLimitStore::purge_idle`].

use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::PgPool;

/// `limit` events per `period`, in bursts of up to `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub limit: u32,
    pub period: Duration,
}

impl Rate {
    /// What one event costs, in microseconds (at least 1).
    fn cost_micros(&self) -> i64 {
        let period = i64::try_from(self.period.as_micros()).unwrap_or(i64::MAX);
        (period / i64::from(self.limit.max(1))).max(1)
    }

    fn period_micros(&self) -> i64 {
        i64::try_from(self.period.as_micros()).unwrap_or(i64::MAX)
    }
}

/// The answer for one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Admitted,
    /// Not counted; the bucket admits another event after this wait.
    Refused {
        retry_after: Duration,
    },
}

/// A shared limit store that could not answer. The server logs it and falls back to its
/// in-process limits; the text never reaches a client.
#[derive(Debug, thiserror::Error)]
pub enum LimitStoreError {
    #[error("rate limit store (PostgreSQL): {0}")]
    Postgres(#[from] sqlx::Error),
    #[error("rate limit store (Redis): {0}")]
    Redis(#[from] redis::RedisError),
}

/// Token buckets shared by every process that uses the same store.
#[async_trait]
pub trait RateLimitStore: Send + Sync {
    /// `postgres` or `redis`, for logs and metrics.
    fn kind(&self) -> &'static str;
    /// One event against `key`'s bucket: admitted and counted, or refused (not counted).
    async fn take(&self, key: &str, rate: Rate) -> Result<Admission, LimitStoreError>;
    /// What [`RateLimitStore::take`] would answer now, counting nothing.
    async fn peek(&self, key: &str, rate: Rate) -> Result<Admission, LimitStoreError>;
    /// Empties `key`'s bucket (it is full again).
    async fn forget(&self, key: &str) -> Result<(), LimitStoreError>;
    /// Deletes the buckets that are full again; returns how many (Redis expires its own: 0).
    async fn purge_idle(&self) -> Result<u64, LimitStoreError>;
}

/// A wait in seconds from the store (≤ 0 when the bucket refilled meanwhile) as an admission.
fn admission(wait_secs: Option<f64>) -> Admission {
    match wait_secs {
        Some(wait) if wait > 0.0 => Admission::Refused { retry_after: Duration::from_secs_f64(wait) },
        _ => Admission::Admitted,
    }
}

/// The buckets in the `rate_buckets` table (migration 0007, UNLOGGED).
#[derive(Debug, Clone)]
pub struct PostgresRateLimits {
    pool: PgPool,
}

impl PostgresRateLimits {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Seconds until `key`'s bucket admits one more event; `None` for a full (absent) bucket.
    async fn wait(&self, key: &str, rate: Rate) -> Result<Option<f64>, LimitStoreError> {
        Ok(sqlx::query_scalar::<_, f64>(
            "SELECT EXTRACT(EPOCH FROM (GREATEST(full_at, now()) + $2 * interval '1 microsecond' \
             - $3 * interval '1 microsecond' - now()))::float8 FROM rate_buckets WHERE key = $1",
        )
        .bind(key)
        .bind(rate.cost_micros())
        .bind(rate.period_micros())
        .fetch_optional(&self.pool)
        .await?)
    }
}

#[async_trait]
impl RateLimitStore for PostgresRateLimits {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    async fn take(&self, key: &str, rate: Rate) -> Result<Admission, LimitStoreError> {
        // One statement, the row lock held only for it: the update happens (and a row comes
        // back) only when the event fits.
        let admitted = sqlx::query_scalar::<_, i32>(
            "INSERT INTO rate_buckets AS b (key, full_at) VALUES ($1, now() + $2 * interval '1 microsecond') \
             ON CONFLICT (key) DO UPDATE SET full_at = GREATEST(b.full_at, now()) + $2 * interval '1 microsecond' \
             WHERE GREATEST(b.full_at, now()) + $2 * interval '1 microsecond' \
                   <= now() + $3 * interval '1 microsecond' \
             RETURNING 1",
        )
        .bind(key)
        .bind(rate.cost_micros())
        .bind(rate.period_micros())
        .fetch_optional(&self.pool)
        .await?
        .is_some();
        if admitted {
            return Ok(Admission::Admitted);
        }
        // Refused: read how long until it would fit (only on this path, so admitted events
        // cost one round trip).
        Ok(match admission(self.wait(key, rate).await?) {
            Admission::Admitted => Admission::Refused { retry_after: Duration::from_millis(1) },
            refused => refused,
        })
    }

    async fn peek(&self, key: &str, rate: Rate) -> Result<Admission, LimitStoreError> {
        Ok(admission(self.wait(key, rate).await?))
    }

    async fn forget(&self, key: &str) -> Result<(), LimitStoreError> {
        sqlx::query("DELETE FROM rate_buckets WHERE key = $1").bind(key).execute(&self.pool).await?;
        Ok(())
    }

    async fn purge_idle(&self) -> Result<u64, LimitStoreError> {
        let deleted =
            sqlx::query("DELETE FROM rate_buckets WHERE full_at < now()").execute(&self.pool).await?;
        Ok(deleted.rows_affected())
    }
}

/// GCRA in one Lua script, atomic in Redis. KEYS[1]: the bucket; ARGV: cost and period in
/// microseconds, `1` to take (`0` to peek). Returns 0 when admitted, else the wait in
/// microseconds. The key holds `full_at` (µs since the epoch) and expires when it is reached.
const GCRA_SCRIPT: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local cost = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local full_at = tonumber(redis.call('GET', KEYS[1]) or '0')
if full_at < now then full_at = now end
local next_full_at = full_at + cost
local wait = next_full_at - period - now
if wait > 0 then return wait end
if ARGV[3] == '1' then
  redis.call('SET', KEYS[1], string.format('%.0f', next_full_at), 'PX', math.ceil((next_full_at - now) / 1000))
end
return 0
";

/// The buckets in Redis, each a key `<prefix><key>` that expires when its bucket is full.
#[derive(Clone)]
pub struct RedisRateLimits {
    connection: redis::aio::ConnectionManager,
    prefix: String,
    script: redis::Script,
}

impl std::fmt::Debug for RedisRateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisRateLimits").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

/// How long one Redis command may take before it counts as failed (the caller then falls
/// back to its in-process limits rather than hold up a request).
const REDIS_RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);

impl RedisRateLimits {
    /// Connects to `redis://…` (or `rediss://…`) and checks that it answers. Every key is
    /// `prefix` + the limit's key, so several deployments (or tests) can share one Redis. The
    /// connection is re-established by itself after Redis restarts.
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, LimitStoreError> {
        let client = redis::Client::open(url)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(2))
            .set_response_timeout(REDIS_RESPONSE_TIMEOUT)
            // Reconnects retry after about a second, never the default's minutes of backoff.
            .set_factor(2)
            .set_max_delay(1_000)
            .set_number_of_retries(1);
        let mut connection = redis::aio::ConnectionManager::new_with_config(client, config).await?;
        redis::cmd("PING").query_async::<String>(&mut connection).await?;
        Ok(Self { connection, prefix: prefix.to_owned(), script: redis::Script::new(GCRA_SCRIPT) })
    }

    async fn run(&self, key: &str, rate: Rate, take: bool) -> Result<Admission, LimitStoreError> {
        let mut connection = self.connection.clone();
        let wait_micros: i64 = self
            .script
            .key(format!("{}{key}", self.prefix))
            .arg(rate.cost_micros())
            .arg(rate.period_micros())
            .arg(if take { "1" } else { "0" })
            .invoke_async(&mut connection)
            .await?;
        Ok(match wait_micros {
            wait if wait > 0 => {
                Admission::Refused { retry_after: Duration::from_micros(wait.unsigned_abs()) }
            }
            _ => Admission::Admitted,
        })
    }
}

#[async_trait]
impl RateLimitStore for RedisRateLimits {
    fn kind(&self) -> &'static str {
        "redis"
    }

    async fn take(&self, key: &str, rate: Rate) -> Result<Admission, LimitStoreError> {
        self.run(key, rate, true).await
    }

    async fn peek(&self, key: &str, rate: Rate) -> Result<Admission, LimitStoreError> {
        self.run(key, rate, false).await
    }

    async fn forget(&self, key: &str) -> Result<(), LimitStoreError> {
        let mut connection = self.connection.clone();
        redis::cmd("DEL").arg(format!("{}{key}", self.prefix)).query_async::<i64>(&mut connection).await?;
        Ok(())
    }

    async fn purge_idle(&self) -> Result<u64, LimitStoreError> {
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_event_costs_the_period_over_the_limit() {
        let rate = Rate { limit: 120, period: Duration::from_secs(60) };
        assert_eq!(rate.cost_micros(), 500_000);
        assert_eq!(rate.period_micros(), 60_000_000);
        // A limit above the period's microseconds still costs something.
        assert_eq!(Rate { limit: u32::MAX, period: Duration::from_secs(1) }.cost_micros(), 1);
    }

    #[test]
    fn a_wait_that_ran_out_admits() {
        assert_eq!(admission(None), Admission::Admitted);
        assert_eq!(admission(Some(-0.5)), Admission::Admitted);
        assert_eq!(admission(Some(2.0)), Admission::Refused { retry_after: Duration::from_secs(2) });
    }
}

//! The shared rate-limit stores (src/limits.rs) on a real PostgreSQL and a real Redis: the same
//! token-bucket answers from both, whichever connection (instance) asks.

use std::sync::Arc;
use std::time::Duration;

use ztd_storage::testing::{drop_postgres_database, fresh_postgres_url, redis_url, unique_redis_prefix};
use ztd_storage::{Admission, PostgresDatabase, Rate, RateLimitStore, RedisRateLimits};

const PER_MINUTE: Rate = Rate { limit: 5, period: Duration::from_secs(60) };

/// Two stores on the same backing service stand for two instances.
async fn the_bucket_is_shared_and_refills(first: Arc<dyn RateLimitStore>, second: Arc<dyn RateLimitStore>) {
    // A burst of `limit`, taken alternately through both.
    for event in 0..PER_MINUTE.limit {
        let store = if event % 2 == 0 { &first } else { &second };
        assert_eq!(
            store.take("lookup:192.0.2.1", PER_MINUTE).await.unwrap(),
            Admission::Admitted,
            "event {event}"
        );
    }
    for store in [&first, &second] {
        match store.take("lookup:192.0.2.1", PER_MINUTE).await.unwrap() {
            // One event costs 12 s; the wait is what is left of it.
            Admission::Refused { retry_after } => {
                assert!(
                    retry_after > Duration::from_secs(10) && retry_after <= Duration::from_secs(12),
                    "{retry_after:?}"
                )
            }
            Admission::Admitted => panic!("the {} store admitted a sixth event", store.kind()),
        }
    }
    // A refusal is not counted, and peeking counts nothing.
    assert!(matches!(first.peek("lookup:192.0.2.1", PER_MINUTE).await.unwrap(), Admission::Refused { .. }));
    // Another key has its own bucket.
    assert_eq!(second.peek("lookup:192.0.2.2", PER_MINUTE).await.unwrap(), Admission::Admitted);
    assert_eq!(second.take("lookup:192.0.2.2", PER_MINUTE).await.unwrap(), Admission::Admitted);

    // A fast rate refills while we wait.
    let fast = Rate { limit: 2, period: Duration::from_millis(400) };
    assert_eq!(first.take("fast", fast).await.unwrap(), Admission::Admitted);
    assert_eq!(second.take("fast", fast).await.unwrap(), Admission::Admitted);
    assert!(matches!(first.take("fast", fast).await.unwrap(), Admission::Refused { .. }));
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(
        second.take("fast", fast).await.unwrap(),
        Admission::Admitted,
        "one event's cost (200 ms) refilled"
    );

    // Forgetting a key fills its bucket at once.
    for _ in 0..PER_MINUTE.limit {
        first.take("sign-in:192.0.2.1:a@b.example", PER_MINUTE).await.unwrap();
    }
    assert!(matches!(
        second.peek("sign-in:192.0.2.1:a@b.example", PER_MINUTE).await.unwrap(),
        Admission::Refused { .. }
    ));
    second.forget("sign-in:192.0.2.1:a@b.example").await.unwrap();
    assert_eq!(first.peek("sign-in:192.0.2.1:a@b.example", PER_MINUTE).await.unwrap(), Admission::Admitted);
}

#[tokio::test]
async fn postgres_buckets_are_shared_and_idle_ones_purged() {
    let Some(url) = fresh_postgres_url().await else { return };
    let first = PostgresDatabase::connect(&url).await.unwrap();
    let second = PostgresDatabase::connect(&url).await.unwrap();
    let store = |db: &PostgresDatabase| {
        ztd_storage::Database::shared_rate_limits(db).expect("PostgreSQL shares its limits")
    };
    let (first_store, second_store) = (store(&first), store(&second));
    the_bucket_is_shared_and_refills(first_store.clone(), second_store).await;

    // "fast" is full again by now (and so gone); the minute-long buckets are not.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let purged = first_store.purge_idle().await.unwrap();
    assert_eq!(purged, 1, "only the refilled bucket is idle");
    let left: i64 =
        sqlx::query_scalar("SELECT count(*) FROM rate_buckets").fetch_one(first.pool()).await.unwrap();
    assert_eq!(left, 2, "the two busy lookup buckets stay (the sign-in one was forgotten)");
    drop((first, second));
    drop_postgres_database(&url).await;
}

#[tokio::test]
async fn redis_buckets_are_shared_and_expire() {
    let Some(url) = redis_url().await else { return };
    let prefix = unique_redis_prefix();
    let first: Arc<dyn RateLimitStore> = Arc::new(RedisRateLimits::connect(&url, &prefix).await.unwrap());
    let second: Arc<dyn RateLimitStore> = Arc::new(RedisRateLimits::connect(&url, &prefix).await.unwrap());
    the_bucket_is_shared_and_refills(first, second).await;

    // Each key lives until its bucket is full again, under the prefix.
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let ttl: i64 = redis::cmd("PTTL")
        .arg(format!("{prefix}lookup:192.0.2.1"))
        .query_async(&mut connection)
        .await
        .unwrap();
    assert!(ttl > 50_000 && ttl <= 60_000, "{ttl}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let fast: i64 =
        redis::cmd("EXISTS").arg(format!("{prefix}fast")).query_async(&mut connection).await.unwrap();
    assert_eq!(fast, 0, "a full bucket's key expired");
    let _: i64 = redis::cmd("DEL")
        .arg(format!("{prefix}lookup:192.0.2.1"))
        .arg(format!("{prefix}lookup:192.0.2.2"))
        .query_async(&mut connection)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_unreachable_redis_is_an_error_at_connect() {
    // Port 1 on loopback: nothing listens there.
    let error = RedisRateLimits::connect("redis://127.0.0.1:1", "x:").await.expect_err("nothing listens");
    assert!(error.to_string().contains("Redis"), "{error}");
}

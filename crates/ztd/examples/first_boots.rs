//! Load generator of `bench/first-boots.sh`: a rollout of first boots. Every lookup body of the
//! file (one device each) is posted exactly once, by `concurrency` clients taking the next device
//! in turn; then `/healthz` gets as many requests from the same clients, as the yardstick.
//! Prints a Markdown row: p50, p99, requests per second of both, and the ratio.
//!
//!   cargo run --release -p ztd --example first_boots -- BASE_URL BODIES.jsonl [CONCURRENCY [LABEL]]
//!
//! LABEL names the lookups in the output ("first boots" by default; "repeat lookups" when the
//! same devices ask again). BASE_URL may list several instances, comma-separated
//! (`bench/instances.sh`): client `c` sends all its requests to instance `c mod n`, so the
//! connections are spread evenly.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Run {
    latencies: Vec<Duration>,
    elapsed: Duration,
    non_200: usize,
}

impl Run {
    fn percentile(&self, p: f64) -> Duration {
        let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[index]
    }
    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }
}

/// Sends request `i` for every `i < count` once, `concurrency` at a time; `request(client, i)`
/// builds client `client`'s request for item `i`.
async fn run(
    count: usize,
    concurrency: usize,
    request: Arc<dyn Fn(usize, usize) -> reqwest::RequestBuilder + Send + Sync>,
) -> Run {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for client in 0..concurrency {
        let (next, request) = (Arc::clone(&next), Arc::clone(&request));
        clients.spawn(async move {
            let mut seen = (Vec::new(), 0usize);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return seen;
                }
                let sent = Instant::now();
                let status = request(client, i).send().await.map(|r| r.status().as_u16()).unwrap_or(0);
                seen.0.push(sent.elapsed());
                if status != 200 {
                    seen.1 += 1;
                }
            }
        });
    }
    let mut latencies = Vec::with_capacity(count);
    let mut non_200 = 0;
    while let Some(done) = clients.join_next().await {
        let (mine, failed) = done.expect("a client task");
        latencies.extend(mine);
        non_200 += failed;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Run { latencies, elapsed, non_200 }
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, bodies, rest @ ..] = args.as_slice() else {
        eprintln!("usage: first_boots BASE_URL BODIES.jsonl [CONCURRENCY [LABEL]]");
        std::process::exit(2);
    };
    let concurrency: usize = rest.first().map_or(16, |c| c.parse().expect("CONCURRENCY is a number"));
    let label = rest.get(1).map_or("first boots", String::as_str);
    let bodies: Arc<Vec<String>> = Arc::new(
        std::fs::read_to_string(bodies).expect("read the bodies").lines().map(str::to_owned).collect(),
    );
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().expect("client");

    let bases: Vec<&str> = base.split(',').map(|base| base.trim_end_matches('/')).collect();
    let urls = |path: &str| -> Vec<String> { bases.iter().map(|base| format!("{base}{path}")).collect() };
    let lookup_urls = urls("/api/v1/device-lookup");
    let (lookup_client, lookup_bodies) = (client.clone(), Arc::clone(&bodies));
    let boots = run(
        bodies.len(),
        concurrency,
        Arc::new(move |c, i| {
            lookup_client
                .post(&lookup_urls[c % lookup_urls.len()])
                .header("content-type", "application/json")
                .body(lookup_bodies[i].clone())
        }),
    )
    .await;
    let health_urls = urls("/healthz");
    let health =
        run(bodies.len(), concurrency, Arc::new(move |c, _| client.get(&health_urls[c % health_urls.len()])))
            .await;

    eprintln!(
        "{label}: {} sent, {} not 200, {:.1} s; /healthz: {} sent, {} not 200",
        boots.latencies.len(),
        boots.non_200,
        boots.elapsed.as_secs_f64(),
        health.latencies.len(),
        health.non_200
    );
    let spread = match bases.len() {
        1 => String::new(),
        instances => format!(" over {instances} instances"),
    };
    println!(
        "| {} {label}, {concurrency} clients{spread} | {} | {} | {:.0} | {:.0} | {:.2}× |",
        bodies.len(),
        ms(boots.percentile(0.5)),
        ms(boots.percentile(0.99)),
        boots.per_second(),
        health.per_second(),
        boots.per_second() / health.per_second()
    );
    if boots.non_200 > 0 {
        std::process::exit(1);
    }
}

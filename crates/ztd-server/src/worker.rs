//! Batch workers: tokio tasks inside `ztd serve` that turn queued batches into devices.
//!
//! The database is the job queue (`BatchStore`): a worker claims a batch with a lease, feeds
//! its pending rows through the pipeline chunk by chunk (each chunk one transaction that also
//! extends the lease), then finishes it. A worker that dies (crash, `kill -9`, lost host)
//! simply stops renewing its lease; when the lease expires any worker of any process sharing
//! the database claims the batch again and carries on from the first pending row, so every
//! row is finished exactly once.
//!
//! Workers poll on a short interval (other processes may queue batches) and are also woken at
//! once through [`BatchWakeup`] when this process queues one.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use ztd_storage::{Batch, BatchStatus, Database, ItemStatus, NewAuditEvent, Owner, StorageError};

use crate::pipeline::RowPlanner;

/// Prometheus names of the batch metrics (also read by the tests).
pub mod metric_names {
    /// Counter, label `outcome` = `finished` | `finished_with_errors`.
    pub const BATCHES_FINISHED: &str = "ztd_batches_finished_total";
    /// Counter, label `status` = `registered` | `unassigned` | `failed`.
    pub const BATCH_DEVICES: &str = "ztd_batch_devices_total";
    /// Histogram: seconds from a batch being accepted to it being finished.
    pub const BATCH_DURATION: &str = "ztd_batch_duration_seconds";
}

/// How the workers run. The defaults suit one process on a small machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerSettings {
    /// Concurrent workers in this process.
    pub workers: usize,
    /// How often an idle worker looks for work queued by another process.
    pub poll_interval: Duration,
    /// How long a claim holds without renewal. Every chunk renews it, so it only needs to
    /// outlast one chunk; it is also how long a crashed worker's batch waits to be resumed.
    pub lease: Duration,
    /// Rows per transaction. Large enough that the identity indexes' pages, which rows with
    /// random keys touch all over, are written once per few thousand devices rather than per
    /// thousand (5,000 rows of 4 KB hashes: about 20 MB a transaction).
    pub chunk_rows: u32,
    /// A streamed upload still receiving whose last rows are older than this was abandoned
    /// (its process died) and is discarded, at start and then every minute
    /// (docs/domain.md#batch-lifecycle). The request timeout: no live upload outlasts it.
    pub abandoned_upload_after: Duration,
    /// How long a worker keeps a batch while a batch of another customer waits for a worker;
    /// then it gives the batch back and the claim serves the other customer first
    /// (docs/operations.md#fair-processing).
    pub slice: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            workers: 2,
            poll_interval: Duration::from_millis(500),
            lease: Duration::from_secs(10),
            chunk_rows: 5_000,
            abandoned_upload_after: Duration::from_secs(600),
            slice: Duration::from_secs(2),
        }
    }
}

/// Wakes an idle worker the moment a batch is queued in this process.
#[derive(Debug, Clone, Default)]
pub struct BatchWakeup(Arc<Notify>);

impl BatchWakeup {
    /// Called after a batch was committed as `queued`.
    pub fn batch_queued(&self) {
        // A stored permit also covers the race where every worker is between two polls.
        self.0.notify_one();
    }

    async fn wait(&self) {
        self.0.notified().await;
    }
}

/// The running workers of this process.
pub struct WorkerPool {
    tasks: JoinSet<()>,
    shutdown: CancellationToken,
}

impl WorkerPool {
    /// Starts `settings.workers` workers. They stop after `shutdown` is cancelled, finishing
    /// the chunk in hand (an interrupted batch is resumed by the next claim after its lease).
    pub fn start(
        db: Arc<dyn Database>,
        settings: WorkerSettings,
        wakeup: BatchWakeup,
        shutdown: CancellationToken,
    ) -> Self {
        let mut tasks = JoinSet::new();
        // Unique per process start, so a restarted process never mistakes an old lease for its own;
        // led by the process id, so `batches.locked_by` tells an operator which process holds a
        // batch (`<pid>-<random>-<worker>`).
        let process = format!("{}-{}", std::process::id(), &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let planners = Planners::default();
        for index in 0..settings.workers.max(1) {
            let worker = Worker {
                id: format!("{process}-{index}"),
                db: Arc::clone(&db),
                settings: settings.clone(),
                wakeup: wakeup.clone(),
                shutdown: shutdown.clone(),
                planners: planners.clone(),
            };
            tasks.spawn(worker.run());
        }
        tasks.spawn(purge_expired_sessions(Arc::clone(&db), shutdown.clone()));
        tasks.spawn(sweep_abandoned_uploads(db, settings.abandoned_upload_after, shutdown.clone()));
        Self { tasks, shutdown }
    }

    /// Cancels the workers and waits until each has stopped.
    pub async fn shutdown(mut self) {
        self.shutdown.cancel();
        while let Some(result) = self.tasks.join_next().await {
            if let Err(error) = result {
                tracing::error!(%error, "batch worker ended abnormally");
            }
        }
    }
}

/// How often `ztd serve` deletes expired sessions (also once at start; docs/operations.md).
pub const SESSION_PURGE_INTERVAL: Duration = Duration::from_secs(600);

/// Runs `task` at once and then every `interval` until `shutdown`: the housekeeping of a
/// process with workers.
async fn every<F: Future<Output = ()>>(
    interval: Duration,
    shutdown: CancellationToken,
    mut task: impl FnMut() -> F,
) {
    while !shutdown.is_cancelled() {
        task().await;
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            () = shutdown.cancelled() => {}
        }
    }
}

/// Deletes expired sessions at start and every [`SESSION_PURGE_INTERVAL`] until shutdown.
async fn purge_expired_sessions(db: Arc<dyn Database>, shutdown: CancellationToken) {
    every(SESSION_PURGE_INTERVAL, shutdown, || async {
        match db.purge_expired_sessions(Utc::now()).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "expired sessions deleted"),
            Err(error) => tracing::warn!(%error, "could not delete expired sessions"),
        }
    })
    .await;
}

/// The cutoff of an abandoned upload: its last rows arrived before this instant.
pub fn abandoned_before(after: Duration) -> chrono::DateTime<Utc> {
    Utc::now() - chrono::Duration::from_std(after).unwrap_or(chrono::Duration::minutes(10))
}

/// Discards abandoned uploads now and then every minute (or every cutoff, if shorter) until
/// shutdown. Any process sharing the database may do it: each discard re-checks under a lock.
async fn sweep_abandoned_uploads(db: Arc<dyn Database>, after: Duration, shutdown: CancellationToken) {
    let interval = after.clamp(Duration::from_secs(1), Duration::from_secs(60));
    every(interval, shutdown, || async {
        match db.discard_stale_uploads(abandoned_before(after)).await {
            Ok(ids) if !ids.is_empty() => tracing::warn!(batches = ?ids, "discarded abandoned uploads"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not discard abandoned uploads"),
        }
    })
    .await;
}

/// How often a process with workers deletes the shared store's idle buckets (PostgreSQL's
/// table; Redis expires its keys by itself).
pub const IDLE_BUCKET_PURGE_INTERVAL: Duration = Duration::from_secs(600);

/// Deletes idle buckets at start and every [`IDLE_BUCKET_PURGE_INTERVAL`] until `shutdown`.
pub async fn purge_idle_buckets(shared: crate::rate_limit::SharedLimits, shutdown: CancellationToken) {
    every(IDLE_BUCKET_PURGE_INTERVAL, shutdown, || async {
        match shared.store().purge_idle().await {
            Ok(0) => {}
            Ok(purged) => tracing::debug!(purged, "idle rate-limit buckets deleted"),
            Err(error) => tracing::warn!(%error, "could not delete idle rate-limit buckets"),
        }
    })
    .await;
}

/// What became of one claimed batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BatchRun {
    Finished(BatchStatus),
    /// Shutdown arrived between two chunks; the lease will expire and the batch resume.
    Interrupted,
    /// Given back after its slice because another customer's batch was waiting.
    Yielded,
}

/// The planners of batches given back by this process's workers, so the next claim here goes
/// on without replaying the rows already processed (a claim by another process replays them).
#[derive(Clone, Default)]
struct Planners(Arc<std::sync::Mutex<std::collections::HashMap<uuid::Uuid, RowPlanner>>>);

impl Planners {
    /// At most this many are kept; an evicted planner costs only a replay.
    const CAPACITY: usize = 32;

    fn take(&self, batch_id: uuid::Uuid) -> Option<RowPlanner> {
        self.0.lock().ok()?.remove(&batch_id)
    }

    fn keep(&self, batch_id: uuid::Uuid, planner: RowPlanner) {
        if let Ok(mut planners) = self.0.lock() {
            if planners.len() >= Self::CAPACITY {
                if let Some(evicted) = planners.keys().next().copied() {
                    planners.remove(&evicted);
                }
            }
            planners.insert(batch_id, planner);
        }
    }
}

struct Worker {
    id: String,
    db: Arc<dyn Database>,
    settings: WorkerSettings,
    wakeup: BatchWakeup,
    shutdown: CancellationToken,
    planners: Planners,
}

impl Worker {
    async fn run(self) {
        tracing::debug!(worker = %self.id, "batch worker started");
        let mut backoff = self.settings.poll_interval;
        while !self.shutdown.is_cancelled() {
            match self.claim().await {
                Ok(Some(batch)) => {
                    backoff = self.settings.poll_interval;
                    let batch_id = batch.id;
                    match self.process(batch).await {
                        Ok(BatchRun::Finished(status)) => {
                            tracing::info!(worker = %self.id, batch = %batch_id, %status, "batch finished");
                        }
                        Ok(BatchRun::Interrupted) => {
                            tracing::info!(worker = %self.id, batch = %batch_id, "batch interrupted by shutdown; it resumes after its lease");
                        }
                        Ok(BatchRun::Yielded) => {
                            tracing::debug!(worker = %self.id, batch = %batch_id, "batch given back: another customer's batch is waiting");
                        }
                        Err(error) => {
                            // The lease runs out and the batch is claimed again, from the first
                            // pending row; nothing is lost by giving up here.
                            tracing::error!(worker = %self.id, batch = %batch_id, %error, "batch processing failed; it will be retried after its lease");
                            self.pause(self.settings.lease.min(Duration::from_secs(5))).await;
                        }
                    }
                }
                Ok(None) => {
                    backoff = self.settings.poll_interval;
                    tokio::select! {
                        () = self.wakeup.wait() => {}
                        () = tokio::time::sleep(self.settings.poll_interval) => {}
                        () = self.shutdown.cancelled() => {}
                    }
                }
                Err(error) => {
                    tracing::warn!(worker = %self.id, %error, "could not look for queued batches");
                    self.pause(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
            }
        }
        tracing::debug!(worker = %self.id, "batch worker stopped");
    }

    async fn pause(&self, duration: Duration) {
        tokio::select! {
            () = tokio::time::sleep(duration) => {}
            () = self.shutdown.cancelled() => {}
        }
    }

    fn lease_until(&self) -> chrono::DateTime<Utc> {
        Utc::now() + chrono::Duration::from_std(self.settings.lease).unwrap_or(chrono::Duration::seconds(10))
    }

    async fn claim(&self) -> Result<Option<Batch>, StorageError> {
        self.db.claim_batch(&self.id, Utc::now(), self.lease_until()).await
    }

    async fn process(&self, batch: Batch) -> Result<BatchRun, StorageError> {
        let started = Instant::now();
        let mut planner = match self.planners.take(batch.id) {
            Some(planner) => planner,
            None => {
                let profiles = self.db.list_profiles(batch.customer_id).await?;
                let mut planner = RowPlanner::new(&batch, &profiles);
                if batch.registered + batch.unassigned + batch.failed > 0 {
                    self.replay_processed_rows(&batch, &mut planner).await?;
                }
                planner
            }
        };
        let mut slice_started = Instant::now();

        let mut timings = Timings::default();
        let mut counts =
            Counts { registered: batch.registered, unassigned: batch.unassigned, failed: batch.failed };
        let phase = Instant::now();
        let mut items = self.db.pending_items(batch.id, self.settings.chunk_rows).await?;
        timings.read += phase.elapsed();
        while !items.is_empty() {
            if self.shutdown.is_cancelled() {
                return Ok(BatchRun::Interrupted);
            }
            let last_row = items.last().map(|item| item.row);
            let phase = Instant::now();
            let chunk: Vec<_> = items.into_iter().map(|item| planner.plan(item)).collect();
            timings.plan += phase.elapsed();
            // Store this chunk and read the next one at the same time: the rows after this
            // chunk are pending (rows are done in order, and the lease keeps other workers out).
            let phase = Instant::now();
            let owner = owner_of(&batch);
            let (outcomes, next) = tokio::join!(
                self.db.process_chunk(&batch, &chunk, self.lease_until()),
                self.db.list_batch_items(&owner, batch.id, last_row, self.settings.chunk_rows),
            );
            timings.store += phase.elapsed();
            for (_, status, _) in &outcomes? {
                counts.add(*status);
                if *status != ItemStatus::Pending {
                    metrics::counter!(metric_names::BATCH_DEVICES, "status" => status.as_str()).increment(1);
                }
            }
            items = next?.into_iter().filter(|item| item.status == ItemStatus::Pending).collect();
            if !items.is_empty() && slice_started.elapsed() >= self.settings.slice {
                if self.db.yield_batch(batch.id, &self.id, Utc::now()).await? {
                    self.planners.keep(batch.id, planner);
                    return Ok(BatchRun::Yielded);
                }
                slice_started = Instant::now();
            }
            if items.is_empty() {
                // The end, or rows someone else finished meanwhile: ask for pending rows proper.
                let phase = Instant::now();
                items = self.db.pending_items(batch.id, self.settings.chunk_rows).await?;
                timings.read += phase.elapsed();
            }
        }

        let finished = self.db.finish_batch(batch.id, Utc::now(), &finished_audit(&batch, &counts)).await?;
        metrics::counter!(metric_names::BATCHES_FINISHED, "outcome" => finished.status.as_str()).increment(1);
        let accepted_to_finished = finished
            .finished_at
            .map(|at| (at - finished.created_at).to_std().unwrap_or_default())
            .unwrap_or_else(|| started.elapsed());
        metrics::histogram!(metric_names::BATCH_DURATION).record(accepted_to_finished.as_secs_f64());
        tracing::debug!(
            batch = %finished.id,
            total = finished.total,
            registered = finished.registered,
            unassigned = finished.unassigned,
            failed = finished.failed,
            elapsed_ms = started.elapsed().as_millis() as u64,
            read_ms = timings.read.as_millis() as u64,
            plan_ms = timings.plan.as_millis() as u64,
            store_ms = timings.store.as_millis() as u64,
            "batch run done"
        );
        Ok(BatchRun::Finished(finished.status))
    }

    /// A resumed batch: feed the rows an earlier run already finished back through the
    /// planner, so a later copy of one of them is still reported as a duplicate in the batch.
    async fn replay_processed_rows(
        &self,
        batch: &Batch,
        planner: &mut RowPlanner,
    ) -> Result<(), StorageError> {
        let mut after_row = None;
        loop {
            let items = self.db.list_batch_items(&owner_of(batch), batch.id, after_row, 1_000).await?;
            let Some(last) = items.last() else { break };
            after_row = Some(last.row);
            for item in items.into_iter().filter(|item| item.status != ItemStatus::Pending) {
                planner.replay(item);
            }
        }
        tracing::info!(batch = %batch.id, "resumed a batch another worker left unfinished");
        Ok(())
    }
}

/// The worker reads a batch's rows as part of the customer's tenant: consent is not its to
/// judge here but each chunk transaction's, which fails a revoked partner's rows
/// (`relationship_revoked`) so the batch still reaches a final status.
fn owner_of(batch: &Batch) -> Owner {
    Owner::Customer(batch.customer_id)
}

/// Where a batch run's time went: reading pending rows (alone), resolving them, storing the
/// outcomes (while the next rows are read).
#[derive(Debug, Default)]
struct Timings {
    read: Duration,
    plan: Duration,
    store: Duration,
}

/// Row outcomes of a batch so far (earlier runs' counters plus this run's chunks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    registered: i64,
    unassigned: i64,
    failed: i64,
}

impl Counts {
    fn add(&mut self, status: ItemStatus) {
        match status {
            ItemStatus::Registered => self.registered += 1,
            ItemStatus::Unassigned => self.unassigned += 1,
            ItemStatus::Failed => self.failed += 1,
            ItemStatus::Pending => {}
        }
    }
}

/// The audit event of a finished batch: attributed to whoever submitted it, on the customer's
/// tenant, with the counts.
fn finished_audit(batch: &Batch, counts: &Counts) -> NewAuditEvent {
    NewAuditEvent::of_batch(
        batch,
        "device_batch.finished",
        serde_json::json!({
            "total": batch.total,
            "registered": counts.registered,
            "unassigned": counts.unassigned,
            "failed": counts.failed,
        }),
    )
}

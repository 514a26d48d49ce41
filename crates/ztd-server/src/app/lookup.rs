//! First-boot lookup (docs/domain.md#first-boot-lookup): a device asks "who am I?" and gets
//! its owner's configuration file.
//!
//! Unauthenticated by design, so it works through the [`Gate`]: the device proves possession
//! of its own identity with a valid hardware hash, is found by the identities that hash
//! carries, and gets only what it would be told anyway. Facts printed on the box (serial,
//! model, manufacturer) or a product key id are no proof: they get no tenant, no configuration
//! and no activation. An unknown device and an unassigned one are refused without naming any
//! tenant. The rate limit per client address is the channel's (it knows the address).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;
use ztd_domain::codes::{RowError, RowErrorCode};
use ztd_domain::device::DeviceInput;
use ztd_domain::profile::{render_configuration, ProfileSettings};
use ztd_storage::{Activation, ActorKind, Database, DeviceState, FirstBoot};

use super::access::{AuditActor, Gate};
use super::{DeviceRefusal, Error};

/// What a device sends. Only the hardware hash counts; the other fields are what the hash
/// carries anyway and are not used to find the device (they are no proof).
#[derive(Debug, Clone, Default)]
pub struct DeviceIdentity {
    pub hardware_hash: Option<String>,
    pub serial_number: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub product_key_id: Option<String>,
}

fn hash_required() -> Error {
    let error = RowError::new(
        RowErrorCode::MissingDeviceIdentity,
        "the first-boot lookup needs the device's hardware hash; serial number, model, manufacturer or product key id alone are no proof of holding the device",
    )
    .with_hint("send the hardware hash the device reports (Get-WindowsAutopilotInfo collects the same value)");
    Error::Device { refusal: DeviceRefusal::Unusable, error }
}

fn not_registered() -> Error {
    let error = RowError::new(RowErrorCode::DeviceNotRegistered, "no registered device has this identity")
        .with_hint(
            "the device must be registered (by its reseller, OEM or the organisation) before its first boot",
        );
    Error::Device { refusal: DeviceRefusal::Unknown, error }
}

/// What the device is looked up by: its hardware hash alone, so the keys are those the hash
/// carries (SMBIOS UUID + serial, the tuple, the product key id; docs/domain.md#first-boot-lookup).
fn proof(identity: DeviceIdentity) -> Result<DeviceInput, Error> {
    match identity.hardware_hash.filter(|hash| !hash.trim().is_empty()) {
        Some(hash) => Ok(DeviceInput { hardware_hash: Some(hash), ..DeviceInput::default() }),
        None => Err(hash_required()),
    }
}

/// The configuration file (AutopilotConfigurationFile) of the device with `identity`. The
/// first successful lookup marks the device `active` through `activations` (written within
/// milliseconds, with its audit event carrying `request_id`, in the same transaction).
pub async fn configuration(
    gate: &Gate,
    activations: &Activations,
    identity: DeviceIdentity,
    request_id: Option<String>,
) -> Result<serde_json::Value, Error> {
    let input = proof(identity)?;
    let resolved =
        input.resolve().map_err(|error| Error::Device { refusal: DeviceRefusal::Unusable, error })?;
    let device = gate
        .db()
        .find_first_boot(
            resolved.tuple_key.as_deref(),
            resolved.pkid_key.as_deref(),
            resolved.hash_key.as_deref(),
        )
        .await?
        .ok_or_else(not_registered)?;
    // A profile that went away leaves the device unassigned, whatever its state says.
    let Some(profile) = device.profile.as_ref().filter(|_| device.state != DeviceState::Unassigned) else {
        return Err(Error::conflict(
            "device_unassigned",
            "the device is registered but has no deployment profile",
        )
        .with_hint("its organisation must give it the group tag of one of its profiles"));
    };
    let settings: ProfileSettings = serde_json::from_value(profile.settings.clone())
        .map_err(|error| Error::internal(format!("profile {} settings unreadable: {error}", profile.id)))?;
    let configuration = render_configuration(
        &settings,
        &device.customer_id.to_string(),
        device.tenant_domain.as_deref().unwrap_or_default(),
        &device.device_id.to_string(),
        &format!("Profile {}", profile.name),
    );
    if device.state == DeviceState::Registered && device.activated_at.is_none() {
        activate(gate, activations, &device, request_id);
    }
    Ok(configuration)
}

/// First lookup: the device becomes `active`, audited on the customer's tenant as done by the
/// device itself, through the group-committed [`Activations`] queue.
fn activate(gate: &Gate, activations: &Activations, device: &FirstBoot, request_id: Option<String>) {
    let actor = AuditActor { request_id, kind: ActorKind::Device, id: Some(device.device_id), org_id: None };
    let ctx = gate.ctx_for(actor);
    let audit = ctx.event(
        "device.activate",
        "device",
        device.device_id,
        Some(device.customer_id),
        serde_json::json!({ "serial_number": device.serial_number }),
    );
    activations.record(Activation { device_id: device.device_id, at: Utc::now(), audit });
}

/// First boots recorded off the request path (docs/operations.md#first-boots): a lookup hands
/// its activation to this queue and answers at once; one task writes what arrived within a
/// few milliseconds in one transaction (group commit), so a rollout's first boots cost reads,
/// not one durable write each, and SQLite's single writer never stands in a lookup's way.
///
/// What a crash may lose: the activations of the last [`GROUP_WINDOW`] and the write in
/// progress — the devices stay `registered` and their next lookup activates them again. Never a
/// registration. A clean shutdown writes everything first ([`Activations::flush`]).
#[derive(Clone)]
pub struct Activations {
    inner: Arc<Queue>,
}

struct Queue {
    db: Arc<dyn Database>,
    sender: mpsc::Sender<Message>,
    /// Devices queued and not yet written: repeated lookups before the write queue nothing.
    queued: Mutex<HashSet<Uuid>>,
}

// Nearly every message is an activation; boxing it would cost an allocation per first boot to
// make the rare flush smaller.
#[allow(clippy::large_enum_variant)]
enum Message {
    Activate(Activation),
    Flush(oneshot::Sender<()>),
}

/// What `/metrics` shows of the queue: how far the recorded first boots trail the answers.
pub mod metric_names {
    /// Counter: first boots written (devices made `active`).
    pub const FIRST_BOOTS_RECORDED: &str = "ztd_first_boots_recorded_total";
    /// Gauge: first boots answered and not yet written.
    pub const FIRST_BOOTS_PENDING: &str = "ztd_first_boots_pending";
}

/// How long the writer gathers activations before it writes them.
pub const GROUP_WINDOW: Duration = Duration::from_millis(10);
/// The most activations in one transaction: short enough that SQLite's single writer lock is
/// never held long against the batch workers.
const GROUP_MAX: usize = 500;
/// Between two full groups (a backlog), room for the other writers of the database: at least
/// this, and as long as the last write took, so that the writer holds SQLite's write lock at
/// most half the time. A batch worker waiting for the lock retries every few tens of
/// milliseconds (SQLite's busy handler); a 2 ms gap alone let a backlog of first boots starve
/// the workers until their 5 s busy timeout ran out.
const BACKLOG_PAUSE: Duration = Duration::from_millis(2);
/// Activations waiting for the writer; beyond this a lookup writes its own (back-pressure
/// while the database is slow or away, instead of unbounded memory).
const QUEUE_CAPACITY: usize = 50_000;

impl Activations {
    /// Starts the writer task on the current tokio runtime.
    pub fn start(db: Arc<dyn Database>) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
        let inner = Arc::new(Queue { db, sender, queued: Mutex::new(HashSet::new()) });
        tokio::spawn(write_activations(Arc::downgrade(&inner), inner.db.clone(), receiver));
        Self { inner }
    }

    fn record(&self, activation: Activation) {
        let id = activation.device_id;
        {
            let mut queued = self.queued();
            if !queued.insert(id) {
                return;
            }
            metrics::gauge!(metric_names::FIRST_BOOTS_PENDING).set(queued.len() as f64);
        }
        if let Err(refused) = self.inner.sender.try_send(Message::Activate(activation)) {
            // Full (the database is slow or away) or closed: this lookup writes its own, in the
            // background, so the device still answers now.
            let Message::Activate(activation) = refused.into_inner() else { return };
            let inner = Arc::clone(&self.inner);
            tokio::spawn(async move {
                if let Err(error) =
                    inner.db.mark_device_active(activation.device_id, activation.at, &activation.audit).await
                {
                    tracing::warn!(%error, device = %activation.device_id, "could not record a first boot; the next lookup will");
                }
                inner.queued.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&id);
            });
        }
    }

    fn queued(&self) -> std::sync::MutexGuard<'_, HashSet<Uuid>> {
        self.inner.queued.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Writes every activation queued so far and waits until it is committed (or failed).
    pub async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.inner.sender.send(Message::Flush(done)).await.is_ok() {
            let _ = written.await;
        }
    }
}

fn take(message: Message, group: &mut Vec<Activation>, waiting: &mut Vec<oneshot::Sender<()>>) {
    match message {
        Message::Activate(activation) => group.push(activation),
        Message::Flush(done) => waiting.push(done),
    }
}

/// The writer: gathers what arrives within [`GROUP_WINDOW`] (at most [`GROUP_MAX`]) and commits
/// it in one transaction, retrying a failed write a few times before it gives the devices up
/// to their next lookup. Ends when every [`Activations`] handle is gone.
async fn write_activations(
    queue: std::sync::Weak<Queue>,
    db: Arc<dyn Database>,
    mut receiver: mpsc::Receiver<Message>,
) {
    let mut group: Vec<Activation> = Vec::new();
    let mut waiting: Vec<oneshot::Sender<()>> = Vec::new();
    loop {
        let Some(first) = receiver.recv().await else { break };
        take(first, &mut group, &mut waiting);
        let until = tokio::time::Instant::now() + GROUP_WINDOW;
        while group.len() < GROUP_MAX && waiting.is_empty() {
            match tokio::time::timeout_at(until, receiver.recv()).await {
                Ok(Some(message)) => take(message, &mut group, &mut waiting),
                Ok(None) | Err(_) => break,
            }
        }
        // A flush also takes whatever is already in the channel behind it.
        while let Ok(message) = receiver.try_recv() {
            take(message, &mut group, &mut waiting);
        }
        let writing = tokio::time::Instant::now();
        for attempt in 1..=3u32 {
            match db.activate_devices(&group).await {
                Ok(activated) => {
                    metrics::counter!(metric_names::FIRST_BOOTS_RECORDED).increment(activated.len() as u64);
                    break;
                }
                Err(error) if attempt < 3 => {
                    tracing::warn!(%error, devices = group.len(), attempt, "could not record first boots; retrying");
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
                }
                Err(error) => {
                    tracing::error!(%error, devices = group.len(), "first boots not recorded; those devices are activated by their next lookup");
                }
            }
        }
        if let Some(queue) = queue.upgrade() {
            let mut queued = queue.queued.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            for activation in &group {
                queued.remove(&activation.device_id);
            }
            metrics::gauge!(metric_names::FIRST_BOOTS_PENDING).set(queued.len() as f64);
        }
        let backlog = group.len() >= GROUP_MAX;
        group.clear();
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
        if backlog {
            tokio::time::sleep(writing.elapsed().max(BACKLOG_PAUSE)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_facts_are_no_proof() {
        let printed = DeviceIdentity {
            serial_number: Some("5CG1234XYZ".into()),
            manufacturer: Some("HP".into()),
            model: Some("EliteBook 840 G8".into()),
            product_key_id: Some("3456789012345".into()),
            hardware_hash: Some("  ".into()),
        };
        let Err(Error::Device { refusal, error }) = proof(printed.clone()) else {
            panic!("a lookup without a hash was not refused as unusable")
        };
        assert_eq!(refusal, DeviceRefusal::Unusable);
        assert_eq!(error.code, RowErrorCode::MissingDeviceIdentity);
        assert!(error.message.contains("hardware hash"), "{}", error.message);
        // With a hash, only the hash is used: the printed facts do not become lookup keys.
        let with_hash = DeviceIdentity { hardware_hash: Some("T0EAAA==".into()), ..printed };
        let input = proof(with_hash).unwrap();
        assert_eq!(input, DeviceInput { hardware_hash: Some("T0EAAA==".into()), ..DeviceInput::default() });
    }

    #[test]
    fn an_unknown_device_is_refused_without_naming_a_tenant() {
        let Error::Device { refusal, error } = not_registered() else { panic!("not a device refusal") };
        assert_eq!(refusal, DeviceRefusal::Unknown);
        assert_eq!(error.code, RowErrorCode::DeviceNotRegistered);
    }
}

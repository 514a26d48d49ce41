//! How a row's registration is weighed against the live devices already holding its identity
//! keys. One definition serves the batch workers (after the unique indexes refused an insert)
//! and the dry run (which reads the holders and writes nothing), so a dry run answers exactly
//! what the real run will (docs/domain.md#dry-run).

use uuid::Uuid;

use crate::{KeyHolder, NewDevice};

/// Why a row cannot register a device whose identity is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `device_registered_to_other_tenant`: it names nothing of the other tenant.
    OtherTenant,
    /// `device_duplicated_in_batch`: another row of the same batch holds it.
    DuplicatedInBatch,
    /// `device_already_registered`: the same customer holds it from an earlier registration.
    AlreadyRegistered,
}

/// Whether a registration carrying the device's hardware hash replaces every holder: each one
/// unverified (registered from printed facts alone) and none from this very batch
/// (docs/domain.md#verified-and-unverified-registrations). `batch_id` is `None` for a dry run.
pub fn supersedes(holders: &[KeyHolder], device: &NewDevice, batch_id: Option<Uuid>) -> bool {
    device.hardware_hash.is_some()
        && !holders.is_empty()
        && holders
            .iter()
            .all(|holder| !holder.verified && (batch_id.is_none() || holder.batch_id != batch_id))
}

/// Why the holders keep the row out. Another tenant's claim is reported first: it is the one
/// that needs action. A holder from this very batch is another row of it, whichever chunk that
/// row was in.
pub fn refusal(holders: &[KeyHolder], customer_id: Uuid, batch_id: Option<Uuid>) -> Refusal {
    if holders.iter().any(|holder| holder.customer_id != customer_id) {
        Refusal::OtherTenant
    } else if batch_id.is_some() && holders.iter().any(|holder| holder.batch_id == batch_id) {
        Refusal::DuplicatedInBatch
    } else {
        Refusal::AlreadyRegistered
    }
}

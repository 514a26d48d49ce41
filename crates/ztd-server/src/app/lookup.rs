//! First-boot lookup (docs/domain.md#first-boot-lookup): a device asks "who am I?" and gets
//! its owner's configuration file.
//!
//! Unauthenticated by design, so it works through the [`Gate`]: the device proves possession
//! of its own identity with a valid hardware hash, is found by the identities that hash
//! carries, and gets only what it would be told anyway. Facts printed on the box (serial,
//! model, manufacturer) or a product key id are no proof: they get no tenant, no configuration
//! and no activation. An unknown device and an unassigned one are refused without naming any
//! tenant. The rate limit per client address is the channel's (it knows the address).

use chrono::Utc;
use ztd_domain::codes::{RowError, RowErrorCode};
use ztd_domain::device::DeviceInput;
use ztd_domain::profile::{render_configuration, ProfileSettings};
use ztd_storage::{ActorKind, Device, DeviceState, StorageError};

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
/// first successful lookup marks the device `active`, audited in the activating transaction
/// with `request_id`.
pub async fn configuration(
    gate: &Gate,
    identity: DeviceIdentity,
    request_id: Option<String>,
) -> Result<serde_json::Value, Error> {
    let input = proof(identity)?;
    let resolved =
        input.resolve().map_err(|error| Error::Device { refusal: DeviceRefusal::Unusable, error })?;
    let db = gate.db();
    let device = db
        .find_device_by_keys(
            resolved.tuple_key.as_deref(),
            resolved.pkid_key.as_deref(),
            resolved.hash_key.as_deref(),
        )
        .await?
        .filter(|device| device.state != DeviceState::Deregistered)
        .ok_or_else(not_registered)?;
    let Some(profile_id) = device.profile_id.filter(|_| device.state != DeviceState::Unassigned) else {
        return Err(Error::conflict(
            "device_unassigned",
            "the device is registered but has no deployment profile",
        )
        .with_hint("its organisation must give it the group tag of one of its profiles"));
    };
    let profile = match db.get_profile(device.customer_id, profile_id).await {
        Ok(profile) => profile,
        // The profile went away between the two reads: the device is unassigned now.
        Err(StorageError::NotFound) => {
            return Err(Error::conflict("device_unassigned", "the device has no deployment profile"))
        }
        Err(other) => return Err(other.into()),
    };
    let settings: ProfileSettings = serde_json::from_value(profile.settings.clone())
        .map_err(|error| Error::internal(format!("profile {} settings unreadable: {error}", profile.id)))?;
    let tenant = db.get_org(device.customer_id).await?;
    let configuration = render_configuration(
        &settings,
        &tenant.id.to_string(),
        tenant.domain.as_deref().unwrap_or_default(),
        &device.id.to_string(),
        &format!("Profile {}", profile.name),
    );
    if device.state != DeviceState::Active {
        activate(gate, &device, request_id).await?;
    }
    Ok(configuration)
}

/// First lookup: the device becomes `active`, audited on the customer's tenant as done by the
/// device itself.
async fn activate(gate: &Gate, device: &Device, request_id: Option<String>) -> Result<(), Error> {
    let actor = AuditActor { request_id, kind: ActorKind::Device, id: Some(device.id), org_id: None };
    let ctx = gate.ctx_for(actor);
    let event = ctx.event(
        "device.activate",
        "device",
        device.id,
        Some(device.customer_id),
        serde_json::json!({ "serial_number": device.serial_number }),
    );
    // Audited in the activating transaction, and only by the lookup that really activated it.
    ctx.db().mark_device_active(device.id, Utc::now(), &event).await?;
    Ok(())
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

//! Release requests (docs/domain.md#release-requests): the cure for "registered to another
//! tenant", which the big services answer with a support ticket. A registrar holding the device
//! (it proves so with the hardware hash) asks; the customer holding the registration decides;
//! approving deregisters the device there, so the requester can register it. The requester
//! learns the outcome and never who the owner is: its answers, its audit trail and its events
//! carry no trace of the owner.

use chrono::Utc;
use uuid::Uuid;
use ztd_domain::device::DeviceInput;
use ztd_storage::{
    ActorKind, Conflict, IncomingReleaseRequest, NewAuditEvent, OrgKind, ReleaseDecision, ReleaseRequest,
    ReleaseStatus, Role, StorageError,
};

use super::access::{Access, CustomerScope, Need};
use super::{Error, Resource};
use crate::pipeline::new_device;

/// Both directions of the caller's organisation.
#[derive(Debug, Clone, Default)]
pub struct ReleaseRequests {
    /// Requests for devices the caller's organisation holds (customers' admins decide them).
    pub incoming: Vec<IncomingReleaseRequest>,
    /// Requests the caller's organisation made.
    pub outgoing: Vec<ReleaseRequest>,
}

fn not_elsewhere() -> Error {
    Error::conflict(
        "device_not_registered_elsewhere",
        "no other organisation holds a registration of this device",
    )
    .with_hint(
        "register the device as usual; a release is only needed after `device_registered_to_other_tenant`",
    )
}

/// Asks the holder of the device with `hardware_hash` to release it. Registrars and admins of
/// any organisation that registers devices; the hash is the proof of holding the device. The
/// device must be registered to another tenant (`device_registered_to_other_tenant` at
/// registration); one open request per device and requester.
pub async fn request(access: &Access, hardware_hash: &str) -> Result<ReleaseRequest, Error> {
    let org = access.own_org(Role::Registrar)?;
    access.require_org_kind(
        &[OrgKind::Customer, OrgKind::Partner, OrgKind::Oem],
        "asking for a device's release",
    )?;
    if hardware_hash.trim().is_empty() {
        return Err(Error::invalid("missing_device_identity", "hardware_hash is empty")
            .with_hint("send the device's hardware hash (Get-WindowsAutopilotInfo collects it)"));
    }
    let input =
        DeviceInput { hardware_hash: Some(hardware_hash.trim().to_owned()), ..DeviceInput::default() };
    let resolved = input.resolve().map_err(|error| Error::Invalid {
        code: error.code.as_str(),
        message: error.message,
        hint: error.hint,
    })?;
    let device = new_device(resolved, None, None);
    let db = org.ctx().db();
    let holders = db.find_key_holders(std::slice::from_ref(&device)).await?.pop().unwrap_or_default();
    let Some(holder) = holders.into_iter().find(|holder| holder.customer_id != org.org_id()) else {
        return Err(not_elsewhere());
    };
    let caller = access.caller();
    let request = ReleaseRequest {
        id: Uuid::new_v4(),
        requester_org_id: org.org_id(),
        requested_by_kind: caller.actor.kind,
        requested_by_id: Some(caller.actor.id),
        device_id: holder.device_id,
        owner_org_id: holder.customer_id,
        status: ReleaseStatus::Pending,
        created_at: Utc::now(),
        decided_at: None,
        decided_by_id: None,
    };
    // Two events: the requester's names no owner; the owner's names the requester.
    let requester_event = org.ctx().event(
        "release_request.create",
        "release_request",
        request.id,
        None,
        serde_json::json!({ "serial_number": device.serial_number }),
    );
    let owner_event = NewAuditEvent {
        actor_org_id: None,
        tenant_org_id: Some(holder.customer_id),
        details: serde_json::json!({
            "serial_number": device.serial_number,
            "device_id": holder.device_id,
            "requester_org_id": org.org_id(),
            "requester_name": access.org().name,
        }),
        ..requester_event.clone()
    };
    match db.create_release_request(&request, &[requester_event, owner_event]).await {
        Ok(()) => Ok(request),
        Err(StorageError::Conflict(Conflict::ReleaseRequestOpen)) => Err(Error::conflict(
            "release_request_open",
            "your organisation already asked for this device's release; the request is still open",
        )
        .with_hint("wait for the decision (GET /api/v1/release-requests shows it)")),
        Err(other) => Err(other.into()),
    }
}

/// The caller organisation's requests, both ways (any role). Incoming ones are listed to a
/// customer only.
pub async fn list(access: &Access) -> Result<ReleaseRequests, Error> {
    let org = access.own_org(Role::Reader)?;
    let db = org.ctx().db();
    let incoming = if access.org().kind == OrgKind::Customer {
        db.list_incoming_release_requests(org.org_id()).await?
    } else {
        Vec::new()
    };
    Ok(ReleaseRequests { incoming, outgoing: db.list_outgoing_release_requests(org.org_id()).await? })
}

/// The holding customer's own scope: only a customer holds devices.
async fn holder_scope(access: &Access, need: Need) -> Result<CustomerScope, Error> {
    access.require_org_kind(&[OrgKind::Customer], "deciding release requests")?;
    access.customer_scope(access.org_id(), need).await
}

async fn incoming(scope: &CustomerScope, id: Uuid) -> Result<IncomingReleaseRequest, Error> {
    scope
        .ctx()
        .db()
        .get_incoming_release_request(scope.customer_id(), id)
        .await
        .map_err(Error::or_not_found(Resource::ReleaseRequest, id))
}

/// One request for a device the caller's organisation holds (any role of the customer).
pub async fn show_incoming(access: &Access, id: Uuid) -> Result<IncomingReleaseRequest, Error> {
    incoming(&holder_scope(access, Need::Read).await?, id).await
}

/// The owner's decision (the customer's admins). Approving deregisters the device, audited on
/// the customer's tenant; the requester gets an event with the outcome only.
pub async fn decide(access: &Access, id: Uuid, approve: bool) -> Result<IncomingReleaseRequest, Error> {
    let scope = holder_scope(access, Need::Manage).await?;
    let customer_id = scope.customer_id();
    let db = scope.ctx().db();
    let found = incoming(&scope, id).await?;
    let outcome = if approve { "approved" } else { "denied" };
    let owner_event = scope.ctx().event(
        if approve { "release_request.approve" } else { "release_request.deny" },
        "release_request",
        id,
        Some(customer_id),
        serde_json::json!({
            "device_id": found.request.device_id,
            "serial_number": found.serial_number,
            "requester_org_id": found.request.requester_org_id,
            "requester_name": found.requester_name,
        }),
    );
    // Done "by the system" towards the requester: neither the deciding person nor the tenant.
    let requester_event = NewAuditEvent {
        request_id: owner_event.request_id.clone(),
        actor_kind: ActorKind::System,
        actor_id: None,
        actor_org_id: None,
        tenant_org_id: Some(found.request.requester_org_id),
        action: owner_event.action.clone(),
        target_type: "release_request".into(),
        target_id: Some(id.to_string()),
        details: serde_json::json!({ "outcome": outcome, "serial_number": found.serial_number }),
    };
    let deregister_event = scope.ctx().event(
        "device.deregister",
        "device",
        found.request.device_id,
        Some(customer_id),
        serde_json::json!({ "serial_number": found.serial_number, "reason": "released on request" }),
    );
    let decision = ReleaseDecision { approve, decided_by_id: Some(access.caller().actor.id), at: Utc::now() };
    match db
        .decide_release_request(
            customer_id,
            id,
            &decision,
            &[owner_event, requester_event],
            &deregister_event,
        )
        .await
    {
        Ok(request) => Ok(IncomingReleaseRequest { request, ..found }),
        Err(StorageError::NotFound) => Err(Error::not_found(Resource::ReleaseRequest, id)),
        Err(StorageError::Conflict(Conflict::ReleaseRequestDecided)) => Err(Error::conflict(
            "release_request_decided",
            format!("release request {id} was decided already"),
        )),
        Err(other) => Err(other.into()),
    }
}

//! The authorisation matrix: every route of the service, as listed by the OpenAPI document it
//! serves (`GET /api/v1/openapi.json`), called by every role of every kind of organisation, by
//! partners that stand outside the relationship (never related, revoked) and anonymously,
//! asserted cell by cell. A route the document lists without an entry in [`EXPECTATIONS`] fails
//! the test by name, so a new route cannot ship without saying who may call it. On failure the
//! whole matrix is printed, expected vs actual.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;
use ztd_server::testing::{TestApp, TestOrg};
use ztd_storage::{OrgKind, Role};

use crate::batches_support;

ztd_server::both_backends!(every_route_by_every_role);

const KINDS: [OrgKind; 4] = [OrgKind::Operator, OrgKind::Customer, OrgKind::Partner, OrgKind::Oem];
const ROLES: [Role; 3] = [Role::Admin, Role::Registrar, Role::Reader];

/// How the caller's organisation stands to the "home" customer, whose data the calls name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// The caller is the home customer.
    Home,
    /// A partner/OEM with an active relationship with the home customer.
    Connected,
    /// No relationship, ever: another partner, or the operator.
    Unrelated,
    /// A partner that had a relationship, registered a device through it, and was revoked.
    Revoked,
}

/// An authenticated caller as the expectations see it.
#[derive(Debug, Clone, Copy)]
struct Who {
    kind: OrgKind,
    role: Role,
    standing: Standing,
}

impl Who {
    fn admin(&self) -> bool {
        self.role == Role::Admin
    }
    fn partner_side(&self) -> bool {
        matches!(self.kind, OrgKind::Partner | OrgKind::Oem)
    }
    /// The organisation that registered the home customer's reference device and batch.
    fn is_submitting_partner(&self) -> bool {
        self.kind == OrgKind::Partner && self.standing == Standing::Connected
    }
}

/// Who calls: one key of a (kind, role, standing), or nobody.
#[derive(Clone)]
struct Caller {
    label: String,
    who: Option<Who>,
    org: Option<TestOrg>,
}

impl Caller {
    fn key(&self) -> Option<&str> {
        self.org.as_ref().map(|org| org.key.as_str())
    }
    fn standing(&self) -> Option<Standing> {
        self.who.map(|who| who.standing)
    }
}

/// Who may call a route.
enum Rule {
    /// Everyone, anonymous callers included: 200.
    Public,
    /// Callers with a key; anonymous callers get 401. The status for each authenticated caller.
    Member(fn(Who) -> u16),
}

/// `ok` when `allowed`, else 403.
fn only(allowed: bool, ok: u16) -> u16 {
    if allowed {
        ok
    } else {
        403
    }
}

/// Reads of the home customer's data: the customer and its connected partners; a partner without
/// an active relationship is told `relationship_required` (403, the same for every customer id);
/// the operator is a stranger (404).
fn read_home(who: Who) -> u16 {
    match (who.standing, who.kind) {
        (Standing::Home | Standing::Connected, _) => 200,
        (_, OrgKind::Operator) => 404,
        _ => 403,
    }
}

/// Managing the home customer's profiles: its own admins only; role is checked first, then reach.
fn manage_home_profiles(who: Who, ok: u16) -> u16 {
    match (who.admin(), who.standing, who.kind) {
        (false, ..) => 403,
        (true, Standing::Home, _) => ok,
        (true, _, OrgKind::Operator) => 404,
        (true, ..) => 403,
    }
}

/// Changing the reference device (or, for a revoked partner, the device it registered before the
/// revocation): the customer and the partner that registered it while its relationship is
/// active; to anyone else the device does not exist.
fn change_device(who: Who) -> u16 {
    match who.role {
        Role::Reader => 403,
        _ if who.standing == Standing::Home || who.is_submitting_partner() => 200,
        _ => 404,
    }
}

/// Seeing the reference batch or device (a revoked partner: its own, registered before the
/// revocation): the customer (its tenant) and the partner that submitted it (while connected).
fn see_submitted(who: Who) -> u16 {
    if who.standing == Standing::Home || who.is_submitting_partner() {
        200
    } else {
        404
    }
}

/// Reading the reference batch: as [`see_submitted`], and a revoked partner reads its own batch
/// from before the revocation, read only (docs/domain.md#consent-where-work-happens).
fn see_own_batch(who: Who) -> u16 {
    if who.standing == Standing::Revoked {
        200
    } else {
        see_submitted(who)
    }
}

/// A Partner Center batch of the connected partner (`/partner-center/…`, by `BatchId`):
/// the home customer and the partner that created it reach it; a connected OEM does not see
/// it (404); anyone else is refused as for the customer (read_home). `ok` for those who reach
/// it; with `register`, a reader is refused first (403).
fn pc_batch(who: Who, ok: u16, register: bool) -> u16 {
    if register && who.role == Role::Reader {
        return 403;
    }
    match read_home(who) {
        200 if who.standing == Standing::Home || who.is_submitting_partner() => ok,
        200 => 404,
        refused => refused,
    }
}

/// Who may call what: one entry for every route of the OpenAPI document, and no other.
const EXPECTATIONS: &[(&str, Rule)] = &[
    // The first-boot lookup is unauthenticated by design: a device has no credentials yet.
    ("GET /healthz", Rule::Public),
    ("GET /readyz", Rule::Public),
    ("GET /metrics", Rule::Public),
    ("GET /api/v1/openapi.json", Rule::Public),
    ("POST /api/v1/device-lookup", Rule::Public),
    ("GET /api/v1/orgs/me", Rule::Member(|_| 200)),
    ("GET /api/v1/orgs", Rule::Member(|who| only(who.kind == OrgKind::Operator, 200))),
    ("POST /api/v1/orgs", Rule::Member(|who| only(who.kind == OrgKind::Operator && who.admin(), 201))),
    ("POST /api/v1/users", Rule::Member(|who| only(who.admin(), 201))),
    ("GET /api/v1/users", Rule::Member(|who| only(who.admin(), 200))),
    ("PATCH /api/v1/users/{id}", Rule::Member(|who| only(who.admin(), 200))),
    ("POST /api/v1/users/{id}/disable", Rule::Member(|who| only(who.admin(), 204))),
    ("POST /api/v1/users/{id}/enable", Rule::Member(|who| only(who.admin(), 200))),
    ("POST /api/v1/users/{id}/reset-password", Rule::Member(|who| only(who.admin(), 200))),
    ("POST /api/v1/api-keys", Rule::Member(|who| only(who.admin(), 201))),
    ("GET /api/v1/api-keys", Rule::Member(|who| only(who.admin(), 200))),
    ("DELETE /api/v1/api-keys/{id}", Rule::Member(|who| only(who.admin(), 204))),
    ("POST /api/v1/invitations", Rule::Member(|who| only(who.partner_side() && who.admin(), 201))),
    ("GET /api/v1/invitations", Rule::Member(|_| 200)),
    // Customers and the operator have no links: their admins get 404 for any id.
    (
        "DELETE /api/v1/invitations/{id}",
        Rule::Member(|who| only(who.admin(), if who.partner_side() { 204 } else { 404 })),
    ),
    (
        "POST /api/v1/invitations/{token}/accept",
        Rule::Member(|who| only(who.kind == OrgKind::Customer && who.admin(), 201)),
    ),
    // Each side lists its own relationships, revoked ones included.
    ("GET /api/v1/relationships", Rule::Member(|_| 200)),
    // Admins revoke a relationship their organisation is a side of (a revoked one again: a
    // no-op, 204); someone else's relationship does not exist for them (404).
    (
        "DELETE /api/v1/relationships/{id}",
        Rule::Member(|who| only(who.admin(), if who.standing == Standing::Unrelated { 404 } else { 204 })),
    ),
    ("GET /api/v1/customers", Rule::Member(|who| only(who.partner_side(), 200))),
    ("GET /api/v1/customers/{customer_id}/profiles", Rule::Member(read_home)),
    ("POST /api/v1/customers/{customer_id}/profiles", Rule::Member(|who| manage_home_profiles(who, 201))),
    (
        "PATCH /api/v1/customers/{customer_id}/profiles/{id}",
        Rule::Member(|who| manage_home_profiles(who, 200)),
    ),
    (
        "DELETE /api/v1/customers/{customer_id}/profiles/{id}",
        Rule::Member(|who| manage_home_profiles(who, 204)),
    ),
    ("GET /api/v1/audit", Rule::Member(|_| 200)),
    // Registering: registrar or admin of the customer itself or of a connected partner/OEM.
    (
        "POST /api/v1/customers/{customer_id}/device-batches",
        Rule::Member(|who| match who.role {
            Role::Reader => 403,
            _ => match read_home(who) {
                200 => 202,
                refused => refused,
            },
        }),
    ),
    ("GET /api/v1/device-batches/{id}", Rule::Member(see_own_batch)),
    ("GET /api/v1/customers/{customer_id}/devices", Rule::Member(read_home)),
    ("GET /api/v1/customers/{customer_id}/devices/export", Rule::Member(read_home)),
    // The OEM did not register the reference device, so to the OEM it does not exist.
    ("GET /api/v1/devices/{id}", Rule::Member(see_submitted)),
    ("PATCH /api/v1/devices/{id}", Rule::Member(change_device)),
    ("DELETE /api/v1/devices/{id}", Rule::Member(change_device)),
    ("GET /api/v1/customers/{customer_id}/device-batches", Rule::Member(read_home)),
    // The approval queue is the customer's admins' alone (docs/domain.md#approval-queue).
    (
        "POST /api/v1/device-batches/{id}/approve",
        Rule::Member(|who| only(who.kind == OrgKind::Customer && who.admin(), 200)),
    ),
    (
        "POST /api/v1/device-batches/{id}/reject",
        Rule::Member(|who| only(who.kind == OrgKind::Customer && who.admin(), 200)),
    ),
    // Voiding: the submitter's registrars and admins; the customer sees the batch but did not
    // submit it (403); to anyone else it does not exist.
    (
        "POST /api/v1/device-batches/{id}/void",
        Rule::Member(|who| match who.role {
            Role::Reader => 403,
            _ if who.is_submitting_partner() => 200,
            _ if who.standing == Standing::Home => 403,
            _ => 404,
        }),
    ),
    // Either side of the relationship sees it; anyone else gets 404.
    ("GET /api/v1/relationships/{id}", Rule::Member(see_submitted)),
    // Partner Center's device API (docs/compatibility.md#partner-center): the native rules.
    ("GET /partner-center/v1/customers/{customer_id}/deviceBatches", Rule::Member(read_home)),
    (
        "POST /partner-center/v1/customers/{customer_id}/deviceBatches",
        Rule::Member(|who| match who.role {
            Role::Reader => 403,
            _ => match read_home(who) {
                200 => 202,
                refused => refused,
            },
        }),
    ),
    (
        "GET /partner-center/v1/customers/{customer_id}/deviceBatches/{batch_id}/devices",
        Rule::Member(|who| pc_batch(who, 200, false)),
    ),
    (
        "POST /partner-center/v1/customers/{customer_id}/deviceBatches/{batch_id}/devices",
        Rule::Member(|who| pc_batch(who, 202, true)),
    ),
    (
        "DELETE /partner-center/v1/customers/{customer_id}/deviceBatches/{batch_id}/devices/{device_id}",
        Rule::Member(|who| pc_batch(who, 204, true)),
    ),
    // The upload's tracking id is the ztd batch's id: seen as the batch is.
    (
        "GET /partner-center/v1/customers/{customer_id}/batchJobStatus/{tracking_id}",
        Rule::Member(see_own_batch),
    ),
    (
        "DELETE /partner-center/v1/customers/{customer_id}/devices/{device_id}",
        Rule::Member(|who| pc_batch(who, 204, true)),
    ),
    ("GET /partner-center/v1/customers/{customer_id}/policies", Rule::Member(read_home)),
    // Each device's own refusal (the OEM did not register it) is in the answer's body.
    (
        "PATCH /partner-center/v1/customers/{customer_id}/DevicePolicyUpdates",
        Rule::Member(|who| match who.role {
            Role::Reader => 403,
            _ => match read_home(who) {
                200 => 202,
                refused => refused,
            },
        }),
    ),
    (
        "PATCH /api/v1/relationships/{id}",
        Rule::Member(|who| match (who.admin(), who.standing) {
            (false, _) => 403,
            (true, Standing::Home) => 200,
            (true, _) if who.is_submitting_partner() => 403,
            (true, _) => 404,
        }),
    ),
    ("GET /api/v1/release-requests", Rule::Member(|_| 200)),
    // Any organisation that registers devices may ask; the home customer holds the device
    // already (409 device_not_registered_elsewhere).
    (
        "POST /api/v1/release-requests",
        Rule::Member(|who| match (who.role, who.kind, who.standing) {
            (Role::Reader, ..) | (_, OrgKind::Operator, _) => 403,
            (_, _, Standing::Home) => 409,
            _ => 201,
        }),
    ),
    (
        "POST /api/v1/release-requests/{id}/approve",
        Rule::Member(|who| only(who.kind == OrgKind::Customer && who.admin(), 200)),
    ),
    (
        "POST /api/v1/release-requests/{id}/deny",
        Rule::Member(|who| only(who.kind == OrgKind::Customer && who.admin(), 200)),
    ),
    // Webhooks: the admins of any organisation manage their own; the calls name a webhook of the
    // caller's organisation (the redelivery, a delivery that does not exist: 404).
    ("POST /api/v1/webhooks", Rule::Member(|who| only(who.admin(), 201))),
    ("GET /api/v1/webhooks", Rule::Member(|who| only(who.admin(), 200))),
    ("GET /api/v1/webhooks/{id}", Rule::Member(|who| only(who.admin(), 200))),
    ("DELETE /api/v1/webhooks/{id}", Rule::Member(|who| only(who.admin(), 204))),
    ("GET /api/v1/webhooks/{id}/deliveries", Rule::Member(|who| only(who.admin(), 200))),
    (
        "POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
        Rule::Member(|who| only(who.admin(), 404)),
    ),
    // Microsoft Graph compatibility (docs/compatibility.md#microsoft-graph): a customer's key acts on
    // its own tenant (reads: any role; changes: registrar or admin); every other organisation is
    // refused (403, Graph's error body).
    (
        "GET /graph/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities",
        Rule::Member(|who| graph(who, false, 200)),
    ),
    (
        "POST /graph/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities",
        Rule::Member(|who| graph(who, true, 201)),
    ),
    (
        "POST /graph/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities/import",
        Rule::Member(|who| graph(who, true, 200)),
    ),
    (
        "GET /graph/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities/{id}",
        Rule::Member(|who| graph(who, false, 200)),
    ),
    (
        "DELETE /graph/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities/{id}",
        Rule::Member(|who| graph(who, true, 204)),
    ),
    (
        "GET /graph/{version}/deviceManagement/windowsAutopilotDeviceIdentities",
        Rule::Member(|who| graph(who, false, 200)),
    ),
    (
        "GET /graph/{version}/deviceManagement/windowsAutopilotDeviceIdentities/{id}",
        Rule::Member(|who| graph(who, false, 200)),
    ),
    (
        "DELETE /graph/{version}/deviceManagement/windowsAutopilotDeviceIdentities/{id}",
        Rule::Member(|who| graph(who, true, 204)),
    ),
    (
        "POST /graph/{version}/deviceManagement/windowsAutopilotDeviceIdentities/{id}/updateDeviceProperties",
        Rule::Member(|who| graph(who, true, 204)),
    ),
    (
        "GET /graph/{version}/deviceManagement/windowsAutopilotDeploymentProfiles",
        Rule::Member(|who| graph(who, false, 200)),
    ),
];

/// The Graph routes: the home customer (the only customer of the matrix) on its own tenant.
fn graph(who: Who, changes: bool, ok: u16) -> u16 {
    only(who.kind == OrgKind::Customer && !(changes && who.role == Role::Reader), ok)
}

/// A webhook the matrix creates: a public address (no DNS needed), an event nothing in the
/// matrix causes, so nothing is ever sent.
fn webhook_body() -> Value {
    json!({ "url": "https://93.184.215.14/ztd-matrix", "events": ["batch.rejected"] })
}

/// Routes that must be in the document and so in the matrix, for every caller.
const REQUIRED: [&str; 4] = [
    "POST /api/v1/customers/{customer_id}/device-batches",
    "GET /api/v1/device-batches/{id}",
    "GET /api/v1/relationships",
    "DELETE /api/v1/relationships/{id}",
];

/// The expected status of `route` for `caller`.
fn expected(rule: &Rule, caller: &Caller) -> u16 {
    match (rule, caller.who) {
        (Rule::Public, _) => 200,
        (Rule::Member(_), None) => 401,
        (Rule::Member(status), Some(who)) => status(who),
    }
}

/// Every `METHOD /path` of the OpenAPI document the service serves, in the document's order.
async fn documented_routes(app: &TestApp) -> Vec<String> {
    let response = app.request(Method::GET, "/api/v1/openapi.json", None).send().await.expect("GET openapi");
    assert_eq!(response.status(), 200, "the OpenAPI document is served");
    let document: Value = response.json().await.expect("the OpenAPI document is JSON");
    let paths = document["paths"].as_object().expect("the document has paths");
    let mut routes = Vec::new();
    for (path, item) in paths {
        let item = item.as_object().expect("a path item");
        for method in ["get", "put", "post", "delete", "options", "head", "patch", "trace"] {
            if item.contains_key(method) {
                routes.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    routes
}

/// The expectation table and the document list the same routes; names any that differ.
fn check_coverage(documented: &[String]) {
    let uncovered: Vec<&str> = documented
        .iter()
        .map(String::as_str)
        .filter(|route| !EXPECTATIONS.iter().any(|(known, _)| known == route))
        .collect();
    assert!(
        uncovered.is_empty(),
        "the OpenAPI document lists route(s) the authorisation matrix has no expectation for: {}.\n\
         Add each to EXPECTATIONS in crates/ztd-server/tests/api/matrix.rs (who may call it, with \
         which status) and its request to `prepare`.",
        uncovered.join(", ")
    );
    let stale: Vec<&str> = EXPECTATIONS
        .iter()
        .map(|(route, _)| *route)
        .filter(|route| !documented.iter().any(|documented| documented == route))
        .collect();
    assert!(
        stale.is_empty(),
        "the authorisation matrix expects route(s) the OpenAPI document does not list: {}",
        stale.join(", ")
    );
    for route in REQUIRED {
        assert!(documented.iter().any(|documented| documented == route), "{route} is not documented");
    }
}

/// The world every call happens in: the home customer has active relationships with the
/// partner and the OEM, and the partner registered a device (in `partner_batch`) there. Another
/// partner registered a device there too and was then revoked by the customer.
struct World {
    customer_admin: TestOrg,
    partner_admin: TestOrg,
    /// The connected partner's relationship with the home customer.
    partner_relationship: Uuid,
    partner_batch: String,
    partner_device: String,
    /// The hardware hash of the partner's device, for the first-boot lookup.
    partner_device_hash: String,
    revoked_relationship: Uuid,
    revoked_batch: String,
    revoked_device: String,
    next_device: AtomicU64,
}

/// Registers synthetic device `index` into `customer_id` as `registrar` (a key with at least the
/// registrar role); returns the batch id, the device id and its hardware hash.
async fn register(
    app: &TestApp,
    registrar: &TestOrg,
    customer_id: Uuid,
    index: u64,
) -> (String, String, String) {
    let device = ztd_domain::synth::device(77_777, index);
    let body = json!({ "group_tag": "Microsoft365ManagedStandard_", "devices": [device.to_input(None)] });
    let batch = batches_support::register(app, &registrar.key, customer_id, body).await;
    assert_eq!(batch["status"], "finished", "registration failed: {batch}");
    let batch_id = batch["id"].as_str().expect("batch id").to_owned();
    let device_id = batch["devices"][0]["device_id"].as_str().expect("a registered device").to_owned();
    (batch_id, device_id, device.hardware_hash.clone())
}

/// Synthetic device `index` as Partner Center uploads it.
fn pc_device(index: u64) -> Value {
    let device = ztd_domain::synth::device(77_777, index);
    json!({
        "HardwareHash": device.hardware_hash,
        "SerialNumber": device.serial_number,
        "OemManufacturerName": device.manufacturer,
        "ModelName": device.model,
    })
}

/// A fresh Partner Center batch of the connected partner in the home customer, with one
/// registered device: its `BatchId` and the device id.
async fn pc_batch_of_partner(app: &TestApp, world: &World) -> (String, String) {
    let home = world.customer_admin.id();
    let name = unique("pc");
    let index = world.next_device.fetch_add(1, Ordering::Relaxed);
    let body = json!({ "BatchId": name, "Devices": [pc_device(index)] });
    let path = format!("/partner-center/v1/customers/{home}/deviceBatches");
    let response = app.post(&path, &world.partner_admin.key, &body).await;
    assert_eq!(response.status(), 202, "create a Partner Center batch");
    let location = response.headers()["location"].to_str().expect("Location").to_owned();
    for _ in 0..6000 {
        let status: Value =
            app.get(&location, &world.partner_admin.key).await.json().await.expect("status JSON");
        if status["status"] == "finished" {
            let device_id = status["devicesStatus"][0]["deviceId"].as_str().expect("a registered device");
            return (name, device_id.to_owned());
        }
        assert_ne!(status["status"], "finished_with_errors", "{status}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the Partner Center batch {name} did not finish");
}

/// A prepared request.
struct Call {
    method: Method,
    path: String,
    body: Option<Value>,
}

impl Call {
    fn new(method: Method, path: impl Into<String>) -> Self {
        Self { method, path: path.into(), body: None }
    }
    fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", &Uuid::new_v4().simple().to_string()[..10])
}

/// The id in the JSON answer of a successful creation.
async fn created_id(response: reqwest::Response, field: &str) -> String {
    assert!(response.status().is_success(), "create: {}", response.status());
    response.json::<Value>().await.expect("JSON answer")[field].as_str().expect("an id").to_owned()
}

/// A spare reader of the caller's own organisation, made (and, with `disabled`, disabled) by an
/// admin of it; anonymous callers get any id.
async fn spare_user(app: &TestApp, caller: &Caller, disabled: bool) -> String {
    let Some(org) = &caller.org else { return Uuid::new_v4().to_string() };
    let admin = app.with_role(org, Role::Admin).await;
    let body = json!({ "email": format!("{}@example.com", unique("d")), "role": "reader" });
    let id = created_id(app.post("/api/v1/users", &admin.key, &body).await, "id").await;
    if disabled {
        let path = format!("/api/v1/users/{id}/disable");
        let response = app.post(&path, &admin.key, &json!({})).await;
        assert_eq!(response.status(), 204, "disable the spare user");
    }
    id
}

/// Prepares the request a caller makes for `route` (fresh objects where the call consumes one).
async fn prepare(app: &TestApp, world: &World, route: &str, caller: &Caller) -> Call {
    let home = world.customer_admin.id();
    let profiles = format!("/api/v1/customers/{home}/profiles");
    match route {
        "GET /healthz" => Call::new(Method::GET, "/healthz"),
        "GET /readyz" => Call::new(Method::GET, "/readyz"),
        "GET /metrics" => Call::new(Method::GET, "/metrics"),
        "GET /api/v1/openapi.json" => Call::new(Method::GET, "/api/v1/openapi.json"),
        "GET /api/v1/orgs/me" => Call::new(Method::GET, "/api/v1/orgs/me"),
        "GET /api/v1/orgs" => Call::new(Method::GET, "/api/v1/orgs"),
        "POST /api/v1/orgs" => Call::new(Method::POST, "/api/v1/orgs").json(json!({
            "kind": "customer", "name": unique("Org "), "admin_email": format!("{}@example.com", unique("a")),
        })),
        "POST /api/v1/users" => Call::new(Method::POST, "/api/v1/users")
            .json(json!({ "email": format!("{}@example.com", unique("u")), "role": "reader" })),
        "GET /api/v1/users" => Call::new(Method::GET, "/api/v1/users"),
        "POST /api/v1/users/{id}/disable" => {
            let id = spare_user(app, caller, false).await;
            Call::new(Method::POST, format!("/api/v1/users/{id}/disable"))
        }
        "PATCH /api/v1/users/{id}" => {
            let id = spare_user(app, caller, false).await;
            Call::new(Method::PATCH, format!("/api/v1/users/{id}")).json(json!({ "role": "registrar" }))
        }
        "POST /api/v1/users/{id}/enable" => {
            let id = spare_user(app, caller, true).await;
            Call::new(Method::POST, format!("/api/v1/users/{id}/enable"))
        }
        "POST /api/v1/users/{id}/reset-password" => {
            let id = spare_user(app, caller, false).await;
            Call::new(Method::POST, format!("/api/v1/users/{id}/reset-password"))
        }
        "POST /api/v1/api-keys" => {
            Call::new(Method::POST, "/api/v1/api-keys").json(json!({ "name": "matrix", "role": "reader" }))
        }
        "GET /api/v1/api-keys" => Call::new(Method::GET, "/api/v1/api-keys"),
        "DELETE /api/v1/api-keys/{id}" => {
            // A spare key of the caller's own organisation, made by an admin of it (anonymous:
            // any id).
            let id = match &caller.org {
                Some(org) => {
                    let admin = app.with_role(org, Role::Admin).await;
                    let body = json!({ "name": "spare", "role": "reader" });
                    created_id(app.post("/api/v1/api-keys", &admin.key, &body).await, "id").await
                }
                None => Uuid::new_v4().to_string(),
            };
            Call::new(Method::DELETE, format!("/api/v1/api-keys/{id}"))
        }
        "POST /api/v1/invitations" => Call::new(Method::POST, "/api/v1/invitations").json(json!({})),
        "GET /api/v1/invitations" => Call::new(Method::GET, "/api/v1/invitations"),
        "DELETE /api/v1/invitations/{id}" => {
            // A fresh link of the caller's organisation when it can make one.
            let partner_side = caller.who.is_some_and(|who| who.partner_side());
            let id = match &caller.org {
                Some(org) if partner_side => {
                    let admin = app.with_role(org, Role::Admin).await;
                    created_id(app.post("/api/v1/invitations", &admin.key, &json!({})).await, "id").await
                }
                _ => Uuid::new_v4().to_string(),
            };
            Call::new(Method::DELETE, format!("/api/v1/invitations/{id}"))
        }
        "POST /api/v1/invitations/{token}/accept" => {
            // A fresh partner's fresh link, so every acceptance is a new relationship.
            let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
            let token =
                created_id(app.post("/api/v1/invitations", &partner.key, &json!({})).await, "token").await;
            Call::new(Method::POST, format!("/api/v1/invitations/{token}/accept")).json(json!({}))
        }
        "GET /api/v1/relationships" => Call::new(Method::GET, "/api/v1/relationships"),
        "DELETE /api/v1/relationships/{id}" => {
            let id = match (&caller.org, caller.who) {
                // A fresh relationship the caller's organisation is a side of.
                (Some(org), Some(Who { standing: Standing::Home, .. })) => {
                    let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
                    app.connect(&partner, &app.with_role(org, Role::Admin).await).await
                }
                (Some(org), Some(Who { standing: Standing::Connected, .. })) => {
                    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
                    app.connect(&app.with_role(org, Role::Admin).await, &customer).await
                }
                // Its own relationship, already revoked.
                (_, Some(Who { standing: Standing::Revoked, .. })) => world.revoked_relationship,
                // Someone else's: the home customer's with the connected partner.
                _ => world.partner_relationship,
            };
            Call::new(Method::DELETE, format!("/api/v1/relationships/{id}"))
        }
        "GET /api/v1/customers" => Call::new(Method::GET, "/api/v1/customers"),
        "GET /api/v1/customers/{customer_id}/profiles" => Call::new(Method::GET, profiles),
        "POST /api/v1/customers/{customer_id}/profiles" => {
            Call::new(Method::POST, profiles).json(json!({ "name": "Matrix", "group_tag": unique("Matrix") }))
        }
        "PATCH /api/v1/customers/{customer_id}/profiles/{id}"
        | "DELETE /api/v1/customers/{customer_id}/profiles/{id}" => {
            let body = json!({ "name": "Matrix", "group_tag": unique("Matrix") });
            let id = created_id(app.post(&profiles, &world.customer_admin.key, &body).await, "id").await;
            if route.starts_with("PATCH") {
                Call::new(Method::PATCH, format!("{profiles}/{id}")).json(json!({ "name": "Renamed" }))
            } else {
                Call::new(Method::DELETE, format!("{profiles}/{id}"))
            }
        }
        "GET /api/v1/audit" => Call::new(Method::GET, "/api/v1/audit"),
        "POST /api/v1/customers/{customer_id}/device-batches" => {
            let index = world.next_device.fetch_add(1, Ordering::Relaxed);
            let device = ztd_domain::synth::device(77_777, index);
            let body =
                json!({ "group_tag": "Microsoft365ManagedStandard_", "devices": [device.to_input(None)] });
            Call::new(Method::POST, format!("/api/v1/customers/{home}/device-batches")).json(body)
        }
        "GET /api/v1/device-batches/{id}" => {
            // A revoked partner asks for its own batch, submitted before the revocation.
            let batch = match caller.standing() {
                Some(Standing::Revoked) => &world.revoked_batch,
                _ => &world.partner_batch,
            };
            Call::new(Method::GET, format!("/api/v1/device-batches/{batch}"))
        }
        "GET /api/v1/customers/{customer_id}/devices" => {
            Call::new(Method::GET, format!("/api/v1/customers/{home}/devices"))
        }
        "GET /api/v1/customers/{customer_id}/devices/export" => {
            Call::new(Method::GET, format!("/api/v1/customers/{home}/devices/export?format=intune"))
        }
        "GET /api/v1/devices/{id}" => {
            let device = match caller.standing() {
                Some(Standing::Revoked) => &world.revoked_device,
                _ => &world.partner_device,
            };
            Call::new(Method::GET, format!("/api/v1/devices/{device}"))
        }
        "PATCH /api/v1/devices/{id}" | "DELETE /api/v1/devices/{id}" => {
            // A revoked partner tries the device it registered before the revocation; everyone
            // else a fresh device registered by the partner, so each call finds it registered.
            let device_id = match caller.standing() {
                Some(Standing::Revoked) => world.revoked_device.clone(),
                _ => {
                    let index = world.next_device.fetch_add(1, Ordering::Relaxed);
                    register(app, &world.partner_admin, home, index).await.1
                }
            };
            let path = format!("/api/v1/devices/{device_id}");
            if route.starts_with("PATCH") {
                Call::new(Method::PATCH, path).json(json!({ "group_tag": "Microsoft365ManagedPowerUser_" }))
            } else {
                Call::new(Method::DELETE, path)
            }
        }
        "POST /api/v1/webhooks" => Call::new(Method::POST, "/api/v1/webhooks").json(webhook_body()),
        "GET /api/v1/webhooks" => Call::new(Method::GET, "/api/v1/webhooks"),
        "GET /api/v1/webhooks/{id}"
        | "DELETE /api/v1/webhooks/{id}"
        | "GET /api/v1/webhooks/{id}/deliveries"
        | "POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver" => {
            // A webhook of the caller's own organisation, made by an admin of it (anonymous: any id).
            let id = match &caller.org {
                Some(org) => {
                    let admin = app.with_role(org, Role::Admin).await;
                    created_id(app.post("/api/v1/webhooks", &admin.key, &webhook_body()).await, "id").await
                }
                None => Uuid::new_v4().to_string(),
            };
            let path = format!("/api/v1/webhooks/{id}");
            match route {
                "GET /api/v1/webhooks/{id}" => Call::new(Method::GET, path),
                "DELETE /api/v1/webhooks/{id}" => Call::new(Method::DELETE, path),
                "GET /api/v1/webhooks/{id}/deliveries" => {
                    Call::new(Method::GET, format!("{path}/deliveries"))
                }
                _ => Call::new(Method::POST, format!("{path}/deliveries/{}/redeliver", Uuid::new_v4())),
            }
        }
        "POST /api/v1/device-lookup" => Call::new(Method::POST, "/api/v1/device-lookup")
            .json(json!({ "hardware_hash": world.partner_device_hash })),
        "GET /api/v1/customers/{customer_id}/device-batches" => {
            Call::new(Method::GET, format!("/api/v1/customers/{home}/device-batches"))
        }
        "POST /api/v1/device-batches/{id}/approve" | "POST /api/v1/device-batches/{id}/reject" => {
            // A fresh partner whose batches the home customer reviews, and its waiting batch.
            let reviewed = app.org_with_key(OrgKind::Partner, Role::Admin).await;
            let relationship = app.connect(&reviewed, &world.customer_admin).await;
            let mode = json!({ "approval_mode": "review" });
            let response = app
                .patch(&format!("/api/v1/relationships/{relationship}"), &world.customer_admin.key, &mode)
                .await;
            assert_eq!(response.status(), 200, "review mode");
            let index = world.next_device.fetch_add(1, Ordering::Relaxed);
            let device = ztd_domain::synth::device(77_777, index);
            let body =
                json!({ "group_tag": "Microsoft365ManagedStandard_", "devices": [device.to_input(None)] });
            let path = format!("/api/v1/customers/{home}/device-batches");
            let id = created_id(app.post(&path, &reviewed.key, &body).await, "id").await;
            let action = if route.ends_with("approve") { "approve" } else { "reject" };
            Call::new(Method::POST, format!("/api/v1/device-batches/{id}/{action}")).json(json!({}))
        }
        "POST /api/v1/device-batches/{id}/void" => {
            // A revoked partner tries its own batch from before the revocation; everyone else a
            // fresh finished batch of the connected partner.
            let batch = match caller.standing() {
                Some(Standing::Revoked) => world.revoked_batch.clone(),
                _ => {
                    let index = world.next_device.fetch_add(1, Ordering::Relaxed);
                    register(app, &world.partner_admin, home, index).await.0
                }
            };
            Call::new(Method::POST, format!("/api/v1/device-batches/{batch}/void"))
        }
        "GET /api/v1/relationships/{id}" => {
            Call::new(Method::GET, format!("/api/v1/relationships/{}", world.partner_relationship))
        }
        "PATCH /api/v1/relationships/{id}" => {
            Call::new(Method::PATCH, format!("/api/v1/relationships/{}", world.partner_relationship))
                .json(json!({ "approval_mode": "auto" }))
        }
        "GET /api/v1/release-requests" => Call::new(Method::GET, "/api/v1/release-requests"),
        "POST /api/v1/release-requests" => {
            // A fresh device of the home customer, which every other organisation may ask for.
            let index = world.next_device.fetch_add(1, Ordering::Relaxed);
            register(app, &world.partner_admin, home, index).await;
            let hash = ztd_domain::synth::device(77_777, index).hardware_hash;
            Call::new(Method::POST, "/api/v1/release-requests").json(json!({ "hardware_hash": hash }))
        }
        "POST /api/v1/release-requests/{id}/approve" | "POST /api/v1/release-requests/{id}/deny" => {
            // A fresh request by a stranger for a fresh device of the home customer.
            let index = world.next_device.fetch_add(1, Ordering::Relaxed);
            register(app, &world.partner_admin, home, index).await;
            let hash = ztd_domain::synth::device(77_777, index).hardware_hash;
            let asker = app.org_with_key(OrgKind::Partner, Role::Admin).await;
            let body = json!({ "hardware_hash": hash });
            let id = created_id(app.post("/api/v1/release-requests", &asker.key, &body).await, "id").await;
            let action = if route.ends_with("approve") { "approve" } else { "deny" };
            Call::new(Method::POST, format!("/api/v1/release-requests/{id}/{action}"))
        }
        "GET /partner-center/v1/customers/{customer_id}/deviceBatches" => {
            Call::new(Method::GET, format!("/partner-center/v1/customers/{home}/deviceBatches"))
        }
        "POST /partner-center/v1/customers/{customer_id}/deviceBatches" => {
            let index = world.next_device.fetch_add(1, Ordering::Relaxed);
            let body = json!({ "BatchId": unique("pc"), "Devices": [pc_device(index)] });
            Call::new(Method::POST, format!("/partner-center/v1/customers/{home}/deviceBatches")).json(body)
        }
        "GET /partner-center/v1/customers/{customer_id}/deviceBatches/{batch_id}/devices"
        | "POST /partner-center/v1/customers/{customer_id}/deviceBatches/{batch_id}/devices"
        | "DELETE /partner-center/v1/customers/{customer_id}/deviceBatches/{batch_id}/devices/{device_id}" => {
            // A fresh Partner Center batch of the connected partner, with one device.
            let (name, device_id) = pc_batch_of_partner(app, world).await;
            let path = format!("/partner-center/v1/customers/{home}/deviceBatches/{name}/devices");
            match route.split(' ').next() {
                Some("GET") => Call::new(Method::GET, path),
                Some("POST") => {
                    let index = world.next_device.fetch_add(1, Ordering::Relaxed);
                    Call::new(Method::POST, path).json(json!([pc_device(index)]))
                }
                _ => Call::new(Method::DELETE, format!("{path}/{device_id}")),
            }
        }
        "GET /partner-center/v1/customers/{customer_id}/batchJobStatus/{tracking_id}" => {
            let batch = match caller.standing() {
                Some(Standing::Revoked) => &world.revoked_batch,
                _ => &world.partner_batch,
            };
            Call::new(Method::GET, format!("/partner-center/v1/customers/{home}/batchJobStatus/{batch}"))
        }
        "DELETE /partner-center/v1/customers/{customer_id}/devices/{device_id}" => {
            let device_id = match caller.standing() {
                Some(Standing::Revoked) => world.revoked_device.clone(),
                _ => {
                    let index = world.next_device.fetch_add(1, Ordering::Relaxed);
                    register(app, &world.partner_admin, home, index).await.1
                }
            };
            Call::new(Method::DELETE, format!("/partner-center/v1/customers/{home}/devices/{device_id}"))
        }
        "GET /partner-center/v1/customers/{customer_id}/policies" => {
            Call::new(Method::GET, format!("/partner-center/v1/customers/{home}/policies"))
        }
        "PATCH /partner-center/v1/customers/{customer_id}/DevicePolicyUpdates" => {
            // The partner's device, to the profile it already has.
            let response = app.get(&profiles, &world.customer_admin.key).await;
            let listed: Value = response.json().await.expect("profiles JSON");
            let standard = listed
                .as_array()
                .or_else(|| listed["profiles"].as_array())
                .expect("a profile list")
                .iter()
                .find(|profile| profile["group_tag"] == "Microsoft365ManagedStandard_")
                .expect("the built-in standard profile")["id"]
                .clone();
            let body = json!({ "Devices": [{ "Id": world.partner_device, "Policies": [{ "Key": "o_o_b_e", "Value": standard }] }] });
            Call::new(Method::PATCH, format!("/partner-center/v1/customers/{home}/DevicePolicyUpdates"))
                .json(body)
        }
        "GET /graph/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities" => {
            Call::new(Method::GET, "/graph/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities")
        }
        "POST /graph/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities"
        | "POST /graph/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities/import" => {
            let index = world.next_device.fetch_add(1, Ordering::Relaxed);
            let device = ztd_domain::synth::device(77_777, index);
            let identity = json!({
                "serialNumber": device.serial_number,
                "hardwareIdentifier": device.hardware_hash,
                "groupTag": "Microsoft365ManagedStandard_",
            });
            let path = "/graph/beta/deviceManagement/importedWindowsAutopilotDeviceIdentities";
            if route.ends_with("/import") {
                Call::new(Method::POST, format!("{path}/import"))
                    .json(json!({ "importedWindowsAutopilotDeviceIdentities": [identity] }))
            } else {
                Call::new(Method::POST, path).json(identity)
            }
        }
        "GET /graph/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities/{id}"
        | "DELETE /graph/{version}/deviceManagement/importedWindowsAutopilotDeviceIdentities/{id}" => {
            // The partner's batch row: processed, so deleting it only acknowledges.
            let path = format!(
                "/graph/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/{}.1",
                world.partner_batch
            );
            let method = if route.starts_with("GET") { Method::GET } else { Method::DELETE };
            Call::new(method, path)
        }
        "GET /graph/{version}/deviceManagement/windowsAutopilotDeviceIdentities" => {
            Call::new(Method::GET, "/graph/v1.0/deviceManagement/windowsAutopilotDeviceIdentities")
        }
        "GET /graph/{version}/deviceManagement/windowsAutopilotDeviceIdentities/{id}" => Call::new(
            Method::GET,
            format!("/graph/v1.0/deviceManagement/windowsAutopilotDeviceIdentities/{}", world.partner_device),
        ),
        "POST /graph/{version}/deviceManagement/windowsAutopilotDeviceIdentities/{id}/updateDeviceProperties" => Call::new(
            Method::POST,
            format!(
                "/graph/v1.0/deviceManagement/windowsAutopilotDeviceIdentities/{}/updateDeviceProperties",
                world.partner_device
            ),
        )
        .json(json!({ "groupTag": "Microsoft365ManagedStandard_" })),
        "DELETE /graph/{version}/deviceManagement/windowsAutopilotDeviceIdentities/{id}" => {
            // A fresh device registered by the partner, so each call finds it registered.
            let index = world.next_device.fetch_add(1, Ordering::Relaxed);
            let device_id = register(app, &world.partner_admin, home, index).await.1;
            Call::new(
                Method::DELETE,
                format!("/graph/v1.0/deviceManagement/windowsAutopilotDeviceIdentities/{device_id}"),
            )
        }
        "GET /graph/{version}/deviceManagement/windowsAutopilotDeploymentProfiles" => {
            Call::new(Method::GET, "/graph/v1.0/deviceManagement/windowsAutopilotDeploymentProfiles")
        }
        other => panic!("no request prepared for {other}: add one to `prepare` in matrix.rs"),
    }
}

async fn every_route_by_every_role(app: TestApp) {
    let routes = documented_routes(&app).await;
    check_coverage(&routes);

    // One organisation per kind; the home customer accepted the partner and the OEM.
    let mut admins = Vec::new();
    for kind in KINDS {
        admins.push(app.org_with_key(kind, Role::Admin).await);
    }
    let home = admins[1].id();
    let partner_relationship = app.connect(&admins[2], &admins[1]).await;
    app.connect(&admins[3], &admins[1]).await;
    let (partner_batch, partner_device, partner_device_hash) = register(&app, &admins[2], home, 0).await;
    // A partner that never had a relationship, and one the customer revoked after it registered.
    let unrelated = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let revoked = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let revoked_relationship = app.connect(&revoked, &admins[1]).await;
    let (revoked_batch, revoked_device, _) = register(&app, &revoked, home, 1).await;
    let revocation =
        app.delete(&format!("/api/v1/relationships/{revoked_relationship}"), &admins[1].key).await;
    assert_eq!(revocation.status(), 204, "the customer revokes");
    let world = World {
        customer_admin: admins[1].clone(),
        partner_admin: admins[2].clone(),
        partner_relationship,
        partner_batch,
        partner_device,
        partner_device_hash,
        revoked_relationship,
        revoked_batch,
        revoked_device,
        next_device: AtomicU64::new(2),
    };

    let mut callers = vec![Caller { label: "anonymous".into(), who: None, org: None }];
    let organisations = KINDS
        .iter()
        .zip(&admins)
        .map(|(kind, admin)| {
            let standing = match kind {
                OrgKind::Customer => Standing::Home,
                OrgKind::Partner | OrgKind::Oem => Standing::Connected,
                OrgKind::Operator => Standing::Unrelated,
            };
            (kind.to_string(), *kind, standing, admin)
        })
        .chain([
            ("unrelated".to_owned(), OrgKind::Partner, Standing::Unrelated, &unrelated),
            ("revoked".to_owned(), OrgKind::Partner, Standing::Revoked, &revoked),
        ]);
    for (name, kind, standing, admin) in organisations {
        for role in ROLES {
            let org = if role == Role::Admin { admin.clone() } else { app.with_role(admin, role).await };
            callers.push(Caller {
                label: format!("{name}/{role}"),
                who: Some(Who { kind, role, standing }),
                org: Some(org),
            });
        }
    }

    let route_width = routes.iter().map(String::len).max().unwrap_or(0) + 1;
    let cell_width = callers.iter().map(|caller| caller.label.len()).max().unwrap_or(0) + 1;
    let mut failures = Vec::new();
    let mut table = String::new();
    let _ = write!(table, "{:<route_width$}", "route \\ caller");
    for caller in &callers {
        let _ = write!(table, " {:>cell_width$}", caller.label);
    }
    table.push('\n');
    for route in &routes {
        let rule = &EXPECTATIONS.iter().find(|(known, _)| known == route).expect("checked above").1;
        let _ = write!(table, "{route:<route_width$}");
        for caller in &callers {
            let call = prepare(&app, &world, route, caller).await;
            let mut request = app.request(call.method, &call.path, caller.key());
            if let Some(body) = &call.body {
                request = request.json(body);
            }
            let response = request.send().await.expect("send the matrix request");
            let actual = response.status().as_u16();
            let want = expected(rule, caller);
            let mark = if actual == want { " " } else { "!" };
            let _ = write!(table, " {:>cell_width$}", format!("{mark}{actual}/{want}"));
            if actual != want {
                let body = response.text().await.unwrap_or_default();
                failures.push(format!("{route} as {}: got {actual}, want {want}: {body}", caller.label));
            } else if actual >= 400 && route.contains(" /partner-center/") {
                // Partner Center's routes refuse in Partner Center's error body.
                let body: Value = response.json().await.expect("an error body in JSON");
                for field in ["code", "description", "data", "source"] {
                    assert!(
                        body.get(field).is_some(),
                        "{route}: Partner Center error without `{field}`: {body}"
                    );
                }
            } else if actual >= 400 && route.contains(" /graph/") {
                // The Graph routes answer Graph's error body.
                let body: Value = response.json().await.expect("a Graph error body in JSON");
                let inner = &body["error"]["innerError"];
                assert!(
                    body["error"]["code"].is_string()
                        && inner["request-id"].is_string()
                        && inner["date"].is_string(),
                    "{route} as {}: not Graph's error body: {body}",
                    caller.label
                );
            } else if actual >= 400 {
                // Every refusal carries the error envelope.
                ztd_server::testing::error_body(response).await;
            }
        }
        table.push('\n');
    }
    assert!(
        failures.is_empty(),
        "authorisation matrix ({} backend), cells are actual/expected, `!` marks a mismatch; \
         `unrelated` is a partner that never had a relationship with the customer, `revoked` one \
         whose relationship the customer revoked:\n{table}\n{}",
        app.backend.name(),
        failures.join("\n")
    );
}

//! The authorisation matrix: every route of the service called by every role of every kind of
//! organisation (and anonymously), asserted route by route. On failure the whole matrix is
//! printed, expected vs actual.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;
use ztd_server::access::AuditActor;
use ztd_server::services::{self, KeyName};
use ztd_server::testing::{TestApp, TestOrg};
use ztd_storage::{OrgKind, Role};

ztd_server::both_backends!(every_route_by_every_role);

const KINDS: [OrgKind; 4] = [OrgKind::Operator, OrgKind::Customer, OrgKind::Partner, OrgKind::Oem];
const ROLES: [Role; 3] = [Role::Admin, Role::Registrar, Role::Reader];

/// Who calls: one of the 12 (kind, role) keys, or nobody.
#[derive(Clone)]
struct Caller {
    label: String,
    kind: Option<OrgKind>,
    role: Option<Role>,
    org: Option<TestOrg>,
}

impl Caller {
    fn key(&self) -> Option<&str> {
        self.org.as_ref().map(|org| org.key.as_str())
    }
}

/// The world every call happens in: the "home" customer has active relationships with the
/// partner and the OEM; the partner registered a device (in `partner_batch`) there.
struct World {
    customer_admin: TestOrg,
    partner_admin: TestOrg,
    partner_batch: String,
    partner_device: String,
    /// The hardware hash of the partner's device, for the first-boot lookup.
    partner_device_hash: String,
    next_device: AtomicU64,
}

/// Registers a new synthetic device into `customer_id` as `registrar` (a key with at least the
/// registrar role); returns the batch id, the device id and its hardware hash.
async fn register(
    app: &TestApp,
    registrar: &TestOrg,
    customer_id: Uuid,
    index: u64,
) -> (String, String, String) {
    let device = ztd_domain::synth::device(77_777, index);
    let body = json!({ "group_tag": "Microsoft365ManagedStandard_", "devices": [device.to_input(None)] });
    let path = format!("/api/v1/customers/{customer_id}/device-batches");
    let accepted = app.post(&path, &registrar.key, &body).await;
    assert_eq!(accepted.status(), 202, "register: {}", accepted.text().await.unwrap_or_default());
    let batch_id = accepted.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let started = Instant::now();
    loop {
        let batch: Value = app
            .get(&format!("/api/v1/device-batches/{batch_id}"), &registrar.key)
            .await
            .json()
            .await
            .unwrap();
        if batch["status"] == "finished" {
            let device_id =
                batch["devices"][0]["device_id"].as_str().expect("a registered device").to_owned();
            return (batch_id, device_id, device.hardware_hash.clone());
        }
        assert!(batch["status"] != "finished_with_errors", "registration failed: {batch}");
        assert!(started.elapsed() < Duration::from_secs(30), "batch not finished: {batch}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
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
        "POST /api/v1/api-keys" => {
            Call::new(Method::POST, "/api/v1/api-keys").json(json!({ "name": "matrix", "role": "reader" }))
        }
        "GET /api/v1/api-keys" => Call::new(Method::GET, "/api/v1/api-keys"),
        "DELETE /api/v1/api-keys/{id}" => {
            // A spare key of the caller's own organisation (anonymous: any id).
            let id = match &caller.org {
                Some(org) => {
                    let name = KeyName::parse("spare").unwrap();
                    let actor = AuditActor::operator_cli();
                    let spare =
                        services::create_api_key(app.db.as_ref(), org.id(), &name, Role::Reader, &actor);
                    spare.await.unwrap().key.id
                }
                None => Uuid::new_v4(),
            };
            Call::new(Method::DELETE, format!("/api/v1/api-keys/{id}"))
        }
        "POST /api/v1/invitations" => Call::new(Method::POST, "/api/v1/invitations").json(json!({})),
        "GET /api/v1/invitations" => Call::new(Method::GET, "/api/v1/invitations"),
        "DELETE /api/v1/invitations/{id}" => {
            // A fresh link of the caller's organisation when it can make one.
            let id = match (&caller.org, caller.kind) {
                (Some(org), Some(OrgKind::Partner | OrgKind::Oem)) => {
                    let admin = app.with_role(org, Role::Admin).await;
                    let created = app.post("/api/v1/invitations", &admin.key, &json!({})).await;
                    created.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
                }
                _ => Uuid::new_v4().to_string(),
            };
            Call::new(Method::DELETE, format!("/api/v1/invitations/{id}"))
        }
        "POST /api/v1/invitations/{token}/accept" => {
            // A fresh partner's fresh link, so every acceptance is a new relationship.
            let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
            let created = app.post("/api/v1/invitations", &partner.key, &json!({})).await;
            let token = created.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
            Call::new(Method::POST, format!("/api/v1/invitations/{token}/accept")).json(json!({}))
        }
        "GET /api/v1/relationships" => Call::new(Method::GET, "/api/v1/relationships"),
        "DELETE /api/v1/relationships/{id}" => {
            // A fresh relationship the caller's organisation is a side of.
            let id = match (&caller.org, caller.kind) {
                (Some(org), Some(OrgKind::Customer)) => {
                    let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
                    app.connect(&partner, &app.with_role(org, Role::Admin).await).await.to_string()
                }
                (Some(org), Some(OrgKind::Partner | OrgKind::Oem)) => {
                    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
                    app.connect(&app.with_role(org, Role::Admin).await, &customer).await.to_string()
                }
                _ => Uuid::new_v4().to_string(),
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
            let created = app.post(&profiles, &world.customer_admin.key, &body).await;
            let id = created.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
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
            Call::new(Method::GET, format!("/api/v1/device-batches/{}", world.partner_batch))
        }
        "GET /api/v1/customers/{customer_id}/devices" => {
            Call::new(Method::GET, format!("/api/v1/customers/{home}/devices"))
        }
        "GET /api/v1/customers/{customer_id}/devices/export" => {
            Call::new(Method::GET, format!("/api/v1/customers/{home}/devices/export?format=intune"))
        }
        "GET /api/v1/devices/{id}" => {
            Call::new(Method::GET, format!("/api/v1/devices/{}", world.partner_device))
        }
        "PATCH /api/v1/devices/{id}" | "DELETE /api/v1/devices/{id}" => {
            // A fresh device registered by the partner, so each call finds it registered.
            let index = world.next_device.fetch_add(1, Ordering::Relaxed);
            let (_, device_id, _) = register(app, &world.partner_admin, home, index).await;
            let path = format!("/api/v1/devices/{device_id}");
            if route.starts_with("PATCH") {
                Call::new(Method::PATCH, path).json(json!({ "group_tag": "Microsoft365ManagedPowerUser_" }))
            } else {
                Call::new(Method::DELETE, path)
            }
        }
        "POST /api/v1/device-lookup" => Call::new(Method::POST, "/api/v1/device-lookup")
            .json(json!({ "hardware_hash": world.partner_device_hash })),
        other => panic!("no request prepared for {other}"),
    }
}

/// The expected status of `route` for a caller of `kind` with `role` (None: anonymous).
fn expected(route: &str, kind: Option<OrgKind>, role: Option<Role>) -> u16 {
    use OrgKind::*;
    use Role::*;
    // The first-boot lookup is unauthenticated by design: a device has no credentials yet.
    let public = [
        "GET /healthz",
        "GET /readyz",
        "GET /metrics",
        "GET /api/v1/openapi.json",
        "POST /api/v1/device-lookup",
    ];
    if public.contains(&route) {
        return 200;
    }
    let (Some(kind), Some(role)) = (kind, role) else { return 401 };
    let admin = role == Admin;
    let partner_side = matches!(kind, Partner | Oem);
    let only = |allowed: bool, ok: u16| if allowed { ok } else { 403 };
    match route {
        "GET /api/v1/orgs/me"
        | "GET /api/v1/invitations"
        | "GET /api/v1/relationships"
        | "GET /api/v1/audit" => 200,
        "GET /api/v1/orgs" => only(kind == Operator, 200),
        "POST /api/v1/orgs" => only(kind == Operator && admin, 201),
        "POST /api/v1/users" | "POST /api/v1/api-keys" => only(admin, 201),
        "GET /api/v1/users" | "GET /api/v1/api-keys" => only(admin, 200),
        "DELETE /api/v1/api-keys/{id}" => only(admin, 204),
        "POST /api/v1/invitations" => only(partner_side && admin, 201),
        // Customers and the operator have no links: their admins get 404 for any id.
        "DELETE /api/v1/invitations/{id}" => only(admin, if partner_side { 204 } else { 404 }),
        "POST /api/v1/invitations/{token}/accept" => only(kind == Customer && admin, 201),
        "DELETE /api/v1/relationships/{id}" => only(admin, if kind == Operator { 404 } else { 204 }),
        "GET /api/v1/customers" => only(partner_side, 200),
        // The home customer itself and its two connected partners read; the operator is a stranger.
        "GET /api/v1/customers/{customer_id}/profiles" => {
            if kind == Operator {
                404
            } else {
                200
            }
        }
        // Only the customer's own admins manage; role is checked first, then reach.
        "POST /api/v1/customers/{customer_id}/profiles"
        | "PATCH /api/v1/customers/{customer_id}/profiles/{id}"
        | "DELETE /api/v1/customers/{customer_id}/profiles/{id}" => {
            let ok = match route.split(' ').next() {
                Some("POST") => 201,
                Some("PATCH") => 200,
                _ => 204,
            };
            match (admin, kind) {
                (false, _) => 403,
                (true, Customer) => ok,
                (true, Operator) => 404,
                (true, _) => 403,
            }
        }
        // Registering: registrar or admin of the customer itself or of a connected partner/OEM;
        // the operator is a stranger (404 after the role check).
        "POST /api/v1/customers/{customer_id}/device-batches" => match (role, kind) {
            (Reader, _) => 403,
            (_, Operator) => 404,
            _ => 202,
        },
        // The partner's batch: seen by the customer (its tenant) and the partner (its submitter).
        "GET /api/v1/device-batches/{id}" => {
            if matches!(kind, Customer | Partner) {
                200
            } else {
                404
            }
        }
        "GET /api/v1/customers/{customer_id}/devices"
        | "GET /api/v1/customers/{customer_id}/devices/export" => {
            if kind == Operator {
                404
            } else {
                200
            }
        }
        // The partner's device: the OEM did not register it, so to the OEM it does not exist.
        "GET /api/v1/devices/{id}" => {
            if matches!(kind, Customer | Partner) {
                200
            } else {
                404
            }
        }
        "PATCH /api/v1/devices/{id}" | "DELETE /api/v1/devices/{id}" => match (role, kind) {
            (Reader, _) => 403,
            (_, Customer | Partner) => 200,
            _ => 404,
        },
        other => panic!("no expectation for {other}"),
    }
}

const ROUTES: &[&str] = &[
    "GET /healthz",
    "GET /readyz",
    "GET /metrics",
    "GET /api/v1/openapi.json",
    "GET /api/v1/orgs/me",
    "GET /api/v1/orgs",
    "POST /api/v1/orgs",
    "POST /api/v1/users",
    "GET /api/v1/users",
    "POST /api/v1/api-keys",
    "GET /api/v1/api-keys",
    "DELETE /api/v1/api-keys/{id}",
    "POST /api/v1/invitations",
    "GET /api/v1/invitations",
    "DELETE /api/v1/invitations/{id}",
    "POST /api/v1/invitations/{token}/accept",
    "GET /api/v1/relationships",
    "DELETE /api/v1/relationships/{id}",
    "GET /api/v1/customers",
    "GET /api/v1/customers/{customer_id}/profiles",
    "POST /api/v1/customers/{customer_id}/profiles",
    "PATCH /api/v1/customers/{customer_id}/profiles/{id}",
    "DELETE /api/v1/customers/{customer_id}/profiles/{id}",
    "GET /api/v1/audit",
    "POST /api/v1/customers/{customer_id}/device-batches",
    "GET /api/v1/device-batches/{id}",
    "GET /api/v1/customers/{customer_id}/devices",
    "GET /api/v1/customers/{customer_id}/devices/export",
    "GET /api/v1/devices/{id}",
    "PATCH /api/v1/devices/{id}",
    "DELETE /api/v1/devices/{id}",
    "POST /api/v1/device-lookup",
];

async fn every_route_by_every_role(app: TestApp) {
    // One organisation per kind; the home customer accepted the partner and the OEM.
    let mut admins = Vec::new();
    for kind in KINDS {
        admins.push(app.org_with_key(kind, Role::Admin).await);
    }
    app.connect(&admins[2], &admins[1]).await;
    app.connect(&admins[3], &admins[1]).await;
    let (partner_batch, partner_device, partner_device_hash) =
        register(&app, &admins[2], admins[1].id(), 0).await;
    let world = World {
        customer_admin: admins[1].clone(),
        partner_admin: admins[2].clone(),
        partner_batch,
        partner_device,
        partner_device_hash,
        next_device: AtomicU64::new(1),
    };

    let mut callers = vec![Caller { label: "anonymous".into(), kind: None, role: None, org: None }];
    for (kind, admin) in KINDS.iter().zip(&admins) {
        for role in ROLES {
            let org = if role == Role::Admin { admin.clone() } else { app.with_role(admin, role).await };
            callers.push(Caller {
                label: format!("{kind}/{role}"),
                kind: Some(*kind),
                role: Some(role),
                org: Some(org),
            });
        }
    }

    let mut failures = Vec::new();
    let mut table = String::new();
    let _ = write!(table, "{:<55}", "route \\ caller");
    for caller in &callers {
        let _ = write!(table, " {:>18}", caller.label);
    }
    table.push('\n');
    for route in ROUTES {
        let _ = write!(table, "{route:<55}");
        for caller in &callers {
            let call = prepare(&app, &world, route, caller).await;
            let mut request = app.request(call.method, &call.path, caller.key());
            if let Some(body) = &call.body {
                request = request.json(body);
            }
            let response = request.send().await.expect("send the matrix request");
            let actual = response.status().as_u16();
            let want = expected(route, caller.kind, caller.role);
            let mark = if actual == want { " " } else { "!" };
            let _ = write!(table, " {:>18}", format!("{mark}{actual}/{want}"));
            if actual != want {
                let body = response.text().await.unwrap_or_default();
                failures.push(format!("{route} as {}: got {actual}, want {want}: {body}", caller.label));
            } else if actual >= 400 {
                // Every refusal carries the error envelope.
                ztd_server::testing::error_body(response).await;
            }
        }
        table.push('\n');
    }
    assert!(
        failures.is_empty(),
        "authorisation matrix ({} backend), cells are actual/expected, `!` marks a mismatch:\n{table}\n{}",
        app.backend.name(),
        failures.join("\n")
    );
}

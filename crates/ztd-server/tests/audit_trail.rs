//! The audit trail over HTTP, on SQLite and PostgreSQL: every mutation is audited once, on the
//! right organisation, carrying the request id of the request that made it (the client's
//! `x-request-id` when it sent one), and a refused request leaves no trace of half-done work.

mod batches_support;

use batches_support::*;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Client, Method};
use serde_json::{json, Value};
use uuid::Uuid;
use ztd_server::app::accounts::{self, Email};
use ztd_server::testing::{error_body, TestApp, TestOrg};
use ztd_storage::{OrgKind, Role};

ztd_server::both_backends!(
    first_boot_lookup_is_audited_once_with_its_request_id,
    racing_first_boot_lookups_activate_once,
    portal_sign_in_is_audited_once_with_its_request_id,
    operator_creates_an_org_and_its_admin_audited_and_a_taken_email_creates_nothing,
    racing_org_creations_with_one_admin_email_create_one_org,
    racing_operator_bootstraps_make_one_operator,
    hostile_request_ids_are_replaced_not_echoed_nor_stored,
    a_link_naming_a_stranger_writes_nothing_into_its_audit,
    the_api_narrows_the_trail_by_action_actor_and_time,
);

const REQUEST_ID: &str = "x-request-id";

/// The caller's whole audit trail (newest first).
async fn audit(app: &TestApp, key: &str) -> Vec<Value> {
    let response = app.get("/api/v1/audit?limit=1000", key).await;
    let status = response.status();
    let body: Value = response.json().await.expect("audit JSON");
    assert_eq!(status, 200, "{body}");
    assert!(body["next_cursor"].is_null(), "more than one page of audit events: {body}");
    body["items"].as_array().cloned().expect("audit items")
}

/// The events of `action` about `target_id`.
fn events<'a>(trail: &'a [Value], action: &str, target_id: &str) -> Vec<&'a Value> {
    trail.iter().filter(|e| e["action"] == action && e["target_id"] == target_id).collect()
}

fn fresh_request_id() -> String {
    Uuid::new_v4().to_string()
}

async fn lookup(app: &TestApp, hash: &str, request_id: &str) -> reqwest::Response {
    app.request(Method::POST, "/api/v1/device-lookup", None)
        .header(REQUEST_ID, request_id)
        .json(&json!({ "hardware_hash": hash }))
        .send()
        .await
        .expect("lookup")
}

/// A customer (admin key) with one device it registered itself under the Standard profile.
async fn customer_with_device(
    app: &TestApp,
    seed: u64,
) -> (TestOrg, ztd_domain::synth::SyntheticDevice, String) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let device = devices(seed, 1).remove(0);
    let batch = register(
        app,
        &customer.key,
        customer.id(),
        batch_body(STANDARD_TAG, json_devices(std::slice::from_ref(&device))),
    )
    .await;
    assert_eq!(batch["registered"], 1, "{batch}");
    let device_id = row(&batch, 1)["device_id"].as_str().expect("device id").to_owned();
    (customer, device, device_id)
}

// 6 ------------------------------------------------------------------------------------------

/// The first lookup activates the device: one `device.activate` on the customer's tenant, with
/// the lookup's request id. Later lookups change nothing and audit nothing.
async fn first_boot_lookup_is_audited_once_with_its_request_id(app: TestApp) {
    let (customer, device, device_id) = customer_with_device(&app, 7_001).await;
    let request_id = fresh_request_id();
    let response = lookup(&app, &device.hardware_hash, &request_id).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[REQUEST_ID], request_id.as_str(), "the request id is echoed");

    app.first_boots_written().await;
    let trail = audit(&app, &customer.key).await;
    let activations = events(&trail, "device.activate", &device_id);
    assert_eq!(activations.len(), 1, "{activations:?}");
    assert_eq!(
        activations[0]["request_id"],
        request_id.as_str(),
        "device.activate must carry the lookup's request id: {}",
        activations[0]
    );
    assert_eq!(activations[0]["tenant_org_id"], customer.id().to_string());

    let again = lookup(&app, &device.hardware_hash, &fresh_request_id()).await;
    assert_eq!(again.status(), 200);
    app.first_boots_written().await;
    let trail = audit(&app, &customer.key).await;
    assert_eq!(events(&trail, "device.activate", &device_id).len(), 1, "a second lookup audited again");
    let shown: Value =
        app.get(&format!("/api/v1/devices/{device_id}"), &customer.key).await.json().await.unwrap();
    assert_eq!(shown["state"], "active", "{shown}");
}

/// Several first lookups of one device at the same moment (a device retrying its first boot):
/// it is activated once, audited once.
async fn racing_first_boot_lookups_activate_once(app: TestApp) {
    let (customer, device, device_id) = customer_with_device(&app, 7_002).await;
    let ids: Vec<String> = (0..4).map(|_| fresh_request_id()).collect();
    let answers =
        futures::future::join_all(ids.iter().map(|id| lookup(&app, &device.hardware_hash, id))).await;
    for answer in &answers {
        assert_eq!(answer.status(), 200);
    }
    app.first_boots_written().await;
    let trail = audit(&app, &customer.key).await;
    let activations = events(&trail, "device.activate", &device_id);
    assert_eq!(activations.len(), 1, "one activation audited per device, got {activations:?}");
    let carried = activations[0]["request_id"].as_str().unwrap_or_default();
    assert!(
        ids.iter().any(|id| id == carried),
        "device.activate carries one of the lookups' ids: {}",
        activations[0]
    );
}

// 7 ------------------------------------------------------------------------------------------

fn portal_client() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("an HTTP client")
}

/// The value of the hidden `csrf_token` field of a page.
fn csrf_field(html: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker).expect("a csrf_token field") + marker.len();
    html[start..].split('"').next().expect("a closing quote").to_owned()
}

/// Signs in through the portal's form with the given request id; returns the status, the
/// `Location` and whether a session cookie was set.
async fn sign_in(app: &TestApp, email: &str, password: &str, request_id: &str) -> (u16, String, bool) {
    let http = portal_client();
    let form_page = http.get(app.url("/sign-in")).send().await.expect("the sign-in form");
    let sign_in_cookie = form_page
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|header| header.contains("ztd_sign_in="))
        .and_then(|header| header.split(';').next())
        .expect("the sign-in form sets its CSRF cookie")
        .to_owned();
    let token = csrf_field(&form_page.text().await.expect("the form page"));
    let response = http
        .post(app.url("/sign-in"))
        .header(COOKIE, sign_in_cookie)
        .header(REQUEST_ID, request_id)
        .form(&[("csrf_token", token.as_str()), ("email", email), ("password", password), ("next", "/")])
        .send()
        .await
        .expect("the sign-in post");
    let session = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|header| header.starts_with("ztd_session=") && !header.starts_with("ztd_session=;"));
    let location =
        response.headers().get(LOCATION).and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
    (response.status().as_u16(), location, session)
}

async fn portal_sign_in_is_audited_once_with_its_request_id(app: TestApp) {
    let org = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let email = Email::parse(&format!("signs-in+{}@example.com", org.id().simple())).unwrap();
    let created = app.create_user(org.id(), &email, Role::Admin).await.expect("create the user");
    let user_id = created.user.id.to_string();

    // A wrong password is no sign-in.
    let (status, _, session) = sign_in(&app, email.as_str(), "not the password", &fresh_request_id()).await;
    assert_eq!((status, session), (401, false));
    assert!(events(&audit(&app, &org.key).await, "user.sign_in", &user_id).is_empty());

    let request_id = fresh_request_id();
    let (status, location, session) = sign_in(&app, email.as_str(), &created.password, &request_id).await;
    assert_eq!(status, 303, "signed in");
    assert!(session, "a session cookie is set");
    assert_eq!(location, "/password", "a one-time password must be changed first");

    let trail = audit(&app, &org.key).await;
    let sign_ins = events(&trail, "user.sign_in", &user_id);
    assert_eq!(sign_ins.len(), 1, "{sign_ins:?}");
    let event = sign_ins[0];
    assert_eq!(event["request_id"], request_id.as_str(), "{event}");
    assert_eq!(event["actor_kind"], "user", "{event}");
    assert_eq!(event["actor_id"], user_id.as_str(), "{event}");
    assert_eq!(event["actor_org_id"], org.id().to_string(), "{event}");
    assert_eq!(event["tenant_org_id"], org.id().to_string(), "{event}");
}

// 8 ------------------------------------------------------------------------------------------

async fn org_count(app: &TestApp, operator: &TestOrg) -> usize {
    let response = app.get("/api/v1/orgs", &operator.key).await;
    assert_eq!(response.status(), 200);
    response.json::<Value>().await.expect("orgs JSON").as_array().expect("a list").len()
}

async fn create_org(
    app: &TestApp,
    operator: &TestOrg,
    name: &str,
    admin_email: &str,
    request_id: &str,
) -> reqwest::Response {
    app.request(Method::POST, "/api/v1/orgs", Some(&operator.key))
        .header(REQUEST_ID, request_id)
        .json(&json!({ "kind": "customer", "name": name, "admin_email": admin_email }))
        .send()
        .await
        .expect("POST /api/v1/orgs")
}

async fn operator_creates_an_org_and_its_admin_audited_and_a_taken_email_creates_nothing(app: TestApp) {
    let operator = app.org_with_key(OrgKind::Operator, Role::Admin).await;
    let email = format!("first-admin+{}@example.com", Uuid::new_v4().simple());
    let request_id = fresh_request_id();
    let response = create_org(&app, &operator, "Contoso Audited", &email, &request_id).await;
    let status = response.status();
    let created: Value = response.json().await.expect("JSON");
    assert_eq!(status, 201, "{created}");
    let org_id = created["id"].as_str().expect("org id").to_owned();
    let admin_id = created["admin"]["id"].as_str().expect("admin id").to_owned();

    let trail = audit(&app, &operator.key).await;
    let org_events = events(&trail, "org.create", &org_id);
    let user_events = events(&trail, "user.create", &admin_id);
    assert_eq!(
        (org_events.len(), user_events.len()),
        (1, 1),
        "org.create {org_events:?}, user.create {user_events:?}"
    );
    for event in [org_events[0], user_events[0]] {
        assert_eq!(event["request_id"], request_id.as_str(), "{event}");
        assert_eq!(event["actor_org_id"], operator.id().to_string(), "{event}");
        assert_eq!(event["tenant_org_id"], org_id.as_str(), "{event}");
    }

    // The same admin email again: 409, and no organisation is left behind without its admin.
    let orgs_before = org_count(&app, &operator).await;
    let org_creations_before = trail.iter().filter(|e| e["action"] == "org.create").count();
    let response =
        create_org(&app, &operator, "Contoso Twice", &email.to_uppercase(), &fresh_request_id()).await;
    assert_eq!(response.status(), 409);
    assert_eq!(error_body(response).await["code"], "email_taken");
    assert_eq!(org_count(&app, &operator).await, orgs_before, "a refused creation left an organisation");
    let trail = audit(&app, &operator.key).await;
    assert_eq!(
        trail.iter().filter(|e| e["action"] == "org.create").count(),
        org_creations_before,
        "a refused creation audited an org.create"
    );
}

/// Three operators' requests for new organisations with the same new admin email at the same
/// moment: one organisation with that admin, two `409 email_taken`, no admin-less organisation.
async fn racing_org_creations_with_one_admin_email_create_one_org(app: TestApp) {
    let operator = app.org_with_key(OrgKind::Operator, Role::Admin).await;
    let orgs_before = org_count(&app, &operator).await;
    let email = format!("contested+{}@example.com", Uuid::new_v4().simple());
    let names = ["Racer One", "Racer Two", "Racer Three"];
    let request_ids: Vec<String> = names.iter().map(|_| fresh_request_id()).collect();
    let answers = futures::future::join_all(
        names.iter().zip(&request_ids).map(|(name, id)| create_org(&app, &operator, name, &email, id)),
    )
    .await;
    let mut created = 0;
    for answer in answers {
        match answer.status().as_u16() {
            201 => created += 1,
            409 => assert_eq!(error_body(answer).await["code"], "email_taken"),
            other => panic!("unexpected answer {other}: {}", answer.text().await.unwrap_or_default()),
        }
    }
    assert_eq!(created, 1, "exactly one creation succeeds");
    assert_eq!(
        org_count(&app, &operator).await,
        orgs_before + 1,
        "refused creations left organisations behind"
    );
}

// 9 ------------------------------------------------------------------------------------------

/// Two processes starting on one empty database at once (two replicas of `ztd serve`) both
/// try to bootstrap the operator: one operator organisation with one admin results.
async fn racing_operator_bootstraps_make_one_operator(app: TestApp) {
    assert_eq!(app.db.list_orgs().await.expect("list orgs").len(), 0, "the test database is fresh");
    let email = Email::parse("operator-admin@example.com").unwrap();
    // Two consoles, as two processes would have.
    let (one, two) = (app.operator(), app.operator());
    let (first, second) =
        tokio::join!(accounts::bootstrap_operator(&one, &email), accounts::bootstrap_operator(&two, &email),);
    let outcomes =
        format!("{:?} / {:?}", first.as_ref().map(Option::is_some), second.as_ref().map(Option::is_some));
    let bootstrapped: Vec<_> =
        [first, second].into_iter().filter_map(|outcome| outcome.ok().flatten()).collect();
    assert_eq!(bootstrapped.len(), 1, "exactly one call bootstraps (Some): {outcomes}");

    let orgs = app.db.list_orgs().await.expect("list orgs");
    let operators: Vec<_> = orgs.iter().filter(|org| org.kind == OrgKind::Operator).collect();
    assert_eq!(operators.len(), 1, "operator organisations after the race: {operators:?} ({outcomes})");
    assert_eq!(orgs.len(), 1, "nothing but the operator organisation: {orgs:?}");
    assert_eq!(operators[0].id, bootstrapped[0].operator_org.id);
    let users = app.db.list_users(operators[0].id).await.expect("list users");
    assert_eq!(users.len(), 1, "admins after the race: {users:?}");
    assert_eq!(users[0].role, Role::Admin);
    assert_eq!(users[0].email, email.as_str());

    // Once done, a later start bootstraps nothing.
    assert!(accounts::bootstrap_operator(&app.operator(), &email).await.expect("bootstrap again").is_none());
}

/// A client's request id is kept only if it is 1–128 characters of `[A-Za-z0-9._:-]`
/// (docs/security.md): a 10 KB one or a non-ASCII one is replaced by a generated
/// UUID, in the response and in the audit.
async fn hostile_request_ids_are_replaced_not_echoed_nor_stored(app: TestApp) {
    let long = "a".repeat(10 * 1024);
    let hostile: [&[u8]; 2] = [long.as_bytes(), "caf\u{e9}-\u{1f600}".as_bytes()];
    for (seed, sent) in hostile.into_iter().enumerate() {
        let (customer, device, device_id) = customer_with_device(&app, 7_100 + seed as u64).await;
        let response = app
            .request(Method::POST, "/api/v1/device-lookup", None)
            .header(REQUEST_ID, reqwest::header::HeaderValue::from_bytes(sent).unwrap())
            .json(&json!({ "hardware_hash": device.hardware_hash }))
            .send()
            .await
            .expect("lookup");
        assert_eq!(response.status(), 200);
        let echoed = response.headers()[REQUEST_ID].as_bytes().to_vec();
        assert_ne!(echoed, sent, "the hostile request id was echoed");
        let echoed = String::from_utf8(echoed).unwrap();
        assert!(Uuid::parse_str(&echoed).is_ok(), "not a generated UUID: {echoed}");
        app.first_boots_written().await;
        let trail = audit(&app, &customer.key).await;
        let activations = events(&trail, "device.activate", &device_id);
        assert_eq!(activations.len(), 1, "{activations:?}");
        assert_eq!(activations[0]["request_id"], echoed.as_str(), "{}", activations[0]);
    }
}

// Issue 10 -------------------------------------------------------------------------------------

/// A partner creating a link that names a customer it does not work for: the event is on the
/// partner's own tenant, never in that customer's trail (docs/domain.md#audit). With an active
/// relationship, the customer does see the link made for it.
async fn a_link_naming_a_stranger_writes_nothing_into_its_audit(app: TestApp) {
    let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let stranger = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let created =
        app.post("/api/v1/invitations", &partner.key, &json!({ "customer_id": stranger.id() })).await;
    assert_eq!(created.status(), 201);
    let link: Value = created.json().await.expect("json");
    let link_id = link["id"].as_str().expect("link id").to_owned();
    let theirs = audit(&app, &stranger.key).await;
    assert!(events(&theirs, "invitation.create", &link_id).is_empty(), "stranger sees the link: {theirs:?}");
    let own = audit(&app, &partner.key).await;
    let event = events(&own, "invitation.create", &link_id);
    assert_eq!(event.len(), 1, "{own:?}");
    assert_eq!(event[0]["tenant_org_id"], partner.id().to_string(), "{:?}", event[0]);

    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    app.connect(&partner, &customer).await;
    let created =
        app.post("/api/v1/invitations", &partner.key, &json!({ "customer_id": customer.id() })).await;
    assert_eq!(created.status(), 201);
    let link: Value = created.json().await.expect("json");
    let link_id = link["id"].as_str().expect("link id");
    assert_eq!(events(&audit(&app, &customer.key).await, "invitation.create", link_id).len(), 1);
}

// Issue 14 -------------------------------------------------------------------------------------

/// `GET /api/v1/audit` narrowed as the portal's filters narrow it (docs/api.md#audit): by
/// action, by the user or key that acted, by the organisation that acted, by time; each
/// narrowing returns exactly the events of the whole trail that match it, paging included, and
/// a malformed narrowing is refused naming the value.
async fn the_api_narrows_the_trail_by_action_actor_and_time(app: TestApp) {
    let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let (customer, _, _) = customer_with_device(&app, 7_401).await;
    app.connect(&partner, &customer).await;
    for seed in [7_402, 7_403] {
        let body = batch_body(STANDARD_TAG, json_devices(&devices(seed, 1)));
        assert_eq!(register(&app, &partner.key, customer.id(), body).await["registered"], 1);
    }
    let trail = audit(&app, &customer.key).await;
    let narrowed = |query: String| {
        let app = &app;
        let key = customer.key.clone();
        async move {
            let response = app.get(&format!("/api/v1/audit?limit=1000&{query}"), &key).await;
            let body: Value = response.json().await.expect("audit JSON");
            body["items"].as_array().cloned().unwrap_or_else(|| panic!("{query}: {body}"))
        }
    };
    let seqs = |events: &[&Value]| events.iter().map(|event| event["seq"].clone()).collect::<Vec<_>>();
    let owned_seqs = |events: &[Value]| events.iter().map(|event| event["seq"].clone()).collect::<Vec<_>>();

    let batches = trail.iter().filter(|event| event["action"] == "device_batch.create").collect::<Vec<_>>();
    assert_eq!(batches.len(), 3, "the customer's own batch and the partner's two: {trail:?}");
    assert_eq!(owned_seqs(&narrowed("action=device_batch.create".into()).await), seqs(&batches));

    let by_partner =
        trail.iter().filter(|event| event["actor_org_id"] == partner.id().to_string()).collect::<Vec<_>>();
    assert!(by_partner.len() >= 2, "{trail:?}");
    assert_eq!(owned_seqs(&narrowed(format!("actor_org_id={}", partner.id())).await), seqs(&by_partner));

    let own_key = trail
        .iter()
        .find(|event| event["actor_org_id"] == customer.id().to_string() && event["actor_kind"] == "api_key")
        .and_then(|event| event["actor_id"].as_str())
        .expect("the customer's key acted")
        .to_owned();
    let by_key = trail.iter().filter(|event| event["actor_id"] == own_key.as_str()).collect::<Vec<_>>();
    assert_eq!(owned_seqs(&narrowed(format!("actor_id={own_key}")).await), seqs(&by_key));
    assert!(narrowed(format!("actor_id={own_key}&actor_org_id={}", partner.id())).await.is_empty());

    let at = |event: &Value| event["at"].as_str().unwrap().parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    let newest = at(&trail[0]);
    let stamp = newest.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    let since = trail.iter().filter(|event| at(event) >= newest).collect::<Vec<_>>();
    let until = trail.iter().filter(|event| at(event) < newest).collect::<Vec<_>>();
    assert!(!since.is_empty() && !until.is_empty());
    assert_eq!(owned_seqs(&narrowed(format!("since={stamp}")).await), seqs(&since));
    assert_eq!(owned_seqs(&narrowed(format!("until={stamp}")).await), seqs(&until));

    // Paging keeps the narrowing: two pages of one, then the last.
    let first = app.get("/api/v1/audit?limit=2&action=device_batch.create", &customer.key).await;
    let first: Value = first.json().await.unwrap();
    let cursor = first["next_cursor"].as_str().expect("a second page").to_owned();
    let rest = app
        .get(&format!("/api/v1/audit?limit=2&action=device_batch.create&cursor={cursor}"), &customer.key)
        .await;
    let rest: Value = rest.json().await.unwrap();
    let paged =
        [first["items"].as_array().unwrap().clone(), rest["items"].as_array().unwrap().clone()].concat();
    assert_eq!(owned_seqs(&paged), seqs(&batches));

    for (query, named) in [("action=Device%20batch", "Device batch"), ("action=", "action \"\"")] {
        let refused = app.get(&format!("/api/v1/audit?{query}"), &customer.key).await;
        assert_eq!(refused.status(), 400, "{query}");
        let error = error_body(refused).await;
        assert_eq!(error["code"], "invalid_parameter", "{error}");
        assert!(error["message"].as_str().unwrap().contains(named), "{query}: {error}");
    }
    // A range that ends before it starts is empty: no events, not an error.
    let backwards = narrowed(format!("since={stamp}&until=2026-01-01T00:00:00Z")).await;
    assert!(backwards.is_empty(), "{backwards:?}");
}

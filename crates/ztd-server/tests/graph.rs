//! The Microsoft Graph compatibility routes (docs/compatibility.md#microsoft-graph) over HTTP, on
//! SQLite and PostgreSQL: Graph's shapes, the import states with ztd's codes, paging and
//! `$filter`, Graph's error body, who may call, and that the same pipeline, audit and lookup are
//! behind them. The real Graph SDK drives them in crates/ztd/tests/graph_sdk.rs.

mod batches_support;

use std::time::{Duration, Instant};

use batches_support::*;
use reqwest::Method;
use serde_json::{json, Value};
use ztd_domain::synth::SyntheticDevice;
use ztd_server::testing::TestApp;
use ztd_storage::{OrgKind, Role};

ztd_server::both_backends!(
    import_poll_update_delete_and_boot,
    conflicts_carry_ztd_codes,
    paging_and_filter,
    errors_are_graphs,
    who_may_call,
    profiles_and_audit,
);

const V1: &str = "/graph/v1.0/deviceManagement";
const BETA: &str = "/graph/beta/deviceManagement";

fn identity(device: &SyntheticDevice, tag: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.importedWindowsAutopilotDeviceIdentity",
        "orderIdentifier": "PO-7",
        "serialNumber": device.serial_number,
        "productKey": "",
        "hardwareIdentifier": device.hardware_hash,
        "groupTag": tag,
        "assignedUserPrincipalName": "",
        "state": {
            "deviceImportStatus": "pending",
            "deviceRegistrationId": "",
            "deviceErrorCode": 0,
            "deviceErrorName": ""
        }
    })
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let text = response.text().await.expect("body");
    assert_eq!(actual, status, "{text}");
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("JSON")
    }
}

/// Polls an imported identity until it is no longer pending.
async fn settled(app: &TestApp, key: &str, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let identity =
            json_of(app.get(&format!("{V1}/importedWindowsAutopilotDeviceIdentities/{id}"), key).await, 200)
                .await;
        if identity["state"]["deviceImportStatus"] != "pending" {
            return identity;
        }
        assert!(Instant::now() < deadline, "{id} stayed pending");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn import(app: &TestApp, key: &str, identities: Vec<Value>) -> Vec<Value> {
    let body = json!({ "importedWindowsAutopilotDeviceIdentities": identities });
    let answer = json_of(
        app.post(&format!("{BETA}/importedWindowsAutopilotDeviceIdentities/import"), key, &body).await,
        200,
    )
    .await;
    let mut settled_rows = Vec::new();
    for row in answer["value"].as_array().expect("value") {
        settled_rows.push(settled(app, key, row["id"].as_str().expect("id")).await);
    }
    settled_rows
}

async fn import_poll_update_delete_and_boot(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let device = &devices(1301, 1)[0];
    let created = json_of(
        app.post(
            &format!("{V1}/importedWindowsAutopilotDeviceIdentities"),
            &customer.key,
            &identity(device, STANDARD_TAG),
        )
        .await,
        201,
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["@odata.type"], "#microsoft.graph.importedWindowsAutopilotDeviceIdentity");
    assert_eq!(id, format!("{}.1", created["importId"].as_str().unwrap()));
    assert_eq!(created["serialNumber"], device.serial_number.as_str());
    assert_eq!(created["hardwareIdentifier"], device.hardware_hash.as_str());
    assert_eq!(created["orderIdentifier"], "PO-7");
    assert_eq!(created["groupTag"], STANDARD_TAG);

    let done = settled(&app, &customer.key, &id).await;
    assert_eq!(done["state"]["deviceImportStatus"], "complete", "{done}");
    assert_eq!(done["state"]["deviceErrorCode"], 0);
    let device_id = done["state"]["deviceRegistrationId"].as_str().expect("registered").to_owned();

    // The device, in Graph's shape.
    let shown = json_of(
        app.get(&format!("{V1}/windowsAutopilotDeviceIdentities/{device_id}"), &customer.key).await,
        200,
    )
    .await;
    assert_eq!(shown["id"], device_id.as_str());
    assert_eq!(shown["serialNumber"], device.serial_number.as_str());
    assert_eq!(shown["manufacturer"], device.manufacturer.as_str());
    assert_eq!(shown["groupTag"], STANDARD_TAG);
    assert_eq!(shown["enrollmentState"], "notContacted");
    assert_eq!(shown["deploymentProfileAssignmentStatus"], "assignedUnkownSyncState");

    // updateDeviceProperties: the tag, and the profile with it.
    let update = format!("{V1}/windowsAutopilotDeviceIdentities/{device_id}/updateDeviceProperties");
    json_of(app.post(&update, &customer.key, &json!({ "groupTag": POWER_USER_TAG })).await, 204).await;
    let ztd_view = json_of(app.get(&format!("/api/v1/devices/{device_id}"), &customer.key).await, 200).await;
    assert_eq!(ztd_view["group_tag"], POWER_USER_TAG);
    assert_eq!(ztd_view["profile"]["group_tag"], POWER_USER_TAG);
    // Same rules as every channel: a tag of no profile is refused, with ztd's code.
    let refused = json_of(app.post(&update, &customer.key, &json!({ "groupTag": "Nope" })).await, 400).await;
    assert_eq!(refused["error"]["code"], "BadRequest");
    assert_eq!(refused["error"]["innerError"]["ztdCode"], "unknown_group_tag");
    let refused =
        json_of(app.post(&update, &customer.key, &json!({ "displayName": "PC-1" })).await, 400).await;
    assert!(refused["error"]["message"].as_str().unwrap().contains("displayName"));

    // Deleting the import record keeps the device: it still boots.
    let imported = format!("{V1}/importedWindowsAutopilotDeviceIdentities/{id}");
    json_of(app.delete(&imported, &customer.key).await, 204).await;
    let lookup = app
        .request(Method::POST, "/api/v1/device-lookup", None)
        .json(&json!({ "hardware_hash": device.hardware_hash }))
        .send()
        .await
        .unwrap();
    assert_eq!(lookup.status(), 200);
    app.first_boots_written().await;
    let shown = json_of(
        app.get(&format!("{V1}/windowsAutopilotDeviceIdentities/{device_id}"), &customer.key).await,
        200,
    )
    .await;
    assert_eq!(shown["enrollmentState"], "enrolled");
    assert_ne!(shown["lastContactedDateTime"], "0001-01-01T00:00:00Z");

    // Deleting the device deregisters it.
    let path = format!("{V1}/windowsAutopilotDeviceIdentities/{device_id}");
    json_of(app.delete(&path, &customer.key).await, 204).await;
    let again = json_of(app.delete(&path, &customer.key).await, 409).await;
    assert_eq!(again["error"]["code"], "Conflict");
    let listed =
        json_of(app.get(&format!("{V1}/windowsAutopilotDeviceIdentities"), &customer.key).await, 200).await;
    assert_eq!(listed["value"], json!([]));
}

async fn conflicts_carry_ztd_codes(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let other = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let fleet = devices(1302, 4);
    import(&app, &other.key, vec![identity(&fleet[0], STANDARD_TAG)]).await;
    import(&app, &customer.key, vec![identity(&fleet[1], STANDARD_TAG)]).await;

    let mut bad_hash = identity(&fleet[3], STANDARD_TAG);
    bad_hash["hardwareIdentifier"] = json!("AAAA");
    let rows = import(
        &app,
        &customer.key,
        vec![
            identity(&fleet[0], STANDARD_TAG),
            identity(&fleet[1], STANDARD_TAG),
            identity(&fleet[2], "NoSuchTag"),
            bad_hash,
        ],
    )
    .await;
    let states: Vec<(i64, &str)> = rows
        .iter()
        .map(|row| {
            assert_eq!(row["state"]["deviceImportStatus"], "error", "{row}");
            (
                row["state"]["deviceErrorCode"].as_i64().unwrap(),
                row["state"]["deviceErrorName"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        states,
        vec![
            (808, "device_registered_to_other_tenant"),
            (806, "device_already_registered"),
            (903, "unknown_group_tag"),
            (802, "invalid_hardware_hash"),
        ]
    );
    // One order per import.
    let mut second_order = identity(&fleet[3], STANDARD_TAG);
    second_order["orderIdentifier"] = json!("PO-8");
    let body = json!({ "importedWindowsAutopilotDeviceIdentities": [identity(&fleet[2], STANDARD_TAG), second_order] });
    let refused = json_of(
        app.post(&format!("{V1}/importedWindowsAutopilotDeviceIdentities/import"), &customer.key, &body)
            .await,
        400,
    )
    .await;
    assert!(refused["error"]["message"].as_str().unwrap().contains("orderIdentifier"));
}

/// Follows `@odata.nextLink` from `first`; every page's items.
async fn all_pages(app: &TestApp, key: &str, first: &str) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut url = app.url(first);
    loop {
        let response = app.client_request(Method::GET, &url, key).await;
        let page = json_of(response, 200).await;
        pages += 1;
        items.extend(page["value"].as_array().unwrap().iter().cloned());
        match page["@odata.nextLink"].as_str() {
            Some(next) => url = next.to_owned(),
            None => return (items, pages),
        }
    }
}

trait ClientRequest {
    async fn client_request(&self, method: Method, url: &str, key: &str) -> reqwest::Response;
}

impl ClientRequest for TestApp {
    async fn client_request(&self, method: Method, url: &str, key: &str) -> reqwest::Response {
        reqwest::Client::new().request(method, url).bearer_auth(key).send().await.expect("send")
    }
}

async fn paging_and_filter(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let fleet = devices(1303, 7);
    import(&app, &customer.key, fleet[..5].iter().map(|d| identity(d, STANDARD_TAG)).collect()).await;
    import(&app, &customer.key, fleet[5..].iter().map(|d| identity(d, STANDARD_TAG)).collect()).await;

    let (imported, pages) =
        all_pages(&app, &customer.key, &format!("{V1}/importedWindowsAutopilotDeviceIdentities?$top=2"))
            .await;
    assert_eq!(pages, 4);
    let mut serials: Vec<&str> = imported.iter().map(|i| i["serialNumber"].as_str().unwrap()).collect();
    serials.sort_unstable();
    let mut expected: Vec<&str> = fleet.iter().map(|d| d.serial_number.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(serials, expected);
    // Newest import first, rows in order.
    assert_eq!(imported[0]["serialNumber"], fleet[5].serial_number.as_str());
    assert_eq!(imported[2]["serialNumber"], fleet[0].serial_number.as_str());

    let (registered, pages) =
        all_pages(&app, &customer.key, &format!("{BETA}/windowsAutopilotDeviceIdentities?$top=3")).await;
    assert_eq!((registered.len(), pages), (7, 3));

    // $filter=contains(serialNumber,'…'), case aside, on both collections.
    let needle = fleet[3].serial_number[2..].to_lowercase();
    for collection in ["windowsAutopilotDeviceIdentities", "importedWindowsAutopilotDeviceIdentities"] {
        let (found, _) = all_pages(
            &app,
            &customer.key,
            &format!("{V1}/{collection}?$top=1&$filter=contains(serialNumber,'{needle}')"),
        )
        .await;
        assert_eq!(found.len(), 1, "{collection}: {found:?}");
        assert_eq!(found[0]["serialNumber"], fleet[3].serial_number.as_str());
    }

    // Unsupported options are refused by name, in Graph's body.
    for (query, named) in [
        ("$filter=serialNumber eq 'X'", "serialNumber eq"),
        ("$orderby=serialNumber", "$orderby"),
        ("$top=0", "$top"),
        ("$skiptoken=garbage", "garbage"),
    ] {
        let response =
            app.get(&format!("{V1}/importedWindowsAutopilotDeviceIdentities?{query}"), &customer.key).await;
        let body = json_of(response, 400).await;
        assert_eq!(body["error"]["code"], "BadRequest");
        assert!(body["error"]["message"].as_str().unwrap().contains(named), "{body}");
    }
}

async fn errors_are_graphs(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let response = app
        .request(Method::GET, &format!("{V1}/windowsAutopilotDeviceIdentities"), None)
        .header("x-request-id", "graph-test-1")
        .header("client-request-id", "client-1")
        .send()
        .await
        .unwrap();
    let body = json_of(response, 401).await;
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
    let inner = &body["error"]["innerError"];
    assert_eq!(inner["request-id"], "graph-test-1");
    assert_eq!(inner["client-request-id"], "client-1");
    assert!(chrono::DateTime::parse_from_rfc3339(inner["date"].as_str().unwrap()).is_ok());
    assert_eq!(inner["ztdCode"], "unauthenticated");

    // Uncovered Graph routes and versions: Graph's 404, naming the path.
    for path in
        ["/graph/v1.0/users", "/graph/v2.0/deviceManagement/windowsAutopilotDeviceIdentities", "/graph"]
    {
        let body = json_of(app.get(path, &customer.key).await, 404).await;
        assert_eq!(body["error"]["code"], "NotFound");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(path) && message.contains("docs/compatibility.md"), "{message}");
    }
    let body = json_of(
        app.request(Method::PUT, &format!("{V1}/windowsAutopilotDeviceIdentities"), Some(&customer.key))
            .send()
            .await
            .unwrap(),
        405,
    )
    .await;
    assert_eq!(body["error"]["code"], "MethodNotAllowed");

    // Missing ids, malformed ones, and a malformed body.
    for path in [
        format!("{V1}/windowsAutopilotDeviceIdentities/{}", uuid::Uuid::new_v4()),
        format!("{V1}/windowsAutopilotDeviceIdentities/not-an-id"),
        format!("{V1}/importedWindowsAutopilotDeviceIdentities/{}.1", uuid::Uuid::new_v4()),
        format!("{V1}/importedWindowsAutopilotDeviceIdentities/nope"),
    ] {
        let body = json_of(app.get(&path, &customer.key).await, 404).await;
        assert_eq!(body["error"]["code"], "NotFound", "{path}");
    }
    let body = json_of(
        app.post(
            &format!("{V1}/importedWindowsAutopilotDeviceIdentities"),
            &customer.key,
            &json!({ "serial": 1 }),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(body["error"]["innerError"]["ztdCode"], "invalid_request_body");
    // An identity with nothing to identify it: Graph's 201 with the row's error, as Intune does.
    let created = json_of(
        app.post(&format!("{V1}/importedWindowsAutopilotDeviceIdentities"), &customer.key, &json!({})).await,
        201,
    )
    .await;
    let row = settled(&app, &customer.key, created["id"].as_str().unwrap()).await;
    assert_eq!(row["state"]["deviceErrorName"], "missing_device_identity");
    assert_eq!(row["state"]["deviceErrorCode"], 803);
}

async fn who_may_call(app: TestApp) {
    let c = connected(&app).await;
    let reader = app.with_role(&c.customer, Role::Reader).await;
    let fleet = devices(1305, 2);
    // A partner registers into the customer: the customer sees it through Graph too.
    register(&app, &c.partner.key, c.customer.id(), batch_body(STANDARD_TAG, json_devices(&fleet[..1])))
        .await;
    let listed =
        json_of(app.get(&format!("{V1}/windowsAutopilotDeviceIdentities"), &reader.key).await, 200).await;
    assert_eq!(listed["value"][0]["serialNumber"], fleet[0].serial_number.as_str());
    let imported =
        json_of(app.get(&format!("{V1}/importedWindowsAutopilotDeviceIdentities"), &reader.key).await, 200)
            .await;
    assert_eq!(imported["value"].as_array().unwrap().len(), 1);

    // The partner acts on no tenant of its own here.
    let body =
        json_of(app.get(&format!("{V1}/windowsAutopilotDeviceIdentities"), &c.partner.key).await, 403).await;
    assert_eq!(body["error"]["code"], "Forbidden");
    assert_eq!(body["error"]["innerError"]["ztdCode"], "graph_customer_only");
    let body = json_of(
        app.post(
            &format!("{V1}/importedWindowsAutopilotDeviceIdentities"),
            &c.partner.key,
            &identity(&fleet[1], STANDARD_TAG),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(body["error"]["innerError"]["ztdCode"], "graph_customer_only");

    // A reader reads, registers nothing.
    let body = json_of(
        app.post(
            &format!("{V1}/importedWindowsAutopilotDeviceIdentities"),
            &reader.key,
            &identity(&fleet[1], STANDARD_TAG),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(body["error"]["innerError"]["ztdCode"], "forbidden_role");
    let device_id = listed["value"][0]["id"].as_str().unwrap();
    let body = json_of(
        app.post(
            &format!("{V1}/windowsAutopilotDeviceIdentities/{device_id}/updateDeviceProperties"),
            &reader.key,
            &json!({ "groupTag": POWER_USER_TAG }),
        )
        .await,
        403,
    )
    .await;
    assert_eq!(body["error"]["innerError"]["ztdCode"], "forbidden_role");
    // Another customer sees none of it.
    let stranger = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    json_of(app.get(&format!("{V1}/windowsAutopilotDeviceIdentities/{device_id}"), &stranger.key).await, 404)
        .await;
    let id = imported["value"][0]["id"].as_str().unwrap();
    json_of(
        app.get(&format!("{V1}/importedWindowsAutopilotDeviceIdentities/{id}"), &stranger.key).await,
        404,
    )
    .await;
}

async fn profiles_and_audit(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let profiles =
        json_of(app.get(&format!("{V1}/windowsAutopilotDeploymentProfiles"), &customer.key).await, 200).await;
    let ztd_profiles =
        json_of(app.get(&format!("/api/v1/customers/{}/profiles", customer.id()), &customer.key).await, 200)
            .await;
    let names: Vec<&str> =
        profiles["value"].as_array().unwrap().iter().map(|p| p["displayName"].as_str().unwrap()).collect();
    assert!(!names.is_empty());
    assert_eq!(names.len(), ztd_profiles.as_array().unwrap().len());
    assert!(profiles["value"][0]["@odata.type"]
        .as_str()
        .unwrap()
        .ends_with("WindowsAutopilotDeploymentProfile"));

    let device = &devices(1306, 1)[0];
    let rows = import(&app, &customer.key, vec![identity(device, STANDARD_TAG)]).await;
    let batch_id = rows[0]["importId"].as_str().unwrap();
    let audit = json_of(app.get("/api/v1/audit?limit=100", &customer.key).await, 200).await;
    let created = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|event| event["action"] == "device_batch.create" && event["target_id"] == batch_id)
        .expect("the import is audited like any batch");
    assert_eq!(created["actor_kind"], "api_key");
    assert_eq!(created["details"]["order_number"], "PO-7");
}

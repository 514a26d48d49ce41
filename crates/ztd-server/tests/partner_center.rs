//! The Partner Center adapter (docs/compatibility.md#partner-center), on both backends.
//!
//! Partner Center's SDKs need .NET or PowerShell, so the request and response examples of
//! Partner Center's public documentation are replayed against the live server instead: each is
//! kept under `tests/partner_center/` with its source address, its request is sent as
//! documented (only the customer id, and the ids ztd hands out, substituted), and the answer is
//! compared with the documented one by shape: its status, the keys and the value types of the
//! documented body (not the example's literal ids and dates), and the `Location` header's form.

mod batches_support;

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;
use ztd_server::testing::{TestApp, TestOrg};
use ztd_storage::{OrgKind, Role};

ztd_server::both_backends!(
    the_documented_examples_replay_against_the_server,
    a_partner_without_consent_is_refused_in_partner_centers_shape,
    a_device_of_another_tenant_fails_with_808_in_the_upload_status,
    uploads_policy_changes_and_deletions_are_audited,
    uncovered_routes_and_bad_requests_answer_in_partner_centers_shape,
);

/// A documented example: request and response.
struct Example {
    doc: Value,
}

impl Example {
    fn load(name: &str) -> Self {
        let text = match name {
            "create_batch" => include_str!("partner_center/create_batch.json"),
            "add_devices" => include_str!("partner_center/add_devices.json"),
            "list_batches" => include_str!("partner_center/list_batches.json"),
            "list_devices" => include_str!("partner_center/list_devices.json"),
            "batch_job_status" => include_str!("partner_center/batch_job_status.json"),
            "delete_device" => include_str!("partner_center/delete_device.json"),
            "list_policies" => include_str!("partner_center/list_policies.json"),
            "device_policy_updates" => include_str!("partner_center/device_policy_updates.json"),
            "error" => include_str!("partner_center/error.json"),
            other => panic!("no example {other}"),
        };
        let doc: Value = serde_json::from_str(text).expect("an example file is JSON");
        assert!(
            doc["source"].as_str().is_some_and(|source| source.starts_with("https://")),
            "{name}: no source"
        );
        Self { doc }
    }

    fn status(&self) -> u16 {
        self.doc["response"]["status"].as_u64().expect("documented status") as u16
    }

    fn body(&self) -> &Value {
        &self.doc["response"]["body"]
    }

    /// The documented path on this server: `/v1/customers/{theirs}/…` becomes
    /// `/partner-center/v1/customers/{customer_id}/…`, then each `(from, to)` is replaced.
    fn path(&self, customer_id: Uuid, replace: &[(&str, &str)]) -> String {
        let documented = self.doc["request"]["path"].as_str().expect("documented path");
        let rest = documented.strip_prefix("/v1/customers/").expect("a customer path");
        let (_, rest) = rest.split_once('/').expect("a path below the customer");
        let mut path = format!("/partner-center/v1/customers/{customer_id}/{rest}");
        for (from, to) in replace {
            path = path.replace(from, to);
        }
        path
    }

    /// Sends the documented request (its headers and body) to `path`.
    async fn send(&self, app: &TestApp, key: &str, path: &str, body: Option<Value>) -> reqwest::Response {
        let method = Method::from_bytes(self.doc["request"]["method"].as_str().unwrap().as_bytes()).unwrap();
        let mut request = app.request(method, path, Some(key));
        for (name, value) in self.doc["request"]["headers"].as_object().expect("headers") {
            request = request.header(name, value.as_str().expect("a header value"));
        }
        let body = body.unwrap_or_else(|| self.doc["request"]["body"].clone());
        if !body.is_null() {
            request = request.body(serde_json::to_vec(&body).unwrap());
        }
        request.send().await.expect("send the documented request")
    }

    /// Asserts the documented `Location` form: the same path below the service's prefix, the
    /// customer id and the tracking id (a UUID) aside. Returns the tracking id.
    fn check_location(&self, response: &reqwest::Response, customer_id: Uuid) -> Uuid {
        let documented = self.doc["response"]["headers"]["Location"].as_str().expect("documented Location");
        let actual = response.headers()["location"].to_str().expect("Location is text");
        let actual_rest = actual.strip_prefix("/partner-center/v1").expect("Location below the prefix");
        let documented_segments: Vec<&str> = documented.split('/').collect();
        let actual_segments: Vec<&str> = actual_rest.split('/').collect();
        assert_eq!(documented_segments.len(), actual_segments.len(), "{actual} vs {documented}");
        for (index, (doc, ours)) in documented_segments.iter().zip(&actual_segments).enumerate() {
            if doc.parse::<Uuid>().is_ok() {
                assert!(ours.parse::<Uuid>().is_ok(), "segment {index} of {actual} is not an id");
            } else {
                assert_eq!(doc, ours, "segment {index} of {actual} vs {documented}");
            }
        }
        assert_eq!(actual_segments[2], customer_id.to_string());
        actual_segments.last().unwrap().parse().unwrap()
    }
}

/// Every key of `documented` is in `actual` with a value of the same JSON type (a documented
/// null stands for any type); arrays: every element of `actual` has the shape of the first
/// documented element. Returns the differences.
fn shape_differences(documented: &Value, actual: &Value, at: &str) -> Vec<String> {
    match (documented, actual) {
        (Value::Null, _) => Vec::new(),
        (Value::Object(doc), Value::Object(ours)) => doc
            .iter()
            .flat_map(|(key, value)| match ours.get(key) {
                None => vec![format!("{at}.{key} is missing")],
                Some(actual) => shape_differences(value, actual, &format!("{at}.{key}")),
            })
            .collect(),
        (Value::Array(doc), Value::Array(ours)) => match doc.first() {
            None => Vec::new(),
            Some(_) if ours.is_empty() => vec![format!("{at} is empty, the documented one is not")],
            Some(first) => ours
                .iter()
                .enumerate()
                .flat_map(|(index, actual)| shape_differences(first, actual, &format!("{at}[{index}]")))
                .collect(),
        },
        (Value::String(_), Value::String(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_)) => Vec::new(),
        (doc, ours) => vec![format!("{at}: documented {doc}, answered {ours}")],
    }
}

fn assert_same_shape(example: &Example, actual: &Value) {
    let differences = shape_differences(example.body(), actual, "$");
    assert!(
        differences.is_empty(),
        "the answer differs from {}: {differences:?}\n{actual}",
        example.doc["source"]
    );
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let body: Value = response.json().await.expect("a JSON answer");
    assert_eq!(actual, status, "{body}");
    body
}

/// Polls an upload's status until it is done.
async fn upload_status(app: &TestApp, key: &str, customer_id: Uuid, tracking_id: Uuid) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let path = format!("/partner-center/v1/customers/{customer_id}/batchJobStatus/{tracking_id}");
        let status = json_of(app.get(&path, key).await, 200).await;
        if status["status"].as_str().is_some_and(|status| status.starts_with("finished")) {
            return status;
        }
        assert!(Instant::now() < deadline, "upload {tracking_id} did not finish: {status}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A Partner Center device of synthetic device `index`.
fn pc_device(seed: u64, index: u64) -> Value {
    let device = ztd_domain::synth::device(seed, index);
    json!({
        "HardwareHash": device.hardware_hash,
        "ProductKey": device.product_key_id.unwrap_or_else(|| format!("3{:012}", seed * 100_000 + index)),
        "SerialNumber": device.serial_number,
        "OemManufacturerName": device.manufacturer,
        "ModelName": device.model,
    })
}

/// Creates batch `name` with `devices` through the adapter; returns the finished upload status.
async fn create(app: &TestApp, key: &str, customer_id: Uuid, name: &str, devices: Vec<Value>) -> Value {
    let path = format!("/partner-center/v1/customers/{customer_id}/deviceBatches");
    let response = app.post(&path, key, &json!({ "BatchId": name, "Devices": devices })).await;
    assert_eq!(response.status(), 202, "{}", response.text().await.unwrap_or_default());
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let tracking_id = location.rsplit('/').next().unwrap().parse().expect("a tracking id");
    upload_status(app, key, customer_id, tracking_id).await
}

fn assert_pc_error(body: &Value, code: u16, ztd_code: &str) {
    assert_same_shape(&Example::load("error"), body);
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["source"], "ztd", "{body}");
    assert_eq!(body["data"][0], format!("ztd_code: {ztd_code}"), "{body}");
    assert!(body.get("error").is_none(), "a ztd envelope: {body}");
}

async fn the_documented_examples_replay_against_the_server(app: TestApp) {
    let batches_support::Connected { customer, partner, .. } = batches_support::connected(&app).await;
    let home = customer.id();

    // Create a new batch: the documented request as it is (its hash is a placeholder, so its row
    // fails in ztd's checks), 202, no body, Location of the upload status.
    let example = Example::load("create_batch");
    let response = example.send(&app, &partner.key, &example.path(home, &[]), None).await;
    assert_eq!(response.status().as_u16(), example.status());
    let tracking_id = example.check_location(&response, home);
    assert!(response.text().await.unwrap().is_empty(), "a 202 without body");
    // The same BatchId again: the first upload (ztd's idempotency).
    let again = example.send(&app, &partner.key, &example.path(home, &[]), None).await;
    assert_eq!(again.status(), 202);
    assert_eq!(example.check_location(&again, home), tracking_id);

    // Its status, shaped as documented, ztd's error in errorCode/errorDescription.
    let example = Example::load("batch_job_status");
    let status = upload_status(&app, &partner.key, home, tracking_id).await;
    assert_same_shape(&example, &status);
    assert_eq!(status["status"], "finished_with_errors");
    assert_eq!(status["devicesStatus"][0]["status"], "finished_with_errors");
    assert_eq!(status["devicesStatus"][0]["serialNumber"], "1R9-ZNP67");

    // Batches with real devices, named as the examples name theirs.
    let registered =
        create(&app, &partner.key, home, "testbatch", vec![pc_device(1313, 0), pc_device(1313, 1)]).await;
    assert_eq!(registered["status"], "finished", "{registered}");
    create(&app, &partner.key, home, "Test", vec![pc_device(1313, 2)]).await;

    // Add devices to an existing batch: a new upload with its own tracking id.
    let example = Example::load("add_devices");
    let path = example.path(home, &[]);
    assert!(path.ends_with("/deviceBatches/Test/devices"), "{path}");
    let body = json!([pc_device(1313, 3), pc_device(1313, 4)]);
    let response = example.send(&app, &partner.key, &path, Some(body.clone())).await;
    assert_eq!(response.status().as_u16(), example.status());
    let added = example.check_location(&response, home);
    assert_ne!(added, tracking_id);
    // The same MS-RequestId again: the first upload.
    let retried = example.send(&app, &partner.key, &path, Some(body)).await;
    assert_eq!(example.check_location(&retried, home), added);
    let added_status = upload_status(&app, &partner.key, home, added).await;
    assert_eq!(added_status["status"], "finished", "{added_status}");
    // The documented body as it is (placeholder hashes): accepted, its rows fail.
    let response = example.send(&app, &partner.key, &path, None).await;
    assert_eq!(response.status().as_u16(), example.status());

    // The batches: each BatchId once, its uploads together.
    let example = Example::load("list_batches");
    let listed =
        json_of(example.send(&app, &partner.key, &example.path(home, &[]), None).await, example.status())
            .await;
    assert_same_shape(&example, &listed);
    let test =
        listed["items"].as_array().unwrap().iter().find(|item| item["id"] == "Test").expect("batch Test");
    assert_eq!(test["devicesCount"], 3, "{test}");
    assert_eq!(listed["totalCount"], 3, "{listed}");

    // The devices of a batch.
    let example = Example::load("list_devices");
    let devices =
        json_of(example.send(&app, &partner.key, &example.path(home, &[]), None).await, example.status())
            .await;
    assert_same_shape(&example, &devices);
    assert_eq!(devices["totalCount"], 2);
    let device_id = devices["items"][0]["id"].as_str().unwrap().to_owned();
    // Following the batch list's devicesLink gives the same.
    let link = test["devicesLink"]["uri"].as_str().unwrap();
    let linked = json_of(app.get(link, &partner.key).await, 200).await;
    assert_eq!(linked["totalCount"], 3, "{linked}");

    // The policies: the customer's profiles.
    let example = Example::load("list_policies");
    let policies =
        json_of(example.send(&app, &partner.key, &example.path(home, &[]), None).await, example.status())
            .await;
    assert_same_shape(&example, &policies);
    let power_user = policies["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|policy| policy["description"].as_str().unwrap().contains("Microsoft365ManagedPowerUser_"))
        .expect("the built-in power user profile");
    let policy_id = power_user["id"].as_str().unwrap().to_owned();

    // Assign a policy to a device: ztd ids in place of the example's.
    let example = Example::load("device_policy_updates");
    let mut body = example.doc["request"]["body"].clone();
    body["Devices"][0]["Id"] = json!(device_id);
    body["Devices"][0]["Policies"][0]["Value"] = json!(policy_id);
    let response = example.send(&app, &partner.key, &example.path(home, &[]), Some(body)).await;
    let updated = json_of(response, example.status()).await;
    // Shaped as an upload's status; its device succeeded, so no error fields.
    let mut documented = Example::load("batch_job_status");
    documented.doc["response"]["body"]["devicesStatus"][0]["errorCode"] = Value::Null;
    documented.doc["response"]["body"]["devicesStatus"][0]["errorDescription"] = Value::Null;
    assert_same_shape(&documented, &updated);
    assert_eq!(updated["status"], "finished", "{updated}");
    let shown = json_of(app.get(&format!("/api/v1/devices/{device_id}"), &partner.key).await, 200).await;
    assert_eq!(shown["group_tag"], "Microsoft365ManagedPowerUser_");
    assert_eq!(shown["profile"]["id"], policy_id.as_str());
    let devices =
        json_of(app.get(link.replace("/Test/", "/testbatch/").as_str(), &partner.key).await, 200).await;
    let listed_policy =
        devices["items"].as_array().unwrap().iter().find(|item| item["id"] == device_id.as_str()).unwrap();
    assert_eq!(listed_policy["policies"][0], json!({ "key": "o_o_b_e", "value": policy_id }));
    let policies =
        json_of(app.get(&format!("/partner-center/v1/customers/{home}/policies"), &partner.key).await, 200)
            .await;
    let counted =
        policies["items"].as_array().unwrap().iter().find(|item| item["id"] == policy_id.as_str()).unwrap();
    assert_eq!(counted["devicesAssigned"], 1, "{counted}");

    // Delete a device of a batch: 204, and it is deregistered.
    let example = Example::load("delete_device");
    let path = example.path(home, &[("7b11cd8b-dd1e-4840-8c4a-84215e4de782", &device_id)]);
    let response = example.send(&app, &partner.key, &path, None).await;
    assert_eq!(response.status().as_u16(), example.status());
    assert!(response.text().await.unwrap().is_empty());
    let shown = json_of(app.get(&format!("/api/v1/devices/{device_id}"), &partner.key).await, 200).await;
    assert_eq!(shown["state"], "deregistered");
    // The other form, devices/{id}, deregisters too.
    let other =
        devices["items"].as_array().unwrap().iter().find(|item| item["id"] != device_id.as_str()).unwrap();
    let path = format!("/partner-center/v1/customers/{home}/devices/{}", other["id"].as_str().unwrap());
    assert_eq!(app.delete(&path, &partner.key).await.status(), 204);
    let gone = app.delete(&path, &partner.key).await;
    let body = json_of(gone, 409).await;
    assert_pc_error(&body, 409, "device_deregistered");

    // A refusal: Partner Center's error body, carrying ztd's code.
    let unknown = format!("/partner-center/v1/customers/{home}/batchJobStatus/{}", Uuid::new_v4());
    let body = json_of(app.get(&unknown, &partner.key).await, 404).await;
    assert_pc_error(&body, 404, "batch_not_found");
}

async fn a_partner_without_consent_is_refused_in_partner_centers_shape(app: TestApp) {
    let batches_support::Connected { customer, partner, relationship_id } =
        batches_support::connected(&app).await;
    let home = customer.id();
    let stranger = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let batches = format!("/partner-center/v1/customers/{home}/deviceBatches");
    let upload = json!({ "BatchId": "refused", "Devices": [pc_device(2424, 0)] });

    // Never related.
    let body = json_of(app.post(&batches, &stranger.key, &upload).await, 403).await;
    assert_pc_error(&body, 403, "relationship_required");
    assert!(body["data"][1].as_str().unwrap().starts_with("hint: "), "{body}");
    for path in [batches.clone(), format!("/partner-center/v1/customers/{home}/policies")] {
        let body = json_of(app.get(&path, &stranger.key).await, 403).await;
        assert_pc_error(&body, 403, "relationship_required");
    }
    let policy_update =
        json!({ "Devices": [{ "Id": Uuid::new_v4(), "Policies": [{ "Key": "o_o_b_e", "Value": null }] }] });
    let path = format!("/partner-center/v1/customers/{home}/DevicePolicyUpdates");
    let body = json_of(app.patch(&path, &stranger.key, &policy_update).await, 403).await;
    assert_pc_error(&body, 403, "relationship_required");

    // Connected, then revoked by the customer.
    create(&app, &partner.key, home, "before", vec![pc_device(2424, 1)]).await;
    let revoked = app.delete(&format!("/api/v1/relationships/{relationship_id}"), &customer.key).await;
    assert_eq!(revoked.status(), 204);
    let body = json_of(app.post(&batches, &partner.key, &upload).await, 403).await;
    assert_pc_error(&body, 403, "relationship_required");
    let add = format!("{batches}/before/devices");
    let body = json_of(app.post(&add, &partner.key, &json!([pc_device(2424, 2)])).await, 403).await;
    assert_pc_error(&body, 403, "relationship_required");

    // A reader of a connected partner may read but not register.
    let partner2 = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    app.connect(&partner2, &customer).await;
    let reader = app.with_role(&partner2, Role::Reader).await;
    assert_eq!(app.get(&batches, &reader.key).await.status(), 200);
    let body = json_of(app.post(&batches, &reader.key, &upload).await, 403).await;
    assert_pc_error(&body, 403, "forbidden_role");

    // Nothing of the refused uploads was stored: the customer sees the one batch from before.
    let listed =
        json_of(app.get(&format!("/api/v1/customers/{home}/device-batches"), &customer.key).await, 200).await;
    assert_eq!(listed["batches"].as_array().unwrap().len(), 1, "{listed}");
}

async fn a_device_of_another_tenant_fails_with_808_in_the_upload_status(app: TestApp) {
    let first = batches_support::connected(&app).await;
    let second = batches_support::connected(&app).await;
    let device = pc_device(3535, 0);
    let done = create(&app, &first.partner.key, first.customer.id(), "first", vec![device.clone()]).await;
    assert_eq!(done["status"], "finished", "{done}");

    // The same device for another customer, by another partner.
    let status = create(&app, &second.partner.key, second.customer.id(), "second", vec![device]).await;
    assert_same_shape(&Example::load("batch_job_status"), &status);
    assert_eq!(status["status"], "finished_with_errors");
    let row = &status["devicesStatus"][0];
    assert_eq!(row["status"], "finished_with_errors");
    assert_eq!(row["errorCode"], "808", "{row}");
    assert!(row["deviceId"].is_null(), "{row}");
    let description = row["errorDescription"].as_str().unwrap();
    assert!(description.contains("(device_registered_to_other_tenant)"), "{description}");

    // The first registration stands.
    let devices = format!("/partner-center/v1/customers/{}/deviceBatches/first/devices", first.customer.id());
    let listed = json_of(app.get(&devices, &first.partner.key).await, 200).await;
    assert_eq!(listed["totalCount"], 1);
    // A batch of another customer is not found through this one.
    let elsewhere =
        format!("/partner-center/v1/customers/{}/deviceBatches/first/devices", second.customer.id());
    let body = json_of(app.get(&elsewhere, &second.partner.key).await, 404).await;
    assert_pc_error(&body, 404, "batch_not_found");
}

/// The caller's audit events (newest first).
async fn audit(app: &TestApp, org: &TestOrg) -> Vec<Value> {
    let body = json_of(app.get("/api/v1/audit?limit=1000", &org.key).await, 200).await;
    body["items"].as_array().cloned().expect("audit items")
}

async fn uploads_policy_changes_and_deletions_are_audited(app: TestApp) {
    let batches_support::Connected { customer, partner, .. } = batches_support::connected(&app).await;
    let home = customer.id();
    let status = create(&app, &partner.key, home, "audited", vec![pc_device(4646, 0)]).await;
    let tracking_id = status["batchTrackingId"].as_str().unwrap().to_owned();
    let device_id = status["devicesStatus"][0]["deviceId"].as_str().expect("registered").to_owned();

    let policies =
        json_of(app.get(&format!("/partner-center/v1/customers/{home}/policies"), &partner.key).await, 200)
            .await;
    let policy_id = policies["items"][0]["id"].as_str().unwrap().to_owned();
    let update =
        json!({ "Devices": [{ "Id": device_id, "Policies": [{ "Key": "o_o_b_e", "Value": policy_id }] }] });
    let path = format!("/partner-center/v1/customers/{home}/DevicePolicyUpdates");
    let updated = json_of(app.patch(&path, &partner.key, &update).await, 202).await;
    assert_eq!(updated["devicesStatus"][0]["status"], "finished", "{updated}");
    // An unknown device in the same request is that device's failure, not the request's.
    let update = json!({ "Devices": [{ "Id": Uuid::new_v4(), "Policies": [{ "Key": "o_o_b_e", "Value": policy_id }] }] });
    let failed = json_of(app.patch(&path, &partner.key, &update).await, 202).await;
    assert_eq!(failed["status"], "finished_with_errors");
    assert_eq!(failed["devicesStatus"][0]["errorCode"], "812", "{failed}");

    let delete = format!("/partner-center/v1/customers/{home}/devices/{device_id}");
    assert_eq!(app.delete(&delete, &partner.key).await.status(), 204);

    // On both sides' trails, as the native API writes them.
    for org in [&partner, &customer] {
        let trail = audit(&app, org).await;
        let has = |action: &str, target: &str| {
            trail.iter().any(|e| e["action"] == action && e["target_id"] == target)
        };
        assert!(has("device_batch.create", &tracking_id), "no batch creation on {}'s trail", org.org.name);
        assert!(has("device.update_group_tag", &device_id), "no tag change on {}'s trail", org.org.name);
        assert!(has("device.deregister", &device_id), "no deregistration on {}'s trail", org.org.name);
    }
    let trail = audit(&app, &partner).await;
    let created = trail
        .iter()
        .find(|e| e["action"] == "device_batch.create" && e["target_id"] == tracking_id.as_str())
        .unwrap();
    assert_eq!(created["details"]["order_number"], "audited", "{created}");
}

async fn uncovered_routes_and_bad_requests_answer_in_partner_centers_shape(app: TestApp) {
    let batches_support::Connected { customer, partner, .. } = batches_support::connected(&app).await;
    let home = customer.id();
    // A route of Partner Center's API this adapter does not cover.
    let body = json_of(
        app.get(&format!("/partner-center/v1/customers/{home}/subscriptions"), &partner.key).await,
        404,
    )
    .await;
    assert_pc_error(&body, 404, "not_found");
    // No credentials.
    let response = app
        .request(Method::GET, &format!("/partner-center/v1/customers/{home}/deviceBatches"), None)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let body = json_of(response, 401).await;
    assert_pc_error(&body, 401, "unauthenticated");
    // A body that is not a DeviceBatchCreationRequest: ztd's 801.
    let batches = format!("/partner-center/v1/customers/{home}/deviceBatches");
    let body = json_of(app.post(&batches, &partner.key, &json!({ "Devices": [] })).await, 400).await;
    assert_pc_error(&body, 801, "invalid_request_body");
    // Devices that are not objects, a request that is not one.
    for body in [json!({ "BatchId": "x", "Devices": [[null, null]] }), json!(["x", [{}]])] {
        let answer = json_of(app.post(&batches, &partner.key, &body).await, 400).await;
        assert_pc_error(&answer, 801, "invalid_request_body");
    }
    // No devices; a BatchId too long for an order number.
    let body =
        json_of(app.post(&batches, &partner.key, &json!({ "BatchId": "empty", "Devices": [] })).await, 422)
            .await;
    assert_pc_error(&body, 422, "empty_batch");
    let long = "x".repeat(65);
    let body = json_of(
        app.post(&batches, &partner.key, &json!({ "BatchId": long, "Devices": [pc_device(5757, 0)] })).await,
        422,
    )
    .await;
    assert_pc_error(&body, 422, "invalid_order_field");
    // Adding to a batch that does not exist.
    let body = json_of(
        app.post(&format!("{batches}/nothing/devices"), &partner.key, &json!([pc_device(5757, 1)])).await,
        404,
    )
    .await;
    assert_pc_error(&body, 404, "batch_not_found");
}

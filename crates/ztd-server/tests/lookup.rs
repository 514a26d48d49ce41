//! First-boot lookup over HTTP, on SQLite and PostgreSQL: 404 before registration, the
//! configuration file after (and the device becomes active), 409 when unassigned, 429 beyond
//! the per-address rate.

mod batches_support;

use batches_support::*;
use serde_json::{json, Value};
use ztd_server::testing::{error_body, TestApp};
use ztd_storage::{AuditFilter, DeviceFilter, DeviceState, OrgKind, Owner, Role};

ztd_server::both_backends!(
    lookup_before_and_after_registration,
    unassigned_devices_get_409,
    invalid_identity_is_refused_precisely,
    lookups_are_rate_limited_per_address,
    a_rollout_of_first_boots_is_recorded_once_each_and_kept_at_shutdown,
);

async fn lookup(app: &TestApp, body: &Value) -> reqwest::Response {
    app.request(reqwest::Method::POST, "/api/v1/device-lookup", None).json(body).send().await.expect("lookup")
}

async fn lookup_before_and_after_registration(app: TestApp) {
    let c = connected(&app).await;
    let device = &devices(301, 1)[0];
    let by_hash = json!({ "hardware_hash": device.hardware_hash });
    let by_tuple = json!({
        "manufacturer": device.manufacturer, "model": device.model, "serial_number": device.serial_number,
    });
    let by_pkid = json!({ "product_key_id": device.product_key_id });
    // Without proof the answer is the same whether the device is registered or not: no oracle.
    let mut unproven = Vec::new();
    for printed in [&by_tuple, &by_pkid] {
        let mut error = error_body(lookup(&app, printed).await).await;
        error.as_object_mut().unwrap().remove("request_id");
        unproven.push(error);
    }

    let response = lookup(&app, &by_hash).await;
    assert_eq!(response.status(), 404);
    let error = error_body(response).await;
    assert_eq!(error["code"], "device_not_registered");
    assert_eq!(error["ztd_code"], 812);
    assert!(error["request_id"].as_str().is_some_and(|id| !id.is_empty()), "{error}");

    let batch = register(
        &app,
        &c.partner.key,
        c.customer.id(),
        batch_body(POWER_USER_TAG, json_devices(std::slice::from_ref(device))),
    )
    .await;
    let device_id = row(&batch, 1)["device_id"].as_str().unwrap().to_owned();

    // What is printed on the box is no proof: no tenant, no configuration, no activation, and
    // the very answer an unregistered device got.
    for (printed, before) in [&by_tuple, &by_pkid].into_iter().zip(&unproven) {
        let response = lookup(&app, printed).await;
        assert_eq!(response.status(), 422, "{printed}");
        let text = response.text().await.unwrap();
        assert!(text.contains("missing_device_identity"), "{text}");
        assert!(!text.contains(&c.customer.id().to_string()), "the tenant leaked: {text}");
        let mut error: Value = serde_json::from_str::<Value>(&text).unwrap()["error"].clone();
        error.as_object_mut().unwrap().remove("request_id");
        assert_eq!(&error, before, "a lookup without proof tells registered from unregistered devices");
    }
    app.first_boots_written().await;
    let shown: Value =
        app.get(&format!("/api/v1/devices/{device_id}"), &c.customer.key).await.json().await.unwrap();
    assert_eq!(shown["state"], "registered", "a printed-facts lookup activated the device");

    let response = lookup(&app, &by_hash).await;
    assert_eq!(response.status(), 200);
    let config: Value = response.json().await.unwrap();
    assert_eq!(config["Version"], 2049);
    assert_eq!(config["CloudAssignedTenantId"], c.customer.id().to_string());
    assert_eq!(config["ZtdCorrelationId"], device_id.as_str());
    assert_eq!(config["CloudAssignedForcedEnrollment"], 1);
    assert_eq!(config["CloudAssignedDomainJoinMethod"], 0);
    // Power user: local admin, so bit 2 is off; skip privacy, OEM, EULA, keyboard.
    assert_eq!(config["CloudAssignedOobeConfig"], 4 + 8 + 16 + 1024);
    assert_eq!(config["Comment_File"], "Profile Power user");
    for key in [
        "CloudAssignedTenantDomain",
        "CloudAssignedDeviceName",
        "CloudAssignedLanguage",
        "CloudAssignedRegion",
    ] {
        assert!(config.get(key).is_some(), "missing {key}: {config}");
    }

    // The first lookup made it active: written off the request path, within moments
    // (docs/operations.md#first-boots), with nobody asking for it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let shown = loop {
        let shown: Value =
            app.get(&format!("/api/v1/devices/{device_id}"), &c.customer.key).await.json().await.unwrap();
        if shown["state"] == "active" || std::time::Instant::now() > deadline {
            break shown;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    };
    assert_eq!(shown["state"], "active", "{shown}");
    assert!(shown["activated_at"].is_string());

    // A second boot (a reset device) gets the same file; the device stays active.
    let response = lookup(&app, &by_hash).await;
    assert_eq!(response.status(), 200);
    let again: Value = response.json().await.unwrap();
    assert_eq!(again["ZtdCorrelationId"], device_id.as_str());

    // Deregistered: unknown again.
    app.delete(&format!("/api/v1/devices/{device_id}"), &c.customer.key).await;
    assert_eq!(lookup(&app, &by_hash).await.status(), 404);

    app.first_boots_written().await;
    let audit: Value = app.get("/api/v1/audit", &c.customer.key).await.json().await.unwrap();
    let activations =
        audit["items"].as_array().unwrap().iter().filter(|e| e["action"] == "device.activate").count();
    assert_eq!(activations, 1);
}

async fn unassigned_devices_get_409(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let device = &devices(302, 1)[0];
    register(
        &app,
        &customer.key,
        customer.id(),
        json!({ "devices": json_devices(std::slice::from_ref(device)) }),
    )
    .await;
    let response = lookup(&app, &json!({ "hardware_hash": device.hardware_hash })).await;
    assert_eq!(response.status(), 409);
    let error = error_body(response).await;
    assert_eq!(error["code"], "device_unassigned");
    assert!(!error.to_string().contains(&customer.id().to_string()));
    let listed = list_all(&app, &customer.key, customer.id(), "").await;
    assert_eq!(listed[0]["state"], "unassigned");
}

async fn invalid_identity_is_refused_precisely(app: TestApp) {
    let response = lookup(&app, &json!({ "hardware_hash": "T0EAAA==" })).await;
    assert_eq!(response.status(), 422);
    let error = error_body(response).await;
    assert_eq!(error["code"], "invalid_hardware_hash");
    assert_eq!(error["ztd_code"], 802);

    let response = lookup(&app, &json!({})).await;
    assert_eq!(error_body(response).await["code"], "missing_device_identity");

    let response = lookup(&app, &json!({ "hash": "x" })).await;
    assert_eq!(response.status(), 400);
}

async fn lookups_are_rate_limited_per_address(app: TestApp) {
    let mut app = app;
    app.stop().await;
    let Some(app) = TestApp::spawn_with(app.backend, |config| config.lookup_rate_per_minute = 3).await else {
        return;
    };
    let body = json!({ "hardware_hash": devices(303, 1)[0].hardware_hash });
    for _ in 0..3 {
        assert_eq!(lookup(&app, &body).await.status(), 404);
    }
    let response = lookup(&app, &body).await;
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    assert_eq!(error_body(response).await["code"], "rate_limited");

    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("ztd_device_lookups_total"), "{metrics}");
    assert!(metrics.contains("ztd_device_lookup_duration_seconds"), "{metrics}");
}

/// docs/operations.md#first-boots: first boots are answered at once and written in groups off
/// the request path. A rollout (every device boots once, some retry) ends with each device
/// active exactly once and one `device.activate` each; a clean shutdown right after the last
/// answer loses none.
async fn a_rollout_of_first_boots_is_recorded_once_each_and_kept_at_shutdown(app: TestApp) {
    use futures::StreamExt;
    const DEVICES: usize = 150;
    // A rollout comes from many addresses; the per-address limit is not what is tried here.
    let mut app = app;
    app.stop().await;
    let Some(mut app) = TestApp::spawn_with(app.backend, |config| config.lookup_rate_per_minute = 0).await
    else {
        return;
    };
    let customer = app.org_with_key(OrgKind::Customer, Role::Registrar).await;
    let devices = devices(303, DEVICES);
    let batch =
        register(&app, &customer.key, customer.id(), batch_body(STANDARD_TAG, json_devices(&devices))).await;
    assert_eq!(batch["registered"], DEVICES as i64, "{batch}");

    let boots =
        devices.iter().chain(&devices[..30]).map(|device| json!({ "hardware_hash": device.hardware_hash }));
    let statuses: Vec<u16> = futures::stream::iter(boots)
        .map(|body| {
            let app = &app;
            async move { lookup(app, &body).await.status().as_u16() }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert!(statuses.iter().all(|status| *status == 200), "{statuses:?}");

    // Stopped at once: what was answered must be written before the process ends.
    app.stop().await;
    let active = DeviceFilter { state: Some(DeviceState::Active), ..DeviceFilter::default() };
    let page = app
        .db
        .list_devices(&Owner::Customer(customer.id()), customer.id(), &active, None, 1_000)
        .await
        .unwrap();
    assert_eq!(page.items.len(), DEVICES, "first boots lost at shutdown");
    assert!(page.items.iter().all(|device| device.activated_at.is_some()));
    let events = app.db.list_audit(&AuditFilter { org_id: customer.id() }, None, 1_000).await.unwrap();
    let activations = events.iter().filter(|event| event.action == "device.activate").count();
    assert_eq!(activations, DEVICES, "one device.activate per device");
}

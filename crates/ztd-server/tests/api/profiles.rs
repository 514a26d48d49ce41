//! docs/domain.md#profiles-and-group-tags: built-in profiles, custom profiles validated by the
//! domain rules, unique tags, deleting a used profile refused.

use serde_json::json;
use ztd_server::testing::{TestApp, TestOrg};
use ztd_storage::{OrgKind, Role};

use crate::{expect_error, expect_json};

ztd_server::both_backends!(
    custom_profiles_are_validated_and_unique,
    built_in_profiles_are_fixed,
    a_used_profile_cannot_be_deleted
);

fn profiles_path(customer: &TestOrg) -> String {
    format!("/api/v1/customers/{}/profiles", customer.id())
}

async fn custom_profiles_are_validated_and_unique(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let path = profiles_path(&customer);
    let body = json!({
        "name": "Kiosk",
        "group_tag": "ContosoKiosk",
        "settings": { "deployment_mode": "self_deploying", "device_name_template": "KSK-%SERIAL%" },
    });
    let created = expect_json(app.post(&path, &customer.key, &body).await, 201).await;
    assert_eq!(created["built_in"], false);
    assert_eq!(created["settings"]["deployment_mode"], "self_deploying");
    // Unnamed settings keep the managed-desktop defaults.
    assert_eq!(created["settings"]["skip_eula"], true);
    assert_eq!(created["settings"]["join_type"], "cloud");

    // The tag is unique per customer…
    let duplicate = json!({ "name": "Kiosk 2", "group_tag": "ContosoKiosk" });
    let error = expect_error(app.post(&path, &customer.key, &duplicate).await, 409, "group_tag_taken").await;
    assert!(error["message"].as_str().unwrap().contains("\"ContosoKiosk\""), "{error}");
    // …but another customer may use it.
    let other = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    expect_json(app.post(&profiles_path(&other), &other.key, &duplicate).await, 201).await;

    // Domain rules: a name template longer than 15 characters, an unknown variable.
    let too_long = json!({ "name": "Long", "group_tag": "Long", "settings": { "device_name_template": "CONTOSO-LAPTOP-%RAND:5%" } });
    let error = expect_error(app.post(&path, &customer.key, &too_long).await, 422, "invalid_profile").await;
    assert!(error["message"].as_str().unwrap().contains("15"), "{error}");
    let unknown_variable =
        json!({ "name": "Var", "group_tag": "Var", "settings": { "device_name_template": "PC-%USER%" } });
    let error =
        expect_error(app.post(&path, &customer.key, &unknown_variable).await, 422, "invalid_profile").await;
    assert!(error["message"].as_str().unwrap().contains("%USER%"), "{error}");
    let padded_tag = json!({ "name": "Padded", "group_tag": " Padded" });
    expect_error(app.post(&path, &customer.key, &padded_tag).await, 422, "invalid_profile").await;
    // A misspelt setting is a body error naming it.
    let typo = json!({ "name": "Typo", "group_tag": "Typo", "settings": { "skip_eulaa": true } });
    let error = expect_error(app.post(&path, &customer.key, &typo).await, 400, "invalid_request_body").await;
    assert!(error["message"].as_str().unwrap().contains("skip_eulaa"), "{error}");

    // PATCH merges settings and may retag.
    let id = created["id"].as_str().unwrap();
    let patch = json!({ "group_tag": "ContosoKioskV2", "settings": { "language": "en-US", "region": "US" } });
    let updated = expect_json(app.patch(&format!("{path}/{id}"), &customer.key, &patch).await, 200).await;
    assert_eq!(updated["group_tag"], "ContosoKioskV2");
    assert_eq!(updated["settings"]["deployment_mode"], "self_deploying");
    assert_eq!(updated["settings"]["language"], "en-US");
    let bad_region = json!({ "settings": { "region": "usa" } });
    expect_error(
        app.patch(&format!("{path}/{id}"), &customer.key, &bad_region).await,
        422,
        "invalid_profile",
    )
    .await;

    // Delete an unused profile; it is gone afterwards.
    assert_eq!(app.delete(&format!("{path}/{id}"), &customer.key).await.status(), 204);
    expect_error(app.delete(&format!("{path}/{id}"), &customer.key).await, 404, "profile_not_found").await;
    let listed = expect_json(app.get(&path, &customer.key).await, 200).await;
    assert_eq!(listed.as_array().unwrap().len(), 3, "only the built-ins remain: {listed}");

    // Every change is in the customer's audit trail.
    let audit = expect_json(app.get("/api/v1/audit", &customer.key).await, 200).await;
    let actions: Vec<&str> =
        audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["profile.create", "profile.update", "profile.delete"] {
        assert!(actions.contains(&action), "{action} missing: {actions:?}");
    }
}

async fn built_in_profiles_are_fixed(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let path = profiles_path(&customer);
    let listed = expect_json(app.get(&path, &customer.key).await, 200).await;
    let standard =
        listed.as_array().unwrap().iter().find(|p| p["group_tag"] == "Microsoft365ManagedStandard_").unwrap();
    assert_eq!(standard["built_in"], true);
    let id = standard["id"].as_str().unwrap();
    let retag = json!({ "group_tag": "Standard" });
    expect_error(app.patch(&format!("{path}/{id}"), &customer.key, &retag).await, 409, "built_in_profile")
        .await;
    expect_error(app.delete(&format!("{path}/{id}"), &customer.key).await, 409, "built_in_profile").await;
    // Its settings can change.
    let settings = json!({ "settings": { "skip_keyboard_selection": false } });
    let updated = expect_json(app.patch(&format!("{path}/{id}"), &customer.key, &settings).await, 200).await;
    assert_eq!(updated["settings"]["skip_keyboard_selection"], false);
    assert_eq!(updated["group_tag"], "Microsoft365ManagedStandard_");
}

async fn a_used_profile_cannot_be_deleted(app: TestApp) {
    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let path = profiles_path(&customer);
    let profile = json!({ "name": "Lab", "group_tag": "ContosoLab" });
    let profile = expect_json(app.post(&path, &customer.key, &profile).await, 201).await;

    // The customer registers one of its own devices with the profile's tag.
    let device = ztd_domain::synth::device(4_004, 0).to_input(None);
    let batch = json!({ "group_tag": "ContosoLab", "devices": [device] });
    let finished = crate::batches_support::register(&app, &customer.key, customer.id(), batch).await;
    assert_eq!(finished["status"], "finished", "{finished}");

    let id = profile["id"].as_str().unwrap();
    let error =
        expect_error(app.delete(&format!("{path}/{id}"), &customer.key).await, 409, "profile_in_use").await;
    assert!(error["message"].as_str().unwrap().contains("ContosoLab"), "{error}");
    let listed = expect_json(app.get(&path, &customer.key).await, 200).await;
    assert!(listed.as_array().unwrap().iter().any(|p| p["id"] == id), "the profile is still there");
}

//! docs/domain.md#tenancy: nothing of one organisation is visible to another; another tenant's
//! resource is answered exactly like a missing one.

use serde_json::{json, Value};
use uuid::Uuid;
use ztd_server::testing::TestApp;
use ztd_storage::{OrgKind, Role};

use crate::expect_json;

ztd_server::both_backends!(another_tenants_resources_look_missing, a_partner_learns_nothing_about_strangers);

/// The error with the two ids replaced, so "theirs" and "missing" can be compared.
fn normalised(mut error: Value, ids: &[String]) -> Value {
    error["request_id"] = Value::Null;
    let mut message = error["message"].as_str().unwrap_or_default().to_owned();
    for id in ids {
        message = message.replace(id.as_str(), "<id>");
    }
    error["message"] = Value::String(message);
    error
}

async fn same_answer(
    app: &TestApp,
    theirs: reqwest::Response,
    missing: reqwest::Response,
    ids: &[String],
) -> Value {
    let _ = app;
    let (status_theirs, status_missing) = (theirs.status(), missing.status());
    let theirs = ztd_server::testing::error_body(theirs).await;
    let missing = ztd_server::testing::error_body(missing).await;
    assert_eq!(status_theirs, status_missing);
    assert_eq!(normalised(theirs.clone(), ids), normalised(missing, ids));
    theirs
}

async fn another_tenants_resources_look_missing(app: TestApp) {
    let a = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let b = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let b_profile = expect_json(
        app.post(
            &format!("/api/v1/customers/{}/profiles", b.id()),
            &b.key,
            &json!({ "name": "B", "group_tag": "BTag" }),
        )
        .await,
        201,
    )
    .await;
    let b_profile = b_profile["id"].as_str().unwrap().to_owned();
    let missing = Uuid::new_v4().to_string();
    let ids = [b_profile.clone(), missing.clone(), b.id().to_string()];

    // B's profile through A's own customer path: like a missing profile.
    let a_path = format!("/api/v1/customers/{}/profiles", a.id());
    let theirs = app.patch(&format!("{a_path}/{b_profile}"), &a.key, &json!({ "name": "mine" })).await;
    let absent = app.patch(&format!("{a_path}/{missing}"), &a.key, &json!({ "name": "mine" })).await;
    let error = same_answer(&app, theirs, absent, &ids).await;
    assert_eq!(error["code"], "profile_not_found");
    let theirs = app.delete(&format!("{a_path}/{b_profile}"), &a.key).await;
    let absent = app.delete(&format!("{a_path}/{missing}"), &a.key).await;
    same_answer(&app, theirs, absent, &ids).await;

    // B's customer path: like a customer that does not exist.
    let theirs = app.get(&format!("/api/v1/customers/{}/profiles", b.id()), &a.key).await;
    let absent = app.get(&format!("/api/v1/customers/{missing}/profiles"), &a.key).await;
    let error = same_answer(&app, theirs, absent, &ids).await;
    assert_eq!(error["code"], "customer_not_found");
    let theirs = app
        .patch(&format!("/api/v1/customers/{}/profiles/{b_profile}", b.id()), &a.key, &json!({ "name": "x" }))
        .await;
    let absent = app
        .patch(&format!("/api/v1/customers/{missing}/profiles/{b_profile}"), &a.key, &json!({ "name": "x" }))
        .await;
    same_answer(&app, theirs, absent, &ids).await;

    // B's API keys and relationships.
    let b_keys = expect_json(app.get("/api/v1/api-keys", &b.key).await, 200).await;
    let b_key = b_keys[0]["id"].as_str().unwrap().to_owned();
    let ids = [b_key.clone(), missing.clone()];
    let theirs = app.delete(&format!("/api/v1/api-keys/{b_key}"), &a.key).await;
    let absent = app.delete(&format!("/api/v1/api-keys/{missing}"), &a.key).await;
    same_answer(&app, theirs, absent, &ids).await;
    // B's key still works.
    expect_json(app.get("/api/v1/orgs/me", &b.key).await, 200).await;

    let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let relationship = app.connect(&partner, &b).await.to_string();
    let ids = [relationship.clone(), missing.clone()];
    let theirs = app.delete(&format!("/api/v1/relationships/{relationship}"), &a.key).await;
    let absent = app.delete(&format!("/api/v1/relationships/{missing}"), &a.key).await;
    same_answer(&app, theirs, absent, &ids).await;

    // A's lists hold nothing of B.
    let relationships = expect_json(app.get("/api/v1/relationships", &a.key).await, 200).await;
    assert_eq!(relationships, json!([]));
    let audit = expect_json(app.get("/api/v1/audit", &a.key).await, 200).await;
    for event in audit["items"].as_array().unwrap() {
        let text = event.to_string();
        assert!(!text.contains(&b.id().to_string()), "B leaks into A's audit: {event}");
    }
}

async fn a_partner_learns_nothing_about_strangers(app: TestApp) {
    let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let stranger = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let missing = Uuid::new_v4().to_string();
    let ids = [stranger.id().to_string(), missing.clone()];
    // An existing customer without a relationship and a made-up id: the same 403.
    let theirs = app.get(&format!("/api/v1/customers/{}/profiles", stranger.id()), &partner.key).await;
    let absent = app.get(&format!("/api/v1/customers/{missing}/profiles"), &partner.key).await;
    let error = same_answer(&app, theirs, absent, &ids).await;
    assert_eq!(error["code"], "relationship_required");
    // A link naming a customer, a non-customer or a made-up id: created alike, so creating
    // links tells the partner nothing about which organisations exist.
    let other_partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let mut shapes = Vec::new();
    let mut tokens = Vec::new();
    for customer_id in [stranger.id().to_string(), other_partner.id().to_string(), missing.clone()] {
        let created =
            app.post("/api/v1/invitations", &partner.key, &json!({ "customer_id": customer_id })).await;
        assert_eq!(created.status(), 201, "link for {customer_id}");
        let body: Value = created.json().await.expect("json");
        tokens.push(body["token"].as_str().expect("token").to_owned());
        let mut keys: Vec<String> = body.as_object().expect("object").keys().cloned().collect();
        keys.sort();
        shapes.push(keys);
    }
    assert!(shapes.windows(2).all(|pair| pair[0] == pair[1]), "answers differ in shape: {shapes:?}");
    // Only the named customer can accept: the links for other ids are dead for everyone else.
    for token in &tokens[1..] {
        let refused =
            app.post(&format!("/api/v1/invitations/{token}/accept"), &stranger.key, &json!({})).await;
        assert_eq!(refused.status(), 403);
        let error = ztd_server::testing::error_body(refused).await;
        assert_eq!(error["code"], "invitation_for_another_customer");
    }
}

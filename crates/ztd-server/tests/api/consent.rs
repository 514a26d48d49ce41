//! docs/domain.md#consent: invitation links, acceptance, revocation by either side, effective at once.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;
use ztd_server::auth;
use ztd_server::testing::TestApp;
use ztd_storage::{Invitation, NewAuditEvent, OrgKind, RelationshipKind, Role};

use crate::{expect_error, expect_json};

ztd_server::both_backends!(
    consent_story,
    accepting_is_idempotent_and_single_use_links_are_used_once,
    oem_links_are_reusable,
    expired_and_withdrawn_links_are_refused,
    only_customer_admins_accept,
    a_link_for_one_customer_is_refused_to_another,
    the_partner_can_revoke_too,
);

async fn consent_story(app: TestApp) {
    let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let profiles = format!("/api/v1/customers/{}/profiles", customer.id());

    // Before consent the partner may not touch the customer.
    let refused = app.get(&profiles, &partner.key).await;
    let error = expect_error(refused, 403, "relationship_required").await;
    assert!(error["message"].as_str().unwrap().contains(&customer.id().to_string()));

    // The partner creates a link for the customer.
    let created =
        app.post("/api/v1/invitations", &partner.key, &json!({ "customer_id": customer.id() })).await;
    let invitation = expect_json(created, 201).await;
    let token = invitation["token"].as_str().unwrap();
    assert!(token.starts_with("ztdinv_"), "{invitation}");
    assert_eq!(invitation["url"], format!("{}/invitations/{token}", app.base_url));
    assert_eq!(invitation["kind"], "csp");
    assert_eq!(invitation["reusable"], false);
    let expires_at: chrono::DateTime<Utc> = invitation["expires_at"].as_str().unwrap().parse().unwrap();
    let days = (expires_at - Utc::now()).num_hours();
    assert!((7 * 24 - 1..=7 * 24).contains(&days), "default expiry is 7 days, got {days} h");

    // The customer's admin accepts.
    let accepted = app.post(&format!("/api/v1/invitations/{token}/accept"), &customer.key, &json!({})).await;
    let relationship = expect_json(accepted, 201).await;
    assert_eq!(relationship["status"], "active");
    assert_eq!(relationship["partner_org_id"], partner.id().to_string());
    assert_eq!(relationship["customer_org_id"], customer.id().to_string());
    assert_eq!(relationship["partner_name"], partner.org.name.as_str());
    let relationship_id = relationship["id"].as_str().unwrap().to_owned();

    // The partner is allowed now: it sees the customer's three built-in profiles.
    let listed = expect_json(app.get(&profiles, &partner.key).await, 200).await;
    let mut tags: Vec<&str> =
        listed.as_array().unwrap().iter().map(|p| p["group_tag"].as_str().unwrap()).collect();
    tags.sort_unstable();
    assert_eq!(
        tags,
        [
            "Microsoft365ManagedPowerUser_",
            "Microsoft365ManagedSensitiveData_",
            "Microsoft365ManagedStandard_"
        ]
    );
    let customers = expect_json(app.get("/api/v1/customers", &partner.key).await, 200).await;
    assert_eq!(customers[0]["id"], customer.id().to_string(), "{customers}");

    // Both sides list the relationship.
    for side in [&partner, &customer] {
        let listed = expect_json(app.get("/api/v1/relationships", &side.key).await, 200).await;
        assert_eq!(listed[0]["id"], relationship_id.as_str(), "{listed}");
    }

    // The customer revokes; the partner's very next request is refused.
    let revoked = app.delete(&format!("/api/v1/relationships/{relationship_id}"), &customer.key).await;
    assert_eq!(revoked.status(), 204);
    expect_error(app.get(&profiles, &partner.key).await, 403, "relationship_required").await;
    let customers = expect_json(app.get("/api/v1/customers", &partner.key).await, 200).await;
    assert_eq!(customers, json!([]));
    let listed = expect_json(app.get("/api/v1/relationships", &partner.key).await, 200).await;
    assert_eq!(listed[0]["status"], "revoked");
    assert_eq!(listed[0]["revoked_by_org_id"], customer.id().to_string());
    // Revoking again changes nothing.
    let again = app.delete(&format!("/api/v1/relationships/{relationship_id}"), &customer.key).await;
    assert_eq!(again.status(), 204);

    // The customer's audit trail shows the whole story, each step with its request id.
    let audit = expect_json(app.get("/api/v1/audit", &customer.key).await, 200).await;
    let actions: Vec<&str> =
        audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["invitation.accept", "relationship.revoke"] {
        assert!(actions.contains(&action), "{action} missing from {actions:?}");
    }
    // The link was made before any relationship: it is in the partner's trail, not the
    // customer's (a partner cannot write into a stranger's audit; docs/domain.md#audit).
    assert!(!actions.contains(&"invitation.create"), "{actions:?}");
    let partner_audit = expect_json(app.get("/api/v1/audit", &partner.key).await, 200).await;
    let partner_actions: Vec<&str> =
        partner_audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(partner_actions.contains(&"invitation.create"), "{partner_actions:?}");
    let accept =
        audit["items"].as_array().unwrap().iter().find(|e| e["action"] == "invitation.accept").unwrap();
    assert_eq!(accept["actor_org_id"], customer.id().to_string());
    assert!(accept["request_id"].as_str().is_some_and(|id| !id.is_empty()), "{accept}");
}

async fn accepting_is_idempotent_and_single_use_links_are_used_once(app: TestApp) {
    let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let first = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let second = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    // A CSP link naming no customer: the first customer to accept uses it up.
    let invitation = expect_json(app.post("/api/v1/invitations", &partner.key, &json!({})).await, 201).await;
    let accept = format!("/api/v1/invitations/{}/accept", invitation["token"].as_str().unwrap());
    let created = expect_json(app.post(&accept, &first.key, &json!({})).await, 201).await;
    let again = expect_json(app.post(&accept, &first.key, &json!({})).await, 200).await;
    assert_eq!(created["id"], again["id"]);
    expect_error(app.post(&accept, &second.key, &json!({})).await, 409, "invitation_used").await;

    let listed = expect_json(app.get("/api/v1/invitations", &partner.key).await, 200).await;
    assert_eq!(listed[0]["status"], "used");
    assert_eq!(listed[0]["accepted_count"], 1);
    assert!(listed[0].get("token").is_none(), "tokens are shown once: {listed}");
}

async fn oem_links_are_reusable(app: TestApp) {
    let oem = app.org_with_key(OrgKind::Oem, Role::Admin).await;
    let invitation = expect_json(app.post("/api/v1/invitations", &oem.key, &json!({})).await, 201).await;
    assert_eq!(invitation["kind"], "oem");
    assert_eq!(invitation["reusable"], true);
    let accept = format!("/api/v1/invitations/{}/accept", invitation["token"].as_str().unwrap());
    for _ in 0..2 {
        let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
        let relationship = expect_json(app.post(&accept, &customer.key, &json!({})).await, 201).await;
        assert_eq!(relationship["kind"], "oem");
    }
    let relationships = expect_json(app.get("/api/v1/relationships", &oem.key).await, 200).await;
    assert_eq!(relationships.as_array().unwrap().len(), 2);
}

async fn expired_and_withdrawn_links_are_refused(app: TestApp) {
    let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;

    // An expired link, arranged in the database (the API only makes future expiries).
    let token = "ztdinv_expired-for-test";
    let expired = Invitation {
        id: Uuid::new_v4(),
        token_hash: auth::hash_token(token),
        creator_org_id: partner.id(),
        kind: RelationshipKind::Csp,
        customer_id: None,
        reusable: false,
        created_at: Utc::now() - Duration::days(8),
        expires_at: Utc::now() - Duration::days(1),
        withdrawn_at: None,
        accepted_count: 0,
    };
    let audit = NewAuditEvent {
        request_id: None,
        actor_kind: ztd_storage::ActorKind::System,
        actor_id: None,
        actor_org_id: Some(partner.id()),
        tenant_org_id: None,
        action: "invitation.create".into(),
        target_type: "invitation".into(),
        target_id: Some(expired.id.to_string()),
        details: json!({}),
    };
    app.db.create_invitation(&expired, &audit).await.unwrap();
    let error = expect_error(
        app.post(&format!("/api/v1/invitations/{token}/accept"), &customer.key, &json!({})).await,
        410,
        "invitation_expired",
    )
    .await;
    assert!(error["message"].as_str().unwrap().contains("expired at"), "{error}");
    let listed = expect_json(app.get("/api/v1/invitations", &partner.key).await, 200).await;
    assert_eq!(listed[0]["status"], "expired");

    // A withdrawn link.
    let invitation = expect_json(
        app.post("/api/v1/invitations", &partner.key, &json!({ "expires_in_days": 1 })).await,
        201,
    )
    .await;
    let id = invitation["id"].as_str().unwrap();
    assert_eq!(app.delete(&format!("/api/v1/invitations/{id}"), &partner.key).await.status(), 204);
    let accept = format!("/api/v1/invitations/{}/accept", invitation["token"].as_str().unwrap());
    expect_error(app.post(&accept, &customer.key, &json!({})).await, 410, "invitation_withdrawn").await;

    // An unknown token, and an expiry out of range.
    expect_error(
        app.post("/api/v1/invitations/ztdinv_nope/accept", &customer.key, &json!({})).await,
        404,
        "invitation_not_found",
    )
    .await;
    expect_error(
        app.post("/api/v1/invitations", &partner.key, &json!({ "expires_in_days": 0 })).await,
        422,
        "invalid_expiry",
    )
    .await;
    // Nothing was created along the way.
    let relationships = expect_json(app.get("/api/v1/relationships", &customer.key).await, 200).await;
    assert_eq!(relationships, json!([]));
}

async fn only_customer_admins_accept(app: TestApp) {
    let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let invitation = expect_json(app.post("/api/v1/invitations", &partner.key, &json!({})).await, 201).await;
    let accept = format!("/api/v1/invitations/{}/accept", invitation["token"].as_str().unwrap());
    for role in [Role::Registrar, Role::Reader] {
        let non_admin = app.with_role(&customer, role).await;
        let error =
            expect_error(app.post(&accept, &non_admin.key, &json!({})).await, 403, "forbidden_role").await;
        assert_eq!(error["message"], format!("this action needs the admin role; the caller has {role}"));
    }
    // Another partner's admin cannot accept on anyone's behalf.
    let other_partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    expect_error(app.post(&accept, &other_partner.key, &json!({})).await, 403, "forbidden_org_kind").await;
    // The link is still unused, and the admin can accept it.
    expect_json(app.post(&accept, &customer.key, &json!({})).await, 201).await;
}

async fn a_link_for_one_customer_is_refused_to_another(app: TestApp) {
    let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let intended = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let other = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let invitation = expect_json(
        app.post("/api/v1/invitations", &partner.key, &json!({ "customer_id": intended.id() })).await,
        201,
    )
    .await;
    let accept = format!("/api/v1/invitations/{}/accept", invitation["token"].as_str().unwrap());
    expect_error(app.post(&accept, &other.key, &json!({})).await, 403, "invitation_for_another_customer")
        .await;
    expect_json(app.post(&accept, &intended.key, &json!({})).await, 201).await;
}

async fn the_partner_can_revoke_too(app: TestApp) {
    let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let relationship = app.connect(&partner, &customer).await;
    let path = format!("/api/v1/relationships/{relationship}");
    // A partner registrar may not; an unrelated partner's admin sees nothing.
    let registrar = app.with_role(&partner, Role::Registrar).await;
    expect_error(app.delete(&path, &registrar.key).await, 403, "forbidden_role").await;
    let stranger = app.org_with_key(OrgKind::Partner, Role::Admin).await;
    expect_error(app.delete(&path, &stranger.key).await, 404, "relationship_not_found").await;
    assert_eq!(app.delete(&path, &partner.key).await.status(), 204);
    let profiles = format!("/api/v1/customers/{}/profiles", customer.id());
    expect_error(app.get(&profiles, &partner.key).await, 403, "relationship_required").await;
    // Revocation is recorded for both sides.
    let listed = expect_json(app.get("/api/v1/relationships", &customer.key).await, 200).await;
    assert_eq!(listed[0]["status"], "revoked");
    assert_eq!(listed[0]["revoked_by_org_id"], partner.id().to_string());
    // The request method is irrelevant to anonymity: unauthenticated gets 401.
    let anonymous = app.request(Method::DELETE, &path, None).send().await.unwrap();
    expect_error(anonymous, 401, "unauthenticated").await;
}

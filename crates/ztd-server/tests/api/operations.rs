//! Health, readiness, metrics, request ids and the shape of every error.

use reqwest::Method;
use ztd_server::testing::TestApp;
use ztd_storage::{OrgKind, Role};

use crate::{expect_error, expect_json};

ztd_server::both_backends!(
    health_readiness_and_metrics,
    request_ids_are_everywhere,
    unknown_routes_and_methods
);

async fn health_readiness_and_metrics(app: TestApp) {
    let health = app.request(Method::GET, "/healthz", None).send().await.unwrap();
    assert_eq!(expect_json(health, 200).await["status"], "ok");
    let ready = expect_json(app.request(Method::GET, "/readyz", None).send().await.unwrap(), 200).await;
    assert_eq!(ready["database"], app.backend.name());

    let metrics = app.request(Method::GET, "/metrics", None).send().await.unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(metrics.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = metrics.text().await.unwrap();
    assert!(
        text.contains(r#"ztd_http_requests_total{method="GET",route="/healthz",status="200"}"#),
        "{text}"
    );
    assert!(text.contains("ztd_http_request_duration_seconds_bucket"), "{text}");
}

async fn request_ids_are_everywhere(app: TestApp) {
    // Generated when absent, echoed in the header and the error body.
    let response = app.request(Method::GET, "/api/v1/orgs/me", None).send().await.unwrap();
    let header = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&header).is_ok(), "{header}");
    let error = expect_error(response, 401, "unauthenticated").await;
    assert_eq!(error["request_id"], header.as_str());

    // A client's own id is kept, and lands in the audit event of the mutation.
    let admin = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let response = app
        .request(Method::POST, "/api/v1/api-keys", Some(&admin.key))
        .header("x-request-id", "client-chosen-id-42")
        .json(&serde_json::json!({ "name": "traced", "role": "reader" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "client-chosen-id-42");
    assert_eq!(response.status(), 201);
    let audit = expect_json(app.get("/api/v1/audit", &admin.key).await, 200).await;
    let event = &audit["items"][0];
    assert_eq!(
        (event["action"].as_str(), event["request_id"].as_str()),
        (Some("api_key.create"), Some("client-chosen-id-42"))
    );

    // Keys are listed without secrets; a revoked key stops working at once (the caller's own
    // key last, so the revoking requests still authenticate).
    let reader = app.with_role(&admin, Role::Reader).await;
    assert_eq!(expect_json(app.get("/api/v1/orgs/me", &reader.key).await, 200).await["role"], "reader");
    let keys = expect_json(app.get("/api/v1/api-keys", &admin.key).await, 200).await;
    let mut keys = keys.as_array().unwrap().clone();
    assert_eq!(keys.len(), 3, "{keys:?}");
    for key in &keys {
        assert!(key.get("key").is_none() && key.get("key_hash").is_none(), "no secrets listed: {key}");
    }
    keys.sort_by_key(|key| key["name"] == "test admin");
    for key in &keys {
        let id = key["id"].as_str().unwrap();
        assert_eq!(app.delete(&format!("/api/v1/api-keys/{id}"), &admin.key).await.status(), 204);
    }
    expect_error(app.get("/api/v1/orgs/me", &reader.key).await, 401, "unauthenticated").await;
    expect_error(app.get("/api/v1/orgs/me", &admin.key).await, 401, "unauthenticated").await;

    // Audit paging: a page of one, then the next page by cursor.
    let other = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    for name in ["one", "two", "three"] {
        let created = app
            .post("/api/v1/api-keys", &other.key, &serde_json::json!({ "name": name, "role": "reader" }))
            .await;
        assert_eq!(created.status(), 201);
    }
    let first = expect_json(app.get("/api/v1/audit?limit=1", &other.key).await, 200).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    let cursor = first["next_cursor"].as_str().expect("a next page").to_owned();
    let second =
        expect_json(app.get(&format!("/api/v1/audit?limit=1&cursor={cursor}"), &other.key).await, 200).await;
    assert_ne!(first["items"][0]["seq"], second["items"][0]["seq"]);
    assert!(second["items"][0]["seq"].as_i64() < first["items"][0]["seq"].as_i64());
}

async fn unknown_routes_and_methods(app: TestApp) {
    let missing = app.request(Method::GET, "/api/v1/nothing-here", None).send().await.unwrap();
    let error = expect_error(missing, 404, "not_found").await;
    assert_eq!(error["message"], "no route for GET /api/v1/nothing-here");
    let wrong_method = app.request(Method::PUT, "/api/v1/orgs/me", None).send().await.unwrap();
    expect_error(wrong_method, 405, "method_not_allowed").await;
}

ztd_server::both_backends!(session_cookies_need_the_csrf_token_to_change_things);

/// The portal's sessions reach the API too: reading needs only the cookie, changing something
/// also needs the session's CSRF token; an expired session is no session.
async fn session_cookies_need_the_csrf_token_to_change_things(app: TestApp) {
    use chrono::{Duration, Utc};
    use ztd_server::app::access::AuditActor;
    use ztd_server::app::accounts::Email;
    use ztd_server::auth;
    use ztd_storage::{ActorKind, NewAuditEvent, Session};

    let org = app.create_org(OrgKind::Customer, "Session Co").await;
    let email = Email::parse("admin@session.example").unwrap();
    let user = app.create_user(org.id, &email, Role::Admin).await.unwrap().user;
    // A one-time password's session is refused by the API (tested in tests/portal.rs): this
    // person has chosen their own.
    let chosen = AuditActor::operator_cli().event(
        "user.password",
        "user",
        user.id,
        Some(org.id),
        serde_json::json!({}),
    );
    app.db.set_password(org.id, user.id, &user.password_hash, None, None, &chosen).await.unwrap();
    let session_for = |expires_at| {
        let token = auth::new_session_token();
        let session = Session {
            token_hash: token.hash,
            user_id: user.id,
            csrf_token: auth::new_csrf_token(),
            created_at: Utc::now(),
            expires_at,
        };
        (token.secret, session)
    };
    let signed_in = NewAuditEvent {
        request_id: None,
        actor_kind: ActorKind::User,
        actor_id: Some(user.id),
        actor_org_id: Some(org.id),
        tenant_org_id: Some(org.id),
        action: "user.sign_in".into(),
        target_type: "user".into(),
        target_id: Some(user.id.to_string()),
        details: serde_json::json!({}),
    };
    let (cookie, session) = session_for(Utc::now() + Duration::hours(1));
    app.db.create_session(&session, &signed_in).await.unwrap();
    let cookie = format!("{}={cookie}", auth::SESSION_COOKIE);

    let me =
        app.request(Method::GET, "/api/v1/orgs/me", None).header("cookie", &cookie).send().await.unwrap();
    let me = expect_json(me, 200).await;
    assert_eq!(
        (me["organisation"]["id"].as_str(), me["actor"].as_str()),
        (Some(org.id.to_string().as_str()), Some("admin@session.example"))
    );

    let body = serde_json::json!({ "name": "from the portal", "role": "reader" });
    let without = app
        .request(Method::POST, "/api/v1/api-keys", None)
        .header("cookie", &cookie)
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_error(without, 403, "csrf_rejected").await;
    let wrong = app
        .request(Method::POST, "/api/v1/api-keys", None)
        .header("cookie", &cookie)
        .header("x-csrf-token", "not-the-token")
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_error(wrong, 403, "csrf_rejected").await;
    let with = app
        .request(Method::POST, "/api/v1/api-keys", None)
        .header("cookie", &cookie)
        .header("x-csrf-token", &session.csrf_token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), 201);
    // The audit names the user as the actor.
    let audit =
        app.request(Method::GET, "/api/v1/audit", None).header("cookie", &cookie).send().await.unwrap();
    let audit = expect_json(audit, 200).await;
    assert_eq!(
        (audit["items"][0]["actor_kind"].as_str(), audit["items"][0]["actor_id"].as_str()),
        (Some("user"), Some(user.id.to_string().as_str()))
    );

    let (expired_cookie, expired) = session_for(Utc::now() - Duration::minutes(1));
    app.db.create_session(&expired, &signed_in).await.unwrap();
    let expired_cookie = format!("{}={expired_cookie}", auth::SESSION_COOKIE);
    let refused = app
        .request(Method::GET, "/api/v1/orgs/me", None)
        .header("cookie", &expired_cookie)
        .send()
        .await
        .unwrap();
    expect_error(refused, 401, "unauthenticated").await;
}

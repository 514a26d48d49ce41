//! Bad bodies: every one answered with a clear error naming what is wrong.

use reqwest::Method;
use serde_json::json;
use ztd_server::testing::{Backend, TestApp};
use ztd_storage::{OrgKind, Role};

use crate::expect_error;

ztd_server::both_backends!(bad_json_bodies_name_the_problem);

async fn bad_json_bodies_name_the_problem(app: TestApp) {
    let admin = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let send = |body: &'static str| {
        app.request(Method::POST, "/api/v1/api-keys", Some(&admin.key))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    let malformed = expect_error(send("{\"name\": \"x\",").await.unwrap(), 400, "invalid_request_body").await;
    assert_eq!(malformed["ztd_code"], 801);
    assert!(malformed["message"].as_str().unwrap().contains("line 1 column"), "{malformed}");

    let wrong_type =
        expect_error(send(r#"{"name": 5, "role": "admin"}"#).await.unwrap(), 400, "invalid_request_body")
            .await;
    let message = wrong_type["message"].as_str().unwrap();
    assert!(message.contains("name") && message.contains("invalid type: integer `5`"), "{message}");

    let unknown = expect_error(
        send(r#"{"name": "x", "role": "admin", "rol": 1}"#).await.unwrap(),
        400,
        "invalid_request_body",
    )
    .await;
    assert!(unknown["message"].as_str().unwrap().contains("unknown field `rol`"), "{unknown}");

    let bad_enum =
        expect_error(send(r#"{"name": "x", "role": "boss"}"#).await.unwrap(), 400, "invalid_request_body")
            .await;
    let message = bad_enum["message"].as_str().unwrap();
    assert!(message.contains("unknown variant `boss`") && message.contains("registrar"), "{message}");

    let missing = expect_error(send(r#"{"name": "x"}"#).await.unwrap(), 400, "invalid_request_body").await;
    assert!(missing["message"].as_str().unwrap().contains("missing field `role`"), "{missing}");

    let no_content_type = app
        .request(Method::POST, "/api/v1/api-keys", Some(&admin.key))
        .body(r#"{"name": "x", "role": "admin"}"#)
        .send()
        .await
        .unwrap();
    expect_error(no_content_type, 415, "unsupported_media_type").await;

    let bad_id = app.delete("/api/v1/api-keys/not-a-uuid", &admin.key).await;
    expect_error(bad_id, 400, "invalid_parameter").await;
    let bad_cursor = app.get("/api/v1/audit?cursor=abc", &admin.key).await;
    expect_error(bad_cursor, 400, "invalid_parameter").await;
    let bad_limit = app.get("/api/v1/audit?limit=0", &admin.key).await;
    expect_error(bad_limit, 400, "invalid_parameter").await;

    // Semantic errors are 422 and name the value.
    let bad_email =
        app.post("/api/v1/users", &admin.key, &json!({ "email": "not-an-email", "role": "reader" })).await;
    let error = expect_error(bad_email, 422, "invalid_email").await;
    assert!(error["message"].as_str().unwrap().contains("not-an-email"), "{error}");
}

mod oversized {
    use super::*;

    async fn oversized_bodies_get_413(backend: Backend) {
        let Some(app) = TestApp::spawn_with(backend, |config| config.max_json_body_bytes = 1024).await else {
            return;
        };
        let admin = app.org_with_key(OrgKind::Customer, Role::Admin).await;
        let body = json!({ "name": "x".repeat(4096), "role": "admin" });
        let error =
            expect_error(app.post("/api/v1/api-keys", &admin.key, &body).await, 413, "payload_too_large")
                .await;
        assert!(error["message"].as_str().unwrap().contains("1024 bytes"), "{error}");
        // A body under the limit still works.
        let small =
            app.post("/api/v1/api-keys", &admin.key, &json!({ "name": "small", "role": "reader" })).await;
        assert_eq!(small.status(), 201);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        oversized_bodies_get_413(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        oversized_bodies_get_413(Backend::Postgres).await;
    }
}

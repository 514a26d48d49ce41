//! The OpenAPI document: a snapshot keeps it honest, and every stable path
//! (docs/domain.md#http-contract) is in it.

use ztd_server::openapi::document;

#[test]
fn openapi_document_snapshot() {
    let document = serde_json::to_value(document()).expect("the document serialises");
    insta::assert_json_snapshot!("openapi", document);
}

#[test]
fn every_spec_route_is_documented_with_the_error_envelope() {
    let document = serde_json::to_value(document()).unwrap();
    let paths = document["paths"].as_object().expect("paths");
    let spec = [
        ("get", "/healthz"),
        ("get", "/readyz"),
        ("get", "/metrics"),
        ("get", "/api/v1/openapi.json"),
        ("post", "/api/v1/orgs"),
        ("get", "/api/v1/orgs/me"),
        ("post", "/api/v1/api-keys"),
        ("delete", "/api/v1/api-keys/{id}"),
        ("post", "/api/v1/invitations"),
        ("post", "/api/v1/invitations/{token}/accept"),
        ("get", "/api/v1/relationships"),
        ("delete", "/api/v1/relationships/{id}"),
        ("get", "/api/v1/customers/{customer_id}/profiles"),
        ("post", "/api/v1/customers/{customer_id}/profiles"),
        ("patch", "/api/v1/customers/{customer_id}/profiles/{id}"),
        ("delete", "/api/v1/customers/{customer_id}/profiles/{id}"),
        ("get", "/api/v1/audit"),
    ];
    for (method, path) in spec {
        let operation = &paths.get(path).unwrap_or_else(|| panic!("{path} is not documented"))[method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        if path.starts_with("/api/v1/") && path != "/api/v1/openapi.json" {
            assert_eq!(
                operation["security"][0]["bearer"],
                serde_json::json!([]),
                "{method} {path} without bearer"
            );
            let unauthorised =
                &operation["responses"]["401"]["content"]["application/json"]["schema"]["$ref"];
            assert_eq!(
                unauthorised, "#/components/schemas/ErrorEnvelope",
                "{method} {path} without 401 envelope"
            );
        }
    }
    let schemes = &document["components"]["securitySchemes"]["bearer"];
    assert_eq!(schemes["scheme"], "bearer");
    let envelope = &document["components"]["schemas"]["ErrorBody"]["properties"];
    for field in ["code", "ztd_code", "message", "hint", "request_id"] {
        assert!(envelope.get(field).is_some(), "ErrorBody without {field}");
    }
}

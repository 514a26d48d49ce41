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

/// Every link (docs/api.md#schemathesis-the-document-against-the-live-server) leads to an
/// operation of the document and names only parameters that operation has.
#[test]
fn links_lead_to_documented_operations() {
    let document = serde_json::to_value(document()).unwrap();
    let mut operations = std::collections::BTreeMap::new();
    for item in document["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            if let Some(id) = operation["operationId"].as_str() {
                let parameters: Vec<String> = operation["parameters"]
                    .as_array()
                    .map(|all| all.iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect())
                    .unwrap_or_default();
                operations.insert(id.to_owned(), parameters);
            }
        }
    }
    let mut links = 0;
    for item in document["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            for response in operation["responses"].as_object().into_iter().flat_map(|r| r.values()) {
                for (name, link) in response["links"].as_object().into_iter().flatten() {
                    links += 1;
                    let target =
                        link["operationId"].as_str().unwrap_or_else(|| panic!("{name} without operationId"));
                    let parameters =
                        operations.get(target).unwrap_or_else(|| panic!("{name} leads to {target}"));
                    for parameter in link["parameters"].as_object().unwrap().keys() {
                        assert!(
                            parameters.contains(parameter),
                            "{name}: {target} has no parameter {parameter}"
                        );
                    }
                }
            }
        }
    }
    assert!(links >= 10, "only {links} links");
}

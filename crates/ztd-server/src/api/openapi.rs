//! The OpenAPI 3 document, generated from the handlers' `#[utoipa::path]` annotations. Each
//! `api` module contributes its own `Doc`; a new module adds one `merge` line here.

use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::RefOr;
use utoipa::OpenApi;

use crate::api;
use crate::error::{ErrorBody, ErrorEnvelope};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ztd",
        description = "Zero-touch device registration. Every error is `{\"error\": {code, ztd_code, message, hint, request_id}}`.",
    ),
    components(schemas(ErrorEnvelope, ErrorBody)),
    modifiers(&BearerAuth),
)]
struct Root;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.description =
            Some("an API key, `ztd_…` (POST /api/v1/api-keys or `ztd admin create-api-key`)".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The document's links (OpenAPI 3 `links`): where an answer's id leads, for clients and for the
/// stateful tests of .ci/schemathesis.sh. (method, path, status) of the answer, the link's name,
/// the operation it leads to and that operation's parameters as runtime expressions.
type LinkSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const LINKS: &[LinkSpec] = &[
    ("post", "/api/v1/api-keys", "201", "RevokeApiKey", "revoke_api_key", &[("id", "$response.body#/id")]),
    ("post", "/api/v1/users", "201", "DisableUser", "disable_user", &[("id", "$response.body#/id")]),
    (
        "post",
        "/api/v1/invitations",
        "201",
        "WithdrawInvitation",
        "withdraw_invitation",
        &[("id", "$response.body#/id")],
    ),
    (
        "post",
        "/api/v1/invitations/{token}/accept",
        "201",
        "RevokeRelationship",
        "revoke_relationship",
        &[("id", "$response.body#/id")],
    ),
    (
        "post",
        "/api/v1/invitations/{token}/accept",
        "200",
        "RevokeRelationship",
        "revoke_relationship",
        &[("id", "$response.body#/id")],
    ),
    (
        "post",
        "/api/v1/customers/{customer_id}/profiles",
        "201",
        "UpdateProfile",
        "update_profile",
        &[("customer_id", "$request.path.customer_id"), ("id", "$response.body#/id")],
    ),
    (
        "post",
        "/api/v1/customers/{customer_id}/profiles",
        "201",
        "DeleteProfile",
        "delete_profile",
        &[("customer_id", "$request.path.customer_id"), ("id", "$response.body#/id")],
    ),
    (
        "post",
        "/api/v1/customers/{customer_id}/device-batches",
        "202",
        "ShowBatch",
        "show_batch",
        &[("id", "$response.body#/id")],
    ),
    (
        "get",
        "/api/v1/customers/{customer_id}/devices",
        "200",
        "ShowDevice",
        "show_device",
        &[("id", "$response.body#/devices/0/id")],
    ),
    (
        "get",
        "/api/v1/customers/{customer_id}/devices",
        "200",
        "UpdateDevice",
        "update_device",
        &[("id", "$response.body#/devices/0/id")],
    ),
    (
        "get",
        "/api/v1/customers/{customer_id}/devices",
        "200",
        "DeregisterDevice",
        "deregister_device",
        &[("id", "$response.body#/devices/0/id")],
    ),
    ("patch", "/api/v1/devices/{id}", "200", "ShowDevice", "show_device", &[("id", "$response.body#/id")]),
];

fn add_links(document: &mut utoipa::openapi::OpenApi) {
    for (method, path, status, name, operation_id, parameters) in LINKS {
        let item =
            document.paths.paths.get_mut(*path).unwrap_or_else(|| panic!("link from undocumented {path}"));
        let operation: &mut Option<Operation> = match *method {
            "get" => &mut item.get,
            "post" => &mut item.post,
            "patch" => &mut item.patch,
            other => panic!("no links from {other}"),
        };
        let response = operation
            .as_mut()
            .and_then(|operation| operation.responses.responses.get_mut(*status))
            .unwrap_or_else(|| panic!("link from undocumented {method} {path} {status}"));
        let RefOr::T(response) = response else { panic!("link from a referenced response") };
        let mut link = parameters
            .iter()
            .fold(LinkBuilder::new(), |link, (parameter, expression)| link.parameter(*parameter, *expression))
            .build();
        // utoipa 5.5 writes `Link::operation_id` as `operation_id`; OpenAPI spells it `operationId`.
        link.extensions
            .get_or_insert_with(Default::default)
            .insert("operationId".into(), (*operation_id).into());
        response.links.insert((*name).to_owned(), RefOr::T(link));
    }
}

/// The whole document.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = Root::openapi()
        .merge_from(api::health::Doc::openapi())
        .merge_from(api::orgs::Doc::openapi())
        .merge_from(api::users::Doc::openapi())
        .merge_from(api::api_keys::Doc::openapi())
        .merge_from(api::invitations::Doc::openapi())
        .merge_from(api::relationships::Doc::openapi())
        .merge_from(api::release_requests::Doc::openapi())
        .merge_from(api::customers::Doc::openapi())
        .merge_from(api::profiles::Doc::openapi())
        .merge_from(api::audit::Doc::openapi())
        .merge_from(api::batches::Doc::openapi())
        .merge_from(api::devices::Doc::openapi())
        .merge_from(api::export::Doc::openapi())
        .merge_from(api::lookup::Doc::openapi())
        .merge_from(api::webhooks::Doc::openapi())
        .merge_from(api::partner_center::Doc::openapi())
        .merge_from(api::graph::Doc::openapi());
    add_links(&mut document);
    document
}

//! The OpenAPI 3 document, generated from the handlers' `#[utoipa::path]` annotations. Each
//! `api` module contributes its own `Doc`; a new module adds one `merge` line here.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
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

/// The whole document.
pub fn document() -> utoipa::openapi::OpenApi {
    Root::openapi()
        .merge_from(api::health::Doc::openapi())
        .merge_from(api::orgs::Doc::openapi())
        .merge_from(api::users::Doc::openapi())
        .merge_from(api::api_keys::Doc::openapi())
        .merge_from(api::invitations::Doc::openapi())
        .merge_from(api::relationships::Doc::openapi())
        .merge_from(api::customers::Doc::openapi())
        .merge_from(api::profiles::Doc::openapi())
        .merge_from(api::audit::Doc::openapi())
        .merge_from(api::batches::Doc::openapi())
        .merge_from(api::devices::Doc::openapi())
        .merge_from(api::export::Doc::openapi())
        .merge_from(api::lookup::Doc::openapi())
}

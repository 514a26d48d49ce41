//! HTTP handlers, one module per resource. Each module exposes `routes()` and a `Doc` (its
//! part of the OpenAPI document); [`router`] and [`openapi`] put them together.

pub mod api_keys;
pub mod audit;
pub mod batches;
pub mod customers;
pub mod devices;
pub mod export;
pub mod health;
pub mod invitations;
pub mod lookup;
pub mod openapi;
pub mod orgs;
pub mod profiles;
pub mod relationships;
pub mod users;

use axum::Router;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

use crate::state::AppState;

/// Every route of the service.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::routes())
        .merge(orgs::routes())
        .merge(users::routes())
        .merge(api_keys::routes())
        .merge(invitations::routes())
        .merge(relationships::routes())
        .merge(customers::routes())
        .merge(profiles::routes())
        .merge(audit::routes())
        .merge(batches::routes())
        .merge(devices::routes())
        .merge(export::routes())
        .merge(lookup::routes())
}

fn text_enum_schema(values: &[&'static str]) -> Object {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values.iter().copied())).build()
}

/// OpenAPI schema of `ztd_storage::Role` (the storage crate does not depend on utoipa).
pub(crate) fn role_schema() -> Object {
    text_enum_schema(&["admin", "registrar", "reader"])
}

pub(crate) fn org_kind_schema() -> Object {
    text_enum_schema(&["customer", "partner", "oem", "operator"])
}

pub(crate) fn relationship_kind_schema() -> Object {
    text_enum_schema(&["csp", "oem"])
}

pub(crate) fn actor_kind_schema() -> Object {
    text_enum_schema(&["user", "api_key", "operator", "system", "device"])
}

/// Responses every authenticated route can give, for `#[utoipa::path(responses(...))]`.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // documentation only
pub(crate) enum CommonErrors {
    /// Malformed JSON, wrong types or unknown fields.
    #[response(status = 400)]
    BadRequest(crate::error::ErrorEnvelope),
    /// Missing, unknown or revoked credentials.
    #[response(status = 401)]
    Unauthenticated(crate::error::ErrorEnvelope),
    /// The caller's role or kind of organisation may not do this.
    #[response(status = 403)]
    Forbidden(crate::error::ErrorEnvelope),
}

/// Responses of every route that reads a JSON body, for `#[utoipa::path(responses(...))]`.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // documentation only
pub(crate) enum BodyErrors {
    /// The body is larger than the JSON body limit (`max_json_body_bytes`).
    #[response(status = 413)]
    PayloadTooLarge(crate::error::ErrorEnvelope),
    /// The body is not sent as `Content-Type: application/json`.
    #[response(status = 415)]
    UnsupportedMediaType(crate::error::ErrorEnvelope),
}

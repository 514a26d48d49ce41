//! HTTP handlers, one module per resource. Each module exposes `routes()` and a `Doc` (its
//! part of the OpenAPI document); [`router`] and [`openapi`] put them together.

pub mod api_keys;
pub mod audit;
pub mod batches;
pub mod customers;
pub mod devices;
pub mod export;
pub mod graph;
pub mod health;
pub mod invitations;
pub mod lookup;
pub mod openapi;
pub mod orgs;
pub mod partner_center;
pub mod profiles;
pub mod relationships;
pub mod release_requests;
pub mod users;
pub mod webhooks;

use axum::Router;
use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

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
        .merge(release_requests::routes())
        .merge(customers::routes())
        .merge(profiles::routes())
        .merge(audit::routes())
        .merge(batches::routes())
        .merge(devices::routes())
        .merge(export::routes())
        .merge(lookup::routes())
        .merge(webhooks::routes())
        .merge(partner_center::routes())
        .merge(graph::routes())
}

fn text_enum_schema(values: &[&'static str]) -> Object {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values.iter().copied())).build()
}

/// OpenAPI schema of `ztd_storage::Role` (the storage crate does not depend on utoipa).
pub(crate) fn role_schema() -> Object {
    text_enum_schema(&["admin", "registrar", "reader"])
}

/// The kinds `POST /api/v1/orgs` creates (operator organisations come from `ztd admin`).
pub(crate) fn creatable_org_kind_schema() -> Object {
    text_enum_schema(&["customer", "partner", "oem"])
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
    /// The database cannot be reached; `Retry-After: 5`.
    #[response(status = 503)]
    Unavailable(crate::error::ErrorEnvelope),
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

// Request fields are documented with exactly the rules the server applies, so that what the
// document calls valid is accepted and what it calls invalid is refused (docs/api.md#schemathesis).
// "Control character" is Rust's `char::is_control` (U+0000–U+001F, U+007F–U+009F); "whitespace"
// is Unicode White_Space, what `str::trim` drops.

/// No control character, not all whitespace (`ztd_domain::account`: organisation and key names).
const LABEL_PATTERN: &str = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";
/// One `@` with text on both sides, no whitespace or control character inside; whitespace
/// around it is dropped (`ztd_domain::account::Email`).
const EMAIL_PATTERN: &str = r"^\s*[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f]+\s*$";
/// Two or more DNS labels (letters, digits, inner hyphens, 1–63 characters); trailing dots and
/// surrounding whitespace are dropped (`ztd_domain::account::Domain`).
const DOMAIN_PATTERN: &str = r"^\s*(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.*\s*$";
/// No control character, no whitespace around it (`ztd_domain::profile::validate_display_name`).
const PROFILE_NAME_PATTERN: &str =
    r"^[^\s\x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$";
/// A profile name's rules, and no leading `=`, `+`, `-` or `@` (a spreadsheet formula), no comma
/// or quote (the CSV formats cannot hold them) (`ztd_domain::profile::validate_group_tag`).
const GROUP_TAG_PATTERN: &str =
    r#"^[^\s\x00-\x1f\x7f-\x9f=+\-@,"](?:[^\x00-\x1f\x7f-\x9f,"]*[^\s\x00-\x1f\x7f-\x9f,"])?$"#;

fn string_type(nullable: bool) -> SchemaType {
    if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::Type(Type::String)
    }
}

fn text_schema(pattern: &str, max_length: usize, nullable: bool, example: &str, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(string_type(nullable))
        .pattern(Some(pattern))
        .min_length(Some(1))
        .max_length(Some(max_length))
        .examples([serde_json::Value::from(example)])
        .description(Some(description))
        .build()
}

pub(crate) fn org_name_schema() -> Object {
    text_schema(
        LABEL_PATTERN,
        200,
        false,
        "Contoso",
        "At most 200 characters, not all whitespace, no control character; surrounding whitespace is dropped.",
    )
}

pub(crate) fn key_name_schema() -> Object {
    text_schema(
        LABEL_PATTERN,
        100,
        false,
        "factory line 3",
        "At most 100 characters, not all whitespace, no control character; surrounding whitespace is dropped.",
    )
}

pub(crate) fn email_schema() -> Object {
    text_schema(
        EMAIL_PATTERN,
        ztd_domain::account::MAX_EMAIL_CHARS,
        false,
        "admin@contoso.com",
        "One address, at most 254 characters; lowercased, surrounding whitespace dropped.",
    )
}

pub(crate) fn domain_schema() -> Object {
    text_schema(
        DOMAIN_PATTERN,
        ztd_domain::account::MAX_DOMAIN_CHARS,
        true,
        "contoso.com",
        "The tenant's DNS domain (`CloudAssignedTenantDomain` of its devices), at most 253 characters; lowercased, trailing dot dropped.",
    )
}

fn profile_name(nullable: bool) -> Object {
    text_schema(
        PROFILE_NAME_PATTERN,
        ztd_domain::profile::MAX_PROFILE_TEXT_LEN,
        nullable,
        "Kiosk",
        "At most 200 characters, no control character, no whitespace around it.",
    )
}

pub(crate) fn profile_name_schema() -> Object {
    profile_name(false)
}

pub(crate) fn optional_profile_name_schema() -> Object {
    profile_name(true)
}

fn group_tag(nullable: bool) -> Object {
    text_schema(
        GROUP_TAG_PATTERN,
        ztd_domain::profile::MAX_PROFILE_TEXT_LEN,
        nullable,
        "Kiosk_",
        "Matched exactly (byte for byte) against the devices' group tags; unique per customer. At most 200 characters, no control character, no whitespace around it, no comma or quote, not starting with `=`, `+`, `-` or `@`.",
    )
}

pub(crate) fn group_tag_schema() -> Object {
    group_tag(false)
}

pub(crate) fn optional_group_tag_schema() -> Object {
    group_tag(true)
}

/// A paging cursor: what `next_cursor` held.
fn cursor_schema(pattern: &str, example: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .examples([serde_json::Value::from(example)])
        .description(Some("`next_cursor` of the previous page."))
        .build()
}

/// Audit cursors: an event's sequence number; empty means the newest page.
pub(crate) fn audit_cursor_schema() -> Object {
    cursor_schema("^([0-9]{1,18})?$", "1042")
}

/// Batch row cursors: a row number.
pub(crate) fn row_cursor_schema() -> Object {
    cursor_schema("^[0-9]{1,18}$", "1000")
}

/// Device list cursors: `d` and a sequence number.
pub(crate) fn device_cursor_schema() -> Object {
    cursor_schema("^d[0-9]{1,18}$", "d1042")
}

/// `Option<u32>` from a JSON number with no fraction: `52` and `52.0` are the same integer in JSON
/// (and in JSON Schema's `integer`); `52.5`, negatives and values past `u32` are refused (400).
pub(crate) fn optional_integral_u32<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u32>, D::Error> {
    struct Integral;
    impl serde::de::Visitor<'_> for Integral {
        type Value = Option<u32>;
        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("a whole number from 0 to 4294967295, or null")
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
            u32::try_from(value)
                .map(Some)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(value), &self))
        }
        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
            u32::try_from(value)
                .map(Some)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(value), &self))
        }
        fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Self::Value, E> {
            if value.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&value) {
                Ok(Some(value as u32))
            } else {
                Err(E::invalid_value(serde::de::Unexpected::Float(value), &self))
            }
        }
    }
    deserializer.deserialize_any(Integral)
}

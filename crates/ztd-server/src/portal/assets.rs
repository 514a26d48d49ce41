//! The stylesheet and script, compiled into the binary (no front-end build, nothing to deploy).

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// Versioned paths: a new build changes the path, so browsers may cache them for long.
pub const CSS_PATH: &str = concat!("/static/portal-", env!("CARGO_PKG_VERSION"), ".css");
pub const JS_PATH: &str = concat!("/static/portal-", env!("CARGO_PKG_VERSION"), ".js");

/// The browser tab's icon: a "z" (SVG, so one file fits every size).
pub const ICON_PATH: &str = "/favicon.svg";

const CSS: &str = include_str!("static/portal.css");
const ICON: &str = include_str!("static/favicon.svg");
const JS: &str = include_str!("static/portal.js");

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    response
}

pub async fn css() -> Response {
    asset("text/css; charset=utf-8", CSS)
}

pub async fn js() -> Response {
    asset("text/javascript; charset=utf-8", JS)
}

pub async fn icon() -> Response {
    asset("image/svg+xml", ICON)
}

//! The web portal: server-rendered HTML (maud) for partners, OEMs, customers, organisation
//! admins and the platform operator. No front-end build; a few lines of optional JavaScript.
//!
//! How it is put together:
//! - **One core with the API.** Every page authenticates through the access layer
//!   ([`crate::http_auth::authenticate`], session cookie) and acts by calling the same use cases
//!   as the API ([`crate::app`]) with the resulting [`crate::app::access::Access`]. So a page can
//!   do exactly what the same person could do through the API: the same tenancy and role checks,
//!   validation, pipeline and audit events. The portal only turns typed answers into HTML; it
//!   never calls an API handler (`tests/architecture.rs` checks).
//! - **Sessions** ([`session`]): sign-in stores a session (cookie hash, CSRF token, expiry);
//!   the cookie is `HttpOnly; SameSite=Lax`, `Secure` with the `__Host-` prefix on https.
//! - **CSRF**: every form carries the session's token in a hidden field; form handlers take a
//!   [`session::CsrfForm`], which refuses a post without the right token (403, readable page).
//! - **Errors** ([`error::PortalError`]): readable pages; a failed form is shown again with
//!   what the person typed and the message next to the field.
//! - Responses carry `Cache-Control: no-store` (one-time secrets are shown once), a strict
//!   Content-Security-Policy, and `Referrer-Policy: no-referrer` (invitation links carry their
//!   token in the path).
//!
//! Pages are documented in docs/portal.md.

mod account;
mod add_devices;
mod admin;
mod assets;
mod audit;
mod batches_list;
mod csv_problems;
mod customers;
mod devices;
mod error;
pub mod i18n;
mod profiles;
mod relationships;
mod review;
mod session;
mod throttle;
mod view;
mod webhooks;

pub use add_devices::{preflight, Preflight, Problem};
pub use error::PortalError;
pub use session::{CsrfForm, Portal};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};

use crate::state::AppState;

/// Every portal route. Merged into the service's router by [`crate::router::build_app`];
/// failed sign-ins are counted in `shared_limits` when several processes share the database.
pub fn router(state: &AppState) -> Router<AppState> {
    let shared_limits = state.shared_limits.clone();
    Router::new()
        .route("/", get(account::home))
        .route("/account", get(account::show).post(account::save_language))
        .route(assets::CSS_PATH, get(assets::css))
        .route(assets::JS_PATH, get(assets::js))
        .route(assets::ICON_PATH, get(assets::icon))
        // Browsers ask for /favicon.ico whatever the page links; the same icon answers.
        .route("/favicon.ico", get(assets::icon))
        .route("/sign-in", get(account::sign_in_form).post(account::sign_in))
        .route("/sign-out", post(account::sign_out))
        .route("/password", get(account::password_form).post(account::change_password))
        // Partner / OEM
        .route("/customers", get(customers::list))
        .route("/invitations", post(customers::create_invitation))
        .route("/invitations/{token}", get(relationships::show_invitation))
        .route("/invitations/{token}/accept", post(relationships::accept_invitation))
        .route("/invitations/{token}/withdraw", post(customers::withdraw_invitation))
        // Devices (partner through a relationship, or the customer itself)
        .route("/customers/{customer_id}/devices", get(devices::list))
        .route("/customers/{customer_id}/devices/bulk", post(devices::bulk))
        .route("/customers/{customer_id}/batches", get(batches_list::list_for_customer))
        .route("/batches", get(batches_list::list_all))
        .route(
            "/customers/{customer_id}/add-devices",
            // The upload handler caps the file itself (the configured upload limit) and answers
            // an oversized one with a readable page.
            get(add_devices::show_form).post(add_devices::upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/customers/{customer_id}/add-devices/samples/{format}", get(add_devices::download_sample))
        .route("/customers/{customer_id}/add-devices/drafts/{draft_id}/repair", post(add_devices::repair))
        .route(
            "/customers/{customer_id}/add-devices/drafts/{draft_id}/repaired.csv",
            get(add_devices::download_repaired),
        )
        .route(
            "/customers/{customer_id}/add-devices/drafts/{draft_id}/problems.csv",
            get(add_devices::download_problems),
        )
        .route("/batches/{id}", get(add_devices::show_batch))
        .route("/batches/{id}/results.csv", get(add_devices::download_results))
        .route("/batches/{id}/approve", post(review::approve))
        .route("/batches/{id}/reject", post(review::reject))
        .route("/batches/{id}/void", get(review::confirm_void).post(review::void))
        .route("/release-requests", get(review::release_requests).post(review::ask))
        .route("/release-requests/{id}/approve", get(review::confirm_release).post(review::release))
        .route("/release-requests/{id}/deny", post(review::deny))
        .route("/devices/{id}", get(devices::show))
        .route("/devices/{id}/group-tag", post(devices::change_tag))
        .route("/devices/{id}/deregister", get(devices::confirm_deregister).post(devices::deregister))
        // Customer
        .route("/relationships", get(relationships::list))
        .route("/relationships/{id}/revoke", get(relationships::confirm_revoke).post(relationships::revoke))
        .route("/relationships/{id}/approval-mode", post(relationships::set_approval_mode))
        .route("/approvals", get(review::inbox))
        .route("/customers/{customer_id}/profiles", get(profiles::list).post(profiles::create))
        .route("/customers/{customer_id}/profiles/new", get(profiles::new_form))
        .route("/customers/{customer_id}/profiles/{id}", get(profiles::edit_form).post(profiles::update))
        .route("/audit", get(audit::list))
        // Organisation admins
        .route("/users", get(admin::users).post(admin::create_user))
        .route("/users/{id}/disable", post(admin::disable_user))
        .route("/users/{id}/enable", post(admin::enable_user))
        .route("/users/{id}/role", post(admin::change_role))
        .route("/users/{id}/reset-password", get(admin::confirm_reset_password).post(admin::reset_password))
        .route("/api-keys", get(admin::api_keys).post(admin::create_api_key))
        .route("/api-keys/{id}/revoke", post(admin::revoke_api_key))
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/webhooks/{id}", get(webhooks::show))
        .route("/webhooks/{id}/delete", get(webhooks::confirm_delete).post(webhooks::delete))
        .route("/webhooks/{id}/deliveries/{delivery_id}/redeliver", post(webhooks::redeliver))
        // Operator
        .route("/orgs", get(admin::orgs).post(admin::create_org))
        .route("/orgs/{id}", get(admin::show_org))
        // Organisation admins
        // Operator
        .layer(Extension(std::sync::Arc::new(throttle::SignInThrottle::new(shared_limits))))
        .layer(middleware::from_fn_with_state(state.clone(), error::localise))
        .layer(middleware::from_fn_with_state(state.clone(), remember_language))
        .layer(middleware::from_fn(security_headers))
}

/// Whether a request for an unknown address wants the portal's HTML page rather than the API's
/// JSON: a browser's GET (it accepts `text/html`) outside the API's and compatibility paths.
pub fn wants_page(parts: &axum::http::request::Parts) -> bool {
    let path = parts.uri.path();
    let api = ["/api/", "/graph/", "/partner-center"];
    parts.method == axum::http::Method::GET
        && !api.iter().any(|prefix| path.starts_with(prefix))
        && parts
            .headers
            .get(header::ACCEPT)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
}

/// The portal's "no page here" for an unknown address, in the person's language and menu.
pub async fn not_found_page(state: &AppState, parts: &mut axum::http::request::Parts) -> Response {
    let mut response =
        error::draw(state, parts, &PortalError::PageNotFound { path: parts.uri.path().to_owned() }).await;
    add_security_headers(&mut response);
    response
}

/// Keeps a `?lang=` choice for this browser (docs/portal.md#languages), so the next pages stay
/// in it; an unknown language is ignored. The cookie follows the session cookie's rules
/// (`Secure` behind https).
async fn remember_language(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let chosen =
        request.uri().query().and_then(session::query_language).and_then(|tag| i18n::Tr::for_tag(&tag));
    let mut response = next.run(request).await;
    if let Some(tr) = chosen {
        let a_year = 365 * 24 * 3600;
        let cookie = session::set_cookie(&state.config, i18n::COOKIE, tr.tag(), a_year);
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// Headers of every portal response (see the module documentation).
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    add_security_headers(&mut response);
    response
}

fn add_security_headers(response: &mut Response) {
    let headers = response.headers_mut();
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

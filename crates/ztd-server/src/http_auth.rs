//! Authentication over HTTP, for the API and the portal: reads the credential from the request
//! (`Authorization: Bearer <api key>` first, else the session cookie) and hands it to the
//! access layer ([`access::authenticate`]), which alone decides who the caller is.
//! CSRF is checked here because it is about browsers: a cookie-authenticated unsafe request
//! must carry the session's token.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method};

use crate::app::access::{self, Access, Credential, Gate};
use crate::auth;
use crate::error::ApiError;
use crate::state::AppState;

/// Whether a missing CSRF header is acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsrfPolicy {
    /// Cookie-authenticated unsafe methods must carry `x-csrf-token` (the API).
    RequireHeader,
    /// The handler checks the token from its form (the portal's `CsrfForm`).
    CheckedByHandler,
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The token of an `Authorization: Bearer <token>` header (the scheme in either case), if any.
pub fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).map(str::trim)
}

/// The credential a request presents, if any.
fn credential<'a>(
    parts: &'a Parts,
    state: &AppState,
    jar: &'a axum_extra::extract::CookieJar,
) -> Option<Credential<'a>> {
    if parts.headers.contains_key(header::AUTHORIZATION) {
        // A present but unusable Authorization header is not silently ignored for the cookie.
        return Some(Credential::ApiKey(bearer_token(&parts.headers).unwrap_or("")));
    }
    let name = auth::session_cookie_name(state.config.public_url.starts_with("https://"));
    jar.get(name).map(|cookie| Credential::Session(cookie.value()))
}

/// Authenticates a request with `csrf` as the CSRF policy for cookie-authenticated callers.
pub async fn authenticate(parts: &Parts, state: &AppState, csrf: CsrfPolicy) -> Result<Access, ApiError> {
    let jar = axum_extra::extract::CookieJar::from_headers(&parts.headers);
    let credential = credential(parts, state, &jar).ok_or(ApiError::Unauthenticated)?;
    let request_id = crate::request_id::from_headers(&parts.headers);
    let access = access::authenticate(&Gate::new(state.db.clone()), credential, request_id).await?;
    if csrf == CsrfPolicy::RequireHeader && !is_safe(&parts.method) {
        let token = parts.headers.get(auth::CSRF_HEADER).and_then(|value| value.to_str().ok());
        if !access::csrf_matches(access.caller(), token) {
            return Err(ApiError::CsrfRejected);
        }
    }
    Ok(access)
}

/// The unauthenticated door of a request (sign-in, an invitation's preview).
impl FromRequestParts<AppState> for Gate {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(_parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Gate::new(state.db.clone()))
    }
}

impl FromRequestParts<AppState> for Access {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let access = authenticate(parts, state, CsrfPolicy::RequireHeader).await?;
        // A one-time password signs in only to be replaced: the portal sends such a session to
        // its change-password page, and the API refuses it outright.
        if access.caller().session.as_ref().is_some_and(|session| session.must_change_password) {
            return Err(ApiError::Forbidden {
                code: "password_change_required",
                message: "this session was opened with a one-time password, which must be changed first"
                    .into(),
                hint: Some("sign in to the portal and choose your own password".into()),
            });
        }
        Ok(access)
    }
}

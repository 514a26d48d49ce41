//! Who is signed in, and the checks every portal request passes.
//!
//! - [`Portal`]: the signed-in person of a page, authenticated by the access layer
//!   ([`access::authenticate`]) from the session cookie. Its [`Access`] is the same handle the
//!   API's handlers take, so every tenancy and role decision is the access layer's.
//! - [`CsrfForm`]: a form post — the person, plus the form, accepted only when its hidden
//!   `csrf_token` field equals the session's token. Handlers that take one cannot forget the
//!   check.
//! - Cookies: `HttpOnly; SameSite=Lax; Path=/`, plus `Secure` and the `__Host-` name prefix
//!   when the portal's public URL is https (the prefix makes the browser refuse a cookie of
//!   that name set by a sibling subdomain or over plain http).

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use ztd_storage::{OrgKind, Organisation, Role};

use super::error::PortalError;
use super::i18n::{self, Tr};
use crate::app::access::{self, Access, Caller};
use crate::auth;
use crate::config::Config;
use crate::error::ApiError;
use crate::http_auth::{self, CsrfPolicy};
use crate::state::AppState;

/// Largest urlencoded form body the portal reads (every form is a few short fields).
const FORM_LIMIT: usize = 64 * 1024;

/// Paths a person who must still change the one-time password may use.
const ALLOWED_BEFORE_PASSWORD_CHANGE: &[&str] = &["/password", "/sign-out"];

/// Whether cookies are marked `Secure` and named with the `__Host-` prefix.
pub fn secure_cookies(config: &Config) -> bool {
    config.public_url.starts_with("https://")
}

/// Name of the session cookie under `config`.
pub fn session_cookie_name(config: &Config) -> &'static str {
    auth::session_cookie_name(secure_cookies(config))
}

/// Name of the cookie carrying the sign-in form's CSRF token (there is no session yet).
pub fn sign_in_cookie_name(config: &Config) -> &'static str {
    if secure_cookies(config) {
        "__Host-ztd_sign_in"
    } else {
        "ztd_sign_in"
    }
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure on https.
pub fn set_cookie(config: &Config, name: &str, value: &str, max_age_secs: u64) -> HeaderValue {
    let secure = if secure_cookies(config) { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}");
    // Names are constants and values base64url tokens: always a valid header value.
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("ztd_invalid=; Max-Age=0"))
}

/// A `Set-Cookie` value that deletes the cookie.
pub fn clear_cookie(config: &Config, name: &str) -> HeaderValue {
    set_cookie(config, name, "", 0)
}

/// The signed-in person of one portal request.
#[derive(Debug, Clone)]
pub struct Portal {
    access: Access,
    csrf_token: String,
    session_hash: String,
    waiting: crate::app::approvals::Waiting,
    tr: Tr,
}

impl Portal {
    /// The language of this page (docs/portal.md#languages).
    pub fn tr(&self) -> Tr {
        self.tr
    }

    /// The language the person chose on the Account page, if any.
    pub fn chosen_language(&self) -> Option<&str> {
        self.caller().session.as_ref().and_then(|session| session.language.as_deref())
    }

    /// What waits for the organisation's decision (the menu's counts; zero unless a customer
    /// admin).
    pub fn waiting(&self) -> crate::app::approvals::Waiting {
        self.waiting
    }

    pub fn access(&self) -> &Access {
        &self.access
    }

    pub fn caller(&self) -> &Caller {
        self.access.caller()
    }

    pub fn org(&self) -> &Organisation {
        &self.caller().org
    }

    pub fn role(&self) -> Role {
        self.caller().role
    }

    pub fn email(&self) -> &str {
        &self.caller().actor.label
    }

    pub fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    /// SHA-256 of the session cookie, the session's key in the database.
    pub fn session_hash(&self) -> &str {
        &self.session_hash
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Role::Admin
    }

    pub fn can_register(&self) -> bool {
        matches!(self.role(), Role::Admin | Role::Registrar)
    }

    pub fn is_customer(&self) -> bool {
        self.org().kind == OrgKind::Customer
    }

    pub fn is_partner_side(&self) -> bool {
        self.caller().is_partner_side()
    }
}

/// The path and query of the request, to come back to after signing in.
fn return_path(parts: &Parts) -> String {
    parts.uri.path_and_query().map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned())
}

impl FromRequestParts<AppState> for Portal {
    type Rejection = PortalError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PortalError> {
        let next = if parts.method == Method::GET { return_path(parts) } else { "/".to_owned() };
        let access = match http_auth::authenticate(parts, state, CsrfPolicy::CheckedByHandler).await {
            Ok(access) => access,
            Err(ApiError::Unauthenticated) => return Err(PortalError::SignInRequired { next }),
            Err(other) => return Err(other.into()),
        };
        let caller = access.caller();
        // The portal is for people: an API key (bearer) has no session and no place here.
        let Some(session) = caller.session.clone() else {
            return Err(PortalError::SignInRequired { next });
        };
        if session.must_change_password && !ALLOWED_BEFORE_PASSWORD_CHANGE.contains(&parts.uri.path()) {
            return Err(PortalError::PasswordChangeRequired);
        }
        // The menu's counts: a failure to count is no reason to refuse the page.
        let waiting = match crate::app::approvals::waiting(&access).await {
            Ok(waiting) => waiting,
            Err(error) => {
                tracing::warn!(%error, "could not count what waits for approval");
                Default::default()
            }
        };
        let tr = request_language(parts, session.language.as_deref());
        Ok(Portal { access, csrf_token: session.csrf_token, session_hash: session.token_hash, waiting, tr })
    }
}

/// The language of a request: `?lang=`, then the account's choice, the `ztd_lang` cookie and
/// `Accept-Language` (docs/portal.md#languages).
pub fn request_language(parts: &Parts, account: Option<&str>) -> Tr {
    let query = parts.uri.query().and_then(query_language);
    let jar = axum_extra::extract::CookieJar::from_headers(&parts.headers);
    let cookie = jar.get(i18n::COOKIE).map(|cookie| cookie.value().to_owned());
    let accept_language = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok());
    i18n::choose(i18n::Preferences {
        query: query.as_deref(),
        account,
        cookie: cookie.as_deref(),
        accept_language,
    })
}

/// The `lang` parameter of a query string, if any.
pub fn query_language(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| pair.strip_prefix("lang=")).map(str::to_owned)
}

/// The language of a page without a signed-in person (sign-in, invitation links, errors).
#[derive(Debug, Clone, Copy)]
pub struct Lang(pub Tr);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang(request_language(parts, None)))
    }
}

/// The hidden field every portal form carries.
#[derive(Debug, Deserialize)]
struct CsrfField {
    csrf_token: Option<String>,
}

/// Parses an urlencoded form body with axum's own form extractor.
pub async fn parse_form<T: DeserializeOwned>(
    bytes: axum::body::Bytes,
    state: &AppState,
) -> Result<T, PortalError> {
    let request = Request::builder()
        .method(Method::POST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(bytes))
        .map_err(ApiError::internal)?;
    match axum::Form::<T>::from_request(request, state).await {
        Ok(axum::Form(value)) => Ok(value),
        Err(rejection) => Err(PortalError::BadForm(rejection.body_text())),
    }
}

/// A form post by a signed-in person whose CSRF token matched the session's.
#[derive(Debug)]
pub struct CsrfForm<T>(pub Portal, pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = PortalError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, PortalError> {
        let (mut parts, body) = request.into_parts();
        let portal = Portal::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, FORM_LIMIT)
            .await
            .map_err(|_| PortalError::FormTooLarge { limit: FORM_LIMIT })?;
        let field: CsrfField =
            parse_form(bytes.clone(), state).await.unwrap_or(CsrfField { csrf_token: None });
        if !access::csrf_matches(portal.caller(), field.csrf_token.as_deref()) {
            return Err(csrf_rejected(state, &mut parts, &portal).await);
        }
        let form = parse_form(bytes, state).await?;
        Ok(CsrfForm(portal, form))
    }
}

/// Audits a refused CSRF token (rate-limited, [`crate::app::refusals`]) and answers the refusal.
pub async fn csrf_rejected(state: &AppState, parts: &mut Parts, portal: &Portal) -> PortalError {
    let Ok(refused) = CsrfRefusal::from_request_parts(parts, state).await;
    refused.record(state, portal).await
}

/// What the audit of a refused CSRF token records about the request, taken as an extractor by
/// handlers that check the token themselves (the upload form).
pub struct CsrfRefusal {
    gate: crate::app::access::Gate,
    address: Option<std::net::IpAddr>,
    request_id: Option<String>,
    path: String,
}

impl FromRequestParts<AppState> for CsrfRefusal {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let address = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        let Ok(gate) = crate::app::access::Gate::from_request_parts(parts, state).await;
        let request_id = crate::request_id::from_headers(&parts.headers);
        Ok(Self { gate, address, request_id, path: parts.uri.path().to_owned() })
    }
}

impl CsrfRefusal {
    /// Audits the refusal (at most once a minute per address) and answers it.
    pub async fn record(self, state: &AppState, portal: &Portal) -> PortalError {
        let org = Some(portal.org().id);
        let Self { gate, address, request_id, path } = self;
        match crate::app::refusals::csrf_rejected(
            &gate,
            &state.refusal_audit,
            address,
            request_id,
            &path,
            org,
        )
        .await
        {
            Ok(()) => PortalError::CsrfRejected,
            Err(error) => error.into(),
        }
    }
}

/// A form without fields besides the CSRF token (sign-out, revoke, deregister).
#[derive(Debug, Deserialize)]
pub struct NoFields {}

/// Only a path on this site is a place to return to after signing in (no open redirect).
/// Browsers drop tab, CR and LF from a URL and read `\\` as `/`, so `/\t/evil.example` would
/// be followed to `//evil.example`: any control character or backslash refuses the value.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.chars().any(|c| c == '\\' || c.is_control()) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/customers/1/devices?state=active")), "/customers/1/devices?state=active");
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "/\t/evil.example",
            "/\r\n/evil.example",
            "/a\\b",
            "/\u{7f}",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad} followed");
        }
        assert_eq!(safe_next(None), "/");
    }

    proptest::proptest! {
        /// Whatever is accepted stays on this site even after a browser strips tab/CR/LF.
        #[test]
        fn accepted_next_values_stay_on_this_site(next in "(/|\\\\|\t|\r|\n|[a-z.:?=%]){0,12}") {
            let accepted = safe_next(Some(&next));
            let seen: String = accepted.chars().filter(|c| !matches!(c, '\t' | '\r' | '\n')).collect();
            let mut chars = seen.chars();
            proptest::prop_assert_eq!(chars.next(), Some('/'), "{:?} accepted as {:?}", next, accepted);
            proptest::prop_assert!(!matches!(chars.next(), Some('/' | '\\')), "{:?} accepted as {:?}", next, accepted);
        }
    }

    #[test]
    fn cookies_are_secure_and_host_prefixed_on_https() {
        let http = Config { public_url: "http://127.0.0.1:8080".into(), ..Config::default() };
        let https = Config { public_url: "https://ztd.example".into(), ..Config::default() };
        assert_eq!(session_cookie_name(&http), "ztd_session");
        assert_eq!(session_cookie_name(&https), "__Host-ztd_session");
        let plain = set_cookie(&http, "ztd_session", "abc", 60);
        assert_eq!(plain, "ztd_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
        let secure = set_cookie(&https, "__Host-ztd_session", "abc", 60);
        assert!(secure.to_str().unwrap().ends_with("; Secure"));
        assert!(clear_cookie(&http, "ztd_session").to_str().unwrap().contains("Max-Age=0"));
    }
}

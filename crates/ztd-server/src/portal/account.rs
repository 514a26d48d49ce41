//! Signing in and out, and the forced change of a one-time password.
//!
//! Checking the password and opening the session are the account use cases'
//! ([`crate::app::accounts::sign_in`]); this module keeps what is about browsers: the cookies,
//! the per-client throttle and the pages. The sign-in form has no session yet, so its CSRF
//! token is a double-submit cookie: the form's hidden field must equal the `ztd_sign_in`
//! cookie, which another site can neither read nor set (SameSite=Lax, and `__Host-` on https).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use maud::{html, Markup};
use serde::Deserialize;
use ztd_storage::OrgKind;

use super::error::PortalError;
use super::i18n::{self, Tr};
use super::session::{self, CsrfForm, Lang, NoFields, Portal};
use super::throttle::SignInThrottle;
use super::view::{self, Field, Section};
use crate::app::access::Gate;
use crate::app::accounts::{
    self, Email, NewPasswordProblem, PasswordChange, PasswordChangeError, PasswordProblems, SignIn,
};
use crate::app::refusals;
use crate::app::Error;
use crate::auth;
use crate::state::AppState;

/// `/`: each kind of organisation starts where its work is.
pub async fn home(portal: Portal) -> Redirect {
    let org = portal.org();
    match org.kind {
        OrgKind::Partner | OrgKind::Oem => Redirect::to("/customers"),
        OrgKind::Customer => Redirect::to(&format!("/customers/{}/devices", org.id)),
        OrgKind::Operator => Redirect::to("/orgs"),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

fn sign_in_page(
    tr: Tr,
    token: &str,
    email: &str,
    next: &str,
    error: Option<&str>,
    notice: Option<&str>,
) -> Markup {
    let content = html! {
        h1 { (tr.t("sign-in-title")) }
        @if let Some(notice) = notice { (view::notice("ok", notice, None)) }
        @if let Some(error) = error {
            div class="notice bad" role="alert" { p { (error) } }
        }
        form class="stack card" method="post" action="/sign-in" {
            input type="hidden" name="csrf_token" value=(token);
            input type="hidden" name="next" value=(next);
            (view::field(Field::text("email", &tr.t("sign-in-email"), email).kind("email").required().autocomplete("username")))
            (view::field(Field::text("password", &tr.t("sign-in-password"), "").kind("password").required().autocomplete("current-password")
                .hint(&tr.t("sign-in-password-hint"))))
            div class="actions" { button type="submit" { (tr.t("sign-in-button")) } }
        }
    };
    view::public_page(tr, &tr.t("sign-in-title"), content)
}

fn sign_in_response(state: &AppState, token: &str, status: StatusCode, page: Markup) -> Response {
    let mut response = (status, page).into_response();
    let cookie = session::set_cookie(&state.config, session::sign_in_cookie_name(&state.config), token, 3600);
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
}

fn sign_in_token(state: &AppState, headers: &HeaderMap) -> String {
    let jar = axum_extra::extract::CookieJar::from_headers(headers);
    // Keep an existing token, so two open sign-in tabs both work.
    jar.get(session::sign_in_cookie_name(&state.config))
        .map(|cookie| cookie.value().to_owned())
        .filter(|value| value.len() >= 32)
        .unwrap_or_else(auth::new_csrf_token)
}

pub async fn sign_in_form(
    State(state): State<AppState>,
    Lang(tr): Lang,
    headers: HeaderMap,
    Query(query): Query<SignInQuery>,
) -> Response {
    let token = sign_in_token(&state, &headers);
    let next = session::safe_next(query.next.as_deref());
    let notice = match query.notice.as_deref() {
        Some("signed_out") => Some(tr.t("sign-in-signed-out")),
        _ => None,
    };
    sign_in_response(
        &state,
        &token,
        StatusCode::OK,
        sign_in_page(tr, &token, "", &next, None, notice.as_deref()),
    )
}

pub async fn sign_in(
    State(state): State<AppState>,
    gate: Gate,
    Extension(throttle): Extension<Arc<SignInThrottle>>,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    Lang(tr): Lang,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, PortalError> {
    let expected = axum_extra::extract::CookieJar::from_headers(&headers)
        .get(session::sign_in_cookie_name(&state.config))
        .map(|cookie| cookie.value().to_owned());
    match expected {
        Some(expected) if !form.csrf_token.is_empty() && auth::tokens_match(&expected, &form.csrf_token) => {}
        _ => {
            let client = connection.map(|Extension(ConnectInfo(address))| address.ip());
            let request_id = crate::request_id::from_headers(&headers);
            refusals::csrf_rejected(&gate, &state.refusal_audit, client, request_id, "/sign-in", None)
                .await?;
            return Err(PortalError::CsrfRejected);
        }
    }
    let token = form.csrf_token.clone();
    let next = session::safe_next(form.next.as_deref());
    let refuse = |message: String| {
        let page = sign_in_page(tr, &token, &form.email, &next, Some(&message), None);
        Ok(sign_in_response(&state, &token, StatusCode::UNAUTHORIZED, page))
    };
    let Ok(email) = Email::parse(&form.email) else {
        return refuse(tr.t("sign-in-enter-email"));
    };
    if form.password.is_empty() {
        return refuse(tr.t("sign-in-enter-password"));
    }
    let client = connection.map(|Extension(ConnectInfo(address))| address.ip());
    let per_address = state.config.sign_in_failures_per_address;
    if let Some(wait) = throttle.retry_after(client, email.as_str(), per_address, Instant::now()).await {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        let message = tr.a("sign-in-throttled", &[("minutes", (minutes as i64).into())]);
        let page = sign_in_page(tr, &token, &form.email, &next, Some(&message), None);
        let mut response = sign_in_response(&state, &token, StatusCode::TOO_MANY_REQUESTS, page);
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
        return Ok(response);
    }
    let lifetime =
        chrono::Duration::from_std(state.config.session_lifetime).unwrap_or(chrono::Duration::hours(12));
    let attempt = SignIn {
        email: email.clone(),
        password: form.password.clone(),
        session_lifetime: lifetime,
        request_id: crate::request_id::from_headers(&headers),
        channel: "portal",
    };
    let signed_in = match accounts::sign_in(&gate, attempt).await {
        Ok(signed_in) => signed_in,
        Err(Error::Unauthenticated) => {
            throttle.record_failure(client, email.as_str(), per_address, Instant::now()).await;
            let request_id = crate::request_id::from_headers(&headers);
            refusals::sign_in_failed(&gate, &state.refusal_audit, &form.email, client, request_id).await?;
            return refuse(tr.t("sign-in-wrong"));
        }
        Err(other) => return Err(other.into()),
    };
    throttle.clear(client, email.as_str()).await;

    let target = match (signed_in.must_change_password, next.as_str()) {
        (false, _) => next,
        (true, "/") => "/password".to_owned(),
        (true, next) => format!("/password?next={}", view::url_encode(next)),
    };
    let mut response = Redirect::to(&target).into_response();
    let config = &state.config;
    let cookies = response.headers_mut();
    cookies.append(
        header::SET_COOKIE,
        session::set_cookie(
            config,
            session::session_cookie_name(config),
            &signed_in.session_secret,
            state.config.session_lifetime.as_secs(),
        ),
    );
    cookies.append(header::SET_COOKIE, session::clear_cookie(config, session::sign_in_cookie_name(config)));
    Ok(response)
}

pub async fn sign_out(
    State(state): State<AppState>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, PortalError> {
    accounts::sign_out(portal.access()).await?;
    let mut response = Redirect::to("/sign-in?notice=signed_out").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session::clear_cookie(&state.config, session::session_cookie_name(&state.config)),
    );
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn new_password_problem(tr: Tr, problem: NewPasswordProblem) -> String {
    match problem {
        NewPasswordProblem::TooShort { length, min } => tr.a(
            "password-problem-too-short",
            &[("length", (length as i64).into()), ("min", (min as i64).into())],
        ),
        NewPasswordProblem::TooLong { max } => {
            tr.a("password-problem-too-long", &[("max", (max as i64).into())])
        }
        NewPasswordProblem::SameAsCurrent => tr.t("password-problem-same"),
    }
}

fn password_page(portal: &Portal, errors: &PasswordProblems, next: &str) -> Markup {
    let tr = portal.tr();
    let forced = portal.caller().session.as_ref().is_some_and(|session| session.must_change_password);
    let current_error = errors.current_wrong.then(|| tr.t("password-problem-current-wrong"));
    let new_error = errors.new.map(|problem| new_password_problem(tr, problem));
    let confirm_error = errors.confirm_differs.then(|| tr.t("password-problem-confirm-differs"));
    let content = html! {
        h1 { (tr.t("password-title")) }
        @if forced {
            (view::notice("warn", &tr.t("password-forced-title"), Some(&tr.t("password-forced-text"))))
        }
        form class="stack card" method="post" action="/password" {
            (view::csrf(portal))
            input type="hidden" name="next" value=(next);
            @if !forced {
                (view::field(Field::text("current_password", &tr.t("password-current"), "").kind("password").required()
                    .autocomplete("current-password").error(current_error.as_deref())))
            }
            (view::field(Field::text("new_password", &tr.t("password-new"), "").kind("password").required()
                .autocomplete("new-password")
                .hint(&tr.t("password-new-hint"))
                .error(new_error.as_deref())))
            (view::field(Field::text("confirm_password", &tr.t("password-confirm"), "").kind("password").required()
                .autocomplete("new-password").error(confirm_error.as_deref())))
            div class="actions" { button type="submit" { (tr.t("password-button")) } }
        }
    };
    view::page(portal, Section::Account, &tr.t("password-title"), content)
}

pub async fn password_form(portal: Portal, Query(query): Query<NextQuery>) -> Markup {
    password_page(&portal, &PasswordProblems::default(), &session::safe_next(query.next.as_deref()))
}

pub async fn change_password(
    State(state): State<AppState>,
    CsrfForm(portal, form): CsrfForm<PasswordForm>,
) -> Result<Response, PortalError> {
    let next = session::safe_next(form.next.as_deref());
    let change = PasswordChange {
        current_password: form.current_password,
        new_password: form.new_password,
        confirm_password: form.confirm_password,
    };
    match accounts::change_password(portal.access(), change).await {
        Ok(changed) => {
            // The session was rotated (docs/security.md): the browser gets the new cookie.
            let mut response = Redirect::to(&next).into_response();
            if let Some(secret) = changed.session_secret {
                let config = &state.config;
                let cookie = session::set_cookie(
                    config,
                    session::session_cookie_name(config),
                    &secret,
                    config.session_lifetime.as_secs(),
                );
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            Ok(response)
        }
        Err(PasswordChangeError::Refused(problems)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, password_page(&portal, &problems, &next)).into_response())
        }
        Err(PasswordChangeError::Failed(error)) => Err(error.into()),
    }
}

/// `/account`: the person's own settings — the portal's language, and the way to a new password.
pub async fn show(portal: Portal, headers: HeaderMap, Query(query): Query<SavedQuery>) -> Markup {
    let saved = (query.saved.as_deref() == Some("language")).then(|| portal.tr().t("account-language-saved"));
    account_page(&portal, &headers, saved.as_deref())
}

#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

fn account_page(portal: &Portal, headers: &HeaderMap, saved: Option<&str>) -> Markup {
    let tr = portal.tr();
    let browser = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map(i18n::from_accept_language)
        .unwrap_or_default();
    let chosen = portal.chosen_language();
    let content = html! {
        h1 { (tr.t("account-title")) }
        @if let Some(saved) = saved { (view::notice("ok", saved, None)) }
        form class="stack card" method="post" action="/account" {
            (view::csrf(portal))
            fieldset {
                legend { (tr.t("account-language")) }
                span class="hint" id="language-hint" { (tr.t("account-language-hint")) }
                label class="choice" {
                    input type="radio" name="language" value="" checked[chosen.is_none()] aria-describedby="language-hint";
                    " " (tr.a("account-language-automatic", &[("language", browser.t("language-name").into())]))
                }
                @for language in Tr::all() {
                    label class="choice" lang=(language.tag()) {
                        input type="radio" name="language" value=(language.tag()) checked[chosen == Some(language.tag())];
                        " " (language.t("language-name"))
                    }
                }
            }
            div class="actions" { button type="submit" { (tr.t("action-save")) } }
        }
        h2 { (tr.t("account-password-heading")) }
        p { a href="/password" { (tr.t("account-password-link")) } }
    };
    view::page(portal, Section::Account, &tr.t("account-title"), content)
}

#[derive(Debug, Default, Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    language: String,
}

/// Keeps the chosen language with the account, and forgets this browser's `?lang=` choice so
/// the account's shows at once.
pub async fn save_language(
    State(state): State<AppState>,
    CsrfForm(portal, form): CsrfForm<LanguageForm>,
) -> Result<Response, PortalError> {
    let language = match form.language.as_str() {
        "" => None,
        tag => Some(Tr::for_tag(tag).ok_or_else(|| {
            PortalError::BadForm(format!("the portal does not speak the language {tag:?}"))
        })?),
    };
    accounts::set_language(portal.access(), language.map(Tr::tag)).await?;
    let mut response = Redirect::to("/account?saved=language").into_response();
    response.headers_mut().append(header::SET_COOKIE, session::clear_cookie(&state.config, i18n::COOKIE));
    Ok(response)
}

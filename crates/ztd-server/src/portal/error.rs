//! `PortalError`: every failure of a portal page becomes a readable HTML page (or a redirect to
//! sign in), never a JSON envelope. The API's own errors ([`ApiError`]) keep their status, code,
//! message and hint; only a few hints are reworded for people in a browser.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};

use super::i18n::Tr;
use super::session::Portal;
use super::view;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// No valid session: go to the sign-in page, then come back to `next`.
    #[error("sign-in required")]
    SignInRequired { next: String },
    /// The one-time password must be replaced before anything else.
    #[error("password change required")]
    PasswordChangeRequired,
    /// A form post without the session's CSRF token.
    #[error("missing or invalid CSRF token")]
    CsrfRejected,
    /// The form could not be read (a field of the wrong type).
    #[error("the form could not be read: {0}")]
    BadForm(String),
    /// The form is larger than the portal reads.
    #[error("the form is larger than {limit} bytes")]
    FormTooLarge { limit: usize },
    /// No portal page at this address.
    #[error("no page at {path}")]
    PageNotFound { path: String },
    /// The address does not parse (a malformed id): axum's own refusal, in its words.
    #[error("{detail}")]
    BadAddress { detail: String },
    /// An upload larger than the configured limit.
    #[error("the file is larger than the upload limit of {limit} bytes")]
    UploadTooLarge { limit: usize },
    /// The API's answer.
    #[error(transparent)]
    Api(#[from] ApiError),
}

impl From<crate::app::Error> for PortalError {
    fn from(error: crate::app::Error) -> Self {
        Self::Api(error.into())
    }
}

impl From<ztd_storage::StorageError> for PortalError {
    fn from(error: ztd_storage::StorageError) -> Self {
        Self::Api(error.into())
    }
}

/// What a person reads for an error, in the page's language: a title, the message and what
/// to do about it.
pub struct Explanation {
    pub status: StatusCode,
    pub title: String,
    pub message: String,
    pub hint: Option<String>,
    pub code: String,
    /// The service's own explanation, when the catalogue has no words of its own for this
    /// refusal and the page is not in English (the API speaks English).
    pub english_detail: Option<String>,
}

/// A size for people: "64 KB", "2.50 MB", "512 MB".
pub fn size_text(bytes: usize) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    let value = bytes as f64;
    if value < MB {
        format!("{} KB", (value / 1024.0).ceil())
    } else if value < 10.0 * MB {
        format!("{:.2} MB", value / MB)
    } else {
        format!("{:.0} MB", value / MB)
    }
}

/// The catalogue id of an error page's title.
fn title_id(status: StatusCode) -> &'static str {
    match status {
        StatusCode::FORBIDDEN => "error-title-forbidden",
        StatusCode::NOT_FOUND => "error-title-not-found",
        StatusCode::CONFLICT => "error-title-conflict",
        StatusCode::GONE => "error-title-gone",
        StatusCode::PAYLOAD_TOO_LARGE => "error-title-too-large",
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => "error-title-check-input",
        StatusCode::TOO_MANY_REQUESTS => "error-title-too-many",
        StatusCode::SERVICE_UNAVAILABLE => "error-title-unavailable",
        _ if status.is_server_error() => "error-title-internal",
        _ => "error-title-other",
    }
}

/// The explanation of an API error as shown in the portal. Refusals the catalogue words itself
/// are translated; the others keep the service's English message (with its code).
pub fn explain(tr: Tr, error: &ApiError) -> Explanation {
    let body = error.body();
    let status = error.status();
    let worded = |message: String, hint: Option<String>| (message, hint, None);
    // The API's hints name API routes; people in the portal need the portal's way.
    let (message, hint, english_detail) = match error {
        ApiError::RelationshipRequired { .. } => {
            worded(tr.t("error-relationship-required"), Some(tr.t("error-relationship-required-hint")))
        }
        ApiError::PayloadTooLarge { limit } => worded(
            tr.a("error-too-large", &[("limit", size_text(*limit).into())]),
            Some(tr.t("error-too-large-hint")),
        ),
        ApiError::ForbiddenRole { needed, actual } => worded(
            tr.a(
                "error-forbidden-role",
                &[("needed", view::role(tr, *needed).into()), ("actual", view::role(tr, *actual).into())],
            ),
            Some(tr.t("error-forbidden-role-hint")),
        ),
        ApiError::NotFound { .. } => worded(tr.t("error-not-found"), Some(tr.t("error-not-found-hint"))),
        ApiError::Internal(_) => worded(tr.t("error-internal"), Some(tr.t("error-internal-hint"))),
        ApiError::Unavailable { .. } => {
            worded(tr.t("error-unavailable"), Some(tr.t("error-unavailable-hint")))
        }
        ApiError::RateLimited { retry_after_secs } => worded(
            tr.t("error-rate-limited"),
            Some(tr.a("error-rate-limited-hint", &[("seconds", (*retry_after_secs as i64).into())])),
        ),
        _ if tr.tag() == "en" => (body.message, body.hint, None),
        // The service's words, under a translated title and a note that they are English.
        _ => (tr.t(title_id(status)), None, Some(english_text(&body.message, body.hint.as_deref()))),
    };
    Explanation { status, title: tr.t(title_id(status)), message, hint, code: body.code, english_detail }
}

fn english_text(message: &str, hint: Option<&str>) -> String {
    match hint {
        Some(hint) => format!("{message} ({hint})"),
        None => message.to_owned(),
    }
}

/// An error as a notice box, for pages that show it next to the form that caused it.
pub fn notice(tr: Tr, explanation: &Explanation) -> Markup {
    html! {
        div class="notice bad" role="alert" {
            h2 { (explanation.title) }
            @if explanation.english_detail.is_none() { p { (view::prose(&explanation.message)) } }
            @if let Some(detail) = &explanation.english_detail {
                p { (tr.t("error-detail-in-english")) " " span lang="en" { (view::prose(detail)) } }
            }
            @if let Some(hint) = &explanation.hint { p { strong { (tr.t("error-what-to-do")) " " } (view::prose(hint)) } }
            p class="hint" { (tr.t("error-code")) " " code { (explanation.code) } }
        }
    }
}

/// The explanation of a portal error (an API error, or one of the portal's own).
pub fn explain_portal(tr: Tr, error: &PortalError) -> Explanation {
    let own = |status, title: &str, message: String, hint: &str, code: &str| Explanation {
        status,
        title: tr.t(title),
        message,
        hint: Some(tr.t(hint)),
        code: code.to_owned(),
        english_detail: None,
    };
    match error {
        PortalError::CsrfRejected => own(
            StatusCode::FORBIDDEN,
            "error-csrf-title",
            tr.t("error-csrf-message"),
            "error-resend-hint",
            "csrf_rejected",
        ),
        PortalError::BadForm(detail) => Explanation {
            english_detail: (tr.tag() != "en").then(|| detail.clone()),
            ..own(
                StatusCode::BAD_REQUEST,
                "error-bad-form-title",
                detail.clone(),
                "error-resend-hint",
                "invalid_form",
            )
        },
        PortalError::FormTooLarge { limit } => own(
            StatusCode::BAD_REQUEST,
            "error-bad-form-title",
            tr.a("error-bad-form-too-large", &[("limit", (*limit as i64).into())]),
            "error-resend-hint",
            "invalid_form",
        ),
        PortalError::PageNotFound { path } => own(
            StatusCode::NOT_FOUND,
            "error-title-not-found",
            tr.a("error-page-not-found", &[("path", path.as_str().into())]),
            "error-page-not-found-hint",
            "not_found",
        ),
        PortalError::BadAddress { detail } => Explanation {
            english_detail: (tr.tag() != "en").then(|| detail.clone()),
            ..own(
                StatusCode::BAD_REQUEST,
                "error-title-check-input",
                detail.clone(),
                "error-bad-id-hint",
                "invalid_parameter",
            )
        },
        PortalError::UploadTooLarge { limit } => explain(tr, &ApiError::PayloadTooLarge { limit: *limit }),
        PortalError::Api(error) => explain(tr, error),
        // Answered with redirects, never with a page.
        PortalError::SignInRequired { .. } | PortalError::PasswordChangeRequired => {
            explain(tr, &ApiError::Unauthenticated)
        }
    }
}

/// The error page: inside the signed-in person's menu when there is one.
pub fn error_page(tr: Tr, portal: Option<&Portal>, explanation: &Explanation) -> Response {
    let content = html! {
        h1 { (explanation.title) }
        (notice(tr, explanation))
        p class="actions" { a class="button secondary" href="/" { (tr.t("error-go-home")) } }
    };
    let page = match portal {
        Some(portal) => view::page(portal, view::Section::Elsewhere, &explanation.title, content),
        None => view::public_page(tr, &explanation.title, content),
    };
    let mut response = (explanation.status, page).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Marks a response as a portal error whose page [`localise`] draws in the request's language
/// and menu (an error is turned into a response without the request at hand).
#[derive(Clone)]
struct ErrorToDraw(Arc<PortalError>);

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        match self {
            Self::SignInRequired { next } => {
                let target = if next == "/" {
                    "/sign-in".to_owned()
                } else {
                    format!("/sign-in?next={}", view::url_encode(&next))
                };
                Redirect::to(&target).into_response()
            }
            Self::PasswordChangeRequired => Redirect::to("/password").into_response(),
            Self::Api(ApiError::Unauthenticated) => Redirect::to("/sign-in").into_response(),
            other => {
                if let Self::Api(ApiError::Internal(detail)) = &other {
                    tracing::error!(error = %detail, "internal error on a portal page");
                }
                // English without a menu until `localise` draws it for the request.
                let mut response = error_page(Tr::default(), None, &explain_portal(Tr::default(), &other));
                response.extensions_mut().insert(ErrorToDraw(Arc::new(other)));
                response
            }
        }
    }
}

/// Middleware of every portal route: draws error pages in the request's language inside the
/// signed-in person's menu, and turns axum's own plain-text refusals (a malformed id in the
/// address, a form field of the wrong type) into the portal's pages.
pub async fn localise(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let mut saved = copy_head(&parts);
    let response = next.run(Request::from_parts(parts, body)).await;
    let error = match response.extensions().get::<ErrorToDraw>() {
        Some(ErrorToDraw(error)) => error.clone(),
        None if is_plain_text_refusal(&response) => {
            let detail = plain_text(response).await;
            Arc::new(PortalError::BadAddress { detail })
        }
        None => return response,
    };
    draw(&state, &mut saved, &error).await
}

/// The page of `error` for the request `parts` (also the HTML answer to an unknown address).
pub async fn draw(state: &AppState, parts: &mut Parts, error: &PortalError) -> Response {
    let portal = Portal::from_request_parts(parts, state).await.ok();
    let tr = portal.as_ref().map_or_else(|| super::session::request_language(parts, None), Portal::tr);
    error_page(tr, portal.as_ref(), &explain_portal(tr, error))
}

/// The request line, headers and extensions of a request (its body is read by the handler).
fn copy_head(parts: &Parts) -> Parts {
    let mut request = Request::new(());
    *request.method_mut() = parts.method.clone();
    *request.uri_mut() = parts.uri.clone();
    *request.version_mut() = parts.version;
    *request.headers_mut() = parts.headers.clone();
    *request.extensions_mut() = parts.extensions.clone();
    request.into_parts().0
}

fn is_plain_text_refusal(response: &Response) -> bool {
    response.status().is_client_error()
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/plain"))
}

async fn plain_text(response: Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 4096).await.unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_required_tells_a_partner_what_to_do() {
        let explanation =
            explain(Tr::default(), &ApiError::RelationshipRequired { customer_id: uuid::Uuid::nil() });
        assert_eq!(explanation.status, StatusCode::FORBIDDEN);
        assert_eq!(explanation.code, "relationship_required");
        assert!(explanation.message.contains("no active relationship"));
        assert!(explanation.hint.unwrap().contains("invitation link"));
    }

    #[test]
    fn too_large_names_the_limit_readably() {
        let explanation = explain(Tr::default(), &ApiError::PayloadTooLarge { limit: 256 * 1024 });
        assert_eq!(explanation.message, "The file is larger than the upload limit of 256 KB.");
        assert_eq!(size_text(512 * 1024 * 1024), "512 MB");
        assert_eq!(size_text(3 * 1024 * 1024 / 2), "1.50 MB");
    }

    #[test]
    fn sign_in_redirect_keeps_the_page_to_return_to() {
        let response = PortalError::SignInRequired { next: "/invitations/ztdinv_x".into() }.into_response();
        assert_eq!(response.headers()[header::LOCATION], "/sign-in?next=%2Finvitations%2Fztdinv_x");
        let csrf = PortalError::CsrfRejected.into_response();
        assert_eq!(csrf.status(), StatusCode::FORBIDDEN);
    }
}

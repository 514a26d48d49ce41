//! `PortalError`: every failure of a portal page becomes a readable HTML page (or a redirect to
//! sign in), never a JSON envelope. The API's own errors ([`ApiError`]) keep their status, code,
//! message and hint; only a few hints are reworded for people in a browser.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};

use super::view;
use crate::error::ApiError;

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
    /// The form could not be read (a field of the wrong type, a body too large).
    #[error("the form could not be read: {0}")]
    BadForm(String),
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

/// What a person reads for an error: a title, the message and what to do about it.
pub struct Explanation {
    pub status: StatusCode,
    pub title: &'static str,
    pub message: String,
    pub hint: Option<String>,
    pub code: String,
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

/// The explanation of an API error as shown in the portal.
pub fn explain(error: &ApiError) -> Explanation {
    let body = error.body();
    let status = error.status();
    let title = match status {
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::CONFLICT => "That cannot be done now",
        StatusCode::GONE => "This link can no longer be used",
        StatusCode::PAYLOAD_TOO_LARGE => "The file is too large",
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => "Please check what you entered",
        StatusCode::TOO_MANY_REQUESTS => "Too many requests",
        StatusCode::SERVICE_UNAVAILABLE => "The service is unavailable",
        _ if status.is_server_error() => "Something went wrong",
        _ => "The request could not be done",
    };
    // The API's hints name API routes; people in the portal need the portal's way.
    let (message, hint) = match error {
        ApiError::RelationshipRequired { .. } => (
            "Your organisation has no active relationship with this customer, so it cannot see or register its devices."
                .to_owned(),
            Some(
                "The customer's admin must accept one of your invitation links first (Customers → Create an invitation link). \
                 If the customer revoked the relationship, ask them for consent again."
                    .to_owned(),
            ),
        ),
        ApiError::PayloadTooLarge { limit } => (
            format!("The file is larger than the upload limit of {}.", size_text(*limit)),
            Some("Split the file into smaller files (`ztd csv split FILE --rows 1000 -o DIR`) and upload them one by one.".to_owned()),
        ),
        ApiError::ForbiddenRole { needed, .. } => (
            format!("This needs the {needed} role; you are signed in as {}.", error_role(error)),
            Some("Ask an admin of your organisation.".to_owned()),
        ),
        _ => (body.message, body.hint),
    };
    Explanation { status, title, message, hint, code: body.code }
}

fn error_role(error: &ApiError) -> String {
    match error {
        ApiError::ForbiddenRole { actual, .. } => actual.to_string(),
        _ => String::new(),
    }
}

/// An error as a notice box, for pages that show it next to the form that caused it.
pub fn notice(explanation: &Explanation) -> Markup {
    html! {
        div class="notice bad" role="alert" {
            h2 { (explanation.title) }
            p { (explanation.message) }
            @if let Some(hint) = &explanation.hint { p { strong { "What to do: " } (hint) } }
            p class="hint" { "Error code: " code { (explanation.code) } }
        }
    }
}

fn error_page(explanation: &Explanation) -> Response {
    let content = html! {
        h1 { (explanation.title) }
        (notice(explanation))
        p class="actions" { a class="button secondary" href="/" { "Go to the start page" } }
    };
    let mut response = (explanation.status, view::public_page(explanation.title, content)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

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
            Self::CsrfRejected => error_page(&Explanation {
                status: StatusCode::FORBIDDEN,
                title: "This form cannot be accepted",
                message: "The form was not sent from a page of this portal in your current session \
                          (its security token is missing or out of date), so nothing was changed."
                    .to_owned(),
                hint: Some("Go back, reload the page, and send the form again.".to_owned()),
                code: "csrf_rejected".to_owned(),
            }),
            Self::BadForm(detail) => error_page(&Explanation {
                status: StatusCode::BAD_REQUEST,
                title: "The form could not be read",
                message: detail,
                hint: Some("Go back, reload the page, and send the form again.".to_owned()),
                code: "invalid_form".to_owned(),
            }),
            Self::UploadTooLarge { limit } => error_page(&explain(&ApiError::PayloadTooLarge { limit })),
            Self::Api(error) => {
                if let ApiError::Internal(detail) = &error {
                    tracing::error!(error = %detail, "internal error on a portal page");
                }
                if matches!(error, ApiError::Unauthenticated) {
                    return Redirect::to("/sign-in").into_response();
                }
                error_page(&explain(&error))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_required_tells_a_partner_what_to_do() {
        let explanation = explain(&ApiError::RelationshipRequired { customer_id: uuid::Uuid::nil() });
        assert_eq!(explanation.status, StatusCode::FORBIDDEN);
        assert_eq!(explanation.code, "relationship_required");
        assert!(explanation.message.contains("no active relationship"));
        assert!(explanation.hint.unwrap().contains("invitation link"));
    }

    #[test]
    fn too_large_names_the_limit_readably() {
        let explanation = explain(&ApiError::PayloadTooLarge { limit: 256 * 1024 });
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

//! The request id: every request gets one (a UUID unless the client sent one); it is echoed in
//! the response, on every log line of the request, in error bodies and in audit events.
//!
//! A leaf module: the router sets the header, the error middleware, the access layer and the
//! handlers read it here, so none of them depends on another for it.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;

/// The header carrying the request id.
pub const HEADER: &str = "x-request-id";

/// Longest client request id kept (docs/security.md).
pub const MAX_LEN: usize = 128;

/// A client's request id is kept only if it is 1–128 characters of `[A-Za-z0-9._:-]`: it is
/// echoed, logged and stored in the audit, so nothing longer or stranger gets through.
pub fn is_acceptable(id: &[u8]) -> bool {
    (1..=MAX_LEN).contains(&id.len())
        && id.iter().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b':' | b'-'))
}

/// Middleware before the router's `SetRequestIdLayer`: drops an unacceptable client id, so the
/// layer replaces it with a generated UUID.
pub async fn drop_unacceptable(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let headers = request.headers_mut();
    let values = headers.get_all(HEADER).iter().count();
    if values > 1 || headers.get(HEADER).is_some_and(|value| !is_acceptable(value.as_bytes())) {
        headers.remove(HEADER);
    }
    next.run(request).await
}

/// The request id of `headers`, if the request has one that is valid text.
pub fn from_headers(headers: &HeaderMap) -> Option<String> {
    headers.get(HEADER).and_then(|value| value.to_str().ok()).map(str::to_owned)
}

/// Extractor of the request id (`None` only for a request that did not pass the router's
/// request-id layer, e.g. a handler called in a unit test).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestId(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(Self(from_headers(&parts.headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_the_header_and_ignores_non_text() {
        let mut headers = HeaderMap::new();
        assert_eq!(from_headers(&headers), None);
        headers.insert(HEADER, HeaderValue::from_static("abc-1"));
        assert_eq!(from_headers(&headers).as_deref(), Some("abc-1"));
        headers.insert(HEADER, HeaderValue::from_bytes(&[0xff]).unwrap());
        assert_eq!(from_headers(&headers), None);
    }

    #[test]
    fn accepts_only_short_plain_ids() {
        assert!(is_acceptable(b"abc-1"));
        assert!(is_acceptable(b"A.b_c:d-9"));
        assert!(is_acceptable(&[b'a'; MAX_LEN]));
        assert!(!is_acceptable(b""));
        assert!(!is_acceptable(&[b'a'; MAX_LEN + 1]));
        assert!(!is_acceptable("é".as_bytes()));
        assert!(!is_acceptable(b"a b"));
        assert!(!is_acceptable(b"a\tb"));
        assert!(!is_acceptable(b"a/b"));
    }
}

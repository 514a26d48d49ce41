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
}

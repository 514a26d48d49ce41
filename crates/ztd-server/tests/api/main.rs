//! Integration tests of the service core over HTTP, each on SQLite and on PostgreSQL
//! (`ztd_server::both_backends!`). One test binary with a module per story, so the server
//! crate is linked once.

// The registration helpers (CSV bodies, batch polling) shared with the other test binaries.
#[path = "../batches_support/mod.rs"]
mod batches_support;
mod bodies;
mod consent;
mod hostile;
mod isolation;
mod matrix;
mod operations;
mod profiles;

use reqwest::Response;
use serde_json::Value;

/// Asserts the status and the error code, returning the error object.
pub async fn expect_error(response: Response, status: u16, code: &str) -> Value {
    let actual = response.status().as_u16();
    let error = ztd_server::testing::error_body(response).await;
    assert_eq!((actual, error["code"].as_str().unwrap_or_default()), (status, code), "error: {error}");
    error
}

/// Asserts the status and returns the JSON body.
pub async fn expect_json(response: Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let text = response.text().await.expect("a response body");
    assert_eq!(actual, status, "body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
}

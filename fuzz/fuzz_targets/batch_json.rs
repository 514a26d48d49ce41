//! The JSON batch reader must never panic, never return more devices than its cap, and name
//! where a body went wrong (line and column), whatever the bytes.
//!
//! Each input is read twice: with a small cap (its length modulo 8, so short inputs reach the
//! cap and a seed is read whole) and with the server's default cap.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ztd_domain::json_batch::{self, JsonBatchError};

/// The server's default cap (`--max-json-batch-rows`).
const DEFAULT_CAP: usize = 100_000;

fuzz_target!(|data: &[u8]| {
    check(data, data.len() % 8);
    check(data, DEFAULT_CAP);
});

fn check(body: &[u8], cap: usize) {
    match json_batch::parse(body, cap) {
        Ok(batch) => assert!(batch.devices.len() <= cap, "{} devices over the cap {cap}", batch.devices.len()),
        Err(JsonBatchError::TooManyDevices { limit }) => assert_eq!(limit, cap),
        Err(JsonBatchError::Invalid { message, line, column }) => {
            assert!(line >= 1, "no line in {message:?}");
            assert!(message.ends_with(&format!(" at line {line} column {column}")), "{message:?}");
        }
    }
}

//! Hardware hash decoding must never panic, whatever the input.
//!
//! Each input is tried three ways: as base64 text (the path a CSV cell takes), as a raw blob
//! (structure checks), and as a blob sealed with a correct checksum, so that the fuzzer also
//! reaches record reading, which a random checksum would almost never let through.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use ztd_domain::hash::{self, HashView};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = hash::decode(text);
    }
    if let Ok(view) = HashView::parse(data) {
        let _ = view.to_decoded();
    }
    if let Some(sealed) = seal(data) {
        if let Ok(view) = HashView::parse(&sealed) {
            let decoded = view.to_decoded();
            let _ = view.identity();
            assert_eq!(decoded.records.len(), view.records().count());
        }
    }
});

/// `data` with "OA", its length as the checksum offset, and a matching checksum record.
fn seal(data: &[u8]) -> Option<Vec<u8>> {
    let mut blob = b"OA".to_vec();
    let offset = u16::try_from(data.len() + 4).ok()?;
    blob.extend_from_slice(&offset.to_le_bytes());
    blob.extend_from_slice(data);
    let digest = Sha256::digest(&blob);
    blob.extend_from_slice(b"CS");
    blob.extend_from_slice(&36u16.to_le_bytes());
    blob.extend_from_slice(&digest);
    Some(blob)
}

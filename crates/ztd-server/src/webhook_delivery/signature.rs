//! The `ztd-signature` header (docs/webhooks.md#signature):
//! `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>`.
//!
//! The key is the secret exactly as shown at creation (`whsec_…`, all of it, as UTF-8 bytes).
//! The timestamp is signed with the body, so a receiver that refuses old timestamps refuses a
//! replayed delivery. [`verify`] is what a receiver does; the tests' receivers use it, and the
//! Python example in docs/webhooks.md does the same.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header carrying the signature.
pub const HEADER: &str = "ztd-signature";

/// How far from the receiver's clock a timestamp may be by default (5 minutes).
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The header value signing `body` at `timestamp` (unix seconds) with `secret`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", hex(&mac(secret, timestamp, body).finalize().into_bytes()))
}

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the signature header is not `t=<seconds>,v1=<hex>`")]
    Malformed,
    #[error("the timestamp is {0} s away from now, beyond the tolerance")]
    OutsideTolerance(i64),
    #[error("no v1 signature matches the body")]
    Mismatch,
}

/// Checks `header` against `body` as a receiver does: the timestamp within `tolerance_secs` of
/// `now` (unix seconds), and one of its `v1` signatures equal to the expected one (compared in
/// constant time by the HMAC itself).
pub fn verify(
    secret: &str,
    header: &str,
    body: &[u8],
    now: i64,
    tolerance_secs: i64,
) -> Result<(), VerifyError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = Some(value.parse::<i64>().map_err(|_| VerifyError::Malformed)?),
            Some(("v1", value)) => signatures.push(value.to_owned()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(VerifyError::Malformed)?;
    if signatures.is_empty() {
        return Err(VerifyError::Malformed);
    }
    let skew = now.saturating_sub(timestamp);
    if skew.abs() > tolerance_secs {
        return Err(VerifyError::OutsideTolerance(skew));
    }
    let expected = mac(secret, timestamp, body);
    for signature in signatures {
        let Some(bytes) = unhex(&signature) else { continue };
        if expected.clone().verify_slice(&bytes).is_ok() {
            return Ok(());
        }
    }
    Err(VerifyError::Mismatch)
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    text.as_bytes()
        .chunks(2)
        .map(|pair| match pair {
            [high, low] => u8::from_str_radix(std::str::from_utf8(&[*high, *low]).ok()?, 16).ok(),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec_k", b"1700000000.{}",
        // hashlib.sha256).hexdigest())'
        let expected = "8b20524faff2b12e1089e404a8cf60fbe577e5320e899ebff7329ebbcb9ada22";
        assert_eq!(sign("whsec_k", 1_700_000_000, b"{}"), format!("t=1700000000,v1={expected}"));
        assert_eq!(reference(), expected);
    }

    /// HMAC-SHA256 by its definition (RFC 2104), independently of the `hmac` crate.
    fn reference() -> String {
        use sha2::Digest;
        let key = b"whsec_k";
        let mut block = [0u8; 64];
        block[..key.len()].copy_from_slice(key);
        let inner_key: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
        let outer_key: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
        let inner = Sha256::new().chain_update(&inner_key).chain_update(b"1700000000.{}").finalize();
        hex(&Sha256::new().chain_update(&outer_key).chain_update(inner).finalize())
    }

    #[test]
    fn refusals_say_why() {
        let header = sign("whsec_a", 100, b"body");
        assert_eq!(verify("whsec_a", &header, b"body", 100, 300), Ok(()));
        assert_eq!(verify("whsec_a", &header, b"bodY", 100, 300), Err(VerifyError::Mismatch));
        assert_eq!(verify("whsec_b", &header, b"body", 100, 300), Err(VerifyError::Mismatch));
        assert_eq!(verify("whsec_a", &header, b"body", 401, 300), Err(VerifyError::OutsideTolerance(301)));
        assert_eq!(verify("whsec_a", "v1=00", b"body", 100, 300), Err(VerifyError::Malformed));
        assert_eq!(verify("whsec_a", "t=100", b"body", 100, 300), Err(VerifyError::Malformed));
        assert_eq!(verify("whsec_a", "t=x,v1=00", b"body", 100, 300), Err(VerifyError::Malformed));
        // A second v1 (a receiver rotating secrets) is accepted when one matches.
        let rotated = format!("{header},v1=00ff");
        assert_eq!(verify("whsec_a", &rotated, b"body", 100, 300), Ok(()));
    }

    proptest! {
        #[test]
        fn signed_bodies_verify_and_any_change_is_refused(
            secret in "whsec_[A-Za-z0-9_-]{1,43}",
            body in proptest::collection::vec(any::<u8>(), 0..512),
            timestamp in 0i64..4_000_000_000,
            flip in any::<proptest::sample::Index>(),
        ) {
            let header = sign(&secret, timestamp, &body);
            let prefix = format!("t={timestamp},v1=");
            prop_assert!(header.starts_with(&prefix), "{}", header);
            prop_assert_eq!(header.len(), prefix.len() + 64);
            prop_assert_eq!(verify(&secret, &header, &body, timestamp, 0), Ok(()));
            if !body.is_empty() {
                let mut tampered = body.clone();
                tampered[flip.index(body.len())] ^= 1;
                prop_assert_eq!(verify(&secret, &header, &tampered, timestamp, 0), Err(VerifyError::Mismatch));
            }
            // The timestamp is signed too: moving it breaks the signature.
            let moved = header.replacen(&format!("t={timestamp}"), &format!("t={}", timestamp + 1), 1);
            prop_assert_eq!(verify(&secret, &moved, &body, timestamp, 10), Err(VerifyError::Mismatch));
        }
    }
}

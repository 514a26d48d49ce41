//! Secrets: API keys, one-time passwords, session and invitation tokens.
//!
//! Bearer secrets (API keys, session cookies, invitation tokens) carry 256 random bits, so a
//! plain SHA-256 is enough to store them: nothing to brute-force. Passwords are chosen by people
//! later on, so they get argon2id (slow on purpose; run it off the async threads).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use rand::distributions::{Alphanumeric, DistString};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Every API key starts with this, so leaked keys are recognisable (secret scanners, logs).
pub const API_KEY_PREFIX: &str = "ztd_";
/// Invitation link tokens start with this.
pub const INVITATION_TOKEN_PREFIX: &str = "ztdinv_";
/// Webhook signing secrets start with this.
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";
/// Name of the portal's session cookie.
pub const SESSION_COOKIE: &str = "ztd_session";
/// Its name when the portal is served over https: browsers accept a `__Host-` cookie only with
/// `Secure`, `Path=/` and no `Domain`, so a sibling subdomain cannot plant one.
pub const SECURE_SESSION_COOKIE: &str = "__Host-ztd_session";

/// The session cookie's name: [`SECURE_SESSION_COOKIE`] when the public URL is https.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}
/// Header carrying the CSRF token on cookie-authenticated mutations.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A freshly made secret: the text to hand out once and the hash to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedSecret {
    pub secret: String,
    pub hash: String,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a bearer secret, lowercase hex: what the database stores and looks up.
pub fn hash_token(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

fn issue(prefix: &str) -> IssuedSecret {
    let secret = format!("{prefix}{}", random_token());
    let hash = hash_token(&secret);
    IssuedSecret { secret, hash }
}

pub fn new_api_key() -> IssuedSecret {
    issue(API_KEY_PREFIX)
}

pub fn new_invitation_token() -> IssuedSecret {
    issue(INVITATION_TOKEN_PREFIX)
}

/// A webhook's signing secret, shown once. Kept as is (the dispatcher signs with it), not hashed.
pub fn new_webhook_secret() -> String {
    format!("{WEBHOOK_SECRET_PREFIX}{}", random_token())
}

/// A session cookie value and its hash.
pub fn new_session_token() -> IssuedSecret {
    issue("")
}

/// The CSRF token stored with a session and echoed by forms / the `x-csrf-token` header.
pub fn new_csrf_token() -> String {
    random_token()
}

/// A one-time password: 20 alphanumerics (~119 bits), easy to copy, changed at first sign-in.
pub fn new_one_time_password() -> String {
    Alphanumeric.sample_string(&mut rand::rngs::OsRng, 20)
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct PasswordHashError(String);

/// argon2id PHC string of a password. CPU-heavy: call from `spawn_blocking`.
pub fn hash_password(password: &str) -> Result<String, PasswordHashError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| PasswordHashError(error.to_string()))
}

/// Whether `password` matches the stored PHC string; a malformed stored hash never matches.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Constant-time comparison for tokens (CSRF, the metrics token) so timing reveals nothing but
/// the length.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    use subtle::ConstantTimeEq;
    expected.as_bytes().ct_eq(given.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_keys_are_prefixed_unique_and_hashed() {
        let first = new_api_key();
        let second = new_api_key();
        assert!(first.secret.starts_with("ztd_"));
        assert_ne!(first.secret, second.secret);
        assert_eq!(first.hash, hash_token(&first.secret));
        assert_eq!(first.hash.len(), 64);
        assert!(!first.hash.contains(&first.secret));
    }

    #[test]
    fn hash_token_is_sha256_hex() {
        assert_eq!(hash_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn passwords_verify_only_with_the_right_password() {
        let password = new_one_time_password();
        assert_eq!(password.len(), 20);
        let stored = hash_password(&password).unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify_password(&password, &stored));
        assert!(!verify_password("wrong", &stored));
        assert!(!verify_password(&password, "not a phc string"));
    }

    #[test]
    fn tokens_match_compares_whole_strings() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("abc", "ab"));
    }
}

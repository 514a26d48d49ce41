//! Names and addresses of organisations, users and API keys: parsed once at the edge
//! ("parse, don't validate"), so the rest of the service holds values that are known good.
//!
//! Each `parse` names the value it refused and says how to fix it ([`AccountFieldError`]).

use std::fmt;

/// A value of an account field that breaks its rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountFieldError {
    #[error("organisation name {0:?} must be 1 to 200 printable characters")]
    OrgName(String),
    #[error("{0:?} is not a domain name")]
    Domain(String),
    #[error("{0:?} is not an email address")]
    Email(String),
    #[error("API key name {0:?} must be 1 to 100 printable characters")]
    KeyName(String),
}

impl AccountFieldError {
    /// The stable error code of the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Self::OrgName(_) | Self::KeyName(_) => "invalid_name",
            Self::Domain(_) => "invalid_domain",
            Self::Email(_) => "invalid_email",
        }
    }

    /// How to fix it, where there is more to say than the message.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Domain(_) => Some("use the tenant's DNS domain, e.g. contoso.com"),
            Self::Email(_) => Some("use one address such as admin@contoso.com"),
            Self::OrgName(_) | Self::KeyName(_) => None,
        }
    }
}

/// The limits count the text as sent, surrounding whitespace included, so that the API's
/// `maxLength` states exactly what is accepted (docs/api.md#schemathesis).
fn printable_label(text: &str, max_chars: usize) -> Option<String> {
    let trimmed = text.trim();
    let fits = !trimmed.is_empty() && text.chars().count() <= max_chars;
    (fits && !trimmed.chars().any(char::is_control)).then(|| trimmed.to_owned())
}

/// An organisation's display name: at most 200 characters, not all whitespace, no control
/// character; surrounding whitespace dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgName(String);

impl OrgName {
    pub fn parse(text: &str) -> Result<Self, AccountFieldError> {
        printable_label(text, 200).map(Self).ok_or_else(|| AccountFieldError::OrgName(text.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A DNS domain such as `contoso.com`, lowercased, trailing dot dropped (the tenant domain of
/// the configuration file).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Domain(String);

impl Domain {
    pub fn parse(text: &str) -> Result<Self, AccountFieldError> {
        if text.chars().count() > MAX_DOMAIN_CHARS {
            return Err(AccountFieldError::Domain(text.to_owned()));
        }
        let domain = text.trim().trim_end_matches('.').to_ascii_lowercase();
        let label_ok = |label: &str| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        if domain.len() > 253 || !domain.contains('.') || !domain.split('.').all(label_ok) {
            return Err(AccountFieldError::Domain(text.to_owned()));
        }
        Ok(Self(domain))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Longest domain as sent (surrounding whitespace and trailing dots included).
pub const MAX_DOMAIN_CHARS: usize = 253;
/// Longest email address as sent (surrounding whitespace included).
pub const MAX_EMAIL_CHARS: usize = 254;

/// An email address used to sign in: trimmed, lowercased, one `@` with text on both sides, no
/// whitespace or control character inside, at most 254 characters as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Self, AccountFieldError> {
        let email = text.trim().to_lowercase();
        let valid = match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && text.chars().count() <= MAX_EMAIL_CHARS
                    && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if !valid {
            return Err(AccountFieldError::Email(text.to_owned()));
        }
        Ok(Self(email))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A short label for an API key: at most 100 characters, not all whitespace, no control
/// character; surrounding whitespace dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyName(String);

impl KeyName {
    pub fn parse(text: &str) -> Result<Self, AccountFieldError> {
        printable_label(text, 100).map(Self).ok_or_else(|| AccountFieldError::KeyName(text.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! display_as_str {
    ($($name:ident),+) => {$(
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )+};
}
display_as_str!(OrgName, Domain, Email, KeyName);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse(" Admin@Contoso.COM ").unwrap().as_str(), "admin@contoso.com");
        for bad in ["", "no-at", "@x.com", "a@", "a b@x.com", "a@b@c"] {
            assert_eq!(Email::parse(bad), Err(AccountFieldError::Email(bad.to_owned())), "{bad:?}");
        }
    }

    #[test]
    fn domains_are_lowercased_and_checked() {
        assert_eq!(Domain::parse("Contoso.com.").unwrap().as_str(), "contoso.com");
        for bad in ["contoso", "-a.com", "a..com", "a b.com", "ä.com"] {
            let error = Domain::parse(bad).unwrap_err();
            assert_eq!(error.code(), "invalid_domain");
            assert!(error.to_string().contains(&format!("{bad:?}")), "{error}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(OrgName::parse("  Contoso ").unwrap().as_str(), "Contoso");
        assert!(OrgName::parse("   ").is_err());
        assert!(OrgName::parse(&"x".repeat(201)).is_err());
        assert!(OrgName::parse("a\u{7}b").is_err());
        // The limit counts the text as sent, as the API's maxLength does.
        assert!(OrgName::parse(&format!(" {} ", "x".repeat(199))).is_err());
        assert!(Domain::parse(&format!("{}com", "abcdefghi.".repeat(25))).is_ok());
        assert!(Domain::parse(&format!("{}com ", "abcdefghi.".repeat(25))).is_err());
        assert!(Email::parse(&format!(" {}@x.com", "a".repeat(248))).is_err());
        assert_eq!(KeyName::parse("factory line 3").unwrap().to_string(), "factory line 3");
        assert_eq!(KeyName::parse("").unwrap_err().code(), "invalid_name");
    }

    proptest! {
        /// Parsing never panics, and what it accepts parses again to itself (normal form).
        #[test]
        fn parsing_is_total_and_idempotent(text in "\\PC{0,80}|[a-zA-Z0-9.@ -]{0,40}") {
            if let Ok(email) = Email::parse(&text) {
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
            }
            if let Ok(domain) = Domain::parse(&text) {
                prop_assert_eq!(Domain::parse(domain.as_str()), Ok(domain.clone()));
            }
            if let Ok(name) = OrgName::parse(&text) {
                prop_assert_eq!(OrgName::parse(name.as_str()), Ok(name.clone()));
            }
            if let Ok(name) = KeyName::parse(&text) {
                prop_assert_eq!(KeyName::parse(name.as_str()), Ok(name.clone()));
            }
        }
    }
}

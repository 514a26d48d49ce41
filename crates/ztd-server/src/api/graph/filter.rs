//! The `$filter` expressions the Graph adapter takes: `contains(serialNumber,'…')`, what
//! `Get-WindowsAutopilotInfo` and the WindowsAutopilotIntune module send, and nothing else
//! (docs/compatibility.md#graph-filter). Anything else is refused with a message naming it.

/// A parsed `$filter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// `contains(serialNumber,'text')`: the serial number contains `text`, ignoring ASCII case
    /// (as Intune matches serial numbers).
    SerialContains(String),
}

impl Filter {
    /// Whether a serial number passes the filter.
    pub fn matches(&self, serial_number: Option<&str>) -> bool {
        match self {
            Self::SerialContains(needle) => serial_number
                .is_some_and(|serial| serial.to_ascii_lowercase().contains(&needle.to_ascii_lowercase())),
        }
    }
}

/// Why a `$filter` is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError(pub String);

const SUPPORTED: &str = "the only $filter ztd supports is contains(serialNumber,'text')";

/// The grammar [`parse`] takes, as a regular expression (the OpenAPI document's pattern).
pub const PATTERN: &str = r"^ *contains *\( *serialNumber *, *'(?:[^'\x00-\x1f\x7f-\x9f]|'')+' *\) *$";

/// Parses `$filter` text: `contains(serialNumber,'text')`, spaces allowed between tokens, names
/// as OData spells them (case-sensitive), `''` for a quote inside the text: exactly [`PATTERN`].
pub fn parse(text: &str) -> Result<Filter, FilterError> {
    let refuse = || FilterError(format!("unsupported $filter {text:?}: {SUPPORTED}"));
    let mut rest = text;
    rest = strip_word(rest, "contains").ok_or_else(refuse)?;
    rest = strip_token(rest, '(').ok_or_else(refuse)?;
    rest = strip_word(rest, "serialNumber").ok_or_else(refuse)?;
    rest = strip_token(rest, ',').ok_or_else(refuse)?;
    let rest_trimmed = rest.trim_start_matches(' ');
    let mut chars = rest_trimmed.char_indices();
    if chars.next().map(|(_, c)| c) != Some('\'') {
        return Err(refuse());
    }
    let mut value = String::new();
    let mut end = None;
    let bytes = rest_trimmed.as_bytes();
    let mut index = 1;
    while index < bytes.len() {
        let c = rest_trimmed[index..].chars().next().ok_or_else(refuse)?;
        if c == '\'' {
            if bytes.get(index + 1) == Some(&b'\'') {
                value.push('\'');
                index += 2;
                continue;
            }
            end = Some(index + 1);
            break;
        }
        value.push(c);
        index += c.len_utf8();
    }
    let end = end
        .ok_or_else(|| FilterError(format!("unsupported $filter {text:?}: the quoted text is not closed")))?;
    let rest = strip_token(&rest_trimmed[end..], ')').ok_or_else(refuse)?;
    if !rest.trim_start_matches(' ').is_empty() {
        return Err(refuse());
    }
    if value.is_empty() || value.chars().any(char::is_control) {
        return Err(FilterError(format!(
            "unsupported $filter {text:?}: the serial number text must be non-empty, without control characters"
        )));
    }
    Ok(Filter::SerialContains(value))
}

fn strip_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    text.trim_start_matches(' ').strip_prefix(word)
}

fn strip_token(text: &str, token: char) -> Option<&str> {
    text.trim_start_matches(' ').strip_prefix(token)
}

/// `text` as an OData string literal: quoted, quotes doubled.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_what_the_scripts_send() {
        assert_eq!(parse("contains(serialNumber,'ABC')"), Ok(Filter::SerialContains("ABC".into())));
        assert_eq!(parse(" contains ( serialNumber , 'a b' ) "), Ok(Filter::SerialContains("a b".into())));
        assert_eq!(parse("contains(serialNumber,'O''Brien')"), Ok(Filter::SerialContains("O'Brien".into())));
    }

    #[test]
    fn refuses_everything_else_naming_it() {
        for text in [
            "",
            "serialNumber eq 'A'",
            "startswith(serialNumber,'A')",
            "contains(groupTag,'A')",
            "Contains(serialNumber,'A')",
            "contains(SerialNumber,'A')",
            "\tcontains(serialNumber,'A')",
            "contains(serialNumber,'A') and contains(serialNumber,'B')",
            "contains(serialNumber,'A'",
            "contains(serialNumber,'A)",
            "contains(serialNumber,A)",
            "contains(serialNumber,'')",
            "contains(serialNumber,'a\u{1}')",
        ] {
            let error = parse(text).expect_err(text);
            assert!(error.0.contains(&format!("{text:?}")), "{error:?}");
        }
    }

    #[test]
    fn matches_ignoring_ascii_case() {
        let filter = Filter::SerialContains("abc".into());
        assert!(filter.matches(Some("X-ABC-1")));
        assert!(!filter.matches(Some("AB-C")));
        assert!(!filter.matches(None));
    }

    proptest! {
        #[test]
        fn any_quoted_text_round_trips(text in "[^\\x00-\\x1f\\x7f-\\x9f]{1,40}") {
            let filter = format!("contains(serialNumber,{})", quote(&text));
            prop_assert_eq!(parse(&filter), Ok(Filter::SerialContains(text.clone())));
            let serial = format!("x{}y", text);
            prop_assert!(Filter::SerialContains(text.clone()).matches(Some(&serial)));
        }

        #[test]
        fn never_panics(text in ".{0,80}") {
            let _ = parse(&text);
        }

        /// The parser takes exactly what the documented pattern describes.
        #[test]
        fn agrees_with_the_pattern(text in "[ a-zA-Z(),'\\x01é]{0,30}|contains\\(serialNumber,'[ a-z'\\x01]{0,6}'\\) ?") {
            let pattern = regex::Regex::new(PATTERN).unwrap();
            prop_assert_eq!(parse(&text).is_ok(), pattern.is_match(&text), "{:?}", text);
        }
    }
}

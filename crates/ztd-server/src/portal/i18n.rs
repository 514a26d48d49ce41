//! The portal's languages (docs/portal.md#languages).
//!
//! Every piece of portal text comes from a message catalogue: one [Fluent] file per language in
//! `crates/ztd-server/locales/`, compiled into the binary. Adding a language is adding a file
//! and naming it in [`SOURCES`]; `tests` below fail when a message exists in one catalogue and
//! not in another, or when a catalogue does not parse.
//!
//! The language of a request ([`choose`]), first match wins:
//! 1. `?lang=xx` on the address (the language links in every page's header);
//! 2. the `ztd_lang` cookie: the portal keeps a `?lang=` choice in it for this browser, so the
//!    last choice made here wins;
//! 3. the language kept with the signed-in person's account (the Account page; saving it
//!    clears the cookie), which follows the person to every browser;
//! 4. the browser's `Accept-Language`;
//! 5. English.
//!
//! Numbers and dates are written the language's way: the catalogue names its digit-group
//! separator and its date layout, so they are part of the language's file too.
//!
//! [Fluent]: https://projectfluent.org/

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Timelike, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// The catalogues compiled into the binary: (language tag, Fluent source). The first is the
/// fallback when nothing the browser asks for is available.
const SOURCES: &[(&str, &str)] =
    &[("en", include_str!("../../locales/en.ftl")), ("da", include_str!("../../locales/da.ftl"))];

/// The cookie that keeps a `?lang=` choice for the next pages.
pub const COOKIE: &str = "ztd_lang";

/// One language: its tag, its own name (for the language menu) and its messages.
pub struct Catalogue {
    tag: &'static str,
    langid: LanguageIdentifier,
    bundle: FluentBundle<FluentResource>,
    /// Parse errors of the source; empty in a correct build (a unit test checks).
    #[cfg_attr(not(test), allow(dead_code))]
    problems: Vec<String>,
}

static CATALOGUES: LazyLock<Vec<Catalogue>> =
    LazyLock::new(|| SOURCES.iter().map(|(tag, source)| Catalogue::load(tag, source)).collect());

impl Catalogue {
    fn load(tag: &'static str, source: &str) -> Self {
        let langid: LanguageIdentifier = tag.parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![langid.clone()]);
        // Unicode isolation marks around every placeable would land in attributes and
        // copied text; the portal shows no right-to-left text.
        bundle.set_use_isolating(false);
        bundle.set_formatter(Some(format_value));
        let mut problems = Vec::new();
        let resource = match FluentResource::try_new(source.to_owned()) {
            Ok(resource) => resource,
            Err((resource, errors)) => {
                problems.extend(errors.iter().map(|error| format!("{tag}.ftl: {error:?}")));
                resource
            }
        };
        if let Err(errors) = bundle.add_resource(resource) {
            problems.extend(errors.iter().map(|error| format!("{tag}.ftl: {error:?}")));
        }
        for problem in &problems {
            tracing::error!(%problem, "a portal message catalogue has a mistake");
        }
        Self { tag, langid, bundle, problems }
    }
}

/// Numbers with the language's digit grouping (`1,234` in English, `1.234` in Danish). Fluent
/// gives the formatter no language, so the separator is looked up by the bundle's locale.
fn format_value<M>(value: &FluentValue, _memoizer: &M) -> Option<String> {
    let FluentValue::Number(number) = value else { return None };
    if number.value.fract() != 0.0 || number.value.abs() >= 1e15 {
        return None;
    }
    // The separator is filled in by `Tr::number`; here the digits are only grouped with a
    // placeholder that no language uses, replaced below.
    Some(group_digits(number.value as i64, '\u{E000}'))
}

fn group_digits(value: i64, separator: char) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

/// A value for a message's `{ $name }`.
pub type Arg<'a> = (&'a str, FluentValue<'a>);

/// The portal's text in one language: a cheap copyable handle every page renders with.
#[derive(Clone, Copy)]
pub struct Tr {
    catalogue: &'static Catalogue,
}

impl std::fmt::Debug for Tr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Tr").field(&self.catalogue.tag).finish()
    }
}

impl Default for Tr {
    fn default() -> Self {
        Self { catalogue: &CATALOGUES[0] }
    }
}

impl Tr {
    /// The language with this tag, if the portal has it.
    pub fn for_tag(tag: &str) -> Option<Self> {
        let tag = tag.trim();
        CATALOGUES
            .iter()
            .find(|catalogue| catalogue.tag.eq_ignore_ascii_case(tag))
            .map(|catalogue| Self { catalogue })
    }

    /// Every language the portal speaks, in the order of [`SOURCES`].
    pub fn all() -> impl Iterator<Item = Tr> {
        CATALOGUES.iter().map(|catalogue| Self { catalogue })
    }

    /// The language tag, for `<html lang>` and `?lang=`.
    pub fn tag(self) -> &'static str {
        self.catalogue.tag
    }

    /// A message without arguments.
    pub fn t(self, id: &str) -> String {
        self.format(id, None)
    }

    /// A message with arguments: `tr.a("devices-total", &[("count", total.into())])`.
    pub fn a(self, id: &str, args: &[Arg<'_>]) -> String {
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        self.format(id, Some(&fluent_args))
    }

    /// Whether the catalogue has this message (for codes that may have their own wording).
    pub fn has(self, id: &str) -> bool {
        self.catalogue.bundle.has_message(id)
    }

    fn format(self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = &self.catalogue.bundle;
        let Some(pattern) = bundle.get_message(id).and_then(|message| message.value()) else {
            // A missing message shows its id: visible in the page and caught by the tests,
            // rather than an empty space.
            tracing::warn!(id, lang = self.catalogue.tag, "portal message missing");
            return id.to_owned();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, lang = self.catalogue.tag, ?errors, "portal message formatted with errors");
        }
        let separator = self.grouping_separator();
        text.replace('\u{E000}', &separator)
    }

    fn grouping_separator(self) -> String {
        let bundle = &self.catalogue.bundle;
        bundle
            .get_message("language-digit-group-separator")
            .and_then(|message| message.value())
            .map(|pattern| bundle.format_pattern(pattern, None, &mut Vec::new()).into_owned())
            .unwrap_or_else(|| ",".to_owned())
    }

    /// A whole number the language's way (`12,345` / `12.345`).
    pub fn number(self, value: i64) -> String {
        group_digits(value, self.grouping_separator().chars().next().unwrap_or(','))
    }

    /// A moment in UTC the language's way (`2 Dec 2026, 19:58 UTC` / `2. dec. 2026 kl. 19.58 UTC`).
    pub fn date_time(self, at: DateTime<Utc>) -> String {
        let month = self.t(&format!("month-{}", at.month()));
        let (day, year) = (at.day().to_string(), at.year().to_string());
        let (hour, minute) = (format!("{:02}", at.hour()), format!("{:02}", at.minute()));
        self.a(
            "date-time",
            &[
                ("day", day.into()),
                ("month", month.into()),
                ("year", year.into()),
                ("hour", hour.into()),
                ("minute", minute.into()),
            ],
        )
    }
}

/// What a request says about its language (see the module documentation for the order).
#[derive(Debug, Default, Clone, Copy)]
pub struct Preferences<'a> {
    pub query: Option<&'a str>,
    pub account: Option<&'a str>,
    pub cookie: Option<&'a str>,
    pub accept_language: Option<&'a str>,
}

/// The language of a request.
pub fn choose(preferences: Preferences<'_>) -> Tr {
    let explicit = [preferences.query, preferences.cookie, preferences.account];
    if let Some(tr) = explicit.into_iter().flatten().find_map(Tr::for_tag) {
        return tr;
    }
    preferences.accept_language.map(from_accept_language).unwrap_or_default()
}

/// The best of the portal's languages for an `Accept-Language` header (`da-DK,da;q=0.9,en;q=0.8`).
pub fn from_accept_language(header: &str) -> Tr {
    let requested = fluent_langneg::accepted_languages::parse(header);
    let available: Vec<&LanguageIdentifier> = CATALOGUES.iter().map(|catalogue| &catalogue.langid).collect();
    let chosen = fluent_langneg::negotiate_languages(
        &requested,
        &available,
        None,
        fluent_langneg::NegotiationStrategy::Lookup,
    );
    chosen
        .first()
        .and_then(|langid| CATALOGUES.iter().find(|catalogue| catalogue.langid == ***langid))
        .map(|catalogue| Tr { catalogue })
        .unwrap_or_default()
}

/// Every message id of a catalogue's source, for the completeness test.
#[cfg(test)]
fn message_ids(source: &str) -> std::collections::BTreeSet<String> {
    use fluent_syntax::ast::Entry;
    let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(resource, _)| resource);
    resource
        .body
        .into_iter()
        .filter_map(|entry| match entry {
            Entry::Message(message) => Some(message.id.name.to_owned()),
            Entry::Term(term) => Some(format!("-{}", term.id.name)),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    #[test]
    fn every_catalogue_parses() {
        for catalogue in CATALOGUES.iter() {
            assert!(catalogue.problems.is_empty(), "{:#?}", catalogue.problems);
        }
    }

    #[test]
    fn every_message_is_in_every_catalogue() {
        let (first_tag, first_source) = SOURCES[0];
        let expected = message_ids(first_source);
        assert!(expected.len() > 50, "the {first_tag} catalogue looks empty");
        for (tag, source) in &SOURCES[1..] {
            let found = message_ids(source);
            let missing: Vec<_> = expected.difference(&found).collect();
            let extra: Vec<_> = found.difference(&expected).collect();
            assert!(missing.is_empty(), "{tag}.ftl lacks messages that {first_tag}.ftl has: {missing:?}");
            assert!(extra.is_empty(), "{tag}.ftl has messages that {first_tag}.ftl lacks: {extra:?}");
        }
    }

    #[test]
    fn accept_language_picks_the_first_language_the_portal_speaks() {
        assert_eq!(from_accept_language("da-DK,da;q=0.9,en-US;q=0.8").tag(), "da");
        assert_eq!(from_accept_language("de-DE,de;q=0.9,da;q=0.5").tag(), "da");
        assert_eq!(from_accept_language("en-GB,en;q=0.9").tag(), "en");
        assert_eq!(from_accept_language("fr-FR").tag(), "en");
        assert_eq!(from_accept_language("").tag(), "en");
    }

    #[test]
    fn an_explicit_choice_wins_over_the_browser() {
        let browser_danish = Preferences { accept_language: Some("da"), ..Default::default() };
        assert_eq!(choose(browser_danish).tag(), "da");
        assert_eq!(choose(Preferences { query: Some("en"), ..browser_danish }).tag(), "en");
        assert_eq!(choose(Preferences { account: Some("en"), ..browser_danish }).tag(), "en");
        assert_eq!(choose(Preferences { cookie: Some("en"), ..browser_danish }).tag(), "en");
        // An unknown tag is no choice at all.
        assert_eq!(choose(Preferences { query: Some("xx"), ..browser_danish }).tag(), "da");
        assert_eq!(
            choose(Preferences { query: Some("da"), account: Some("en"), ..Default::default() }).tag(),
            "da"
        );
        // This browser's last choice wins over the account's.
        assert_eq!(
            choose(Preferences { cookie: Some("da"), account: Some("en"), ..Default::default() }).tag(),
            "da"
        );
    }

    #[test]
    fn numbers_and_dates_follow_the_language() {
        let (en, da) = (Tr::for_tag("en").unwrap(), Tr::for_tag("da").unwrap());
        assert_eq!(en.number(1_234_567), "1,234,567");
        assert_eq!(da.number(1_234_567), "1.234.567");
        assert_eq!(da.number(-999), "-999");
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 9, 5, 0).unwrap();
        assert_eq!(en.date_time(at), "2 Dec 2026, 09:05 UTC");
        assert_eq!(da.date_time(at), "2. dec. 2026 kl. 09.05 UTC");
    }

    #[test]
    fn numbers_in_messages_are_grouped_and_pick_the_plural() {
        let (en, da) = (Tr::for_tag("en").unwrap(), Tr::for_tag("da").unwrap());
        assert_eq!(en.a("count-devices", &[("count", 1.into())]), "1 device");
        assert_eq!(en.a("count-devices", &[("count", 12_000.into())]), "12,000 devices");
        assert_eq!(da.a("count-devices", &[("count", 1.into())]), "1 enhed");
        assert_eq!(da.a("count-devices", &[("count", 12_000.into())]), "12.000 enheder");
    }

    proptest! {
        #[test]
        fn accept_language_never_fails(header in "\\PC{0,80}") {
            let tr = from_accept_language(&header);
            prop_assert!(Tr::for_tag(tr.tag()).is_some());
        }

        #[test]
        fn grouping_keeps_the_digits(value in any::<i64>()) {
            let grouped = group_digits(value, '.');
            prop_assert_eq!(grouped.replace('.', ""), value.to_string());
        }
    }
}

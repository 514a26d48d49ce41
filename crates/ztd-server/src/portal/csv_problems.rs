//! The CSV problems of an upload in the page's language (docs/portal.md#add-devices).
//!
//! A [`Diagnostic`] keeps its English `message` and `hint` for the CLI and the API; the portal
//! says the same thing from the catalogue: `csv-<code>` and `csv-<code>-hint` (the code's
//! snake_case name in kebab-case), filled with the diagnostic's named values
//! ([`Diagnostic::args`]). A few values are derived here, so the catalogues need no logic:
//! - `subject`: what the problem is about, at the start of a sentence (the column's name, or
//!   "Header column 3" / "Column 5" in the page's language);
//! - `char-label`: a character as `U+00A0 NO-BREAK SPACE` or `'é' (U+00E9)`;
//! - `read-as`: `windows-1252` when the line was read as Windows-1252 (`byte` is then set);
//! - `has-<name>`: `yes`/`no` for the values only some diagnostics of a code carry
//!   ([`OPTIONAL`]), which are set to an empty text when absent, so a message can select on them.
//!
//! Per-row errors of a batch (a [`RowError`]) have a title per code, `row-error-<code>`. The
//! refusals whose English text never varies (already registered, another tenant's, twice in the
//! upload, consent revoked) are said in full from the catalogue too (`row-error-<code>-detail`
//! and `-fix`), and so is an unknown group tag found by the portal's own check ([`UnknownTag`]:
//! the tag, the one it likely meant and why, `tag-near-miss-<kind>`); the others keep their
//! English detail, since it names the row's own values.

use std::sync::Arc;

use fluent_bundle::FluentValue;
use ztd_domain::codes::{RowError, RowErrorCode};
use ztd_domain::csv::{Arg, Code, Diagnostic};
use ztd_domain::group_tag::{NearMiss, TagSuggestion};

use super::i18n::Tr;

/// Values only some diagnostics of a code carry: each gets a `has-<name>` argument.
const OPTIONAL: [&str; 5] = ["hash-serial", "position", "byte", "char-name", "char-shown"];

/// The catalogue id of a code's message (`csv-utf16-encoding`).
pub fn message_id(code: Code) -> String {
    format!("csv-{}", code.as_str().replace('_', "-"))
}

/// The catalogue id of a code's hint (`csv-utf16-encoding-hint`).
pub fn hint_id(code: Code) -> String {
    format!("{}-hint", message_id(code))
}

/// The catalogue id of a per-row error's title (`row-error-device-already-registered`).
pub fn row_error_id(code: RowErrorCode) -> String {
    format!("row-error-{}", code.as_str().replace('_', "-"))
}

fn text(arg: Option<&Arg>) -> Option<String> {
    arg.map(|arg| arg.to_string())
}

/// The diagnostic's values as Fluent arguments, with the derived ones described above.
fn args(tr: Tr, diagnostic: &Diagnostic) -> Vec<(&'static str, FluentValue<'static>)> {
    let mut out: Vec<(&'static str, FluentValue<'static>)> = diagnostic
        .args
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Arg::Text(text) => FluentValue::from(text.clone()),
                Arg::Number(number) => FluentValue::from(*number),
            };
            (*name, value)
        })
        .collect();
    let field = diagnostic.field().unwrap_or(0);
    let field_arg = || [("field", FluentValue::from(i64::try_from(field).unwrap_or(0)))];
    let subject = match text(diagnostic.arg("where")).as_deref() {
        Some("header") => tr.a("csv-subject-header", &field_arg()),
        Some("unnamed") => tr.a("csv-subject-unnamed", &field_arg()),
        _ => text(diagnostic.arg("column")).unwrap_or_default(),
    };
    out.push(("subject", subject.into()));
    if let Some(char) = text(diagnostic.arg("char")) {
        let label = match (text(diagnostic.arg("char-name")), text(diagnostic.arg("char-shown"))) {
            (Some(name), _) => format!("{char} {name}"),
            (None, Some(shown)) => format!("‘{shown}’ ({char})"),
            (None, None) => char,
        };
        out.push(("char-label", label.into()));
    }
    let read_as = if diagnostic.arg("byte").is_some() { "windows-1252" } else { "utf-8" };
    out.push(("read-as", read_as.into()));
    for name in OPTIONAL {
        let present = diagnostic.arg(name).is_some();
        let flag: &'static str = match name {
            "hash-serial" => "has-hash-serial",
            "position" => "has-position",
            "byte" => "has-byte",
            "char-name" => "has-char-name",
            _ => "has-char-shown",
        };
        out.push((flag, if present { "yes" } else { "no" }.into()));
        if !present {
            out.push((name, "".into()));
        }
    }
    out
}

fn format(tr: Tr, id: &str, diagnostic: &Diagnostic) -> String {
    let args = args(tr, diagnostic);
    let borrowed: Vec<(&str, FluentValue<'_>)> =
        args.iter().map(|(name, value)| (*name, value.clone())).collect();
    tr.a(id, &borrowed)
}

/// What is wrong, in the page's language.
pub fn message(tr: Tr, diagnostic: &Diagnostic) -> String {
    format(tr, &message_id(diagnostic.code), diagnostic)
}

/// How to fix it, in the page's language.
pub fn hint(tr: Tr, diagnostic: &Diagnostic) -> String {
    format(tr, &hint_id(diagnostic.code), diagnostic)
}

/// Where it is: "Line 4, column 3 (Hardware Hash)" (the spreadsheet column), or "Line 4".
pub fn location(tr: Tr, diagnostic: &Diagnostic) -> String {
    let line = ("line", FluentValue::from(i64::try_from(diagnostic.line).unwrap_or(i64::MAX)));
    match (diagnostic.field(), diagnostic.arg("column")) {
        (Some(field), Some(Arg::Text(column)))
            if text(diagnostic.arg("where")).as_deref() == Some("value") =>
        {
            tr.a(
                "csv-where-cell",
                &[
                    line,
                    ("field", i64::try_from(field).unwrap_or(0).into()),
                    ("column", column.as_str().into()),
                ],
            )
        }
        (Some(field), _) => {
            tr.a("csv-where-field", &[line, ("field", i64::try_from(field).unwrap_or(0).into())])
        }
        _ => tr.a("csv-where-line", &[line]),
    }
}

/// The character the problem starts at, counted from the start of the line, when it is in a
/// value or header cell ("character 3,912"), for the few who need it.
pub fn character(tr: Tr, diagnostic: &Diagnostic) -> Option<String> {
    diagnostic.field()?;
    Some(tr.a("csv-where-character", &[("char", i64::try_from(diagnostic.column).unwrap_or(0).into())]))
}

/// A per-row error's title in the page's language.
pub fn row_error_title(tr: Tr, error: &RowError) -> String {
    tr.t(&row_error_id(error.code))
}

/// The per-row refusals whose text never varies, each as the domain words it.
fn fixed_row_error(code: RowErrorCode) -> Option<RowError> {
    match code {
        RowErrorCode::DeviceAlreadyRegistered => Some(RowError::already_registered()),
        RowErrorCode::DeviceRegisteredToOtherTenant => Some(RowError::registered_to_other_tenant()),
        RowErrorCode::DeviceDuplicatedInBatch => Some(RowError::duplicated_in_batch()),
        RowErrorCode::RelationshipRevoked => Some(RowError::relationship_revoked()),
        _ => None,
    }
}

/// What went wrong and how to fix it, in the page's language, for a refusal whose text never
/// varies; `None` for the others (and for a row stored with an older wording), whose English
/// detail is shown instead.
pub fn row_error_detail(tr: Tr, error: &RowError) -> Option<(String, String)> {
    let fixed = fixed_row_error(error.code)?;
    if fixed != *error {
        return None;
    }
    let id = row_error_id(error.code);
    Some((tr.t(&format!("{id}-detail")), tr.t(&format!("{id}-fix"))))
}

/// A row's group tag that matches none of the customer's profiles, kept with what the page
/// needs to say why in its own language: the nearest profile tag and why it is near (as the
/// tag check found it), else the tags there are (listed when few, as the service's English hint
/// does; one list shared by every row of a file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTag {
    pub tag: String,
    pub suggestion: Option<TagSuggestion>,
    pub profile_tags: Arc<[String]>,
}

/// The most profile tags listed by name in the fix.
const LISTED_PROFILE_TAGS: usize = 5;

impl UnknownTag {
    /// What is wrong and how to fix it, in the page's language.
    pub fn explain(&self, tr: Tr) -> (String, String) {
        let id = row_error_id(RowErrorCode::UnknownGroupTag);
        let detail = tr.a(&format!("{id}-detail"), &[("tag", self.tag.as_str().into())]);
        let fix = match &self.suggestion {
            Some(suggestion) => tr.a(
                &format!("{id}-fix-suggestion"),
                &[
                    ("suggestion", suggestion.tag.as_str().into()),
                    ("why", near_miss(tr, suggestion.near_miss).into()),
                ],
            ),
            None if self.profile_tags.is_empty() => tr.t(&format!("{id}-fix-none")),
            None if self.profile_tags.len() <= LISTED_PROFILE_TAGS => {
                let tags =
                    self.profile_tags.iter().map(|tag| format!("“{tag}”")).collect::<Vec<_>>().join(", ");
                tr.a(&format!("{id}-fix-few"), &[("tags", tags.into())])
            }
            None => tr.t(&format!("{id}-fix-many")),
        };
        (detail, fix)
    }
}

/// Why a suggested tag is near the one written (`tag-near-miss-<kind>`).
fn near_miss(tr: Tr, near_miss: NearMiss) -> String {
    match near_miss {
        NearMiss::SurroundingWhitespace => tr.t("tag-near-miss-whitespace"),
        NearMiss::Case => tr.t("tag-near-miss-case"),
        NearMiss::MissingTrailingUnderscore => tr.t("tag-near-miss-missing-underscore"),
        NearMiss::ExtraTrailingUnderscore => tr.t("tag-near-miss-extra-underscore"),
        NearMiss::CaseWhitespaceOrUnderscore => tr.t("tag-near-miss-several"),
        NearMiss::EditDistance { distance } => {
            tr.a("tag-near-miss-distance", &[("count", i64::try_from(distance).unwrap_or(i64::MAX).into())])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use ztd_domain::codes::ALL_ROW_ERROR_CODES;
    use ztd_domain::csv::{self, ReadOptions};

    #[test]
    fn every_code_has_a_message_and_a_hint_in_every_catalogue() {
        for tr in Tr::all() {
            for code in Code::ALL {
                for id in [message_id(code), hint_id(code), format!("{}-title", message_id(code))] {
                    assert!(tr.has(&id), "{}.ftl lacks {id}", tr.tag());
                }
            }
            for code in ALL_ROW_ERROR_CODES {
                assert!(tr.has(&row_error_id(code)), "{}.ftl lacks {}", tr.tag(), row_error_id(code));
                if let Some(fixed) = fixed_row_error(code) {
                    let (detail, fix) = row_error_detail(tr, &fixed).expect("said in full");
                    assert!(!detail.is_empty() && !fix.is_empty() && detail != fix, "{}: {code:?}", tr.tag());
                }
            }
        }
    }

    #[test]
    fn a_refusal_in_other_words_keeps_its_english_detail() {
        let tr = Tr::for_tag("da").unwrap();
        let fixed = RowError::already_registered();
        let (detail, fix) = row_error_detail(tr, &fixed).expect("the fixed wording is translated");
        assert_eq!(detail, tr.t("row-error-device-already-registered-detail"));
        assert_ne!(detail, fixed.message, "Danish, not the English text");
        assert_ne!(fix, fixed.hint.clone().unwrap());
        let reworded = RowError { message: "an older wording".into(), ..fixed };
        assert_eq!(row_error_detail(tr, &reworded), None);
        let unknown_tag = RowError::new(RowErrorCode::UnknownGroupTag, "names the row's tag");
        assert_eq!(row_error_detail(tr, &unknown_tag), None);
    }

    /// `tag` refused against `profile_tags`, as the portal's tag check keeps it.
    fn unknown(tag: &str, profile_tags: &[&str]) -> UnknownTag {
        let suggestion = match ztd_domain::group_tag::match_group_tag(tag, profile_tags) {
            ztd_domain::group_tag::TagMatch::Unknown { suggestion } => suggestion,
            other => panic!("{tag:?} is not unknown: {other:?}"),
        };
        let profile_tags = profile_tags.iter().map(|tag| (*tag).to_owned()).collect();
        UnknownTag { tag: tag.to_owned(), suggestion, profile_tags }
    }

    #[test]
    fn an_unknown_tag_is_explained_in_each_language() {
        const STANDARD: &str = "Microsoft365ManagedStandard_";
        let managed = [STANDARD, "Microsoft365ManagedPowerUser_", "Microsoft365ManagedSensitiveData_"];
        let near_misses = [
            (" Microsoft365ManagedStandard_", "tag-near-miss-whitespace"),
            ("microsoft365managedstandard_", "tag-near-miss-case"),
            ("Microsoft365ManagedStandard", "tag-near-miss-missing-underscore"),
            ("microsoft365managedstandard", "tag-near-miss-several"),
            ("Microsoft365ManagedStandrd_", "tag-near-miss-distance"),
        ];
        for tr in Tr::all() {
            for (written, why_id) in near_misses {
                let unknown = unknown(written, &managed);
                let suggestion = unknown.suggestion.as_ref().expect("a near miss has a suggestion");
                assert_eq!(suggestion.tag, STANDARD, "{written:?}");
                let (detail, fix) = unknown.explain(tr);
                assert!(
                    detail.contains(written),
                    "{}: the detail names the tag as written: {detail}",
                    tr.tag()
                );
                assert!(fix.contains(STANDARD), "{}: the fix names the tag it meant: {fix}", tr.tag());
                let why = near_miss(tr, suggestion.near_miss);
                assert!(fix.contains(&why), "{}: {written:?} is explained by {why_id}: {fix}", tr.tag());
                if why_id != "tag-near-miss-distance" {
                    assert_eq!(why, tr.t(why_id), "{}: {written:?}", tr.tag());
                }
            }
            let extra = unknown("Kiosk_", &["Kiosk"]);
            assert_eq!(
                extra.suggestion.as_ref().map(|s| s.near_miss),
                Some(NearMiss::ExtraTrailingUnderscore)
            );
            assert!(extra.explain(tr).1.contains(&tr.t("tag-near-miss-extra-underscore")));
            // Nothing near: the few tags there are, named; none at all; too many to list.
            let (_, few) = unknown("Lab", &managed).explain(tr);
            assert!(managed.iter().all(|tag| few.contains(tag)), "{}: {few}", tr.tag());
            let (_, none) = unknown("Lab", &[]).explain(tr);
            assert_eq!(none, tr.t("row-error-unknown-group-tag-fix-none"));
            let many: Vec<String> = (0..8).map(|n| format!("Site{n}Kiosk_")).collect();
            let many: Vec<&str> = many.iter().map(String::as_str).collect();
            let (_, unlisted) = unknown("Lab", &many).explain(tr);
            assert_eq!(unlisted, tr.t("row-error-unknown-group-tag-fix-many"));
        }
    }

    /// Every file the domain's tests check: the corpus of bad files and the CSV fixtures.
    fn test_files() -> Vec<PathBuf> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for dir in ["ztd-domain/tests/corpus", "ztd/tests/fixtures", "ztd-server/tests/fixtures"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|ext| ext == "csv") {
                    files.push(path);
                }
            }
        }
        files.sort();
        files
    }

    fn assert_resolved(tr: Tr, what: &str, text: &str, diagnostic: &Diagnostic) {
        assert!(!text.is_empty(), "{}: empty {what} for {diagnostic:?}", tr.tag());
        assert!(!text.starts_with("csv-"), "{}: {what} missing for {diagnostic:?}", tr.tag());
        assert!(
            !text.contains('{') && !text.contains('}'),
            "{}: unresolved {what} {text:?} for {diagnostic:?}",
            tr.tag()
        );
    }

    #[test]
    fn every_diagnostic_of_the_corpus_renders_in_every_language() {
        let files = test_files();
        assert!(files.len() >= 15, "the corpus is missing: {files:?}");
        // And the rules the corpus has no file for.
        let extra: [&[u8]; 8] = [
            b"",
            b"Device Serial Numbr,Windows Product ID,Hardware Hash,Hardware Hash\r\nA,1234567890123,,\r\n",
            b"Device Serial Number,Windows Product ID,Hardware Hash\r\nA\tB,123,\r\nC,,,\r\n,1234567890123,,,\r\n",
            b"Device Serial Number,Windows Product ID,Hardware Hash,Group Tag\r\nA,1234567890123,,microsoft365managedstandard\r\n",
            b"Device Serial Number,Windows Product ID,Hardware Hash\r\nA\x01B,1234567890123,\r\nX,3.30123E+12,\r\n",
            b"Serial,Hash\r\nA,B\r\n",
            b"PK\x03\x04binary",
            b"Device Serial Number,Windows Product ID,Hardware Hash\r\n",
        ];
        let mut codes = std::collections::BTreeSet::new();
        let inputs = files
            .iter()
            .map(|path| (path.display().to_string(), std::fs::read(path).unwrap()))
            .chain(extra.iter().enumerate().map(|(index, bytes)| (format!("extra {index}"), bytes.to_vec())));
        for (path, bytes) in inputs {
            let diagnostics = match csv::check(bytes.as_slice(), ReadOptions::default()) {
                Ok((_, diagnostics)) => diagnostics,
                Err(error) => panic!("{path}: {error}"),
            };
            // What `fix` warns about, too (semicolon lines with commas, dropped values).
            let fixed = csv::fix(bytes.as_slice(), Vec::new(), csv::FixOptions::default());
            let warnings = fixed.map(|report| report.warnings).unwrap_or_default();
            for diagnostic in diagnostics.iter().chain(&warnings) {
                codes.insert(diagnostic.code);
                for tr in Tr::all() {
                    assert_resolved(tr, "message", &message(tr, diagnostic), diagnostic);
                    assert_resolved(tr, "hint", &hint(tr, diagnostic), diagnostic);
                    assert_resolved(tr, "location", &location(tr, diagnostic), diagnostic);
                }
            }
        }
        assert!(codes.len() >= 28, "the corpus shows few codes: {codes:?}");
    }

    #[test]
    fn a_bad_hash_names_the_serial_it_still_carries() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../ztd-domain/tests/corpus/truncated-and-corrupt-hashes.csv");
        let (_, diagnostics) =
            csv::check(std::fs::read(path).unwrap().as_slice(), ReadOptions::default()).unwrap();
        let first = diagnostics.iter().find(|d| d.code == Code::InvalidHardwareHash).unwrap();
        let da = Tr::for_tag("da").unwrap();
        let text = message(da, first);
        assert!(
            text.starts_with("Hardwarehashen er afkortet. Den indeholder serienummeret 632723972376."),
            "{text}"
        );
        assert_eq!(location(da, first), "Linje 2, kolonne 3 (Hardware Hash)");
    }

    #[test]
    fn a_problem_reads_in_danish_with_its_values() {
        let file = "Device Serial Number,Windows Product ID,Hardware Hash\r\nSN-1 ,1234567890123,\r\n";
        let (_, diagnostics) = csv::check(file.as_bytes(), ReadOptions::default()).unwrap();
        let spaces = diagnostics.iter().find(|d| d.code == Code::LeadingTrailingWhitespace).unwrap();
        let da = Tr::for_tag("da").unwrap();
        assert_eq!(message(da, spaces), "Device Serial Number “SN-1 ” har mellemrum efter.");
        assert_eq!(location(da, spaces), "Linje 2, kolonne 1 (Device Serial Number)");
        let en = Tr::for_tag("en").unwrap();
        assert_eq!(location(en, spaces), "Line 2, column 1 (Device Serial Number)");
        assert_eq!(character(en, spaces).as_deref(), Some("character 5"));
    }
}

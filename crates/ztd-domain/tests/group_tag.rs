//! Group tags match byte for byte; near misses are rejected with the nearest tag (docs/domain.md#profiles-and-group-tags).

use ztd_domain::codes::RowErrorCode;
use ztd_domain::group_tag::{check_group_tag, match_group_tag, NearMiss, TagMatch};
use ztd_domain::profile::{POWER_USER_TAG, SENSITIVE_DATA_TAG, STANDARD_TAG};

const TAGS: [&str; 4] = [SENSITIVE_DATA_TAG, POWER_USER_TAG, STANDARD_TAG, "Kiosk"];

fn suggestion(tag: &str) -> Option<(String, NearMiss)> {
    match match_group_tag(tag, &TAGS) {
        TagMatch::Unknown { suggestion } => suggestion.map(|s| (s.tag, s.near_miss)),
        other => panic!("{tag:?} should not match: {other:?}"),
    }
}

#[test]
fn exact_and_empty() {
    assert_eq!(match_group_tag("Microsoft365ManagedStandard_", &TAGS), TagMatch::Exact(2));
    assert_eq!(match_group_tag("Kiosk", &TAGS), TagMatch::Exact(3));
    assert_eq!(match_group_tag("", &TAGS), TagMatch::Empty);
    assert_eq!(check_group_tag("", &TAGS), Ok(None));
    assert_eq!(check_group_tag(POWER_USER_TAG, &TAGS), Ok(Some(1)));
}

#[test]
fn each_kind_of_near_miss_names_the_intended_tag() {
    let standard = STANDARD_TAG.to_owned();
    assert_eq!(
        suggestion("Microsoft365ManagedStandard"),
        Some((standard.clone(), NearMiss::MissingTrailingUnderscore))
    );
    assert_eq!(suggestion("microsoft365managedstandard_"), Some((standard.clone(), NearMiss::Case)));
    assert_eq!(
        suggestion(" Microsoft365ManagedStandard_ "),
        Some((standard.clone(), NearMiss::SurroundingWhitespace))
    );
    assert_eq!(suggestion("Kiosk_"), Some(("Kiosk".into(), NearMiss::ExtraTrailingUnderscore)));
    assert_eq!(
        suggestion("microsoft365managedstandard"),
        Some((standard.clone(), NearMiss::CaseWhitespaceOrUnderscore))
    );
    assert_eq!(
        suggestion("Microsoft365ManagedStandrad_"),
        Some((standard.clone(), NearMiss::EditDistance { distance: 1 }))
    );
    assert_eq!(
        suggestion("Microsoft365ManagedPowerUsr_"),
        Some((POWER_USER_TAG.into(), NearMiss::EditDistance { distance: 1 }))
    );
}

#[test]
fn far_tags_get_no_suggestion() {
    assert_eq!(suggestion("Finance"), None);
    // Short tags need proportionally close matches: "Kx" is not "Kiosk".
    assert_eq!(suggestion("Kx"), None);
}

#[test]
fn the_error_carries_code_message_and_hint() {
    let error = check_group_tag("Microsoft365ManagedStandard", &TAGS).unwrap_err();
    assert_eq!(error.code, RowErrorCode::UnknownGroupTag);
    assert_eq!(
        error.message,
        r#"group tag "Microsoft365ManagedStandard" matches no profile of this customer"#
    );
    assert_eq!(
        error.hint.as_deref(),
        Some(r#"did you mean "Microsoft365ManagedStandard_"? (the trailing underscore is missing)"#)
    );
    let error = check_group_tag("Finance", &TAGS).unwrap_err();
    assert!(error.hint.unwrap().contains(r#""Kiosk""#));
    let error = check_group_tag("Finance", &[]).unwrap_err();
    assert!(error.hint.unwrap().contains("no profiles"));
}

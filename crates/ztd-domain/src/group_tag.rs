//! Exact group-tag matching with near-miss suggestions (docs/domain.md#profiles-and-group-tags).
//!
//! Matching is byte for byte: case-sensitive, trailing underscore included. In the real system a
//! tag that misses by one character silently leaves the device without a profile; here it is
//! rejected with `unknown_group_tag`, naming the nearest profile tag when one is close.

use serde::Serialize;

use crate::codes::{RowError, RowErrorCode};

/// At most this many edits (insert, delete, substitute, transpose) count as "close".
const MAX_SUGGESTION_DISTANCE: usize = 3;

/// How a group tag relates to a customer's profile tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagMatch {
    /// Matches `profile_tags[index]` exactly.
    Exact(usize),
    /// No tag: the device is registered unassigned.
    Empty,
    /// Matches no profile; `suggestion` is the nearest tag when one is close.
    Unknown { suggestion: Option<TagSuggestion> },
}

/// The profile tag a rejected tag most likely meant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagSuggestion {
    /// Index into the `profile_tags` given to [`match_group_tag`].
    pub index: usize,
    pub tag: String,
    pub near_miss: NearMiss,
}

/// Why a suggestion is close, from most to least certain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum NearMiss {
    SurroundingWhitespace,
    Case,
    MissingTrailingUnderscore,
    ExtraTrailingUnderscore,
    /// Several of the above at once (e.g. lowercase and no trailing underscore).
    CaseWhitespaceOrUnderscore,
    EditDistance {
        distance: usize,
    },
}

impl NearMiss {
    pub fn explain(self) -> String {
        match self {
            Self::SurroundingWhitespace => "the tag has whitespace around it".to_owned(),
            Self::Case => "tags are case-sensitive".to_owned(),
            Self::MissingTrailingUnderscore => "the trailing underscore is missing".to_owned(),
            Self::ExtraTrailingUnderscore => "the profile tag has no trailing underscore".to_owned(),
            Self::CaseWhitespaceOrUnderscore => {
                "tags match exactly: case, surrounding whitespace and the trailing underscore all count"
                    .to_owned()
            }
            Self::EditDistance { distance: 1 } => "1 character differs".to_owned(),
            Self::EditDistance { distance } => format!("{distance} characters differ"),
        }
    }
}

/// Matches `tag` exactly against `profile_tags`; on a miss, finds the nearest close tag.
pub fn match_group_tag(tag: &str, profile_tags: &[&str]) -> TagMatch {
    if tag.is_empty() {
        return TagMatch::Empty;
    }
    if let Some(index) = profile_tags.iter().position(|candidate| *candidate == tag) {
        return TagMatch::Exact(index);
    }
    TagMatch::Unknown { suggestion: nearest(tag, profile_tags) }
}

fn nearest(tag: &str, profile_tags: &[&str]) -> Option<TagSuggestion> {
    let trimmed = tag.trim();
    let loose = |s: &str| s.trim().trim_end_matches('_').to_lowercase();
    let loose_tag = loose(tag);
    let classify = |candidate: &str| -> Option<(u8, NearMiss)> {
        // Lower rank = more certain; ties keep the first profile.
        if trimmed == candidate {
            Some((0, NearMiss::SurroundingWhitespace))
        } else if tag.eq_ignore_ascii_case(candidate) || tag.to_lowercase() == candidate.to_lowercase() {
            Some((1, NearMiss::Case))
        } else if candidate.strip_suffix('_') == Some(tag) {
            Some((2, NearMiss::MissingTrailingUnderscore))
        } else if tag.strip_suffix('_') == Some(candidate) {
            Some((2, NearMiss::ExtraTrailingUnderscore))
        } else if !loose_tag.is_empty() && loose_tag == loose(candidate) {
            Some((3, NearMiss::CaseWhitespaceOrUnderscore))
        } else {
            let distance = strsim::damerau_levenshtein(trimmed, candidate);
            // Short tags need proportionally fewer edits to be "close".
            let limit = MAX_SUGGESTION_DISTANCE.min(candidate.chars().count() / 3);
            (distance <= limit).then_some((4 + distance.min(250) as u8, NearMiss::EditDistance { distance }))
        }
    };
    profile_tags
        .iter()
        .enumerate()
        .filter_map(|(index, candidate)| {
            classify(candidate).map(|(rank, near_miss)| (rank, index, near_miss))
        })
        .min_by_key(|(rank, index, _)| (*rank, *index))
        .map(|(_, index, near_miss)| TagSuggestion { index, tag: profile_tags[index].to_owned(), near_miss })
}

/// The `unknown_group_tag` error for `tag`, with a hint naming the suggestion when there is one,
/// else listing the profile tags (when few).
pub fn unknown_group_tag_error(
    tag: &str,
    suggestion: Option<&TagSuggestion>,
    profile_tags: &[&str],
) -> RowError {
    let message = format!("group tag {tag:?} matches no profile of this customer");
    let hint = match suggestion {
        Some(suggestion) => format!("did you mean {:?}? ({})", suggestion.tag, suggestion.near_miss.explain()),
        None if profile_tags.is_empty() => {
            "this customer has no profiles with a group tag; leave the tag empty to register the device unassigned"
                .to_owned()
        }
        None if profile_tags.len() <= 5 => format!(
            "use one of the profile tags exactly (case-sensitive): {}; or leave it empty to register the device unassigned",
            profile_tags.iter().map(|t| format!("{t:?}")).collect::<Vec<_>>().join(", ")
        ),
        None => "use a profile tag exactly (case-sensitive), or leave it empty to register the device unassigned"
            .to_owned(),
    };
    RowError::new(RowErrorCode::UnknownGroupTag, message).with_hint(hint)
}

/// Convenience: `Ok(Some(index))` on an exact match, `Ok(None)` for an empty tag (unassigned),
/// `Err(unknown_group_tag)` otherwise.
pub fn check_group_tag(tag: &str, profile_tags: &[&str]) -> Result<Option<usize>, RowError> {
    match match_group_tag(tag, profile_tags) {
        TagMatch::Exact(index) => Ok(Some(index)),
        TagMatch::Empty => Ok(None),
        TagMatch::Unknown { suggestion } => {
            Err(unknown_group_tag_error(tag, suggestion.as_ref(), profile_tags))
        }
    }
}

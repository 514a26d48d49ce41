//! Sample files: what a partner without an OEM file starts from (docs/csv-rules.md#sample-files).
//! A few synthetic devices with valid hashes in the exact header, column order and encoding of a
//! format, so the file passes [`check`](super::check) unchanged and only its rows need replacing.

use super::format::{Format, Layout};
use super::reader::{CsvReader, ReadOptions};
use super::write::{unwritable, CsvWriter};
use crate::device::DeviceInput;
use crate::group_tag::{match_group_tag, TagMatch};
use crate::profile::MANAGED_DESKTOP_TAGS;
use crate::synth;

/// Example rows in a sample file.
pub const SAMPLE_ROWS: usize = 3;
/// The seed of the sample devices: the same file every time, in the portal and the CLI.
pub const SAMPLE_SEED: u64 = 2015;
/// The Assigned User of the first sample row (Autopilot/Intune): a user principal name, and
/// obviously an example.
pub const SAMPLE_ASSIGNED_USER: &str = "first.user@example.com";

/// A sample file of `format`: the format's full header, then [`SAMPLE_ROWS`] devices of `seed`
/// (see [`crate::synth`]), CRLF line endings, ASCII (Windows-1252 only if a tag needs it).
///
/// Autopilot/Intune rows take their Group Tag from `group_tags` in turn (the customer's real
/// profile tags), skipping the tags [`sample_tag_fits`] refuses; with none left the cells stay
/// empty (the profile chosen at upload applies). The other formats have no Group Tag column.
pub fn sample(format: Format, group_tags: &[&str], seed: u64) -> Vec<u8> {
    let tags: Vec<&str> = group_tags.iter().copied().filter(|tag| sample_tag_fits(tag)).collect();
    let Ok(mut writer) = CsvWriter::new(Vec::new(), Layout::full(format)) else {
        return Vec::new(); // writing to memory does not fail
    };
    for (index, device) in synth::generate(seed, SAMPLE_ROWS).enumerate() {
        let intune = format == Format::Intune;
        let input = DeviceInput {
            group_tag: intune.then(|| tags.get(index % tags.len().max(1)).map(|t| (*t).to_owned())).flatten(),
            // One row shows the optional column filled, the others that it may stay empty.
            assigned_user: (intune && index == 0).then(|| SAMPLE_ASSIGNED_USER.to_owned()),
            ..device.to_input(None)
        };
        // Synthetic values are plain ASCII without commas, so this cannot fail; a row that
        // somehow could not be written is left out rather than written half.
        let _ = writer.write_device(&input);
    }
    writer.finish().unwrap_or_default()
}

/// Whether a group tag can go into a sample file that `ztd csv check` passes: it fits a cell
/// (no comma, quote, line break; Windows-1252), has none of the characters the CSV rules refuse,
/// and is not a near miss of a managed-desktop tag (which the offline check flags). A customer's
/// own tags normally all fit; `ztd_domain::profile::validate_group_tag` is more permissive.
pub fn sample_tag_fits(tag: &str) -> bool {
    if tag.is_empty() || unwritable(tag).is_some() {
        return false;
    }
    if matches!(match_group_tag(tag, &MANAGED_DESKTOP_TAGS), TagMatch::Unknown { suggestion: Some(_) }) {
        return false;
    }
    // The character rules, exactly as the reader applies them to a Group Tag cell.
    let Ok(mut writer) = CsvWriter::new(Vec::new(), Layout::intune(true, false)) else { return false };
    let row = DeviceInput {
        product_key_id: Some("3000000000000".into()),
        group_tag: Some(tag.to_owned()),
        ..DeviceInput::default()
    };
    if writer.write_device(&row).is_err() {
        return false;
    }
    let Ok(file) = writer.finish() else { return false };
    let Ok(mut reader) = CsvReader::new(file.as_slice(), ReadOptions::default()) else { return false };
    let clean_rows = reader.by_ref().all(|row| {
        matches!(row, Ok(row) if row.result.as_ref().is_ok_and(|input| input.group_tag.as_deref() == Some(tag)))
    });
    clean_rows && reader.file_diagnostics().is_empty() && reader.end_diagnostics().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::check;
    use crate::profile::{POWER_USER_TAG, STANDARD_TAG};

    fn checked(bytes: &[u8]) -> (crate::csv::CheckSummary, Vec<crate::csv::Diagnostic>) {
        check(bytes, ReadOptions::default()).expect("in memory")
    }

    #[test]
    fn every_format_checks_clean_with_its_exact_header() {
        for format in Format::ALL {
            let bytes = sample(format, &[STANDARD_TAG, "ContosoKiosk_"], SAMPLE_SEED);
            let (summary, problems) = checked(&bytes);
            assert!(problems.is_empty(), "{format}: {problems:?}");
            assert_eq!(summary.format, Some(format));
            assert_eq!(summary.rows, SAMPLE_ROWS as u64);
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.starts_with(&format!("{}\r\n", format.full_header())), "{text}");
            assert!(text.ends_with("\r\n") && text.is_ascii());
            assert_eq!(text.matches("\r\n").count(), SAMPLE_ROWS + 1);
        }
    }

    #[test]
    fn intune_rows_carry_the_tags_in_turn_and_one_assigned_user() {
        let text = String::from_utf8(sample(Format::Intune, &["ContosoKiosk_", STANDARD_TAG], 1)).unwrap();
        let rows: Vec<&str> = text.lines().skip(1).collect();
        assert!(rows[0].ends_with(&format!(",ContosoKiosk_,{SAMPLE_ASSIGNED_USER}")), "{}", rows[0]);
        assert!(rows[1].ends_with(&format!(",{STANDARD_TAG},")), "{}", rows[1]);
        assert!(rows[2].ends_with(",ContosoKiosk_,"), "{}", rows[2]);
    }

    #[test]
    fn tags_a_clean_file_cannot_hold_are_left_out() {
        for bad in ["a,b", "say \"hi\"", "Microsoft365ManagedStandard", "tab\there", "zero\u{200B}width", ""]
        {
            assert!(!sample_tag_fits(bad), "{bad:?}");
        }
        for good in [STANDARD_TAG, POWER_USER_TAG, "ContosoKiosk_", "Büro München", "Kiosk"] {
            assert!(sample_tag_fits(good), "{good:?}");
        }
        let text = String::from_utf8(sample(Format::Intune, &["a,b", POWER_USER_TAG], 3)).unwrap();
        assert!(!text.contains("a,b"));
        assert_eq!(text.matches(POWER_USER_TAG).count(), SAMPLE_ROWS);
        let none = sample(Format::Intune, &["a,b"], 3);
        assert!(checked(&none).1.is_empty());
    }

    #[test]
    fn the_same_seed_gives_the_same_file() {
        assert_eq!(sample(Format::Mmd, &[], 9), sample(Format::Mmd, &[], 9));
        assert_ne!(sample(Format::Mmd, &[], 9), sample(Format::Mmd, &[], 10));
    }
}

//! Properties: the CSV code never panics on any input, and generated valid files check clean.

use proptest::prelude::*;
use ztd_domain::csv::{self, CsvReader, CsvWriter, FixOptions, Format, Layout, ReadOptions};
use ztd_domain::synth;

/// Runs everything that reads a CSV over `bytes`; none of it may panic.
fn exercise(bytes: &[u8]) {
    let _ = csv::check(bytes, ReadOptions { row_limit: 50 });
    if let Ok(reader) = CsvReader::new(bytes, ReadOptions::default()) {
        for row in reader {
            let _ = row;
        }
    }
    let _ = csv::fix(bytes, std::io::sink(), FixOptions::default());
    let _ = csv::convert(bytes, std::io::sink(), Format::PartnerCenter, &Default::default());
    let _ = csv::split(bytes, 2, |_| Ok(std::io::sink()));
}

fn valid_file(layout: Layout, seed: u64, count: usize) -> Vec<u8> {
    let mut writer = CsvWriter::new(Vec::new(), layout).expect("in memory");
    for device in synth::generate(seed, count) {
        writer
            .write_device(&device.to_input(Some("Microsoft365ManagedStandard_")))
            .expect("synthetic values are writable");
    }
    writer.finish().expect("in memory")
}

fn layouts() -> impl Strategy<Value = Layout> {
    prop_oneof![
        Just(Layout::full(Format::PartnerCenter)),
        Just(Layout::full(Format::Mmd)),
        Just(Layout::intune(false, false)),
        Just(Layout::intune(true, false)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        exercise(&bytes);
    }

    #[test]
    fn never_panics_on_csv_like_text(
        header in prop_oneof![
            Just("Device Serial Number,Windows Product ID,Hardware Hash".to_owned()),
            Just("Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model".to_owned()),
            Just("Manufacturer,Model,Serial Number,Hardware Hash".to_owned()),
            "[A-Za-z ,\"]{0,60}",
        ],
        rows in proptest::collection::vec("[A-Za-z0-9+/=,\" \t\u{a0}\u{200b}\u{feff}é\r]{0,80}", 0..8),
        utf16 in any::<bool>(),
    ) {
        let text = format!("{header}\r\n{}", rows.join("\n"));
        let bytes = if utf16 {
            [&[0xFF, 0xFE][..], &text.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>()].concat()
        } else {
            text.into_bytes()
        };
        exercise(&bytes);
    }

    #[test]
    fn generated_files_check_clean(layout in layouts(), seed in any::<u64>(), count in 1usize..6) {
        let bytes = valid_file(layout, seed, count);
        let (summary, diagnostics) = csv::check(&bytes[..], ReadOptions::default()).expect("in memory");
        prop_assert_eq!(diagnostics, vec![]);
        prop_assert_eq!(summary.format, Some(layout.format));
        prop_assert_eq!(summary.rows, count as u64);
    }

    #[test]
    fn one_damaged_byte_is_reported_not_a_panic(seed in any::<u64>(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = valid_file(Layout::full(Format::PartnerCenter), seed, 2);
        let header_len = bytes.iter().position(|&b| b == b'\n').unwrap_or(0) + 1;
        let index = header_len + at.index(bytes.len() - header_len);
        prop_assume!(bytes[index] != byte);
        bytes[index] = byte;
        exercise(&bytes);
    }

    #[test]
    fn fix_output_of_a_valid_file_is_the_file(layout in layouts(), seed in any::<u64>()) {
        let bytes = valid_file(layout, seed, 3);
        let mut out = Vec::new();
        let report = csv::fix(&bytes[..], &mut out, FixOptions::default()).expect("valid input");
        prop_assert!(report.changes.is_empty(), "{:?}", report.changes);
        prop_assert!(out == bytes);
    }

    /// A valid file saved by a spreadsheet with `;` between the values fixes back to the file.
    #[test]
    fn a_semicolon_copy_of_a_valid_file_fixes_back_to_it(layout in layouts(), seed in any::<u64>(), count in 1usize..5) {
        let bytes = valid_file(layout, seed, count);
        let semicolons: Vec<u8> = bytes.iter().map(|&b| if b == b',' { b';' } else { b }).collect();
        let (_, diagnostics) = csv::check(&semicolons[..], ReadOptions::default()).expect("in memory");
        prop_assert!(diagnostics.iter().any(|d| d.code == csv::Code::SemicolonSeparated), "{:?}", diagnostics);
        let mut out = Vec::new();
        let report = csv::fix(&semicolons[..], &mut out, FixOptions::default()).expect("fixable");
        prop_assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        prop_assert!(out == bytes);
    }

    /// docs/csv-rules.md#sample-files: whatever tags the customer has, the sample passes the
    /// checker with zero diagnostics, and every Group Tag cell is one of the tags that fit.
    #[test]
    fn samples_check_clean_whatever_the_tags(
        format in prop_oneof![Just(Format::PartnerCenter), Just(Format::Intune), Just(Format::Mmd)],
        tags in proptest::collection::vec(prop_oneof![
            Just("Microsoft365ManagedStandard_".to_owned()),
            Just("Microsoft365ManagedStandard".to_owned()),
            "[A-Za-z0-9_ ,\"\t\u{a0}\u{200b}éß€\u{4e2d}-]{0,24}",
        ], 0..5),
        seed in any::<u64>(),
    ) {
        let refs: Vec<&str> = tags.iter().map(String::as_str).collect();
        let bytes = csv::sample(format, &refs, seed);
        let (summary, diagnostics) = csv::check(&bytes[..], ReadOptions::default()).expect("in memory");
        prop_assert_eq!(diagnostics, vec![]);
        prop_assert_eq!(summary.format, Some(format));
        prop_assert_eq!(summary.rows, csv::SAMPLE_ROWS as u64);
        for row in CsvReader::new(&bytes[..], ReadOptions::default()).expect("a device CSV") {
            let input = row.expect("in memory").result.expect("a clean row");
            if let Some(tag) = &input.group_tag {
                prop_assert!(format == Format::Intune && csv::sample_tag_fits(tag) && tags.contains(tag));
            }
        }
    }
}

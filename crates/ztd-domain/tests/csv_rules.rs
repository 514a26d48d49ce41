//! One test per CSV rule (docs/csv-rules.md), plus the streaming reader, fix, split and convert.

use std::cell::RefCell;
use std::rc::Rc;
use ztd_domain::csv::{self, Code, ConvertOptions, CsvReader, FixOptions, Format, ReadOptions, TextEncoding};

use ztd_domain::synth::{self, SyntheticDevice};

const INTUNE: &str = "Device Serial Number,Windows Product ID,Hardware Hash";
const PC: &str = "Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model";
const MMD: &str = "Manufacturer,Model,Serial Number,Hardware Hash";

fn device(index: u64) -> SyntheticDevice {
    synth::device(3, index)
}

fn intune_row(d: &SyntheticDevice) -> String {
    format!("{},{},{}", d.serial_number, d.product_key_id.as_deref().unwrap_or(""), d.hardware_hash)
}

fn pc_row(d: &SyntheticDevice) -> String {
    format!("{},{},{}", intune_row(d), d.manufacturer, d.model)
}

fn file(header: &str, rows: &[String]) -> Vec<u8> {
    let mut text = String::from(header);
    for row in rows {
        text.push_str("\r\n");
        text.push_str(row);
    }
    text.push_str("\r\n");
    text.into_bytes()
}

/// Every problem as (line, column, code).
fn problems(input: &[u8]) -> Vec<(u64, u64, Code)> {
    let (_, diagnostics) = csv::check(input, ReadOptions::default()).expect("in-memory read");
    diagnostics.iter().map(|d| (d.line, d.column, d.code)).collect()
}

#[track_caller]
fn assert_reports(input: &[u8], expected: (u64, u64, Code)) {
    let found = problems(input);
    assert!(found.contains(&expected), "expected {expected:?}, found {found:?}");
}

#[track_caller]
fn assert_clean(input: &[u8]) {
    assert_eq!(problems(input), vec![]);
}

// --- Valid files ---

#[test]
fn valid_files_of_every_format_check_clean() {
    let d = [device(0), device(1)];
    assert_clean(&file(INTUNE, &[intune_row(&d[0]), intune_row(&d[1])]));
    assert_clean(&file(PC, &[pc_row(&d[0]), pc_row(&d[1])]));
    let mmd: Vec<String> = d
        .iter()
        .map(|d| format!("{},{},{},{}", d.manufacturer, d.model, d.serial_number, d.hardware_hash))
        .collect();
    assert_clean(&file(MMD, &mmd));
    let tagged = format!("{INTUNE},Group Tag,Assigned User");
    assert_clean(&file(
        &tagged,
        &[format!("{},Microsoft365ManagedStandard_,ana@example.com", intune_row(&d[0]))],
    ));
}

#[test]
fn lf_line_endings_and_trailing_blank_lines_are_fine() {
    let text = format!("{INTUNE}\n{}\n\n\n", intune_row(&device(0)));
    assert_clean(text.as_bytes());
    let no_final_newline = format!("{INTUNE}\r\n{}", intune_row(&device(0)));
    assert_clean(no_final_newline.as_bytes());
}

#[test]
fn group_tag_and_assigned_user_may_hold_ansi_letters() {
    let header = format!("{INTUNE},Group Tag,Assigned User");
    let mut bytes = file(&header, &[format!("{},Caf", intune_row(&device(0)))]);
    // "Café,José" in Windows-1252, before the final CRLF.
    bytes.truncate(bytes.len() - 2);
    bytes.extend_from_slice(b"\xE9,Jos\xE9\r\n");
    assert_clean(&bytes);
}

// --- The file as a whole ---

#[test]
fn rule_empty_file() {
    assert_reports(b"", (1, 1, Code::EmptyFile));
    assert_reports(b"\r\n\r\n", (1, 1, Code::EmptyFile));
    let (summary, _) = csv::check(&b"\xEF\xBB\xBF"[..], ReadOptions::default()).unwrap();
    assert!(summary.unusable);
}

#[test]
fn rule_binary_file() {
    assert_reports(b"\x00\x01\x02\x03garbage\x00\x00\x05\x06\x07", (1, 1, Code::BinaryFile));
    assert_reports(b"PK\x03\x04rest of a zip", (1, 1, Code::BinaryFile));
}

#[test]
fn rule_unreadable_file_is_unusable_input() {
    assert!(Code::UnreadableFile.is_unusable_input());
    assert_eq!(Code::parse("unreadable_file"), Some(Code::UnreadableFile));
}

#[test]
fn rule_utf16_encoding_with_and_without_bom() {
    let text = String::from_utf8(file(INTUNE, &[intune_row(&device(0))])).unwrap();
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    for (bytes, encoding) in [
        ([&[0xFF, 0xFE][..], &le].concat(), TextEncoding::Utf16Le { bom: true }),
        ([&[0xFE, 0xFF][..], &be].concat(), TextEncoding::Utf16Be { bom: true }),
        (le.clone(), TextEncoding::Utf16Le { bom: false }),
    ] {
        let (summary, diagnostics) = csv::check(&bytes[..], ReadOptions::default()).unwrap();
        assert_eq!(summary.encoding, Some(encoding));
        // One file-level diagnostic; the decoded content is valid.
        let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, vec![Code::Utf16Encoding], "{encoding:?}");
        assert_eq!(summary.rows, 1);
    }
}

#[test]
fn rule_utf8_bom() {
    let bytes = [&b"\xEF\xBB\xBF"[..], &file(INTUNE, &[intune_row(&device(0))])].concat();
    assert_eq!(problems(&bytes), vec![(1, 1, Code::Utf8Bom)]);
}

#[test]
fn rule_line_too_long() {
    let long = "A".repeat(csv::MAX_LINE_LEN + 10);
    assert_reports(&file(INTUNE, &[long]), (2, csv::MAX_LINE_LEN as u64 + 1, Code::LineTooLong));
}

#[test]
fn rule_row_limit_exceeded() {
    let rows: Vec<String> = (0..3).map(|i| intune_row(&device(i))).collect();
    let (summary, diagnostics) = csv::check(&file(INTUNE, &rows)[..], ReadOptions { row_limit: 2 }).unwrap();
    assert_eq!(
        diagnostics.iter().map(|d| (d.line, d.code)).collect::<Vec<_>>(),
        vec![(4, Code::RowLimitExceeded)]
    );
    assert_eq!(summary.rows, 3);
}

#[test]
fn rule_no_device_rows() {
    assert_eq!(problems(format!("{INTUNE}\r\n").as_bytes()), vec![(1, 1, Code::NoDeviceRows)]);
}

// --- The header ---

#[test]
fn rule_unknown_header() {
    assert_reports(b"Serial,Hash\r\nA,B\r\n", (1, 1, Code::UnknownHeader));
    let (summary, _) = csv::check(&b"Serial,Hash\r\n"[..], ReadOptions::default()).unwrap();
    assert!(!summary.unusable, "a wrong header is a problem, not unusable input");
}

#[test]
fn rule_header_case() {
    let header = "Device Serial Number,Windows Product Id,Hardware Hash";
    assert_reports(&file(header, &[intune_row(&device(0))]), (1, 22, Code::HeaderCase));
}

#[test]
fn rule_misspelled_column() {
    // "Serial Number" is MMD's name for the column; "Hardware Hsah" a typo.
    let header = "Serial Number,Windows Product ID,Hardware Hsah";
    let found = problems(&file(header, &[intune_row(&device(0))]));
    assert!(found.contains(&(1, 1, Code::MisspelledColumn)), "{found:?}");
    assert!(found.contains(&(1, 34, Code::MisspelledColumn)), "{found:?}");
}

#[test]
fn rule_header_order_and_values_still_checked_by_name() {
    let d = device(0);
    let header = "Windows Product ID,Device Serial Number,Hardware Hash";
    let row =
        format!("{},{},{}", d.product_key_id.as_deref().unwrap_or(""), d.serial_number, d.hardware_hash);
    // Only the order is wrong: the values match their (misplaced) columns.
    assert_eq!(problems(&file(header, &[row])), vec![(1, 20, Code::HeaderOrder)]);
}

#[test]
fn rule_missing_column() {
    let header = "Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name";
    let found = problems(&file(header, &[]));
    assert!(found.contains(&(1, header.len() as u64 + 1, Code::MissingColumn)), "{found:?}");
    // Intune's Assigned User needs the Group Tag column before it.
    let found = problems(&file(&format!("{INTUNE},Assigned User"), &[]));
    assert!(found.iter().any(|p| p.2 == Code::MissingColumn), "{found:?}");
}

#[test]
fn rule_extra_column() {
    let header = format!("{INTUNE},Order Number");
    assert_reports(&file(&header, &[]), (1, INTUNE.len() as u64 + 2, Code::ExtraColumn));
}

#[test]
fn rule_repeated_column() {
    let header = format!("{INTUNE},Hardware Hash");
    assert_reports(&file(&header, &[]), (1, INTUNE.len() as u64 + 2, Code::RepeatedColumn));
}

// --- Characters ---

#[test]
fn rule_quote_character() {
    let d = device(0);
    let row = format!("\"{}\",,{}", d.serial_number, d.hardware_hash);
    assert_eq!(problems(&file(INTUNE, &[row])), vec![(2, 1, Code::QuoteCharacter)]);
}

#[test]
fn rule_leading_trailing_whitespace() {
    let d = device(0);
    let row = format!("{}  ,,{}", d.serial_number, d.hardware_hash);
    assert_eq!(
        problems(&file(INTUNE, &[row])),
        vec![(2, d.serial_number.len() as u64 + 1, Code::LeadingTrailingWhitespace)]
    );
}

#[test]
fn rule_tab_character() {
    let d = device(0);
    let row = format!("{}\t,,{}", d.serial_number, d.hardware_hash);
    assert_eq!(
        problems(&file(INTUNE, &[row])),
        vec![(2, d.serial_number.len() as u64 + 1, Code::TabCharacter)]
    );
}

#[test]
fn rule_invisible_character_named_by_code_point() {
    let d = device(0);
    for (c, name) in
        [('\u{A0}', "U+00A0 NO-BREAK SPACE"), ('\u{200B}', "U+200B ZERO WIDTH SPACE"), ('\u{FEFF}', "U+FEFF")]
    {
        let row = format!("{}{c},,{}", d.serial_number, d.hardware_hash);
        let (_, diagnostics) = csv::check(&file(INTUNE, &[row])[..], ReadOptions::default()).unwrap();
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].code, Code::InvisibleCharacter);
        assert_eq!(diagnostics[0].column, d.serial_number.len() as u64 + 1);
        assert!(diagnostics[0].message.contains(name), "{}", diagnostics[0].message);
    }
}

#[test]
fn rule_control_character() {
    let d = device(0);
    let row = format!("{}\r,,{}", d.serial_number, d.hardware_hash);
    assert_reports(&file(INTUNE, &[row]), (2, d.serial_number.len() as u64 + 1, Code::ControlCharacter));
}

#[test]
fn rule_non_ascii_character_utf8_and_ansi() {
    let d = device(0);
    let utf8 = format!("{}é,,{}", d.serial_number, d.hardware_hash);
    assert_reports(&file(INTUNE, &[utf8]), (2, d.serial_number.len() as u64 + 1, Code::NonAsciiCharacter));
    let mut ansi = file(INTUNE, &[]);
    ansi.extend_from_slice(d.serial_number.as_bytes());
    ansi.push(0xE9);
    ansi.extend_from_slice(format!(",,{}\r\n", d.hardware_hash).as_bytes());
    let (_, diagnostics) = csv::check(&ansi[..], ReadOptions::default()).unwrap();
    assert_eq!(diagnostics[0].code, Code::NonAsciiCharacter);
    assert!(diagnostics[0].message.contains("byte 0xE9 read as Windows-1252"), "{}", diagnostics[0].message);
}

// --- Lines and columns ---

#[test]
fn rule_blank_line() {
    let text = format!("{INTUNE}\r\n{}\r\n\r\n{}\r\n", intune_row(&device(0)), intune_row(&device(1)));
    assert_eq!(problems(text.as_bytes()), vec![(3, 1, Code::BlankLine)]);
}

#[test]
fn rule_wrong_column_count() {
    let d = device(0);
    assert_reports(&file(INTUNE, &[format!("{},x", intune_row(&d))]), (2, 1, Code::WrongColumnCount));
    assert_reports(&file(INTUNE, std::slice::from_ref(&d.hardware_hash)), (2, 1, Code::WrongColumnCount));
}

#[test]
fn rule_trailing_empty_columns() {
    let row = format!("{},,", intune_row(&device(0)));
    let column = intune_row(&device(0)).len() as u64 + 1;
    assert_eq!(problems(&file(INTUNE, &[row])), vec![(2, column, Code::TrailingEmptyColumns)]);
}

// --- Values ---

#[test]
fn rule_spreadsheet_serial() {
    let d = device(0);
    let row = format!("1.23457E+11,,{}", d.hardware_hash);
    assert_eq!(problems(&file(INTUNE, &[row])), vec![(2, 1, Code::SpreadsheetSerial)]);
    let row = "8.0E+5,1234567890123,".to_owned();
    assert_eq!(problems(&file(INTUNE, &[row])), vec![(2, 1, Code::SpreadsheetSerial)]);
}

#[test]
fn rule_invalid_product_key_id() {
    assert_eq!(
        problems(&file(INTUNE, &[",123456789012,".to_owned()])),
        vec![(2, 2, Code::InvalidProductKeyId)]
    );
    assert_eq!(
        problems(&file(INTUNE, &[",12345678901AB,".to_owned()])),
        vec![(2, 2, Code::InvalidProductKeyId)]
    );
}

#[test]
fn rule_invalid_hardware_hash_points_at_the_bad_character() {
    let d = device(0);
    let mut hash = d.hardware_hash.clone();
    hash.replace_range(10..11, "!");
    let row = format!("{},,{hash}", d.serial_number);
    let hash_column = d.serial_number.len() as u64 + 3;
    assert_eq!(problems(&file(INTUNE, &[row])), vec![(2, hash_column + 10, Code::InvalidHardwareHash)]);
    let truncated = format!("{},,{}", d.serial_number, &d.hardware_hash[..1000]);
    assert_eq!(problems(&file(INTUNE, &[truncated])), vec![(2, hash_column, Code::InvalidHardwareHash)]);
}

#[test]
fn rule_missing_device_identity() {
    assert_eq!(problems(&file(INTUNE, &["ABC123,,".to_owned()])), vec![(2, 1, Code::MissingDeviceIdentity)]);
    // Partner Center: serial and manufacturer without model is no identity either.
    let d = device(0);
    let row = format!("{},,,{},", d.serial_number, d.manufacturer);
    assert_eq!(problems(&file(PC, &[row])), vec![(2, 1, Code::MissingDeviceIdentity)]);
    // The full tuple is.
    assert_clean(&file(PC, &[format!("{},,,{},{}", d.serial_number, d.manufacturer, d.model)]));
}

#[test]
fn rule_identity_mismatch_names_both_values() {
    let d = device(0);
    let row = format!("{},,{},{},Other Model", d.serial_number, d.hardware_hash, d.manufacturer);
    let (_, diagnostics) = csv::check(&file(PC, &[row])[..], ReadOptions::default()).unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].code, Code::IdentityMismatch);
    assert!(diagnostics[0].message.contains("Other Model") && diagnostics[0].message.contains(&d.model));
}

#[test]
fn rule_invalid_device_field() {
    let row = format!("{},1234567890123,", "S".repeat(300));
    assert_eq!(problems(&file(INTUNE, &[row])), vec![(2, 1, Code::InvalidDeviceField)]);
}

#[test]
fn rule_duplicate_row() {
    let row = intune_row(&device(0));
    assert_eq!(
        problems(&file(INTUNE, &[row.clone(), intune_row(&device(1)), row])),
        vec![(4, 1, Code::DuplicateRow)]
    );
}

#[test]
fn rule_duplicate_device() {
    let d = device(0);
    // Same hash, the second row without its serial: a different row, the same device.
    let second = format!(",,{}", d.hardware_hash);
    assert_eq!(problems(&file(INTUNE, &[intune_row(&d), second])), vec![(3, 1, Code::DuplicateDevice)]);
}

#[test]
fn every_code_has_a_unique_stable_name() {
    let names: std::collections::HashSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(names.len(), Code::ALL.len());
    for code in Code::ALL {
        assert_eq!(Code::parse(code.as_str()), Some(code));
        assert_eq!(serde_json::to_value(code).unwrap(), serde_json::Value::from(code.as_str()));
    }
}

#[test]
fn all_problems_are_reported_not_only_the_first() {
    let d = device(0);
    let text = format!(
        "device serial number,Windows Product ID,Hardware Hash\r\n\"{}\",12,{}\r\n\r\n{} ,,{}\r\n",
        d.serial_number,
        d.hardware_hash,
        d.serial_number,
        &d.hardware_hash[..100]
    );
    let codes: Vec<Code> = problems(text.as_bytes()).into_iter().map(|p| p.2).collect();
    for code in [
        Code::HeaderCase,
        Code::QuoteCharacter,
        Code::InvalidProductKeyId,
        Code::BlankLine,
        Code::LeadingTrailingWhitespace,
        Code::InvalidHardwareHash,
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
}

// --- The streaming reader ---

#[test]
fn reader_yields_numbered_rows_and_per_row_problems() {
    let d = [device(0), device(1)];
    let text = format!("{PC}\r\n{}\r\n\r\n{},bad\r\n", pc_row(&d[0]), pc_row(&d[1]));
    let mut reader = CsvReader::new(text.as_bytes(), ReadOptions::default()).unwrap();
    assert_eq!(reader.format(), Format::PartnerCenter);
    let rows: Vec<_> = reader.by_ref().map(Result::unwrap).collect();
    assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 3, 4]);
    let device = rows[0].result.as_ref().unwrap();
    assert_eq!(device.serial_number.as_deref(), Some(d[0].serial_number.as_str()));
    assert_eq!(device.model.as_deref(), Some(d[0].model.as_str()));
    assert_eq!(rows[1].result.as_ref().unwrap_err()[0].code, Code::BlankLine);
    assert_eq!(rows[2].result.as_ref().unwrap_err()[0].code, Code::WrongColumnCount);
    assert!(reader.end_diagnostics().is_empty());
}

#[test]
fn reader_rejects_unusable_input_and_unknown_headers() {
    let error = CsvReader::new(&b""[..], ReadOptions::default()).err().unwrap();
    assert!(error.is_unusable_input());
    let error = CsvReader::new(&b"a,b,c\r\n"[..], ReadOptions::default()).err().unwrap();
    assert!(!error.is_unusable_input());
    assert_eq!(error.diagnostics()[0].code, Code::UnknownHeader);
}

// --- fix, split, convert ---

fn fixed(input: &[u8], options: FixOptions) -> (csv::FixReport, Vec<u8>) {
    let mut out = Vec::new();
    let report = csv::fix(input, &mut out, options).unwrap();
    (report, out)
}

#[test]
fn fix_repairs_the_safe_problems_and_lists_them() {
    let d = [device(0), device(1)];
    let text = format!(
        "\u{FEFF}\"hardware hash\",\"Device Serial Number\",Windows Product ID,,\n\"{}\",\"\u{A0}{}\",{} ,,\n\n{},{},{}\n",
        d[0].hardware_hash,
        d[0].serial_number,
        d[0].product_key_id.as_deref().unwrap_or(""),
        d[1].hardware_hash,
        d[1].serial_number,
        d[1].product_key_id.as_deref().unwrap_or("")
    );
    assert!(!problems(text.as_bytes()).is_empty());
    let (report, out) = fixed(text.as_bytes(), FixOptions::default());
    assert!(
        out == file(INTUNE, &[intune_row(&d[0]), intune_row(&d[1])]),
        "{}",
        String::from_utf8_lossy(&out)
    );
    assert_clean(&out);
    let codes: Vec<Option<Code>> = report.changes.iter().map(|c| c.code).collect();
    for code in [
        Code::Utf8Bom,
        Code::QuoteCharacter,
        Code::HeaderCase,
        Code::HeaderOrder,
        Code::InvisibleCharacter,
        Code::BlankLine,
        Code::TrailingEmptyColumns,
        Code::LeadingTrailingWhitespace,
    ] {
        assert!(codes.contains(&Some(code)), "{code} not in {codes:?}");
    }
    assert!(codes.contains(&None), "the CRLF normalisation is listed");
}

#[test]
fn fix_leaves_what_it_cannot_repair_and_offers_the_hash_serial() {
    let d = device(0);
    let row = format!("1.23457E+11,,{}", d.hardware_hash);
    let (_, out) = fixed(&file(INTUNE, std::slice::from_ref(&row)), FixOptions::default());
    assert_eq!(problems(&out), vec![(2, 1, Code::SpreadsheetSerial)]);
    let (report, out) =
        fixed(&file(INTUNE, &[row]), FixOptions { serial_from_hash: true, ..Default::default() });
    assert_clean(&out);
    assert!(report.changes.iter().any(|c| c.code == Some(Code::SpreadsheetSerial)));
}

#[test]
fn fix_warns_when_a_dropped_column_held_values() {
    let row = format!("{},PO-7", intune_row(&device(0)));
    let (report, out) = fixed(&file(&format!("{INTUNE},Order"), &[row]), FixOptions::default());
    assert_clean(&out);
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(report.warnings[0].code, Code::ExtraColumn);
}

#[test]
fn split_writes_chunks_with_the_header() {
    let rows: Vec<String> = (0..5).map(|i| intune_row(&device(i))).collect();
    let chunks: Rc<RefCell<Vec<Vec<u8>>>> = Rc::default();
    let (format, written) = csv::split(&file(INTUNE, &rows)[..], 2, |index| {
        chunks.borrow_mut().push(Vec::new());
        Ok(Chunk { chunks: Rc::clone(&chunks), index: index - 1 })
    })
    .unwrap();
    assert_eq!(format, Format::Intune);
    assert_eq!(written.iter().map(|c| c.rows).collect::<Vec<_>>(), vec![2, 2, 1]);
    let chunks = chunks.borrow();
    assert_eq!(chunks.len(), 3);
    assert_eq!(chunks[0], file(INTUNE, &rows[..2]));
    assert_eq!(chunks[2], file(INTUNE, &rows[4..]));
}

/// One chunk `split` writes, kept in the test's list.
struct Chunk {
    chunks: Rc<RefCell<Vec<Vec<u8>>>>,
    index: usize,
}

impl std::io::Write for Chunk {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.chunks.borrow_mut()[self.index].extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn convert_intune_to_partner_center_takes_manufacturer_and_model_from_the_hash() {
    let d = [device(0), device(1)];
    let input = file(INTUNE, &[intune_row(&d[0]), intune_row(&d[1]), "X1,,".to_owned()]);
    let mut out = Vec::new();
    let report =
        csv::convert(&input[..], &mut out, Format::PartnerCenter, &ConvertOptions::default()).unwrap();
    assert_eq!(out, file(PC, &[pc_row(&d[0]), pc_row(&d[1])]));
    assert_eq!(report.rows_written, 2);
    assert_eq!(
        report.not_converted.iter().map(|p| (p.line, p.code)).collect::<Vec<_>>(),
        vec![(4, Code::MissingDeviceIdentity)]
    );
}

#[test]
fn convert_to_intune_adds_the_group_tag() {
    let d = device(0);
    let mut out = Vec::new();
    let options =
        ConvertOptions { group_tag: Some("Microsoft365ManagedStandard_".into()), ..Default::default() };
    csv::convert(&file(PC, &[pc_row(&d)])[..], &mut out, Format::Intune, &options).unwrap();
    let expected =
        file(&format!("{INTUNE},Group Tag"), &[format!("{},Microsoft365ManagedStandard_", intune_row(&d))]);
    assert_eq!(out, expected);
    assert_clean(&out);
}

#[test]
fn convert_to_mmd_drops_the_product_id_and_says_so() {
    let d = (0..10).map(device).find(|d| d.product_key_id.is_some()).unwrap();
    let mut out = Vec::new();
    let report =
        csv::convert(&file(INTUNE, &[intune_row(&d)])[..], &mut out, Format::Mmd, &Default::default())
            .unwrap();
    assert_clean(&out);
    assert_eq!(report.dropped, vec![("Windows Product ID", 1)]);
}

#[test]
fn duplicate_detection_can_be_turned_off() {
    let row = intune_row(&device(0));
    let input = file(INTUNE, &[row.clone(), row]);
    let options = csv::CheckOptions { duplicates: false, ..Default::default() };
    let mut found = Vec::new();
    let summary = csv::check_with_options(&input[..], options, &mut |d| found.push(d.code)).unwrap();
    assert_eq!((summary.rows, found), (2, vec![]));
    assert_eq!(problems(&input), vec![(3, 1, Code::DuplicateRow)]);
}

#[test]
fn a_no_break_space_between_words_is_reported_once_not_also_as_a_mismatch() {
    let d = (0..20).map(device).find(|d| d.manufacturer.contains(' ')).expect("a maker with a space");
    let manufacturer = d.manufacturer.replacen(' ', "\u{A0}", 1);
    let row = format!("{},,{},{manufacturer},{}", d.serial_number, d.hardware_hash, d.model);
    let found: Vec<Code> = problems(&file(PC, &[row])).into_iter().map(|p| p.2).collect();
    assert_eq!(found, vec![Code::InvisibleCharacter]);
}

#[test]
fn columns_count_characters_not_bytes_after_non_ascii_text() {
    let header = format!("{INTUNE},Group Tag,Assigned User");
    // "Zoë" takes 4 bytes but 3 columns; the assigned user's trailing space is at character 9
    // after the group tag's start.
    let row = "ABC,1234567890123,,Zoë-tag,ana ".to_owned();
    let found = problems(&file(&header, &[row]));
    assert_eq!(
        found,
        vec![(
            2,
            "ABC,1234567890123,,Zoë-tag,ana".chars().count() as u64 + 1,
            Code::LeadingTrailingWhitespace
        )]
    );
}

#[test]
fn a_very_wide_non_ascii_header_is_handled_in_linear_time() {
    // 30,000 columns: quadratic column counting would take minutes.
    let header = format!("{INTUNE},{}", vec!["é"; 30_000].join(","));
    let started = std::time::Instant::now();
    let found = problems(&file(&header, &[]));
    assert!(found.iter().any(|p| p.2 == Code::ExtraColumn));
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "{:?}", started.elapsed());
}

#[test]
fn files_bigger_than_a_chunk_are_checked_in_parallel_in_line_order() {
    // ~4 KB per row: 600 rows are several 1 MiB chunks.
    let mut rows: Vec<String> = (0..600).map(|i| intune_row(&device(i))).collect();
    rows[250] = format!("\"{}\"", rows[250]);
    rows[599] = rows[3].clone();
    rows.insert(400, String::new());
    let found = problems(&file(INTUNE, &rows));
    assert_eq!(
        found,
        vec![(252, 1, Code::QuoteCharacter), (402, 1, Code::BlankLine), (602, 1, Code::DuplicateRow)]
    );
    let (summary, _) = csv::check(&file(INTUNE, &rows)[..], ReadOptions::default()).unwrap();
    assert_eq!(summary.rows, 600);
}

#[test]
fn rule_group_tag_near_miss_of_a_managed_tag() {
    let d = device(0);
    let header = "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag";
    let row = |tag: &str| format!("{},{tag}", intune_row(&d));
    // Missing trailing underscore, wrong case: the classic silent failures.
    let column = (intune_row(&d).chars().count() + 2) as u64;
    assert_reports(&file(header, &[row("Microsoft365ManagedStandard")]), (2, column, Code::GroupTagNearMiss));
    assert_reports(
        &file(header, &[row("microsoft365managedpoweruser_")]),
        (2, column, Code::GroupTagNearMiss),
    );
    // Exact managed tags and custom tags far from them are fine.
    assert_clean(&file(header, &[row("Microsoft365ManagedSensitiveData_")]));
    assert_clean(&file(header, &[row("Kiosk-Berlin")]));

    let (_, diagnostics) =
        csv::check(&file(header, &[row("Microsoft365ManagedStandard")])[..], ReadOptions::default()).unwrap();
    let near_miss = diagnostics.iter().find(|d| d.code == Code::GroupTagNearMiss).expect("reported");
    assert!(near_miss.message.contains("\"Microsoft365ManagedStandard_\""), "{}", near_miss.message);
    assert!(near_miss.hint.contains("Microsoft365ManagedStandard_"), "{}", near_miss.hint);
}

#[test]
fn the_reader_leaves_group_tags_to_registration() {
    // Registration matches tags against the customer's own profiles; the reader must not
    // refuse a tag that only the offline check considers a near miss.
    let d = device(0);
    let body = file(
        "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag",
        &[format!("{},Microsoft365ManagedStandard", intune_row(&d))],
    );
    let reader = CsvReader::new(&body[..], ReadOptions::default()).expect("readable");
    let rows: Vec<_> = reader.map(|row| row.expect("in memory")).collect();
    assert_eq!(rows.len(), 1);
    let input = rows[0].result.as_ref().expect("row passes the reader");
    assert_eq!(input.group_tag.as_deref(), Some("Microsoft365ManagedStandard"));
}

// --- Semicolon-separated files (a spreadsheet's regional list separator) ---

const PC_HEADER: &str =
    "Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model";

#[test]
fn rule_semicolon_separated_is_named_and_the_rows_are_still_checked() {
    let good = pc_row(&device(1));
    let mut bad = device(2);
    bad.serial_number = format!(" {}", bad.serial_number);
    let input = file(&PC_HEADER.replace(',', ";"), &[good.replace(',', ";"), pc_row(&bad).replace(',', ";")]);
    let found = problems(&input);
    assert!(found.contains(&(1, 1, Code::SemicolonSeparated)), "{found:?}");
    assert!(!found.iter().any(|(_, _, code)| *code == Code::UnknownHeader), "{found:?}");
    // The leading space of the second row's serial, at its own column.
    assert!(found.contains(&(3, 1, Code::LeadingTrailingWhitespace)), "{found:?}");
}

#[test]
fn fix_puts_commas_between_the_values_of_a_semicolon_file() {
    let rows = [pc_row(&device(3)), pc_row(&device(4))];
    let commas = file(PC_HEADER, &rows);
    let semicolons =
        file(&PC_HEADER.replace(',', ";"), &rows.iter().map(|row| row.replace(',', ";")).collect::<Vec<_>>());
    let mut out = Vec::new();
    let report = csv::fix(&semicolons[..], &mut out, FixOptions::default()).expect("fixable");
    assert!(
        report.changes.iter().any(|change| change.code == Some(Code::SemicolonSeparated)),
        "{:?}",
        report.changes
    );
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(commas).unwrap());
}

#[test]
fn fix_leaves_a_value_holding_a_comma_in_a_semicolon_file_to_a_person() {
    let d = device(5);
    let row = format!(
        "{};{};{};{};Surface, Pro 9",
        d.serial_number,
        d.product_key_id.as_deref().unwrap_or(""),
        d.hardware_hash,
        d.manufacturer
    );
    let input = file(&PC_HEADER.replace(',', ";"), &[row]);
    let mut out = Vec::new();
    let report = csv::fix(&input[..], &mut out, FixOptions::default()).expect("readable");
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert_eq!(report.warnings[0].code, Code::SemicolonSeparated);
    assert_eq!(report.warnings[0].line, 2);
    assert!(report.warnings[0].message.contains("comma"), "{}", report.warnings[0].message);
}

#[test]
fn a_comma_file_with_semicolons_in_a_value_is_not_mistaken_for_a_semicolon_file() {
    let input = file(PC_HEADER, &[pc_row(&device(6))]);
    let text = String::from_utf8(input).unwrap().replace("\r\n", ";x\r\n").replacen(";x\r\n", "\r\n", 1);
    let found = problems(text.as_bytes());
    assert!(!found.iter().any(|(_, _, code)| *code == Code::SemicolonSeparated), "{found:?}");
}

#[test]
fn rule_separator_line_names_excels_sep_line_and_reads_the_header_below_it() {
    let row = pc_row(&device(7));
    for (first, semicolons) in [("sep=;", true), ("SEP=,", false), ("sep=;;;;", true), ("  sep=,,,, ", false)]
    {
        let (header, row) = if semicolons {
            (PC_HEADER.replace(',', ";"), row.replace(',', ";"))
        } else {
            (PC_HEADER.to_owned(), row.clone())
        };
        let input = file(first, &[header, row]);
        let found = problems(&input);
        assert!(found.contains(&(1, 1, Code::SeparatorLine)), "{first}: {found:?}");
        assert!(!found.iter().any(|(_, _, code)| *code == Code::UnknownHeader), "{first}: {found:?}");
        assert_eq!(
            found.iter().any(|(_, _, code)| *code == Code::SemicolonSeparated),
            semicolons,
            "{first}: {found:?}"
        );
        let mut out = Vec::new();
        let report = csv::fix(&input[..], &mut out, FixOptions::default()).expect("fixable");
        assert!(report.changes.iter().any(|change| change.code == Some(Code::SeparatorLine)), "{first}");
        assert!(String::from_utf8(out).unwrap().starts_with(PC_HEADER), "{first}");
    }
    // Not a declaration: a header that happens to start with "sep".
    let found = problems(&file("sep=x", &[row]));
    assert!(!found.iter().any(|(_, _, code)| *code == Code::SeparatorLine), "{found:?}");
}

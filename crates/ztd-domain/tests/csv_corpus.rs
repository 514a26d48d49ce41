//! The corpus of bad files under tests/corpus/, each with an insta snapshot of its
//! diagnostics (tests/snapshots/).
//!
//! The files are committed so anyone can open them, and generated here from synthetic devices
//! so they stay reproducible: `ZTD_WRITE_CORPUS=1 cargo test -p ztd-domain --test csv_corpus`
//! rewrites them. Each file must produce the diagnostic it exists for.

use std::path::PathBuf;

use ztd_domain::csv::{self, Code, ReadOptions};
use ztd_domain::synth::{self, SyntheticDevice};

const PC_HEADER: &str =
    "Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model";
const INTUNE_HEADER: &str = "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag";

fn devices() -> Vec<SyntheticDevice> {
    synth::generate(7, 300).collect()
}

/// A device whose serial is all digits with leading zeros: what a spreadsheet damages.
fn zero_serial(devices: &[SyntheticDevice]) -> &SyntheticDevice {
    devices
        .iter()
        .find(|d| d.serial_number.starts_with('0') && d.serial_number.bytes().all(|b| b.is_ascii_digit()))
        .expect("seed 7 has a device with a zero-led numeric serial")
}

fn pc_row(d: &SyntheticDevice) -> String {
    format!(
        "{},{},{},{},{}",
        d.serial_number,
        d.product_key_id.as_deref().unwrap_or(""),
        d.hardware_hash,
        d.manufacturer,
        d.model
    )
}

fn intune_row(d: &SyntheticDevice, tag: &str) -> String {
    format!("{},{},{},{tag}", d.serial_number, d.product_key_id.as_deref().unwrap_or(""), d.hardware_hash)
}

fn crlf(lines: &[String]) -> Vec<u8> {
    let mut text = lines.join("\r\n");
    text.push_str("\r\n");
    text.into_bytes()
}

/// Every corpus file: name, bytes, and the codes it must produce.
fn corpus() -> Vec<(&'static str, Vec<u8>, Vec<Code>)> {
    let d = devices();
    let tag = "Microsoft365ManagedStandard_";
    let mut files = Vec::new();

    // What Get-WindowsAutopilotInfo piped to PowerShell 5's Out-File writes: UTF-16LE with
    // BOM, CRLF line endings.
    let text = String::from_utf8(crlf(&[
        INTUNE_HEADER.to_owned(),
        intune_row(&d[0], tag),
        intune_row(&d[1], tag),
        intune_row(&d[2], ""),
    ]))
    .unwrap_or_default();
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    files.push(("powershell-utf16.csv", utf16, vec![Code::Utf16Encoding]));

    let zero = zero_serial(&d);
    let mut lost_zeros = zero.clone();
    lost_zeros.serial_number = zero.serial_number.trim_start_matches('0').to_owned();
    let mut scientific = d[3].clone();
    scientific.serial_number = "1.23457E+11".to_owned();
    let mut scientific_no_hash = d[4].clone();
    scientific_no_hash.serial_number = "8.0E+5".to_owned();
    scientific_no_hash.hardware_hash = String::new();
    scientific_no_hash.product_key_id = Some("3.30123E+12".to_owned());
    files.push((
        "spreadsheet-serials.csv",
        crlf(&[PC_HEADER.to_owned(), pc_row(&lost_zeros), pc_row(&scientific), pc_row(&scientific_no_hash)]),
        vec![Code::SpreadsheetSerial, Code::InvalidProductKeyId],
    ));

    // Export-Csv without -replace: every value quoted.
    let quote = |s: &str| format!("\"{s}\"");
    let quoted_header: Vec<String> = PC_HEADER.split(',').map(quote).collect();
    let quoted_row = |d: &SyntheticDevice| pc_row(d).split(',').map(quote).collect::<Vec<_>>().join(",");
    files.push((
        "quotes.csv",
        crlf(&[quoted_header.join(","), quoted_row(&d[5]), quoted_row(&d[6])]),
        vec![Code::QuoteCharacter],
    ));

    files.push((
        "extra-and-missing-columns.csv",
        crlf(&[
            "Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Order Number".to_owned(),
            format!("{},PO-1234", pc_row(&d[7]).rsplit_once(',').map_or("", |(head, _)| head)),
            format!("{},extra", pc_row(&d[8])),
            format!("{},{}", d[9].serial_number, d[9].hardware_hash),
        ]),
        vec![Code::ExtraColumn, Code::MissingColumn, Code::WrongColumnCount],
    ));

    files.push((
        "header-case.csv",
        crlf(&[
            "device serial number,Windows Product Id,Hardware Hash,Group tag".to_owned(),
            intune_row(&d[10], tag),
        ]),
        vec![Code::HeaderCase],
    ));

    files.push((
        "header-order.csv",
        crlf(&[
            "Hardware Hash,Device Serial Number,Windows Product ID".to_owned(),
            format!(
                "{},{},{}",
                d[11].hardware_hash,
                d[11].serial_number,
                d[11].product_key_id.as_deref().unwrap_or("")
            ),
        ]),
        vec![Code::HeaderOrder],
    ));

    files.push((
        "trailing-spaces.csv",
        crlf(&[
            format!("{INTUNE_HEADER} "),
            format!(
                " {},{},{},{tag}  ",
                d[12].serial_number,
                d[12].product_key_id.as_deref().unwrap_or(""),
                d[12].hardware_hash
            ),
            format!("{} ,,{},{tag},,", d[13].serial_number, d[13].hardware_hash),
        ]),
        vec![Code::LeadingTrailingWhitespace, Code::TrailingEmptyColumns],
    ));

    files.push((
        "nbsp-and-invisible.csv",
        crlf(&[
            INTUNE_HEADER.to_owned(),
            format!("{}\u{A0},,{},{tag}", d[14].serial_number, d[14].hardware_hash),
            format!("{},,{},Microsoft365Managed\u{200B}Standard_", d[15].serial_number, d[15].hardware_hash),
            format!("{},,{},{tag}\t", d[16].serial_number, d[16].hardware_hash),
            format!("\u{FEFF}{},,{},{tag}", d[17].serial_number, d[17].hardware_hash),
        ]),
        vec![Code::InvisibleCharacter, Code::TabCharacter],
    ));

    let mut same_device = d[19].clone();
    same_device.product_key_id = None;
    files.push((
        "duplicated-rows.csv",
        crlf(&[PC_HEADER.to_owned(), pc_row(&d[18]), pc_row(&d[19]), pc_row(&d[18]), pc_row(&same_device)]),
        vec![Code::DuplicateRow, Code::DuplicateDevice],
    ));

    let mut wrong_serial = d[20].clone();
    wrong_serial.serial_number = d[21].serial_number.clone();
    let mut wrong_model = d[22].clone();
    wrong_model.model = format!("{} ", wrong_model.model).trim_end().to_lowercase();
    files.push((
        "serial-hash-mismatch.csv",
        crlf(&[PC_HEADER.to_owned(), pc_row(&wrong_serial), pc_row(&wrong_model)]),
        vec![Code::IdentityMismatch],
    ));

    let mut truncated = d[23].clone();
    truncated.hardware_hash.truncate(2000);
    let mut truncated_padded = d[24].clone();
    truncated_padded.hardware_hash.truncate(3000);
    let mut corrupt = d[25].clone();
    let flip_at = corrupt.hardware_hash.len() / 2;
    let flipped = if corrupt.hardware_hash.as_bytes()[flip_at] == b'A' { "B" } else { "A" };
    corrupt.hardware_hash.replace_range(flip_at..flip_at + 1, flipped);
    let mut not_base64 = d[26].clone();
    not_base64.hardware_hash.replace_range(100..101, "*");
    files.push((
        "truncated-and-corrupt-hashes.csv",
        crlf(&[
            PC_HEADER.to_owned(),
            pc_row(&truncated),
            pc_row(&truncated_padded),
            pc_row(&corrupt),
            pc_row(&not_base64),
        ]),
        vec![Code::InvalidHardwareHash],
    ));

    files.push(("empty.csv", Vec::new(), vec![Code::EmptyFile]));

    files.push((
        "blank-lines.csv",
        format!("\n{INTUNE_HEADER}\n{}\n\n\n{}\n\n\n", intune_row(&d[27], tag), intune_row(&d[28], tag))
            .into_bytes(),
        vec![Code::BlankLine],
    ));

    let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
    utf8_bom.extend(crlf(&[INTUNE_HEADER.to_owned(), intune_row(&d[29], tag)]));
    files.push(("utf8-bom.csv", utf8_bom, vec![Code::Utf8Bom]));

    // Windows-1252 ("ANSI") bytes: é in a serial (an error) and in a group tag (allowed).
    let mut ansi = crlf(&[INTUNE_HEADER.to_owned()]);
    ansi.extend_from_slice(d[30].serial_number.as_bytes());
    ansi.push(0xE9);
    ansi.extend_from_slice(format!(",,{},Caf", d[30].hardware_hash).as_bytes());
    ansi.extend_from_slice(&[0xE9, b'\r', b'\n']);
    files.push(("windows-1252.csv", ansi, vec![Code::NonAsciiCharacter]));

    files.push((
        "missing-identity.csv",
        crlf(&[
            PC_HEADER.to_owned(),
            format!("{},,,{},", d[31].serial_number, d[31].manufacturer),
            ",,,,".to_owned(),
            format!("{},123456789012,,,", d[32].serial_number),
        ]),
        vec![Code::MissingDeviceIdentity, Code::InvalidProductKeyId],
    ));

    files.push((
        "no-header.csv",
        crlf(&[intune_row(&d[33], tag), intune_row(&d[34], tag)]),
        vec![Code::UnknownHeader],
    ));

    // Saved by a spreadsheet whose list separator is `;` (Danish, German, most of Europe).
    files.push((
        "semicolon-separated.csv",
        crlf(&[
            PC_HEADER.replace(',', ";"),
            pc_row(&d[35]).replace(',', ";"),
            pc_row(&d[36]).replace(',', ";"),
        ]),
        vec![Code::SemicolonSeparated],
    ));

    // Excel's "CSV (semikolonsepareret)" with its `sep=;` line declaring the separator.
    files.push((
        "excel-sep-line.csv",
        crlf(&[
            "sep=;".to_owned(),
            PC_HEADER.replace(',', ";"),
            pc_row(&d[37]).replace(',', ";"),
            pc_row(&d[38]).replace(',', ";"),
        ]),
        vec![Code::SeparatorLine, Code::SemicolonSeparated],
    ));

    // A decimal-comma spreadsheet (Danish) turned a serial and a product ID into numbers: the
    // row's hash still carries the serial, the second row has no hash.
    let semicolon_row = |device: &SyntheticDevice, serial: &str, pkid: &str, hash: &str| {
        format!("{serial};{pkid};{hash};{};{}", device.manufacturer, device.model)
    };
    files.push((
        "decimal-comma-serials.csv",
        crlf(&[
            PC_HEADER.replace(',', ";"),
            semicolon_row(
                &d[39],
                "1,23457E+11",
                d[39].product_key_id.as_deref().unwrap_or(""),
                &d[39].hardware_hash,
            ),
            semicolon_row(&d[40], "8,0E+05", "3,30123E+12", ""),
        ]),
        vec![Code::SemicolonSeparated, Code::SpreadsheetSerial, Code::InvalidProductKeyId],
    ));

    let mut xlsx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00".to_vec();
    xlsx.extend_from_slice(&[0u8; 64]);
    files.push(("workbook-saved-as-csv.csv", xlsx, vec![Code::BinaryFile]));

    files
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

#[test]
fn corpus_files_match_their_generator() {
    let write = std::env::var_os("ZTD_WRITE_CORPUS").is_some();
    for (name, bytes, _) in corpus() {
        let path = corpus_dir().join(name);
        if write {
            std::fs::create_dir_all(corpus_dir()).expect("create corpus dir");
            std::fs::write(&path, &bytes).expect("write corpus file");
            continue;
        }
        let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(committed == bytes, "{name} differs from its generator; run with ZTD_WRITE_CORPUS=1");
    }
}

/// Renders a check the way `ztd csv check` prints it.
fn render(name: &str, bytes: &[u8]) -> (String, Vec<Code>) {
    let (summary, diagnostics) = csv::check(bytes, ReadOptions::default()).expect("in-memory read");
    let mut text = String::new();
    for diagnostic in &diagnostics {
        text.push_str(&diagnostic.render(name));
        text.push('\n');
    }
    text.push_str(&format!(
        "{name}: format {:?}, encoding {:?}, {} rows, {} problems, unusable: {}\n",
        summary.format.map(|f| f.name()),
        summary.encoding,
        summary.rows,
        summary.problems,
        summary.unusable
    ));
    (text, diagnostics.iter().map(|d| d.code).collect())
}

#[test]
fn corpus_diagnostics() {
    for (name, _, expected) in corpus() {
        let bytes = std::fs::read(corpus_dir().join(name)).expect("corpus file (see the test above)");
        let (text, codes) = render(name, &bytes);
        for code in expected {
            assert!(codes.contains(&code), "{name} should report {code}:\n{text}");
        }
        insta::assert_snapshot!(name.trim_end_matches(".csv"), text);
    }
}

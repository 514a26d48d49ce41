//! `ztd csv check | fix | split | convert | sample`, run as the real binary.

mod server_process;

use std::path::{Path, PathBuf};
use std::process::Output;

use server_process::run as ztd;

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ztd-domain/tests/corpus").join(name)
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn fix_turns_the_powershell_utf16_file_into_one_check_accepts() {
    let input = corpus("powershell-utf16.csv");
    let bytes = std::fs::read(&input).unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xFE], "the corpus file is UTF-16LE with BOM");

    let before = ztd(&["csv", "check", path_str(&input)]);
    assert_eq!(before.status.code(), Some(1), "{}", text(&before));
    assert!(text(&before).contains("error[utf16_encoding]"), "{}", text(&before));

    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("fixed.csv");
    let fix = ztd(&["csv", "fix", path_str(&input), "-o", path_str(&output)]);
    assert_eq!(fix.status.code(), Some(0), "{}", text(&fix));
    assert!(text(&fix).contains("fixed[utf16_encoding]"), "{}", text(&fix));

    let after = ztd(&["csv", "check", path_str(&output)]);
    assert_eq!(after.status.code(), Some(0), "{}", text(&after));
    let fixed = std::fs::read(&output).unwrap();
    assert!(fixed.is_ascii() && fixed.ends_with(b"\r\n"));
}

#[test]
fn check_names_the_serial_a_bad_hash_carries_and_the_spreadsheet_column() {
    let input = corpus("truncated-and-corrupt-hashes.csv");
    let output = ztd(&["csv", "check", path_str(&input)]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let report = text(&output);
    let lines: Vec<&str> = report.lines().collect();
    let first = lines.iter().position(|line| line.contains("error[invalid_hardware_hash]")).unwrap();
    // The cut-off hash of line 2 still carries its device's serial number.
    assert!(lines[first].contains("(it carries serial number `632723972376`)"), "{report}");
    // "column" is the spreadsheet column; the prefix's 15 is the character.
    assert!(lines[first].contains("truncated-and-corrupt-hashes.csv:2:15: error"), "{report}");
    assert_eq!(lines[first + 1], "  where: line 2, column 3 (Hardware Hash), character 15");
    assert!(lines[first + 2].starts_with("  hint: "), "{report}");
    // The changed checksum (line 4) too; a hash broken before its serial record names none.
    assert!(report.contains("(it carries serial number `1VRXK0N`): checksum mismatch"), "{report}");
}

#[test]
fn excels_sep_line_is_named_by_check_and_removed_by_fix() {
    let input = corpus("excel-sep-line.csv");
    let before = ztd(&["csv", "check", path_str(&input)]);
    assert_eq!(before.status.code(), Some(1), "{}", text(&before));
    let report = text(&before);
    assert!(
        report.contains("excel-sep-line.csv:1:1: error[separator_line]: the first line `sep=;`"),
        "{report}"
    );
    assert!(report.contains("error[semicolon_separated]") && !report.contains("unknown_header"), "{report}");

    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("fixed.csv");
    let fix = ztd(&["csv", "fix", path_str(&input), "-o", path_str(&output)]);
    assert_eq!(fix.status.code(), Some(0), "{}", text(&fix));
    assert!(text(&fix).contains("fixed[separator_line]"), "{}", text(&fix));
    let fixed = std::fs::read_to_string(&output).unwrap();
    assert!(fixed.starts_with("Device Serial Number,Windows Product ID,"), "{fixed}");
    let after = ztd(&["csv", "check", path_str(&output)]);
    assert_eq!(after.status.code(), Some(0), "{}", text(&after));
}

#[test]
fn decimal_comma_serials_are_named_and_repaired_from_the_hash_where_it_carries_them() {
    let input = corpus("decimal-comma-serials.csv");
    let before = ztd(&["csv", "check", path_str(&input)]);
    assert_eq!(before.status.code(), Some(1), "{}", text(&before));
    let report = text(&before);
    assert!(report.contains("error[spreadsheet_serial]: serial number \"1,23457E+11\""), "{report}");
    assert!(report.contains("the hardware hash carries the serial"), "{report}");
    assert!(report.contains("error[invalid_product_key_id]: Windows Product ID `3,30123E+12`"), "{report}");

    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("fixed.csv");
    let fix = ztd(&["csv", "fix", "--serial-from-hash", path_str(&input), "-o", path_str(&output)]);
    // The first row's serial comes from its hash; the second row has no hash: left to a person.
    assert_eq!(fix.status.code(), Some(1), "{}", text(&fix));
    let log = text(&fix);
    assert!(log.contains(":2: fixed[spreadsheet_serial]"), "{log}");
    assert!(log.contains("error[semicolon_separated]") || log.contains("comma"), "{log}");
    let fixed = std::fs::read_to_string(&output).unwrap();
    let rows: Vec<&str> = fixed.lines().collect();
    assert!(!rows[1].starts_with("1,23457E+11"), "{fixed}");
    assert_eq!(rows[1].split(',').count(), 5, "{fixed}");
}

#[test]
fn windows_1252_text_keeps_a_danish_group_tag_and_names_a_non_ascii_serial() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ansi.csv");
    // "Århus_" in Windows-1252 (0xC5) as a group tag: free text, accepted and kept.
    let mut bytes =
        b"Device Serial Number,Windows Product ID,Hardware Hash,Group Tag\r\nSN-1,1234567890123,,".to_vec();
    bytes.extend_from_slice(&[0xC5]);
    bytes.extend_from_slice(b"rhus_\r\nSN-2");
    bytes.push(0xE9);
    bytes.extend_from_slice(b",2234567890123,,x\r\n");
    std::fs::write(&input, &bytes).unwrap();
    let check = ztd(&["csv", "check", path_str(&input)]);
    let report = text(&check);
    assert_eq!(check.status.code(), Some(1), "{report}");
    assert!(report.contains(":3:5: error[non_ascii_character]"), "{report}");
    assert!(report.contains("byte 0xE9 read as Windows-1252"), "{report}");
    assert!(!report.contains(":2:"), "the Danish tag is fine: {report}");
    let output = dir.path().join("fixed.csv");
    let fix = ztd(&["csv", "fix", path_str(&input), "-o", path_str(&output)]);
    assert_eq!(fix.status.code(), Some(1), "the serial is left to a person: {}", text(&fix));
    let fixed = std::fs::read(&output).unwrap();
    assert!(
        fixed.windows(6).any(|w| w == [0xC5, b'r', b'h', b'u', b's', b'_']),
        "the tag stays Windows-1252"
    );
}

#[test]
fn a_semicolon_file_is_named_by_check_and_repaired_by_fix() {
    let input = corpus("semicolon-separated.csv");
    let before = ztd(&["csv", "check", path_str(&input)]);
    assert_eq!(before.status.code(), Some(1), "{}", text(&before));
    assert!(
        text(&before).contains("semicolon-separated.csv:1:1: error[semicolon_separated]"),
        "{}",
        text(&before)
    );
    assert!(!text(&before).contains("unknown_header"), "{}", text(&before));

    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("fixed.csv");
    let fix = ztd(&["csv", "fix", path_str(&input), "-o", path_str(&output)]);
    assert_eq!(fix.status.code(), Some(0), "{}", text(&fix));
    assert!(text(&fix).contains("fixed[semicolon_separated]"), "{}", text(&fix));
    let after = ztd(&["csv", "check", path_str(&output)]);
    assert_eq!(after.status.code(), Some(0), "{}", text(&after));
    assert!(text(&after).contains("ok (partner-center, 2 device rows)"), "{}", text(&after));
}

#[test]
fn fix_exits_1_naming_what_it_could_not_repair() {
    let input = corpus("spreadsheet-serials.csv");
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.csv");
    let fix = ztd(&["csv", "fix", path_str(&input), "-o", path_str(&output)]);
    assert_eq!(fix.status.code(), Some(1), "{}", text(&fix));
    assert!(text(&fix).contains("error[spreadsheet_serial]"), "{}", text(&fix));
    assert!(text(&fix).contains("could not be repaired"), "{}", text(&fix));
}

#[test]
fn check_exit_codes_clean_problems_unusable() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.csv");
    let generate = ztd(&[
        "hash",
        "generate",
        "--count",
        "3",
        "--seed",
        "5",
        "--format",
        "partner-center",
        "-o",
        path_str(&clean),
    ]);
    assert!(generate.status.success(), "{}", text(&generate));
    let ok = ztd(&["csv", "check", path_str(&clean)]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(text(&ok).contains("ok (partner-center, 3 device rows)"), "{}", text(&ok));

    let quotes = ztd(&["csv", "check", path_str(&corpus("quotes.csv"))]);
    assert_eq!(quotes.status.code(), Some(1));
    // file:line:column: error[code]: message, then the hint line.
    let first =
        String::from_utf8_lossy(&quotes.stdout).lines().take(2).map(str::to_owned).collect::<Vec<_>>();
    assert!(first[0].ends_with("quotes.csv:1:1: error[quote_character]: 5 values are wrapped in or contain quote characters: header column 1, header column 2, header column 3, header column 4, header column 5") , "{first:?}");
    assert!(first[1].starts_with("  hint: "), "{first:?}");

    for unusable in [corpus("empty.csv"), corpus("workbook-saved-as-csv.csv"), dir.path().join("missing.csv")]
    {
        let out = ztd(&["csv", "check", path_str(&unusable)]);
        assert_eq!(out.status.code(), Some(2), "{}: {}", unusable.display(), text(&out));
    }
    // Several files: the worst one decides.
    let mixed = ztd(&["csv", "check", path_str(&clean), path_str(&corpus("quotes.csv"))]);
    assert_eq!(mixed.status.code(), Some(1));
}

#[test]
fn check_json_follows_the_documented_schema() {
    let out = ztd(&[
        "csv",
        "check",
        "--json",
        path_str(&corpus("duplicated-rows.csv")),
        path_str(&corpus("empty.csv")),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(json["problem_count"], 3);
    let first = &json["files"][0];
    assert!(first["file"].as_str().unwrap().ends_with("duplicated-rows.csv"));
    assert_eq!(first["format"], "partner-center");
    assert_eq!(first["encoding"], "ascii");
    assert_eq!(first["rows"], 4);
    assert_eq!(first["unusable"], false);
    let problem = &first["problems"][0];
    assert_eq!(problem["line"], 4);
    assert_eq!(problem["column"], 1);
    assert_eq!(problem["code"], "duplicate_row");
    assert_eq!(problem["message"], "this row repeats line 2");
    assert!(problem["hint"].as_str().is_some_and(|h| !h.is_empty()));
    assert_eq!(json["files"][1]["unusable"], true);
    assert_eq!(json["files"][1]["problems"][0]["code"], "empty_file");
}

#[test]
fn split_writes_portal_sized_chunks_with_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("devices.csv");
    let generate = ztd(&[
        "hash",
        "generate",
        "--count",
        "7",
        "--seed",
        "2",
        "--format",
        "intune",
        "-o",
        path_str(&input),
    ]);
    assert!(generate.status.success(), "{}", text(&generate));
    let chunks = dir.path().join("chunks");
    let split = ztd(&["csv", "split", path_str(&input), "--rows", "3", "-o", path_str(&chunks)]);
    assert_eq!(split.status.code(), Some(0), "{}", text(&split));
    let header = std::fs::read_to_string(&input).unwrap().lines().next().unwrap().to_owned();
    let mut total = 0;
    for (name, rows) in [("devices-001.csv", 3), ("devices-002.csv", 3), ("devices-003.csv", 1)] {
        let chunk = chunks.join(name);
        let content = std::fs::read_to_string(&chunk).unwrap();
        assert_eq!(content.lines().next(), Some(header.as_str()));
        assert_eq!(content.lines().count(), rows + 1, "{name}");
        total += rows;
        assert_eq!(ztd(&["csv", "check", path_str(&chunk)]).status.code(), Some(0));
    }
    assert_eq!(total, 7);
    assert!(!chunks.join("devices-004.csv").exists());
}

#[test]
fn convert_between_formats_with_a_group_tag() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("pc.csv");
    let generate = ztd(&[
        "hash",
        "generate",
        "--count",
        "4",
        "--seed",
        "9",
        "--format",
        "partner-center",
        "-o",
        path_str(&input),
    ]);
    assert!(generate.status.success(), "{}", text(&generate));
    let output = dir.path().join("intune.csv");
    let convert = ztd(&[
        "csv",
        "convert",
        path_str(&input),
        "--to",
        "intune",
        "-o",
        path_str(&output),
        "--group-tag",
        "Microsoft365ManagedStandard_",
    ]);
    assert_eq!(convert.status.code(), Some(0), "{}", text(&convert));
    let content = std::fs::read_to_string(&output).unwrap();
    assert!(content.starts_with("Device Serial Number,Windows Product ID,Hardware Hash,Group Tag\r\n"));
    assert_eq!(content.matches(",Microsoft365ManagedStandard_\r\n").count(), 4);
    assert_eq!(ztd(&["csv", "check", path_str(&output)]).status.code(), Some(0));

    let back = dir.path().join("mmd.csv");
    let convert = ztd(&["csv", "convert", path_str(&output), "--to", "mmd", "-o", path_str(&back)]);
    assert_eq!(convert.status.code(), Some(0), "{}", text(&convert));
    assert!(text(&convert).contains("no `Group Tag` column: dropped it from 4 rows"), "{}", text(&convert));
    assert_eq!(ztd(&["csv", "check", path_str(&back)]).status.code(), Some(0));

    let bad = ztd(&["csv", "convert", path_str(&input), "--to", "excel"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).contains("partner-center, intune, mmd"), "{}", text(&bad));
}

#[test]
fn convert_reads_the_powershell_utf16_file() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("pc.csv");
    let input = corpus("powershell-utf16.csv");
    let convert =
        ztd(&["csv", "convert", path_str(&input), "--to", "partner-center", "-o", path_str(&output)]);
    assert_eq!(convert.status.code(), Some(0), "{}", text(&convert));
    assert!(
        text(&convert).contains("note: ") && text(&convert).contains("utf16_encoding"),
        "{}",
        text(&convert)
    );
    assert!(text(&convert).contains("converted 3 rows from intune to partner-center"), "{}", text(&convert));
    assert_eq!(ztd(&["csv", "check", path_str(&output)]).status.code(), Some(0));
}

#[test]
fn sample_of_each_format_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    for (format, header) in [
        (
            "partner-center",
            "Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model",
        ),
        ("intune", "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag,Assigned User"),
        ("mmd", "Manufacturer,Model,Serial Number,Hardware Hash"),
    ] {
        let file = dir.path().join(format!("sample-{format}.csv"));
        let mut args = vec!["csv", "sample", "--format", format, "-o", path_str(&file)];
        if format == "intune" {
            args.extend(["--group-tag", "ContosoKiosk_"]);
        }
        let sample = ztd(&args);
        assert_eq!(sample.status.code(), Some(0), "{}", text(&sample));
        let written = std::fs::read_to_string(&file).unwrap();
        assert!(written.starts_with(&format!("{header}\r\n")), "{written}");
        let check = ztd(&["csv", "check", path_str(&file)]);
        assert_eq!(check.status.code(), Some(0), "{}", text(&check));
        assert!(text(&check).contains(&format!("ok ({format}, 3 device rows)")), "{}", text(&check));
        if format == "intune" {
            assert_eq!(written.matches(",ContosoKiosk_,").count(), 3, "{written}");
        }
    }
    // Standard output, the built-in Standard tag by default; the same file every time.
    let stdout = ztd(&["csv", "sample", "--format", "intune"]);
    assert_eq!(stdout.status.code(), Some(0), "{}", text(&stdout));
    assert!(String::from_utf8_lossy(&stdout.stdout).contains(",Microsoft365ManagedStandard_,"));
    assert_eq!(stdout.stdout, ztd(&["csv", "sample", "--format", "intune"]).stdout);
}

#[test]
fn sample_refuses_a_tag_it_cannot_write_or_a_format_without_tags() {
    let comma = ztd(&["csv", "sample", "--format", "intune", "--group-tag", "a,b"]);
    assert_eq!(comma.status.code(), Some(2), "{}", text(&comma));
    assert!(text(&comma).contains("cannot be written"), "{}", text(&comma));
    let mmd = ztd(&["csv", "sample", "--format", "mmd", "--group-tag", "Kiosk"]);
    assert_eq!(mmd.status.code(), Some(2), "{}", text(&mmd));
    assert!(text(&mmd).contains("no Group Tag column"), "{}", text(&mmd));
    let unknown = ztd(&["csv", "sample", "--format", "excel"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));
    assert!(text(&unknown).contains("partner-center, intune, mmd"), "{}", text(&unknown));
}

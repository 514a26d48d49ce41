//! `ztd hash decode | generate`: output and exit codes (0 valid, 1 invalid, 2 unusable input).

mod server_process;

use std::process::Output;

use server_process::{run as ztd, run_with_input};

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The CSV lines of `ztd hash generate`, CRLF checked and stripped.
fn generate(args: &[&str]) -> Vec<String> {
    let output = ztd(&[&["hash", "generate"], args].concat());
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let text = stdout(&output);
    assert!(text.ends_with("\r\n"));
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count(), "every line ends in CRLF");
    text.lines().map(str::to_owned).collect()
}

#[test]
fn generate_writes_the_exact_header_of_each_format() {
    let partner = generate(&["--count", "3", "--seed", "7", "--format", "partner-center"]);
    assert_eq!(
        partner[0],
        "Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model"
    );
    assert_eq!(partner.len(), 4);
    assert!(partner[1..].iter().all(|row| row.split(',').count() == 5));
    let intune =
        generate(&["--count", "2", "--format", "intune", "--group-tag", "Microsoft365ManagedStandard_"]);
    assert_eq!(intune[0], "Device Serial Number,Windows Product ID,Hardware Hash,Group Tag");
    assert!(intune[1].ends_with(",Microsoft365ManagedStandard_"));
    let intune = generate(&["--count", "2", "--format", "intune"]);
    assert_eq!(intune[0], "Device Serial Number,Windows Product ID,Hardware Hash");
    let mmd = generate(&["--count", "2", "--format", "mmd"]);
    assert_eq!(mmd[0], "Manufacturer,Model,Serial Number,Hardware Hash");
}

#[test]
fn generate_is_deterministic_and_writes_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("devices.csv");
    let output = ztd(&["hash", "generate", "--count", "5", "--seed", "42", "-o", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let file = std::fs::read_to_string(&path).unwrap();
    let again = generate(&["--count", "5", "--seed", "42"]);
    assert_eq!(file.lines().collect::<Vec<_>>(), again);
    assert_ne!(again, generate(&["--count", "5", "--seed", "43"]));
}

#[test]
fn generate_refuses_a_group_tag_outside_intune() {
    let output = ztd(&["hash", "generate", "--format", "mmd", "--group-tag", "X"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--group-tag needs --format intune"));
}

#[test]
fn decode_a_generated_hash_lists_fields_and_records() {
    let rows = generate(&["--count", "1", "--seed", "3", "--format", "mmd"]);
    let fields: Vec<&str> = rows[1].split(',').collect();
    let (manufacturer, model, serial, hash) = (fields[0], fields[1], fields[2], fields[3]);
    let output = ztd(&["hash", "decode", hash]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("valid hardware hash: "), "{text}");
    assert!(text.contains(&format!("serial number   {serial:?}")), "{text}");
    assert!(text.contains(&format!("manufacturer    {manufacturer:?}")));
    assert!(text.contains(&format!("model           {model:?}")));
    assert!(text.contains("type  14 serial_number"));
    assert!(text.contains("type  25 tpm_endorsement_key"));

    // The same through stdin, as JSON.
    let output = run_with_input(&["hash", "decode", "-", "--json"], &format!("{hash}\n"));
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["valid"], true);
    assert_eq!(json["hash"]["serial_number"], serial);
    assert_eq!(json["hash"]["records"][0]["offset"], 4);
}

#[test]
fn decode_an_invalid_hash_exits_1_with_the_reason() {
    let output = ztd(&["hash", "decode", "T0FB%AAA"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "invalid hardware hash: not base64: character '%' at position 4\n");

    let output = ztd(&["hash", "decode", "--json", "T0FB%AAA"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"valid": false, "error": {
            "message": "not base64: character '%' at position 4",
            "kind": "invalid_character", "character": "%", "position": 4
        }})
    );

    // A truncated hash: the checksum offset points past the end.
    let rows = generate(&["--count", "1", "--format", "intune"]);
    let hash = rows[1].split(',').nth(2).unwrap();
    let output = ztd(&["hash", "decode", &hash[..2000]]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.lines().last().unwrap().contains("is past the end of the 1500-byte blob (truncated hash?)"),
        "the error comes last: {text}"
    );
    // Every whole record before the cut is printed first, the serial number among them.
    let serial = rows[1].split(',').next().unwrap();
    assert!(text.starts_with("read before the error (not validated): 1500 bytes, "), "{text}");
    assert!(text.contains(&format!("serial number   {serial:?}")), "{text}");
    assert!(text.contains("type  14 serial_number"), "{text}");
    let output = ztd(&["hash", "decode", "--json", &hash[..2000]]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["valid"], false);
    assert_eq!(json["error"]["kind"], "checksum_offset_past_end");
    assert_eq!(json["read"]["serial_number"], serial);
    assert!(json["read"]["records"].as_array().is_some_and(|records| records.len() > 3), "{json}");
}

#[test]
fn decode_a_hash_with_a_changed_character_prints_its_records_then_the_error() {
    let rows = generate(&["--count", "1", "--format", "intune"]);
    let (serial, hash) = {
        let mut cells = rows[1].split(',');
        (cells.next().unwrap().to_owned(), cells.nth(1).unwrap().to_owned())
    };
    // A stray character near the end: everything before it is still readable.
    let mut broken = hash.clone();
    broken.replace_range(3000..3001, "*");
    let output = ztd(&["hash", "decode", &broken]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains(&format!("serial number   {serial:?}")), "{text}");
    assert_eq!(
        text.lines().last().unwrap(),
        "invalid hardware hash: not base64: character '*' at position 3000",
        "{text}"
    );
}

#[test]
fn decode_without_input_exits_2() {
    let output = run_with_input(&["hash", "decode", "-"], "  \n");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no hash given"));
}

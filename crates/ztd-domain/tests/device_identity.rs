//! Identity rules of docs/domain.md#device-identity: presence, field checks, row vs hash, keys, in-batch duplicates.

use ztd_domain::codes::RowErrorCode;
use ztd_domain::device::{
    looks_like_scientific_notation, spreadsheet_serial_damage, BatchDeduper, DeviceFields, DeviceInput,
    IdentityKeyKind,
};
use ztd_domain::hash::{self, HashFields};

const UUID: [u8; 16] =
    [0x4c, 0x4c, 0x45, 0x44, 0, 0x33, 0x10, 0x80, 0x80, 0x42, 0xb2, 0xc0, 0x4f, 0x44, 0x31, 0x32];

fn hash_of(serial: &str, pkid: Option<&str>) -> String {
    hash::encode(&HashFields {
        serial_number: Some(serial.into()),
        manufacturer: Some("Dell Inc.".into()),
        model: Some("Latitude 7440".into()),
        product_key_id: pkid.map(Into::into),
        smbios_uuid: Some(UUID),
        ..HashFields::default()
    })
    .unwrap()
}

fn input(serial: Option<&str>, hash: Option<String>) -> DeviceInput {
    DeviceInput { serial_number: serial.map(Into::into), hardware_hash: hash, ..DeviceInput::default() }
}

#[test]
fn no_identity_at_all() {
    let error = DeviceInput::default().resolve().unwrap_err();
    assert_eq!(error.code, RowErrorCode::MissingDeviceIdentity);
    assert!(error.message.starts_with("no device identity"), "{}", error.message);
    assert!(error.hint.is_some());
}

#[test]
fn an_incomplete_tuple_names_what_the_row_has() {
    let error = DeviceInput {
        manufacturer: Some("HP".into()),
        serial_number: Some("5CG1".into()),
        ..Default::default()
    }
    .resolve()
    .unwrap_err();
    assert_eq!(error.code, RowErrorCode::MissingDeviceIdentity);
    assert_eq!(
        error.message,
        "no complete device identity: the row has only manufacturer and serial number (manufacturer, model and serial number are needed together)"
    );
}

#[test]
fn each_identity_alone_is_enough_and_gives_its_key() {
    let tuple = DeviceInput {
        manufacturer: Some("HP".into()),
        model: Some("HP EliteBook 840 G10 Notebook PC".into()),
        serial_number: Some("5CG3451K2L".into()),
        ..Default::default()
    }
    .resolve()
    .unwrap();
    assert_eq!(
        tuple.tuple_key.as_deref(),
        Some(r#"tuple:["HP","HP EliteBook 840 G10 Notebook PC","5CG3451K2L"]"#)
    );
    assert_eq!((tuple.pkid_key, tuple.hash_key), (None, None));

    let pkid =
        DeviceInput { product_key_id: Some("3312345678901".into()), ..Default::default() }.resolve().unwrap();
    assert_eq!(pkid.pkid_key.as_deref(), Some("pkid:3312345678901"));

    let hashed = input(None, Some(hash_of("0012345678", None))).resolve().unwrap();
    assert_eq!(hashed.hash_key.as_deref(), Some("hash:4c4c4544-0033-1080-8042-b2c04f443132:0012345678"));
}

#[test]
fn missing_values_are_filled_from_the_hash() {
    // An Autopilot-format row: serial + hash, no manufacturer or model.
    let resolved =
        input(Some("0012345678"), Some(hash_of("0012345678", Some("3312345678901")))).resolve().unwrap();
    assert_eq!(resolved.manufacturer.as_deref(), Some("Dell Inc."));
    assert_eq!(resolved.model.as_deref(), Some("Latitude 7440"));
    assert_eq!(resolved.product_key_id.as_deref(), Some("3312345678901"));
    assert_eq!(resolved.tuple_key.as_deref(), Some(r#"tuple:["Dell Inc.","Latitude 7440","0012345678"]"#));
    assert_eq!(resolved.pkid_key.as_deref(), Some("pkid:3312345678901"));
    // The same device registered by tuple alone has the same tuple key.
    let by_tuple = DeviceInput {
        manufacturer: Some("Dell Inc.".into()),
        model: Some("Latitude 7440".into()),
        serial_number: Some("0012345678".into()),
        ..Default::default()
    }
    .resolve()
    .unwrap();
    assert_eq!(by_tuple.tuple_key, resolved.tuple_key);
}

#[test]
fn a_serial_that_differs_from_the_hash_is_a_mismatch_naming_both() {
    let error = input(Some("ABC123"), Some(hash_of("XYZ789", None))).resolve().unwrap_err();
    assert_eq!(error.code, RowErrorCode::IdentityMismatch);
    assert_eq!(error.message, r#"serial number: the row has "ABC123" but the hardware hash has "XYZ789""#);
}

#[test]
fn manufacturer_model_and_pkid_are_cross_checked_case_sensitively() {
    let hash = hash_of("S1", Some("3312345678901"));
    let row = |manufacturer: &str, model: &str, pkid: &str| DeviceInput {
        serial_number: Some("S1".into()),
        manufacturer: Some(manufacturer.into()),
        model: Some(model.into()),
        product_key_id: Some(pkid.into()),
        hardware_hash: Some(hash.clone()),
        ..Default::default()
    };
    assert!(row("Dell Inc.", "Latitude 7440", "3312345678901").resolve().is_ok());
    let error = row("DELL INC.", "Latitude 7440", "3312345678901").resolve().unwrap_err();
    assert_eq!(
        error.message,
        r#"manufacturer: the row has "DELL INC." but the hardware hash has "Dell Inc.""#
    );
    let error = row("Dell Inc.", "Latitude 7450", "3312345678901").resolve().unwrap_err();
    assert_eq!(
        error.message,
        r#"model: the row has "Latitude 7450" but the hardware hash has "Latitude 7440""#
    );
    let error = row("Dell Inc.", "Latitude 7440", "3312345678902").resolve().unwrap_err();
    assert_eq!(error.code, RowErrorCode::IdentityMismatch);
    assert!(error.message.starts_with("Windows Product ID: the row has"), "{}", error.message);
}

#[test]
fn an_invalid_hash_gives_the_precise_reason() {
    let mut text = hash_of("S1", None);
    text.replace_range(17..18, "%");
    let error = input(Some("S1"), Some(text)).resolve().unwrap_err();
    assert_eq!(error.code, RowErrorCode::InvalidHardwareHash);
    assert_eq!(error.message, "invalid hardware hash: not base64: character '%' at position 17");
}

#[test]
fn field_rules() {
    let cases: [(DeviceInput, &str); 5] = [
        (
            DeviceInput { product_key_id: Some("12345".into()), ..Default::default() },
            "Windows Product ID \"12345\" is not 13 digits",
        ),
        (input(Some("AB\tC"), None), "serial number has control character U+0009 at position 2"),
        (input(Some("AB\u{A0}C"), None), "serial number has invisible character U+00A0 at position 2"),
        (input(Some(" ABC"), None), "serial number \" ABC\" has whitespace around it"),
        (input(Some(&"A".repeat(256)), None), "serial number is 256 characters, longer than the 255 allowed"),
    ];
    for (device, message) in cases {
        let error = device.resolve().unwrap_err();
        assert_eq!((error.code, error.message.as_str()), (RowErrorCode::InvalidDeviceField, message));
    }
}

#[test]
fn empty_strings_count_as_absent() {
    let device = DeviceInput {
        product_key_id: Some("3312345678901".into()),
        serial_number: Some(String::new()),
        group_tag: Some(String::new()),
        hardware_hash: Some(String::new()),
        ..Default::default()
    };
    let resolved = device.resolve().unwrap();
    assert_eq!((resolved.serial_number, resolved.group_tag, resolved.hardware_hash), (None, None, None));
}

#[test]
fn spreadsheet_serials_are_named_as_such() {
    assert!(looks_like_scientific_notation("1.23457E+11"));
    assert!(looks_like_scientific_notation("8.0E+5"));
    assert!(!looks_like_scientific_notation("12E45"));
    assert!(!looks_like_scientific_notation("5CG3451E+2"));

    // Scientific notation, no hash: an invalid field.
    let error = DeviceInput {
        manufacturer: Some("M".into()),
        model: Some("X".into()),
        serial_number: Some("1.23457E+11".into()),
        ..Default::default()
    }
    .resolve()
    .unwrap_err();
    assert_eq!(error.code, RowErrorCode::InvalidDeviceField);
    assert!(error.message.contains("saved from a spreadsheet"), "{}", error.message);

    // Lost leading zeros against the hash: a mismatch that says why and offers the hash's serial.
    let error = input(Some("12345678"), Some(hash_of("0012345678", None))).resolve().unwrap_err();
    assert_eq!(error.code, RowErrorCode::IdentityMismatch);
    assert_eq!(
        error.message,
        r#"serial number "12345678" was saved from a spreadsheet: its leading zeros are lost (the hardware hash has "0012345678")"#
    );
    assert!(error.hint.unwrap().contains(r#"the hardware hash carries the serial "0012345678": use it"#));

    let damage = spreadsheet_serial_damage("1.23457E+11", Some("123456789012")).unwrap();
    assert_eq!(damage.suggested_serial.as_deref(), Some("123456789012"));
    assert!(spreadsheet_serial_damage("0012345678", Some("0012345678")).is_none());
    assert!(spreadsheet_serial_damage("ABC", None).is_none());
}

#[test]
fn deduper_finds_a_device_twice_by_any_key_and_names_the_first_row() {
    let mut deduper = BatchDeduper::with_unit("line");
    let first = input(Some("0012345678"), Some(hash_of("0012345678", None))).resolve().unwrap();
    deduper.insert(2, &first).unwrap();
    // Same device by tuple only (no hash): shares the tuple key.
    let again = DeviceInput {
        manufacturer: Some("Dell Inc.".into()),
        model: Some("Latitude 7440".into()),
        serial_number: Some("0012345678".into()),
        ..Default::default()
    }
    .resolve()
    .unwrap();
    let duplicate = deduper.insert(5, &again).unwrap_err();
    assert_eq!((duplicate.first_row, duplicate.kind), (2, IdentityKeyKind::Tuple));
    let error = duplicate.to_row_error();
    assert_eq!(error.code, RowErrorCode::DeviceDuplicatedInBatch);
    assert_eq!(
        error.message,
        "the same device as line 2 of this batch (same manufacturer, model and serial number)"
    );

    let other =
        DeviceInput { product_key_id: Some("3312345678901".into()), ..Default::default() }.resolve().unwrap();
    deduper.insert(6, &other).unwrap();
    assert_eq!(deduper.insert(7, &other).unwrap_err().kind, IdentityKeyKind::ProductKeyId);
}

#[test]
fn borrowed_fields_resolve_like_owned_input_with_a_reused_buffer() {
    let hash = hash_of("S1", None);
    let mut buf = Vec::new();
    let fields = DeviceFields { serial_number: Some("S1"), hardware_hash: Some(&hash), ..Default::default() };
    let resolved = fields.resolve(&mut buf).unwrap();
    assert_eq!(resolved, input(Some("S1"), Some(hash.clone())).resolve().unwrap());
    assert!(buf.capacity() > 0);
}

#[test]
fn device_input_json_is_unchanged() {
    let json = r#"{"serial_number":"S1","product_key_id":null,"hardware_hash":null,"manufacturer":"M","model":"X","group_tag":"T","assigned_user":null}"#;
    let parsed: DeviceInput = serde_json::from_str(json).unwrap();
    assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
    assert!(serde_json::from_str::<DeviceInput>(r#"{"serial":"S1"}"#).is_err());
}

#[test]
fn a_malformed_pkid_in_the_hash_is_not_adopted() {
    let resolved = input(Some("S1"), Some(hash_of("S1", Some("12-34")))).resolve().unwrap();
    assert_eq!((resolved.product_key_id, resolved.pkid_key), (None, None));
}

#[test]
fn stray_characters_in_a_hash_are_named_by_the_decoder() {
    let hash = format!("{}\u{a0}", hash_of("S1", None));
    let position = hash.len() - 2;
    let error = input(Some("S1"), Some(hash)).resolve().unwrap_err();
    assert_eq!(error.code, RowErrorCode::InvalidHardwareHash);
    assert_eq!(
        error.message,
        format!("invalid hardware hash: not base64: character '\\u{{a0}}' at position {position}")
    );
}

#[test]
fn values_a_spreadsheet_would_run_or_a_csv_cannot_hold_are_refused() {
    let with_user = |user: &str| DeviceInput {
        assigned_user: Some(user.into()),
        ..input(None, Some(hash_of("SER1", None)))
    };
    for hostile in ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "a,b", "say \"hi\""] {
        let error = with_user(hostile).resolve().unwrap_err();
        assert_eq!(error.code, RowErrorCode::InvalidDeviceField, "{hostile:?}");
        assert!(error.message.contains(&format!("{hostile:?}")), "{}", error.message);
    }
    assert!(with_user("ada@contoso.com").resolve().is_ok());
    // The same rule for a tag changed after intake.
    use ztd_domain::device::{check_field, DeviceField};
    assert!(check_field(DeviceField::GroupTag, "=cmd|' /C calc'!A0").is_err());
    assert!(check_field(DeviceField::GroupTag, "Microsoft365ManagedStandard_").is_ok());
    assert!(ztd_domain::profile::validate_group_tag("@Kiosk").is_err());
}

#[test]
fn the_writer_never_writes_a_formula_but_a_hash_may_start_with_plus() {
    use ztd_domain::csv::{Column, CsvWriter, Format, Layout, WriteError};
    let mut writer = CsvWriter::rows_only(Vec::new(), Layout::full(Format::Intune));
    let refused = writer.write_row(|column| match column {
        Column::AssignedUser => Some("=1+1"),
        Column::SerialNumber => Some("S1"),
        _ => None,
    });
    assert!(
        matches!(refused, Err(WriteError::Unwritable { column: Column::AssignedUser, .. })),
        "{refused:?}"
    );
    writer
        .write_row(|column| match column {
            Column::HardwareHash => Some("+AAA"),
            Column::SerialNumber => Some("S1"),
            _ => None,
        })
        .unwrap();
    let written = String::from_utf8(writer.finish().unwrap()).unwrap();
    assert_eq!(written.lines().count(), 1, "only the second row: {written}");
    assert!(written.contains("+AAA"));
}

//! Hardware hash validation: every failure of docs/domain.md#device-identity with its exact message and offsets.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use ztd_domain::hash::{self, HashBuilder, HashError, HashView, RecordType, RecordValue};

/// A blob with these records and a correct checksum record.
fn blob(records: &[(u16, &[u8])]) -> Vec<u8> {
    let mut blob = b"OA\0\0".to_vec();
    for (record_type, value) in records {
        blob.extend_from_slice(&record_type.to_le_bytes());
        blob.extend_from_slice(&((value.len() + 4) as u16).to_le_bytes());
        blob.extend_from_slice(value);
    }
    seal(blob)
}

/// Sets the checksum offset to the current end and appends a matching checksum record.
fn seal(mut blob: Vec<u8>) -> Vec<u8> {
    let offset = blob.len() as u16;
    blob[2..4].copy_from_slice(&offset.to_le_bytes());
    let digest = Sha256::digest(&blob);
    blob.extend_from_slice(b"CS");
    blob.extend_from_slice(&36u16.to_le_bytes());
    blob.extend_from_slice(&digest);
    blob
}

fn error_of(blob: &[u8]) -> HashError {
    hash::decode(&STANDARD.encode(blob)).expect_err("the blob is invalid")
}

fn message(blob: &[u8]) -> String {
    error_of(blob).to_string()
}

fn sample() -> Vec<u8> {
    blob(&[(14, b"0012345678\0"), (16, b"Dell Inc.\0"), (17, b"Latitude 7440\0")])
}

#[test]
fn a_valid_hash_decodes_with_records_in_order_and_offsets() {
    let decoded = hash::decode(&STANDARD.encode(sample())).unwrap();
    assert_eq!(decoded.serial_number.as_deref(), Some("0012345678"));
    assert_eq!(decoded.manufacturer.as_deref(), Some("Dell Inc."));
    assert_eq!(decoded.model.as_deref(), Some("Latitude 7440"));
    let offsets: Vec<(usize, u16, &str)> =
        decoded.records.iter().map(|r| (r.offset, r.type_code, r.name)).collect();
    assert_eq!(offsets, [(4, 14, "serial_number"), (19, 16, "manufacturer"), (33, 17, "product_name")]);
    assert_eq!(decoded.checksum_offset, 51);
    assert_eq!(decoded.blob_length, 87);
    assert!(decoded.notes.is_empty());
}

#[test]
fn empty_text() {
    assert_eq!(hash::decode("").unwrap_err().to_string(), "empty hardware hash");
}

#[test]
fn invalid_character_is_named_with_its_position() {
    let mut text = STANDARD.encode(sample());
    text.replace_range(17..18, "%");
    assert_eq!(hash::decode(&text).unwrap_err().to_string(), "not base64: character '%' at position 17");
    text.replace_range(17..18, "é");
    assert_eq!(
        hash::decode(&text).unwrap_err(),
        HashError::InvalidCharacter { character: 'é', position: 17 }
    );
}

#[test]
fn whitespace_inside_is_not_base64() {
    let text = format!("{} ", STANDARD.encode(sample()));
    let len = text.len() - 1;
    assert_eq!(
        hash::decode(&text).unwrap_err(),
        HashError::InvalidCharacter { character: ' ', position: len }
    );
}

#[test]
fn padding_is_required() {
    let text = STANDARD.encode(b"OA\x05\x00ab"); // 6 bytes -> 8 chars, no padding needed
    assert!(!text.ends_with('='));
    let text = STANDARD.encode(blob(&[(14, b"AB\0")])); // 47 bytes -> ends with "="
    assert!(text.ends_with('='));
    let unpadded = text.trim_end_matches('=');
    assert_eq!(
        hash::decode(unpadded).unwrap_err().to_string(),
        format!(
            "not base64: length {} is not a multiple of 4 (the '=' padding at the end is missing or incomplete)",
            unpadded.len()
        )
    );
}

#[test]
fn padding_in_the_middle_is_named() {
    let mut text = STANDARD.encode(sample());
    text.replace_range(8..9, "=");
    assert_eq!(
        hash::decode(&text).unwrap_err().to_string(),
        "not base64: padding '=' at position 8 before the end"
    );
}

#[test]
fn too_long_text_is_refused_before_decoding() {
    let text = "A".repeat(hash::MAX_BASE64_LEN + 4);
    assert!(matches!(hash::decode(&text).unwrap_err(), HashError::TooLong { .. }));
}

#[test]
fn shorter_than_header() {
    assert_eq!(message(b"OA"), "blob is 2 bytes, shorter than its 4-byte header");
}

#[test]
fn bad_magic() {
    let mut blob = sample();
    blob[0] = b'X';
    assert_eq!(message(&blob), "bad magic at byte 0: expected \"OA\", found \"XA\"");
    blob[0] = 0;
    assert_eq!(message(&blob), "bad magic at byte 0: expected \"OA\", found 0x00 0x41");
}

#[test]
fn checksum_offset_inside_header() {
    let mut blob = sample();
    blob[2..4].copy_from_slice(&2u16.to_le_bytes());
    assert_eq!(message(&blob), "checksum record offset 2 (bytes 2-3) points inside the 4-byte header");
}

#[test]
fn truncated_hash_puts_checksum_offset_past_the_end() {
    let blob = sample();
    let truncated = &blob[..40];
    assert_eq!(error_of(truncated), HashError::ChecksumOffsetPastEnd { offset: 51, blob_length: 40 });
    assert_eq!(
        message(truncated),
        "checksum record offset 51 (bytes 2-3) is past the end of the 40-byte blob (truncated hash?)"
    );
}

#[test]
fn record_header_truncated_before_checksum() {
    // Records end 2 bytes before the declared checksum offset.
    let mut raw = b"OA\0\0".to_vec();
    raw.extend_from_slice(&[14, 0, 6, 0, b'A', 0]);
    raw.extend_from_slice(&[1, 0]);
    let blob = seal(raw);
    assert_eq!(
        message(&blob),
        "record header at byte 10 truncated: 2 of 4 bytes before the checksum record at byte 12"
    );
}

#[test]
fn record_length_smaller_than_its_header() {
    let mut raw = b"OA\0\0".to_vec();
    raw.extend_from_slice(&[14, 0, 2, 0]);
    let blob = seal(raw);
    assert_eq!(message(&blob), "record type 14 at byte 4 declares length 2, less than its 4-byte header");
}

#[test]
fn record_running_past_the_end_names_type_and_byte() {
    // A filler record fills bytes 4..812; a serial record at 812 claims 300 bytes of a 900-byte blob.
    let mut raw = b"OA".to_vec();
    raw.extend_from_slice(&900u16.to_le_bytes());
    raw.extend_from_slice(&29u16.to_le_bytes());
    raw.extend_from_slice(&808u16.to_le_bytes());
    raw.resize(812, 0xAB);
    raw.extend_from_slice(&14u16.to_le_bytes());
    raw.extend_from_slice(&300u16.to_le_bytes());
    raw.resize(900, b'7');
    assert_eq!(message(&raw), "record type 14 at byte 812 runs past the end");
    assert_eq!(
        error_of(&raw),
        HashError::RecordPastEnd { record_type: 14, offset: 812, length: 300, blob_length: 900 }
    );
}

#[test]
fn record_overlapping_the_checksum_record() {
    let mut blob = sample();
    // The model record at byte 33 claims 20 bytes: 33 + 20 = 53 > checksum at 51.
    blob[35..37].copy_from_slice(&20u16.to_le_bytes());
    assert_eq!(
        message(&blob),
        "record type 17 at byte 33 (length 20) overlaps the checksum record at byte 51"
    );
}

#[test]
fn checksum_header_truncated() {
    let blob = sample();
    assert_eq!(message(&blob[..53]), "checksum record truncated: 2 of 4 header bytes at byte 51");
}

#[test]
fn checksum_record_missing() {
    let mut blob = sample();
    blob[51..53].copy_from_slice(b"XX");
    assert_eq!(message(&blob), "checksum record missing: expected \"CS\" at byte 51, found \"XX\"");
}

#[test]
fn checksum_record_with_wrong_length() {
    let mut blob = sample();
    blob[53..55].copy_from_slice(&40u16.to_le_bytes());
    assert_eq!(message(&blob), "checksum record at byte 51 declares length 40, expected 36");
}

#[test]
fn checksum_truncated_by_one_byte() {
    let blob = sample();
    let truncated = &blob[..blob.len() - 1];
    assert_eq!(message(truncated), "checksum record truncated: 31 of 32 bytes");
    assert_eq!(error_of(truncated), HashError::ChecksumTruncated { offset: 51, available: 31 });
}

#[test]
fn bytes_after_the_checksum_record() {
    let mut blob = sample();
    blob.extend_from_slice(&[0, 0, 0]);
    assert_eq!(message(&blob), "3 unexpected bytes after the checksum record, from byte 87");
}

#[test]
fn checksum_mismatch_shows_both_digests() {
    let mut blob = sample();
    blob[5 + 4] ^= 1; // a character of the serial
    let computed: [u8; 32] = Sha256::digest(&blob[..51]).into();
    let HashError::ChecksumMismatch { offset, stored, computed: reported } = error_of(&blob) else {
        panic!("expected a checksum mismatch")
    };
    assert_eq!((offset, reported), (51, computed));
    assert_eq!(&stored[..], &blob[55..87]);
    let hex = |b: &[u8]| b.iter().map(|b| format!("{b:02x}")).collect::<String>();
    assert_eq!(
        message(&blob),
        format!(
            "checksum mismatch: the checksum record at byte 51 holds {}, but the SHA-256 of bytes 0..51 is {}",
            hex(&stored),
            hex(&computed)
        )
    );
}

#[test]
fn unknown_record_types_are_kept_not_errors() {
    let blob = blob(&[(99, &[1, 2, 3]), (27, b""), (14, b"X1\0")]);
    let decoded = hash::decode(&STANDARD.encode(&blob)).unwrap();
    let kinds: Vec<(u16, &str)> = decoded.records.iter().map(|r| (r.type_code, r.name)).collect();
    assert_eq!(kinds, [(99, "unknown"), (27, "unknown"), (14, "serial_number")]);
    assert_eq!(decoded.records[0].value, RecordValue::Bytes { hex: "010203".into() });
    assert_eq!(decoded.records[0].record_type(), RecordType::Unknown(99));
}

#[test]
fn every_spec_record_type_has_a_name_and_round_trips_its_code() {
    for record_type in RecordType::KNOWN {
        assert_ne!(record_type.name(), "unknown");
        assert_eq!(RecordType::from_code(record_type.code()), record_type);
    }
    let codes: Vec<u16> = RecordType::KNOWN.iter().map(|t| t.code()).collect();
    assert_eq!(codes, (1..=26).chain([28]).collect::<Vec<_>>());
    assert_eq!(RecordType::from_code(27), RecordType::Unknown(27));
}

#[test]
fn uuid_mac_and_memory_are_formatted() {
    let uuid: [u8; 16] = core::array::from_fn(|i| i as u8 * 17);
    let mut adapter = vec![0x3c, 0x21, 0x9c, 0x0a, 0xbb, 0xff];
    adapter.extend_from_slice(b"Intel(R) Wi-Fi\0");
    let blob =
        blob(&[(12, &uuid), (8, &adapter), (5, &(16u64 << 30).to_le_bytes()), (13, b"2.0, 0, 1.59\0")]);
    let decoded = hash::decode(&STANDARD.encode(&blob)).unwrap();
    assert_eq!(decoded.smbios_uuid.as_deref(), Some("00112233-4455-6677-8899-aabbccddeeff"));
    assert_eq!(decoded.mac_addresses, ["3c:21:9c:0a:bb:ff"]);
    assert_eq!(decoded.tpm_version.as_deref(), Some("2.0, 0, 1.59"));
    assert_eq!(
        decoded.records[1].value,
        RecordValue::NetworkAdapter {
            mac: "3c:21:9c:0a:bb:ff".into(),
            description: Some("Intel(R) Wi-Fi".into())
        }
    );
    assert_eq!(decoded.records[2].value, RecordValue::Integer { value: 17_179_869_184 });
    assert_eq!(hash::parse_uuid("00112233-4455-6677-8899-AABBCCDDEEFF"), Some(uuid));
}

#[test]
fn odd_strings_decode_leniently_with_notes() {
    let blob = blob(&[(14, b"ABC"), (16, b"Dell\xe9\0"), (17, b"M1\0junk"), (12, &[1, 2, 3])]);
    let decoded = hash::decode(&STANDARD.encode(&blob)).unwrap();
    assert_eq!(decoded.serial_number.as_deref(), Some("ABC"));
    assert_eq!(decoded.manufacturer.as_deref(), Some("Dell\u{FFFD}"));
    assert_eq!(decoded.model.as_deref(), Some("M1"));
    assert_eq!(decoded.smbios_uuid, None);
    let notes: Vec<String> = decoded.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            "record type 14 at byte 4: string is not NUL-terminated",
            "record type 16 at byte 11: string has bytes outside ASCII (shown as U+FFFD when not UTF-8)",
            "record type 17 at byte 21: 4 bytes after the terminating NUL ignored",
            "record type 12 at byte 32: UUID value has 3 bytes, expected 16",
        ]
    );
}

#[test]
fn decode_into_reuses_the_buffer_and_reads_identity_without_owning() {
    let mut buf = Vec::new();
    let text = STANDARD.encode(sample());
    let view = hash::decode_into(&text, &mut buf).unwrap();
    let identity = view.identity();
    assert_eq!(identity.serial_number.as_deref(), Some("0012345678"));
    assert!(matches!(identity.serial_number, Some(std::borrow::Cow::Borrowed(_))));
    let capacity = buf.capacity();
    hash::validate(&text, &mut buf).unwrap();
    assert_eq!(buf.capacity(), capacity);
}

#[test]
fn builder_output_parses_and_rejects_nul_in_text() {
    let mut builder = HashBuilder::new();
    builder.text(RecordType::SerialNumber, "S1").unwrap();
    assert!(builder.text(RecordType::Manufacturer, "a\0b").is_err());
    let blob = builder.finish().unwrap();
    let view = HashView::parse(&blob).unwrap();
    assert_eq!(view.records().count(), 1);
}

#[test]
fn decoded_hash_serializes_for_json_output() {
    let decoded = hash::decode(&STANDARD.encode(sample())).unwrap();
    let json = serde_json::to_value(&decoded).unwrap();
    assert_eq!(json["serial_number"], "0012345678");
    assert_eq!(json["records"][0]["type"], 14);
    assert_eq!(json["records"][0]["value"], serde_json::json!({"kind": "text", "text": "0012345678"}));
    let error = serde_json::to_value(HashError::ChecksumTruncated { offset: 50, available: 31 }).unwrap();
    assert_eq!(error, serde_json::json!({"kind": "checksum_truncated", "offset": 50, "available": 31}));
}

#[test]
fn text_cut_short_is_reported_as_truncated_not_as_padding() {
    let text = STANDARD.encode(sample()); // 87 bytes, 116 characters, header declares 51 + 36
    assert_eq!(
        hash::decode(&text[..61]).unwrap_err().to_string(),
        "hardware hash is truncated: its 61 characters hold 45 bytes, but its header declares 87"
    );
    // Not an Autopilot header: plain padding error.
    assert!(matches!(hash::decode("QUJDREVGR0"), Err(HashError::MissingPadding { length: 10 })));
}

#[test]
fn a_repeated_identity_record_keeps_the_first_and_notes_the_rest() {
    let blob = blob(&[(14, b"FIRST\0"), (14, b"SECOND\0")]);
    let decoded = hash::decode(&STANDARD.encode(&blob)).unwrap();
    assert_eq!(decoded.serial_number.as_deref(), Some("FIRST"));
    let notes: Vec<String> = decoded.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        ["record type 14 at byte 14: another serial_number record: ignored, the first one is used"]
    );
}

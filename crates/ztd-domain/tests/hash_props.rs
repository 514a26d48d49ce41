//! Property tests: encode → decode keeps every field; decoding never panics on any input.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use proptest::prelude::*;
use ztd_domain::hash::{self, format_mac, format_uuid, HashBuilder, HashFields, HashView, RecordType};
use ztd_domain::synth;

/// SMBIOS-like strings: printable ASCII, no NUL.
fn ascii() -> impl Strategy<Value = String> {
    "[ -~]{0,64}"
}

fn fields() -> impl Strategy<Value = HashFields> {
    (
        proptest::option::of(ascii()),
        proptest::option::of(ascii()),
        proptest::option::of(ascii()),
        proptest::option::of("[0-9]{13}"),
        proptest::option::of(any::<[u8; 16]>()),
        proptest::option::of(ascii()),
        proptest::collection::vec(any::<[u8; 6]>(), 0..4),
    )
        .prop_map(
            |(
                serial_number,
                manufacturer,
                model,
                product_key_id,
                smbios_uuid,
                tpm_version,
                mac_addresses,
            )| {
                HashFields {
                    serial_number,
                    manufacturer,
                    model,
                    product_key_id,
                    smbios_uuid,
                    tpm_version,
                    mac_addresses,
                }
            },
        )
}

proptest! {
    #[test]
    fn any_fields_survive_encode_then_decode(fields in fields()) {
        let text = hash::encode(&fields).unwrap();
        let decoded = hash::decode(&text).unwrap();
        prop_assert_eq!(decoded.serial_number, fields.serial_number);
        prop_assert_eq!(decoded.manufacturer, fields.manufacturer);
        prop_assert_eq!(decoded.model, fields.model);
        prop_assert_eq!(decoded.product_key_id, fields.product_key_id);
        prop_assert_eq!(decoded.smbios_uuid, fields.smbios_uuid.as_ref().map(format_uuid));
        prop_assert_eq!(decoded.tpm_version, fields.tpm_version);
        prop_assert_eq!(decoded.mac_addresses, fields.mac_addresses.iter().map(format_mac).collect::<Vec<_>>());
        prop_assert!(decoded.notes.is_empty());
    }

    #[test]
    fn any_records_survive_in_order(records in proptest::collection::vec((any::<u16>(), proptest::collection::vec(any::<u8>(), 0..300)), 0..20)) {
        let mut builder = HashBuilder::new();
        for (code, value) in &records {
            builder.record(RecordType::from_code(*code), value).unwrap();
        }
        let blob = builder.finish().unwrap();
        let view = HashView::parse(&blob).unwrap();
        let read: Vec<(u16, Vec<u8>)> = view.records().map(|r| (r.record_type.code(), r.value.to_vec())).collect();
        prop_assert_eq!(read, records);
    }

    #[test]
    fn generated_devices_survive_encode_then_decode(seed in any::<u64>(), index in 0u64..1_000) {
        let device = synth::device(seed, index);
        let decoded = hash::decode(&device.hardware_hash).unwrap();
        prop_assert_eq!(decoded.serial_number.as_deref(), Some(device.serial_number.as_str()));
        prop_assert_eq!(decoded.manufacturer.as_deref(), Some(device.manufacturer.as_str()));
        prop_assert_eq!(decoded.model.as_deref(), Some(device.model.as_str()));
        prop_assert_eq!(decoded.product_key_id, device.product_key_id.clone());
        let minimal = hash::decode(&hash::encode(&device.hash_fields()).unwrap()).unwrap();
        prop_assert_eq!(minimal.serial_number, Some(device.serial_number));
    }

    #[test]
    fn decode_never_panics_on_any_string(text in "\\PC{0,200}") {
        let _ = hash::decode(&text);
    }

    #[test]
    fn decode_never_panics_on_any_blob(blob in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = hash::decode(&STANDARD.encode(&blob));
        let _ = HashView::parse(&blob).map(|view| view.to_decoded());
    }

    /// Blobs that pass the magic and offset checks reach the record walk, the interesting part.
    #[test]
    fn decode_never_panics_on_structured_garbage(body in proptest::collection::vec(any::<u8>(), 0..400), offset in 0u16..500, tail in proptest::collection::vec(any::<u8>(), 0..40)) {
        let mut blob = b"OA".to_vec();
        blob.extend_from_slice(&offset.to_le_bytes());
        blob.extend_from_slice(&body);
        blob.extend_from_slice(b"CS\x24\x00");
        blob.extend_from_slice(&tail);
        match HashView::parse(&blob) {
            Ok(view) => { let _ = view.to_decoded(); }
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }

    #[test]
    fn any_single_byte_corruption_is_detected(index in 0usize..2_000, flip in 1u8..=255) {
        let device = synth::device(9, 0);
        let mut blob = STANDARD.decode(&device.hardware_hash).unwrap();
        let at = index % blob.len();
        blob[at] ^= flip;
        prop_assert!(hash::decode(&STANDARD.encode(&blob)).is_err());
    }
}

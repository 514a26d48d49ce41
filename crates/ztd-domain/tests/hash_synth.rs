//! Synthetic devices: deterministic, realistic, and their hashes decode to their fields.

use ztd_domain::device::DeviceInput;
use ztd_domain::hash::{self, format_mac, format_uuid};
use ztd_domain::synth;

#[test]
fn same_seed_same_devices_and_index_independent_of_count() {
    let a: Vec<_> = synth::generate(7, 20).collect();
    let b: Vec<_> = synth::generate(7, 5).collect();
    assert_eq!(a[..5], b[..]);
    let c: Vec<_> = synth::generate(8, 5).collect();
    assert_ne!(a[..5], c[..]);
}

#[test]
fn hashes_are_valid_realistic_and_carry_the_device_fields() {
    for device in synth::generate(42, 200) {
        let len = device.hardware_hash.len();
        assert!((3_800..=4_000).contains(&len), "hash of {len} characters");
        let decoded = hash::decode(&device.hardware_hash).expect("synthetic hash is valid");
        assert_eq!(decoded.serial_number.as_deref(), Some(device.serial_number.as_str()));
        assert_eq!(decoded.manufacturer.as_deref(), Some(device.manufacturer.as_str()));
        assert_eq!(decoded.model.as_deref(), Some(device.model.as_str()));
        assert_eq!(decoded.product_key_id, device.product_key_id);
        assert_eq!(decoded.smbios_uuid, Some(format_uuid(&device.smbios_uuid)));
        let macs: Vec<String> = device.mac_addresses.iter().map(format_mac).collect();
        assert_eq!(decoded.mac_addresses, macs);
        assert!(decoded.notes.is_empty(), "{:?}", decoded.notes);
        if let Some(pkid) = &device.product_key_id {
            assert!(pkid.len() == 13 && pkid.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}

#[test]
fn generated_devices_are_varied_and_some_serials_have_leading_zeros() {
    let devices: Vec<_> = synth::generate(1, 500).collect();
    let makers: std::collections::BTreeSet<_> = devices.iter().map(|d| d.manufacturer.as_str()).collect();
    assert!(makers.len() >= 5, "{makers:?}");
    assert!(devices.iter().any(|d| d.serial_number.starts_with("00")));
    let zeros = devices.iter().filter(|d| d.serial_number.starts_with('0')).count();
    assert!((25..250).contains(&zeros), "{zeros} serials with a leading zero");
    let with_pkid = devices.iter().filter(|d| d.product_key_id.is_some()).count();
    assert!((100..300).contains(&with_pkid), "{with_pkid} with a PKID");
    let serials: std::collections::HashSet<_> = devices.iter().map(|d| &d.serial_number).collect();
    assert_eq!(serials.len(), devices.len());
}

#[test]
fn generated_devices_resolve_cleanly() {
    for device in synth::generate(3, 100) {
        let input: DeviceInput = device.to_input(None);
        let resolved = input.resolve().expect("a synthetic device is a valid registration");
        assert!(resolved.tuple_key.is_some() && resolved.hash_key.is_some());
    }
}

#[test]
fn serials_and_pkids_are_unique_across_a_large_file() {
    let mut tuples = std::collections::HashSet::new();
    let mut pkids = std::collections::HashSet::new();
    for device in synth::generate(11, 10_000) {
        assert!(
            tuples.insert((device.manufacturer, device.serial_number.clone())),
            "{}",
            device.serial_number
        );
        if let Some(pkid) = device.product_key_id {
            assert!(pkids.insert(pkid));
        }
    }
}

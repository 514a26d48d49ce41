//! The JSON batch reader (`json_batch::parse`): the device list is capped while it is parsed,
//! the batch object keeps its field rules, and whatever arrives is answered without a panic.

use ztd_domain::json_batch::{self, JsonBatchError};

/// A reader that counts what the parser took from it.
struct Counting<R> {
    inner: R,
    read: std::rc::Rc<std::cell::Cell<usize>>,
}

impl<R: std::io::Read> std::io::Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n);
        Ok(n)
    }
}

#[test]
fn a_flood_of_empty_devices_stops_at_the_cap_without_reading_on() {
    // Three million `{}`: 9 MB that would be half a gigabyte of parsed rows.
    let body = format!("{{\"devices\":[{}{{}}]}}", "{},".repeat(3_000_000));
    let read = std::rc::Rc::new(std::cell::Cell::new(0));
    let reader = Counting { inner: body.as_bytes(), read: read.clone() };
    let error = json_batch::parse(std::io::BufReader::new(reader), 1_000).unwrap_err();
    assert_eq!(error, JsonBatchError::TooManyDevices { limit: 1_000 });
    // The parser stopped right after the 1,001st device, not at the end of the body.
    assert!(read.get() < 64 * 1024, "read {} of {} bytes", read.get(), body.len());
}

proptest::proptest! {
    /// Whatever bytes arrive, the reader answers without panicking, never with more devices
    /// than the cap, and an invalid body is named by line and column.
    #[test]
    fn any_body_is_answered_within_the_cap(
        body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512),
        devices in 0usize..6,
        cap in 1usize..4,
    ) {
        match json_batch::parse(body.as_slice(), cap) {
            Ok(batch) => proptest::prop_assert!(batch.devices.len() <= cap),
            Err(JsonBatchError::Invalid { line, column, .. }) => proptest::prop_assert!(line >= 1 && column <= body.len()),
            Err(JsonBatchError::TooManyDevices { limit }) => proptest::prop_assert_eq!(limit, cap),
        }
        let list = vec![r#"{"serial_number":"S"}"#; devices].join(",");
        let text = format!(r#"{{"devices":[{list}]}}"#);
        match json_batch::parse(text.as_bytes(), cap) {
            Ok(batch) => proptest::prop_assert!(batch.devices.len() <= cap && devices <= cap),
            Err(JsonBatchError::TooManyDevices { limit }) => proptest::prop_assert!(limit == cap && devices > cap),
            Err(other) => proptest::prop_assert!(false, "{other:?}"),
        }
    }
}

#[test]
fn the_batch_object_keeps_its_field_rules() {
    let parse = |text: &str| json_batch::parse(text.as_bytes(), 10);
    let batch = parse(r#"{"group_tag": null, "devices": [{"serial_number": "S1"}]}"#).unwrap();
    assert_eq!(batch.group_tag, None);
    assert_eq!(batch.devices.len(), 1);
    let batch = parse(r#"{"devices": [], "allow_unknown_tags": true, "group_tag": "T_"}"#).unwrap();
    assert_eq!((batch.group_tag.as_deref(), batch.allow_unknown_tags), (Some("T_"), Some(true)));
    for (text, expected, at) in [
        (r#"{"devices": [], "nmae": 1}"#, "unknown field `nmae`", (1, 23)),
        (r#"{"group_tag": "T_"}"#, "missing field `devices`", (1, 19)),
        (r#"{"devices": [], "devices": []}"#, "duplicate field `devices`", (1, 26)),
        ("{\"devices\": [\n  {\"serial\": \"S1\"}]}", "unknown field `serial`", (2, 12)),
        (r#"{"devices": []} trailing"#, "trailing characters", (1, 17)),
        (r#"["T_", []]"#, "a JSON batch object", (1, 1)),
    ] {
        match parse(text) {
            Err(JsonBatchError::Invalid { message, line, column }) => {
                assert!(message.contains(expected), "{text}: {message}");
                assert_eq!((line, column), at, "{text}: {message}");
                assert!(message.ends_with(&format!("at line {line} column {column}")), "{message}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

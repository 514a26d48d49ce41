//! The CSV reader, checker and repairs must never panic, whatever the bytes.
//!
//! Each input is read as a whole file (encoding sniffing, UTF-16 decoding, header detection,
//! every row rule, duplicate detection) and through `fix`, whose output must then read back
//! without panicking either. A second pass puts a valid Partner Center header in front, so
//! the fuzzer spends its time in the row rules rather than on header rejection.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ztd_domain::csv::{self, CsvReader, FixOptions, ReadOptions};

const HEADER: &[u8] = b"Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model\r\n";

fuzz_target!(|data: &[u8]| {
    run(data);
    run(&[HEADER, data].concat());
});

fn run(data: &[u8]) {
    let options = ReadOptions { row_limit: 1_000 };
    let _ = csv::check(data, options);
    if let Ok(reader) = CsvReader::new(data, options) {
        for row in reader {
            let _ = row;
        }
    }
    let mut fixed = Vec::new();
    if csv::fix(data, &mut fixed, FixOptions { read: options, serial_from_hash: true }).is_ok() {
        let _ = csv::check(&fixed[..], options);
    }
}

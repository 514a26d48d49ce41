//! CSV bodies of synthetic devices, written by the domain's own `CsvWriter` (canonical header,
//! CRLF), never by hand. Shared by the test helpers of this crate (`batches_support`) and of
//! the `ztd` binary (`crates/ztd/tests/server_process`, included there by path).

use ztd_domain::csv::{CsvWriter, Format, Layout};
use ztd_domain::device::DeviceInput;
use ztd_domain::synth::SyntheticDevice;

/// A Partner Center CSV of `devices`, every column filled.
pub fn partner_center_csv(devices: &[SyntheticDevice]) -> String {
    let rows: Vec<DeviceInput> = devices.iter().map(|device| device.to_input(None)).collect();
    csv_text(Layout::full(Format::PartnerCenter), &rows)
}

/// An Autopilot/Intune CSV with a Group Tag column: one line per `(device, tag)`.
pub fn intune_csv(rows: &[(&SyntheticDevice, &str)]) -> String {
    let rows: Vec<DeviceInput> = rows.iter().map(|(device, tag)| device.to_input(Some(tag))).collect();
    csv_text(Layout::intune(true, false), &rows)
}

/// `rows` in `layout`, as `ztd_domain::csv::CsvWriter` writes them.
pub fn csv_text(layout: Layout, rows: &[DeviceInput]) -> String {
    let mut writer = CsvWriter::new(Vec::new(), layout).expect("write the header");
    for row in rows {
        writer.write_device(row).expect("a writable row");
    }
    String::from_utf8(writer.finish().expect("flush")).expect("ASCII CSV")
}

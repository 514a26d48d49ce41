//! Writing device CSVs exactly as the portals want them: the canonical header, values as
//! plain text, CRLF line endings.

use std::io::{self, Write};

use super::format::{Column, Layout};
use crate::device::DeviceInput;

/// A value that cannot be written into these formats.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error(
        "{column:?} value {value:?} contains {what}, which these CSV formats cannot hold (they have no quoting)"
    )]
    Unwritable { column: Column, value: String, what: &'static str },
}

/// Writes a header and rows of one layout. Rows end in CRLF, as Windows tools write them.
pub struct CsvWriter<W: Write> {
    out: W,
    layout: Layout,
    rows: u64,
    line: String,
}

impl<W: Write> CsvWriter<W> {
    /// Writes the layout's header line.
    pub fn new(mut out: W, layout: Layout) -> io::Result<Self> {
        out.write_all(layout.header_line().as_bytes())?;
        out.write_all(b"\r\n")?;
        Ok(Self { out, layout, rows: 0, line: String::new() })
    }

    /// Writes rows only: for a body streamed in parts, whose header went out first.
    pub fn rows_only(out: W, layout: Layout) -> Self {
        Self { out, layout, rows: 0, line: String::new() }
    }

    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Writes one device; columns the layout lacks are left out.
    pub fn write_device(&mut self, device: &DeviceInput) -> Result<(), WriteError> {
        self.write_row(|column| {
            match column {
                Column::SerialNumber => &device.serial_number,
                Column::ProductKeyId => &device.product_key_id,
                Column::HardwareHash => &device.hardware_hash,
                Column::Manufacturer => &device.manufacturer,
                Column::Model => &device.model,
                Column::GroupTag => &device.group_tag,
                Column::AssignedUser => &device.assigned_user,
            }
            .as_deref()
        })
    }

    /// Writes one row with the value of each column of the layout (`None`: empty).
    pub fn write_row<'v>(&mut self, value: impl Fn(Column) -> Option<&'v str>) -> Result<(), WriteError> {
        self.line.clear();
        for (index, &column) in self.layout.columns().iter().enumerate() {
            if index > 0 {
                self.line.push(',');
            }
            let text = value(column).unwrap_or("");
            if let Some(what) = unwritable(text) {
                return Err(WriteError::Unwritable { column, value: text.to_owned(), what });
            }
            // A hash is base64 and may start with `+`; nothing else written may run as a formula.
            if column != Column::HardwareHash && crate::device::formula_lead(text).is_some() {
                let what = "a leading =, +, - or @ (a spreadsheet would run it as a formula)";
                return Err(WriteError::Unwritable { column, value: text.to_owned(), what });
            }
            self.line.push_str(text);
        }
        self.line.push_str("\r\n");
        write_text(&mut self.out, &self.line)?;
        self.rows += 1;
        Ok(())
    }

    /// Writes a line as is (plus CRLF): for rows `fix` could not make sense of.
    pub(crate) fn write_raw_line(&mut self, text: &str) -> io::Result<()> {
        write_text(&mut self.out, text)?;
        self.out.write_all(b"\r\n")?;
        self.rows += 1;
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Writes text as ASCII, or as Windows-1252 ("ANSI", what the portals read) when a free-text
/// value (group tag, assigned user) holds a letter outside ASCII. Never UTF-8 or UTF-16.
/// A line with a character Windows-1252 lacks stays UTF-8, so checking the output names the
/// character instead of meeting a substitute.
fn write_text(out: &mut impl Write, text: &str) -> io::Result<()> {
    if text.is_ascii() || !text.chars().all(encodable) {
        return out.write_all(text.as_bytes());
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    out.write_all(&bytes)
}

/// Why a value cannot go into a cell, if it cannot.
pub(crate) fn unwritable(value: &str) -> Option<&'static str> {
    if let Some(what) = unwritable_in_csv(value) {
        Some(what)
    } else if !value.chars().all(encodable) {
        Some("a character that Windows-1252 (ANSI) cannot encode")
    } else {
        None
    }
}

/// What of `value` no device CSV format can hold, whatever its encoding: they have no quoting.
pub fn unwritable_in_csv(value: &str) -> Option<&'static str> {
    if value.contains(',') {
        Some("a comma")
    } else if value.contains('"') {
        Some("a quote character")
    } else if value.contains(['\r', '\n']) {
        Some("a line break")
    } else {
        None
    }
}

/// Characters that Windows-1252 can encode (encoding_rs would otherwise write `&#NNNN;`).
pub(crate) fn encodable(c: char) -> bool {
    if c.is_ascii() {
        return true;
    }
    let mut utf8 = [0; 4];
    let (_, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut utf8));
    !unmappable
}

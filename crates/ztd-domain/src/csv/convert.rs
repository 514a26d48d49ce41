//! `ztd csv convert` and `ztd csv split`.

use std::io::{self, Read, Write};

use super::diagnostic::{Code, Diagnostic};
use super::format::{Column, Format, Layout};
use super::reader::{CsvReader, FileError, RawLine, ReadOptions};
use super::text::decode_line;
use super::write::CsvWriter;
use crate::device::DeviceInput;

/// What to convert to.
#[derive(Debug, Clone, Default)]
pub struct ConvertOptions {
    pub read: ReadOptions,
    /// Group tag for rows that have none. Converting to Intune with a tag adds the Group
    /// Tag column.
    pub group_tag: Option<String>,
}

/// The outcome of a conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertReport {
    pub from: Format,
    pub to: Layout,
    pub rows_written: u64,
    /// Why each row that was not converted was not (its problems, or what the target format
    /// needs that the row and its hash lack).
    pub not_converted: Vec<Diagnostic>,
    /// Values the target format has no column for, as `(column name, rows that had one)`.
    pub dropped: Vec<(&'static str, u64)>,
    /// Problems of the input as a whole (encoding, a near-miss header) that did not stop the
    /// conversion: the output is written right regardless.
    pub input_problems: Vec<Diagnostic>,
}

/// Converts a device CSV of any format into `to`. Rows with problems are not converted
/// (check and fix the input first); values the target needs (manufacturer, model, serial)
/// are taken from the row's hardware hash when the row lacks them.
pub fn convert<R: Read, W: Write>(
    input: R,
    output: W,
    to: Format,
    options: &ConvertOptions,
) -> Result<ConvertReport, FileError> {
    let reader = CsvReader::new(input, options.read)?;
    let source = reader.layout();
    let layout = match to {
        Format::Intune => Layout::intune(
            source.has(Column::GroupTag) || options.group_tag.is_some(),
            source.has(Column::AssignedUser),
        ),
        other => Layout::full(other),
    };
    let input_problems = reader.file_diagnostics().to_vec();
    let mut not_converted: Vec<Diagnostic> = Vec::new();
    let mut dropped: Vec<(&'static str, u64)> = Vec::new();
    let mut writer = CsvWriter::new(output, layout)?;
    let mut blob = Vec::new();
    let mut reader = reader;
    for row in &mut reader {
        let row = row?;
        let mut device = match row.result {
            Ok(device) => device,
            Err(problems) => {
                not_converted.extend(problems);
                continue;
            }
        };
        if device.group_tag.is_none() {
            device.group_tag.clone_from(&options.group_tag);
        }
        if let Err(missing) = fill_from_hash(&mut device, layout, &mut blob) {
            not_converted.push(Diagnostic::new(
                row.line,
                1,
                Code::InvalidDeviceField,
                format!(
                    "not converted: the {} format needs {missing}, and neither the row nor its hardware hash has it",
                    to.title()
                ),
                format!("add the {missing} to the row, or convert to a format without that column"),
            )
            .with("kind", "not-converted")
            .with("format", to.title())
            .with("missing", missing.to_string()));
            continue;
        }
        for column in [
            Column::ProductKeyId,
            Column::GroupTag,
            Column::AssignedUser,
            Column::Manufacturer,
            Column::Model,
        ] {
            if !layout.has(column) && value(&device, column).is_some() {
                let name = source.format.column_name(column).unwrap_or("value");
                match dropped.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, count)) => *count += 1,
                    None => dropped.push((name, 1)),
                }
            }
        }
        if let Err(error) = writer.write_device(&device) {
            not_converted.push(
                Diagnostic::new(
                    row.line,
                    1,
                    Code::InvalidDeviceField,
                    format!("not converted: {error}"),
                    "correct the value",
                )
                .with("kind", "not-written")
                .with("detail", error.to_string()),
            );
        }
    }
    not_converted.extend(reader.end_diagnostics());
    let rows_written = writer.rows();
    writer.finish()?;
    Ok(ConvertReport {
        from: source.format,
        to: layout,
        rows_written,
        not_converted,
        dropped,
        input_problems,
    })
}

fn value(device: &DeviceInput, column: Column) -> Option<&str> {
    match column {
        Column::SerialNumber => device.serial_number.as_deref(),
        Column::ProductKeyId => device.product_key_id.as_deref(),
        Column::HardwareHash => device.hardware_hash.as_deref(),
        Column::Manufacturer => device.manufacturer.as_deref(),
        Column::Model => device.model.as_deref(),
        Column::GroupTag => device.group_tag.as_deref(),
        Column::AssignedUser => device.assigned_user.as_deref(),
    }
}

/// Fills manufacturer, model and serial from the hash where the target layout has the
/// column and the row has no value. Errs with what is still missing that the target needs.
fn fill_from_hash(device: &mut DeviceInput, layout: Layout, blob: &mut Vec<u8>) -> Result<(), &'static str> {
    let needs = |column: Column| layout.has(column) && layout.format != Format::Intune;
    let wanted = [Column::Manufacturer, Column::Model, Column::SerialNumber]
        .into_iter()
        .filter(|&column| needs(column) && value(device, column).is_none())
        .collect::<Vec<_>>();
    if wanted.is_empty() {
        return Ok(());
    }
    if let Some(view) =
        device.hardware_hash.as_deref().and_then(|text| crate::hash::decode_into(text, blob).ok())
    {
        let identity = view.identity();
        let from_hash =
            |v: Option<std::borrow::Cow<'_, str>>| v.filter(|v| !v.is_empty()).map(|v| v.into_owned());
        if device.manufacturer.is_none() {
            device.manufacturer = from_hash(identity.manufacturer.clone());
        }
        if device.model.is_none() {
            device.model = from_hash(identity.model.clone());
        }
        if device.serial_number.is_none() && needs(Column::SerialNumber) {
            device.serial_number = from_hash(identity.serial_number.clone());
        }
    }
    // Partner Center accepts a row without serial (the hash or PKID identifies it); it does
    // need manufacturer and model, as does MMD, which also needs the serial.
    for column in wanted {
        if value(device, column).is_none() && (column != Column::SerialNumber || layout.format == Format::Mmd)
        {
            return Err(match column {
                Column::Manufacturer => "a manufacturer",
                Column::Model => "a model",
                _ => "a serial number",
            });
        }
    }
    Ok(())
}

/// One file `split` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// 1-based.
    pub index: usize,
    pub rows: u64,
}

/// Splits a file into chunks of at most `rows_per_chunk` rows, each with the file's header
/// line. `create(index)` opens chunk `index` (1-based). Rows are copied as they are (only
/// decoded to ASCII/ANSI and ended with CRLF); blank lines are dropped. No row is checked:
/// run `check` on the input first.
pub fn split<R: Read, W: Write>(
    input: R,
    rows_per_chunk: u64,
    mut create: impl FnMut(usize) -> io::Result<W>,
) -> Result<(Format, Vec<Chunk>), FileError> {
    let rows_per_chunk = rows_per_chunk.max(1);
    let mut reader = CsvReader::new(input, ReadOptions { row_limit: u64::MAX })?;
    let format = reader.format();
    let header = reader.header_text().to_owned();
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut current: Option<W> = None;
    while let Some(raw) = reader.next_raw()? {
        let RawLine::Row { bytes, .. } = raw else { continue };
        let out = match &mut current {
            Some(out) if chunks.last().is_some_and(|c| c.rows < rows_per_chunk) => out,
            slot => {
                if let Some(mut full) = slot.take() {
                    full.flush()?;
                }
                let mut out = create(chunks.len() + 1)?;
                write_line(&mut out, &header)?;
                chunks.push(Chunk { index: chunks.len() + 1, rows: 0 });
                slot.insert(out)
            }
        };
        write_line(out, &decode_line(bytes).0)?;
        if let Some(chunk) = chunks.last_mut() {
            chunk.rows += 1;
        }
    }
    if let Some(mut out) = current {
        out.flush()?;
    }
    Ok((format, chunks))
}

fn write_line(out: &mut impl Write, text: &str) -> io::Result<()> {
    if text.is_ascii() || !text.chars().all(super::write::encodable) {
        out.write_all(text.as_bytes())?;
    } else {
        out.write_all(&encoding_rs::WINDOWS_1252.encode(text).0)?;
    }
    out.write_all(b"\r\n")
}

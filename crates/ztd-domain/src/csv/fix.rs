//! `ztd csv fix`: rewrite a file with every safe repair applied, and say what changed.
//!
//! Safe means no value is guessed: encoding → ASCII (Windows-1252 for a non-ASCII letter in a
//! group tag or assigned user), quotes removed, spaces, tabs and invisible characters around
//! and inside values removed (a no-break or typographic space inside a value becomes a
//! space), line endings → CRLF, blank lines removed, the header written exactly (case,
//! spelling, order; the row values move with their columns), trailing empty columns dropped,
//! a missing column added empty. A serial a spreadsheet damaged is replaced by the hash's
//! serial only when asked (`serial_from_hash`), and semicolons between values become commas (a
//! value holding a comma in such a file is left as it is, and checking the output names it).
//! Everything else (invalid hashes, identity
//! mismatches, non-ASCII serials, rows with a comma inside a value) is left as is; checking
//! the output lists it.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use serde::Serialize;

use super::diagnostic::{is_invisible, Code, Diagnostic};
use super::format::{Column, Format, Layout};
use super::reader::{CsvReader, FileError, RawLine, ReadOptions};
use super::source::{Ending, TextEncoding};
use super::text::{decode_line, show_value};
use super::write::CsvWriter;
use crate::device::spreadsheet_serial_damage;

/// What `fix` may do beyond the always-safe repairs.
#[derive(Debug, Clone, Copy, Default)]
pub struct FixOptions {
    pub read: ReadOptions,
    /// Replace a serial a spreadsheet damaged (`1.23457E+11`, lost leading zeros) with the
    /// serial the row's hardware hash carries.
    pub serial_from_hash: bool,
}

/// One repair, at the input line it was made on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub line: u64,
    /// The rule the repair satisfies (`None`: a normalisation no rule requires, such as
    /// CRLF line endings).
    pub code: Option<Code>,
    pub description: String,
}

/// The outcome of a fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixReport {
    pub format: Format,
    /// The header written.
    pub layout: Layout,
    pub changes: Vec<Change>,
    /// Problems `fix` knows it left or caused and that checking the output cannot show
    /// (values of a dropped column, rows past the row limit).
    pub warnings: Vec<Diagnostic>,
    pub rows_written: u64,
}

/// Reads `input`, writes the repaired file to `output`.
pub fn fix<R: Read, W: Write>(input: R, output: W, options: FixOptions) -> Result<FixReport, FileError> {
    let mut reader = CsvReader::new(input, options.read)?;
    let header = reader.header().clone();
    let layout = header.layout;
    let format = layout.format;
    let header_line = reader.header_line();
    let mut changes = Vec::new();
    let mut warnings = Vec::new();

    match reader.encoding() {
        TextEncoding::Ascii => {}
        encoding => changes.push(Change {
            line: 1,
            code: Some(if encoding == TextEncoding::Utf8Bom { Code::Utf8Bom } else { Code::Utf16Encoding }),
            description: format!("converted the text from {} to ASCII", encoding_name(encoding)),
        }),
    }
    for diagnostic in reader.file_diagnostics() {
        let description = match diagnostic.code {
            Code::Utf16Encoding | Code::Utf8Bom => continue,
            Code::BlankLine => "removed the blank lines above the header".to_owned(),
            Code::SemicolonSeparated => "replaced the semicolons between the values with commas".to_owned(),
            Code::SeparatorLine => "removed Excel's `sep=` line above the header".to_owned(),
            Code::MissingColumn => format!("{} — added it, empty in every row", diagnostic.message),
            Code::ExtraColumn | Code::RepeatedColumn => continue,
            _ => format!("header: {}", diagnostic.message),
        };
        changes.push(Change { line: diagnostic.line, code: Some(diagnostic.code), description });
    }
    // Columns left out of the output, with how many rows had a value there.
    let mut dropped: BTreeMap<usize, u64> =
        header.positions.iter().enumerate().filter(|(_, c)| c.is_none()).map(|(i, _)| (i, 0)).collect();

    let semicolons = reader.semicolon_separated();
    let mut writer = CsvWriter::new(output, layout)?;
    let mut lf_lines = 0u64;
    while let Some(raw) = reader.next_raw()? {
        let (info, bytes) = match raw {
            RawLine::Blank(diagnostic) => {
                changes.push(Change {
                    line: diagnostic.line,
                    code: Some(Code::BlankLine),
                    description: diagnostic.message.replace(": empty lines", ", removed: empty lines"),
                });
                continue;
            }
            RawLine::LimitExceeded(diagnostic) => {
                warnings.push(diagnostic);
                break;
            }
            RawLine::Row { info, bytes, .. } => (info, bytes),
        };
        // In a semicolon-separated file a comma belongs to its value (the reader shows it as a
        // semicolon); no device value may hold one, and guessing where it should go would change
        // the value: the line is left for a person.
        let comma_at = if semicolons { bytes.iter().position(|&b| b == b';') } else { None };
        if info.ending == Ending::Lf {
            lf_lines += 1;
        }
        let line = info.number;
        let (text, _) = decode_line(bytes);
        let mut fields = split_fields(&text);
        if semicolons {
            // The comma a value held (a decimal comma, `1,23457E+11`), back in the value.
            for field in &mut fields {
                if field.text.contains(';') {
                    field.text = field.text.replace(';', ",");
                }
            }
        }
        if fields.len() > header.physical_len
            && fields[header.physical_len..].iter().all(|f| f.text.trim().is_empty())
        {
            fields.truncate(header.physical_len);
            changes.push(Change {
                line,
                code: Some(Code::TrailingEmptyColumns),
                description: "removed the trailing empty columns".to_owned(),
            });
        }
        if !(header.named_len..=header.physical_len).contains(&fields.len()) || info.too_long {
            // Which comma is wrong is a guess: leave the row for the user.
            writer.write_raw_line(&text)?;
            continue;
        }

        let mut values: [Option<String>; 7] = Default::default();
        for (index, field) in fields.into_iter().enumerate() {
            let Some(column) = header.positions[index] else {
                if !field.text.trim().is_empty() {
                    *dropped.entry(index).or_default() += 1;
                }
                continue;
            };
            let label = format.column_name(column).unwrap_or_default();
            let cleaned = clean(&field.text, field.quoted);
            for (code, what) in cleaned.repairs {
                changes.push(Change { line, code: Some(code), description: format!("{label}: {what}") });
            }
            values[slot(column)] = Some(cleaned.value);
        }

        if options.serial_from_hash {
            if let (Some(serial), Some(hash_text)) =
                (values[slot(Column::SerialNumber)].as_deref(), values[slot(Column::HardwareHash)].as_deref())
            {
                if let Some(better) = serial_from_hash(serial, hash_text) {
                    changes.push(Change {
                        line,
                        code: Some(Code::SpreadsheetSerial),
                        description: format!(
                            "{}: replaced {} (saved from a spreadsheet) with the hardware hash's serial `{better}`",
                            format.column_name(Column::SerialNumber).unwrap_or_default(),
                            show_value(serial)
                        ),
                    });
                    values[slot(Column::SerialNumber)] = Some(better);
                }
            }
        }

        if let Some(at) = comma_at.filter(|_| values.iter().flatten().any(|value| value.contains(','))) {
            warnings.push(
                Diagnostic::new(
                    info.number,
                    u64::try_from(at + 1).unwrap_or(u64::MAX),
                    Code::SemicolonSeparated,
                    "a value on this line holds a comma, which a device CSV value cannot: it was \
                     written unchanged, with a semicolon where the comma was",
                    "correct the value by hand (a serial number or model never holds a comma), then check the file again",
                )
                .with("kind", "comma-in-value"),
            );
        }
        if writer.write_row(|column| values[slot(column)].as_deref()).is_err() {
            writer.write_raw_line(&text)?;
        }
    }
    if lf_lines > 0 {
        changes.push(Change {
            line: header_line,
            code: None,
            description: format!("line endings: {lf_lines} lines ended in LF, all lines now end in CRLF"),
        });
    }
    for (index, rows) in dropped {
        let name = index + 1;
        if rows == 0 {
            changes.push(Change {
                line: header_line,
                code: Some(Code::ExtraColumn),
                description: format!("removed column {name}, which is not part of the format and was empty"),
            });
        } else {
            warnings.push(Diagnostic::new(
                header_line,
                1,
                Code::ExtraColumn,
                format!(
                    "column {name} is not part of the {} format (or repeats another) and {rows} rows had a value in it; \
                     it was left out of the output",
                    format.title()
                ),
                "check that those values are not needed, or move them into the right column",
            )
            .with("kind", "dropped-values")
            .with("field", name)
            .with("count", rows)
            .with("format", format.title()));
        }
    }
    let rows_written = writer.rows();
    writer.finish()?;
    Ok(FixReport { format, layout, changes, warnings, rows_written })
}

fn encoding_name(encoding: TextEncoding) -> &'static str {
    match encoding {
        TextEncoding::Ascii => "ASCII",
        TextEncoding::Utf8Bom => "UTF-8 with byte-order mark",
        TextEncoding::Utf16Le { .. } => "UTF-16 little-endian",
        TextEncoding::Utf16Be { .. } => "UTF-16 big-endian",
    }
}

fn slot(column: Column) -> usize {
    column as usize
}

/// The hash's serial when `serial` is a spreadsheet-damaged version of it.
fn serial_from_hash(serial: &str, hash_text: &str) -> Option<String> {
    let mut blob = Vec::new();
    let view = crate::hash::decode_into(hash_text, &mut blob).ok()?;
    let hash_serial = view.identity().serial_number?;
    spreadsheet_serial_damage(serial, Some(&hash_serial))?.suggested_serial
}

struct Field {
    text: String,
    quoted: bool,
}

/// Splits a line the way a spreadsheet wrote it: commas inside double quotes do not split,
/// `""` inside quotes is a quote. (The checker splits on every comma, as the portals do; `fix`
/// reads what the spreadsheet meant so it can remove the quotes.)
fn split_fields(text: &str) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if in_quotes && chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            '"' => {
                in_quotes = !in_quotes;
                quoted = true;
            }
            ',' if !in_quotes => {
                fields.push(Field { text: std::mem::take(&mut current), quoted });
                quoted = false;
            }
            c => current.push(c),
        }
    }
    fields.push(Field { text: current, quoted });
    fields
}

struct Cleaned {
    value: String,
    repairs: Vec<(Code, String)>,
}

/// Applies the safe character repairs to one value.
fn clean(text: &str, quoted: bool) -> Cleaned {
    let mut repairs = Vec::new();
    if quoted {
        repairs.push((Code::QuoteCharacter, "removed the quote characters".to_owned()));
    }
    let mut value = String::with_capacity(text.len());
    let mut invisible: Option<char> = None;
    let mut tab = false;
    let mut control: Option<char> = None;
    for c in text.chars() {
        match c {
            '\t' => {
                tab = true;
                value.push(' ');
            }
            // Spaces that look like spaces become spaces; the rest of the invisible ones go.
            '\u{A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => {
                invisible.get_or_insert(c);
                value.push(' ');
            }
            c if is_invisible(c) => {
                invisible.get_or_insert(c);
            }
            c if c.is_control() => {
                control.get_or_insert(c);
            }
            c => value.push(c),
        }
    }
    if tab {
        repairs.push((Code::TabCharacter, "removed tab characters".to_owned()));
    }
    if let Some(c) = invisible {
        repairs.push((
            Code::InvisibleCharacter,
            format!("removed invisible characters (first: {})", super::diagnostic::describe_char(c)),
        ));
    }
    if let Some(c) = control {
        repairs.push((
            Code::ControlCharacter,
            format!("removed control characters (first: {})", super::diagnostic::describe_char(c)),
        ));
    }
    let trimmed = value.trim_matches(' ');
    if trimmed.len() != value.len() {
        repairs.push((
            Code::LeadingTrailingWhitespace,
            format!("trimmed spaces around {}", show_value(trimmed)),
        ));
        value = trimmed.to_owned();
    }
    Cleaned { value, repairs }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_fields_understands_spreadsheet_quoting() {
        let fields = split_fields(r#""a,b",c,"say ""hi""",,"x""#);
        let texts: Vec<(&str, bool)> = fields.iter().map(|f| (f.text.as_str(), f.quoted)).collect();
        assert_eq!(texts, vec![("a,b", true), ("c", false), ("say \"hi\"", true), ("", false), ("x", true)]);
    }

    #[test]
    fn clean_turns_lookalike_spaces_into_spaces_and_drops_zero_width() {
        let cleaned = clean("\u{A0}Dell\u{A0}Inc.\u{200B}\t", false);
        assert_eq!(cleaned.value, "Dell Inc.");
        let codes: Vec<Code> = cleaned.repairs.iter().map(|(code, _)| *code).collect();
        assert_eq!(
            codes,
            vec![Code::TabCharacter, Code::InvisibleCharacter, Code::LeadingTrailingWhitespace]
        );
    }
}

//! The streaming row API: [`CsvReader`] turns a CSV body into numbered rows, each a
//! [`DeviceInput`] or the diagnostics that explain why not.

use std::borrow::Cow;
use std::io::{self, Read};
use std::ops::Range;

use super::diagnostic::{Code, Diagnostic};
use super::format::{Column, Format, Layout};
use super::header::{self, HeaderMap};
use super::source::{self, LineInfo, Lines, SourceError, TextEncoding, MAX_LINE_LEN};
use super::text::{
    char_column, check_cell, check_spaces, decode_line, is_plain_line, merge_quote_diagnostics, Cell,
    CellKind, LineText,
};
use super::values::{check_values, HashFacts, RowValues, ValueScratch};
use crate::device::DeviceInput;

/// Limits of one read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Most device rows read; the first row past it yields `row_limit_exceeded` and ends
    /// the read (docs/domain.md#registration: configurable, default 1,000,000).
    pub row_limit: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self { row_limit: 1_000_000 }
    }
}

/// Why a CSV body cannot be read as device rows at all.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read the CSV: {0}")]
    Io(#[from] io::Error),
    /// Empty or binary input, or a header that matches no format. `diagnostics` holds the
    /// reason (and, for a bad header, every character problem of the header line).
    #[error("{}", .diagnostics.first().map(|d| d.message.as_str()).unwrap_or("not a device CSV"))]
    Rejected { diagnostics: Vec<Diagnostic> },
}

impl FileError {
    /// True for input that is not a text file at all (empty, binary): CLI exit code 2.
    pub fn is_unusable_input(&self) -> bool {
        match self {
            FileError::Io(_) => true,
            FileError::Rejected { diagnostics } => diagnostics.iter().any(|d| d.code.is_unusable_input()),
        }
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            FileError::Io(_) => &[],
            FileError::Rejected { diagnostics } => diagnostics,
        }
    }
}

impl From<SourceError> for FileError {
    fn from(error: SourceError) -> Self {
        match error {
            SourceError::Io(e) => FileError::Io(e),
            SourceError::Unusable(diagnostic) => FileError::Rejected { diagnostics: vec![*diagnostic] },
        }
    }
}

/// One line of the body after the header: a device, or why it is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based physical line number (the header is line 1 unless blank lines precede it).
    pub line: u64,
    /// The device exactly as given (values are only passed on when the row has no problem),
    /// or every problem of the line. A run of blank lines in the middle of the file is one
    /// `Err` row with a `blank_line` diagnostic.
    pub result: Result<DeviceInput, Vec<Diagnostic>>,
}

/// Streams device rows out of a CSV body in constant memory.
///
/// ```
/// use ztd_domain::csv::{CsvReader, Format, ReadOptions};
///
/// let body = "Device Serial Number,Windows Product ID,Hardware Hash\r\n,1234567890123,\r\n";
/// let mut reader = CsvReader::new(body.as_bytes(), ReadOptions::default()).unwrap();
/// assert_eq!(reader.format(), Format::Intune);
/// assert!(reader.file_diagnostics().is_empty());
/// let row = reader.next().unwrap().unwrap();
/// assert_eq!(row.line, 2);
/// assert_eq!(row.result.unwrap().product_key_id.as_deref(), Some("1234567890123"));
/// ```
///
/// File-level problems are split in two: [`CsvReader::new`] fails with [`FileError`] when
/// the body cannot be read as rows at all (empty, binary, unknown header); problems that do
/// not prevent reading rows (UTF-16 or BOM encoding, a near-miss header whose columns could
/// be mapped) are in [`CsvReader::file_diagnostics`], and the rows are still read (a caller
/// that must reject such files checks that list first). Row-level problems come with each
/// [`Row`]. [`CsvReader::end_diagnostics`] tells, after the last row, whether the body had
/// no device row at all.
///
/// The reader does not detect duplicates across rows (that needs memory per distinct
/// device): see [`crate::device`] for the batch de-duplication the callers apply.
pub struct CsvReader<'r> {
    lines: Lines<'r>,
    encoding: TextEncoding,
    header: HeaderMap,
    header_line: u64,
    header_text: String,
    file_diagnostics: Vec<Diagnostic>,
    checker: RowChecker,
    options: ReadOptions,
    buf: Vec<u8>,
    /// A line read but not yet returned, because a blank-line run before it was.
    held: Option<HeldLine>,
    /// First line and length of the current run of blank lines.
    blank_run: Option<(u64, u64)>,
    rows: u64,
    done: bool,
    scratch: ValueScratch,
    /// The file separates values with semicolons: every line is read with `;` and `,`
    /// exchanged, so the rules below see commas (a value that held a comma now holds a
    /// semicolon, which no value may contain, and is reported at its own column).
    semicolons: bool,
}

impl<'r> CsvReader<'r> {
    /// Detects the encoding and reads the header.
    pub fn new<R: Read + 'r>(reader: R, options: ReadOptions) -> Result<Self, FileError> {
        let (encoding, encoding_diagnostic, source) = source::open(reader)?;
        let mut lines = Lines::new(source);
        let mut buf = Vec::with_capacity(8 * 1024);
        let mut file_diagnostics: Vec<Diagnostic> = encoding_diagnostic.into_iter().collect();

        // The header is the first non-blank line; blank lines before it are reported.
        let mut leading_blank: Option<(u64, u64)> = None;
        let info = loop {
            buf.clear();
            let Some(info) = lines.append_line(&mut buf)? else {
                let mut diagnostics = file_diagnostics;
                diagnostics.push(Diagnostic::new(
                    1,
                    1,
                    Code::EmptyFile,
                    "the file is empty: no header and no device rows",
                    "export the device list again; a device CSV has a header line and one line per device",
                ));
                return Err(FileError::Rejected { diagnostics });
            };
            if is_blank(&buf) {
                leading_blank = Some(leading_blank.map_or((info.number, 1), |(first, n)| (first, n + 1)));
                continue;
            }
            break info;
        };
        if let Some((first, count)) = leading_blank {
            file_diagnostics.push(blank_line(first, count, true));
        }
        // Excel's `sep=;` line declares the separator; the header is the next non-blank line.
        let mut declared = None;
        let mut info = info;
        if let Some(separator) = separator_declaration(&buf) {
            file_diagnostics.push(separator_line(info.number, separator));
            declared = Some(separator);
            info = loop {
                buf.clear();
                let Some(next) = lines.append_line(&mut buf)? else {
                    let mut diagnostics = file_diagnostics;
                    diagnostics.push(Diagnostic::new(
                        info.number,
                        1,
                        Code::EmptyFile,
                        "the file has a `sep=` line and nothing else: no header and no device rows",
                        "export the device list again; a device CSV has a header line and one line per device",
                    ));
                    return Err(FileError::Rejected { diagnostics });
                };
                if !is_blank(&buf) {
                    break next;
                }
            };
        }
        if info.too_long {
            file_diagnostics.push(line_too_long(info.number));
        }
        // A header with semicolons and no comma: a spreadsheet's regional list separator.
        let semicolons = match declared {
            Some(separator) => separator == b';',
            None => buf.contains(&b';') && !buf.contains(&b','),
        };
        if semicolons {
            swap_separators(&mut buf);
            file_diagnostics.push(semicolon_separated(info.number));
        }
        let (text, line_text) = decode_line(&buf);
        let header = header::analyze(&text, info.number, line_text, &mut file_diagnostics);
        let Some(header) = header else {
            return Err(FileError::Rejected { diagnostics: file_diagnostics });
        };
        Ok(Self {
            lines,
            encoding,
            checker: RowChecker::new(header.clone(), semicolons),
            header,
            header_line: info.number,
            header_text: text.into_owned(),
            file_diagnostics,
            options,
            buf,
            held: None,
            blank_run: None,
            rows: 0,
            done: false,
            scratch: ValueScratch::default(),
            semicolons,
        })
    }

    /// Whether the file separates its values with semicolons (see [`Code::SemicolonSeparated`]).
    pub fn semicolon_separated(&self) -> bool {
        self.semicolons
    }

    /// The format detected from the header.
    pub fn format(&self) -> Format {
        self.header.layout.format
    }

    /// The canonical layout the header most resembles.
    pub fn layout(&self) -> Layout {
        self.header.layout
    }

    /// How the header's physical columns map to the format's columns.
    pub fn header(&self) -> &HeaderMap {
        &self.header
    }

    /// The line number of the header.
    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// The header line as found (decoded, without line ending).
    pub fn header_text(&self) -> &str {
        &self.header_text
    }

    /// The text encoding the body was found in.
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// Problems of the file as a whole (encoding) and of its header line.
    pub fn file_diagnostics(&self) -> &[Diagnostic] {
        &self.file_diagnostics
    }

    /// Device rows read so far (lines that were not blank).
    pub fn rows_read(&self) -> u64 {
        self.rows
    }

    /// After the last row: `no_device_rows` when the body had a header and nothing else.
    pub fn end_diagnostics(&self) -> Vec<Diagnostic> {
        if self.done && self.rows == 0 {
            vec![Diagnostic::new(
                self.header_line,
                1,
                Code::NoDeviceRows,
                "the file has a header but no device rows",
                "add one line per device below the header",
            )]
        } else {
            Vec::new()
        }
    }

    /// Appends the next non-blank line to `buf`, returning its info and where it is in
    /// `buf`; a blank-line run before it comes back first as `Err(run)` (the line is then
    /// already in `buf` and comes back on the next call).
    fn next_line(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<Result<HeldLine, BlankRun>>> {
        if let Some(held) = self.held.take() {
            return Ok(Some(Ok(held)));
        }
        loop {
            let start = buf.len();
            let Some(info) = self.lines.append_line(buf)? else {
                // Blank lines at the end are allowed.
                return Ok(None);
            };
            if self.semicolons {
                swap_separators(&mut buf[start..]);
            }
            if is_blank(&buf[start..]) {
                buf.truncate(start);
                self.blank_run = Some(self.blank_run.map_or((info.number, 1), |(first, n)| (first, n + 1)));
                continue;
            }
            let line = (info, start..buf.len());
            if let Some(run) = self.blank_run.take() {
                self.held = Some(line);
                return Ok(Some(Err(run)));
            }
            return Ok(Some(Ok(line)));
        }
    }

    /// The next event, with a row's bytes appended to `buf`. Callers that batch rows (the
    /// parallel checker) pass the same `buf` until they have consumed every event.
    pub(crate) fn next_event_into(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<Event>> {
        if self.done {
            return Ok(None);
        }
        match self.next_line(buf)? {
            None => {
                self.done = true;
                Ok(None)
            }
            Some(Err((first, count))) => Ok(Some(Event::Blank(blank_line(first, count, false)))),
            Some(Ok((info, range))) => {
                self.rows += 1;
                if self.rows > self.options.row_limit {
                    self.done = true;
                    return Ok(Some(Event::LimitExceeded(
                        Diagnostic::new(
                            info.number,
                            1,
                            Code::RowLimitExceeded,
                            format!(
                                "more than {} device rows; this line and the rest of the file were not read",
                                self.options.row_limit
                            ),
                            "split the file (`ztd csv split IN --rows N -o DIR`) and upload the parts one by one",
                        )
                        .with("limit", self.options.row_limit),
                    )));
                }
                Ok(Some(Event::Row { info, range }))
            }
        }
    }

    /// The next line as raw bytes, for callers that check without building a
    /// [`DeviceInput`]. Blank runs come back as [`RawLine::Blank`].
    pub(crate) fn next_raw(&mut self) -> io::Result<Option<RawLine<'_>>> {
        let mut buf = std::mem::take(&mut self.buf);
        if self.held.is_none() {
            buf.clear();
        }
        let event = self.next_event_into(&mut buf);
        self.buf = buf;
        Ok(event?.map(|event| match event {
            Event::Blank(diagnostic) => RawLine::Blank(diagnostic),
            Event::LimitExceeded(diagnostic) => RawLine::LimitExceeded(diagnostic),
            Event::Row { info, range } => {
                RawLine::Row { info, bytes: &self.buf[range], checker: &self.checker }
            }
        }))
    }

    pub(crate) fn checker(&self) -> &RowChecker {
        &self.checker
    }
}

/// What the reader found next, its bytes (for a row) in the caller's buffer.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    Row { info: LineInfo, range: Range<usize> },
    Blank(Diagnostic),
    LimitExceeded(Diagnostic),
}

/// A line's info and where its bytes are in the caller's buffer.
type HeldLine = (LineInfo, Range<usize>);
/// First line and length of a run of blank lines.
type BlankRun = (u64, u64);

/// One line as the full-file checker sees it.
pub(crate) enum RawLine<'a> {
    Row { info: LineInfo, bytes: &'a [u8], checker: &'a RowChecker },
    Blank(Diagnostic),
    LimitExceeded(Diagnostic),
}

impl Iterator for CsvReader<'_> {
    type Item = io::Result<Row>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut scratch = std::mem::take(&mut self.scratch);
        let raw = match self.next_raw() {
            Ok(Some(raw)) => raw,
            Ok(None) => return None,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        let row = match raw {
            RawLine::Blank(diagnostic) => Row { line: diagnostic.line, result: Err(vec![diagnostic]) },
            RawLine::LimitExceeded(diagnostic) => {
                Row { line: diagnostic.line, result: Err(vec![diagnostic]) }
            }
            RawLine::Row { info, bytes, checker } => {
                let mut diagnostics = Vec::new();
                let checked = checker.check(info, bytes, &mut scratch, &mut diagnostics);
                // Rows read here go on to registration, which matches the tag against the
                // customer's real profiles (custom tags, `allow_unknown_tags`); the offline
                // managed-tag guess would only second-guess that.
                diagnostics.retain(|d| d.code != Code::GroupTagNearMiss);
                let result = match checked {
                    Some(checked) if diagnostics.is_empty() => Ok(checked.values.to_device_input()),
                    _ => Err(diagnostics),
                };
                Row { line: info.number, result }
            }
        };
        self.scratch = scratch;
        Some(Ok(row))
    }
}

/// A line of nothing but spaces, tabs and commas is blank (spreadsheets write `,,,,` for
/// an empty row).
/// Exchanges `;` and `,` in a line of a semicolon-separated file.
fn swap_separators(line: &mut [u8]) {
    for byte in line {
        *byte = match *byte {
            b';' => b',',
            b',' => b';',
            other => other,
        };
    }
}

/// `sep=;`, `sep=,` (any case, surrounding blanks, trailing separators as a spreadsheet pads
/// them): the separator it declares.
fn separator_declaration(line: &[u8]) -> Option<u8> {
    let text = std::str::from_utf8(line).ok()?.trim();
    if !text.get(..4)?.eq_ignore_ascii_case("sep=") {
        return None;
    }
    let (&separator, padding) = text.as_bytes()[4..].split_first()?;
    let padded = padding.iter().all(|b| matches!(b, b';' | b',' | b' ' | b'\t'));
    (matches!(separator, b';' | b',') && padded).then_some(separator)
}

fn separator_line(line: u64, separator: u8) -> Diagnostic {
    let separator = char::from(separator);
    Diagnostic::new(
        line,
        1,
        Code::SeparatorLine,
        format!(
            "the first line `sep={separator}` is Excel's declaration of the separator, not the header; \
             the portals read it as the header and refuse the file"
        ),
        "delete the line (`ztd csv fix` does); the header must be the first line",
    )
    .with("separator", separator.to_string())
}

fn semicolon_separated(line: u64) -> Diagnostic {
    Diagnostic::new(
        line,
        1,
        Code::SemicolonSeparated,
        "the values are separated by semicolons (;), not commas: a spreadsheet saved the file with \
         its regional list separator",
        "run `ztd csv fix` (it puts commas between the values), or save the file as \
         \"CSV (Comma delimited)\" with the list separator set to a comma",
    )
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b','))
}

fn blank_line(first: u64, count: u64, before_header: bool) -> Diagnostic {
    let which = if count == 1 {
        format!("line {first} is blank")
    } else {
        format!("lines {first}–{} are blank", first + count - 1)
    };
    let (message, hint) = if before_header {
        (format!("{which}: the header must be the first line"), "delete the blank lines above the header")
    } else {
        (
            format!("{which}: empty lines (or lines of only commas) are allowed only at the end of the file"),
            "delete the blank lines; a portal stops reading or rejects the file at the first one",
        )
    };
    Diagnostic::new(first, 1, Code::BlankLine, message, hint)
        .with("kind", if before_header { "before-header" } else { "middle" })
        .with("first", first)
        .with("last", first + count - 1)
        .with("count", count)
}

fn line_too_long(line: u64) -> Diagnostic {
    Diagnostic::new(
        line,
        MAX_LINE_LEN as u64 + 1,
        Code::LineTooLong,
        format!("line is longer than {MAX_LINE_LEN} bytes; the rest of it was not read"),
        "a device row is a few thousand characters at most: is this a CSV file with line breaks?",
    )
    .with("limit", MAX_LINE_LEN)
}

/// Checks one row against the header: column count, characters, then values.
#[derive(Debug, Clone)]
pub(crate) struct RowChecker {
    header: HeaderMap,
    /// For messages: the name of each physical column.
    names: Vec<String>,
    /// The line's `;` and `,` were exchanged (a semicolon-separated file): a `;` inside a value
    /// is the comma it held, given back to the value rules (a decimal comma: `1,23457E+11`).
    semicolons: bool,
}

impl RowChecker {
    pub fn new(header: HeaderMap, semicolons: bool) -> Self {
        let format = header.layout.format;
        let names = header
            .positions
            .iter()
            .enumerate()
            .map(|(index, column)| match column.and_then(|c| format.column_name(c)) {
                Some(name) => name.to_owned(),
                None => format!("column {}", index + 1),
            })
            .collect();
        Self { header, names, semicolons }
    }

    /// Checks one non-blank line. Pushes every problem to `out`; returns the row's values
    /// when they could be read at all (right number of columns), even if `out` got
    /// problems, so callers can still use them (duplicate detection, `fix`).
    pub fn check<'a>(
        &self,
        info: LineInfo,
        bytes: &'a [u8],
        scratch: &mut ValueScratch,
        out: &mut Vec<Diagnostic>,
    ) -> Option<CheckedRow<'a>> {
        if info.too_long {
            out.push(line_too_long(info.number));
            return None;
        }
        let first = out.len();
        let plain = is_plain_line(bytes);
        let mut commas = std::mem::take(&mut scratch.commas);
        let values = match decode_line(bytes) {
            (Cow::Borrowed(text), line_text) => {
                self.split(info.number, text, plain, line_text, &mut commas, out)
            }
            (Cow::Owned(text), line_text) => {
                self.split(info.number, &text, plain, line_text, &mut commas, out).map(RowValues::into_owned)
            }
        };
        scratch.commas = commas;
        let checked = values.map(|values| {
            let facts = check_values(info.number, self.header.layout.format, &values, scratch, out);
            CheckedRow { values, facts }
        });
        tidy_row_diagnostics(&mut out[first..]);
        if let Some(quotes) = merge_quote_diagnostics(&out[first..]) {
            out.retain(|d| d.line != info.number || d.code != Code::QuoteCharacter);
            out.push(quotes);
            tidy_row_diagnostics(&mut out[first..]);
        }
        checked
    }

    /// Splits a line into values, checking the column count and every value's characters.
    fn split<'t>(
        &self,
        line_no: u64,
        text: &'t str,
        plain: bool,
        line_text: LineText,
        commas: &mut Vec<usize>,
        out: &mut Vec<Diagnostic>,
    ) -> Option<RowValues<'t>> {
        // The format has no quoting (docs/domain.md#registration forbids quote characters), so a value can never
        // contain a comma and splitting on every comma is exact: no CSV state machine needed.
        commas.clear();
        commas.extend(memchr::memchr_iter(b',', text.as_bytes()));
        let field_count = commas.len() + 1;
        let field = |index: usize| {
            let start = if index == 0 { 0 } else { commas[index - 1] + 1 };
            let end = commas.get(index).copied().unwrap_or(text.len());
            (start, &text[start..end])
        };
        // An ASCII line's character column is its byte column.
        let column_at = |byte: usize| if plain { byte as u64 + 1 } else { char_column(text, byte) };

        let expected = self.header.physical_len;
        // A header with trailing commas lets rows have them or not.
        let mut count_ok = (self.header.named_len..=expected).contains(&field_count);
        if field_count > expected && (expected..field_count).all(|i| field(i).1.trim().is_empty()) {
            out.push(header::trailing_empty_columns(
                line_no,
                column_at(commas[expected - 1]),
                field_count - expected,
            ));
            count_ok = true;
        }
        if !count_ok {
            out.push(
                Diagnostic::new(
                    line_no,
                    1,
                    Code::WrongColumnCount,
                    format!("row has {field_count} values but the header has {expected} columns"),
                    if field_count > expected {
                        "a value with a comma in it, or an extra comma: remove it (values never contain commas)"
                    } else {
                        "a value or a comma is missing: every row needs one value per column, empty ones included (`a,,c`)"
                    },
                )
                .with("kind", if field_count > expected { "more" } else { "fewer" })
                .with("found", field_count)
                .with("expected", expected),
            );
        }

        let mut values = RowValues::default();
        // Character columns counted as the fields go, so a wide non-ASCII row stays linear.
        let (mut counted_to, mut counted_column) = (0usize, 1u64);
        for (index, name) in self.names.iter().enumerate().take(field_count) {
            let (start, value) = field(index);
            let column = self.header.positions.get(index).copied().flatten();
            let cell_column = if plain {
                start as u64 + 1
            } else {
                counted_column += text.get(counted_to..start).map_or(0, |s| s.chars().count()) as u64;
                counted_to = start;
                counted_column
            };
            let cell = Cell {
                line: line_no,
                column: cell_column,
                what: name,
                ascii_only: column.is_none_or(Column::ascii_only),
                line_text,
                field: index as u64 + 1,
                kind: if column.is_some() { CellKind::Value } else { CellKind::Unnamed },
            };
            if plain {
                check_spaces(value, &cell, out);
            } else {
                check_cell(value, &cell, out);
            }
            if let Some(column) = column {
                let mut cleaned = clean_value(value, plain);
                if self.semicolons && cleaned.contains(';') {
                    cleaned = Cow::Owned(cleaned.replace(';', ","));
                }
                values.set(column, cleaned, cell.column, cell.field);
            }
        }
        count_ok.then_some(values)
    }
}

/// Orders a row's diagnostics by column (stable: the rules' order within a column).
fn tidy_row_diagnostics(row: &mut [Diagnostic]) {
    row.sort_by_key(|d| d.column);
}

/// A row whose values could be read.
#[derive(Debug, Clone)]
pub(crate) struct CheckedRow<'a> {
    pub values: RowValues<'a>,
    /// What the row's hash says, when it has a valid one.
    pub facts: Option<HashFacts>,
}

/// The value as the device means it: surrounding spaces, quotes, tabs and invisible or
/// control characters removed (each was reported), so the value rules below see the value
/// itself and a quoted hash is not also reported as an invalid hash.
fn clean_value(field: &str, plain: bool) -> Cow<'_, str> {
    if plain {
        return Cow::Borrowed(field.trim_matches(' '));
    }
    // As `fix` repairs it: a tab or a space-like invisible character becomes a space, the
    // other invisible and control characters and the quotes go.
    let cleaned: String = field
        .chars()
        .filter_map(|c| match c {
            '\t' | '\u{A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => Some(' '),
            '"' => None,
            c if c.is_control() || super::diagnostic::is_invisible(c) => None,
            c => Some(c),
        })
        .collect();
    Cow::Owned(cleaned.trim_matches(' ').to_owned())
}

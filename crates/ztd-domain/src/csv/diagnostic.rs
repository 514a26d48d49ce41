//! Diagnostics: one stable code per rule of docs/domain.md#registration, with where it happened and how to fix it.

use serde::Serialize;
use std::fmt;

use crate::codes::RowErrorCode;

/// The stable name of one CSV rule. The snake_case name ([`Code::as_str`]) is part of the
/// contract (CLI output, `--json`, the API); docs/csv-rules.md documents each one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    // --- The file as a whole ---
    /// The file cannot be opened or read (missing, no permission). Unusable input.
    UnreadableFile,
    /// No bytes, or nothing but a byte-order mark and blank lines. Unusable input.
    EmptyFile,
    /// NUL bytes or control characters that no text encoding explains. Unusable input.
    BinaryFile,
    /// UTF-16 (with or without byte-order mark); the portals want ANSI/ASCII.
    Utf16Encoding,
    /// UTF-8 with a byte-order mark at the start of the file.
    Utf8Bom,
    /// A line longer than any device row can be (the reader skips the rest of it).
    LineTooLong,
    /// More rows than the configured cap; rows past it are not read.
    RowLimitExceeded,
    /// A header and no device rows.
    NoDeviceRows,
    /// Values separated by semicolons: a spreadsheet saved the file with a regional list
    /// separator (Danish, German, most of Europe). `ztd csv fix` replaces them.
    SemicolonSeparated,
    /// A first line `sep=;` (or `sep=,`): Excel's declaration of the separator, which it
    /// writes and reads but the portals take for the header. `ztd csv fix` removes it.
    SeparatorLine,

    // --- The header line ---
    /// The first line resembles none of the three formats.
    UnknownHeader,
    /// A column name with the wrong upper/lower case.
    HeaderCase,
    /// A column name misspelled (close to an expected name, not equal ignoring case).
    MisspelledColumn,
    /// Known columns in the wrong order.
    HeaderOrder,
    /// A column of the format is absent.
    MissingColumn,
    /// A column that is not part of the format.
    ExtraColumn,
    /// A column named twice.
    RepeatedColumn,

    // --- Characters, anywhere ---
    /// `"`: the formats have no quoting.
    QuoteCharacter,
    /// A value starting or ending with spaces.
    LeadingTrailingWhitespace,
    /// A tab character (U+0009).
    TabCharacter,
    /// An invisible character: NBSP, zero-width space, a BOM in the middle, soft hyphen, …
    InvisibleCharacter,
    /// Another control character (NUL, bare carriage return, …).
    ControlCharacter,
    /// A visible character outside ASCII in a column that must be ASCII.
    NonAsciiCharacter,

    // --- Lines and columns ---
    /// An empty line before the last row (blank trailing lines are allowed).
    BlankLine,
    /// A row with more or fewer values than the header has columns.
    WrongColumnCount,
    /// Empty values after the last column (`…,Device model,,`), as spreadsheets write them.
    TrailingEmptyColumns,

    // --- Values ---
    /// A serial number a spreadsheet turned into a number (`1.23457E+11`, lost leading zeros).
    SpreadsheetSerial,
    /// A Windows Product ID that is not 13 digits.
    InvalidProductKeyId,
    /// A hardware hash that does not decode or validate (docs/domain.md#device-identity), with the precise reason.
    InvalidHardwareHash,
    /// A row with none of hash, manufacturer+model+serial, product key id.
    MissingDeviceIdentity,
    /// A value that the row's hardware hash contradicts.
    IdentityMismatch,
    /// Another invalid device field (e.g. a tuple with a serial but no model).
    InvalidDeviceField,
    /// A Group Tag that misses one of the three managed-desktop tags by a little (case, the
    /// trailing underscore, spaces, a typo): the device would silently get no profile.
    GroupTagNearMiss,
    /// The same row as an earlier line, byte for byte after the checks above.
    DuplicateRow,
    /// A different row that identifies the same device as an earlier line.
    DuplicateDevice,
}

impl Code {
    /// Every code, in documentation order.
    pub const ALL: [Code; 35] = [
        Code::UnreadableFile,
        Code::EmptyFile,
        Code::BinaryFile,
        Code::Utf16Encoding,
        Code::Utf8Bom,
        Code::LineTooLong,
        Code::RowLimitExceeded,
        Code::NoDeviceRows,
        Code::SemicolonSeparated,
        Code::SeparatorLine,
        Code::UnknownHeader,
        Code::HeaderCase,
        Code::MisspelledColumn,
        Code::HeaderOrder,
        Code::MissingColumn,
        Code::ExtraColumn,
        Code::RepeatedColumn,
        Code::QuoteCharacter,
        Code::LeadingTrailingWhitespace,
        Code::TabCharacter,
        Code::InvisibleCharacter,
        Code::ControlCharacter,
        Code::NonAsciiCharacter,
        Code::BlankLine,
        Code::WrongColumnCount,
        Code::TrailingEmptyColumns,
        Code::SpreadsheetSerial,
        Code::InvalidProductKeyId,
        Code::InvalidHardwareHash,
        Code::MissingDeviceIdentity,
        Code::IdentityMismatch,
        Code::InvalidDeviceField,
        Code::GroupTagNearMiss,
        Code::DuplicateRow,
        Code::DuplicateDevice,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::UnreadableFile => "unreadable_file",
            Code::EmptyFile => "empty_file",
            Code::BinaryFile => "binary_file",
            Code::Utf16Encoding => "utf16_encoding",
            Code::Utf8Bom => "utf8_bom",
            Code::LineTooLong => "line_too_long",
            Code::RowLimitExceeded => "row_limit_exceeded",
            Code::NoDeviceRows => "no_device_rows",
            Code::SemicolonSeparated => "semicolon_separated",
            Code::SeparatorLine => "separator_line",
            Code::UnknownHeader => "unknown_header",
            Code::HeaderCase => "header_case",
            Code::MisspelledColumn => "misspelled_column",
            Code::HeaderOrder => "header_order",
            Code::MissingColumn => "missing_column",
            Code::ExtraColumn => "extra_column",
            Code::RepeatedColumn => "repeated_column",
            Code::QuoteCharacter => "quote_character",
            Code::LeadingTrailingWhitespace => "leading_trailing_whitespace",
            Code::TabCharacter => "tab_character",
            Code::InvisibleCharacter => "invisible_character",
            Code::ControlCharacter => "control_character",
            Code::NonAsciiCharacter => "non_ascii_character",
            Code::BlankLine => "blank_line",
            Code::WrongColumnCount => "wrong_column_count",
            Code::TrailingEmptyColumns => "trailing_empty_columns",
            Code::SpreadsheetSerial => "spreadsheet_serial",
            Code::InvalidProductKeyId => "invalid_product_key_id",
            Code::InvalidHardwareHash => "invalid_hardware_hash",
            Code::MissingDeviceIdentity => "missing_device_identity",
            Code::IdentityMismatch => "identity_mismatch",
            Code::InvalidDeviceField => "invalid_device_field",
            Code::GroupTagNearMiss => "group_tag_near_miss",
            Code::DuplicateRow => "duplicate_row",
            Code::DuplicateDevice => "duplicate_device",
        }
    }

    pub fn parse(name: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|code| code.as_str() == name)
    }

    /// True when the input cannot be checked at all (CLI exit code 2).
    pub fn is_unusable_input(self) -> bool {
        matches!(self, Code::UnreadableFile | Code::EmptyFile | Code::BinaryFile)
    }

    /// The per-device error code (docs/domain.md#http-contract) that a row failing this rule reports through the
    /// API. Character and layout problems of a row are all `invalid_csv_row`; the precise
    /// CSV code stays in the message.
    pub fn row_error_code(self) -> RowErrorCode {
        match self {
            Code::InvalidHardwareHash => RowErrorCode::InvalidHardwareHash,
            Code::MissingDeviceIdentity => RowErrorCode::MissingDeviceIdentity,
            Code::IdentityMismatch => RowErrorCode::IdentityMismatch,
            Code::InvalidProductKeyId | Code::InvalidDeviceField | Code::SpreadsheetSerial => {
                RowErrorCode::InvalidDeviceField
            }
            Code::DuplicateRow | Code::DuplicateDevice => RowErrorCode::DeviceDuplicatedInBatch,
            Code::GroupTagNearMiss => RowErrorCode::UnknownGroupTag,
            _ => RowErrorCode::InvalidCsvRow,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One named value of a diagnostic: what a translated message needs to say the same thing as
/// [`Diagnostic::message`] (the portal's catalogues have a message per code, docs/csv-rules.md#arguments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_owned())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(value: $t) -> Self {
                Arg::Number(i64::try_from(value).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_arg!(u64, usize, u32, i64, u16);

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Text(text) => f.write_str(text),
            Arg::Number(number) => write!(f, "{number}"),
        }
    }
}

/// One problem: where (1-based line and character column of the offending value or
/// character), which rule, what exactly is wrong, and how to fix it.
///
/// `message` and `hint` are the English text of the CLI and the API. `args` carry the same
/// facts as named values (the column's name, the character, the expected value, a count) so
/// a catalogue can say it in another language; they are not serialised (the `--json` schema
/// stays `line, column, code, message, hint`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub line: u64,
    pub column: u64,
    pub code: Code,
    pub message: String,
    pub hint: String,
    #[serde(skip)]
    pub args: Vec<(&'static str, Arg)>,
}

impl Diagnostic {
    pub fn new(
        line: u64,
        column: u64,
        code: Code,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self { line, column, code, message: message.into(), hint: hint.into(), args: Vec::new() }
    }

    /// Adds a named value (replacing one of the same name).
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.set(name, value);
        self
    }

    /// Sets a named value (replacing one of the same name).
    pub fn set(&mut self, name: &'static str, value: impl Into<Arg>) {
        let value = value.into();
        match self.args.iter_mut().find(|(existing, _)| *existing == name) {
            Some(slot) => slot.1 = value,
            None => self.args.push((name, value)),
        }
    }

    /// The named value `name`, if the diagnostic has one.
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(existing, _)| *existing == name).map(|(_, value)| value)
    }

    /// The spreadsheet column (1-based field number) the problem is in, when it is in one.
    pub fn field(&self) -> Option<u64> {
        match self.arg("field") {
            Some(Arg::Number(number)) => u64::try_from(*number).ok(),
            _ => None,
        }
    }

    /// Renders `file:line:character: error[code]: message`, for a problem in a value the
    /// `  where: line 2, column 3 (Hardware Hash), character 15` line (the spreadsheet column,
    /// since the prefix counts characters), and the `  hint: …` line.
    pub fn render(&self, file: &str) -> String {
        let place = match self.field() {
            Some(_) => format!("\n  where: {}", self.location()),
            None => String::new(),
        };
        format!(
            "{file}:{}:{}: error[{}]: {}{place}\n  hint: {}",
            self.line, self.column, self.code, self.message, self.hint
        )
    }

    /// Where the problem is, in words: `line 4, column 3 (Hardware Hash), character 3,912` when
    /// it is in a value ("column" is the spreadsheet column; the character counts from the
    /// start of the line, as the `LINE:COLUMN` prefix of `ztd csv check` does), else `line 4`.
    pub fn location(&self) -> String {
        let name = match self.arg("column") {
            Some(Arg::Text(name)) => format!(" ({name})"),
            _ => String::new(),
        };
        match self.field() {
            Some(field) => format!("line {}, column {field}{name}, character {}", self.line, self.column),
            None => format!("line {}", self.line),
        }
    }

    /// The per-device error this diagnostic becomes in a batch result.
    pub fn to_row_error(&self) -> crate::codes::RowError {
        crate::codes::RowError::new(
            self.code.row_error_code(),
            format!("{}: {} [{}]", self.location(), self.message, self.code),
        )
        .with_hint(self.hint.clone())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: error[{}]: {}", self.line, self.column, self.code, self.message)
    }
}

/// Names a character for a message: `'é' (U+00E9)`, `U+00A0 NO-BREAK SPACE`.
pub(crate) fn describe_char(c: char) -> String {
    match char_name(c) {
        Some(name) => format!("U+{:04X} {name}", c as u32),
        None if c.is_control() => format!("U+{:04X}", c as u32),
        None => format!("'{c}' (U+{:04X})", c as u32),
    }
}

/// Names of the characters that cannot be seen, so a message can say which one it was.
pub(crate) fn char_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\0' => "NULL",
        '\t' => "CHARACTER TABULATION (tab)",
        '\r' => "CARRIAGE RETURN",
        '\u{0B}' => "LINE TABULATION",
        '\u{0C}' => "FORM FEED",
        '\u{1A}' => "SUBSTITUTE (Ctrl-Z)",
        '\u{7F}' => "DELETE",
        '\u{85}' => "NEXT LINE",
        '\u{A0}' => "NO-BREAK SPACE",
        '\u{AD}' => "SOFT HYPHEN",
        '\u{180E}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{2000}'..='\u{200A}' => "typographic SPACE",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{202A}'..='\u{202E}' => "bidirectional formatting character",
        '\u{202F}' => "NARROW NO-BREAK SPACE",
        '\u{205F}' => "MEDIUM MATHEMATICAL SPACE",
        '\u{2060}' => "WORD JOINER",
        '\u{2061}'..='\u{2064}' => "invisible operator",
        '\u{3000}' => "IDEOGRAPHIC SPACE",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE (byte-order mark)",
        '\u{FFFD}' => "REPLACEMENT CHARACTER (undecodable bytes)",
        _ => return None,
    })
}

/// Characters that render as nothing or as a plain space: a reader cannot see them in a
/// spreadsheet or editor, yet they make a serial or tag differ from what it looks like.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{A0}'
            | '\u{AD}'
            | '\u{180E}'
            | '\u{2000}'..='\u{200F}'
            | '\u{2028}'..='\u{202F}'
            | '\u{205F}'..='\u{2064}'
            | '\u{3000}'
            | '\u{FEFF}'
    )
}

//! Character-level rules that apply to every value and header cell, and line decoding.

use std::borrow::Cow;

use super::diagnostic::{char_name, describe_char, is_invisible, Code, Diagnostic};

/// How a line's bytes were turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineText {
    /// Plain ASCII or valid UTF-8.
    Utf8,
    /// Not valid UTF-8: read as Windows-1252 ("ANSI"), the only other encoding a Windows
    /// tool writes without a byte-order mark.
    Windows1252,
}

/// Decodes one line: UTF-8 when it is valid UTF-8 (ASCII included), else Windows-1252.
/// Borrowed in the common case, so the hot path does not allocate.
pub(crate) fn decode_line(bytes: &[u8]) -> (Cow<'_, str>, LineText) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), LineText::Utf8),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text, LineText::Windows1252)
        }
    }
}

/// True when a line needs no character check beyond spaces at the value edges: printable
/// ASCII only and no quote. Written as a branch-free fold so it vectorises: this runs over
/// every byte of every hash.
pub(crate) fn is_plain_line(bytes: &[u8]) -> bool {
    #[allow(clippy::manual_range_contains)] // the explicit comparisons vectorise
    let odd = bytes.iter().fold(false, |odd, &b| odd | (b < 0x20) | (b >= 0x7F) | (b == b'"'));
    !odd
}

/// Where a cell is, for messages.
pub(crate) struct Cell<'a> {
    pub line: u64,
    /// 1-based character column of the cell's first character.
    pub column: u64,
    /// What the cell is, for messages: "Device Serial Number", "header column 3".
    pub what: &'a str,
    pub ascii_only: bool,
    pub line_text: LineText,
    /// 1-based number of the cell on its line: the spreadsheet column.
    pub field: u64,
    /// Whether the cell is a header cell, a value of a known column, or a value of a column
    /// the format does not have.
    pub kind: CellKind,
}

/// What kind of cell a [`Cell`] is (the `where` argument of its diagnostics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellKind {
    Header,
    Value,
    Unnamed,
}

impl Cell<'_> {
    /// A diagnostic about this cell, with the arguments that say where it is: `where`
    /// (`header`, `value`, `unnamed`), `field` (the spreadsheet column), `column` (the column's
    /// name, for a value) and `value` (as shown, see [`show_bare`]).
    pub(crate) fn diagnostic(
        &self,
        at: u64,
        code: Code,
        value: &str,
        message: String,
        hint: impl Into<String>,
    ) -> Diagnostic {
        let place = match self.kind {
            CellKind::Header => "header",
            CellKind::Value => "value",
            CellKind::Unnamed => "unnamed",
        };
        let mut diagnostic = Diagnostic::new(self.line, at, code, message, hint)
            .with("where", place)
            .with("field", self.field)
            .with("value", show_bare(value));
        if self.kind == CellKind::Value {
            diagnostic.set("column", self.what);
        }
        diagnostic
    }
}

/// The arguments naming a character: `char` (`U+00A0`), `char-name` (its Unicode name, when
/// it has one in [`char_name`]), and `char-shown` (the character itself when visible).
pub(crate) fn char_args(mut diagnostic: Diagnostic, c: char) -> Diagnostic {
    diagnostic.set("char", format!("U+{:04X}", c as u32));
    if let Some(name) = char_name(c) {
        diagnostic.set("char-name", name);
    }
    if !c.is_control() && !is_invisible(c) {
        diagnostic.set("char-shown", c.to_string());
    }
    diagnostic
}

/// Checks one cell for quotes, surrounding spaces, tabs, invisible, control and (where the
/// column must be ASCII) non-ASCII characters. Reports each rule at most once per cell, at
/// the first offending character, so a value full of NBSPs is one diagnostic, not twenty.
pub(crate) fn check_cell(value: &str, cell: &Cell<'_>, out: &mut Vec<Diagnostic>) {
    if value.is_empty() {
        return;
    }
    if value.bytes().all(|b| (0x20..0x7F).contains(&b) && b != b'"') {
        check_spaces(value, cell, out);
        return;
    }
    let mut first: [Option<(u64, char, usize)>; 5] = [None; 5];
    for (index, c) in value.chars().enumerate() {
        let slot = match c {
            '"' => 0,
            '\t' => 1,
            c if is_invisible(c) => 2,
            c if c.is_control() => 3,
            c if !c.is_ascii() && cell.ascii_only => 4,
            _ => continue,
        };
        match &mut first[slot] {
            Some((_, _, count)) => *count += 1,
            empty => *empty = Some((cell.column + index as u64, c, 1)),
        }
    }
    let shown = show_value(value);
    let what = cell.what;
    if let Some((column, _, count)) = first[0] {
        let wrapped = value.len() >= 2 && value.starts_with('"') && value.ends_with('"');
        let message = if wrapped {
            format!("{what} {shown} is wrapped in quote characters")
        } else {
            format!("{what} {shown} contains {}", plural(count, "quote character `\"`"))
        };
        out.push(
            cell.diagnostic(
                column,
                Code::QuoteCharacter,
                value,
                message,
                "remove the quotes: these formats have no quoting and no value contains a comma; \
                 save without text qualifiers (`ztd csv fix` removes them)",
            )
            .with("kind", if wrapped { "wrapped" } else { "contains" })
            .with("count", count),
        );
    }
    if let Some((column, _, count)) = first[1] {
        out.push(
            cell.diagnostic(
                column,
                Code::TabCharacter,
                value,
                format!("{what} {shown} contains {}", plural(count, "tab (U+0009)")),
                "values are separated by commas, never tabs; delete the tab (`ztd csv fix` removes tabs \
                 around values)",
            )
            .with("count", count),
        );
    }
    if let Some((column, c, count)) = first[2] {
        let more = if count > 1 { format!(" ({count} invisible characters in all)") } else { String::new() };
        let diagnostic = cell.diagnostic(
            column,
            Code::InvisibleCharacter,
            value,
            format!("{what} {shown} contains invisible character {}{more}", describe_char(c)),
            "delete it: it usually comes from copying out of a web page, e-mail or document \
             (`ztd csv fix` removes invisible characters)",
        );
        out.push(char_args(diagnostic, c).with("count", count));
    }
    if let Some((column, c, count)) = first[3] {
        let more = if count > 1 { format!(" ({count} control characters in all)") } else { String::new() };
        let hint = if c == '\r' {
            "a carriage return must only end a line (CRLF); this one is alone inside the line — \
             save with Windows (CRLF) or Unix (LF) line endings"
        } else {
            "delete it; control characters never belong in a device CSV"
        };
        let diagnostic = cell.diagnostic(
            column,
            Code::ControlCharacter,
            value,
            format!("{what} {shown} contains control character {}{more}", describe_char(c)),
            hint,
        );
        out.push(
            char_args(diagnostic, c)
                .with("count", count)
                .with("kind", if c == '\r' { "carriage-return" } else { "other" }),
        );
    }
    if let Some((column, c, count)) = first[4] {
        let more = if count > 1 { format!(" ({count} non-ASCII characters in all)") } else { String::new() };
        let byte = match cell.line_text {
            LineText::Utf8 => None,
            LineText::Windows1252 => {
                let mut utf8 = [0; 4];
                let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut utf8));
                bytes.first().map(|byte| format!("0x{byte:02X}"))
            }
        };
        let origin =
            byte.as_ref().map(|byte| format!(", byte {byte} read as Windows-1252")).unwrap_or_default();
        let diagnostic = cell.diagnostic(
            column,
            Code::NonAsciiCharacter,
            value,
            format!("{what} {shown} contains non-ASCII character {}{origin}{more}", describe_char(c)),
            format!(
                "{what} must be plain ASCII, as the device reports it in SMBIOS; retype the value \
                 (look-alike letters and typographic dashes are the usual culprits)"
            ),
        );
        let mut diagnostic = char_args(diagnostic, c).with("count", count);
        if let Some(byte) = byte {
            diagnostic.set("byte", byte);
        }
        out.push(diagnostic);
    }
    check_spaces(value, cell, out);
}

pub(crate) fn check_spaces(value: &str, cell: &Cell<'_>, out: &mut Vec<Diagnostic>) {
    let leading = value.len() - value.trim_start_matches(' ').len();
    let trailing = value.len() - value.trim_end_matches(' ').len();
    if leading == 0 && trailing == 0 {
        return;
    }
    let (column, which, kind) = if leading > 0 {
        if trailing > 0 && leading < value.len() {
            (cell.column, "leading and trailing", "both")
        } else {
            (cell.column, "leading", "leading")
        }
    } else {
        let before = &value[..value.len() - trailing];
        (cell.column + before.chars().count() as u64, "trailing", "trailing")
    };
    out.push(
        cell.diagnostic(
            column,
            Code::LeadingTrailingWhitespace,
            value,
            format!("{} {} has {which} spaces", cell.what, show_value(value)),
            "remove the spaces around the value; they make it a different value (`ztd csv fix` trims them)",
        )
        .with("kind", kind),
    );
}

fn plural(count: usize, what: &str) -> String {
    if count == 1 {
        format!("a {what}")
    } else {
        format!("{count} × {what}")
    }
}

/// A value as shown in a message: backquoted, invisible characters spelled out, long values
/// (hashes) shortened.
pub(crate) fn show_value(value: &str) -> String {
    format!("`{}`", show_bare(value))
}

/// [`show_value`] without the backquotes: the `value` argument of a diagnostic, which a
/// translated message quotes its own way.
pub(crate) fn show_bare(value: &str) -> String {
    const MAX: usize = 40;
    let mut shown = String::new();
    for (index, c) in value.chars().enumerate() {
        if index == MAX {
            shown.push('…');
            break;
        }
        if c == ' ' || (!c.is_control() && !is_invisible(c)) {
            shown.push(c);
        } else if c == '\t' {
            shown.push_str("\\t");
        } else {
            shown.push_str(&format!("<U+{:04X}>", c as u32));
        }
    }
    shown
}

/// The 1-based character column of byte offset `byte` in `line`.
pub(crate) fn char_column(line: &str, byte: usize) -> u64 {
    let prefix = line.get(..byte).unwrap_or(line);
    if prefix.is_ascii() {
        prefix.len() as u64 + 1
    } else {
        prefix.chars().count() as u64 + 1
    }
}

/// A spreadsheet that quotes one value quotes them all: one diagnostic per line, not one
/// per value. `None` when the line has fewer than two quoted values.
pub(crate) fn merge_quote_diagnostics(row: &[Diagnostic]) -> Option<Diagnostic> {
    let quoted: Vec<&Diagnostic> = row.iter().filter(|d| d.code == Code::QuoteCharacter).collect();
    let first = quoted.first().filter(|_| quoted.len() > 1)?;
    let names: Vec<&str> = quoted.iter().filter_map(|d| d.message.split(" `").next()).collect();
    let mut merged = Diagnostic::new(
        first.line,
        first.column,
        Code::QuoteCharacter,
        format!("{} values are wrapped in or contain quote characters: {}", quoted.len(), names.join(", ")),
        first.hint.clone(),
    )
    .with("kind", "several")
    .with("count", quoted.len())
    .with(
        "fields",
        quoted.iter().filter_map(|d| d.field()).map(|field| field.to_string()).collect::<Vec<_>>().join(", "),
    );
    if let Some(place) = first.arg("where") {
        merged.set("where", place.clone());
    }
    Some(merged)
}

//! Format detection from the header line, with precise diagnostics for near misses.
//!
//! An exact header is one of five strings. Anything else is compared with each format's
//! column names (exactly, ignoring case, or as a likely misspelling/alias); the format whose
//! names the header matches best is the one it "most resembles", and every difference from
//! it gets its own diagnostic. The resulting [`HeaderMap`] still maps each physical column
//! to what it holds, so the rows of a file with a sloppy header are checked too and
//! `ztd csv fix` can reorder the columns.

use super::diagnostic::{Code, Diagnostic};
use super::format::{Column, Format, Layout};
use super::text::{
    char_column, check_cell, merge_quote_diagnostics, show_bare, show_value, Cell, CellKind, LineText,
};

/// The header as found in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    /// The canonical layout the header most resembles (what `fix` writes).
    pub layout: Layout,
    /// For each physical column of the file, what it holds (`None`: an extra, repeated or
    /// empty column whose values are ignored).
    pub positions: Vec<Option<Column>>,
    /// Number of physical columns including trailing empty ones (a row with that many
    /// values is not a `wrong_column_count`).
    pub physical_len: usize,
    /// Physical columns before the header's trailing empty ones: a row may stop there.
    pub named_len: usize,
    /// True when the header is byte for byte one of the accepted headers.
    pub exact: bool,
}

impl HeaderMap {
    fn exact(layout: Layout) -> Self {
        let positions: Vec<Option<Column>> = layout.columns().iter().copied().map(Some).collect();
        Self { layout, physical_len: positions.len(), named_len: positions.len(), positions, exact: true }
    }

    /// Physical index of a column, if the file has it.
    pub fn position(&self, column: Column) -> Option<usize> {
        self.positions.iter().position(|&c| c == Some(column))
    }

    /// True when the physical columns are the layout's columns in canonical order.
    pub fn is_canonical(&self) -> bool {
        let found: Vec<Column> = self.positions.iter().flatten().copied().collect();
        found == self.layout.columns() && self.positions.len() == found.len()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Match {
    Misspelled,
    Case,
    Exact,
}

/// Trims what cannot be part of a column name (spaces, quotes, tabs, invisible characters),
/// to compare the name itself; the characters are reported separately.
fn bare_name(cell: &str) -> &str {
    cell.trim_matches(|c: char| {
        c.is_whitespace() || c == '"' || c.is_control() || super::diagnostic::is_invisible(c)
    })
}

fn squash(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// Which column of `format` the header cell names, and how well.
fn match_cell(format: Format, name: &str) -> Option<(Column, Match)> {
    if name.is_empty() {
        return None;
    }
    let columns = format.columns();
    let names = columns.iter().filter_map(|&c| format.column_name(c).map(|n| (c, n)));
    if let Some((column, _)) = names.clone().find(|(_, n)| *n == name) {
        return Some((column, Match::Exact));
    }
    if let Some((column, _)) = names.clone().find(|(_, n)| n.eq_ignore_ascii_case(name)) {
        return Some((column, Match::Case));
    }
    let squashed = squash(name);
    // The same column under another format's name ("Serial Number" in an Intune header).
    let alias = columns.iter().copied().find(|&column| {
        Format::ALL.iter().filter_map(|f| f.column_name(column)).any(|other| squash(other) == squashed)
    });
    if let Some(column) = alias {
        return Some((column, Match::Misspelled));
    }
    names
        .map(|(column, n)| (column, strsim::normalized_damerau_levenshtein(&squash(n), &squashed)))
        .filter(|&(_, similarity)| similarity >= 0.75)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(column, _)| (column, Match::Misspelled))
}

/// Reads the header line. Pushes every difference from the format it most resembles to
/// `out`; returns `None` (after an `unknown_header` diagnostic) when it resembles none.
pub(crate) fn analyze(
    line: &str,
    line_no: u64,
    line_text: LineText,
    out: &mut Vec<Diagnostic>,
) -> Option<HeaderMap> {
    if let Some(layout) = Layout::all_accepted().into_iter().find(|l| l.header_line() == line) {
        return Some(HeaderMap::exact(layout));
    }

    // Cells with their byte offsets, and the character column of each byte offset that
    // starts a cell (counted once, so a long non-ASCII header is not quadratic).
    let mut cells: Vec<(usize, &str)> = Vec::new();
    let mut columns: std::collections::HashMap<usize, u64> = std::collections::HashMap::new();
    let (mut start, mut column) = (0, 1u64);
    for part in line.split(',') {
        cells.push((start, part));
        columns.insert(start, column);
        start += part.len() + 1;
        column += part.chars().count() as u64 + 1;
    }
    let char_column =
        |_: &str, offset: usize| columns.get(&offset).copied().unwrap_or_else(|| char_column(line, offset));
    let trailing_empty = cells.iter().rev().take_while(|(_, c)| c.trim().is_empty()).count();
    let named = &cells[..cells.len() - trailing_empty];

    // Character rules apply to header cells as to values.
    let char_findings = out.len();
    for (index, (offset, cell)) in cells.iter().enumerate() {
        let what = format!("header column {}", index + 1);
        let context = Cell {
            line: line_no,
            column: char_column(line, *offset),
            what: &what,
            ascii_only: true,
            line_text,
            field: index as u64 + 1,
            kind: CellKind::Header,
        };
        check_cell(cell, &context, out);
    }
    if let Some(quotes) = merge_quote_diagnostics(&out[char_findings..]) {
        out.retain(|d| d.line != line_no || d.code != Code::QuoteCharacter);
        out.insert(char_findings, quotes);
    }

    // The format the header most resembles.
    let scored = Format::ALL.map(|format| {
        let matches: Vec<Option<(Column, Match)>> =
            named.iter().map(|(_, cell)| match_cell(format, bare_name(cell))).collect();
        let matched = matches.iter().flatten().count();
        let score: i64 = matches
            .iter()
            .map(|m| match m {
                Some((_, Match::Exact | Match::Case)) => 2,
                Some((_, Match::Misspelled)) => 1,
                None => -1,
            })
            .sum();
        (format, matches, matched, score)
    });
    // Ties go to the earlier of Intune, Partner Center, MMD: Intune's three required
    // columns are also Partner Center's first three.
    let preference = |f: Format| match f {
        Format::Intune => 0,
        Format::PartnerCenter => 1,
        Format::Mmd => 2,
    };
    let best = scored
        .iter()
        .max_by(|a, b| a.3.cmp(&b.3).then(preference(b.0).cmp(&preference(a.0))))
        .filter(|(_, _, matched, _)| *matched >= 3 || (*matched >= 1 && *matched * 2 > named.len()));
    let Some((format, matches, _, _)) = best else {
        out.push(unknown_header(line, line_no, named));
        return None;
    };
    let format = *format;
    let title = format.title();
    let first_finding = out.len();

    let mut positions: Vec<Option<Column>> = Vec::with_capacity(cells.len());
    for (index, (&(offset, cell), found)) in named.iter().zip(matches).enumerate() {
        let column_no = char_column(line, offset);
        let name = bare_name(cell);
        let Some((column, how)) = *found else {
            let message = if name.is_empty() {
                format!("header column {} has no name", index + 1)
            } else {
                format!("column {} is not part of the {title} format", show_value(name))
            };
            out.push(
                Diagnostic::new(
                    line_no,
                    column_no,
                    Code::ExtraColumn,
                    message,
                    format!(
                        "delete this column and its values; the {title} header is `{}`",
                        format.full_header()
                    ),
                )
                .with("kind", if name.is_empty() { "unnamed" } else { "unknown" })
                .with("field", index + 1)
                .with("value", show_bare(name))
                .with("format", title)
                .with("header", format.full_header()),
            );
            positions.push(None);
            continue;
        };
        let expected = format.column_name(column).unwrap_or_default();
        if positions.contains(&Some(column)) {
            out.push(
                Diagnostic::new(
                    line_no,
                    column_no,
                    Code::RepeatedColumn,
                    format!(
                        "column `{expected}` appears more than once (again as header column {})",
                        index + 1
                    ),
                    "keep one of the two columns (and its values) and delete the other",
                )
                .with("column", expected)
                .with("field", index + 1),
            );
            positions.push(None);
            continue;
        }
        match how {
            Match::Exact => {}
            Match::Case => out.push(
                Diagnostic::new(
                    line_no,
                    column_no,
                    Code::HeaderCase,
                    format!(
                        "column name {} should be `{expected}`: header names are case-sensitive",
                        show_value(name)
                    ),
                    format!("write the header exactly as `{}` (`ztd csv fix` does)", format.full_header()),
                )
                .with("field", index + 1)
                .with("value", show_bare(name))
                .with("expected", expected)
                .with("header", format.full_header()),
            ),
            Match::Misspelled => out.push(
                Diagnostic::new(
                    line_no,
                    column_no,
                    Code::MisspelledColumn,
                    format!(
                        "column name {} is not a column of the {title} format; it looks like `{expected}`",
                        show_value(name)
                    ),
                    format!("rename it to `{expected}`; the {title} header is `{}`", format.full_header()),
                )
                .with("field", index + 1)
                .with("value", show_bare(name))
                .with("expected", expected)
                .with("format", title)
                .with("header", format.full_header()),
            ),
        }
        positions.push(Some(column));
    }

    // Order of the columns that are there.
    let canonical_index = |column: Column| format.columns().iter().position(|&c| c == column);
    let mut highest = None;
    for (index, column) in positions.iter().enumerate() {
        let Some(column) = column else { continue };
        let rank = canonical_index(*column);
        if highest.is_some_and(|h| rank < h) {
            let found: Vec<&str> =
                positions.iter().flatten().filter_map(|&c| format.column_name(c)).collect();
            let mut expected: Vec<Column> = positions.iter().flatten().copied().collect();
            expected.sort_by_key(|&c| canonical_index(c));
            let expected: Vec<&str> = expected.iter().filter_map(|&c| format.column_name(c)).collect();
            out.push(
                Diagnostic::new(
                    line_no,
                    char_column(line, named[index].0),
                    Code::HeaderOrder,
                    format!(
                        "columns are out of order: found `{}`, the {title} order is `{}`",
                        found.join(","),
                        expected.join(",")
                    ),
                    "reorder the columns, moving each row's values with them (`ztd csv fix` does)",
                )
                .with("field", index + 1)
                .with("found", found.join(","))
                .with("expected", expected.join(","))
                .with("format", title),
            );
            break;
        }
        highest = highest.max(Some(rank));
    }

    // Missing columns. Intune's Assigned User needs the Group Tag column before it.
    let has = |column: Column| positions.contains(&Some(column));
    let needed = match format {
        Format::Intune if has(Column::AssignedUser) => 4,
        other => other.required_columns(),
    };
    for (rank, &column) in format.columns()[..needed].iter().enumerate() {
        if has(column) {
            continue;
        }
        let name = format.column_name(column).unwrap_or_default();
        let at =
            named.get(rank).map_or(line.chars().count() as u64 + 1, |(offset, _)| char_column(line, *offset));
        let why = if column == Column::GroupTag {
            " (Assigned User must come right after it; leave its values empty when there is no tag)"
        } else {
            ""
        };
        out.push(
            Diagnostic::new(
                line_no,
                at,
                Code::MissingColumn,
                format!("column `{name}` of the {title} format is missing{why}"),
                format!(
                    "add `{name}` as column {} (with an empty value in rows that have none); the {title} header is `{}`",
                    rank + 1,
                    format.full_header()
                ),
            )
            .with("kind", if column == Column::GroupTag { "group-tag" } else { "other" })
            .with("column", name)
            .with("position", rank + 1)
            .with("format", title)
            .with("header", format.full_header()),
        );
    }

    let layout = match format {
        Format::Intune => Layout::intune(has(Column::GroupTag), has(Column::AssignedUser)),
        other => Layout::full(other),
    };
    let named_len = positions.len();
    if trailing_empty > 0 {
        let (offset, _) = cells[cells.len() - trailing_empty];
        out.push(trailing_empty_columns(
            line_no,
            char_column(line, offset.saturating_sub(1)),
            trailing_empty,
        ));
        positions.extend(std::iter::repeat_n(None, trailing_empty));
    }
    // Hints quote the header to write: the layout found (an Intune file without Assigned User
    // is not told to add one), not the format's longest header.
    let (full, found) = (format.full_header(), layout.header_line());
    for diagnostic in &mut out[first_finding..] {
        diagnostic.hint = diagnostic.hint.replace(&full, &found);
        if diagnostic.arg("header").is_some() {
            diagnostic.set("header", found.clone());
        }
    }
    Some(HeaderMap { layout, physical_len: positions.len(), named_len, positions, exact: false })
}

pub(crate) fn trailing_empty_columns(line: u64, column: u64, count: usize) -> Diagnostic {
    let what = if count == 1 { "an empty column".to_owned() } else { format!("{count} empty columns") };
    Diagnostic::new(
        line,
        column,
        Code::TrailingEmptyColumns,
        format!("line ends with {what} after the last one (trailing commas)"),
        "delete the trailing commas; spreadsheets add them when a column further right once held \
         data (`ztd csv fix` removes them)",
    )
    .with("count", count)
}

fn unknown_header(line: &str, line_no: u64, cells: &[(usize, &str)]) -> Diagnostic {
    let accepted: Vec<String> =
        Format::ALL.iter().map(|f| format!("{} `{}`", f.title(), f.full_header())).collect();
    // A first line with a hardware hash in it is a device row: the header is missing.
    let hash_at = cells.iter().position(|(_, cell)| {
        cell.len() >= 64
            && cell.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
    });
    let guess = match (cells.len(), hash_at) {
        (5, Some(2)) => Some(Format::PartnerCenter),
        (3..=5, Some(2)) => Some(Format::Intune),
        (4, Some(3)) => Some(Format::Mmd),
        _ => None,
    };
    let accepted_list = accepted.join("; ");
    let (message, hint, kind, header) = match (hash_at, guess) {
        (Some(_), Some(format)) => {
            let header = Layout::with_len(format, cells.len()).unwrap_or(Layout::full(format)).header_line();
            (
                "the first line is a device row, not a header: the header line is missing".to_owned(),
                format!("add the {} header `{header}` as the first line", format.title()),
                "device-row-format",
                Some((format.title(), header)),
            )
        }
        (Some(_), None) => (
            "the first line is a device row, not a header: the header line is missing".to_owned(),
            format!("add the header of your format as the first line: {accepted_list}"),
            "device-row",
            None,
        ),
        (None, _) => (
            format!("the first line {} is not the header of any device CSV format", show_value(line)),
            format!("the first line must be one of: {accepted_list}"),
            "other",
            None,
        ),
    };
    let mut diagnostic = Diagnostic::new(line_no, 1, Code::UnknownHeader, message, hint)
        .with("kind", kind)
        .with("value", show_bare(line))
        .with(
            "accepted",
            Format::ALL
                .iter()
                .map(|f| format!("{}: {}", f.title(), f.full_header()))
                .collect::<Vec<_>>()
                .join(" · "),
        );
    if let Some((title, header)) = header {
        diagnostic.set("format", title);
        diagnostic.set("header", header);
    }
    diagnostic
}

//! The three device CSV formats (docs/domain.md#registration): detection, streaming validation with precise
//! diagnostics, and the repairs of `ztd csv fix`, `split` and `convert`.
//!
//! - [`CsvReader`]: the streaming row API (server uploads and the CLI): numbered rows, each a
//!   [`DeviceInput`](crate::device::DeviceInput) or its [`Diagnostic`]s.
//! - [`sample`]: the sample file of a format (the portal's download, `ztd csv sample`).
//! - [`check`]: every problem of a whole file, duplicates included, in constant memory (except
//!   the duplicate index: memory proportional to the distinct devices).
//!
//! The rules and codes are documented in docs/csv-rules.md.

mod check;
mod convert;
mod diagnostic;
mod fix;
mod format;
mod header;
mod reader;
mod sample;
mod source;
mod text;
mod values;
mod write;

pub use check::{check, check_with, check_with_options, CheckOptions, CheckSummary};
pub use convert::{convert, split, Chunk, ConvertOptions, ConvertReport};
pub use diagnostic::{Arg, Code, Diagnostic};
pub use fix::{fix, Change, FixOptions, FixReport};
pub use format::{Column, Format, Layout, UnknownFormat};
pub use header::HeaderMap;
pub use reader::{CsvReader, FileError, ReadOptions, Row};
pub use sample::{sample, sample_tag_fits, SAMPLE_ASSIGNED_USER, SAMPLE_ROWS, SAMPLE_SEED};
pub use source::{TextEncoding, MAX_LINE_LEN};
pub use values::RowValues;
pub use write::{unwritable_in_csv, CsvWriter, WriteError};

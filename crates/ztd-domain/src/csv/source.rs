//! From bytes to lines: encoding detection (BOMs, UTF-16, binary garbage), streaming
//! UTF-16 decoding, and a bounded line reader. Memory stays constant whatever the input.

use std::io::{self, BufRead, BufReader, Cursor, Read};

use super::diagnostic::{Code, Diagnostic};

/// How many bytes are sniffed to tell text from binary.
const SNIFF_LEN: usize = 8 * 1024;
/// Longest line kept. A device row is at most a few thousand bytes (a hardware hash is
/// ~4,000 base64 characters and can be no longer than `hash::MAX_BASE64_LEN` ≈ 87,000); the
/// rest of a longer line is skipped so memory stays bounded on garbage without newlines.
pub const MAX_LINE_LEN: usize = 128 * 1024;
const BUFFER_LEN: usize = 64 * 1024;

/// The text encoding a file was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    /// ASCII, or bytes above 0x7F read per line as UTF-8 or Windows-1252 (see docs).
    Ascii,
    /// UTF-8 starting with a byte-order mark.
    Utf8Bom,
    Utf16Le {
        bom: bool,
    },
    Utf16Be {
        bom: bool,
    },
}

impl TextEncoding {
    /// The file-level diagnostic for an encoding the portals reject.
    fn diagnostic(self) -> Option<Diagnostic> {
        let (message, hint) = match self {
            TextEncoding::Ascii => return None,
            TextEncoding::Utf8Bom => (
                "the file starts with a UTF-8 byte-order mark (EF BB BF); the portals read it as part \
                 of the first column name"
                    .to_owned(),
                "save as ANSI/ASCII without BOM (PowerShell: `Export-Csv -Encoding ASCII`; Excel: \
                 \"CSV (Comma delimited)\", not \"CSV UTF-8\"), or run `ztd csv fix`",
            ),
            TextEncoding::Utf16Le { bom } | TextEncoding::Utf16Be { bom } => {
                let order = if matches!(self, TextEncoding::Utf16Le { .. }) { "little" } else { "big" };
                let mark = if bom { "with a byte-order mark" } else { "without byte-order mark" };
                (
                    format!(
                        "the file is UTF-16 ({order}-endian, {mark}), what PowerShell 5 `Out-File` and \
                         `>` write by default; the portals need ANSI/ASCII text"
                    ),
                    "run `ztd csv fix IN -o OUT`, or write the file with `Out-File -Encoding ascii` / \
                     `Export-Csv -Encoding ASCII -NoTypeInformation`",
                )
            }
        };
        let mut diagnostic = Diagnostic::new(1, 1, encoding_code(self), message, hint);
        if let TextEncoding::Utf16Le { bom } | TextEncoding::Utf16Be { bom } = self {
            let order = if matches!(self, TextEncoding::Utf16Le { .. }) { "little" } else { "big" };
            diagnostic.set("byte-order", order);
            diagnostic.set("bom", if bom { "yes" } else { "no" });
        }
        Some(diagnostic)
    }
}

fn encoding_code(encoding: TextEncoding) -> Code {
    match encoding {
        TextEncoding::Utf8Bom => Code::Utf8Bom,
        _ => Code::Utf16Encoding,
    }
}

/// An input ready to read: its encoding, the diagnostic for it if the portals reject it, and
/// its text.
pub(crate) type Opened<'r> = (TextEncoding, Option<Diagnostic>, Box<dyn BufRead + 'r>);

/// Reads the start of `reader`, decides the encoding, and returns a buffered reader of
/// UTF-8-or-ANSI text lines (UTF-16 decoded on the fly, BOMs removed).
pub(crate) fn open<'r, R: Read + 'r>(mut reader: R) -> Result<Opened<'r>, SourceError> {
    let mut prefix = Vec::with_capacity(SNIFF_LEN);
    (&mut reader).take(SNIFF_LEN as u64).read_to_end(&mut prefix)?;

    let encoding = sniff(&prefix)?;
    let skip = match encoding {
        TextEncoding::Utf8Bom => 3,
        TextEncoding::Utf16Le { bom: true } | TextEncoding::Utf16Be { bom: true } => 2,
        _ => 0,
    };
    // The byte-order mark is dropped before decoding so it never reaches a line.
    prefix.drain(..skip.min(prefix.len()));
    let rest = Cursor::new(prefix).chain(reader);
    let source: Box<dyn BufRead + 'r> = match encoding {
        TextEncoding::Utf16Le { .. } => Box::new(Utf16Decoder::new(rest, encoding_rs::UTF_16LE)),
        TextEncoding::Utf16Be { .. } => Box::new(Utf16Decoder::new(rest, encoding_rs::UTF_16BE)),
        _ => Box::new(BufReader::with_capacity(BUFFER_LEN, rest)),
    };
    Ok((encoding, encoding.diagnostic(), source))
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum SourceError {
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error("{0}")]
    Unusable(Box<Diagnostic>),
}

fn sniff(prefix: &[u8]) -> Result<TextEncoding, SourceError> {
    let encoding = match prefix {
        [0xEF, 0xBB, 0xBF, ..] => TextEncoding::Utf8Bom,
        [0xFF, 0xFE, ..] => TextEncoding::Utf16Le { bom: true },
        [0xFE, 0xFF, ..] => TextEncoding::Utf16Be { bom: true },
        _ => {
            if let Some(kind) = known_binary(prefix) {
                return Err(unusable(
                    Code::BinaryFile,
                    format!("the file is {}, not a CSV text file", kind.1),
                    "export the sheet as \"CSV (Comma delimited)\" and check that file instead",
                    kind.0,
                ));
            }
            if prefix.contains(&0) {
                // UTF-16 without BOM: ASCII text has a NUL in every other byte.
                let pairs = prefix.len() / 2;
                let zero_odd = prefix.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
                let zero_even = prefix.iter().step_by(2).filter(|&&b| b == 0).count();
                if pairs > 0 && zero_odd * 10 >= pairs * 9 && zero_even * 10 < pairs {
                    TextEncoding::Utf16Le { bom: false }
                } else if pairs > 0 && zero_even * 10 >= pairs * 9 && zero_odd * 10 < pairs {
                    TextEncoding::Utf16Be { bom: false }
                } else {
                    return Err(binary());
                }
            } else {
                TextEncoding::Ascii
            }
        }
    };
    if matches!(encoding, TextEncoding::Ascii | TextEncoding::Utf8Bom) {
        let controls = prefix.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')).count();
        if controls * 20 > prefix.len() {
            return Err(binary());
        }
    }
    Ok(encoding)
}

/// A file kind recognised by its first bytes: (the `kind` argument, the English words).
fn known_binary(prefix: &[u8]) -> Option<(&'static str, &'static str)> {
    Some(match prefix {
        [b'P', b'K', 3, 4, ..] => ("zip", "a ZIP archive (an Excel .xlsx workbook?)"),
        [0xD0, 0xCF, 0x11, 0xE0, ..] => ("xls", "an old Excel .xls workbook (OLE2)"),
        [b'%', b'P', b'D', b'F', ..] => ("pdf", "a PDF document"),
        [0x1F, 0x8B, ..] => ("gzip", "gzip-compressed"),
        _ => return None,
    })
}

fn binary() -> SourceError {
    unusable(
        Code::BinaryFile,
        "the file contains NUL or control bytes that no text encoding explains: it is not a text file"
            .to_owned(),
        "check that you picked the CSV file; export it again as \"CSV (Comma delimited)\"",
        "control",
    )
}

/// A file that is no text at all; `kind` is the diagnostic's `kind` argument.
pub(crate) fn unusable(code: Code, message: String, hint: &str, kind: &'static str) -> SourceError {
    SourceError::Unusable(Box::new(Diagnostic::new(1, 1, code, message, hint).with("kind", kind)))
}

/// A streaming UTF-16 → UTF-8 decoder with fixed buffers.
struct Utf16Decoder<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Box<[u8]>,
    raw_len: usize,
    out: Box<[u8]>,
    out_start: usize,
    out_end: usize,
    inner_done: bool,
    finished: bool,
}

impl<R: Read> Utf16Decoder<R> {
    fn new(inner: R, encoding: &'static encoding_rs::Encoding) -> Self {
        Self {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            raw: vec![0; BUFFER_LEN / 2].into_boxed_slice(),
            raw_len: 0,
            // Each UTF-16 code unit (2 bytes) becomes at most 3 UTF-8 bytes, plus slack for a
            // pending surrogate half, so one pass always fits.
            out: vec![0; BUFFER_LEN * 3 / 4 + 16].into_boxed_slice(),
            out_start: 0,
            out_end: 0,
            inner_done: false,
            finished: false,
        }
    }
}

impl<R: Read> Read for Utf16Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Utf16Decoder<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.out_start == self.out_end && !self.finished {
            if !self.inner_done && self.raw_len == 0 {
                let n = loop {
                    match self.inner.read(&mut self.raw) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        other => break other?,
                    }
                };
                self.raw_len = n;
                self.inner_done = n == 0;
            }
            let last = self.inner_done;
            let (result, read, written, _) =
                self.decoder.decode_to_utf8(&self.raw[..self.raw_len], &mut self.out, last);
            // The decoder keeps a trailing odd byte in its own state, so it consumes all input
            // unless the output is full; any unread remainder waits for the next round.
            self.raw.copy_within(read..self.raw_len, 0);
            self.raw_len -= read;
            self.out_start = 0;
            self.out_end = written;
            self.finished = last && result == encoding_rs::CoderResult::InputEmpty;
        }
        Ok(&self.out[self.out_start..self.out_end])
    }

    fn consume(&mut self, amount: usize) {
        self.out_start = (self.out_start + amount).min(self.out_end);
    }
}

/// What ended a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    Lf,
    CrLf,
    /// End of file without newline.
    None,
}

/// One line read into the caller's buffer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineInfo {
    pub number: u64,
    /// Bytes past [`MAX_LINE_LEN`] were dropped.
    pub too_long: bool,
    pub ending: Ending,
}

/// Reads lines into a reused buffer, never holding more than [`MAX_LINE_LEN`] bytes.
pub(crate) struct Lines<'r> {
    inner: Box<dyn BufRead + 'r>,
    number: u64,
}

impl<'r> Lines<'r> {
    pub fn new(inner: Box<dyn BufRead + 'r>) -> Self {
        Self { inner, number: 0 }
    }

    /// Reads the next line (without its ending) into `buf`, cleared first; `None` at end.
    #[cfg(test)]
    pub fn next_into(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<LineInfo>> {
        buf.clear();
        self.append_line(buf)
    }

    /// Appends the next line (without its ending) to `buf`; `None` at end of input. The
    /// line is `buf[len before the call..]`.
    pub fn append_line(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<LineInfo>> {
        let start = buf.len();
        let mut too_long = false;
        let mut any = false;
        let mut newline = false;
        loop {
            let available = match self.inner.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                break;
            }
            any = true;
            let (chunk, used) = match memchr::memchr(b'\n', available) {
                Some(at) => {
                    newline = true;
                    (&available[..at], at + 1)
                }
                None => (available, available.len()),
            };
            let room = MAX_LINE_LEN.saturating_sub(buf.len() - start);
            if chunk.len() > room {
                too_long = true;
            }
            buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
            self.inner.consume(used);
            if newline {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.number += 1;
        let ending = if !newline {
            Ending::None
        } else if buf.len() > start && buf.last() == Some(&b'\r') {
            buf.pop();
            Ending::CrLf
        } else {
            Ending::Lf
        };
        Ok(Some(LineInfo { number: self.number, too_long, ending }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_decoder_streams_across_small_buffers() {
        let text = "Device Serial Number,Windows Product ID\r\nÄbc,123\r\n".repeat(3000);
        let mut bytes = Vec::new();
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let mut decoded = String::new();
        Utf16Decoder::new(Cursor::new(bytes), encoding_rs::UTF_16LE).read_to_string(&mut decoded).unwrap();
        assert_eq!(decoded, text);
    }

    #[test]
    fn long_lines_are_cut_not_buffered() {
        let mut data = vec![b'x'; MAX_LINE_LEN * 3];
        data.extend_from_slice(b"\nnext\r\n");
        let mut lines = Lines::new(Box::new(Cursor::new(data)));
        let mut buf = Vec::new();
        let first = lines.next_into(&mut buf).unwrap().unwrap();
        assert!(first.too_long);
        assert_eq!(buf.len(), MAX_LINE_LEN);
        let second = lines.next_into(&mut buf).unwrap().unwrap();
        assert_eq!((second.number, second.ending, buf.as_slice()), (2, Ending::CrLf, &b"next"[..]));
        assert!(lines.next_into(&mut buf).unwrap().is_none());
    }
}

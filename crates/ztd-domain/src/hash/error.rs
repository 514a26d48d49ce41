//! Why a hardware hash is invalid: one variant per failure, each carrying where it happened.

use serde::Serialize;
use std::fmt;

use super::{CHECKSUM_RECORD_LEN, DIGEST_LEN, HEADER_LEN, MAX_BASE64_LEN, RECORD_HEADER_LEN};

/// A hardware hash that fails validation (docs/domain.md#device-identity). Reported as `invalid_hardware_hash` with the
/// `Display` text as the reason.
///
/// Positions in the base64 text (`position`) are 0-based byte offsets into the text; offsets in
/// the decoded blob (`offset`) are 0-based byte offsets into the blob.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HashError {
    #[error("empty hardware hash")]
    Empty,
    #[error(
        "hardware hash is {length} characters, longer than the largest possible hash ({MAX_BASE64_LEN})"
    )]
    TooLong { length: usize },
    #[error("not base64: character {character:?} at position {position}")]
    InvalidCharacter { character: char, position: usize },
    #[error("not base64: padding '=' at position {position} before the end")]
    MisplacedPadding { position: usize },
    #[error(
        "not base64: length {length} is not a multiple of 4 (the '=' padding at the end is missing or incomplete)"
    )]
    MissingPadding { length: usize },
    #[error(
        "hardware hash is truncated: its {length} characters hold {available_bytes} bytes, but its header declares {declared_bytes}"
    )]
    Truncated { length: usize, declared_bytes: usize, available_bytes: usize },
    #[error("not base64: wrong '=' padding at the end")]
    InvalidPadding,
    #[error("not base64: last character {character:?} at position {position} has stray low bits")]
    InvalidLastCharacter { character: char, position: usize },
    #[error("blob is {length} bytes, shorter than its {HEADER_LEN}-byte header")]
    TooShort { length: usize },
    #[error("bad magic at byte 0: expected \"OA\", found {}", ShowBytes(found))]
    BadMagic { found: [u8; 2] },
    #[error("checksum record offset {offset} (bytes 2-3) points inside the {HEADER_LEN}-byte header")]
    ChecksumOffsetInHeader { offset: usize },
    #[error(
        "checksum record offset {offset} (bytes 2-3) is past the end of the {blob_length}-byte blob (truncated hash?)"
    )]
    ChecksumOffsetPastEnd { offset: usize, blob_length: usize },
    #[error(
        "record header at byte {offset} truncated: {available} of {RECORD_HEADER_LEN} bytes before the checksum record at byte {checksum_offset}"
    )]
    RecordHeaderTruncated { offset: usize, available: usize, checksum_offset: usize },
    #[error(
        "record type {record_type} at byte {offset} declares length {length}, less than its {RECORD_HEADER_LEN}-byte header"
    )]
    RecordLengthTooSmall { record_type: u16, offset: usize, length: usize },
    #[error("record type {record_type} at byte {offset} runs past the end")]
    RecordPastEnd { record_type: u16, offset: usize, length: usize, blob_length: usize },
    #[error(
        "record type {record_type} at byte {offset} (length {length}) overlaps the checksum record at byte {checksum_offset}"
    )]
    RecordOverlapsChecksum { record_type: u16, offset: usize, length: usize, checksum_offset: usize },
    #[error("checksum record truncated: {available} of {RECORD_HEADER_LEN} header bytes at byte {offset}")]
    ChecksumHeaderTruncated { offset: usize, available: usize },
    #[error("checksum record missing: expected \"CS\" at byte {offset}, found {}", ShowBytes(found))]
    ChecksumMissing { offset: usize, found: [u8; 2] },
    #[error("checksum record at byte {offset} declares length {length}, expected {CHECKSUM_RECORD_LEN}")]
    ChecksumLength { offset: usize, length: usize },
    #[error("checksum record truncated: {available} of {DIGEST_LEN} bytes")]
    ChecksumTruncated { offset: usize, available: usize },
    #[error("{count} unexpected bytes after the checksum record, from byte {offset}")]
    TrailingBytes { offset: usize, count: usize },
    #[error(
        "checksum mismatch: the checksum record at byte {offset} holds {}, but the SHA-256 of bytes 0..{offset} is {}",
        Hex(stored),
        Hex(computed)
    )]
    ChecksumMismatch { offset: usize, stored: [u8; DIGEST_LEN], computed: [u8; DIGEST_LEN] },
}

/// Lowercase hex of a byte string, for messages.
pub(crate) struct Hex<'a>(pub &'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// Two bytes shown as text when printable (`"AB"`), else as hex (`0x00 0xff`).
struct ShowBytes<'a>(&'a [u8; 2]);

impl fmt::Display for ShowBytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.iter().all(|b| b.is_ascii_graphic()) {
            write!(f, "\"{}{}\"", self.0[0] as char, self.0[1] as char)
        } else {
            write!(f, "0x{:02x} 0x{:02x}", self.0[0], self.0[1])
        }
    }
}

/// Why a synthetic hash could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("record type {record_type}: value of {length} bytes does not fit a u16 record length")]
    RecordTooLong { record_type: u16, length: usize },
    #[error("record type {record_type}: text contains a NUL character, which would end the string early")]
    NulInText { record_type: u16 },
    #[error("records take {length} bytes; the checksum offset must fit in a u16")]
    BlobTooLong { length: usize },
}

//! The Autopilot hardware hash ("4K hash", docs/domain.md#device-identity): decode, validate, encode synthetic ones.
//!
//! Layout of the decoded blob:
//!
//! ```text
//! "OA" | u16 LE checksum offset | record* | "CS" | u16 LE 36 | SHA-256(blob[..checksum offset])
//! record = u16 LE type | u16 LE length (including this 4-byte header) | value
//! ```
//!
//! Two ways in:
//! - [`decode`] gives an owned [`DecodedHash`] with every record read (CLI, JSON, portal);
//! - [`decode_into`] decodes into a caller's reused buffer and gives a borrowed [`HashView`]: the
//!   hot path of checking large CSV files (one base64 pass, one SHA-256 pass, no allocation once
//!   the buffer has grown).

mod encode;
mod error;
mod record;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::borrow::Cow;

pub use encode::{encode, HashBuilder, HashFields};
pub use error::{EncodeError, HashError};
pub use record::{
    format_mac, format_uuid, parse_uuid, HashNote, RecordType, RecordValue, TextValue, ValueLayout,
};

/// The first two bytes of every blob.
pub const MAGIC: [u8; 2] = *b"OA";
/// The type field of the checksum record.
pub const CHECKSUM_TAG: [u8; 2] = *b"CS";
/// Magic plus checksum offset.
pub const HEADER_LEN: usize = 4;
/// Type plus length.
pub const RECORD_HEADER_LEN: usize = 4;
/// SHA-256.
pub const DIGEST_LEN: usize = 32;
/// Header plus digest.
pub const CHECKSUM_RECORD_LEN: usize = RECORD_HEADER_LEN + DIGEST_LEN;
/// The checksum offset is a u16, so no valid blob is longer than this.
pub const MAX_BLOB_LEN: usize = u16::MAX as usize + CHECKSUM_RECORD_LEN;
/// Base64 length of the longest possible blob; longer text is rejected before decoding.
pub const MAX_BASE64_LEN: usize = MAX_BLOB_LEN.div_ceil(3) * 4;

/// Decodes standard base64 (padding required) into `out` (cleared first), with a precise error.
pub fn decode_base64_into(text: &str, out: &mut Vec<u8>) -> Result<(), HashError> {
    out.clear();
    if text.is_empty() {
        return Err(HashError::Empty);
    }
    if text.len() > MAX_BASE64_LEN {
        return Err(HashError::TooLong { length: text.len() });
    }
    STANDARD.decode_vec(text, out).map_err(|error| match base64_error(text, error) {
        HashError::MissingPadding { length } => {
            truncation(text).unwrap_or(HashError::MissingPadding { length })
        }
        other => other,
    })
}

/// When the text stops short of the length its own header declares, says so: "truncated" is
/// what happened (a cell cut by an editor or a copy), not "bad padding".
fn truncation(text: &str) -> Option<HashError> {
    let mut header = [0u8; 6];
    STANDARD.decode_slice(text.get(..8)?, &mut header).ok()?;
    if header[..2] != MAGIC {
        return None;
    }
    let declared_bytes = usize::from(u16::from_le_bytes([header[2], header[3]])) + CHECKSUM_RECORD_LEN;
    let available_bytes = text.len() * 3 / 4;
    (declared_bytes > available_bytes).then_some(HashError::Truncated {
        length: text.len(),
        declared_bytes,
        available_bytes,
    })
}

fn base64_error(text: &str, error: base64::DecodeError) -> HashError {
    // The offset of an invalid byte is where a character starts: bytes are checked in order, so
    // a multi-byte character fails on its first byte.
    let char_at = |position: usize, byte: u8| {
        text.get(position..).and_then(|rest| rest.chars().next()).unwrap_or(byte as char)
    };
    match error {
        base64::DecodeError::InvalidByte(position, b'=') => HashError::MisplacedPadding { position },
        base64::DecodeError::InvalidByte(position, byte) => {
            HashError::InvalidCharacter { character: char_at(position, byte), position }
        }
        base64::DecodeError::InvalidLastSymbol(position, byte) => {
            HashError::InvalidLastCharacter { character: char_at(position, byte), position }
        }
        base64::DecodeError::InvalidLength(_) => HashError::MissingPadding { length: text.len() },
        base64::DecodeError::InvalidPadding if text.len() / 4 * 4 != text.len() => {
            HashError::MissingPadding { length: text.len() }
        }
        base64::DecodeError::InvalidPadding => HashError::InvalidPadding,
    }
}

/// Decodes `text` into `buf` (reused across calls) and validates the blob.
pub fn decode_into<'b>(text: &str, buf: &'b mut Vec<u8>) -> Result<HashView<'b>, HashError> {
    decode_base64_into(text, buf)?;
    HashView::parse(buf)
}

/// Decodes and validates `text`, reading every record.
pub fn decode(text: &str) -> Result<DecodedHash, HashError> {
    let mut buf = Vec::with_capacity(text.len() / 4 * 3);
    let view = decode_into(text, &mut buf)?;
    Ok(view.to_decoded())
}

/// Only validates `text` (structure and checksum); `buf` is reused across calls.
pub fn validate(text: &str, buf: &mut Vec<u8>) -> Result<(), HashError> {
    decode_into(text, buf).map(|_| ())
}

fn read_u16(blob: &[u8], at: usize) -> Option<u16> {
    blob.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]))
}

/// A validated blob, borrowed. Constructing one checks everything docs/domain.md#device-identity asks; reading its
/// records afterwards cannot fail.
#[derive(Debug, Clone, Copy)]
pub struct HashView<'a> {
    blob: &'a [u8],
    checksum_offset: usize,
}

impl<'a> HashView<'a> {
    /// Validates magic, checksum offset, every record's bounds and the checksum record.
    pub fn parse(blob: &'a [u8]) -> Result<Self, HashError> {
        let blob_length = blob.len();
        let (Some(magic), Some(checksum_offset)) = (blob.first_chunk::<2>(), read_u16(blob, 2)) else {
            return Err(HashError::TooShort { length: blob_length });
        };
        if *magic != MAGIC {
            return Err(HashError::BadMagic { found: *magic });
        }
        let checksum_offset = usize::from(checksum_offset);
        if checksum_offset < HEADER_LEN {
            return Err(HashError::ChecksumOffsetInHeader { offset: checksum_offset });
        }
        if checksum_offset > blob_length {
            return Err(HashError::ChecksumOffsetPastEnd { offset: checksum_offset, blob_length });
        }

        let mut offset = HEADER_LEN;
        while offset < checksum_offset {
            let available = checksum_offset - offset;
            let header =
                blob.get(offset..offset + RECORD_HEADER_LEN).filter(|_| available >= RECORD_HEADER_LEN);
            let Some(header) = header else {
                return Err(HashError::RecordHeaderTruncated { offset, available, checksum_offset });
            };
            let record_type = u16::from_le_bytes([header[0], header[1]]);
            let length = u16::from_le_bytes([header[2], header[3]]);
            let length = usize::from(length);
            if length < RECORD_HEADER_LEN {
                return Err(HashError::RecordLengthTooSmall { record_type, offset, length });
            }
            let end = offset + length;
            if end > blob_length {
                return Err(HashError::RecordPastEnd { record_type, offset, length, blob_length });
            }
            if end > checksum_offset {
                return Err(HashError::RecordOverlapsChecksum {
                    record_type,
                    offset,
                    length,
                    checksum_offset,
                });
            }
            offset = end;
        }

        let checksum_record = &blob[checksum_offset..];
        let Some((header, digest)) = checksum_record.split_first_chunk::<RECORD_HEADER_LEN>() else {
            return Err(HashError::ChecksumHeaderTruncated {
                offset: checksum_offset,
                available: checksum_record.len(),
            });
        };
        let tag = [header[0], header[1]];
        if tag != CHECKSUM_TAG {
            return Err(HashError::ChecksumMissing { offset: checksum_offset, found: tag });
        }
        let declared = usize::from(u16::from_le_bytes([header[2], header[3]]));
        if declared != CHECKSUM_RECORD_LEN {
            return Err(HashError::ChecksumLength { offset: checksum_offset, length: declared });
        }
        let Some((stored, trailing)) = digest.split_first_chunk::<DIGEST_LEN>() else {
            return Err(HashError::ChecksumTruncated { offset: checksum_offset, available: digest.len() });
        };
        if !trailing.is_empty() {
            return Err(HashError::TrailingBytes {
                offset: checksum_offset + CHECKSUM_RECORD_LEN,
                count: trailing.len(),
            });
        }
        let computed: [u8; DIGEST_LEN] = Sha256::digest(&blob[..checksum_offset]).into();
        if computed != *stored {
            return Err(HashError::ChecksumMismatch { offset: checksum_offset, stored: *stored, computed });
        }
        Ok(HashView { blob, checksum_offset })
    }

    pub fn blob(&self) -> &'a [u8] {
        self.blob
    }

    pub fn checksum_offset(&self) -> usize {
        self.checksum_offset
    }

    /// The records between the header and the checksum record, in order.
    pub fn records(&self) -> Records<'a> {
        Records { blob: self.blob, offset: HEADER_LEN, end: self.checksum_offset }
    }

    /// The identity fields, read in one pass without allocating (first record of a type wins).
    pub fn identity(&self) -> HashIdentity<'a> {
        let mut identity = HashIdentity::default();
        for record in self.records() {
            let slot = match record.record_type {
                RecordType::SerialNumber => &mut identity.serial_number,
                RecordType::Manufacturer => &mut identity.manufacturer,
                RecordType::ProductName => &mut identity.model,
                RecordType::ProductKeyId => &mut identity.product_key_id,
                RecordType::SmbiosUuid => {
                    if identity.smbios_uuid.is_none() {
                        identity.smbios_uuid = record.value.try_into().ok();
                    }
                    continue;
                }
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(TextValue::read(record.value).text);
            }
        }
        identity
    }

    /// Reads every record into an owned [`DecodedHash`].
    pub fn to_decoded(&self) -> DecodedHash {
        let mut notes = Vec::new();
        let mut records = Vec::new();
        for raw in self.records() {
            let value = record::read_value(raw.record_type, raw.offset, raw.value, &mut notes);
            records.push(DecodedRecord {
                offset: raw.offset,
                type_code: raw.record_type.code(),
                name: raw.record_type.name(),
                length: raw.length(),
                value,
            });
        }
        // An identity field comes from the first record of its type; later ones get a note.
        let field = |record_type: RecordType, notes: &mut Vec<HashNote>| {
            let mut values = records.iter().filter(|r| r.type_code == record_type.code());
            let first = values.next().and_then(|r| match &r.value {
                RecordValue::Text { text } => Some(text.clone()),
                _ => None,
            });
            notes.extend(values.map(|ignored| HashNote {
                offset: ignored.offset,
                record_type: record_type.code(),
                message: format!("another {} record: ignored, the first one is used", record_type.name()),
            }));
            first
        };
        let serial_number = field(RecordType::SerialNumber, &mut notes);
        let manufacturer = field(RecordType::Manufacturer, &mut notes);
        let model = field(RecordType::ProductName, &mut notes);
        let product_key_id = field(RecordType::ProductKeyId, &mut notes);
        let tpm_version = field(RecordType::TpmVersion, &mut notes);
        let smbios_uuid = records.iter().find_map(|r| match &r.value {
            RecordValue::Uuid { uuid } if r.type_code == RecordType::SmbiosUuid.code() => Some(uuid.clone()),
            _ => None,
        });
        let mac_addresses = records
            .iter()
            .filter_map(|r| match &r.value {
                RecordValue::NetworkAdapter { mac, .. } => Some(mac.clone()),
                _ => None,
            })
            .collect();
        let checksum = &self.blob[self.checksum_offset + RECORD_HEADER_LEN..];
        DecodedHash {
            blob_length: self.blob.len(),
            checksum_offset: self.checksum_offset,
            checksum: error::Hex(checksum).to_string(),
            serial_number,
            manufacturer,
            model,
            product_key_id,
            smbios_uuid,
            tpm_version,
            mac_addresses,
            records,
            notes,
        }
    }
}

/// What can still be read from a hash that does not validate: the records before the point
/// where it breaks (a cut-off copy, a stray character, a wrong checksum), read as
/// [`decode`] reads them. Nothing here is checked: the checksum may not match, so it tells a
/// person which device the hash was meant to be (its serial number) and nothing more.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SalvagedHash {
    /// Bytes decoded from the base64 text up to the first character that is not base64.
    pub blob_length: usize,
    pub serial_number: Option<String>,
    pub manufacturer: Option<String>,
    /// SMBIOS product name.
    pub model: Option<String>,
    pub product_key_id: Option<String>,
    /// Every whole record before the checksum record (or the end of what was decoded).
    pub records: Vec<DecodedRecord>,
    /// Lenient-decoding remarks, as for a valid hash.
    pub notes: Vec<HashNote>,
}

/// Reads what it can of a hash `text` that may be invalid (see [`SalvagedHash`]). Never fails:
/// text without a readable header gives no records.
pub fn salvage(text: &str) -> SalvagedHash {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let text = text.get(..MAX_BASE64_LEN).unwrap_or(text);
    let valid = text.bytes().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/')).count();
    // A last group of one character holds no whole byte.
    let usable = if valid % 4 == 1 { valid - 1 } else { valid };
    let Ok(blob) = LENIENT.decode(&text[..usable]) else { return SalvagedHash::default() };
    let mut salvaged = SalvagedHash { blob_length: blob.len(), ..SalvagedHash::default() };
    if blob.get(..2) != Some(&MAGIC[..]) {
        return salvaged;
    }
    let declared = read_u16(&blob, 2).map_or(blob.len(), usize::from);
    let end = if declared >= HEADER_LEN { declared.min(blob.len()) } else { blob.len() };
    let mut offset = HEADER_LEN;
    while let (Some(record_type), Some(length)) = (read_u16(&blob, offset), read_u16(&blob, offset + 2)) {
        let length = usize::from(length);
        let Some(value) = blob.get(offset + RECORD_HEADER_LEN..offset + length) else { break };
        if length < RECORD_HEADER_LEN || offset + length > end {
            break;
        }
        let record_type = RecordType::from_code(record_type);
        let read = record::read_value(record_type, offset, value, &mut salvaged.notes);
        let slot = match record_type {
            RecordType::SerialNumber => Some(&mut salvaged.serial_number),
            RecordType::Manufacturer => Some(&mut salvaged.manufacturer),
            RecordType::ProductName => Some(&mut salvaged.model),
            RecordType::ProductKeyId => Some(&mut salvaged.product_key_id),
            _ => None,
        };
        if let (Some(slot @ None), RecordValue::Text { text }) = (slot, &read) {
            *slot = Some(text.clone()).filter(|text| !text.is_empty());
        }
        salvaged.records.push(DecodedRecord {
            offset,
            type_code: record_type.code(),
            name: record_type.name(),
            length,
            value: read,
        });
        offset += length;
    }
    salvaged
}

/// One record as stored: its offset in the blob, type and value bytes (header excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawRecord<'a> {
    pub offset: usize,
    pub record_type: RecordType,
    pub value: &'a [u8],
}

impl RawRecord<'_> {
    /// The declared length, header included.
    pub fn length(&self) -> usize {
        self.value.len() + RECORD_HEADER_LEN
    }
}

/// Iterator over the records of a validated blob.
#[derive(Debug, Clone)]
pub struct Records<'a> {
    blob: &'a [u8],
    offset: usize,
    end: usize,
}

impl<'a> Iterator for Records<'a> {
    type Item = RawRecord<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.offset >= self.end {
            return None;
        }
        let offset = self.offset;
        let record_type = RecordType::from_code(read_u16(self.blob, offset)?);
        let length = usize::from(read_u16(self.blob, offset + 2)?);
        // Validated by `HashView::parse`; `get` keeps this panic-free regardless.
        let value = self.blob.get(offset + RECORD_HEADER_LEN..offset + length)?;
        self.offset = offset + length;
        Some(RawRecord { offset, record_type, value })
    }
}

/// The identity fields of a hash, borrowed from the blob where they are clean ASCII.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HashIdentity<'a> {
    pub serial_number: Option<Cow<'a, str>>,
    pub manufacturer: Option<Cow<'a, str>>,
    /// SMBIOS product name.
    pub model: Option<Cow<'a, str>>,
    pub product_key_id: Option<Cow<'a, str>>,
    pub smbios_uuid: Option<[u8; 16]>,
}

/// A decoded, valid hash with every record read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecodedHash {
    pub blob_length: usize,
    pub checksum_offset: usize,
    /// The stored SHA-256, hex (it matched).
    pub checksum: String,
    pub serial_number: Option<String>,
    pub manufacturer: Option<String>,
    /// SMBIOS product name.
    pub model: Option<String>,
    pub product_key_id: Option<String>,
    /// 8-4-4-4-12, lowercase.
    pub smbios_uuid: Option<String>,
    pub tpm_version: Option<String>,
    /// `aa:bb:cc:dd:ee:ff`, one per network adapter record, in order.
    pub mac_addresses: Vec<String>,
    pub records: Vec<DecodedRecord>,
    /// Lenient-decoding remarks (unterminated or non-ASCII strings, odd value sizes).
    pub notes: Vec<HashNote>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecodedRecord {
    pub offset: usize,
    #[serde(rename = "type")]
    pub type_code: u16,
    pub name: &'static str,
    /// Declared length, header included.
    pub length: usize,
    pub value: RecordValue,
}

impl DecodedRecord {
    pub fn record_type(&self) -> RecordType {
        RecordType::from_code(self.type_code)
    }
}

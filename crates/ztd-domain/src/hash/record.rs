//! Record types of the hardware hash and how their values are read (docs/domain.md#device-identity).
//!
//! The real format is undocumented; the value layouts below are ztd's model of it (see
//! docs/hardware-hash.md). Reading a value is lenient: anything odd becomes a [`HashNote`],
//! never an error, because only the structure and the checksum decide validity.

use serde::Serialize;
use std::borrow::Cow;

use super::error::Hex;

/// The type of one record. Unknown types are kept as [`RecordType::Unknown`], never an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordType {
    OsVersions,
    CpuArchitecture,
    CpuVendor,
    CpuModel,
    Memory,
    DiskInfo,
    DiskSerial,
    NetworkAdapter,
    Display,
    ChassisPowerRole,
    OfflineDeviceId,
    SmbiosUuid,
    TpmVersion,
    SerialNumber,
    FirmwareVendor,
    Manufacturer,
    ProductName,
    Sku,
    Family,
    BaseboardManufacturer,
    BaseboardProduct,
    BaseboardVersion,
    BaseboardSerial,
    ProductKeyId,
    TpmEndorsementKey,
    ProductKeyPartNumber,
    DiskSerialV2,
    Unknown(u16),
}

/// How a record's value is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueLayout {
    /// NUL-terminated ASCII.
    Text,
    /// 16 bytes, shown 8-4-4-4-12.
    Uuid,
    /// 6-byte MAC, then an optional NUL-terminated ASCII description.
    NetworkAdapter,
    /// u64 little-endian (memory size in bytes).
    U64,
    /// Opaque bytes, shown as hex.
    Bytes,
}

impl RecordType {
    /// Every named type, in code order (for docs and tests).
    pub const KNOWN: [RecordType; 27] = [
        Self::OsVersions,
        Self::CpuArchitecture,
        Self::CpuVendor,
        Self::CpuModel,
        Self::Memory,
        Self::DiskInfo,
        Self::DiskSerial,
        Self::NetworkAdapter,
        Self::Display,
        Self::ChassisPowerRole,
        Self::OfflineDeviceId,
        Self::SmbiosUuid,
        Self::TpmVersion,
        Self::SerialNumber,
        Self::FirmwareVendor,
        Self::Manufacturer,
        Self::ProductName,
        Self::Sku,
        Self::Family,
        Self::BaseboardManufacturer,
        Self::BaseboardProduct,
        Self::BaseboardVersion,
        Self::BaseboardSerial,
        Self::ProductKeyId,
        Self::TpmEndorsementKey,
        Self::ProductKeyPartNumber,
        Self::DiskSerialV2,
    ];

    pub fn from_code(code: u16) -> Self {
        match code {
            1 => Self::OsVersions,
            2 => Self::CpuArchitecture,
            3 => Self::CpuVendor,
            4 => Self::CpuModel,
            5 => Self::Memory,
            6 => Self::DiskInfo,
            7 => Self::DiskSerial,
            8 => Self::NetworkAdapter,
            9 => Self::Display,
            10 => Self::ChassisPowerRole,
            11 => Self::OfflineDeviceId,
            12 => Self::SmbiosUuid,
            13 => Self::TpmVersion,
            14 => Self::SerialNumber,
            15 => Self::FirmwareVendor,
            16 => Self::Manufacturer,
            17 => Self::ProductName,
            18 => Self::Sku,
            19 => Self::Family,
            20 => Self::BaseboardManufacturer,
            21 => Self::BaseboardProduct,
            22 => Self::BaseboardVersion,
            23 => Self::BaseboardSerial,
            24 => Self::ProductKeyId,
            25 => Self::TpmEndorsementKey,
            26 => Self::ProductKeyPartNumber,
            28 => Self::DiskSerialV2,
            other => Self::Unknown(other),
        }
    }

    pub fn code(self) -> u16 {
        match self {
            Self::OsVersions => 1,
            Self::CpuArchitecture => 2,
            Self::CpuVendor => 3,
            Self::CpuModel => 4,
            Self::Memory => 5,
            Self::DiskInfo => 6,
            Self::DiskSerial => 7,
            Self::NetworkAdapter => 8,
            Self::Display => 9,
            Self::ChassisPowerRole => 10,
            Self::OfflineDeviceId => 11,
            Self::SmbiosUuid => 12,
            Self::TpmVersion => 13,
            Self::SerialNumber => 14,
            Self::FirmwareVendor => 15,
            Self::Manufacturer => 16,
            Self::ProductName => 17,
            Self::Sku => 18,
            Self::Family => 19,
            Self::BaseboardManufacturer => 20,
            Self::BaseboardProduct => 21,
            Self::BaseboardVersion => 22,
            Self::BaseboardSerial => 23,
            Self::ProductKeyId => 24,
            Self::TpmEndorsementKey => 25,
            Self::ProductKeyPartNumber => 26,
            Self::DiskSerialV2 => 28,
            Self::Unknown(code) => code,
        }
    }

    /// Stable snake_case name, used in text and JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Self::OsVersions => "os_versions",
            Self::CpuArchitecture => "cpu_architecture",
            Self::CpuVendor => "cpu_vendor",
            Self::CpuModel => "cpu_model",
            Self::Memory => "memory",
            Self::DiskInfo => "disk_info",
            Self::DiskSerial => "disk_serial",
            Self::NetworkAdapter => "network_adapter",
            Self::Display => "display",
            Self::ChassisPowerRole => "chassis_power_role",
            Self::OfflineDeviceId => "offline_device_id",
            Self::SmbiosUuid => "smbios_uuid",
            Self::TpmVersion => "tpm_version",
            Self::SerialNumber => "serial_number",
            Self::FirmwareVendor => "firmware_vendor",
            Self::Manufacturer => "manufacturer",
            Self::ProductName => "product_name",
            Self::Sku => "sku",
            Self::Family => "family",
            Self::BaseboardManufacturer => "baseboard_manufacturer",
            Self::BaseboardProduct => "baseboard_product",
            Self::BaseboardVersion => "baseboard_version",
            Self::BaseboardSerial => "baseboard_serial",
            Self::ProductKeyId => "product_key_id",
            Self::TpmEndorsementKey => "tpm_endorsement_key",
            Self::ProductKeyPartNumber => "product_key_part_number",
            Self::DiskSerialV2 => "disk_serial_v2",
            Self::Unknown(_) => "unknown",
        }
    }

    pub fn layout(self) -> ValueLayout {
        match self {
            Self::OsVersions
            | Self::CpuVendor
            | Self::CpuModel
            | Self::DiskSerial
            | Self::TpmVersion
            | Self::SerialNumber
            | Self::FirmwareVendor
            | Self::Manufacturer
            | Self::ProductName
            | Self::Sku
            | Self::Family
            | Self::BaseboardManufacturer
            | Self::BaseboardProduct
            | Self::BaseboardVersion
            | Self::BaseboardSerial
            | Self::ProductKeyId
            | Self::ProductKeyPartNumber
            | Self::DiskSerialV2 => ValueLayout::Text,
            Self::SmbiosUuid => ValueLayout::Uuid,
            Self::NetworkAdapter => ValueLayout::NetworkAdapter,
            Self::Memory => ValueLayout::U64,
            Self::CpuArchitecture
            | Self::DiskInfo
            | Self::Display
            | Self::ChassisPowerRole
            | Self::OfflineDeviceId
            | Self::TpmEndorsementKey
            | Self::Unknown(_) => ValueLayout::Bytes,
        }
    }
}

impl std::fmt::Display for RecordType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.code(), self.name())
    }
}

/// A record's value, read according to its type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordValue {
    Text { text: String },
    Uuid { uuid: String },
    NetworkAdapter { mac: String, description: Option<String> },
    Integer { value: u64 },
    Bytes { hex: String },
}

/// Something odd in a record that does not make the hash invalid (lenient decoding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HashNote {
    pub offset: usize,
    pub record_type: u16,
    pub message: String,
}

impl std::fmt::Display for HashNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record type {} at byte {}: {}", self.record_type, self.offset, self.message)
    }
}

/// A NUL-terminated ASCII string read leniently: up to the first NUL, invalid bytes replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextValue<'a> {
    pub text: Cow<'a, str>,
    pub terminated: bool,
    pub non_ascii: bool,
    pub bytes_after_nul: usize,
}

impl<'a> TextValue<'a> {
    pub fn read(value: &'a [u8]) -> Self {
        let (content, terminated, bytes_after_nul) = match value.iter().position(|&b| b == 0) {
            Some(nul) => (&value[..nul], true, value.len() - nul - 1),
            None => (value, false, 0),
        };
        let non_ascii = !content.is_ascii();
        TextValue { text: String::from_utf8_lossy(content), terminated, non_ascii, bytes_after_nul }
    }

    /// Notes for whatever was not clean ASCII with one terminating NUL.
    pub fn notes(&self, offset: usize, record_type: u16, notes: &mut Vec<HashNote>) {
        let mut note = |message: String| notes.push(HashNote { offset, record_type, message });
        if !self.terminated {
            note("string is not NUL-terminated".to_owned());
        }
        if self.non_ascii {
            note("string has bytes outside ASCII (shown as U+FFFD when not UTF-8)".to_owned());
        }
        if self.bytes_after_nul > 0 {
            note(format!("{} bytes after the terminating NUL ignored", self.bytes_after_nul));
        }
    }
}

/// `00112233-4455-6677-8899-aabbccddeeff`: the 16 bytes in stored order, lowercase.
pub fn format_uuid(bytes: &[u8; 16]) -> String {
    let h = Hex(bytes).to_string();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// Parses the 8-4-4-4-12 form (either case) back into 16 bytes.
pub fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let bytes = text.as_bytes();
    if bytes.len() != 36 || [8, 13, 18, 23].iter().any(|&i| bytes[i] != b'-') {
        return None;
    }
    let digits: Vec<u8> = bytes.iter().copied().filter(|&b| b != b'-').collect();
    if digits.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (slot, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        *slot = (hi * 16 + lo) as u8;
    }
    Some(out)
}

/// `aa:bb:cc:dd:ee:ff`, lowercase.
pub fn format_mac(bytes: &[u8; 6]) -> String {
    let [a, b, c, d, e, f] = bytes;
    format!("{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{f:02x}")
}

/// Reads a value by its type's layout, adding notes for anything odd.
pub(crate) fn read_value(
    record_type: RecordType,
    offset: usize,
    value: &[u8],
    notes: &mut Vec<HashNote>,
) -> RecordValue {
    let code = record_type.code();
    let mut note = |message: String| notes.push(HashNote { offset, record_type: code, message });
    match record_type.layout() {
        ValueLayout::Text => {
            let text = TextValue::read(value);
            text.notes(offset, code, notes);
            RecordValue::Text { text: text.text.into_owned() }
        }
        ValueLayout::Uuid => match <&[u8; 16]>::try_from(value) {
            Ok(bytes) => RecordValue::Uuid { uuid: format_uuid(bytes) },
            Err(_) => {
                note(format!("UUID value has {} bytes, expected 16", value.len()));
                RecordValue::Bytes { hex: Hex(value).to_string() }
            }
        },
        ValueLayout::NetworkAdapter => match value.split_first_chunk::<6>() {
            Some((mac, rest)) => {
                let description = if rest.is_empty() {
                    None
                } else {
                    let text = TextValue::read(rest);
                    text.notes(offset, code, notes);
                    Some(text.text.into_owned())
                };
                RecordValue::NetworkAdapter { mac: format_mac(mac), description }
            }
            None => {
                note(format!("network adapter value has {} bytes, shorter than a 6-byte MAC", value.len()));
                RecordValue::Bytes { hex: Hex(value).to_string() }
            }
        },
        ValueLayout::U64 => match <[u8; 8]>::try_from(value) {
            Ok(bytes) => RecordValue::Integer { value: u64::from_le_bytes(bytes) },
            Err(_) => {
                note(format!("value has {} bytes, expected an 8-byte integer", value.len()));
                RecordValue::Bytes { hex: Hex(value).to_string() }
            }
        },
        ValueLayout::Bytes => RecordValue::Bytes { hex: Hex(value).to_string() },
    }
}

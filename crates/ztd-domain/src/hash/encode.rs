//! Building valid blobs (synthetic devices, tests, the `generate` command).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::{
    EncodeError, RecordType, CHECKSUM_RECORD_LEN, CHECKSUM_TAG, HEADER_LEN, MAGIC, RECORD_HEADER_LEN,
};

/// Appends records, then seals the blob with its checksum record.
#[derive(Debug, Clone)]
pub struct HashBuilder {
    blob: Vec<u8>,
}

impl Default for HashBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl HashBuilder {
    pub fn new() -> Self {
        Self::with_capacity(3072)
    }

    pub fn with_capacity(bytes: usize) -> Self {
        let mut blob = Vec::with_capacity(bytes.max(HEADER_LEN + CHECKSUM_RECORD_LEN));
        blob.extend_from_slice(&MAGIC);
        blob.extend_from_slice(&[0, 0]); // checksum offset, set by `finish`
        Self { blob }
    }

    /// Bytes written so far (header and records).
    pub fn len(&self) -> usize {
        self.blob.len()
    }

    pub fn is_empty(&self) -> bool {
        self.blob.len() == HEADER_LEN
    }

    /// Appends one record with a raw value.
    pub fn record(&mut self, record_type: RecordType, value: &[u8]) -> Result<&mut Self, EncodeError> {
        self.record_parts(record_type, &[value])
    }

    /// Appends a NUL-terminated string record.
    pub fn text(&mut self, record_type: RecordType, text: &str) -> Result<&mut Self, EncodeError> {
        if text.as_bytes().contains(&0) {
            return Err(EncodeError::NulInText { record_type: record_type.code() });
        }
        self.record_parts(record_type, &[text.as_bytes(), &[0]])
    }

    /// Appends a network adapter record: the MAC, then the NUL-terminated description.
    pub fn network_adapter(&mut self, mac: &[u8; 6], description: &str) -> Result<&mut Self, EncodeError> {
        let record_type = RecordType::NetworkAdapter;
        if description.as_bytes().contains(&0) {
            return Err(EncodeError::NulInText { record_type: record_type.code() });
        }
        self.record_parts(record_type, &[mac, description.as_bytes(), &[0]])
    }

    fn record_parts(&mut self, record_type: RecordType, parts: &[&[u8]]) -> Result<&mut Self, EncodeError> {
        let value_length: usize = parts.iter().map(|p| p.len()).sum();
        let length = u16::try_from(value_length + RECORD_HEADER_LEN).map_err(|_| {
            EncodeError::RecordTooLong { record_type: record_type.code(), length: value_length }
        })?;
        self.blob.extend_from_slice(&record_type.code().to_le_bytes());
        self.blob.extend_from_slice(&length.to_le_bytes());
        parts.iter().for_each(|part| self.blob.extend_from_slice(part));
        Ok(self)
    }

    /// Writes the checksum offset and appends the checksum record.
    pub fn finish(mut self) -> Result<Vec<u8>, EncodeError> {
        let checksum_offset = u16::try_from(self.blob.len())
            .map_err(|_| EncodeError::BlobTooLong { length: self.blob.len() })?;
        self.blob[2..4].copy_from_slice(&checksum_offset.to_le_bytes());
        let digest = Sha256::digest(&self.blob);
        self.blob.extend_from_slice(&CHECKSUM_TAG);
        self.blob.extend_from_slice(&(CHECKSUM_RECORD_LEN as u16).to_le_bytes());
        self.blob.extend_from_slice(&digest);
        Ok(self.blob)
    }

    /// [`finish`](Self::finish), as standard padded base64.
    pub fn finish_base64(self) -> Result<String, EncodeError> {
        self.finish().map(|blob| STANDARD.encode(blob))
    }
}

/// The identity fields of a device, for [`encode`]. Strings must not contain NUL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HashFields {
    pub serial_number: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub product_key_id: Option<String>,
    pub smbios_uuid: Option<[u8; 16]>,
    pub tpm_version: Option<String>,
    pub mac_addresses: Vec<[u8; 6]>,
}

impl HashFields {
    /// Appends these fields as records, in the order the real tool writes them.
    pub fn write_to(&self, builder: &mut HashBuilder) -> Result<(), EncodeError> {
        for mac in &self.mac_addresses {
            builder.network_adapter(mac, "")?;
        }
        if let Some(uuid) = &self.smbios_uuid {
            builder.record(RecordType::SmbiosUuid, uuid)?;
        }
        let texts = [
            (RecordType::TpmVersion, &self.tpm_version),
            (RecordType::SerialNumber, &self.serial_number),
            (RecordType::Manufacturer, &self.manufacturer),
            (RecordType::ProductName, &self.model),
            (RecordType::ProductKeyId, &self.product_key_id),
        ];
        for (record_type, value) in texts {
            if let Some(value) = value {
                builder.text(record_type, value)?;
            }
        }
        Ok(())
    }
}

/// A minimal valid hash carrying just `fields`, as base64.
pub fn encode(fields: &HashFields) -> Result<String, EncodeError> {
    let mut builder = HashBuilder::with_capacity(256);
    fields.write_to(&mut builder)?;
    builder.finish_base64()
}

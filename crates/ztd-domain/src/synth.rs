//! Deterministic synthetic devices for demos, tests and benchmarks.
//!
//! `generate(seed, count)` yields the same devices for the same seed on every machine: device `i`
//! is drawn from its own ChaCha stream, so it does not depend on `count`. Each device has a
//! plausible manufacturer, model and serial in that maker's style (some with leading zeros), a
//! 13-digit Windows Product ID for about a third of them, and a valid hardware hash of about
//! 4,000 base64 characters carrying the records a real one has.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::device::DeviceInput;
use crate::hash::{HashBuilder, HashFields, RecordType, CHECKSUM_RECORD_LEN, RECORD_HEADER_LEN};

/// Blob sizes aimed for: 2,900-2,996 bytes is 3,868-3,996 base64 characters.
const BLOB_TARGET_MIN: usize = 2900;
const BLOB_TARGET_MAX: usize = 2996;
/// An opaque record type not named by docs/domain.md#device-identity, used to bring the hash to a realistic size
/// (real hashes carry such records too; decoders keep and ignore them).
pub const FILLER_RECORD_TYPE: u16 = 29;

/// One synthetic device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticDevice {
    pub manufacturer: String,
    pub model: String,
    pub serial_number: String,
    pub product_key_id: Option<String>,
    pub smbios_uuid: [u8; 16],
    pub mac_addresses: Vec<[u8; 6]>,
    pub tpm_version: String,
    /// Base64, standard alphabet, padded.
    pub hardware_hash: String,
}

impl SyntheticDevice {
    /// The identity fields its hash carries.
    pub fn hash_fields(&self) -> HashFields {
        HashFields {
            serial_number: Some(self.serial_number.clone()),
            manufacturer: Some(self.manufacturer.clone()),
            model: Some(self.model.clone()),
            product_key_id: self.product_key_id.clone(),
            smbios_uuid: Some(self.smbios_uuid),
            tpm_version: Some(self.tpm_version.clone()),
            mac_addresses: self.mac_addresses.clone(),
        }
    }

    /// As a submission carrying every field (a Partner Center row).
    pub fn to_input(&self, group_tag: Option<&str>) -> DeviceInput {
        DeviceInput {
            serial_number: Some(self.serial_number.clone()),
            product_key_id: self.product_key_id.clone(),
            hardware_hash: Some(self.hardware_hash.clone()),
            manufacturer: Some(self.manufacturer.clone()),
            model: Some(self.model.clone()),
            group_tag: group_tag.map(str::to_owned),
            assigned_user: None,
        }
    }
}

/// `count` devices from `seed`.
pub fn generate(seed: u64, count: usize) -> impl Iterator<Item = SyntheticDevice> {
    (0..count as u64).map(move |index| device(seed, index))
}

/// Device number `index` of `seed`.
pub fn device(seed: u64, index: u64) -> SyntheticDevice {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    let maker = &MAKERS[rng.gen_range(0..MAKERS.len())];
    let model = maker.models[rng.gen_range(0..maker.models.len())];
    let unique = Unique { seed, index };
    let serial_number = (maker.serial)(&mut rng, &unique);
    let product_key_id = rng.gen_bool(0.35).then(|| format!("3{}", unique.code(8, &[DIGITS; 12])));
    let smbios_uuid: [u8; 16] = rng.gen();
    let adapters = rng.gen_range(1..=3);
    let mac_addresses: Vec<[u8; 6]> = (0..adapters)
        .map(|_| {
            let mut mac: [u8; 6] = rng.gen();
            mac[..3].copy_from_slice(&OUIS[rng.gen_range(0..OUIS.len())]);
            mac
        })
        .collect();
    let tpm_version = ["2.0, 0, 1.38", "2.0, 0, 1.59", "2.0, 0, 1.16"][rng.gen_range(0..3)].to_owned();
    let mut device = SyntheticDevice {
        manufacturer: maker.manufacturer.to_owned(),
        model: model.to_owned(),
        serial_number,
        product_key_id,
        smbios_uuid,
        mac_addresses,
        tpm_version,
        hardware_hash: String::new(),
    };
    device.hardware_hash = build_hash(&device, maker, &mut rng);
    device
}

fn build_hash(device: &SyntheticDevice, maker: &Maker, rng: &mut ChaCha8Rng) -> String {
    let mut b = HashBuilder::with_capacity(BLOB_TARGET_MAX);
    // Every value below is short ASCII or a bounded byte string, so the builder cannot fail;
    // `build` keeps that visible instead of unwrapping each call.
    let build = |b: &mut HashBuilder, rng: &mut ChaCha8Rng| -> Result<(), crate::hash::EncodeError> {
        b.text(
            RecordType::OsVersions,
            &format!("10.0.{};10.0.22621.1", ["22631.4460", "26100.2314"][rng.gen_range(0..2)]),
        )?;
        let cores: u16 = [4, 6, 8, 10, 12][rng.gen_range(0..5)];
        let mut cpu = vec![9, 0]; // PROCESSOR_ARCHITECTURE_AMD64
        cpu.extend_from_slice(&cores.to_le_bytes());
        cpu.extend_from_slice(&(cores * 2).to_le_bytes());
        b.record(RecordType::CpuArchitecture, &cpu)?;
        let (vendor, cpu_model) = CPUS[rng.gen_range(0..CPUS.len())];
        b.text(RecordType::CpuVendor, vendor)?;
        b.text(RecordType::CpuModel, cpu_model)?;
        let gib: u64 = [8, 16, 32, 64][rng.gen_range(0..4)];
        b.record(RecordType::Memory, &(gib << 30).to_le_bytes())?;
        let disk_bytes: u64 = [256u64, 512, 1024][rng.gen_range(0..3)] * 1_000_000_000;
        let mut disk = disk_bytes.to_le_bytes().to_vec();
        disk.extend_from_slice(&[17, 0, 0, 0]); // bus type NVMe
        disk.extend_from_slice(DISKS[rng.gen_range(0..DISKS.len())].as_bytes());
        disk.push(0);
        b.record(RecordType::DiskInfo, &disk)?;
        let disk_serial = format!("{}_{}_{}_{}.", hex4(rng), hex4(rng), hex4(rng), hex4(rng));
        b.text(RecordType::DiskSerial, &disk_serial)?;
        for (i, mac) in device.mac_addresses.iter().enumerate() {
            b.network_adapter(mac, ADAPTERS[i % ADAPTERS.len()])?;
        }
        b.record(RecordType::Display, &edid(rng))?;
        let chassis =
            if device.model.contains("OptiPlex") || device.model.contains("Desktop") { 3 } else { 10 };
        b.record(RecordType::ChassisPowerRole, &[chassis, if chassis == 3 { 1 } else { 2 }])?;
        b.record(RecordType::OfflineDeviceId, &rng.gen::<[u8; 32]>())?;
        b.record(RecordType::SmbiosUuid, &device.smbios_uuid)?;
        b.text(RecordType::TpmVersion, &device.tpm_version)?;
        b.text(RecordType::SerialNumber, &device.serial_number)?;
        b.text(RecordType::FirmwareVendor, maker.firmware_vendor)?;
        b.text(RecordType::Manufacturer, &device.manufacturer)?;
        b.text(RecordType::ProductName, &device.model)?;
        b.text(RecordType::Sku, &format!("{}-{}", sku_prefix(maker), digits(rng, 4)))?;
        b.text(RecordType::Family, maker.family)?;
        b.text(RecordType::BaseboardManufacturer, &device.manufacturer)?;
        b.text(RecordType::BaseboardProduct, &format!("0{}", alnum(rng, 5)))?;
        b.text(RecordType::BaseboardVersion, "A00")?;
        b.text(RecordType::BaseboardSerial, &format!("/{}/CN{}/", device.serial_number, alnum(rng, 12)))?;
        if let Some(pkid) = &device.product_key_id {
            b.text(RecordType::ProductKeyId, pkid)?;
            b.text(RecordType::ProductKeyPartNumber, &format!("X{}-{}", digits(rng, 2), digits(rng, 5)))?;
        }
        // An RSA-2048 EK public key in DER (294 bytes) followed by the TPM vendor's EK
        // certificate (DER, about a kilobyte), which is what makes real hashes "4K".
        let ek_len = 294 + rng.gen_range(850..=1_150);
        let mut ek: Vec<u8> = vec![0x30, 0x82, 0x01, 0x22];
        ek.extend((4..ek_len).map(|_| rng.gen::<u8>()));
        b.record(RecordType::TpmEndorsementKey, &ek)?;
        b.text(RecordType::DiskSerialV2, &format!("S{}", alnum(rng, 13)))?;
        let target = rng.gen_range(BLOB_TARGET_MIN..=BLOB_TARGET_MAX);
        let used = b.len() + RECORD_HEADER_LEN + CHECKSUM_RECORD_LEN;
        if target > used {
            let filler: Vec<u8> = (0..target - used).map(|_| rng.gen()).collect();
            b.record(RecordType::Unknown(FILLER_RECORD_TYPE), &filler)?;
        }
        Ok(())
    };
    build(&mut b, rng).and_then(|()| b.finish_base64()).unwrap_or_else(|_| {
        // Unreachable with the bounded values above; fall back to the minimal hash so a
        // generated device is still valid.
        crate::hash::encode(&device.hash_fields()).unwrap_or_default()
    })
}

struct Maker {
    manufacturer: &'static str,
    firmware_vendor: &'static str,
    family: &'static str,
    models: &'static [&'static str],
    serial: fn(&mut ChaCha8Rng, &Unique) -> String,
}

const MAKERS: [Maker; 7] = [
    Maker {
        manufacturer: "Dell Inc.",
        firmware_vendor: "Dell Inc.",
        family: "Latitude",
        models: &[
            "Latitude 7440",
            "Latitude 5540",
            "Latitude 7350",
            "OptiPlex 7010",
            "Precision 3581",
            "XPS 13 9340",
        ],
        // Service tag: 7 characters, digits and consonants.
        serial: |_, unique| unique.code(1, &[DELL_TAG; 7]),
    },
    Maker {
        manufacturer: "HP",
        firmware_vendor: "HP",
        family: "103C_5336AN HP EliteBook",
        models: &[
            "HP EliteBook 840 G10 Notebook PC",
            "HP ProBook 450 15.6 inch G10 Notebook PC",
            "HP Elite Mini 800 G9 Desktop PC",
            "HP EliteBook 1040 14 inch G10 Notebook PC",
        ],
        // e.g. 5CG3451K2L: plant code, year-week, sequence.
        serial: |rng, unique| {
            let plant = ["5CG", "5CD", "CND", "8CG"][rng.gen_range(0..4)];
            format!("{plant}{}", unique.code(2, &[DIGITS, DIGITS, DIGITS, DIGITS, ALNUM, ALNUM, ALNUM]))
        },
    },
    Maker {
        manufacturer: "LENOVO",
        firmware_vendor: "LENOVO",
        family: "ThinkPad T14 Gen 4",
        models: &["21HD0028GE", "21HMCTO1WW", "21K5S0E800", "20XWCTO1WW", "11T3S0JT00"],
        serial: |rng, unique| {
            format!("{}{}", ["PF", "PC", "MJ", "R9"][rng.gen_range(0..4)], unique.code(3, &[ALNUM; 6]))
        },
    },
    Maker {
        manufacturer: "Microsoft Corporation",
        firmware_vendor: "Microsoft Corporation",
        family: "Surface",
        models: &[
            "Surface Laptop 5",
            "Surface Pro 9",
            "Surface Laptop 6 for Business",
            "Surface Pro 10 for Business",
        ],
        // 12 digits; about a third start with a zero (some with two), the classic spreadsheet
        // victim. The first digit is free, the other 11 are unique.
        serial: |rng, unique| {
            let first = if rng.gen_bool(1.0 / 3.0) { 0 } else { rng.gen_range(1..=9) };
            format!("{first}{}", unique.code(4, &[DIGITS; 11]))
        },
    },
    Maker {
        manufacturer: "Acer",
        firmware_vendor: "Insyde Corp.",
        family: "TravelMate P2",
        models: &["TravelMate P214-55", "TravelMate P216-51", "Veriton N4690GT"],
        serial: |rng, unique| format!("NX{}{}", alnum(rng, 5), unique.code(5, &[DIGITS; 13])),
    },
    Maker {
        manufacturer: "FUJITSU",
        firmware_vendor: "FUJITSU // Phoenix Technologies Ltd.",
        family: "LIFEBOOK-PS",
        models: &["LIFEBOOK U7413", "LIFEBOOK E5413", "ESPRIMO D7012"],
        serial: |rng, unique| format!("DSB{}{}", alnum(rng, 1), unique.code(6, &[DIGITS; 7])),
    },
    Maker {
        manufacturer: "Panasonic Corporation",
        firmware_vendor: "American Megatrends International, LLC.",
        family: "TOUGHBOOK",
        models: &["FZ-55-2", "CF-33-3", "FZ-40-1"],
        // Numeric with leading zeros, e.g. 0012345678.
        serial: |_, unique| format!("00{}", unique.code(7, &[DIGITS; 8])),
    },
];

const CPUS: [(&str, &str); 5] = [
    ("GenuineIntel", "13th Gen Intel(R) Core(TM) i7-1365U"),
    ("GenuineIntel", "13th Gen Intel(R) Core(TM) i5-1345U"),
    ("GenuineIntel", "Intel(R) Core(TM) Ultra 7 165U"),
    ("AuthenticAMD", "AMD Ryzen 7 PRO 7840U w/ Radeon 780M Graphics"),
    ("AuthenticAMD", "AMD Ryzen 5 PRO 7540U w/ Radeon 740M Graphics"),
];

const DISKS: [&str; 4] = [
    "Samsung SSD PM9A1 NVMe 512GB",
    "SK hynix PC801 NVMe 1TB",
    "KIOXIA KXG80ZNV512G",
    "Micron 2450 NVMe 256GB",
];

const ADAPTERS: [&str; 3] = [
    "Intel(R) Wi-Fi 6E AX211 160MHz",
    "Intel(R) Ethernet Connection (16) I219-LM",
    "Realtek USB GbE Family Controller",
];

const OUIS: [[u8; 3]; 4] = [[0x3c, 0x21, 0x9c], [0xa4, 0xbb, 0x6d], [0x00, 0x15, 0x5d], [0xf8, 0x75, 0xa4]];

fn sku_prefix(maker: &Maker) -> &'static str {
    match maker.manufacturer {
        "Dell Inc." => "0C0E",
        "HP" => "6T1F2EA",
        "LENOVO" => "LENOVO_MT_21HD",
        "Microsoft Corporation" => "Surface_Laptop",
        _ => "SKU",
    }
}

const DIGITS: &[u8] = b"0123456789";
const ALNUM: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Dell service tags: digits and consonants.
const DELL_TAG: &[u8] = b"0123456789BCDFGHJKLMNPQRSTVWXYZ";

/// Random-looking codes that are distinct for distinct device indices of one seed (for all
/// indices below the number of possible codes), so a generated file never holds the same serial
/// or PKID twice, which random draws would at 100,000 rows.
struct Unique {
    seed: u64,
    index: u64,
}

impl Unique {
    /// A prime, so multiplying by it permutes the residues of any product of 10, 31 and 34.
    const MULTIPLIER: u128 = 1_000_000_007;

    /// One character per alphabet in `positions` (mixed radix); `salt` separates uses.
    fn code(&self, salt: u64, positions: &[&[u8]]) -> String {
        let modulus: u128 = positions.iter().map(|a| a.len() as u128).product();
        let offset = u128::from(
            self.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xBF58_476D_1CE4_E5B9),
        );
        let mut value = (u128::from(self.index) * Self::MULTIPLIER + offset) % modulus;
        let mut out = vec![0u8; positions.len()];
        for (slot, alphabet) in out.iter_mut().zip(positions).rev() {
            let radix = alphabet.len() as u128;
            *slot = alphabet[(value % radix) as usize];
            value /= radix;
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

fn pick(rng: &mut ChaCha8Rng, alphabet: &[u8], n: usize) -> String {
    (0..n).map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char).collect()
}

fn digits(rng: &mut ChaCha8Rng, n: usize) -> String {
    pick(rng, DIGITS, n)
}

fn alnum(rng: &mut ChaCha8Rng, n: usize) -> String {
    pick(rng, ALNUM, n)
}

fn hex4(rng: &mut ChaCha8Rng) -> String {
    format!("{:04X}", rng.gen::<u16>())
}

/// A 256-byte EDID block: the fixed header, then vendor bytes.
fn edid(rng: &mut ChaCha8Rng) -> Vec<u8> {
    let mut edid = vec![0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00];
    edid.extend((8..256).map(|_| rng.gen::<u8>()));
    edid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_codes_are_a_permutation_of_the_code_space() {
        for (salt, positions) in
            [(1, &[DIGITS; 4][..]), (2, &[DIGITS, DIGITS, ALNUM][..]), (3, &[DELL_TAG; 3][..])]
        {
            let space: usize = positions.iter().map(|a| a.len()).product();
            let codes: std::collections::HashSet<String> =
                (0..space as u64).map(|index| Unique { seed: 99, index }.code(salt, positions)).collect();
            assert_eq!(codes.len(), space);
        }
    }
}

//! `ztd hash decode | generate`: the hardware hash, offline (docs/domain.md#command-line).

use anyhow::{bail, Context as _};
use serde::Serialize;
use std::io::{BufWriter, Read as _, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use ztd_domain::csv::{CsvWriter, Format, Layout, WriteError};
use ztd_domain::hash::{self, DecodedHash, DecodedRecord, HashError, HashNote, RecordValue, SalvagedHash};
use ztd_domain::synth;

#[derive(clap::Subcommand)]
pub enum HashCommand {
    /// Decode and validate a hardware hash: its fields and every record with its offset.
    ///
    /// An invalid hash: what could be read before it breaks off (its serial number, whole
    /// records; not validated), then the reason. Exit status: 0 valid, 1 invalid, 2 unusable
    /// input.
    Decode(DecodeArgs),
    /// Write deterministic synthetic devices with valid, realistic hashes as a CSV file.
    ///
    /// The same --seed gives the same devices on every machine. Lines end in CRLF like the
    /// portals' exports.
    Generate(GenerateArgs),
}

#[derive(clap::Args)]
pub struct DecodeArgs {
    /// The base64 hash, or `-` to read it from standard input (surrounding whitespace ignored).
    hash: String,
    /// Print JSON: {"valid": true, "hash": {...}} or {"valid": false, "error": {...}}.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct GenerateArgs {
    /// How many devices.
    #[arg(long, default_value_t = 10)]
    count: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// CSV format to write.
    #[arg(long, value_enum, default_value_t = GenerateFormat::PartnerCenter)]
    format: GenerateFormat,
    /// Group tag for every row (intune format only; adds the `Group Tag` column).
    #[arg(long)]
    group_tag: Option<String>,
    /// Output file; standard output when absent.
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GenerateFormat {
    /// Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model
    PartnerCenter,
    /// Device Serial Number,Windows Product ID,Hardware Hash[,Group Tag]
    Intune,
    /// Manufacturer,Model,Serial Number,Hardware Hash
    Mmd,
}

pub fn run(command: HashCommand) -> anyhow::Result<ExitCode> {
    match command {
        HashCommand::Decode(args) => decode(args),
        HashCommand::Generate(args) => generate(args),
    }
}

fn decode(args: DecodeArgs) -> anyhow::Result<ExitCode> {
    let text = if args.hash == "-" {
        let mut input = String::new();
        std::io::stdin()
            .read_to_string(&mut input)
            .context("could not read the hash from standard input (is it UTF-8 text?)")?;
        input
    } else {
        args.hash
    };
    let text = text.trim();
    if text.is_empty() {
        bail!("no hash given: pass the base64 text, or `-` and the text on standard input");
    }
    let result = hash::decode(text);
    // An invalid hash may still hold whole records before the point where it breaks (a cut-off
    // copy, a stray character, a changed byte): they tell which device it was meant to be.
    let salvaged = result.as_ref().err().map(|_| hash::salvage(text)).filter(|read| !read.records.is_empty());
    let mut out = std::io::stdout().lock();
    if args.json {
        let report = match &result {
            Ok(decoded) => JsonReport::Valid { valid: true, hash: decoded },
            Err(error) => JsonReport::Invalid {
                valid: false,
                error: JsonError { message: error.to_string(), error },
                read: salvaged.as_ref(),
            },
        };
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        match &result {
            Ok(decoded) => print_decoded(&mut out, decoded)?,
            Err(error) => {
                if let Some(read) = &salvaged {
                    print_salvaged(&mut out, read)?;
                }
                writeln!(out, "invalid hardware hash: {error}")?;
            }
        }
    }
    Ok(if result.is_ok() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsonReport<'a> {
    Valid {
        valid: bool,
        hash: &'a DecodedHash,
    },
    Invalid {
        valid: bool,
        error: JsonError<'a>,
        /// What could be read before the hash breaks off (unchecked); absent when nothing.
        #[serde(skip_serializing_if = "Option::is_none")]
        read: Option<&'a SalvagedHash>,
    },
}

#[derive(Serialize)]
struct JsonError<'a> {
    message: String,
    #[serde(flatten)]
    error: &'a HashError,
}

fn print_decoded(out: &mut impl Write, decoded: &DecodedHash) -> std::io::Result<()> {
    writeln!(
        out,
        "valid hardware hash: {} bytes, {} records, checksum record at byte {}",
        decoded.blob_length,
        decoded.records.len(),
        decoded.checksum_offset
    )?;
    let none = "-".to_owned();
    print_fields(
        out,
        &[
            ("serial number", decoded.serial_number.as_ref()),
            ("manufacturer", decoded.manufacturer.as_ref()),
            ("model", decoded.model.as_ref()),
            ("product key id", decoded.product_key_id.as_ref()),
            ("TPM version", decoded.tpm_version.as_ref()),
        ],
    )?;
    writeln!(out, "{:<16}{}", "SMBIOS UUID", decoded.smbios_uuid.as_ref().unwrap_or(&none))?;
    let macs = if decoded.mac_addresses.is_empty() { none } else { decoded.mac_addresses.join(", ") };
    writeln!(out, "{:<16}{macs}", "MAC addresses")?;
    writeln!(out, "{:<16}{}", "SHA-256", decoded.checksum)?;
    print_records(out, &decoded.records, &decoded.notes)
}

/// What an invalid hash still holds, before the error line (`ztd hash decode` prints it last).
fn print_salvaged(out: &mut impl Write, read: &SalvagedHash) -> std::io::Result<()> {
    writeln!(
        out,
        "read before the error (not validated): {} bytes, {} whole records",
        read.blob_length,
        read.records.len()
    )?;
    print_fields(
        out,
        &[
            ("serial number", read.serial_number.as_ref()),
            ("manufacturer", read.manufacturer.as_ref()),
            ("model", read.model.as_ref()),
            ("product key id", read.product_key_id.as_ref()),
        ],
    )?;
    print_records(out, &read.records, &read.notes)?;
    writeln!(out)
}

/// Labelled values; strings quoted so that surrounding spaces and odd characters show.
fn print_fields(out: &mut impl Write, fields: &[(&str, Option<&String>)]) -> std::io::Result<()> {
    for (label, value) in fields {
        writeln!(out, "{label:<16}{}", value.map(|v| format!("{v:?}")).unwrap_or_else(|| "-".to_owned()))?;
    }
    Ok(())
}

fn print_records(out: &mut impl Write, records: &[DecodedRecord], notes: &[HashNote]) -> std::io::Result<()> {
    writeln!(out, "\nrecords:")?;
    for record in records {
        let value = match &record.value {
            RecordValue::Text { text } => format!("{text:?}"),
            RecordValue::Uuid { uuid } => uuid.clone(),
            RecordValue::NetworkAdapter { mac, description: Some(description) } => {
                format!("{mac} {description:?}")
            }
            RecordValue::NetworkAdapter { mac, description: None } => mac.clone(),
            RecordValue::Integer { value } => value.to_string(),
            RecordValue::Bytes { hex } if hex.len() > 32 => {
                format!("{}… ({} bytes)", &hex[..32], hex.len() / 2)
            }
            RecordValue::Bytes { hex } => hex.clone(),
        };
        writeln!(
            out,
            "  byte {:>5}  type {:>3} {:<24} {:>5} bytes  {value}",
            record.offset, record.type_code, record.name, record.length
        )?;
    }
    if !notes.is_empty() {
        writeln!(out, "\nnotes:")?;
        for note in notes {
            writeln!(out, "  {note}")?;
        }
    }
    Ok(())
}

fn generate(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    if let Some(tag) = &args.group_tag {
        if args.format != GenerateFormat::Intune {
            bail!("--group-tag needs --format intune (the only format with a Group Tag column)");
        }
        if let Some(c) = tag.chars().find(|c| matches!(c, ',' | '"' | '\r' | '\n')) {
            bail!(
                "--group-tag {tag:?} contains {c:?}, which the upload portals do not accept in a CSV value"
            );
        }
    }
    let sink: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("could not create {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    match write_csv(BufWriter::new(sink), &args) {
        Ok(()) => {}
        // `ztd hash generate | head` closes the pipe early: not an error.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(error) => return Err(error).context("could not write the CSV"),
    }
    if let Some(path) = &args.output {
        eprintln!("wrote {} devices to {}", args.count, path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The devices through the domain's own writer: the format's canonical header, CRLF.
fn write_csv(out: impl Write, args: &GenerateArgs) -> std::io::Result<()> {
    let layout = match args.format {
        GenerateFormat::PartnerCenter => Layout::full(Format::PartnerCenter),
        GenerateFormat::Intune => Layout::intune(args.group_tag.is_some(), false),
        GenerateFormat::Mmd => Layout::full(Format::Mmd),
    };
    let written = |error: WriteError| match error {
        WriteError::Io(error) => error,
        other => std::io::Error::other(other),
    };
    let mut writer = CsvWriter::new(out, layout)?;
    for device in synth::generate(args.seed, args.count) {
        writer.write_device(&device.to_input(args.group_tag.as_deref())).map_err(written)?;
    }
    writer.finish()?.flush()
}

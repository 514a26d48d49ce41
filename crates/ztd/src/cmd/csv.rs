//! `ztd csv`: check, fix, split, convert and sample device CSV files, offline (docs/domain.md#registration, #command-line).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use serde::Serialize;
use ztd_domain::csv::{self, Diagnostic, Format, ReadOptions, TextEncoding};

#[derive(clap::Subcommand)]
pub enum CsvCommand {
    /// Check device CSV files: every problem, with line, column, code and a fix hint.
    ///
    /// Exit code 0 when every file is clean, 1 when a file has problems, 2 when a file is
    /// missing, empty or not text.
    Check(CheckArgs),
    /// Write a repaired copy of a device CSV and list each change.
    ///
    /// Repairs what is safe: encoding → ASCII, quotes, spaces/tabs/invisible characters, CRLF
    /// line endings, blank lines, header case/spelling/order (values move with their columns),
    /// trailing empty columns. Exits 0 when OUT checks clean, else 1 naming what it could not
    /// repair (the problems `check` still finds in OUT).
    Fix(FixArgs),
    /// Split a file into portal-sized chunks, each with the header (DIR/<stem>-001.csv, …).
    Split(SplitArgs),
    /// Convert between the partner-center, intune and mmd formats.
    Convert(ConvertArgs),
    /// Write a sample file of a format: its exact header and a few example devices with valid
    /// hardware hashes. It passes `ztd csv check`; replace the rows with your devices.
    Sample(SampleArgs),
}

#[derive(clap::Args)]
pub struct SampleArgs {
    /// Format: partner-center, intune or mmd.
    #[arg(long, value_name = "FORMAT")]
    format: Format,
    /// Group tag of the example rows (intune only; repeat it to use several in turn)
    /// [default: Microsoft365ManagedStandard_].
    #[arg(long, value_name = "TAG")]
    group_tag: Vec<String>,
    /// Output file [default: standard output].
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct FixArgs {
    /// The CSV file to repair.
    #[arg(value_name = "IN")]
    input: PathBuf,
    /// Where to write the repaired file (must differ from IN).
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// Replace a serial a spreadsheet damaged (1.23457E+11, lost leading zeros) with the
    /// serial the row's hardware hash carries.
    #[arg(long)]
    serial_from_hash: bool,
}

#[derive(clap::Args)]
pub struct SplitArgs {
    /// The CSV file to split.
    #[arg(value_name = "IN")]
    input: PathBuf,
    /// Rows per chunk [default: 500 for intune, 1000 for partner-center and mmd].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    rows: Option<u64>,
    /// Directory for the chunks (created if missing).
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
}

#[derive(clap::Args)]
pub struct ConvertArgs {
    /// The CSV file to convert.
    #[arg(value_name = "IN")]
    input: PathBuf,
    /// Target format: partner-center, intune or mmd.
    #[arg(long, value_name = "FORMAT")]
    to: Format,
    /// Output file [default: standard output].
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Group tag for rows that have none (adds the Group Tag column when converting to intune).
    #[arg(long, value_name = "TAG")]
    group_tag: Option<String>,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// The CSV files to check.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Print one JSON document (schema in docs/csv-rules.md) instead of text.
    #[arg(long)]
    json: bool,
    /// Most device rows read per file.
    #[arg(long, default_value_t = ReadOptions::default().row_limit, value_name = "N")]
    row_limit: u64,
    /// Skip duplicate detection, the only check whose memory grows with the file (one small
    /// entry per distinct row and device); everything else runs in constant memory.
    #[arg(long)]
    no_duplicates: bool,
}

pub fn run(command: CsvCommand) -> anyhow::Result<ExitCode> {
    match command {
        CsvCommand::Check(args) => check(args),
        CsvCommand::Fix(args) => fix(args),
        CsvCommand::Split(args) => split(args),
        CsvCommand::Convert(args) => convert(args),
        CsvCommand::Sample(args) => sample(args),
    }
}

/// One file in `--json` output.
#[derive(Serialize)]
struct FileReport {
    file: String,
    format: Option<Format>,
    encoding: Option<TextEncoding>,
    rows: u64,
    unusable: bool,
    problems: Vec<Diagnostic>,
}

#[derive(Serialize)]
struct CheckReport {
    files: Vec<FileReport>,
    problem_count: u64,
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let options = csv::CheckOptions {
        read: ReadOptions { row_limit: args.row_limit },
        duplicates: !args.no_duplicates,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut reports = Vec::new();
    let mut problem_count = 0;
    let mut any_unusable = false;
    for path in &args.files {
        let name = path.display().to_string();
        let file = match File::open(path) {
            Ok(file) => file,
            Err(error) => {
                any_unusable = true;
                let message = format!("cannot open {name}: {error}");
                if args.json {
                    reports.push(FileReport {
                        file: name,
                        format: None,
                        encoding: None,
                        rows: 0,
                        unusable: true,
                        problems: vec![Diagnostic::new(
                            1,
                            1,
                            csv::Code::UnreadableFile,
                            message,
                            "check the path and that the file is readable",
                        )],
                    });
                } else {
                    eprintln!("error: {message}");
                }
                continue;
            }
        };
        let mut problems = Vec::new();
        let summary = if args.json {
            csv::check_with_options(file, options, &mut |d| problems.push(d))
        } else {
            let mut write_error = Ok(());
            let summary = csv::check_with_options(file, options, &mut |d| {
                if write_error.is_ok() {
                    write_error = writeln!(out, "{}", d.render(&name));
                }
            });
            write_error.context("writing to standard output")?;
            summary
        }
        .with_context(|| format!("reading {name}"))?;
        problem_count += summary.problems;
        any_unusable |= summary.unusable;
        if args.json {
            reports.push(FileReport {
                file: name,
                format: summary.format,
                encoding: summary.encoding,
                rows: summary.rows,
                unusable: summary.unusable,
                problems,
            });
        } else {
            let format =
                summary.format.map_or_else(|| "not a device CSV".to_owned(), |f| f.name().to_owned());
            let verdict = match summary.problems {
                0 => "ok".to_owned(),
                1 => "1 problem".to_owned(),
                n => format!("{n} problems"),
            };
            writeln!(out, "{name}: {verdict} ({format}, {} device rows)", summary.rows)?;
        }
    }
    if args.json {
        serde_json::to_writer_pretty(&mut out, &CheckReport { files: reports, problem_count })?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(ExitCode::from(if any_unusable {
        2
    } else if problem_count > 0 {
        1
    } else {
        0
    }))
}

/// Opens an input file; a missing or unreadable one is unusable input (exit 2).
fn open_input(path: &Path) -> anyhow::Result<File> {
    File::open(path).with_context(|| format!("cannot open {}", path.display()))
}

/// Prints why a file could not be read as a device CSV; exit 2 for unusable input, else 1.
fn rejected(path: &Path, error: csv::FileError) -> anyhow::Result<ExitCode> {
    if let csv::FileError::Io(error) = error {
        return Err(error).with_context(|| format!("reading {}", path.display()));
    }
    let name = path.display().to_string();
    for diagnostic in error.diagnostics() {
        eprintln!("{}", diagnostic.render(&name));
    }
    Ok(ExitCode::from(if error.is_unusable_input() { 2 } else { 1 }))
}

fn fix(args: FixArgs) -> anyhow::Result<ExitCode> {
    let input = open_input(&args.input)?;
    if same_file(&args.input, &args.output) {
        anyhow::bail!("OUT must be a different file than IN ({})", args.output.display());
    }
    let output =
        File::create(&args.output).with_context(|| format!("cannot create {}", args.output.display()))?;
    let options = csv::FixOptions { serial_from_hash: args.serial_from_hash, ..Default::default() };
    let report = match csv::fix(input, BufWriter::new(output), options) {
        Ok(report) => report,
        Err(error) => {
            let _ = std::fs::remove_file(&args.output);
            return rejected(&args.input, error);
        }
    };
    let name = args.input.display().to_string();
    let out_name = args.output.display().to_string();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for change in &report.changes {
        let code = change.code.map_or_else(String::new, |code| format!("[{code}]"));
        writeln!(out, "{name}:{}: fixed{code}: {}", change.line, change.description)?;
    }
    for warning in &report.warnings {
        writeln!(out, "{}", warning.render(&name))?;
    }
    // What is left is exactly what checking the output finds.
    let (summary, remaining) = csv::check(open_input(&args.output)?, ReadOptions::default())
        .with_context(|| format!("reading back {out_name}"))?;
    for diagnostic in &remaining {
        writeln!(out, "{}", diagnostic.render(&out_name))?;
    }
    let unfixed = remaining.len() + report.warnings.len();
    writeln!(
        out,
        "{out_name}: wrote {} rows ({}), {} changes; {}",
        report.rows_written,
        report.layout.format,
        report.changes.len(),
        match unfixed {
            0 => "it checks clean".to_owned(),
            n => format!("{n} problems could not be repaired (listed above)"),
        }
    )?;
    out.flush()?;
    Ok(ExitCode::from(if summary.unusable {
        2
    } else if unfixed > 0 {
        1
    } else {
        0
    }))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn split(args: SplitArgs) -> anyhow::Result<ExitCode> {
    let input = open_input(&args.input)?;
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    let stem = args.input.file_stem().map_or_else(|| "devices".into(), |s| s.to_string_lossy().into_owned());
    // The default depends on the format, known only once the header is read: peek at it.
    let rows = match args.rows {
        Some(rows) => rows,
        None => match csv::CsvReader::new(open_input(&args.input)?, ReadOptions::default()) {
            Ok(reader) => reader.format().portal_row_limit() as u64,
            Err(error) => return rejected(&args.input, error),
        },
    };
    let mut paths = Vec::new();
    let result = csv::split(input, rows, |index| {
        let path = args.output.join(format!("{stem}-{index:03}.csv"));
        let file = File::create(&path)?;
        paths.push(path);
        Ok(BufWriter::new(file))
    });
    let (format, chunks) = match result {
        Ok(done) => done,
        Err(error) => return rejected(&args.input, error),
    };
    for (path, chunk) in paths.iter().zip(&chunks) {
        println!("{}: {} rows", path.display(), chunk.rows);
    }
    println!(
        "{} rows of {format} in {} files of at most {rows} rows",
        chunks.iter().map(|c| c.rows).sum::<u64>(),
        chunks.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn convert(args: ConvertArgs) -> anyhow::Result<ExitCode> {
    let input = open_input(&args.input)?;
    let options = csv::ConvertOptions { group_tag: args.group_tag.clone(), ..Default::default() };
    let result = match &args.output {
        Some(path) => {
            if same_file(&args.input, path) {
                anyhow::bail!("OUT must be a different file than IN ({})", path.display());
            }
            let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            csv::convert(input, BufWriter::new(file), args.to, &options)
        }
        None => csv::convert(input, io::stdout().lock(), args.to, &options),
    };
    let report = match result {
        Ok(report) => report,
        Err(error) => return rejected(&args.input, error),
    };
    let name = args.input.display().to_string();
    for diagnostic in &report.input_problems {
        eprintln!("note: {} (converted anyway)", diagnostic.render(&name));
    }
    for diagnostic in &report.not_converted {
        eprintln!("{}", diagnostic.render(&name));
    }
    for (column, rows) in &report.dropped {
        eprintln!(
            "note: the {} format has no `{column}` column: dropped it from {rows} rows",
            report.to.format.title()
        );
    }
    eprintln!(
        "converted {} rows from {} to {}{}",
        report.rows_written,
        report.from,
        report.to.format,
        match report.not_converted.len() {
            0 => String::new(),
            n => format!("; {n} problems, rows listed above were not converted"),
        }
    );
    Ok(ExitCode::from(if report.not_converted.is_empty() { 0 } else { 1 }))
}

/// The same file as the portal's "Download a sample file" (docs/csv-rules.md#sample-files).
fn sample(args: SampleArgs) -> anyhow::Result<ExitCode> {
    if !args.group_tag.is_empty() && args.format != Format::Intune {
        anyhow::bail!(
            "the {} format has no Group Tag column: use --format intune, or choose the profile when uploading",
            args.format.title()
        );
    }
    // Said, not silently dropped as in the portal: the person typed this tag.
    if let Some(tag) = args.group_tag.iter().find(|tag| !csv::sample_tag_fits(tag)) {
        anyhow::bail!(
            "the group tag {tag:?} cannot be written into a file that checks clean \
             (a comma, quote, control or invisible character, or a near miss of a managed-desktop tag)"
        );
    }
    let mut tags: Vec<&str> = args.group_tag.iter().map(String::as_str).collect();
    if tags.is_empty() {
        tags.push(ztd_domain::profile::STANDARD_TAG);
    }
    let bytes = csv::sample(args.format, &tags, csv::SAMPLE_SEED);
    match &args.output {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))?
        }
        None => {
            let mut out = io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

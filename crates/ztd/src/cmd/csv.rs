//! `ztd csv`: check, fix, split and convert device CSV files, offline (SPEC §6, §10).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
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
}

pub fn run(command: CsvCommand) -> anyhow::Result<ExitCode> {
    match command {
        CsvCommand::Check(args) => check(args),
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
    let options = ReadOptions { row_limit: args.row_limit };
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
            csv::check_with(file, options, &mut |d| problems.push(d))
        } else {
            let mut write_error = Ok(());
            let summary = csv::check_with(file, options, &mut |d| {
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

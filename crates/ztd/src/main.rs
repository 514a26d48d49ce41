//! `ztd`: one binary for the service, the operator's admin tasks and the offline tools.
//!
//! Exit codes: 0 success, 1 problems found (a file with diagnostics, a batch with failed rows),
//! 2 unusable input or the operation could not happen (missing file, server unreachable).

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "ztd",
    version,
    about = "Zero-touch device registration: service, admin and offline CSV / hardware-hash tools"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service (API, portal, batch workers).
    Serve(cmd::serve::ServeArgs),
    /// Operator tasks straight on the database.
    #[command(subcommand)]
    Admin(cmd::admin::AdminCommand),
    /// Check, fix, split, convert and sample device CSV files, offline.
    #[command(subcommand)]
    Csv(cmd::csv::CsvCommand),
    /// Decode, validate and generate hardware hashes, offline.
    #[command(subcommand)]
    Hash(cmd::hash::HashCommand),
    /// Upload a CSV file to a ztd server as a device batch and wait for its results.
    Upload(cmd::upload::UploadArgs),
    /// Fill an empty database with a demo (partner, customers, devices), print the sign-ins, serve.
    Demo(cmd::demo::DemoArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => cmd::serve::run(args),
        Command::Admin(command) => cmd::admin::run(command),
        Command::Csv(command) => cmd::csv::run(command),
        Command::Hash(command) => cmd::hash::run(command),
        Command::Upload(args) => cmd::upload::run(args),
        Command::Demo(args) => cmd::demo::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum CsvCommand {}

pub fn run(command: CsvCommand) -> anyhow::Result<ExitCode> {
    match command {}
}

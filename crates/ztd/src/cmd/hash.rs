use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum HashCommand {}

pub fn run(command: HashCommand) -> anyhow::Result<ExitCode> {
    match command {}
}

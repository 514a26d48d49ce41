use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum AdminCommand {}

pub fn run(command: AdminCommand) -> anyhow::Result<ExitCode> {
    match command {}
}

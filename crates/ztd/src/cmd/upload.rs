use std::process::ExitCode;

#[derive(clap::Args)]
pub struct UploadArgs {}

pub fn run(_args: UploadArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("upload is not built yet")
}

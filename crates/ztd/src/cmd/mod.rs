//! One module per top-level subcommand; each exposes its clap arguments and `run`.

pub mod admin;
pub mod csv;
pub mod demo;
pub mod hash;
pub mod serve;
pub mod upload;

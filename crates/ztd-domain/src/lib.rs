//! Pure domain core of ztd: no network, no database, no files; only readers and writers.
//!
//! - [`account`]: names and addresses of organisations, users and API keys.
//! - [`hash`]: the Autopilot hardware hash ("4K hash"): decode, validate, encode synthetic ones.
//! - [`synth`]: deterministic synthetic devices for demos, tests and benchmarks.
//! - [`device`]: a device as a caller submits it ([`device::DeviceInput`]), identity rules,
//!   cross-checks against the hash, identity keys and in-batch duplicate detection.
//! - [`group_tag`]: exact group-tag matching with near-miss suggestions.
//! - [`profile`]: deployment profile settings, their validation and the configuration file.
//! - [`json_batch`]: the JSON batch body, read with its device list capped while parsing.
//! - [`csv`]: the three upload formats, streaming validation with precise diagnostics, fix,
//!   split and convert.
//! - [`codes`]: the stable per-device error codes shared by every channel.

pub mod account;
pub mod codes;
pub mod csv;
pub mod device;
pub mod group_tag;
pub mod hash;
pub mod json_batch;
pub mod profile;
pub mod synth;

//! The three upload formats (docs/domain.md#registration) and their columns.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One of the three accepted CSV formats, named as everywhere in ztd (`partner-center`,
/// `intune`, `mmd`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// `Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model`
    PartnerCenter,
    /// `Device Serial Number,Windows Product ID,Hardware Hash[,Group Tag[,Assigned User]]`
    Intune,
    /// `Manufacturer,Model,Serial Number,Hardware Hash` (legacy Microsoft Managed Desktop)
    Mmd,
}

/// What a column holds, whatever the format calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    SerialNumber,
    ProductKeyId,
    HardwareHash,
    Manufacturer,
    Model,
    GroupTag,
    AssignedUser,
}

impl Column {
    /// Whether a value of this column must be plain ASCII. Identity values are compared
    /// byte for byte with SMBIOS strings, which are ASCII; the group tag and assigned user
    /// are free text that the portals store as typed (see docs/csv-rules.md, "Encoding").
    pub fn ascii_only(self) -> bool {
        !matches!(self, Column::GroupTag | Column::AssignedUser)
    }
}

impl Format {
    pub const ALL: [Format; 3] = [Format::PartnerCenter, Format::Intune, Format::Mmd];

    /// The CLI/API name: `partner-center`, `intune`, `mmd`.
    pub fn name(self) -> &'static str {
        match self {
            Format::PartnerCenter => "partner-center",
            Format::Intune => "intune",
            Format::Mmd => "mmd",
        }
    }

    /// The name people know it by, for messages.
    pub fn title(self) -> &'static str {
        match self {
            Format::PartnerCenter => "Partner Center",
            Format::Intune => "Autopilot/Intune",
            Format::Mmd => "MMD (legacy)",
        }
    }

    /// Every column of the format, in header order (optional ones included).
    pub fn columns(self) -> &'static [Column] {
        use Column::*;
        match self {
            Format::PartnerCenter => &[SerialNumber, ProductKeyId, HardwareHash, Manufacturer, Model],
            Format::Intune => &[SerialNumber, ProductKeyId, HardwareHash, GroupTag, AssignedUser],
            Format::Mmd => &[Manufacturer, Model, SerialNumber, HardwareHash],
        }
    }

    /// How many leading columns of [`Format::columns`] every file of the format has; the
    /// rest are optional and, when present, come in order (Intune's Group Tag, then
    /// Assigned User).
    pub fn required_columns(self) -> usize {
        match self {
            Format::Intune => 3,
            other => other.columns().len(),
        }
    }

    /// The exact header name of a column in this format, if the format has it.
    pub fn column_name(self, column: Column) -> Option<&'static str> {
        use Column::*;
        Some(match (self, column) {
            (Format::PartnerCenter | Format::Intune, SerialNumber) => "Device Serial Number",
            (Format::PartnerCenter | Format::Intune, ProductKeyId) => "Windows Product ID",
            (_, HardwareHash) => "Hardware Hash",
            (Format::PartnerCenter, Manufacturer) => "Manufacturer name",
            (Format::PartnerCenter, Model) => "Device model",
            (Format::Intune, GroupTag) => "Group Tag",
            (Format::Intune, AssignedUser) => "Assigned User",
            (Format::Mmd, Manufacturer) => "Manufacturer",
            (Format::Mmd, Model) => "Model",
            (Format::Mmd, SerialNumber) => "Serial Number",
            _ => return None,
        })
    }

    /// The most rows one upload may have on the real portal (500 for Intune, 1,000 for
    /// Partner Center and the OEM API); `ztd csv split` defaults to it.
    pub fn portal_row_limit(self) -> usize {
        match self {
            Format::Intune => 500,
            Format::PartnerCenter | Format::Mmd => 1_000,
        }
    }

    /// The full header line (every column) without line ending.
    pub fn full_header(self) -> String {
        Layout::full(self).header_line()
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown CSV format `{0}`; expected one of: partner-center, intune, mmd")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL.into_iter().find(|f| f.name() == s).ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

/// A format together with which of its columns a file has: the canonical header of a
/// correct file. (Only Intune has optional columns.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Layout {
    pub format: Format,
    len: usize,
}

impl Layout {
    /// The layout with every column of the format.
    pub fn full(format: Format) -> Self {
        Self { format, len: format.columns().len() }
    }

    /// The layout with the first `len` columns of the format, if that is a valid header.
    pub fn with_len(format: Format, len: usize) -> Option<Self> {
        (format.required_columns()..=format.columns().len()).contains(&len).then_some(Self { format, len })
    }

    /// The Intune layout that holds a group tag (and an assigned user when `assigned_user`).
    pub fn intune(group_tag: bool, assigned_user: bool) -> Self {
        let len = match (group_tag, assigned_user) {
            (_, true) => 5,
            (true, false) => 4,
            (false, false) => 3,
        };
        Self { format: Format::Intune, len }
    }

    pub fn columns(&self) -> &'static [Column] {
        &self.format.columns()[..self.len]
    }

    pub fn has(&self, column: Column) -> bool {
        self.columns().contains(&column)
    }

    /// The header line, exactly as the portal expects it, without line ending.
    pub fn header_line(&self) -> String {
        let names: Vec<&str> =
            self.columns().iter().filter_map(|&column| self.format.column_name(column)).collect();
        names.join(",")
    }

    /// The five exact headers ztd accepts, for messages.
    pub fn all_accepted() -> Vec<Layout> {
        let mut layouts = Vec::new();
        for format in Format::ALL {
            for len in format.required_columns()..=format.columns().len() {
                layouts.push(Layout { format, len });
            }
        }
        layouts
    }
}

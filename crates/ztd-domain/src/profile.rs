//! Deployment profiles (docs/domain.md#profiles-and-group-tags) and the configuration file a device receives (docs/domain.md#first-boot-lookup).
//!
//! Skeleton contract: `ProfileSettings`, `BuiltInProfile` and `built_in_profiles` are used by the
//! storage layer (every customer gets the built-ins at creation); the owner of this module adds
//! validation (`ProfileSettings::validate`, device-name template rules) and the configuration
//! file rendering.

use serde::{Deserialize, Serialize};

pub const SENSITIVE_DATA_TAG: &str = "Microsoft365ManagedSensitiveData_";
pub const POWER_USER_TAG: &str = "Microsoft365ManagedPowerUser_";
pub const STANDARD_TAG: &str = "Microsoft365ManagedStandard_";
/// The group tags of the three built-in managed-desktop profiles.
pub const MANAGED_DESKTOP_TAGS: [&str; 3] = [SENSITIVE_DATA_TAG, POWER_USER_TAG, STANDARD_TAG];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentMode {
    UserDriven,
    SelfDeploying,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinType {
    Cloud,
    Hybrid,
}

/// The settings of a profile that end up in the device's configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSettings {
    pub deployment_mode: DeploymentMode,
    pub join_type: JoinType,
    pub user_is_local_admin: bool,
    pub skip_eula: bool,
    pub skip_privacy_settings: bool,
    pub skip_oem_registration: bool,
    pub skip_keyboard_selection: bool,
    /// e.g. `en-US`; `None` lets the user choose.
    pub language: Option<String>,
    /// e.g. `US`; `None` lets the user choose.
    pub region: Option<String>,
    /// At most 15 characters; `%SERIAL%` and `%RAND:n%` allowed.
    pub device_name_template: Option<String>,
}

impl Default for ProfileSettings {
    /// What Microsoft Managed Desktop uses: user-driven, cloud join, standard user, skip all.
    fn default() -> Self {
        Self {
            deployment_mode: DeploymentMode::UserDriven,
            join_type: JoinType::Cloud,
            user_is_local_admin: false,
            skip_eula: true,
            skip_privacy_settings: true,
            skip_oem_registration: true,
            skip_keyboard_selection: true,
            language: None,
            region: None,
            device_name_template: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltInProfile {
    pub name: &'static str,
    pub group_tag: &'static str,
    pub settings: ProfileSettings,
}

/// The three managed-desktop profiles every customer has from its creation.
pub fn built_in_profiles() -> Vec<BuiltInProfile> {
    let standard = ProfileSettings::default();
    vec![
        BuiltInProfile { name: "Sensitive data", group_tag: SENSITIVE_DATA_TAG, settings: standard.clone() },
        BuiltInProfile {
            name: "Power user",
            group_tag: POWER_USER_TAG,
            settings: ProfileSettings { user_is_local_admin: true, ..standard.clone() },
        },
        BuiltInProfile { name: "Standard", group_tag: STANDARD_TAG, settings: standard },
    ]
}

/// Longest profile display name or group tag.
pub const MAX_PROFILE_TEXT_LEN: usize = 200;
/// A Windows computer name (NetBIOS) is at most this many characters.
pub const MAX_DEVICE_NAME_LEN: usize = 15;

/// `CloudAssignedOobeConfig` bits (docs/domain.md#first-boot-lookup).
pub mod oobe {
    pub const USER_NOT_LOCAL_ADMIN: u32 = 2;
    pub const SKIP_PRIVACY_SETTINGS: u32 = 4;
    pub const SKIP_OEM_REGISTRATION: u32 = 8;
    pub const SKIP_EULA: u32 = 16;
    pub const SKIP_KEYBOARD_SELECTION: u32 = 1024;
}

/// The configuration file's `Version`.
pub const CONFIGURATION_VERSION: u32 = 2049;

/// Why a profile's settings, name or tag are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("{field} is empty")]
    Empty { field: &'static str },
    #[error("{field} {value:?} has whitespace around it")]
    SurroundingWhitespace { field: &'static str, value: String },
    #[error("{field} is {length} characters, longer than the {max} allowed")]
    TooLong { field: &'static str, length: usize, max: usize },
    #[error("{field} has control character U+{code:04X} at position {position}")]
    ControlCharacter { field: &'static str, code: u32, position: usize },
    #[error("{field} {value:?} begins with {lead:?}, which a spreadsheet runs as a formula")]
    FormulaLead { field: &'static str, value: String, lead: char },
    #[error("{field} {value:?} contains {what}, which the device CSV formats cannot hold")]
    UnwritableInCsv { field: &'static str, value: String, what: &'static str },
    #[error("device name template is empty (leave it unset to keep the default name)")]
    EmptyTemplate,
    #[error(
        "device name template {template:?} is {length} characters once expanded, more than the 15 a Windows computer name allows{serial_note}"
    )]
    TemplateTooLong { template: String, length: usize, serial_note: &'static str },
    #[error(
        "device name template {template:?}: character {character:?} at position {position} is not allowed (letters, digits and hyphens only)"
    )]
    TemplateCharacter { template: String, character: char, position: usize },
    #[error(
        "device name template {template:?}: unknown variable {variable:?} at position {position} (allowed: %SERIAL% and %RAND:n%)"
    )]
    TemplateVariable { template: String, variable: String, position: usize },
    #[error("device name template {template:?}: '%' at position {position} starts a variable that is never closed")]
    TemplateUnclosed { template: String, position: usize },
    #[error("device name template {template:?}: %RAND:{digits}% must have 1 to 15 digits")]
    TemplateRandRange { template: String, digits: String },
    #[error("device name template {template:?} would produce a name of only digits, which Windows refuses")]
    TemplateAllDigits { template: String },
    #[error("language {value:?} is not a language tag like \"en-US\" or \"sr-Latn-RS\"")]
    Language { value: String },
    #[error("region {value:?} is not a two-letter uppercase country code like \"US\"")]
    Region { value: String },
}

/// One piece of a device name template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePart {
    Literal(String),
    /// `%SERIAL%`: the device's serial number, cut to fit 15 characters.
    Serial,
    /// `%RAND:n%`: n random digits.
    Random(u8),
}

/// A parsed, valid device-name template (docs/domain.md#profiles-and-group-tags).
///
/// Rules (ztd's decision, following the Autopilot naming rules): literal characters are ASCII
/// letters, digits and hyphens; the only variables are `%SERIAL%` and `%RAND:n%` (uppercase,
/// n in 1..=15); the literal characters plus the `n` digits of each `%RAND:n%` count towards 15,
/// and a template with `%SERIAL%` must leave it at least one character (the serial is cut to
/// fit when the name is made); a name of only digits is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceNameTemplate {
    parts: Vec<TemplatePart>,
}

impl DeviceNameTemplate {
    pub fn parse(template: &str) -> Result<Self, ProfileError> {
        if template.is_empty() {
            return Err(ProfileError::EmptyTemplate);
        }
        let owned = || template.to_owned();
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = template.char_indices().peekable();
        while let Some((position, c)) = rest.next() {
            if c == '%' {
                let after = &template[position + 1..];
                let Some(close) = after.find('%') else {
                    return Err(ProfileError::TemplateUnclosed { template: owned(), position });
                };
                let variable = &after[..close];
                let part = if variable == "SERIAL" {
                    TemplatePart::Serial
                } else if let Some(digits) = variable.strip_prefix("RAND:") {
                    match digits.parse::<u8>() {
                        Ok(n) if (1..=15).contains(&n) && digits.bytes().all(|b| b.is_ascii_digit()) => {
                            TemplatePart::Random(n)
                        }
                        _ => {
                            return Err(ProfileError::TemplateRandRange {
                                template: owned(),
                                digits: digits.into(),
                            })
                        }
                    }
                } else {
                    return Err(ProfileError::TemplateVariable {
                        template: owned(),
                        variable: format!("%{variable}%"),
                        position,
                    });
                };
                if !literal.is_empty() {
                    parts.push(TemplatePart::Literal(std::mem::take(&mut literal)));
                }
                parts.push(part);
                // Skip the variable's characters and its closing '%'.
                while rest.next_if(|&(i, _)| i <= position + 1 + close).is_some() {}
            } else if c.is_ascii_alphanumeric() || c == '-' {
                literal.push(c);
            } else {
                return Err(ProfileError::TemplateCharacter { template: owned(), character: c, position });
            }
        }
        if !literal.is_empty() {
            parts.push(TemplatePart::Literal(literal));
        }
        let parsed = Self { parts };
        let fixed = parsed.fixed_length();
        let has_serial = parsed.parts.contains(&TemplatePart::Serial);
        let limit = if has_serial { MAX_DEVICE_NAME_LEN - 1 } else { MAX_DEVICE_NAME_LEN };
        if fixed > limit {
            let serial_note = if has_serial { ", leaving no room for %SERIAL%" } else { "" };
            let length = if has_serial { fixed + 1 } else { fixed };
            return Err(ProfileError::TemplateTooLong { template: owned(), length, serial_note });
        }
        let all_digits = parsed.parts.iter().all(|part| match part {
            TemplatePart::Literal(text) => text.bytes().all(|b| b.is_ascii_digit()),
            TemplatePart::Random(_) => true,
            TemplatePart::Serial => false,
        });
        if all_digits {
            return Err(ProfileError::TemplateAllDigits { template: owned() });
        }
        Ok(parsed)
    }

    pub fn parts(&self) -> &[TemplatePart] {
        &self.parts
    }

    /// Characters of the name that do not come from the serial number.
    pub fn fixed_length(&self) -> usize {
        self.parts
            .iter()
            .map(|part| match part {
                TemplatePart::Literal(text) => text.len(),
                TemplatePart::Random(n) => usize::from(*n),
                TemplatePart::Serial => 0,
            })
            .sum()
    }
}

fn check_text(field: &'static str, value: &str) -> Result<(), ProfileError> {
    if value.is_empty() {
        return Err(ProfileError::Empty { field });
    }
    if let Some((position, c)) = value.char_indices().find(|(_, c)| c.is_control()) {
        return Err(ProfileError::ControlCharacter { field, code: c as u32, position });
    }
    if value.trim() != value {
        return Err(ProfileError::SurroundingWhitespace { field, value: value.to_owned() });
    }
    let length = value.chars().count();
    if length > MAX_PROFILE_TEXT_LEN {
        return Err(ProfileError::TooLong { field, length, max: MAX_PROFILE_TEXT_LEN });
    }
    Ok(())
}

/// A custom profile's display name: non-empty, no surrounding whitespace or control characters,
/// at most 200 characters.
pub fn validate_display_name(name: &str) -> Result<(), ProfileError> {
    check_text("profile name", name)
}

/// A custom profile's group tag: same rules as the display name. Matching is exact, so a tag
/// with surrounding whitespace could never be matched by a clean upload.
pub fn validate_group_tag(tag: &str) -> Result<(), ProfileError> {
    let field = "group tag";
    check_text(field, tag)?;
    // Devices carry the tag into exports: the same rules as a device's own values.
    if let Some(lead) = crate::device::formula_lead(tag) {
        return Err(ProfileError::FormulaLead { field, value: tag.to_owned(), lead });
    }
    if let Some(what) = crate::csv::unwritable_in_csv(tag) {
        return Err(ProfileError::UnwritableInCsv { field, value: tag.to_owned(), what });
    }
    Ok(())
}

/// `en-US`, `sr-Latn-RS`: 2-3 lowercase letters, optional 4-letter script (Titlecase), 2
/// uppercase letters.
fn is_language_tag(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    let lower = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase())
    };
    let region = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase());
    let script = |s: &str| {
        let b = s.as_bytes();
        b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(|c| c.is_ascii_lowercase())
    };
    match parts.as_slice() {
        [language, country] => lower(language, 2..=3) && region(country),
        [language, writing, country] => lower(language, 2..=3) && script(writing) && region(country),
        _ => false,
    }
}

impl ProfileSettings {
    /// Checks the device-name template, language and region.
    pub fn validate(&self) -> Result<(), ProfileError> {
        if let Some(template) = &self.device_name_template {
            DeviceNameTemplate::parse(template)?;
        }
        if let Some(language) = &self.language {
            if !is_language_tag(language) {
                return Err(ProfileError::Language { value: language.clone() });
            }
        }
        if let Some(region) = &self.region {
            if !(region.len() == 2 && region.bytes().all(|b| b.is_ascii_uppercase())) {
                return Err(ProfileError::Region { value: region.clone() });
            }
        }
        Ok(())
    }

    /// `CloudAssignedOobeConfig`: the bitmap of docs/domain.md#first-boot-lookup.
    pub fn oobe_config(&self) -> u32 {
        [
            (!self.user_is_local_admin, oobe::USER_NOT_LOCAL_ADMIN),
            (self.skip_privacy_settings, oobe::SKIP_PRIVACY_SETTINGS),
            (self.skip_oem_registration, oobe::SKIP_OEM_REGISTRATION),
            (self.skip_eula, oobe::SKIP_EULA),
            (self.skip_keyboard_selection, oobe::SKIP_KEYBOARD_SELECTION),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, bit)| bit)
        .sum()
    }
}

/// The configuration file a device receives at first boot (docs/domain.md#first-boot-lookup). Unset language, region
/// and device name are `null` (the user or Windows chooses).
pub fn render_configuration(
    settings: &ProfileSettings,
    tenant_id: &str,
    tenant_domain: &str,
    device_id: &str,
    comment: &str,
) -> serde_json::Value {
    let join_method = match settings.join_type {
        JoinType::Cloud => 0,
        JoinType::Hybrid => 1,
    };
    serde_json::json!({
        "Version": CONFIGURATION_VERSION,
        "CloudAssignedTenantId": tenant_id,
        "CloudAssignedTenantDomain": tenant_domain,
        "CloudAssignedOobeConfig": settings.oobe_config(),
        "CloudAssignedDomainJoinMethod": join_method,
        "CloudAssignedForcedEnrollment": 1,
        "ZtdCorrelationId": device_id,
        "CloudAssignedDeviceName": settings.device_name_template,
        "CloudAssignedLanguage": settings.language,
        "CloudAssignedRegion": settings.region,
        "Comment_File": comment,
    })
}

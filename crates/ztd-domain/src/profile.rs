//! Deployment profiles (SPEC §4) and the configuration file a device receives (SPEC §8).
//!
//! Skeleton contract: `ProfileSettings`, `BuiltInProfile` and `built_in_profiles` are used by the
//! storage layer (every customer gets the built-ins at creation); the owner of this module adds
//! validation (`ProfileSettings::validate`, device-name template rules) and the configuration
//! file rendering.

use serde::{Deserialize, Serialize};

pub const SENSITIVE_DATA_TAG: &str = "Microsoft365ManagedSensitiveData_";
pub const POWER_USER_TAG: &str = "Microsoft365ManagedPowerUser_";
pub const STANDARD_TAG: &str = "Microsoft365ManagedStandard_";

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

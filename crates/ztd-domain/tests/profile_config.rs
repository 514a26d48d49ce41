//! Profile settings validation and the configuration file (docs/domain.md#profiles-and-group-tags, #first-boot-lookup).

use ztd_domain::profile::{
    built_in_profiles, render_configuration, validate_display_name, validate_group_tag, DeviceNameTemplate,
    JoinType, ProfileError, ProfileSettings, TemplatePart,
};

fn with_template(template: &str) -> Result<(), ProfileError> {
    ProfileSettings { device_name_template: Some(template.into()), ..ProfileSettings::default() }.validate()
}

#[test]
fn built_in_profiles_are_valid() {
    for profile in built_in_profiles() {
        profile.settings.validate().unwrap();
        validate_display_name(profile.name).unwrap();
        validate_group_tag(profile.group_tag).unwrap();
    }
}

#[test]
fn device_name_templates() {
    assert_eq!(
        DeviceNameTemplate::parse("CONTOSO-%SERIAL%").unwrap().parts(),
        [TemplatePart::Literal("CONTOSO-".into()), TemplatePart::Serial]
    );
    assert_eq!(DeviceNameTemplate::parse("PC-%RAND:5%").unwrap().fixed_length(), 8);
    assert!(with_template("ABCDEFGHIJKLMNO").is_ok());
    assert!(with_template("ABCDEFGHIJKLM%SERIAL%").is_ok());
    assert!(with_template("ABCDEFGHIJ%RAND:5%").is_ok());

    let message = |t: &str| with_template(t).unwrap_err().to_string();
    assert_eq!(
        message("ABCDEFGHIJKLMNOP"),
        "device name template \"ABCDEFGHIJKLMNOP\" is 16 characters once expanded, more than the 15 a Windows computer name allows"
    );
    assert!(with_template("ABCDEFGHIJKLMN%SERIAL%").is_ok());
    assert!(message("ABCDEFGHIJKLMNO%SERIAL%").ends_with("leaving no room for %SERIAL%"));
    assert!(message("ABCDEFGHIJK%RAND:5%").contains("is 16 characters"));
    assert_eq!(
        message("PC-%serial%"),
        "device name template \"PC-%serial%\": unknown variable \"%serial%\" at position 3 (allowed: %SERIAL% and %RAND:n%)"
    );
    assert_eq!(
        message("PC-%RAND:0%"),
        "device name template \"PC-%RAND:0%\": %RAND:0% must have 1 to 15 digits"
    );
    assert!(matches!(with_template("PC-%RAND:16%"), Err(ProfileError::TemplateRandRange { .. })));
    assert!(matches!(with_template("PC-%RAND:x%"), Err(ProfileError::TemplateRandRange { .. })));
    assert!(matches!(with_template("PC-%SERIAL"), Err(ProfileError::TemplateUnclosed { position: 3, .. })));
    assert!(matches!(
        with_template("PC_1"),
        Err(ProfileError::TemplateCharacter { character: '_', position: 2, .. })
    ));
    assert!(matches!(with_template("PC 1"), Err(ProfileError::TemplateCharacter { character: ' ', .. })));
    assert!(matches!(with_template("123%RAND:4%"), Err(ProfileError::TemplateAllDigits { .. })));
    assert!(matches!(with_template(""), Err(ProfileError::EmptyTemplate)));
}

#[test]
fn language_and_region() {
    let settings = |language: &str, region: &str| ProfileSettings {
        language: Some(language.into()),
        region: Some(region.into()),
        ..ProfileSettings::default()
    };
    assert!(settings("en-US", "US").validate().is_ok());
    assert!(settings("sr-Latn-RS", "RS").validate().is_ok());
    assert_eq!(
        settings("en_US", "US").validate().unwrap_err().to_string(),
        "language \"en_US\" is not a language tag like \"en-US\" or \"sr-Latn-RS\""
    );
    assert!(matches!(settings("EN-us", "US").validate(), Err(ProfileError::Language { .. })));
    assert!(matches!(settings("de-DE", "de").validate(), Err(ProfileError::Region { .. })));
}

#[test]
fn names_and_tags_of_custom_profiles() {
    assert_eq!(validate_display_name("").unwrap_err().to_string(), "profile name is empty");
    assert_eq!(
        validate_group_tag("Sales_ ").unwrap_err().to_string(),
        "group tag \"Sales_ \" has whitespace around it"
    );
    assert!(matches!(validate_group_tag("a\u{7}b"), Err(ProfileError::ControlCharacter { position: 1, .. })));
    assert!(validate_group_tag(&"x".repeat(200)).is_ok());
    assert!(matches!(validate_group_tag(&"x".repeat(201)), Err(ProfileError::TooLong { length: 201, .. })));
}

#[test]
fn configuration_file_has_the_exact_keys_and_bitmap() {
    let settings = ProfileSettings::default();
    let config =
        render_configuration(&settings, "tenant-1", "contoso.example", "device-9", "Profile Standard");
    assert_eq!(
        config,
        serde_json::json!({
            "Version": 2049,
            "CloudAssignedTenantId": "tenant-1",
            "CloudAssignedTenantDomain": "contoso.example",
            "CloudAssignedOobeConfig": 2 + 4 + 8 + 16 + 1024,
            "CloudAssignedDomainJoinMethod": 0,
            "CloudAssignedForcedEnrollment": 1,
            "ZtdCorrelationId": "device-9",
            "CloudAssignedDeviceName": null,
            "CloudAssignedLanguage": null,
            "CloudAssignedRegion": null,
            "Comment_File": "Profile Standard",
        })
    );
}

#[test]
fn each_setting_moves_its_own_bit() {
    let base = ProfileSettings {
        user_is_local_admin: true,
        skip_eula: false,
        skip_privacy_settings: false,
        skip_oem_registration: false,
        skip_keyboard_selection: false,
        ..ProfileSettings::default()
    };
    assert_eq!(base.oobe_config(), 0);
    let bits = [
        (ProfileSettings { user_is_local_admin: false, ..base.clone() }, 2),
        (ProfileSettings { skip_privacy_settings: true, ..base.clone() }, 4),
        (ProfileSettings { skip_oem_registration: true, ..base.clone() }, 8),
        (ProfileSettings { skip_eula: true, ..base.clone() }, 16),
        (ProfileSettings { skip_keyboard_selection: true, ..base.clone() }, 1024),
    ];
    for (settings, bit) in bits {
        assert_eq!(settings.oobe_config(), bit);
    }
    let hybrid = ProfileSettings {
        join_type: JoinType::Hybrid,
        language: Some("de-DE".into()),
        region: Some("DE".into()),
        device_name_template: Some("DE-%SERIAL%".into()),
        ..ProfileSettings::default()
    };
    let config = render_configuration(&hybrid, "t", "d", "x", "c");
    assert_eq!(config["CloudAssignedDomainJoinMethod"], 1);
    assert_eq!(config["CloudAssignedLanguage"], "de-DE");
    assert_eq!(config["CloudAssignedRegion"], "DE");
    assert_eq!(config["CloudAssignedDeviceName"], "DE-%SERIAL%");
}

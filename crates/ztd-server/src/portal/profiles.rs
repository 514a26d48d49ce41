//! Deployment profiles: the list, and a create/edit form with the configuration file a device
//! would receive, previewed from what is typed (the domain's `render_configuration`) before
//! anything is saved. Saving goes through the profile use cases ([`crate::app::profiles`]).

use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use ztd_domain::profile::{render_configuration, DeploymentMode, JoinType, ProfileSettings};

use super::customers::customer_name;
use super::error::{self, PortalError};
use super::session::{CsrfForm, Portal};
use super::view::{self, Field, Section};
use crate::app::profiles::{self, NewProfile, ProfileChanges};
use crate::error::ApiError;

/// What the person typed; checkboxes are present only when ticked.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    group_tag: String,
    #[serde(default)]
    deployment_mode: String,
    #[serde(default)]
    join_type: String,
    user_is_local_admin: Option<String>,
    skip_eula: Option<String>,
    skip_privacy_settings: Option<String>,
    skip_oem_registration: Option<String>,
    skip_keyboard_selection: Option<String>,
    #[serde(default)]
    language: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    device_name_template: String,
    /// `preview` re-renders with the preview; anything else saves.
    action: Option<String>,
}

impl ProfileForm {
    fn from_profile(name: &str, tag: &str, settings: &ProfileSettings) -> Self {
        let flag = |on: bool| on.then(|| "true".to_owned());
        Self {
            name: name.to_owned(),
            group_tag: tag.to_owned(),
            deployment_mode: match settings.deployment_mode {
                DeploymentMode::UserDriven => "user_driven".into(),
                DeploymentMode::SelfDeploying => "self_deploying".into(),
            },
            join_type: match settings.join_type {
                JoinType::Cloud => "cloud".into(),
                JoinType::Hybrid => "hybrid".into(),
            },
            user_is_local_admin: flag(settings.user_is_local_admin),
            skip_eula: flag(settings.skip_eula),
            skip_privacy_settings: flag(settings.skip_privacy_settings),
            skip_oem_registration: flag(settings.skip_oem_registration),
            skip_keyboard_selection: flag(settings.skip_keyboard_selection),
            language: settings.language.clone().unwrap_or_default(),
            region: settings.region.clone().unwrap_or_default(),
            device_name_template: settings.device_name_template.clone().unwrap_or_default(),
            action: None,
        }
    }

    /// The settings as the API takes them (empty text fields mean "not set").
    fn settings_map(&self) -> serde_json::Map<String, serde_json::Value> {
        let text = |value: &str| {
            let value = value.trim();
            if value.is_empty() {
                serde_json::Value::Null
            } else {
                serde_json::Value::String(value.to_owned())
            }
        };
        let mut map = serde_json::Map::new();
        map.insert("deployment_mode".into(), self.deployment_mode.clone().into());
        map.insert("join_type".into(), self.join_type.clone().into());
        map.insert("user_is_local_admin".into(), self.user_is_local_admin.is_some().into());
        map.insert("skip_eula".into(), self.skip_eula.is_some().into());
        map.insert("skip_privacy_settings".into(), self.skip_privacy_settings.is_some().into());
        map.insert("skip_oem_registration".into(), self.skip_oem_registration.is_some().into());
        map.insert("skip_keyboard_selection".into(), self.skip_keyboard_selection.is_some().into());
        map.insert("language".into(), text(&self.language));
        map.insert("region".into(), text(&self.region));
        map.insert("device_name_template".into(), text(&self.device_name_template));
        map
    }

    /// The settings, checked by the domain's rules.
    fn settings(&self) -> Result<ProfileSettings, String> {
        let settings: ProfileSettings =
            serde_json::from_value(serde_json::Value::Object(self.settings_map()))
                .map_err(|_| "choose a deployment mode and a join type".to_owned())?;
        settings.validate().map_err(|error| error.to_string())?;
        Ok(settings)
    }

    fn wants_preview(&self) -> bool {
        self.action.as_deref() == Some("preview")
    }
}

/// The profile being edited, when it exists.
struct Existing {
    id: Uuid,
    built_in: bool,
}

fn preview(portal: &Portal, customer_id: Uuid, form: &ProfileForm) -> Markup {
    let tenant_domain = if portal.org().id == customer_id {
        portal.org().domain.clone().unwrap_or_default()
    } else {
        String::new()
    };
    html! {
        section aria-labelledby="preview-title" {
            h2 id="preview-title" { "Configuration file preview" }
            p class="hint" { "What a device with this profile receives at first boot (AutopilotConfigurationFile)." }
            div id="preview" aria-live="polite" {
                @match form.settings() {
                    Ok(settings) => {
                        (view::json_block(&render_configuration(
                            &settings,
                            &customer_id.to_string(),
                            &tenant_domain,
                            "(the device's id)",
                            &format!("Profile {}", form.name.trim()),
                        )))
                    }
                    Err(problem) => {
                        div class="notice warn" { p { "No preview yet: " (problem) "." } }
                    }
                }
            }
        }
    }
}

fn checkbox(id: &str, label: &str, on: bool) -> Markup {
    html! {
        label class="check" for=(id) {
            input type="checkbox" id=(id) name=(id) value="true" checked[on];
            span { (label) }
        }
    }
}

fn form_page(
    portal: &Portal,
    customer_id: Uuid,
    customer: &str,
    existing: Option<&Existing>,
    form: &ProfileForm,
    problem: Option<&error::Explanation>,
) -> Markup {
    let can_edit = portal.is_customer() && portal.is_admin() && portal.org().id == customer_id;
    let fixed_identity = existing.is_some_and(|existing| existing.built_in);
    let action = match existing {
        Some(existing) => format!("/customers/{customer_id}/profiles/{}", existing.id),
        None => format!("/customers/{customer_id}/profiles"),
    };
    let title = match existing {
        Some(_) if can_edit => format!("Edit profile {}", form.name),
        Some(_) => format!("Profile {}", form.name),
        None => "New profile".to_owned(),
    };
    let content = html! {
        p class="crumbs" { a href=(format!("/customers/{customer_id}/profiles")) { "Profiles of " (customer) } " › " (title) }
        h1 { (title) }
        @if let Some(problem) = problem { (error::notice(portal.tr(), problem)) }
        @if !can_edit { (view::notice("info", "Read only", Some("Only the customer's own admins change its profiles."))) }
        div class="split" {
            form class="stack card" method="post" action=(action) data-preview="preview" {
                (view::csrf(portal))
                @if fixed_identity {
                    p class="hint" { "A built-in managed-desktop profile: its name and group tag are fixed; its settings can be changed." }
                }
                (view::field(Field::text("name", "Name", &form.name).required()))
                (view::field(Field::text("group_tag", "Group tag", &form.group_tag).required()
                    .hint("Matched exactly, byte for byte: case and a trailing underscore count.")))
                div class="field" {
                    label for="deployment_mode" { "Deployment mode" }
                    select id="deployment_mode" name="deployment_mode" {
                        option value="user_driven" selected[form.deployment_mode == "user_driven"] { "User-driven" }
                        option value="self_deploying" selected[form.deployment_mode == "self_deploying"] { "Self-deploying" }
                    }
                }
                div class="field" {
                    label for="join_type" { "Join type" }
                    select id="join_type" name="join_type" {
                        option value="cloud" selected[form.join_type == "cloud"] { "Cloud (Microsoft Entra join)" }
                        option value="hybrid" selected[form.join_type == "hybrid"] { "Hybrid (on-premises domain join)" }
                    }
                }
                fieldset {
                    legend { "Out-of-box experience" }
                    (checkbox("user_is_local_admin", "The user is a local administrator", form.user_is_local_admin.is_some()))
                    (checkbox("skip_eula", "Skip the licence terms (EULA)", form.skip_eula.is_some()))
                    (checkbox("skip_privacy_settings", "Skip the privacy settings", form.skip_privacy_settings.is_some()))
                    (checkbox("skip_oem_registration", "Skip the OEM registration", form.skip_oem_registration.is_some()))
                    (checkbox("skip_keyboard_selection", "Skip the keyboard selection", form.skip_keyboard_selection.is_some()))
                }
                (view::field(Field::text("language", "Language (optional)", &form.language).hint("e.g. en-US; empty lets the user choose.")))
                (view::field(Field::text("region", "Region (optional)", &form.region).hint("e.g. US; empty lets the user choose.")))
                (view::field(Field::text("device_name_template", "Device name template (optional)", &form.device_name_template)
                    .hint("At most 15 characters once expanded; %SERIAL% and %RAND:n% are replaced per device.")))
                div class="actions" {
                    button type="submit" name="action" value="preview" class="secondary" { "Update the preview" }
                    @if can_edit { button type="submit" name="action" value="save" { "Save profile" } }
                }
            }
            (preview(portal, customer_id, form))
        }
    };
    view::page(portal, Section::Profiles, &title, content)
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    notice: Option<String>,
}

pub async fn list(
    portal: Portal,
    Path(customer_id): Path<Uuid>,
    Query(query): Query<ListQuery>,
) -> Result<Markup, PortalError> {
    let profiles = profiles::list(portal.access(), customer_id).await?;
    let customer = customer_name(&portal, customer_id).await?;
    let can_edit = portal.is_customer() && portal.is_admin() && portal.org().id == customer_id;
    let content = html! {
        h1 { "Profiles of " (customer) }
        p class="lead" { "A device gets the profile whose group tag equals its own exactly." }
        @if query.notice.as_deref() == Some("saved") { (view::notice("ok", "Profile saved", None)) }
        @if can_edit { p { a class="button" href=(format!("/customers/{customer_id}/profiles/new")) { "New profile" } } }
        div class="table-wrap" {
            table id="profiles" {
                thead { tr { th { "Name" } th { "Group tag" } th { "Mode" } th { "Join" } th { "" } } }
                tbody {
                    @for profile in &profiles {
                        @let settings = serde_json::from_value::<ProfileSettings>(profile.settings.clone()).ok();
                        tr {
                            td { (profile.name) @if profile.built_in { " " (view::badge("", "built-in")) } }
                            td { (view::tag(portal.tr(), &profile.group_tag)) }
                            td { (settings.as_ref().map_or("", |s| match s.deployment_mode { DeploymentMode::UserDriven => "user-driven", DeploymentMode::SelfDeploying => "self-deploying" })) }
                            td { (settings.as_ref().map_or("", |s| match s.join_type { JoinType::Cloud => "cloud", JoinType::Hybrid => "hybrid" })) }
                            td { a href=(format!("/customers/{customer_id}/profiles/{}", profile.id)) { (if can_edit { "Edit" } else { "View" }) } }
                        }
                    }
                }
            }
        }
    };
    Ok(view::page(&portal, Section::Profiles, &format!("Profiles of {customer}"), content))
}

pub async fn new_form(portal: Portal, Path(customer_id): Path<Uuid>) -> Result<Markup, PortalError> {
    // Reading the profiles first lets the access layer refuse a customer the caller cannot see.
    let _visible = profiles::list(portal.access(), customer_id).await?;
    let customer = customer_name(&portal, customer_id).await?;
    let form = ProfileForm::from_profile("", "", &ProfileSettings::default());
    Ok(form_page(&portal, customer_id, &customer, None, &form, None))
}

pub async fn create(
    Path(customer_id): Path<Uuid>,
    CsrfForm(portal, form): CsrfForm<ProfileForm>,
) -> Result<Response, PortalError> {
    let customer = customer_name(&portal, customer_id).await?;
    if form.wants_preview() {
        return Ok(form_page(&portal, customer_id, &customer, None, &form, None).into_response());
    }
    let new = NewProfile {
        name: form.name.clone(),
        group_tag: form.group_tag.clone(),
        settings: Some(form.settings_map()),
    };
    match profiles::create(portal.access(), customer_id, new).await {
        Ok(_) => Ok(Redirect::to(&format!("/customers/{customer_id}/profiles?notice=saved")).into_response()),
        Err(error) => {
            let error = ApiError::from(error);
            let page = form_page(
                &portal,
                customer_id,
                &customer,
                None,
                &form,
                Some(&error::explain(portal.tr(), &error)),
            );
            Ok((error.status(), page).into_response())
        }
    }
}

pub async fn edit_form(
    portal: Portal,
    Path((customer_id, id)): Path<(Uuid, Uuid)>,
) -> Result<Markup, PortalError> {
    let profile = profiles::get(portal.access(), customer_id, id).await?;
    let customer = customer_name(&portal, customer_id).await?;
    let settings: ProfileSettings = serde_json::from_value(profile.settings.clone()).unwrap_or_default();
    let form = ProfileForm::from_profile(&profile.name, &profile.group_tag, &settings);
    let existing = Existing { id, built_in: profile.built_in };
    Ok(form_page(&portal, customer_id, &customer, Some(&existing), &form, None))
}

pub async fn update(
    Path((customer_id, id)): Path<(Uuid, Uuid)>,
    CsrfForm(portal, mut form): CsrfForm<ProfileForm>,
) -> Result<Response, PortalError> {
    let profile = profiles::get(portal.access(), customer_id, id).await?;
    let customer = customer_name(&portal, customer_id).await?;
    let existing = Existing { id, built_in: profile.built_in };
    if profile.built_in {
        // Fixed for built-ins; what the form shows is what is stored.
        form.name = profile.name.clone();
        form.group_tag = profile.group_tag.clone();
    }
    if form.wants_preview() {
        return Ok(form_page(&portal, customer_id, &customer, Some(&existing), &form, None).into_response());
    }
    let changes = ProfileChanges {
        name: (!profile.built_in).then(|| form.name.clone()),
        group_tag: (!profile.built_in).then(|| form.group_tag.clone()),
        settings: Some(form.settings_map()),
    };
    match profiles::update(portal.access(), customer_id, id, changes).await {
        Ok(_) => Ok(Redirect::to(&format!("/customers/{customer_id}/profiles?notice=saved")).into_response()),
        Err(error) => {
            let error = ApiError::from(error);
            let page = form_page(
                &portal,
                customer_id,
                &customer,
                Some(&existing),
                &form,
                Some(&error::explain(portal.tr(), &error)),
            );
            Ok((error.status(), page).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_round_trips_the_settings() {
        let settings = ProfileSettings {
            language: Some("en-US".into()),
            device_name_template: Some("CON-%SERIAL%".into()),
            ..ProfileSettings::default()
        };
        let form = ProfileForm::from_profile("Kiosk", "Kiosk_", &settings);
        assert_eq!(form.settings().unwrap(), settings);
    }

    #[test]
    fn a_broken_template_is_explained_instead_of_previewed() {
        let mut form = ProfileForm::from_profile("Kiosk", "Kiosk_", &ProfileSettings::default());
        form.device_name_template = "MUCH-TOO-LONG-NAME-FOR-WINDOWS".into();
        let problem = form.settings().unwrap_err();
        assert!(problem.contains("15"), "{problem}");
    }
}

//! Deployment profiles: the list, and a create/edit form with the configuration file a device
//! would receive, previewed from what is typed (the domain's `render_configuration`) before
//! anything is saved. Saving goes through the profile use cases ([`crate::app::profiles`]).

use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use ztd_domain::profile::{render_configuration, DeploymentMode, JoinType, ProfileError, ProfileSettings};

use super::customers::customer_name;
use super::error::{self, PortalError};
use super::i18n::Tr;
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
    fn settings(&self) -> Result<ProfileSettings, Option<ProfileError>> {
        let settings: ProfileSettings =
            serde_json::from_value(serde_json::Value::Object(self.settings_map())).map_err(|_| None)?;
        settings.validate().map_err(Some)?;
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

/// Why the settings cannot be previewed, in the page's language.
fn problem_text(tr: Tr, problem: Option<&ProfileError>) -> String {
    let Some(problem) = problem else { return tr.t("profile-problem-choose") };
    let position = |position: usize| i64::try_from(position).unwrap_or(i64::MAX);
    match problem {
        ProfileError::EmptyTemplate => tr.t("profile-problem-template-empty"),
        ProfileError::TemplateTooLong { template, length, serial_note } => tr.a(
            if serial_note.is_empty() {
                "profile-problem-template-too-long"
            } else {
                "profile-problem-template-too-long-serial"
            },
            &[("template", template.as_str().into()), ("length", position(*length).into())],
        ),
        ProfileError::TemplateCharacter { template, character, position: at } => tr.a(
            "profile-problem-template-character",
            &[
                ("template", template.as_str().into()),
                ("character", character.to_string().into()),
                ("position", position(*at).into()),
            ],
        ),
        ProfileError::TemplateVariable { template, variable, position: at } => tr.a(
            "profile-problem-template-variable",
            &[
                ("template", template.as_str().into()),
                ("variable", variable.as_str().into()),
                ("position", position(*at).into()),
            ],
        ),
        ProfileError::TemplateUnclosed { template, position: at } => tr.a(
            "profile-problem-template-unclosed",
            &[("template", template.as_str().into()), ("position", position(*at).into())],
        ),
        ProfileError::TemplateRandRange { template, digits } => tr.a(
            "profile-problem-template-rand",
            &[("template", template.as_str().into()), ("digits", digits.as_str().into())],
        ),
        ProfileError::TemplateAllDigits { template } => {
            tr.a("profile-problem-template-digits", &[("template", template.as_str().into())])
        }
        ProfileError::Language { value } => {
            tr.a("profile-problem-language", &[("value", value.as_str().into())])
        }
        ProfileError::Region { value } => tr.a("profile-problem-region", &[("value", value.as_str().into())]),
        // Name and tag rules are checked when saving, where the service explains them.
        other => other.to_string(),
    }
}

fn preview(portal: &Portal, customer_id: Uuid, form: &ProfileForm) -> Markup {
    let tr = portal.tr();
    let tenant_domain = if portal.org().id == customer_id {
        portal.org().domain.clone().unwrap_or_default()
    } else {
        String::new()
    };
    html! {
        section aria-labelledby="preview-title" {
            h2 id="preview-title" { (tr.t("profile-preview-title")) }
            p class="hint" { (tr.t("profile-preview-hint")) }
            div id="preview" aria-live="polite" {
                @match form.settings() {
                    Ok(settings) => {
                        (view::json_block(&render_configuration(
                            &settings,
                            &customer_id.to_string(),
                            &tenant_domain,
                            &tr.t("profile-preview-device-id"),
                            // The configuration file's own text, as the device receives it.
                            &format!("Profile {}", form.name.trim()),
                        )))
                    }
                    Err(problem) => {
                        div class="notice warn" { p { (tr.a("profile-preview-none", &[("problem", problem_text(tr, problem.as_ref()).into())])) } }
                    }
                }
            }
        }
    }
}

fn checkbox(tr: Tr, id: &str, on: bool) -> Markup {
    html! {
        label class="check" for=(id) {
            input type="checkbox" id=(id) name=(id) value="true" checked[on];
            span { (tr.t(&format!("profile-{}", id.replace('_', "-")))) }
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
    let tr = portal.tr();
    let can_edit = portal.is_customer() && portal.is_admin() && portal.org().id == customer_id;
    let fixed_identity = existing.is_some_and(|existing| existing.built_in);
    let action = match existing {
        Some(existing) => format!("/customers/{customer_id}/profiles/{}", existing.id),
        None => format!("/customers/{customer_id}/profiles"),
    };
    let title = match existing {
        Some(_) if can_edit => tr.a("profile-edit-title", &[("name", form.name.as_str().into())]),
        Some(_) => tr.a("profile-view-title", &[("name", form.name.as_str().into())]),
        None => tr.t("profile-new-title"),
    };
    let content = html! {
        p class="crumbs" { a href=(format!("/customers/{customer_id}/profiles")) { (tr.a("profiles-crumb", &[("customer", customer.into())])) } " › " (title) }
        h1 { (title) }
        @if let Some(problem) = problem { (error::notice(tr, problem)) }
        @if !can_edit { (view::notice("info", &tr.t("profile-read-only"), Some(&tr.t("profile-read-only-text")))) }
        div class="split" {
            form id="profile-form" class="stack card" method="post" action=(action) data-preview="preview" {
                (view::csrf(portal))
                @if fixed_identity {
                    p class="hint" { (tr.t("profile-built-in-hint")) }
                }
                (view::field(Field::text("name", &tr.t("profile-name"), &form.name).required()))
                (view::field(Field::text("group_tag", &tr.t("profile-group-tag"), &form.group_tag).required()
                    .hint(&tr.t("profile-group-tag-hint"))))
                div class="field" {
                    label for="deployment_mode" { (tr.t("profile-deployment-mode")) }
                    select id="deployment_mode" name="deployment_mode" {
                        option value="user_driven" selected[form.deployment_mode == "user_driven"] { (tr.t("profile-deployment-user-driven")) }
                        option value="self_deploying" selected[form.deployment_mode == "self_deploying"] { (tr.t("profile-deployment-self-deploying")) }
                    }
                }
                div class="field" {
                    label for="join_type" { (tr.t("profile-join-type")) }
                    select id="join_type" name="join_type" {
                        option value="cloud" selected[form.join_type == "cloud"] { (tr.t("profile-join-cloud")) }
                        option value="hybrid" selected[form.join_type == "hybrid"] { (tr.t("profile-join-hybrid")) }
                    }
                }
                fieldset {
                    legend { (tr.t("profile-oobe")) }
                    (checkbox(tr, "user_is_local_admin", form.user_is_local_admin.is_some()))
                    (checkbox(tr, "skip_eula", form.skip_eula.is_some()))
                    (checkbox(tr, "skip_privacy_settings", form.skip_privacy_settings.is_some()))
                    (checkbox(tr, "skip_oem_registration", form.skip_oem_registration.is_some()))
                    (checkbox(tr, "skip_keyboard_selection", form.skip_keyboard_selection.is_some()))
                }
                (view::field(Field::text("language", &tr.t("profile-language"), &form.language).hint(&tr.t("profile-language-hint"))))
                (view::field(Field::text("region", &tr.t("profile-region"), &form.region).hint(&tr.t("profile-region-hint"))))
                (view::field(Field::text("device_name_template", &tr.t("profile-name-template"), &form.device_name_template)
                    .hint(&tr.t("profile-name-template-hint"))))
                div class="actions" {
                    button type="submit" name="action" value="preview" class="secondary" { (tr.t("profile-update-preview")) }
                    @if can_edit { button type="submit" name="action" value="save" { (tr.t("profile-save")) } }
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
    let tr = portal.tr();
    let title = tr.a("profiles-title", &[("customer", customer.as_str().into())]);
    let content = html! {
        h1 { (title) }
        p class="lead" { (tr.t("profiles-lead")) }
        @if query.notice.as_deref() == Some("saved") { (view::notice("ok", &tr.t("profiles-saved"), None)) }
        @if can_edit { p { a class="button" href=(format!("/customers/{customer_id}/profiles/new")) { (tr.t("profiles-new")) } } }
        div class="table-wrap" {
            table id="profiles" class="cards" {
                thead { tr {
                    th { (tr.t("profiles-col-name")) } th { (tr.t("profiles-col-group-tag")) } th { (tr.t("profiles-col-mode")) }
                    th { (tr.t("profiles-col-join")) } th { span class="skip" { (tr.t("profiles-col-actions")) } }
                } }
                tbody {
                    @for profile in &profiles {
                        @let settings = serde_json::from_value::<ProfileSettings>(profile.settings.clone()).ok();
                        tr {
                            td data-label=(tr.t("profiles-col-name")) { (profile.name) @if profile.built_in { " " (view::badge("", &tr.t("profiles-built-in"))) } }
                            td data-label=(tr.t("profiles-col-group-tag")) { (view::tag(tr, &profile.group_tag)) }
                            td data-label=(tr.t("profiles-col-mode")) { (settings.as_ref().map_or(String::new(), |s| match s.deployment_mode { DeploymentMode::UserDriven => tr.t("profiles-mode-user-driven"), DeploymentMode::SelfDeploying => tr.t("profiles-mode-self-deploying") })) }
                            td data-label=(tr.t("profiles-col-join")) { (settings.as_ref().map_or(String::new(), |s| match s.join_type { JoinType::Cloud => tr.t("profiles-join-cloud"), JoinType::Hybrid => tr.t("profiles-join-hybrid") })) }
                            td { a href=(format!("/customers/{customer_id}/profiles/{}", profile.id)) { (if can_edit { tr.t("profiles-edit") } else { tr.t("profiles-view") }) } }
                        }
                    }
                }
            }
        }
    };
    Ok(view::page(&portal, Section::Profiles, &title, content))
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
        for tr in crate::portal::i18n::Tr::all() {
            let text = problem_text(tr, problem.as_ref());
            assert!(text.contains("15") && text.contains("MUCH-TOO-LONG"), "{text}");
        }
    }
}

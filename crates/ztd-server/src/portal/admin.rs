//! Organisation admins: users and roles, API keys (the secret shown once). The operator:
//! organisations. Every action is an account use case ([`crate::app::accounts`]), role and kind
//! checks included.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use ztd_storage::{OrgKind, Organisation, Role};

use super::error::{self, PortalError};
use super::session::{CsrfForm, NoFields, Portal};
use super::view::{self, Field, Section};
use crate::app::access::Access;
use crate::app::accounts::{self, CreatedApiKey, CreatedUser, Email, KeyName, NewOrg};
use crate::app::Error;
use crate::error::ApiError;

fn role_select(id: &str, chosen: &str) -> Markup {
    html! {
        div class="field" {
            label for=(id) { "Role" }
            select id=(id) name=(id) {
                @for role in Role::ALL {
                    option value=(role.as_str()) selected[chosen == role.as_str()] { (role_label(*role)) }
                }
            }
        }
    }
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin: users, keys, relationships, profiles, devices",
        Role::Registrar => "registrar: registers and deregisters devices",
        Role::Reader => "reader: read-only",
    }
}

fn parse_role(text: &str) -> Result<Role, Error> {
    Role::parse(text).ok_or_else(|| {
        Error::invalid("invalid_role", format!("{text:?} is not a role"))
            .with_hint("choose admin, registrar or reader")
    })
}

/// Adds a user to the caller's organisation (admins), as the API does.
async fn add_user(access: &Access, form: &UserForm) -> Result<CreatedUser, Error> {
    let role = parse_role(&form.role)?;
    let org = access.own_org(Role::Admin)?;
    accounts::create_user(&org, &Email::parse(&form.email)?, role).await
}

/// Creates an API key of the caller's organisation (admins), as the API does.
async fn add_api_key(access: &Access, form: &KeyForm) -> Result<CreatedApiKey, Error> {
    let role = parse_role(&form.role)?;
    let org = access.own_org(Role::Admin)?;
    accounts::create_api_key(&org, &KeyName::parse(&form.name)?, role, None).await
}

// ------------------------------------------------------------------------------------------
// Users
// ------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

async fn users_page(
    portal: &Portal,
    form: &UserForm,
    problem: Option<&error::Explanation>,
) -> Result<Markup, PortalError> {
    let list = accounts::list_users(portal.access()).await?;
    let chosen = if form.role.is_empty() { "registrar" } else { form.role.as_str() };
    let content = html! {
        h1 { "Users of " (portal.org().name) }
        div class="table-wrap" {
            table id="users" {
                thead { tr { th { "Email" } th { "Role" } th { "Password" } th { "Since" } th { "Access" } } }
                tbody {
                    @for user in &list {
                        tr {
                            td { (user.email) }
                            td { (user.role) }
                            td { @if user.must_change_password { (view::badge("warn", "one-time password not changed yet")) } @else { "set" } }
                            td { (view::time(portal.tr(), user.created_at)) }
                            td {
                                @if let Some(at) = user.disabled_at {
                                    (view::badge("warn", "disabled")) " " (view::time(portal.tr(), at))
                                } @else {
                                    form method="post" action=(format!("/users/{}/disable", user.id)) {
                                        (view::csrf(portal))
                                        button type="submit" class="secondary" aria-label=(format!("Disable the user {}", user.email)) { "Disable" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Add a user" }
        @if let Some(problem) = problem { (error::notice(portal.tr(), problem)) }
        form class="stack card" method="post" action="/users" {
            (view::csrf(portal))
            (view::field(Field::text("email", "Email", &form.email).kind("email").required()))
            (role_select("role", chosen))
            p class="hint" { "The user gets a one-time password, shown once on the next page; they choose their own at the first sign-in." }
            div class="actions" { button type="submit" { "Add user" } }
        }
    };
    Ok(view::page(portal, Section::Users, "Users", content))
}

pub async fn users(portal: Portal) -> Result<Markup, PortalError> {
    users_page(&portal, &UserForm::default(), None).await
}

pub async fn create_user(CsrfForm(portal, form): CsrfForm<UserForm>) -> Result<Response, PortalError> {
    match add_user(portal.access(), &form).await {
        Ok(created) => Ok(shown_once_page(
            &portal,
            ShownOnce {
                section: Section::Users,
                list: ("/users", "Users", "Back to users"),
                crumb: "New user",
                title: "User added",
                heading: format!("User {} added", created.user.email),
                notice: "Hand over this one-time password",
                notice_detail:
                    "It is shown only now. At the first sign-in the user chooses their own password.",
                secret: ("one-time-password", "One-time password", &created.password),
                role: created.user.role,
            },
        )),
        Err(error) => {
            let error = ApiError::from(error);
            let page = users_page(&portal, &form, Some(&error::explain(portal.tr(), &error))).await?;
            Ok((error.status(), page).into_response())
        }
    }
}

// ------------------------------------------------------------------------------------------
// API keys
// ------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

async fn keys_page(
    portal: &Portal,
    form: &KeyForm,
    problem: Option<&error::Explanation>,
) -> Result<Markup, PortalError> {
    let keys = accounts::list_api_keys(portal.access()).await?;
    let chosen = if form.role.is_empty() { "registrar" } else { form.role.as_str() };
    let content = html! {
        h1 { "API keys of " (portal.org().name) }
        p class="lead" { "For machines (factory lines, scripts, " code { "ztd upload" } "): sent as " code { "Authorization: Bearer ztd_…" } ". Only a hash is stored." }
        @if keys.is_empty() {
            p class="card empty" { "No API key yet." }
        } @else {
            div class="table-wrap" {
                table id="api-keys" {
                    thead { tr { th { "Name" } th { "Role" } th { "Created" } th { "Status" } th { "" } } }
                    tbody {
                        @for key in &keys {
                            tr {
                                td { (key.name) }
                                td { (key.role) }
                                td { (view::time(portal.tr(), key.created_at)) }
                                td { @if let Some(at) = key.revoked_at { (view::badge("bad", "revoked")) " " (view::time(portal.tr(), at)) } @else { (view::badge("ok", "active")) } }
                                td {
                                    @if key.revoked_at.is_none() {
                                        form method="post" action=(format!("/api-keys/{}/revoke", key.id)) {
                                            (view::csrf(portal))
                                            button type="submit" class="secondary" aria-label=(format!("Revoke the key {}", key.name)) { "Revoke" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Create an API key" }
        @if let Some(problem) = problem { (error::notice(portal.tr(), problem)) }
        form class="stack card" method="post" action="/api-keys" {
            (view::csrf(portal))
            (view::field(Field::text("name", "Name", &form.name).required().hint("What uses it, e.g. \"factory line 3\".")))
            (role_select("role", chosen))
            div class="actions" { button type="submit" { "Create key" } }
        }
    };
    Ok(view::page(portal, Section::ApiKeys, "API keys", content))
}

pub async fn api_keys(portal: Portal) -> Result<Markup, PortalError> {
    keys_page(&portal, &KeyForm::default(), None).await
}

pub async fn create_api_key(CsrfForm(portal, form): CsrfForm<KeyForm>) -> Result<Response, PortalError> {
    match add_api_key(portal.access(), &form).await {
        Ok(created) => Ok(shown_once_page(
                &portal,
                ShownOnce {
                    section: Section::ApiKeys,
                    list: ("/api-keys", "API keys", "Back to API keys"),
                    crumb: "New key",
                    title: "API key created",
                    heading: format!("API key {} created", created.key.name),
                    notice: "Copy the key now",
                    notice_detail: "It is shown only now; the service keeps only its hash. If it is lost, revoke it and create another.",
                    secret: ("api-key", "API key", &created.secret),
                    role: created.key.role,
                },
            )),
        Err(error) => {
            let error = ApiError::from(error);
            let page = keys_page(&portal, &form, Some(&error::explain(portal.tr(), &error))).await?;
            Ok((error.status(), page).into_response())
        }
    }
}

/// Disables a user of the admin's organisation (docs/security.md).
pub async fn disable_user(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, PortalError> {
    let org = portal.access().user_scope(id).await?;
    accounts::disable_user(&org, id).await?;
    Ok(Redirect::to("/users"))
}

pub async fn revoke_api_key(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, PortalError> {
    accounts::revoke_api_key(portal.access(), id).await?;
    Ok(Redirect::to("/api-keys"))
}

// ------------------------------------------------------------------------------------------
// Organisations (operator)
// ------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct OrgForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    admin_email: String,
}

async fn orgs_page(
    portal: &Portal,
    form: &OrgForm,
    problem: Option<&error::Explanation>,
) -> Result<Markup, PortalError> {
    let list = accounts::list_orgs(portal.access()).await?;
    let kind = if form.kind.is_empty() { "customer" } else { form.kind.as_str() };
    let content = html! {
        h1 { "Organisations" }
        div class="table-wrap" {
            table id="orgs" {
                thead { tr { th { "Name" } th { "Kind" } th { "Domain" } th { "Id" } th { "Created" } } }
                tbody {
                    @for org in &list {
                        tr {
                            td { (org.name) }
                            td { (org.kind) }
                            td { (org.domain.as_deref().unwrap_or("")) }
                            td class="mono" { (org.id) }
                            td { (view::time(portal.tr(), org.created_at)) }
                        }
                    }
                }
            }
        }
        h2 { "Create an organisation" }
        @if let Some(problem) = problem { (error::notice(portal.tr(), problem)) }
        form class="stack card" method="post" action="/orgs" {
            (view::csrf(portal))
            div class="field" {
                label for="kind" { "Kind" }
                select id="kind" name="kind" {
                    @for (value, label) in [("customer", "Customer"), ("partner", "Partner (CSP reseller)"), ("oem", "OEM (hardware maker)")] {
                        option value=(value) selected[kind == value] { (label) }
                    }
                }
            }
            (view::field(Field::text("name", "Name", &form.name).required()))
            (view::field(Field::text("domain", "Domain (customers)", &form.domain).hint("The tenant's DNS domain, e.g. contoso.com; devices receive it in their configuration.")))
            (view::field(Field::text("admin_email", "First admin's email", &form.admin_email).kind("email").required()
                .hint("Gets a one-time password, shown once on the next page.")))
            div class="actions" { button type="submit" { "Create organisation" } }
        }
    };
    Ok(view::page(portal, Section::Orgs, "Organisations", content))
}

pub async fn orgs(portal: Portal) -> Result<Markup, PortalError> {
    orgs_page(&portal, &OrgForm::default(), None).await
}

/// Creates a tenant and its first admin (the operator's admins), as the API does.
async fn add_org(access: &Access, form: &OrgForm) -> Result<(Organisation, CreatedUser), Error> {
    let kind = OrgKind::parse(&form.kind).ok_or_else(|| {
        Error::invalid("invalid_kind", format!("{:?} is not a kind of organisation", form.kind))
    })?;
    let operator = access.operator("creating organisations")?;
    let new = NewOrg {
        kind,
        name: form.name.clone(),
        domain: Some(form.domain.trim().to_owned()).filter(|domain| !domain.is_empty()),
        admin_email: form.admin_email.clone(),
    };
    accounts::create_org_with_admin(&operator, new).await
}

pub async fn create_org(CsrfForm(portal, form): CsrfForm<OrgForm>) -> Result<Response, PortalError> {
    match add_org(portal.access(), &form).await {
        Ok((org, admin)) => {
            let content = html! {
                p class="crumbs" { a href="/orgs" { "Organisations" } " › New" }
                h1 { (org.name) " created" }
                (view::notice("ok", "Hand the first admin their sign-in", Some("The one-time password is shown only now.")))
                div class="card" {
                    dl class="facts" {
                        dt { "Kind" } dd { (org.kind) }
                        dt { "Organisation id" } dd class="mono" { (org.id) }
                        dt { "Admin" } dd { (admin.user.email) }
                    }
                    (view::copyable(portal.tr(), "one-time-password", "One-time password", &admin.password))
                }
                p { a href="/orgs" { "Back to organisations" } }
            };
            Ok((StatusCode::CREATED, view::page(&portal, Section::Orgs, "Organisation created", content))
                .into_response())
        }
        Err(error) => {
            let error = ApiError::from(error);
            let page = orgs_page(&portal, &form, Some(&error::explain(portal.tr(), &error))).await?;
            Ok((error.status(), page).into_response())
        }
    }
}

/// A secret the service shows exactly once (a one-time password, an API key) and its page.
struct ShownOnce<'a> {
    section: Section,
    /// The list page to return to: (path, its name in the breadcrumb, the back link's text).
    list: (&'static str, &'static str, &'static str),
    crumb: &'static str,
    title: &'static str,
    heading: String,
    notice: &'static str,
    notice_detail: &'static str,
    /// (element id, label, the secret).
    secret: (&'static str, &'static str, &'a str),
    role: Role,
}

fn shown_once_page(portal: &Portal, shown: ShownOnce<'_>) -> Response {
    let (list_path, list_label, back) = shown.list;
    let (id, label, secret) = shown.secret;
    let content = html! {
        p class="crumbs" { a href=(list_path) { (list_label) } " › " (shown.crumb) }
        h1 { (shown.heading) }
        (view::notice("ok", shown.notice, Some(shown.notice_detail)))
        div class="card" {
            (view::copyable(portal.tr(), id, label, secret))
            p { "Role: " (shown.role) }
        }
        p { a href=(list_path) { (back) } }
    };
    (StatusCode::CREATED, view::page(portal, shown.section, shown.title, content)).into_response()
}

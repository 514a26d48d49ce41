//! Organisation admins: users and roles, API keys (the secret shown once). The operator:
//! organisations. Every action is the API handler's (role and kind checks included).

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use ztd_storage::{OrgKind, Role};

use super::error::{self, PortalError};
use super::session::{CsrfForm, NoFields, Portal};
use super::view::{self, Field, Section};
use crate::api::{api_keys, orgs, users};
use crate::error::{ApiError, ApiJson, ApiPath};

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

fn parse_role(text: &str) -> Result<Role, ApiError> {
    Role::parse(text).ok_or_else(|| {
        ApiError::unprocessable("invalid_role", format!("{text:?} is not a role"))
            .with_hint("choose admin, registrar or reader")
    })
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
    let list = users::list_users(portal.handle()).await?.0;
    let chosen = if form.role.is_empty() { "registrar" } else { form.role.as_str() };
    let content = html! {
        h1 { "Users of " (portal.org().name) }
        div class="table-wrap" {
            table id="users" {
                thead { tr { th { "Email" } th { "Role" } th { "Password" } th { "Since" } } }
                tbody {
                    @for user in &list {
                        tr {
                            td { (user.email) }
                            td { (user.role) }
                            td { @if user.must_change_password { (view::badge("warn", "one-time password not changed yet")) } @else { "set" } }
                            td { (view::time(user.created_at)) }
                        }
                    }
                }
            }
        }
        h2 { "Add a user" }
        @if let Some(problem) = problem { (error::notice(problem)) }
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
    let outcome = match parse_role(&form.role) {
        Ok(role) => {
            users::create_user(
                portal.handle(),
                ApiJson(users::CreateUserRequest { email: form.email.clone(), role }),
            )
            .await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok((_, created)) => {
            let created = created.0;
            Ok(shown_once_page(
                &portal,
                ShownOnce {
                    section: Section::Users,
                    list: ("/users", "Users", "Back to users"),
                    crumb: "New user",
                    title: "User added",
                    heading: format!("User {} added", created.email),
                    notice: "Hand over this one-time password",
                    notice_detail:
                        "It is shown only now. At the first sign-in the user chooses their own password.",
                    secret: ("one-time-password", "One-time password", &created.password),
                    role: created.role,
                },
            ))
        }
        Err(error) => {
            let page = users_page(&portal, &form, Some(&error::explain(&error))).await?;
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
    let keys = api_keys::list_api_keys(portal.handle()).await?.0;
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
                                td { (view::time(key.created_at)) }
                                td { @if let Some(at) = key.revoked_at { (view::badge("bad", "revoked")) " " (view::time(at)) } @else { (view::badge("ok", "active")) } }
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
        @if let Some(problem) = problem { (error::notice(problem)) }
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
    let outcome = match parse_role(&form.role) {
        Ok(role) => {
            api_keys::create_api_key(
                portal.handle(),
                ApiJson(api_keys::CreateApiKeyRequest { name: form.name.clone(), role }),
            )
            .await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok((_, created)) => {
            let created = created.0;
            Ok(shown_once_page(
                &portal,
                ShownOnce {
                    section: Section::ApiKeys,
                    list: ("/api-keys", "API keys", "Back to API keys"),
                    crumb: "New key",
                    title: "API key created",
                    heading: format!("API key {} created", created.name),
                    notice: "Copy the key now",
                    notice_detail: "It is shown only now; the service keeps only its hash. If it is lost, revoke it and create another.",
                    secret: ("api-key", "API key", &created.key),
                    role: created.role,
                },
            ))
        }
        Err(error) => {
            let page = keys_page(&portal, &form, Some(&error::explain(&error))).await?;
            Ok((error.status(), page).into_response())
        }
    }
}

pub async fn revoke_api_key(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, PortalError> {
    api_keys::revoke_api_key(portal.handle(), ApiPath(id)).await?;
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
    let list = orgs::list_orgs(portal.handle()).await?.0;
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
                            td { (view::time(org.created_at)) }
                        }
                    }
                }
            }
        }
        h2 { "Create an organisation" }
        @if let Some(problem) = problem { (error::notice(problem)) }
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

pub async fn create_org(CsrfForm(portal, form): CsrfForm<OrgForm>) -> Result<Response, PortalError> {
    let kind = match OrgKind::parse(&form.kind) {
        Some(kind) => Ok(kind),
        None => Err(ApiError::unprocessable(
            "invalid_kind",
            format!("{:?} is not a kind of organisation", form.kind),
        )),
    };
    let outcome = match kind {
        Ok(kind) => {
            let request = orgs::CreateOrgRequest {
                kind,
                name: form.name.clone(),
                domain: Some(form.domain.trim().to_owned()).filter(|domain| !domain.is_empty()),
                admin_email: form.admin_email.clone(),
            };
            orgs::create_org(portal.handle(), ApiJson(request)).await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok((_, created)) => {
            let created = created.0;
            let content = html! {
                p class="crumbs" { a href="/orgs" { "Organisations" } " › New" }
                h1 { (created.name) " created" }
                (view::notice("ok", "Hand the first admin their sign-in", Some("The one-time password is shown only now.")))
                div class="card" {
                    dl class="facts" {
                        dt { "Kind" } dd { (created.kind) }
                        dt { "Organisation id" } dd class="mono" { (created.id) }
                        dt { "Admin" } dd { (created.admin.email) }
                    }
                    (view::copyable("one-time-password", "One-time password", &created.admin.password))
                }
                p { a href="/orgs" { "Back to organisations" } }
            };
            Ok((StatusCode::CREATED, view::page(&portal, Section::Orgs, "Organisation created", content))
                .into_response())
        }
        Err(error) => {
            let page = orgs_page(&portal, &form, Some(&error::explain(&error))).await?;
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
            (view::copyable(id, label, secret))
            p { "Role: " (shown.role) }
        }
        p { a href=(list_path) { (back) } }
    };
    (StatusCode::CREATED, view::page(portal, shown.section, shown.title, content)).into_response()
}

//! Organisation admins: users and roles, API keys (the secret shown once). The operator:
//! organisations. Every action is an account use case ([`crate::app::accounts`]), role and kind
//! checks included.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;
use ztd_storage::{OrgKind, Organisation, Role};

use super::error::{self, PortalError};
use super::i18n::{Arg, Tr};
use super::session::{CsrfForm, NoFields, Portal};
use super::view::{self, Field, Section};
use crate::app::access::Access;
use crate::app::accounts::{self, CreatedApiKey, CreatedUser, Email, KeyName, NewOrg};
use crate::app::Error;
use crate::error::ApiError;

fn role_select(tr: Tr, id: &str, chosen: &str) -> Markup {
    html! {
        div class="field" {
            label for=(id) { (tr.t("users-role-label")) }
            select id=(id) name="role" {
                @for role in Role::ALL {
                    option value=(role.as_str()) selected[chosen == role.as_str()] { (role_label(tr, *role)) }
                }
            }
        }
    }
}

/// A role with what it may do, for the role choices.
fn role_label(tr: Tr, role: Role) -> String {
    tr.a(
        "users-role-choice",
        &[("role", view::role(tr, role).into()), ("can", tr.t(&format!("users-role-can-{role}")).into())],
    )
}

/// The explanation of a refusal on a page of this organisation's accounts or webhooks: the
/// refusals the catalogue words itself (`{page}-refusal-{code}`, and `-hint`) in the page's
/// language, the others as [`error::explain`] words them.
pub(super) fn explain_refusal(tr: Tr, error: &ApiError, page: &str, args: &[Arg<'_>]) -> error::Explanation {
    let mut explanation = error::explain(tr, error);
    let id = format!("{page}-refusal-{}", explanation.code.replace('_', "-"));
    if tr.has(&id) {
        explanation.message = tr.a(&id, args);
        let hint = format!("{id}-hint");
        explanation.hint = tr.has(&hint).then(|| tr.a(&hint, args));
        explanation.english_detail = None;
    }
    explanation
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

/// What the Users page says above its list: the outcome of an action on a user.
#[derive(Debug, Default, Deserialize)]
pub struct UsersQuery {
    notice: Option<String>,
    user: Option<Uuid>,
}

async fn users_page(
    portal: &Portal,
    form: &UserForm,
    problem: Option<&error::Explanation>,
    top: Option<Markup>,
) -> Result<Markup, PortalError> {
    let list = accounts::list_users(portal.access()).await?;
    let tr = portal.tr();
    let me = portal.caller().actor.id;
    let chosen = if form.role.is_empty() { "registrar" } else { form.role.as_str() };
    let labels = [
        "users-col-email",
        "users-col-role",
        "users-col-password",
        "users-col-since",
        "users-col-access",
        "users-col-actions",
    ]
    .map(|id| tr.t(id));
    let [email, role, password, since, access, actions] = &labels;
    let content = html! {
        h1 { (tr.a("users-heading", &[("org", portal.org().name.as_str().into())])) }
        @if let Some(top) = top { (top) }
        div class="table-wrap" {
            table id="users" class="cards" {
                thead { tr { @for label in &labels { th { (label) } } } }
                tbody {
                    @for user in &list {
                        @let who = [("email", user.email.as_str().into())];
                        @let mine = user.id == me;
                        tr id=(format!("user-{}", user.id)) {
                            td data-label=(email) {
                                (user.email)
                                @if mine { " " (view::badge("ok", &tr.t("users-you"))) }
                            }
                            td data-label=(role) {
                                @if mine || user.disabled_at.is_some() {
                                    (view::role(tr, user.role))
                                } @else {
                                    form class="inline" method="post" action=(format!("/users/{}/role", user.id)) {
                                        (view::csrf(portal))
                                        select id=(format!("role-{}", user.id)) name="role" aria-label=(tr.a("users-role-of", &who)) {
                                            @for choice in Role::ALL {
                                                option value=(choice.as_str()) selected[*choice == user.role] { (view::role(tr, *choice)) }
                                            }
                                        }
                                        " "
                                        button type="submit" class="secondary" id=(format!("change-role-{}", user.id))
                                            aria-label=(tr.a("users-change-role-label", &who)) { (tr.t("users-change-role")) }
                                    }
                                }
                            }
                            td data-label=(password) {
                                @if user.must_change_password { (view::badge("warn", &tr.t("users-password-one-time"))) } @else { (tr.t("users-password-set")) }
                            }
                            td data-label=(since) { (view::time(tr, user.created_at)) }
                            td data-label=(access) {
                                @if let Some(at) = user.disabled_at {
                                    (view::badge("warn", &tr.t("users-disabled"))) " " (view::time(tr, at))
                                } @else {
                                    (view::badge("ok", &tr.t("users-active")))
                                }
                            }
                            td data-label=(actions) {
                                @if mine {
                                    a href="/password" { (tr.t("users-change-own-password")) }
                                } @else {
                                    div class="actions" {
                                        a class="button secondary" href=(format!("/users/{}/reset-password", user.id)) id=(format!("reset-password-{}", user.id))
                                            aria-label=(tr.a("users-reset-password-label", &who)) { (tr.t("users-reset-password")) }
                                        @if user.disabled_at.is_some() {
                                            form method="post" action=(format!("/users/{}/enable", user.id)) {
                                                (view::csrf(portal))
                                                button type="submit" class="secondary" id=(format!("enable-{}", user.id))
                                                    aria-label=(tr.a("users-enable-label", &who)) { (tr.t("users-enable")) }
                                            }
                                        } @else {
                                            form method="post" action=(format!("/users/{}/disable", user.id)) {
                                                (view::csrf(portal))
                                                button type="submit" class="secondary" id=(format!("disable-{}", user.id))
                                                    aria-label=(tr.a("users-disable-label", &who)) { (tr.t("users-disable")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (tr.t("users-add-heading")) }
        @if let Some(problem) = problem { (error::notice(tr, problem)) }
        form class="stack card" method="post" action="/users" id="add-user" {
            (view::csrf(portal))
            (view::field(Field::text("email", &tr.t("users-email-label"), &form.email).kind("email").required()))
            (role_select(tr, "role", chosen))
            p class="hint" { (tr.t("users-add-hint")) }
            div class="actions" { button type="submit" { (tr.t("users-add-button")) } }
        }
    };
    Ok(view::page(portal, Section::Users, &tr.t("users-title"), content))
}

pub async fn users(portal: Portal, Query(query): Query<UsersQuery>) -> Result<Markup, PortalError> {
    let tr = portal.tr();
    let email = match query.user {
        Some(id) => accounts::list_users(portal.access())
            .await?
            .into_iter()
            .find(|user| user.id == id)
            .map(|user| user.email)
            .unwrap_or_default(),
        None => String::new(),
    };
    let top = match query.notice.as_deref() {
        Some(notice @ ("role_changed" | "disabled" | "enabled")) => {
            let id = format!("users-notice-{}", notice.replace('_', "-"));
            Some(view::notice("ok", &tr.a(&id, &[("email", email.as_str().into())]), None))
        }
        _ => None,
    };
    users_page(&portal, &UserForm::default(), None, top).await
}

/// The Users page again after a refused action on a user, the refusal above the list.
async fn refused_on_users(portal: &Portal, error: crate::app::Error) -> Result<Response, PortalError> {
    let error = ApiError::from(error);
    let explanation = explain_refusal(portal.tr(), &error, "users", &[]);
    let page = users_page(portal, &UserForm::default(), None, Some(error::notice(portal.tr(), &explanation)))
        .await?;
    Ok((error.status(), page).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// Gives a user of the admin's organisation (or, for the operator, any) another role.
pub async fn change_role(
    Path(id): Path<Uuid>,
    CsrfForm(portal, form): CsrfForm<RoleForm>,
) -> Result<Response, PortalError> {
    let changed = async {
        let role = parse_role(&form.role)?;
        let org = portal.access().user_scope(id).await?;
        accounts::change_role(&org, id, role).await
    }
    .await;
    match changed {
        Ok(_) => Ok(Redirect::to(&format!("/users?notice=role_changed&user={id}")).into_response()),
        Err(error) => refused_on_users(&portal, error).await,
    }
}

/// Lets a disabled user of the admin's organisation sign in again.
pub async fn enable_user(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, PortalError> {
    let enabled = async { accounts::enable_user(&portal.access().user_scope(id).await?, id).await }.await;
    match enabled {
        Ok(_) => Ok(Redirect::to(&format!("/users?notice=enabled&user={id}")).into_response()),
        Err(error) => refused_on_users(&portal, error).await,
    }
}

/// `/users/{id}/reset-password`: what a new one-time password does, and the button.
pub async fn confirm_reset_password(portal: Portal, Path(id): Path<Uuid>) -> Result<Markup, PortalError> {
    let org = portal.access().user_scope(id).await?;
    let user = accounts::get_user(&org, id).await?;
    let tr = portal.tr();
    let who = [("email", user.email.as_str().into())];
    let content = html! {
        p class="crumbs" { a href="/users" { (tr.t("users-title")) } " › " (tr.t("users-reset-crumb")) }
        h1 { (tr.a("users-reset-title", &who)) }
        div class="notice warn" {
            p { (tr.a("users-reset-warning", &who)) }
            p { (tr.t("users-reset-validity")) }
        }
        form method="post" action=(format!("/users/{id}/reset-password")) class="actions" {
            (view::csrf(&portal))
            button type="submit" class="danger" id="confirm-reset-password" { (tr.t("users-reset-button")) }
            a href="/users" { (tr.t("void-keep")) }
        }
    };
    Ok(view::page(&portal, Section::Users, &tr.t("users-reset-button"), content))
}

/// Gives the user a new one-time password, shown once; their sessions end.
pub async fn reset_password(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, PortalError> {
    let reset = async { accounts::reset_password(&portal.access().user_scope(id).await?, id).await }.await;
    match reset {
        Ok(created) => {
            let tr = portal.tr();
            let mut response = shown_once_page(
                &portal,
                ShownOnce {
                    section: Section::Users,
                    list: ("/users", tr.t("users-title"), tr.t("users-back")),
                    crumb: tr.t("users-reset-crumb"),
                    title: tr.t("users-reset-done-title"),
                    heading: tr
                        .a("users-reset-done-heading", &[("email", created.user.email.as_str().into())]),
                    notice: tr.t("users-password-notice"),
                    notice_detail: tr.t("users-reset-done-text"),
                    secret: ("one-time-password", tr.t("users-one-time-password"), &created.password),
                    role: created.user.role,
                },
            );
            *response.status_mut() = StatusCode::OK;
            Ok(response)
        }
        Err(error) => refused_on_users(&portal, error).await,
    }
}

pub async fn create_user(CsrfForm(portal, form): CsrfForm<UserForm>) -> Result<Response, PortalError> {
    match add_user(portal.access(), &form).await {
        Ok(created) => {
            let tr = portal.tr();
            Ok(shown_once_page(
                &portal,
                ShownOnce {
                    section: Section::Users,
                    list: ("/users", tr.t("users-title"), tr.t("users-back")),
                    crumb: tr.t("users-new-crumb"),
                    title: tr.t("users-added-title"),
                    heading: tr.a("users-added-heading", &[("email", created.user.email.as_str().into())]),
                    notice: tr.t("users-password-notice"),
                    notice_detail: tr.t("users-password-notice-text"),
                    secret: ("one-time-password", tr.t("users-one-time-password"), &created.password),
                    role: created.user.role,
                },
            ))
        }
        Err(error) => {
            let error = ApiError::from(error);
            let explanation =
                explain_refusal(portal.tr(), &error, "users", &[("email", form.email.trim().into())]);
            let page = users_page(&portal, &form, Some(&explanation), None).await?;
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
    let tr = portal.tr();
    let chosen = if form.role.is_empty() { "registrar" } else { form.role.as_str() };
    let now = chrono::Utc::now();
    let (name, role, created, status) =
        (tr.t("keys-col-name"), tr.t("keys-col-role"), tr.t("keys-col-created"), tr.t("keys-col-status"));
    let content = html! {
        h1 { (tr.a("keys-heading", &[("org", portal.org().name.as_str().into())])) }
        p class="lead" { (tr.t("keys-lead")) " " code { "Authorization: Bearer ztd_…" } }
        @if keys.is_empty() {
            p class="card empty" { (tr.t("keys-none")) }
        } @else {
            div class="table-wrap" {
                table id="api-keys" class="cards" {
                    thead { tr { th { (name) } th { (role) } th { (created) } th { (status) } th {} } }
                    tbody {
                        @for key in &keys {
                            tr {
                                td data-label=(name) { (key.name) }
                                td data-label=(role) { (view::role(tr, key.role)) }
                                td data-label=(created) { (view::time(tr, key.created_at)) }
                                td data-label=(status) {
                                    @if let Some(at) = key.revoked_at {
                                        (view::badge("bad", &tr.t("keys-status-revoked"))) " " (view::time(tr, at))
                                    } @else if let Some(at) = key.expires_at.filter(|at| *at <= now) {
                                        (view::badge("bad", &tr.t("keys-status-expired"))) " " (view::time(tr, at))
                                    } @else {
                                        (view::badge("ok", &tr.t("keys-status-active")))
                                        @if let Some(at) = key.expires_at { br; span class="hint" { (tr.t("keys-expires")) " " (view::time(tr, at)) } }
                                    }
                                }
                                td {
                                    @if key.revoked_at.is_none() {
                                        form method="post" action=(format!("/api-keys/{}/revoke", key.id)) {
                                            (view::csrf(portal))
                                            button type="submit" class="secondary" aria-label=(tr.a("keys-revoke-label", &[("name", key.name.as_str().into())])) { (tr.t("keys-revoke")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (tr.t("keys-create-heading")) }
        @if let Some(problem) = problem { (error::notice(tr, problem)) }
        form class="stack card" method="post" action="/api-keys" {
            (view::csrf(portal))
            (view::field(Field::text("name", &tr.t("keys-name-label"), &form.name).required().hint(&tr.t("keys-name-hint"))))
            (role_select(tr, "role", chosen))
            div class="actions" { button type="submit" { (tr.t("keys-create-button")) } }
        }
    };
    Ok(view::page(portal, Section::ApiKeys, &tr.t("keys-title"), content))
}

pub async fn api_keys(portal: Portal) -> Result<Markup, PortalError> {
    keys_page(&portal, &KeyForm::default(), None).await
}

pub async fn create_api_key(CsrfForm(portal, form): CsrfForm<KeyForm>) -> Result<Response, PortalError> {
    match add_api_key(portal.access(), &form).await {
        Ok(created) => {
            let tr = portal.tr();
            Ok(shown_once_page(
                &portal,
                ShownOnce {
                    section: Section::ApiKeys,
                    list: ("/api-keys", tr.t("keys-title"), tr.t("keys-back")),
                    crumb: tr.t("keys-new-crumb"),
                    title: tr.t("keys-created-title"),
                    heading: tr.a("keys-created-heading", &[("name", created.key.name.as_str().into())]),
                    notice: tr.t("keys-copy-notice"),
                    notice_detail: tr.t("keys-copy-notice-text"),
                    secret: ("api-key", tr.t("keys-secret-label"), &created.secret),
                    role: created.key.role,
                },
            ))
        }
        Err(error) => {
            let error = ApiError::from(error);
            let explanation = explain_refusal(portal.tr(), &error, "keys", &[]);
            let page = keys_page(&portal, &form, Some(&explanation)).await?;
            Ok((error.status(), page).into_response())
        }
    }
}

/// Disables a user of the admin's organisation (docs/security.md).
pub async fn disable_user(
    Path(id): Path<Uuid>,
    CsrfForm(portal, NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, PortalError> {
    let disabled = async { accounts::disable_user(&portal.access().user_scope(id).await?, id).await }.await;
    match disabled {
        Ok(()) => Ok(Redirect::to(&format!("/users?notice=disabled&user={id}")).into_response()),
        Err(error) => refused_on_users(&portal, error).await,
    }
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
    let tr = portal.tr();
    let kind = if form.kind.is_empty() { "customer" } else { form.kind.as_str() };
    let labels = ["orgs-col-name", "orgs-col-kind", "orgs-col-domain", "orgs-col-id", "orgs-col-created"]
        .map(|id| tr.t(id));
    let [name, kind_label, domain, id, created] = &labels;
    let content = html! {
        h1 { (tr.t("orgs-title")) }
        div class="table-wrap" {
            table id="orgs" class="cards" {
                thead { tr { @for label in &labels { th { (label) } } } }
                tbody {
                    @for org in &list {
                        tr {
                            td data-label=(name) { a href=(format!("/orgs/{}", org.id)) { (org.name) } }
                            td data-label=(kind_label) { (view::org_kind(tr, org.kind)) }
                            td data-label=(domain) { (org.domain.as_deref().unwrap_or("")) }
                            td class="mono" data-label=(id) { (org.id) }
                            td data-label=(created) { (view::time(tr, org.created_at)) }
                        }
                    }
                }
            }
        }
        h2 { (tr.t("orgs-create-heading")) }
        @if let Some(problem) = problem { (error::notice(tr, problem)) }
        form class="stack card" method="post" action="/orgs" {
            (view::csrf(portal))
            div class="field" {
                label for="kind" { (kind_label) }
                select id="kind" name="kind" {
                    @for (value, label) in [("customer", "orgs-kind-customer"), ("partner", "orgs-kind-partner"), ("oem", "orgs-kind-oem")] {
                        option value=(value) selected[kind == value] { (tr.t(label)) }
                    }
                }
            }
            (view::field(Field::text("name", name, &form.name).required()))
            (view::field(Field::text("domain", &tr.t("orgs-domain-label"), &form.domain).hint(&tr.t("orgs-domain-hint"))))
            (view::field(Field::text("admin_email", &tr.t("orgs-admin-email-label"), &form.admin_email).kind("email").required()
                .hint(&tr.t("orgs-admin-email-hint"))))
            div class="actions" { button type="submit" { (tr.t("orgs-create-button")) } }
        }
    };
    Ok(view::page(portal, Section::Orgs, &tr.t("orgs-title"), content))
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
            let tr = portal.tr();
            let content = html! {
                p class="crumbs" { a href="/orgs" { (tr.t("orgs-title")) } " › " (tr.t("orgs-new-crumb")) }
                h1 { (tr.a("orgs-created-heading", &[("name", org.name.as_str().into())])) }
                (view::notice("ok", &tr.t("orgs-created-notice"), Some(&tr.t("orgs-created-notice-text"))))
                div class="card" {
                    dl class="facts" {
                        dt { (tr.t("orgs-col-kind")) } dd { (view::org_kind(tr, org.kind)) }
                        dt { (tr.t("orgs-id-label")) } dd class="mono" { (org.id) }
                        dt { (tr.t("orgs-admin-label")) } dd { (admin.user.email) }
                    }
                    (view::copyable(tr, "one-time-password", &tr.t("users-one-time-password"), &admin.password))
                }
                p { a href=(format!("/orgs/{}", org.id)) { (tr.a("orgs-open", &[("name", org.name.as_str().into())])) } " · " a href="/orgs" { (tr.t("orgs-back")) } }
            };
            Ok((
                StatusCode::CREATED,
                view::page(&portal, Section::Orgs, &tr.t("orgs-created-title"), content),
            )
                .into_response())
        }
        Err(error) => {
            let error = ApiError::from(error);
            let explanation =
                explain_refusal(portal.tr(), &error, "orgs", &[("email", form.admin_email.trim().into())]);
            let page = orgs_page(&portal, &form, Some(&explanation)).await?;
            Ok((error.status(), page).into_response())
        }
    }
}

/// How many of an organisation's recent audit events its page shows.
const RECENT_EVENTS: u32 = 20;

/// `/orgs/{id}`: one organisation for the operator: its facts, devices, users, relationships
/// (with the other side's name) and its latest audit events, in words.
pub async fn show_org(portal: Portal, Path(id): Path<Uuid>) -> Result<Markup, PortalError> {
    let overview = accounts::org_overview(portal.access(), id).await?;
    let recent = crate::app::audit::recent_of_org(portal.access(), id, RECENT_EVENTS).await?;
    let tr = portal.tr();
    let org = &overview.org;
    let now = chrono::Utc::now();
    let user_labels =
        ["users-col-email", "users-col-role", "users-col-password", "users-col-since", "users-col-access"]
            .map(|id| tr.t(id));
    let [email, role, password, since, access] = &user_labels;
    let rel_labels = [
        "org-page-col-other",
        "org-page-col-kind",
        "org-page-col-since",
        "org-page-col-status",
        "org-page-col-approval",
    ]
    .map(|id| tr.t(id));
    let [other, kind, rel_since, status, approval] = &rel_labels;
    let content = html! {
        p class="crumbs" { a href="/orgs" { (tr.t("orgs-title")) } " › " (org.name) }
        h1 { (org.name) }
        div class="card" {
            dl class="facts" {
                dt { (tr.t("orgs-col-kind")) } dd { (view::org_kind(tr, org.kind)) }
                @if let Some(domain) = &org.domain { dt { (tr.t("orgs-col-domain")) } dd { (domain) } }
                dt { (tr.t("orgs-id-label")) } dd class="mono" { (org.id) }
                dt { (tr.t("orgs-col-created")) } dd { (view::time(tr, org.created_at)) }
                dt { (tr.t("org-page-devices")) }
                dd id="org-devices" {
                    @if org.kind == OrgKind::Customer || overview.devices.in_tenant > 0 {
                        (tr.a("org-page-devices-in-tenant", &[("count", overview.devices.in_tenant.into())]))
                    }
                    @if org.kind != OrgKind::Customer {
                        @if overview.devices.in_tenant > 0 { br; }
                        (tr.a("org-page-devices-registered", &[("count", overview.devices.registered_elsewhere.into())]))
                    }
                }
            }
        }
        h2 { (tr.a("org-page-users-heading", &[("count", (overview.users.len() as i64).into())])) }
        @if overview.users.is_empty() {
            p class="card empty" { (tr.t("org-page-no-users")) }
        } @else {
            div class="table-wrap" {
                table id="org-users" class="cards" {
                    thead { tr { @for label in &user_labels { th { (label) } } } }
                    tbody {
                        @for user in &overview.users {
                            tr {
                                td data-label=(email) { (user.email) }
                                td data-label=(role) { (view::role(tr, user.role)) }
                                td data-label=(password) {
                                    @if user.must_change_password { (view::badge("warn", &tr.t("users-password-one-time"))) } @else { (tr.t("users-password-set")) }
                                }
                                td data-label=(since) { (view::time(tr, user.created_at)) }
                                td data-label=(access) {
                                    @if let Some(at) = user.disabled_at {
                                        (view::badge("warn", &tr.t("users-disabled"))) " " (view::time(tr, at))
                                    } @else {
                                        (view::badge("ok", &tr.t("users-active")))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        p class="hint" {
            (tr.a("org-page-keys", &[
                ("count", (overview.api_keys.iter().filter(|key| key.revoked_at.is_none() && key.expires_at.is_none_or(|at| at > now)).count() as i64).into()),
            ]))
        }
        h2 { (tr.t("org-page-relationships-heading")) }
        @if overview.relationships.is_empty() {
            p class="card empty" { (tr.t("org-page-no-relationships")) }
        } @else {
            div class="table-wrap" {
                table id="org-relationships" class="cards" {
                    thead { tr { @for label in &rel_labels { th { (label) } } } }
                    tbody {
                        @for (relationship, side) in &overview.relationships {
                            tr {
                                td data-label=(other) {
                                    a href=(format!("/orgs/{}", side.id)) { (side.name) }
                                    " " span class="hint" { (view::org_kind(tr, side.kind)) }
                                }
                                td data-label=(kind) { (tr.t(&format!("org-page-relationship-{}", relationship.kind))) }
                                td data-label=(rel_since) { (view::time(tr, relationship.created_at)) }
                                td data-label=(status) {
                                    @if let Some(at) = relationship.revoked_at {
                                        (view::badge("bad", &tr.t("org-page-revoked"))) " " (view::time(tr, at))
                                    } @else {
                                        (view::badge("ok", &tr.t("org-page-active")))
                                    }
                                }
                                td data-label=(approval) {
                                    @if relationship.approval_mode == ztd_storage::ApprovalMode::Review {
                                        (tr.t("org-page-approval-review"))
                                    } @else {
                                        (tr.t("org-page-approval-auto"))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (tr.t("org-page-audit-heading")) }
        @if recent.page.events.is_empty() {
            p class="card empty" { (tr.t("audit-none")) }
        } @else {
            (super::audit::events_table(tr, &recent, super::audit::Links::Operator, "org-audit"))
        }
        p { a href="/orgs" { (tr.t("orgs-back")) } }
    };
    Ok(view::page(&portal, Section::Orgs, &org.name, content))
}

/// A secret the service shows exactly once (a one-time password, an API key) and its page.
struct ShownOnce<'a> {
    section: Section,
    /// The list page to return to: (path, its name in the breadcrumb, the back link's text).
    list: (&'static str, String, String),
    crumb: String,
    title: String,
    heading: String,
    notice: String,
    notice_detail: String,
    /// (element id, label, the secret).
    secret: (&'static str, String, &'a str),
    role: Role,
}

fn shown_once_page(portal: &Portal, shown: ShownOnce<'_>) -> Response {
    let tr = portal.tr();
    let (list_path, list_label, back) = shown.list;
    let (id, label, secret) = shown.secret;
    let content = html! {
        p class="crumbs" { a href=(list_path) { (list_label) } " › " (shown.crumb) }
        h1 { (shown.heading) }
        (view::notice("ok", &shown.notice, Some(&shown.notice_detail)))
        div class="card" {
            (view::copyable(tr, id, &label, secret))
            p { (tr.a("users-role-line", &[("role", view::role(tr, shown.role).into())])) }
        }
        p { a href=(list_path) { (back) } }
    };
    (StatusCode::CREATED, view::page(portal, shown.section, &shown.title, content)).into_response()
}

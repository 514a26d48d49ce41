//! The page shell and the small components every page is made of (maud).

use chrono::{DateTime, Utc};
use maud::{html, Markup, DOCTYPE};
use ztd_storage::OrgKind;

use super::i18n::Tr;
use super::session::Portal;

/// Which navigation entry a page belongs to (marked `aria-current`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Customers,
    Devices,
    AddDevices,
    /// The batch lists (docs/portal.md#batches).
    Batches,
    Profiles,
    Relationships,
    Approvals,
    ReleaseRequests,
    Audit,
    Users,
    ApiKeys,
    Webhooks,
    Orgs,
    Account,
    /// A page of no menu entry (an error page).
    Elsewhere,
}

struct NavItem {
    section: Section,
    label: String,
    href: String,
    /// Things waiting for the person (shown as a count next to the label).
    count: i64,
}

fn nav_items(portal: &Portal) -> Vec<NavItem> {
    let org = portal.org();
    let tr = portal.tr();
    let item = |section, label: &str, href: String| NavItem { section, label: tr.t(label), href, count: 0 };
    let waiting = portal.waiting();
    let mut items = Vec::new();
    match org.kind {
        OrgKind::Partner | OrgKind::Oem => {
            items.push(item(Section::Customers, "nav-customers", "/customers".into()));
            items.push(item(Section::Batches, "nav-batches", "/batches".into()));
        }
        OrgKind::Customer => {
            items.push(item(Section::Devices, "nav-devices", format!("/customers/{}/devices", org.id)));
            if portal.can_register() {
                items.push(item(
                    Section::AddDevices,
                    "nav-add-devices",
                    format!("/customers/{}/add-devices", org.id),
                ));
            }
            items.push(item(Section::Batches, "nav-batches", "/batches".into()));
            items.push(item(Section::Profiles, "nav-profiles", format!("/customers/{}/profiles", org.id)));
            items.push(item(Section::Relationships, "nav-partners", "/relationships".into()));
            if portal.is_admin() {
                items.push(NavItem {
                    count: waiting.batches,
                    ..item(Section::Approvals, "nav-approvals", "/approvals".into())
                });
            }
        }
        OrgKind::Operator => {
            items.push(item(Section::Orgs, "nav-orgs", "/orgs".into()));
        }
    }
    if org.kind != OrgKind::Operator {
        items.push(NavItem {
            count: waiting.release_requests,
            ..item(Section::ReleaseRequests, "nav-release-requests", "/release-requests".into())
        });
    }
    items.push(item(Section::Audit, "nav-audit", "/audit".into()));
    if portal.is_admin() {
        items.push(item(Section::Users, "nav-users", "/users".into()));
        items.push(item(Section::ApiKeys, "nav-api-keys", "/api-keys".into()));
        items.push(item(Section::Webhooks, "nav-webhooks", "/webhooks".into()));
    }
    items.push(item(Section::Account, "nav-account", "/account".into()));
    items
}

/// Links to the page in the other languages (`?lang=`; the portal keeps the choice in a cookie).
fn language_links(tr: Tr) -> Markup {
    html! {
        nav class="languages" aria-label=(tr.t("language-menu")) {
            @for other in Tr::all().filter(|other| other.tag() != tr.tag()) {
                a href=(format!("?lang={}", other.tag())) lang=(other.tag()) hreflang=(other.tag()) {
                    (other.t("language-name"))
                }
            }
        }
    }
}

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · ztd" }
            link rel="icon" type="image/svg+xml" href=(super::assets::ICON_PATH);
            link rel="stylesheet" href=(super::assets::CSS_PATH);
            script src=(super::assets::JS_PATH) defer {}
        }
    }
}

/// A page of a signed-in person: header with navigation and sign-out, then `content`.
pub fn page(portal: &Portal, section: Section, title: &str, content: Markup) -> Markup {
    page_with_head(portal, section, title, html! {}, content)
}

/// [`page`] with extra `<head>` elements (a meta refresh while a batch runs).
pub fn page_with_head(
    portal: &Portal,
    section: Section,
    title: &str,
    extra_head: Markup,
    content: Markup,
) -> Markup {
    let org = portal.org();
    let tr = portal.tr();
    let who = tr.a(
        "who-signed-in",
        &[
            ("email", portal.email().into()),
            ("org", org.name.as_str().into()),
            ("kind", org_kind(tr, org.kind).into()),
            ("role", role(tr, portal.role()).into()),
        ],
    );
    html! {
        (DOCTYPE)
        html lang=(tr.tag()) {
            (head(title))
            (extra_head)
            body {
                a class="skip" href="#main" { (tr.t("skip-to-content")) }
                header class="top" {
                    a class="brand" href="/" { "ztd" }
                    nav aria-label=(tr.t("nav-main")) {
                        ul {
                            @for item in nav_items(portal) {
                                li {
                                    a href=(item.href) aria-current=[(item.section == section).then_some("page")] {
                                        (item.label)
                                        @if item.count > 0 {
                                            " " span class="count" aria-label=(tr.a("count-waiting", &[("count", item.count.into())])) { (tr.number(item.count)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    div class="who" {
                        span { (who) }
                        (language_links(tr))
                        form method="post" action="/sign-out" {
                            (csrf(portal))
                            button type="submit" { (tr.t("sign-out")) }
                        }
                    }
                }
                main id="main" { (content) }
            }
        }
    }
}

/// A page without a signed-in person (sign-in, errors).
pub fn public_page(tr: Tr, title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(tr.tag()) {
            (head(title))
            body {
                header class="top" {
                    a class="brand" href="/" { "ztd" }
                    span { (tr.t("app-tagline")) }
                    (language_links(tr))
                }
                main id="main" class="narrow" { (content) }
            }
        }
    }
}

/// The hidden CSRF field of every form.
pub fn csrf(portal: &Portal) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(portal.csrf_token()); }
}

/// One labelled input with its hint and error (the error is tied to it for screen readers).
pub struct Field<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub kind: &'a str,
    pub value: &'a str,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub required: bool,
    pub autocomplete: Option<&'a str>,
}

impl<'a> Field<'a> {
    pub fn text(id: &'a str, label: &'a str, value: &'a str) -> Self {
        Self { id, label, kind: "text", value, hint: None, error: None, required: false, autocomplete: None }
    }
    pub fn kind(mut self, kind: &'a str) -> Self {
        self.kind = kind;
        self
    }
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }
    pub fn error(mut self, error: Option<&'a str>) -> Self {
        self.error = error;
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn autocomplete(mut self, value: &'a str) -> Self {
        self.autocomplete = Some(value);
        self
    }
}

pub fn field(spec: Field<'_>) -> Markup {
    let hint_id = format!("{}-hint", spec.id);
    let error_id = format!("{}-error", spec.id);
    let described = match (spec.hint.is_some(), spec.error.is_some()) {
        (true, true) => Some(format!("{hint_id} {error_id}")),
        (true, false) => Some(hint_id.clone()),
        (false, true) => Some(error_id.clone()),
        (false, false) => None,
    };
    html! {
        div class="field" {
            label for=(spec.id) { (spec.label) }
            @if let Some(hint) = spec.hint { span class="hint" id=(hint_id) { (hint) } }
            @if let Some(error) = spec.error { span class="error" id=(error_id) { (error) } }
            input type=(spec.kind) id=(spec.id) name=(spec.id) value=(spec.value)
                required[spec.required]
                autocomplete=[spec.autocomplete]
                aria-describedby=[described]
                aria-invalid=[spec.error.map(|_| "true")];
        }
    }
}

/// A success or information notice, announced to screen readers.
pub fn notice(kind: &str, title: &str, text: Option<&str>) -> Markup {
    html! {
        div class=(format!("notice {kind}")) role="status" aria-live="polite" {
            h2 { (title) }
            @if let Some(text) = text { p { (text) } }
        }
    }
}

/// A group tag exactly as stored: in code type, so a trailing underscore or a space shows.
pub fn tag(tr: Tr, value: &str) -> Markup {
    html! { code title=(tr.t("group-tag-title")) { (value) } }
}

/// A moment the language's way, with the exact time for machines and tooltips.
pub fn time(tr: Tr, at: DateTime<Utc>) -> Markup {
    html! { time datetime=(at.to_rfc3339()) title=(at.format("%Y-%m-%d %H:%M:%S UTC")) { (tr.date_time(at)) } }
}

/// A role in the page's language.
pub fn role(tr: Tr, role: ztd_storage::Role) -> String {
    tr.t(&format!("role-{role}"))
}

/// A kind of organisation in the page's language.
pub fn org_kind(tr: Tr, kind: OrgKind) -> String {
    tr.t(&format!("org-kind-{kind}"))
}

pub fn badge(kind: &str, text: &str) -> Markup {
    html! { span class=(format!("badge {kind}")) { (text) } }
}

/// A secret or link shown once, with a copy button (progressive: works without JavaScript).
pub fn copyable(tr: Tr, id: &str, label: &str, value: &str) -> Markup {
    html! {
        div class="field" {
            label for=(id) { (label) }
            div class="secret" {
                input type="text" id=(id) value=(value) readonly;
                button type="button" class="secondary" data-copy=(id) data-copied=(tr.t("action-copied")) { (tr.t("action-copy")) }
            }
            span class="hint" id=(format!("{id}-status")) aria-live="polite" {}
        }
    }
}

/// Text from the service (an English refusal, a hint): `backticked` parts become `<code>`, so
/// a command or a value reads as one instead of showing its backticks.
pub fn prose(text: &str) -> Markup {
    html! {
        @for (index, part) in text.split('`').enumerate() {
            @if index % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

/// Percent-encodes a query or path component (RFC 3986 unreserved characters stay).
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(char::from(byte)),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// Pretty JSON for the configuration-file preview.
pub fn json_block(value: &serde_json::Value) -> Markup {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    html! { pre class="preview" { code { (text) } } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encode_escapes_everything_but_unreserved() {
        assert_eq!(url_encode("/a b?c=d&e"), "%2Fa%20b%3Fc%3Dd%26e");
        assert_eq!(url_encode("Microsoft365ManagedStandard_"), "Microsoft365ManagedStandard_");
    }

    #[test]
    fn fields_tie_errors_to_inputs() {
        let markup = field(Field::text("email", "Email", "a@b.c").error(Some("wrong"))).into_string();
        assert!(markup.contains(r#"<label for="email">Email</label>"#));
        assert!(markup.contains(r#"aria-invalid="true""#));
        assert!(markup.contains(r#"aria-describedby="email-error""#));
        assert!(markup.contains(r#"value="a@b.c""#));
    }

    #[test]
    fn backticked_words_become_code() {
        assert_eq!(
            prose("run `ztd csv fix` on <file>").into_string(),
            "run <code>ztd csv fix</code> on &lt;file&gt;"
        );
        assert_eq!(prose("no code").into_string(), "no code");
        assert_eq!(prose("odd ` one").into_string(), "odd <code> one</code>");
    }

    #[test]
    fn tags_are_escaped() {
        let tr = Tr::default();
        assert_eq!(
            tag(tr, "<x>").into_string(),
            r#"<code title="group tag (exact, case-sensitive)">&lt;x&gt;</code>"#
        );
    }
}

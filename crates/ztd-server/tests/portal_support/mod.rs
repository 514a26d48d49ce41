//! Helpers of the portal's HTTP tests (no browser): sign in through the form, read a page's
//! CSRF token, post the Add devices form. Shared by `portal*.rs`, so each test file keeps to
//! its subject.
#![allow(dead_code)]

use reqwest::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use ztd_server::app::accounts::Email;
use ztd_server::portal::i18n::Tr;
use ztd_server::testing::TestApp;
use ztd_storage::{OrgKind, Role};

pub fn client() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("an HTTP client")
}

/// `name=value` of the `Set-Cookie` header naming `name`, and the whole header.
pub fn set_cookie(response: &Response, name: &str) -> Option<(String, String)> {
    response.headers().get_all(SET_COOKIE).iter().filter_map(|value| value.to_str().ok()).find_map(|header| {
        let pair = header.split(';').next()?.trim();
        pair.starts_with(&format!("{name}=")).then(|| (pair.to_owned(), header.to_owned()))
    })
}

/// The value of the hidden `csrf_token` field of a page.
pub fn csrf_field(html: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker).expect("a csrf_token field") + marker.len();
    html[start..].split('"').next().expect("a closing quote").to_owned()
}

pub async fn person(app: &TestApp, kind: OrgKind) -> (String, String) {
    let org = app.create_org(kind, "Portal Test Org").await;
    let email = Email::parse(&format!("someone+{}@example.com", org.id.simple())).unwrap();
    let created = app.create_user(org.id, &email, Role::Admin).await.unwrap();
    (email.as_str().to_owned(), created.password)
}

/// Signs in through the form; returns the sign-in answer and the session cookie pair.
pub async fn sign_in(
    app: &TestApp,
    cookie_name: &str,
    email: &str,
    password: &str,
) -> (Response, Option<String>) {
    let http = client();
    let form_page = http.get(app.url("/sign-in")).send().await.unwrap();
    let sign_in_cookie = form_page
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|header| header.contains("ztd_sign_in="))
        .and_then(|header| header.split(';').next())
        .expect("the sign-in form sets its CSRF cookie")
        .to_owned();
    let token = csrf_field(&form_page.text().await.unwrap());
    let response = http
        .post(app.url("/sign-in"))
        .header(COOKIE, sign_in_cookie)
        .form(&[("csrf_token", token.as_str()), ("email", email), ("password", password), ("next", "/")])
        .send()
        .await
        .unwrap();
    let session = set_cookie(&response, cookie_name).map(|(pair, _)| pair);
    (response, session)
}

/// A signed-in session of a new admin of `org` whose password is already changed.
pub async fn ready_session(app: &TestApp, org: &ztd_storage::Organisation) -> String {
    let email = Email::parse(&format!("admin+{}@example.com", org.id.simple())).unwrap();
    let created = app.create_user(org.id, &email, Role::Admin).await.unwrap();
    let (_, session) = sign_in(app, "ztd_session", email.as_str(), &created.password).await;
    let session = session.expect("a session");
    let page = client().get(app.url("/password")).header(COOKIE, &session).send().await.unwrap();
    let token = csrf_field(&page.text().await.unwrap());
    let new_password = "a perfectly fine passphrase";
    let changed = client()
        .post(app.url("/password"))
        .header(COOKIE, &session)
        .form(&[
            ("csrf_token", token.as_str()),
            ("current_password", created.password.as_str()),
            ("new_password", new_password),
            ("confirm_password", new_password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    set_cookie(&changed, "ztd_session").expect("the rotated session cookie").0
}

/// The CSRF token of the password page for `session`.
pub async fn password_page_token(app: &TestApp, session: &str) -> (StatusCode, Option<String>) {
    let page = client().get(app.url("/password")).header(COOKIE, session).send().await.unwrap();
    let status = page.status();
    let html = page.text().await.unwrap();
    (status, html.contains(r#"name="csrf_token""#).then(|| csrf_field(&html)))
}

/// The CSRF token of the form on the portal page at `path`, as the signed-in `session` sees it.
pub async fn page_csrf(app: &TestApp, session: &str, path: &str) -> String {
    let page = client().get(app.url(path)).header(COOKIE, session).send().await.expect("page");
    csrf_field(&page.text().await.expect("page text"))
}

/// The JSON an API `GET` answers to the signed-in `session` (a cookie, as the portal's pages
/// call the API).
pub async fn session_json(app: &TestApp, session: &str, path: &str) -> serde_json::Value {
    let response = client().get(app.url(path)).header(COOKIE, session).send().await.expect("GET");
    response.json().await.expect("a JSON answer")
}

/// Posts the Add devices form of `org` with `csv` and extra fields; returns the answer.
pub async fn post_upload(
    app: &TestApp,
    session: &str,
    org: uuid::Uuid,
    csv: &str,
    extra: &[(&str, &str)],
) -> Response {
    let token = page_csrf(app, session, &format!("/customers/{org}/add-devices")).await;
    let boundary = "ztd-test-boundary-9c1d";
    let mut body = String::new();
    let mut fields = vec![("csrf_token", token.as_str()), ("group_tag", ztd_domain::profile::STANDARD_TAG)];
    fields.extend_from_slice(extra);
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"devices.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    ));
    client()
        .post(app.url(&format!("/customers/{org}/add-devices")))
        .header(COOKIE, session)
        .header(CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The portal's Danish, to read expected texts from the catalogue.
pub fn da() -> Tr {
    Tr::for_tag("da").expect("the portal speaks Danish")
}

/// The portal's English, to read expected texts from the catalogue.
pub fn en() -> Tr {
    Tr::for_tag("en").expect("the portal speaks English")
}

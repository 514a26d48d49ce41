//! The portal's languages over plain HTTP (docs/portal.md#languages): the browser's
//! Accept-Language, `?lang=` and its cookie, the account's choice, `<html lang>`; and the
//! portal's own pages for unknown addresses and malformed ids. The same in Chromium is
//! `crates/ztd/tests/browser.rs`.

mod portal_support;

use portal_support::*;
use reqwest::header::{ACCEPT, ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::StatusCode;
use ztd_server::testing::{Backend, TestApp};
use ztd_storage::OrgKind;

const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_page_follows_the_browser_and_lang_overrides_it() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let danish = client()
        .get(app.url("/sign-in"))
        .header(ACCEPT_LANGUAGE, "da-DK,da;q=0.9,en;q=0.8")
        .send()
        .await
        .unwrap();
    assert!(set_cookie(&danish, "ztd_lang").is_none(), "the browser's wish is not stored");
    let html = danish.text().await.unwrap();
    assert!(html.contains(r#"<html lang="da">"#), "{html}");
    assert!(html.contains(&da().t("sign-in-title")));
    assert!(!html.contains(&en().t("sign-in-password-hint")));

    let english =
        client().get(app.url("/sign-in?lang=en")).header(ACCEPT_LANGUAGE, "da").send().await.unwrap();
    let (cookie, header) = set_cookie(&english, "ztd_lang").expect("?lang= is remembered");
    assert_eq!(cookie, "ztd_lang=en");
    assert!(header.contains("Path=/"), "{header}");
    assert!(header.contains("HttpOnly"), "no script needs to read the language: {header}");
    assert!(english.text().await.unwrap().contains(r#"<html lang="en">"#));

    // The remembered choice outlasts the browser's wish on the next page.
    let next = client()
        .get(app.url("/sign-in"))
        .header(ACCEPT_LANGUAGE, "da")
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert!(next.text().await.unwrap().contains(&en().t("sign-in-password-hint")));

    // A language the portal does not speak is no choice at all.
    let unknown =
        client().get(app.url("/sign-in?lang=xx")).header(ACCEPT_LANGUAGE, "da").send().await.unwrap();
    assert!(set_cookie(&unknown, "ztd_lang").is_none());
    assert!(unknown.text().await.unwrap().contains(r#"<html lang="da">"#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_explained_in_the_browsers_language() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (email, _) = person(&app, OrgKind::Customer).await;
    let form = client().get(app.url("/sign-in")).send().await.unwrap();
    let cookie = set_cookie(&form, "ztd_sign_in").expect("the form's cookie").0;
    let token = csrf_field(&form.text().await.unwrap());
    let refused = client()
        .post(app.url("/sign-in"))
        .header(COOKIE, cookie)
        .header(ACCEPT_LANGUAGE, "da")
        .form(&[("csrf_token", token.as_str()), ("email", email.as_str()), ("password", "not the password")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(refused.text().await.unwrap().contains(&da().t("sign-in-wrong")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_keeps_the_language_across_browsers() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn(backend).await else { continue };
        let org = app.create_org(OrgKind::Customer, "Sprog A/S").await;
        let session = ready_session(&app, &org).await;
        let devices = format!("/customers/{}/devices", org.id);

        let page = client()
            .get(app.url(&devices))
            .header(COOKIE, &session)
            .header(ACCEPT_LANGUAGE, "en")
            .send()
            .await
            .unwrap();
        assert!(page.text().await.unwrap().contains(r#"<html lang="en">"#));

        let token = page_csrf(&app, &session, "/account").await;
        let saved = client()
            .post(app.url("/account"))
            .header(COOKIE, &session)
            .form(&[("csrf_token", token.as_str()), ("language", "da")])
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        assert_eq!(saved.headers()[LOCATION], "/account?saved=language");
        let (forget, _) = set_cookie(&saved, "ztd_lang").expect("the browser's own choice is cleared");
        assert_eq!(forget, "ztd_lang=");

        // An English browser now gets Danish pages: the account's choice wins over Accept-Language.
        let page = client()
            .get(app.url(&devices))
            .header(COOKIE, &session)
            .header(ACCEPT_LANGUAGE, "en")
            .send()
            .await
            .unwrap();
        let html = page.text().await.unwrap();
        assert!(html.contains(r#"<html lang="da">"#), "{}", backend.name());
        assert!(html.contains(&da().t("nav-devices")) && html.contains(&da().t("sign-out")));
        let confirmed =
            client().get(app.url("/account?saved=language")).header(COOKIE, &session).send().await.unwrap();
        assert!(confirmed.text().await.unwrap().contains(&da().t("account-language-saved")));

        // Back to following the browser.
        let token = page_csrf(&app, &session, "/account").await;
        client()
            .post(app.url("/account"))
            .header(COOKIE, &session)
            .form(&[("csrf_token", token.as_str()), ("language", "")])
            .send()
            .await
            .unwrap();
        let page = client()
            .get(app.url(&devices))
            .header(COOKIE, &session)
            .header(ACCEPT_LANGUAGE, "en")
            .send()
            .await
            .unwrap();
        assert!(page.text().await.unwrap().contains(r#"<html lang="en">"#), "{}", backend.name());

        // A language the portal does not speak is refused, and nothing is kept.
        let token = page_csrf(&app, &session, "/account").await;
        let refused = client()
            .post(app.url("/account"))
            .header(COOKIE, &session)
            .form(&[("csrf_token", token.as_str()), ("language", "xx")])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        assert_eq!(refused.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_addresses_and_malformed_ids_get_a_page_with_the_menu() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let org = app.create_org(OrgKind::Customer, "Lost A/S").await;
    let session = ready_session(&app, &org).await;

    let nope = client()
        .get(app.url("/nope"))
        .header(COOKIE, &session)
        .header(ACCEPT, BROWSER_ACCEPT)
        .header(ACCEPT_LANGUAGE, "da")
        .send()
        .await
        .unwrap();
    assert_eq!(nope.status(), StatusCode::NOT_FOUND);
    assert_eq!(nope.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
    assert!(nope.headers().contains_key("content-security-policy"));
    let html = nope.text().await.unwrap();
    assert!(html.contains(&da().a("error-page-not-found", &[("path", "/nope".into())])), "{html}");
    assert!(html.contains(&da().t("sign-out")), "the signed-in menu stays: {html}");

    // Without a session: the same page, without the menu.
    let anonymous = client().get(app.url("/nope")).header(ACCEPT, BROWSER_ACCEPT).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::NOT_FOUND);
    let html = anonymous.text().await.unwrap();
    assert!(html.contains(&en().t("error-page-not-found-hint")) && !html.contains(&en().t("sign-out")));

    // API clients keep the JSON envelope.
    let api = client().get(app.url("/nope")).header(ACCEPT, "application/json").send().await.unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.json::<serde_json::Value>().await.unwrap()["error"]["code"], "not_found");
    let api_path = client().get(app.url("/api/v1/nope")).header(ACCEPT, BROWSER_ACCEPT).send().await.unwrap();
    assert!(api_path.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));

    // A malformed id in a portal address: the portal's page, not axum's plain text.
    let malformed =
        client().get(app.url("/devices/not-a-uuid")).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    assert_eq!(malformed.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
    let html = malformed.text().await.unwrap();
    assert!(html.contains(&en().t("error-bad-id-hint")) && html.contains(&en().t("sign-out")), "{html}");
}

//! The portal over plain HTTP (no browser): session cookie flags, CSRF refusals, redirects,
//! security headers. The whole story in a real browser is `crates/ztd/tests/browser.rs`.

mod batches_support;
mod portal_support;

use portal_support::*;

use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::StatusCode;
use ztd_server::app::accounts::Email;
use ztd_server::testing::{Backend, TestApp};
use ztd_storage::{OrgKind, Role};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_sets_a_hardened_session_and_forces_a_password_change() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (email, password) = person(&app, OrgKind::Partner).await;
    let (response, _) = sign_in(&app, "ztd_session", &email, &password).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/password");
    let (_, header) = set_cookie(&response, "ztd_session").expect("a session cookie");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(header.contains(flag), "{flag} missing in {header}");
    }
    assert!(!header.contains("Secure"), "plain http: no Secure flag in {header}");
    let session = header.split(';').next().unwrap().to_owned();

    // Until the password is changed, every other page leads to /password.
    let customers = client().get(app.url("/customers")).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(customers.status(), StatusCode::SEE_OTHER);
    assert_eq!(customers.headers()[LOCATION], "/password");
    // The API refuses the session outright until then.
    let api = client().get(app.url("/api/v1/orgs/me")).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    let error: serde_json::Value = api.json().await.unwrap();
    assert_eq!(error["error"]["code"], "password_change_required");
    let page = client().get(app.url("/password")).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers().clone();
    assert_eq!(headers["cache-control"], "no-store");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("script-src 'self'"));
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let token = csrf_field(&page.text().await.unwrap());
    let new_password = "a much better passphrase";
    let changed = client()
        .post(app.url("/password"))
        .header(COOKIE, &session)
        .form(&[
            ("csrf_token", token.as_str()),
            ("current_password", password.as_str()),
            ("new_password", new_password),
            ("confirm_password", new_password),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let (session, _) = set_cookie(&changed, "ztd_session").expect("the rotated session cookie");
    let home = client().get(app.url("/")).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(home.headers()[LOCATION], "/customers", "a partner starts on Customers");
    let api = client().get(app.url("/api/v1/orgs/me")).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::OK, "the changed password opens the API too");

    // The old one-time password no longer signs in; the new one does, without the detour.
    let (old, _) = sign_in(&app, "ztd_session", &email, &password).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let (new, session) = sign_in(&app, "ztd_session", &email, new_password).await;
    assert_eq!(new.headers()[LOCATION], "/");
    assert!(session.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (email, _) = person(&app, OrgKind::Customer).await;
    let (unknown, no_session) = sign_in(&app, "ztd_session", "nobody@example.com", "whatever it is").await;
    let (wrong, no_session_either) = sign_in(&app, "ztd_session", &email, "whatever it is").await;
    assert!(no_session.is_none() && no_session_either.is_none());
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let (unknown, wrong) = (unknown.text().await.unwrap(), wrong.text().await.unwrap());
    let message = "The email or the password is not right.";
    assert!(unknown.contains(message) && wrong.contains(message));
    assert!(wrong.contains(&format!(r#"value="{email}""#)), "the typed email is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_without_the_csrf_token_are_refused_with_a_page() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    // The sign-in form itself: without its cookie the post is refused.
    let refused = client()
        .post(app.url("/sign-in"))
        .form(&[("csrf_token", "guess"), ("email", "a@b.example"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let (email, password) = person(&app, OrgKind::Partner).await;
    let (_, session) = sign_in(&app, "ztd_session", &email, &password).await;
    let session = session.unwrap();
    for token in [None, Some("not-the-token")] {
        let mut form =
            vec![("current_password", password.as_str()), ("new_password", "another good passphrase")];
        if let Some(token) = token {
            form.push(("csrf_token", token));
        }
        let response =
            client().post(app.url("/password")).header(COOKIE, &session).form(&form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "token {token:?}");
        assert!(response.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
        let page = response.text().await.unwrap();
        assert!(
            page.contains("This form cannot be accepted") && page.contains("nothing was changed"),
            "{page}"
        );
    }
    let user = app.db.find_user_by_email(&email).await.unwrap();
    assert!(user.must_change_password, "the refused posts changed nothing");
}

/// An admin disables a user of their organisation (`POST /api/v1/users/{id}/disable`): the
/// user's sessions end at once and sign-in gets the wrong password's answer; another
/// organisation's admin gets 404; the change is audited `user.disable` (docs/security.md).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_user_cannot_sign_in_and_loses_their_sessions() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let admin = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let stranger = app.org_with_key(OrgKind::Customer, Role::Admin).await;
    let email = Email::parse(&format!("leaver+{}@example.com", admin.org.id.simple())).unwrap();
    let created = app.create_user(admin.org.id, &email, Role::Reader).await.unwrap();
    let (_, session) = sign_in(&app, "ztd_session", email.as_str(), &created.password).await;
    let session = session.expect("a session");
    let path = format!("/api/v1/users/{}/disable", created.user.id);

    let refused = app.post(&path, &stranger.key, &serde_json::json!({})).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND, "another organisation's user is missing");
    let page = client().get(app.url("/password")).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "a refused disable ended the session");

    let disabled = app.post(&path, &admin.key, &serde_json::json!({})).await;
    assert_eq!(disabled.status(), StatusCode::NO_CONTENT);
    let api = client().get(app.url("/api/v1/orgs/me")).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED, "the disabled user's session still works");
    let (again, no_session) = sign_in(&app, "ztd_session", email.as_str(), &created.password).await;
    assert!(no_session.is_none());
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
    assert!(again.text().await.unwrap().contains("The email or the password is not right."));
    let twice = app.post(&path, &admin.key, &serde_json::json!({})).await;
    assert_eq!(twice.status(), StatusCode::NOT_FOUND);

    let trail: serde_json::Value = app.get("/api/v1/audit?limit=100", &admin.key).await.json().await.unwrap();
    let disables = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| {
            event["action"] == "user.disable" && event["target_id"] == created.user.id.to_string()
        })
        .count();
    assert_eq!(disables, 1, "{trail}");
    let users: serde_json::Value = app.get("/api/v1/users", &admin.key).await.json().await.unwrap();
    let listed = users.as_array().unwrap().iter().find(|user| user["email"] == email.as_str()).unwrap();
    assert!(listed["disabled_at"].is_string(), "{listed}");
}

/// An admin cannot disable their own account (409 `cannot_disable_yourself`), so an
/// organisation cannot lock out its last admin by a slip.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_cannot_disable_themselves() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let org = app.create_org(OrgKind::Customer, "Careful Admins").await;
    let session = ready_session(&app, &org).await;
    let users = session_json(&app, &session, "/api/v1/users").await;
    let me = users[0]["id"].as_str().expect("the admin's id").to_owned();
    let token = page_csrf(&app, &session, "/users").await;
    let refused = client()
        .post(app.url(&format!("/api/v1/users/{me}/disable")))
        .header(COOKIE, &session)
        .header("x-csrf-token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "cannot_disable_yourself", "{body}");
    let still = client().get(app.url("/api/v1/orgs/me")).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(still.status(), StatusCode::OK, "the admin was signed out");
}

/// A one-time password signs in for 7 days only; after that it gets the wrong password's
/// answer, whose text says to ask an admin for a new one (docs/operations.md#sessions).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_one_time_password_is_refused_like_a_wrong_one() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let org = app.create_org(OrgKind::Customer, "Expiring Org").await;
    let email = Email::parse(&format!("late+{}@example.com", org.id.simple())).unwrap();
    let created = app.create_user(org.id, &email, Role::Reader).await.unwrap();
    let expires = created.user.one_time_password_expires_at.expect("a one-time password expires");
    let week = ztd_server::app::accounts::ONE_TIME_PASSWORD_VALIDITY;
    assert!((expires - created.user.created_at - week).num_seconds().abs() < 60, "{expires}");
    let expired = ztd_server::app::access::AuditActor::operator_cli().event(
        "user.password_reset",
        "user",
        created.user.id,
        Some(org.id),
        serde_json::json!({}),
    );
    let past = chrono::Utc::now() - chrono::Duration::seconds(1);
    app.db
        .set_password(org.id, created.user.id, &created.user.password_hash, Some(past), None, &expired)
        .await
        .unwrap();
    let (refused, no_session) = sign_in(&app, "ztd_session", email.as_str(), &created.password).await;
    assert!(no_session.is_none());
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let page = refused.text().await.unwrap();
    assert!(page.contains("The email or the password is not right."), "{page}");
    assert!(page.contains("ask an admin"), "{page}");
}

/// The actions of `org`'s audit trail (newest first), read with an admin key.
async fn audited_actions(app: &TestApp, org: uuid::Uuid) -> Vec<serde_json::Value> {
    let key = app.create_key(org, Role::Admin).await;
    let trail: serde_json::Value = app.get("/api/v1/audit?limit=500", &key).await.json().await.unwrap();
    trail["items"].as_array().unwrap().clone()
}

/// Refusals are audited, at most one per (address, kind) a minute: a failed sign-in as
/// `user.sign_in_failed` on the user's tenant with the email as typed (cut to 256 characters),
/// a refused CSRF token as `csrf.rejected` (docs/security.md).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_audited_without_flooding() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let org = app.create_org(OrgKind::Customer, "Refusals Org").await;
    let session = ready_session(&app, &org).await;
    let email = format!("admin+{}@example.com", org.id.simple());
    for _ in 0..3 {
        let (refused, _) = sign_in(&app, "ztd_session", &email, "not the password at all").await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    }
    for _ in 0..3 {
        let refused = client()
            .post(app.url("/sign-out"))
            .header(COOKIE, &session)
            .form(&[("csrf_token", "forged")])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
    let trail = audited_actions(&app, org.id).await;
    let failed: Vec<_> = trail.iter().filter(|event| event["action"] == "user.sign_in_failed").collect();
    assert_eq!(failed.len(), 1, "one failed sign-in audited per address a minute: {failed:?}");
    assert_eq!(failed[0]["details"]["email"], email.as_str(), "{}", failed[0]);
    assert_eq!(failed[0]["tenant_org_id"], org.id.to_string());
    let csrf: Vec<_> = trail.iter().filter(|event| event["action"] == "csrf.rejected").collect();
    assert_eq!(csrf.len(), 1, "one CSRF refusal audited per address a minute: {csrf:?}");
    assert_eq!(csrf[0]["details"]["path"], "/sign-out", "{}", csrf[0]);
}

/// The admin's users page has a Disable button per active user (a CSRF form).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_disables_a_user_from_the_users_page() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let org = app.create_org(OrgKind::Customer, "Disabling Org").await;
    let session = ready_session(&app, &org).await;
    let email = Email::parse(&format!("leaver+{}@example.com", org.id.simple())).unwrap();
    let created = app.create_user(org.id, &email, Role::Reader).await.unwrap();
    let page = client().get(app.url("/users")).header(COOKIE, &session).send().await.unwrap();
    let html = page.text().await.unwrap();
    let action = format!("/users/{}/disable", created.user.id);
    assert!(html.contains(&format!(r#"action="{action}""#)), "no Disable form in {html}");
    let token = csrf_field(&html);
    let without = client()
        .post(app.url(&action))
        .header(COOKIE, &session)
        .form(&[("csrf_token", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), StatusCode::FORBIDDEN, "a post without the CSRF token was accepted");
    let disabled = client()
        .post(app.url(&action))
        .header(COOKIE, &session)
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), StatusCode::SEE_OTHER);
    assert!(app.db.get_user(created.user.id).await.unwrap().disabled_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_visits_go_to_sign_in_and_come_back() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let response = client().get(app.url("/invitations/ztdinv_abc")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/sign-in?next=%2Finvitations%2Fztdinv_abc");
    let page = client().get(app.url("/sign-in?next=%2Finvitations%2Fztdinv_abc")).send().await.unwrap();
    assert!(page.text().await.unwrap().contains(r#"name="next" value="/invitations/ztdinv_abc""#));
    let outside = client().get(app.url("/sign-in?next=https%3A%2F%2Fevil.example")).send().await.unwrap();
    assert!(outside.text().await.unwrap().contains(r#"name="next" value="/""#), "no open redirect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_deployments_use_a_host_prefixed_secure_cookie() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| config.public_url = "https://ztd.example".into())
        .await
        .unwrap();
    let (email, password) = person(&app, OrgKind::Customer).await;
    let (response, session) = sign_in(&app, "__Host-ztd_session", &email, &password).await;
    let (_, header) = set_cookie(&response, "__Host-ztd_session").expect("a __Host- session cookie");
    assert!(header.contains("Secure") && header.contains("Path=/") && !header.contains("Domain"), "{header}");
    let session = session.unwrap();
    let me = client().get(app.url("/api/v1/orgs/me")).header(COOKIE, &session).send().await.unwrap();
    // Recognised as a session (not 401); refused only because the one-time password stands.
    assert_eq!(me.status(), StatusCode::FORBIDDEN, "the access layer reads the __Host- cookie");
    let error: serde_json::Value = me.json().await.unwrap();
    assert_eq!(error["error"]["code"], "password_change_required");
    let plain = session.replace("__Host-ztd_session", "ztd_session");
    let refused = client().get(app.url("/api/v1/orgs/me")).header(COOKIE, plain).send().await.unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::UNAUTHORIZED,
        "on https a cookie without the prefix is not a session"
    );
}

/// Sign-in always opens a fresh session; a password change ends every other session of the
/// person and rotates the current one: new cookie, new CSRF token, the old cookie is dead
/// (docs/security.md).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_ends_other_sessions_and_rotates_this_one() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (email, password) = person(&app, OrgKind::Customer).await;
    let (_, first) = sign_in(&app, "ztd_session", &email, &password).await;
    let (_, second) = sign_in(&app, "ztd_session", &email, &password).await;
    let (first, second) = (first.expect("a session"), second.expect("a session"));
    assert_ne!(first, second, "each sign-in opens its own session");
    let (status, token) = password_page_token(&app, &first).await;
    assert_eq!(status, StatusCode::OK);
    let token = token.expect("a CSRF token");
    let (_, other_token) = password_page_token(&app, &second).await;
    assert_ne!(Some(&token), other_token.as_ref(), "each session has its own CSRF token");

    let new_password = "a rotated session passphrase";
    let changed = client()
        .post(app.url("/password"))
        .header(COOKIE, &first)
        .form(&[
            ("csrf_token", token.as_str()),
            ("current_password", password.as_str()),
            ("new_password", new_password),
            ("confirm_password", new_password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let (rotated, header) = set_cookie(&changed, "ztd_session").expect("a new session cookie");
    assert!(header.contains("HttpOnly"), "{header}");
    assert_ne!(rotated, first, "the session cookie was not rotated");
    for dead in [&first, &second] {
        let api = client().get(app.url("/api/v1/orgs/me")).header(COOKIE, dead).send().await.unwrap();
        assert_eq!(api.status(), StatusCode::UNAUTHORIZED, "an old session still works");
    }
    let api = client().get(app.url("/api/v1/orgs/me")).header(COOKIE, &rotated).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::OK);
    let (_, new_token) = password_page_token(&app, &rotated).await;
    let new_token = new_token.expect("a CSRF token");
    assert_ne!(new_token, token, "the CSRF token was not rotated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_registers_its_own_devices_and_downloads_the_results() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let org = app.create_org(OrgKind::Customer, "Self Registering").await;
    let session = ready_session(&app, &org).await;
    let token = page_csrf(&app, &session, &format!("/customers/{}/add-devices", org.id)).await;

    // Three good devices and one whose tag matches no profile, allowed in as unassigned.
    let devices: Vec<_> = ztd_domain::synth::generate(9090, 4).collect();
    let rows: Vec<_> = devices
        .iter()
        .enumerate()
        .map(|(index, device)| (device, if index == 3 { "NoSuchProfile_" } else { "" }))
        .collect();
    let csv = batches_support::intune_csv(&rows);
    let boundary = "ztd-test-boundary-7f3a";
    let mut body = String::new();
    for (name, value) in [
        ("csrf_token", token.as_str()),
        ("group_tag", ztd_domain::profile::STANDARD_TAG),
        ("allow_unknown_tags", "true"),
    ] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"own.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    ));
    let uploaded = client()
        .post(app.url(&format!("/customers/{}/add-devices", org.id)))
        .header(COOKIE, &session)
        .header(CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER, "{}", uploaded.text().await.unwrap());
    let batch_page = uploaded.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(batch_page.starts_with("/batches/"), "{batch_page}");

    // The batch page refreshes itself until the workers are done.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let page = loop {
        let page = client().get(app.url(&batch_page)).header(COOKIE, &session).send().await.unwrap();
        let page = page.text().await.unwrap();
        if !page.contains(r#"http-equiv="refresh""#) || std::time::Instant::now() > deadline {
            break page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(page.contains("All rows are done"), "{page}");
    assert!(page.contains("unassigned: no profile"), "the unassigned device says so: {page}");

    let download = client()
        .get(app.url(&format!("{batch_page}/results.csv")))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    assert!(download.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    let results = download.text().await.unwrap();
    let lines: Vec<&str> = results.lines().collect();
    assert_eq!(lines[0], "row,status,serial_number,product_key_id,manufacturer,model,device_id,error_code,error_message,error_hint");
    assert_eq!(lines.len(), 5, "one line per row: {results}");
    assert_eq!(lines.iter().filter(|line| line.contains(",registered,")).count(), 3, "{results}");
    assert!(lines[4].starts_with("5,unassigned,"), "{results}");

    // Another organisation cannot read this batch, in the portal either.
    let other = app.create_org(OrgKind::Customer, "Somebody Else").await;
    let stranger = ready_session(&app, &other).await;
    let refused = client().get(app.url(&batch_page)).header(COOKIE, &stranger).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sample_files_carry_the_customers_own_tags_and_stay_in_the_tenant() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let org = app.create_org(OrgKind::Customer, "Sample Reader").await;
    let key = app.create_key(org.id, Role::Admin).await;
    let created = app
        .post(
            &format!("/api/v1/customers/{}/profiles", org.id),
            &key,
            &serde_json::json!({ "name": "Kiosk", "group_tag": "SampleKiosk_" }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let session = ready_session(&app, &org).await;
    let form = client()
        .get(app.url(&format!("/customers/{}/add-devices", org.id)))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(form.contains("Download a sample file"), "{form}");
    assert!(form.contains("Get-WindowsAutopilotInfo"), "{form}");
    for format in ztd_domain::csv::Format::ALL {
        let href = format!("/customers/{}/add-devices/samples/{}", org.id, format.name());
        assert!(form.contains(&format!("href=\"{href}\"")), "a link to {href}");
        let response = client().get(app.url(&href)).header(COOKIE, &session).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[CONTENT_TYPE], "text/csv");
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert_eq!(disposition, format!("attachment; filename=\"sample-{}.csv\"", format.name()));
        let bytes = response.bytes().await.unwrap();
        let (summary, problems) =
            ztd_domain::csv::check(&bytes[..], ztd_domain::csv::ReadOptions::default()).unwrap();
        assert_eq!((summary.format, problems.len()), (Some(format), 0), "{problems:?}");
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        assert_eq!(text.contains(",SampleKiosk_,"), format == ztd_domain::csv::Format::Intune, "{text}");
    }
    let unknown = client()
        .get(app.url(&format!("/customers/{}/add-devices/samples/excel", org.id)))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);

    // Another organisation gets the usual refusal, not the tags.
    let other = app.create_org(OrgKind::Customer, "Somebody Else").await;
    let stranger = ready_session(&app, &other).await;
    let refused = client()
        .get(app.url(&format!("/customers/{}/add-devices/samples/intune", org.id)))
        .header(COOKIE, &stranger)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert!(!refused.text().await.unwrap().contains("SampleKiosk_"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failed_sign_ins_are_slowed_down() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (email, password) = person(&app, OrgKind::Customer).await;
    for attempt in 0..10 {
        let (response, _) = sign_in(&app, "ztd_session", &email, "a wrong guess").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    // Even the right password waits now: guessing online cannot go on at full speed.
    let (throttled, session) = sign_in(&app, "ztd_session", &email, &password).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(session.is_none());
    let retry_after: u64 = throttled.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let page = throttled.text().await.unwrap();
    assert!(page.contains("Too many failed sign-ins") && page.contains("Try again in 15 minutes"), "{page}");
}

/// A new email per try never trips the (address, email) throttle; the per-address one does
/// (docs/security.md).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_spraying_many_emails_is_slowed_down() {
    let app =
        TestApp::spawn_with(Backend::Sqlite, |config| config.sign_in_failures_per_address = 3).await.unwrap();
    let (email, password) = person(&app, OrgKind::Customer).await;
    for attempt in 0..3 {
        let (response, _) =
            sign_in(&app, "ztd_session", &format!("guess{attempt}@example.com"), "a guess").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let (throttled, session) = sign_in(&app, "ztd_session", &email, &password).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(session.is_none());
    let retry_after: u64 = throttled.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
}

/// The upload form's CSRF token is checked before the file is read (docs/portal.md#design): a
/// wrong token, or a file sent before the token, gets 403 while the client is still sending,
/// the rest of the file never read (the body here never ends).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_upload_is_refused_before_its_file_is_read() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let org = app.create_org(OrgKind::Customer, "Forged Upload Target").await;
    let session = ready_session(&app, &org).await;
    let token = page_csrf(&app, &session, &format!("/customers/{}/add-devices", org.id)).await;
    let boundary = "ztd-forged-boundary-1c2d";
    let wrong = format!("{}x", &token[..token.len() - 1]);
    let token_part = |value: &str| {
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{value}\r\n")
    };
    let file_head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\nDevice Serial Number,Windows Product ID,Hardware Hash\r\n"
    );
    for (case, head) in
        [("wrong token", token_part(&wrong) + &file_head), ("file before the token", file_head.clone())]
    {
        // Over a raw socket: the server may close while the file is still being written, and
        // an HTTP client would then report the broken pipe instead of the answer it got.
        let stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        let (mut reader, mut writer) = stream.into_split();
        let request_head = format!(
            "POST /customers/{}/add-devices HTTP/1.1\r\nHost: {}\r\nCookie: {session}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nTransfer-Encoding: chunked\r\n\r\n",
            org.id, app.addr
        );
        let sending = tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            let chunk = |data: &[u8]| {
                [format!("{:x}\r\n", data.len()).into_bytes(), data.to_vec(), b"\r\n".to_vec()].concat()
            };
            writer.write_all(request_head.as_bytes()).await?;
            writer.write_all(&chunk(head.as_bytes())).await?;
            // A megabyte of file, then the body stays open: only an early refusal can answer.
            for _ in 0..16 {
                writer.write_all(&chunk(&vec![b'A'; 64 * 1024])).await?;
            }
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            Ok::<_, std::io::Error>(writer)
        });
        let status_line = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            use tokio::io::AsyncReadExt;
            let mut answer = Vec::new();
            let mut buffer = [0u8; 4096];
            while !answer.windows(2).any(|pair| pair == b"\r\n") {
                let read = reader.read(&mut buffer).await.unwrap();
                assert!(read > 0, "{case}: the connection closed without an answer");
                answer.extend_from_slice(&buffer[..read]);
            }
            String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_owned()
        })
        .await
        .unwrap_or_else(|_| panic!("{case}: no answer while the file was still being sent"));
        assert!(status_line.starts_with("HTTP/1.1 403"), "{case}: {status_line}");
        sending.abort();
    }
    // Audited like any refused CSRF token (once a minute per address, so once here).
    let trail = session_json(&app, &session, "/api/v1/audit").await;
    let refusals: Vec<&serde_json::Value> =
        trail["items"].as_array().unwrap().iter().filter(|e| e["action"] == "csrf.rejected").collect();
    assert_eq!(refusals.len(), 1, "{trail}");
    assert!(refusals[0]["details"]["path"].as_str().unwrap().ends_with("/add-devices"), "{}", refusals[0]);
}

/// The results download of a batch larger than one page (1,000 rows) is streamed page by page
/// and still has every row once, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_results_download_of_a_large_batch_has_every_row_once() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let org = app.create_org(OrgKind::Customer, "Large Batch Owner").await;
    let key = app.create_key(org.id, Role::Registrar).await;
    let devices: Vec<_> = ztd_domain::synth::generate(9191, 2_300).collect();
    let query = format!("?group_tag={}", ztd_domain::profile::STANDARD_TAG);
    let (status, accepted) = batches_support::post_csv_batch(
        &app,
        &key,
        org.id,
        &query,
        batches_support::partner_center_csv(&devices),
    )
    .await;
    assert_eq!(status, 202, "{accepted}");
    let batch_id = accepted["id"].as_str().unwrap();
    batches_support::wait_finished(&app, &key, batch_id).await;

    let session = ready_session(&app, &org).await;
    let download = client()
        .get(app.url(&format!("/batches/{batch_id}/results.csv")))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    let results = download.text().await.unwrap();
    let lines: Vec<&str> = results.lines().collect();
    assert!(lines[0].starts_with("row,status,"), "{}", lines[0]);
    let rows: Vec<usize> =
        lines[1..].iter().map(|line| line.split(',').next().unwrap().parse().unwrap()).collect();
    assert_eq!(rows, (2..=2_301).collect::<Vec<_>>(), "every CSV line once, in order");
    assert!(lines[1..].iter().all(|line| line.contains(",registered,")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_devices_checks_the_database_before_registering_anything() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let org = app.create_org(OrgKind::Customer, "Checked First").await;
    let session = ready_session(&app, &org).await;
    let devices: Vec<_> = ztd_domain::synth::generate(9191, 4).collect();
    let first: Vec<_> = devices[..2].iter().map(|device| (device, "")).collect();
    let uploaded = post_upload(
        &app,
        &session,
        org.id,
        &batches_support::intune_csv(&first),
        &[("order_number", "SO-9191")],
    )
    .await;
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let batch_page = uploaded.headers()[LOCATION].to_str().unwrap().to_owned();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let page = client()
            .get(app.url(&batch_page))
            .header(COOKIE, &session)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if page.contains("All rows are done") {
            assert!(page.contains("Order <strong>SO-9191</strong>"), "{page}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the first batch never finished: {page}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // All four: two are registered already. The file itself is fine, the database check says
    // which rows would fail, and nothing is registered.
    let all: Vec<_> = devices.iter().map(|device| (device, "")).collect();
    let csv = batches_support::intune_csv(&all);
    let refused = post_upload(&app, &session, org.id, &csv, &[]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("2 devices in devices.csv cannot be registered"), "{page}");
    assert_eq!(page.matches("device_already_registered").count(), 2, "{page}");
    let (detail, fix) = (
        en().t("row-error-device-already-registered-detail"),
        en().t("row-error-device-already-registered-fix"),
    );
    assert_eq!(
        (page.matches(&detail).count(), page.matches(&fix).count()),
        (2, 2),
        "said from the catalogue: {page}"
    );
    assert!(page.contains("2 other devices would register"), "{page}");
    let listed = session_json(&app, &session, &format!("/api/v1/customers/{}/devices", org.id)).await;
    assert_eq!(listed["devices"].as_array().unwrap().len(), 2, "nothing more was registered");

    // Asked to register the others anyway: they are.
    let uploaded = post_upload(&app, &session, org.id, &csv, &[("register_passing", "true")]).await;
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let listed = session_json(&app, &session, &format!("/api/v1/customers/{}/devices", org.id)).await;
        if listed["devices"].as_array().unwrap().len() == 4 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the others were not registered: {listed}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The Webhooks page (docs/portal.md#webhooks): add one (the secret shown once), read its
/// delivery log, send a failed delivery again, delete it after a confirmation; refusals are
/// pages, and posts need the CSRF token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_a_webhook_reads_its_deliveries_and_deletes_it() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.webhook_allow_http = true;
        config.webhook_retry_base = std::time::Duration::from_millis(20);
        config.webhook_retry_horizon = std::time::Duration::from_millis(300);
    })
    .await
    .unwrap();
    let org = app.create_org(OrgKind::Partner, "Hooked Partner").await;
    let session = ready_session(&app, &org).await;
    let home = client().get(app.url("/webhooks")).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.unwrap();
    assert!(html.contains(r#"href="/webhooks" aria-current="page""#), "the menu entry is missing");
    let token = csrf_field(&html);

    // Refused: a scheme the server does not send to, shown on the form again.
    let refused = client()
        .post(app.url("/webhooks"))
        .header(COOKIE, &session)
        .form(&[
            ("csrf_token", token.as_str()),
            ("url", "ftp://hooks.example/x"),
            ("event:batch.finished", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("must start with https://"), "{page}");
    assert!(page.contains(r#"value="ftp://hooks.example/x""#), "the typed URL is lost");
    // Without the CSRF token nothing is created.
    let forged = client()
        .post(app.url("/webhooks"))
        .header(COOKIE, &session)
        .form(&[("url", "http://127.0.0.1:9/hook"), ("event:batch.finished", "on")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // Added: the secret on this page only. Nobody listens on port 9: deliveries fail.
    let created = client()
        .post(app.url("/webhooks"))
        .header(COOKIE, &session)
        .form(&[
            ("csrf_token", token.as_str()),
            ("url", "http://127.0.0.1:9/hook"),
            ("event:relationship.created", "on"),
            ("event:device.deregistered", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let page = created.text().await.unwrap();
    let secret_at = page.find("whsec_").expect("the secret is shown");
    let secret: String = page[secret_at..].chars().take_while(|c| *c != '"').collect();
    let list = client()
        .get(app.url("/webhooks"))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("http://127.0.0.1:9/hook")
            && list.contains("Device deregistered <code class=\"hint\">device.deregistered</code>")
            && list.contains("Relationship created <code class=\"hint\">relationship.created</code>")
    );
    assert!(!list.contains(&secret), "the secret is shown again");
    let webhooks = session_json(&app, &session, "/api/v1/webhooks").await;
    let id = webhooks[0]["id"].as_str().unwrap().to_owned();

    // An event, delivered (and failed: nobody listens), in the log with a Redeliver button.
    app.db
        .append_audit(&ztd_storage::NewAuditEvent {
            request_id: None,
            actor_kind: ztd_storage::ActorKind::User,
            actor_id: None,
            actor_org_id: Some(org.id),
            tenant_org_id: None,
            action: "device.deregister".into(),
            target_type: "device".into(),
            target_id: Some("d-1".into()),
            details: serde_json::json!({}),
        })
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let log = loop {
        let log =
            client().get(app.url(&format!("/webhooks/{id}"))).header(COOKIE, &session).send().await.unwrap();
        assert_eq!(log.status(), StatusCode::OK);
        let log = log.text().await.unwrap();
        if log.contains("badge bad") || std::time::Instant::now() > deadline {
            break log;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(log.contains("device.deregistered") && log.contains(">failed<"), "{log}");
    assert!(log.to_lowercase().contains("connect"), "the connection error is not shown: {log}");
    let marker = format!(r#"action="/webhooks/{id}/deliveries/"#);
    let redeliver_path: String = log[log.find(&marker).expect("a Redeliver form") + r#"action=""#.len()..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let again = client()
        .post(app.url(&redeliver_path))
        .header(COOKIE, &session)
        .form(&[("csrf_token", csrf_field(&log).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(again.headers()[LOCATION], format!("/webhooks/{id}?notice=redelivered").as_str());
    let deliveries = session_json(&app, &session, &format!("/api/v1/webhooks/{id}/deliveries")).await;
    assert_eq!(deliveries["items"].as_array().unwrap().len(), 2);

    // Deleted after the confirmation step.
    let confirm = client()
        .get(app.url(&format!("/webhooks/{id}/delete")))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(confirm.status(), StatusCode::OK);
    let confirm = confirm.text().await.unwrap();
    assert!(confirm.contains("Delete this webhook?"));
    let deleted = client()
        .post(app.url(&format!("/webhooks/{id}/delete")))
        .header(COOKIE, &session)
        .form(&[("csrf_token", csrf_field(&confirm).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(deleted.headers()[LOCATION], "/webhooks?notice=deleted");
    let gone =
        client().get(app.url(&format!("/webhooks/{id}"))).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

/// Right after signing in with a one-time password, the forced change does not ask for it
/// again; it still refuses the one-time password itself as the new one
/// (docs/security.md#one-time-passwords).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_forced_change_does_not_ask_again_for_the_password_just_typed() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (email, one_time) = person(&app, OrgKind::Customer).await;
    let (_, session) = sign_in(&app, "ztd_session", &email, &one_time).await;
    let session = session.expect("a session");
    let page = client().get(app.url("/password")).header(COOKIE, &session).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(!html.contains(r#"name="current_password""#), "{html}");
    let token = csrf_field(&html);
    let same = client()
        .post(app.url("/password"))
        .header(COOKIE, &session)
        .form(&[("csrf_token", token.as_str()), ("new_password", &one_time), ("confirm_password", &one_time)])
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let en = ztd_server::portal::i18n::Tr::for_tag("en").unwrap();
    assert!(same.text().await.unwrap().contains(&en.t("password-problem-same")));
    let new_password = "a brand new passphrase";
    let changed = client()
        .post(app.url("/password"))
        .header(COOKIE, &session)
        .form(&[
            ("csrf_token", token.as_str()),
            ("new_password", new_password),
            ("confirm_password", new_password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let session = set_cookie(&changed, "ztd_session").expect("the rotated session").0;
    // From now on the current password is asked for.
    let page = client().get(app.url("/password")).header(COOKIE, &session).send().await.unwrap();
    assert!(page.text().await.unwrap().contains(r#"name="current_password""#));
    let (_, again) = sign_in(&app, "ztd_session", &email, new_password).await;
    assert!(again.is_some(), "the new password signs in");
}

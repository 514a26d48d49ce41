//! The people pages over plain HTTP (docs/portal.md#pages): an admin's actions on the users of
//! the organisation (role, one-time password, disable and enable), the readable audit trail
//! with its filters and both sides of a relationship in it, and the operator's page of one
//! organisation; on both backends, in English and Danish where the words matter.

mod batches_support;
mod portal_support;

use batches_support::{batch_body, devices, json_devices, register};
use portal_support::*;
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE, LOCATION};
use reqwest::StatusCode;
use ztd_server::app::accounts::Email;
use ztd_server::portal::i18n::Tr;
use ztd_server::testing::{Backend, TestApp, TestOrg};
use ztd_storage::{OrgKind, Role};

/// Text as maud writes it into a page.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A catalogue message with one `email` argument, as it appears in a page.
fn with_email(tr: Tr, id: &str, email: &str) -> String {
    escaped(&tr.a(id, &[("email", email.into())]))
}

/// `GET path` as `session` in the language `lang`: (status, page).
async fn page(app: &TestApp, session: &str, path: &str, lang: &str) -> (StatusCode, String) {
    let response = client()
        .get(app.url(path))
        .header(COOKIE, session)
        .header(ACCEPT_LANGUAGE, lang)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

/// `POST path` with the form `fields` (the CSRF token added) as `session` in `lang`.
async fn post(
    app: &TestApp,
    session: &str,
    path: &str,
    token: &str,
    fields: &[(&str, &str)],
    lang: &str,
) -> reqwest::Response {
    let mut form = vec![("csrf_token", token)];
    form.extend_from_slice(fields);
    client()
        .post(app.url(path))
        .header(COOKIE, session)
        .header(ACCEPT_LANGUAGE, lang)
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// The actions of `org`'s audit trail, newest first, read with an admin key.
async fn audited(app: &TestApp, org: uuid::Uuid) -> Vec<serde_json::Value> {
    let key = app.create_key(org, Role::Admin).await;
    let trail: serde_json::Value = app.get("/api/v1/audit?limit=500", &key).await.json().await.unwrap();
    trail["items"].as_array().unwrap().clone()
}

/// An admin changes a user's role, gives them a new one-time password (shown once; their
/// sessions end; it signs in), disables and enables them, each from the Users page and each
/// audited; nobody changes their own role, and an organisation keeps an active admin.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_change_roles_reset_passwords_and_disable_users() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn(backend).await else { continue };
        let org = app.create_org(OrgKind::Customer, "People Org").await;
        let session = ready_session(&app, &org).await;
        let me = session_json(&app, &session, "/api/v1/users").await[0]["id"].as_str().unwrap().to_owned();
        let bob_email = format!("bob+{}@example.com", org.id.simple());
        let bob = app.create_user(org.id, &Email::parse(&bob_email).unwrap(), Role::Reader).await.unwrap();
        let (_, bob_session) = sign_in(&app, "ztd_session", &bob_email, &bob.password).await;
        let bob_session = bob_session.expect("Bob signs in");
        let bob_id = bob.user.id;

        // The Users page, in Danish: per-user actions for Bob, none for the admin themselves.
        let (status, users) = page(&app, &session, "/users", "da").await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(users.contains(&escaped(&da().t("users-change-role"))), "{users}");
        assert!(users.contains(&format!(r#"action="/users/{bob_id}/role""#)));
        assert!(users.contains(&format!(r#"id="reset-password-{bob_id}""#)));
        assert!(users.contains(&format!(r#"id="disable-{bob_id}""#)));
        assert!(!users.contains(&format!(r#"action="/users/{me}/role""#)), "an admin's own role has no form");
        assert!(users.contains(&escaped(&da().t("users-change-own-password"))));
        let token = csrf_field(&users);

        // Role: Bob becomes a registrar.
        let changed =
            post(&app, &session, &format!("/users/{bob_id}/role"), &token, &[("role", "registrar")], "en")
                .await;
        assert_eq!(changed.status(), StatusCode::SEE_OTHER);
        let back = changed.headers()[LOCATION].to_str().unwrap().to_owned();
        assert_eq!(back, format!("/users?notice=role_changed&user={bob_id}"));
        assert_eq!(app.db.get_user(bob_id).await.unwrap().role, Role::Registrar);
        let (_, notice) = page(&app, &session, &back, "en").await;
        assert!(notice.contains(&with_email(en(), "users-notice-role-changed", &bob_email)), "{notice}");
        // Not one's own role: refused in the page's language, nothing changed.
        let own =
            post(&app, &session, &format!("/users/{me}/role"), &token, &[("role", "reader")], "da").await;
        assert_eq!(own.status(), StatusCode::CONFLICT);
        let own = own.text().await.unwrap();
        assert!(own.contains(&escaped(&da().t("users-refusal-cannot-change-own-role"))), "{own}");
        let me_id: uuid::Uuid = me.parse().unwrap();
        assert_eq!(app.db.get_user(me_id).await.unwrap().role, Role::Admin);

        // A new one-time password: a confirmation step, then shown once; Bob's session ends.
        let (status, confirm) = page(&app, &session, &format!("/users/{bob_id}/reset-password"), "da").await;
        assert_eq!(status, StatusCode::OK);
        assert!(confirm.contains(&with_email(da(), "users-reset-title", &bob_email)), "{confirm}");
        assert!(confirm.contains(r#"id="confirm-reset-password""#));
        let reset = post(
            &app,
            &session,
            &format!("/users/{bob_id}/reset-password"),
            &csrf_field(&confirm),
            &[],
            "en",
        )
        .await;
        assert_eq!(reset.status(), StatusCode::OK);
        let shown = reset.text().await.unwrap();
        let marker = r#"id="one-time-password" value=""#;
        let at = shown.find(marker).expect("the new one-time password is shown") + marker.len();
        let password: String = shown[at..].chars().take_while(|c| *c != '"').collect();
        assert!(password.len() >= 16 && password != bob.password, "{password}");
        let dead =
            client().get(app.url("/api/v1/orgs/me")).header(COOKIE, &bob_session).send().await.unwrap();
        assert_eq!(dead.status(), StatusCode::UNAUTHORIZED, "Bob's session outlived the reset");
        let (old, none) = sign_in(&app, "ztd_session", &bob_email, &bob.password).await;
        assert!(none.is_none(), "the old password still signs in: {}", old.status());
        let (fresh, bob_again) = sign_in(&app, "ztd_session", &bob_email, &password).await;
        assert!(bob_again.is_some(), "the new one-time password signs in: {}", fresh.status());
        assert!(
            fresh.headers()[LOCATION].to_str().unwrap().starts_with("/password"),
            "and must be changed first"
        );
        // Not one's own: an admin changes their own password on /password.
        let (status, _) = page(&app, &session, &format!("/users/{me}/reset-password"), "en").await;
        assert_eq!(status, StatusCode::OK, "the confirmation page shows, the post refuses");
        let mine = post(&app, &session, &format!("/users/{me}/reset-password"), &token, &[], "en").await;
        assert_eq!(mine.status(), StatusCode::CONFLICT);
        assert!(mine
            .text()
            .await
            .unwrap()
            .contains(&escaped(&en().t("users-refusal-cannot-reset-own-password"))));

        // Disable, then enable again.
        let disabled = post(&app, &session, &format!("/users/{bob_id}/disable"), &token, &[], "en").await;
        assert_eq!(disabled.status(), StatusCode::SEE_OTHER);
        assert!(app.db.get_user(bob_id).await.unwrap().disabled_at.is_some());
        let (_, users) = page(&app, &session, "/users", "en").await;
        assert!(users.contains(&format!(r#"id="enable-{bob_id}""#)), "no Enable button: {users}");
        let enabled = post(&app, &session, &format!("/users/{bob_id}/enable"), &token, &[], "en").await;
        assert_eq!(enabled.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            enabled.headers()[LOCATION].to_str().unwrap(),
            format!("/users?notice=enabled&user={bob_id}")
        );
        assert!(app.db.get_user(bob_id).await.unwrap().disabled_at.is_none());
        let again = post(&app, &session, &format!("/users/{bob_id}/enable"), &token, &[], "en").await;
        assert_eq!(again.status(), StatusCode::NOT_FOUND, "enabling an enabled user");

        // The organisation keeps an active admin: an admin key cannot demote or disable the
        // only admin (the API answers as the portal does).
        let key = app.create_key(org.id, Role::Admin).await;
        let demote =
            app.patch(&format!("/api/v1/users/{me}"), &key, &serde_json::json!({ "role": "reader" })).await;
        assert_eq!(demote.status(), StatusCode::CONFLICT);
        assert_eq!(ztd_server::testing::error_body(demote).await["code"], "last_admin");
        let disable = app.post(&format!("/api/v1/users/{me}/disable"), &key, &serde_json::json!({})).await;
        assert_eq!(disable.status(), StatusCode::CONFLICT);
        // With Bob an admin, the key may.
        let promoted = app
            .patch(&format!("/api/v1/users/{bob_id}"), &key, &serde_json::json!({ "role": "admin" }))
            .await;
        assert_eq!(promoted.status(), StatusCode::OK);
        let promoted: serde_json::Value = promoted.json().await.unwrap();
        assert_eq!(promoted["role"], "admin");
        let via_api =
            app.post(&format!("/api/v1/users/{bob_id}/reset-password"), &key, &serde_json::json!({})).await;
        assert_eq!(via_api.status(), StatusCode::OK);
        let via_api: serde_json::Value = via_api.json().await.unwrap();
        assert_eq!(via_api["email"], bob_email.as_str());
        assert!(via_api["password"].as_str().is_some_and(|password| password.len() >= 16));

        // Every change is audited on the organisation's trail, naming the user.
        let trail = audited(&app, org.id).await;
        for action in ["user.change_role", "user.password_reset", "user.disable", "user.enable"] {
            let event =
                trail.iter().find(|event| event["action"] == action).unwrap_or_else(|| panic!("no {action}"));
            assert_eq!(event["target_id"], bob_id.to_string(), "{event}");
            assert_eq!(event["details"]["email"], bob_email.as_str(), "{event}");
        }
        let role_change = trail.iter().rev().find(|event| event["action"] == "user.change_role").unwrap();
        assert_eq!(
            (&role_change["details"]["from"], &role_change["details"]["to"]),
            (&serde_json::json!("reader"), &serde_json::json!("registrar"))
        );
    }
}

/// A partner and a customer, each with an admin key, the customer having accepted the partner.
async fn partner_and_customer(app: &TestApp) -> (TestOrg, TestOrg, uuid::Uuid) {
    let partner_org = app.create_org(OrgKind::Partner, "Fabrikam Devices").await;
    let customer_org = app.create_org(OrgKind::Customer, "Contoso").await;
    let partner = TestOrg {
        key: app.create_key(partner_org.id, Role::Admin).await,
        org: partner_org,
        role: Role::Admin,
    };
    let customer = TestOrg {
        key: app.create_key(customer_org.id, Role::Admin).await,
        org: customer_org,
        role: Role::Admin,
    };
    let relationship = app.connect(&partner, &customer).await;
    (partner, customer, relationship)
}

/// The audit trail in words on both sides of a relationship: the partner's batch as "Fabrikam
/// Devices registered 2 of 2 devices in batch …" with a link on the customer's trail, the
/// organisation's own person by email, the customer's acceptance and revocation on the
/// partner's trail (named by the customer's name, never a person of it), no internal fields;
/// filters by action, actor and days; English and Danish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_trail_reads_as_sentences_on_both_sides() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn(backend).await else { continue };
        let (partner, customer, relationship) = partner_and_customer(&app).await;
        let batch = register(
            &app,
            &partner.key,
            customer.id(),
            batch_body(ztd_domain::profile::STANDARD_TAG, json_devices(&devices(7301, 2))),
        )
        .await;
        let batch_id = batch["id"].as_str().unwrap().to_owned();
        let customer_session = ready_session(&app, &customer.org).await;
        let customer_email = format!("admin+{}@example.com", customer.id().simple());
        // The customer's admin adds a user in the portal: their own person, named by email.
        let token = page_csrf(&app, &customer_session, "/users").await;
        let added = post(
            &app,
            &customer_session,
            "/users",
            &token,
            &[("email", "new@contoso.example"), ("role", "reader")],
            "en",
        )
        .await;
        assert_eq!(added.status(), StatusCode::CREATED);
        let revoked = app.delete(&format!("/api/v1/relationships/{relationship}"), &customer.key).await;
        assert!(revoked.status().is_success(), "revoke: {}", revoked.status());

        // The customer's trail.
        let (status, trail) = page(&app, &customer_session, "/audit", "en").await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        let registered = en().a(
            "audit-action-device-batch-finished",
            &[
                ("actor", "Fabrikam Devices".into()),
                ("total", 2.into()),
                ("registered", 2.into()),
                ("unassigned", 0.into()),
                ("failed", 0.into()),
                ("batch", "\u{1}".into()),
            ],
        );
        let (before_link, after_link) = registered.split_once('\u{1}').unwrap();
        let link =
            format!(r#"<a href="/batches/{batch_id}"><code>{}</code></a>"#, &batch_id.replace('-', "")[..8]);
        assert!(
            trail.contains(&format!("{before_link}{link}{after_link}")),
            "no readable batch sentence: {trail}"
        );
        assert!(
            trail.contains(&format!("{customer_email} added the user new@contoso.example as reader")),
            "{trail}"
        );
        assert!(!trail.contains("idempotency_key"), "internal fields are shown: {trail}");
        assert!(!trail.contains("user · ") && !trail.contains("api key · "), "{trail}");
        assert!(trail.contains(r#"id="audit-filters""#));

        // The partner's trail: the customer's acceptance and revocation, by the customer's name.
        let partner_session = ready_session(&app, &partner.org).await;
        let (_, partners) = page(&app, &partner_session, "/audit", "en").await;
        let sides = |tr: Tr, id: &str| {
            tr.a(
                id,
                &[
                    ("actor", "Contoso".into()),
                    ("partner", r#"<a href="/customers">Fabrikam Devices</a>"#.into()),
                    ("customer", r#"<a href="/customers">Contoso</a>"#.into()),
                ],
            )
        };
        assert!(partners.contains(&sides(en(), "audit-action-invitation-accept")), "{partners}");
        assert!(partners.contains(&sides(en(), "audit-action-relationship-revoke")), "{partners}");
        assert!(!partners.contains(&customer_email), "a person of the customer is named to the partner");
        let (_, danish) = page(&app, &partner_session, "/audit", "da").await;
        assert!(danish.contains(&sides(da(), "audit-action-relationship-revoke")), "{danish}");
        assert!(danish.contains(&escaped(&da().t("audit-title"))));

        // Filters: by action, by actor, by days; a malformed date is explained.
        let (_, only_revoke) = page(&app, &customer_session, "/audit?action=relationship.revoke", "en").await;
        assert!(
            only_revoke.contains(">relationship.revoke<") && !only_revoke.contains(">device_batch.finished<")
        );
        let by_partner = format!("/audit?actor=org:{}", partner.id());
        let (_, partners_work) = page(&app, &customer_session, &by_partner, "en").await;
        assert!(
            partners_work.contains(">device_batch.finished<") && !partners_work.contains(">user.create<")
        );
        assert!(
            partners_work.contains(&format!(r#"value="org:{}" selected"#, partner.id())),
            "the choice is kept"
        );
        let (_, long_ago) = page(&app, &customer_session, "/audit?from=2001-01-01&to=2001-01-31", "da").await;
        assert!(long_ago.contains(&escaped(&da().t("audit-none-matching"))), "{long_ago}");
        let (status, bad) = page(&app, &customer_session, "/audit?from=31.12.2025", "en").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(bad.contains("YYYY-MM-DD"), "{bad}");
    }
}

/// The operator opens an organisation from `/orgs`: its users, its relationships with the other
/// side's name (linking to that organisation), its device count and its latest audit events in
/// words; in Danish too. Other organisations cannot open it; an unknown id is not found.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_opens_an_organisation() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn(backend).await else { continue };
        let (partner, customer, _) = partner_and_customer(&app).await;
        register(
            &app,
            &partner.key,
            customer.id(),
            batch_body(ztd_domain::profile::STANDARD_TAG, json_devices(&devices(7401, 3))),
        )
        .await;
        let carla = format!("carla+{}@contoso.example", customer.id().simple());
        app.create_user(customer.id(), &Email::parse(&carla).unwrap(), Role::Admin).await.unwrap();
        let operator = app.create_org(OrgKind::Operator, "Operator").await;
        let session = ready_session(&app, &operator).await;

        let (_, list) = page(&app, &session, "/orgs", "en").await;
        assert!(list.contains(&format!(r#"<a href="/orgs/{}">Contoso</a>"#, customer.id())), "{list}");
        let (status, contoso) = page(&app, &session, &format!("/orgs/{}", customer.id()), "en").await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: {contoso}");
        let devices_text = en().a("org-page-devices-in-tenant", &[("count", 3.into())]);
        assert!(contoso.contains(&devices_text), "{contoso}");
        assert!(
            contoso.contains(&format!(r#"<a href="/orgs/{}">Fabrikam Devices</a>"#, partner.id())),
            "{contoso}"
        );
        assert!(contoso.contains(r#"id="org-users""#) && contoso.contains(&carla), "{contoso}");
        assert!(contoso.contains("Fabrikam Devices registered 3 of 3 devices in batch <code>"), "{contoso}");
        assert!(!contoso.contains(r#"href="/batches/"#), "the operator's page links to no tenant page");
        let (_, fabrikam) = page(&app, &session, &format!("/orgs/{}", partner.id()), "da").await;
        let registered = da().a("org-page-devices-registered", &[("count", 3.into())]);
        assert!(fabrikam.contains(&registered), "{fabrikam}");
        assert!(fabrikam.contains(&escaped(&da().t("org-page-relationships-heading"))));

        // Not for other organisations; an unknown organisation is not found.
        let customer_session = ready_session(&app, &customer.org).await;
        let (status, _) = page(&app, &customer_session, &format!("/orgs/{}", customer.id()), "en").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = page(&app, &session, &format!("/orgs/{}", uuid::Uuid::new_v4()), "en").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

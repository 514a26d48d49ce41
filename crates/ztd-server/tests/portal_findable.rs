//! Finding things again in the portal (issue 14, docs/portal.md#batches and #devices): the
//! batch lists, the device list's search, filters, total and paging both ways, several devices
//! changed at once after a confirmation step, invitations named by customer, a partner's own
//! batches readable (read only) after a revocation, and wording without possessives. On both
//! backends; texts checked in English and Danish where the wording matters.

mod batches_support;
mod portal_support;

use batches_support::{json_devices, partner_center_csv, POWER_USER_TAG, STANDARD_TAG};
use portal_support::*;
use reqwest::header::{COOKIE, LOCATION};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;
use ztd_server::testing::{Backend, TestApp};
use ztd_storage::{OrgKind, Role};

async fn page(app: &TestApp, session: &str, path: &str) -> (StatusCode, String) {
    let response = client().get(app.url(path)).header(COOKIE, session).send().await.expect("GET");
    let status = response.status();
    (status, response.text().await.expect("page text"))
}

/// The `href` of the element with this `id` (an `a` whose `href` follows its `id`).
fn href_of(html: &str, id: &str) -> Option<String> {
    let marker = format!(r#"id="{id}""#);
    let at = html.find(&marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>')?];
    let href = tag.split(r#"href=""#).nth(1)?.split('"').next()?;
    Some(href.replace("&amp;", "&"))
}

/// Registers `devices` for `customer` with `key` (JSON, with an order number) and waits.
async fn register(app: &TestApp, key: &str, customer: Uuid, devices: Vec<Value>, order: &str) -> Value {
    let body = json!({ "group_tag": STANDARD_TAG, "order_number": order, "devices": devices });
    batches_support::register(app, key, customer, body).await
}

async fn device_ids(app: &TestApp, key: &str, customer: Uuid) -> Vec<(String, String)> {
    batches_support::list_all(app, key, customer, "")
        .await
        .iter()
        .map(|device| {
            (device["id"].as_str().unwrap().to_owned(), device["serial_number"].as_str().unwrap().to_owned())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_list_searches_filters_counts_and_pages_both_ways() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn(backend).await else { continue };
        let world = batches_support::connected(&app).await;
        let customer = world.customer.id();
        let own = batches_support::devices(14_501, 103);
        register(&app, &world.customer.key, customer, json_devices(&own), "SO-OWN").await;
        let theirs = batches_support::devices(14_502, 4);
        register(&app, &world.partner.key, customer, json_devices(&theirs), "SO-4711").await;
        let session = ready_session(&app, &world.customer.org).await;
        let base = format!("/customers/{customer}/devices");

        // The total, and paging forward then back to the same first page.
        let (status, first) = page(&app, &session, &base).await;
        assert_eq!(status, StatusCode::OK);
        assert!(first.contains(&en().a("devices-total", &[("count", 107.into())])), "{backend:?}: {first}");
        assert!(href_of(&first, "devices-previous").is_none(), "the first page has none before it");
        let next = href_of(&first, "devices-next").expect("a next page");
        let (_, second) = page(&app, &session, &next).await;
        assert_eq!(second.matches(r#"name="device""#).count(), 7, "100 + 7 devices");
        let previous = href_of(&second, "devices-previous").expect("a page before");
        let (_, back) = page(&app, &session, &previous).await;
        assert_eq!(back.matches(r#"name="device""#).count(), 100);
        assert!(href_of(&back, "devices-previous").is_none(), "back on the first page");
        let first_serial = |html: &str| html.split(r#"<td class="mono""#).nth(1).map(str::to_owned);
        assert_eq!(first_serial(&back), first_serial(&first), "the same first page");

        // Search by serial: the start or the whole serial, upper and lower case alike.
        let target = theirs[2].serial_number.clone();
        let prefix = target[..target.len() - 1].to_lowercase();
        let (_, found) = page(&app, &session, &format!("{base}?q={prefix}")).await;
        assert!(found.contains(&target), "{found}");
        assert!(found.contains(&en().a("devices-total-filtered", &[("count", 1.into())])), "{found}");
        let (_, exact) =
            page(&app, &session, &format!("{base}?q={}&match=exact", target.to_lowercase())).await;
        assert!(
            exact.contains(&target)
                && exact.contains(&en().a("devices-total-filtered", &[("count", 1.into())]))
        );
        let (_, none) = page(&app, &session, &format!("{base}?q={prefix}&match=exact")).await;
        assert!(none.contains(&en().t("devices-none-match")), "a start is not the whole serial: {none}");

        // Filters: order number, profile, state; in Danish too.
        let (_, by_order) = page(&app, &session, &format!("{base}?order=SO-4711")).await;
        assert!(by_order.contains(&en().a("devices-total-filtered", &[("count", 4.into())])), "{by_order}");
        let (_, by_tag) = page(&app, &session, &format!("{base}?group_tag={POWER_USER_TAG}&lang=da")).await;
        assert!(by_tag.contains(&da().t("devices-none-match")), "{by_tag}");
        let (_, danish) = page(&app, &session, &format!("{base}?state=registered&lang=da")).await;
        assert!(danish.contains(&da().a("devices-total-filtered", &[("count", 107.into())])), "{danish}");
        assert!(danish.contains(&da().t("devices-search")) && danish.contains("107 enheder passer"));

        // A partner finds only what it registered.
        let partner_session = ready_session(&app, &world.partner.org).await;
        let (_, partner_page) = page(&app, &partner_session, &base).await;
        assert!(partner_page.contains(&en().a("devices-total", &[("count", 4.into())])), "{partner_page}");
        assert!(!partner_page.contains(&own[0].serial_number));

        // A cursor nobody gave out is refused readably.
        let (status, _) = page(&app, &session, &format!("{base}?cursor=x1")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
}

async fn post_bulk(
    app: &TestApp,
    session: &str,
    customer: Uuid,
    fields: &[(&str, String)],
) -> (StatusCode, String) {
    let token = page_csrf(app, session, &format!("/customers/{customer}/devices")).await;
    let mut form: Vec<(&str, String)> = vec![("csrf_token", token)];
    form.extend(fields.iter().cloned());
    let response = client()
        .post(app.url(&format!("/customers/{customer}/devices/bulk")))
        .header(COOKIE, session)
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_devices_change_profile_or_leave_after_a_confirmation() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn(backend).await else { continue };
        let world = batches_support::connected(&app).await;
        let customer = world.customer.id();
        register(
            &app,
            &world.customer.key,
            customer,
            json_devices(&batches_support::devices(14_511, 3)),
            "SO-1",
        )
        .await;
        let devices = device_ids(&app, &world.customer.key, customer).await;
        // A device of another customer, named by a tampered form: refused, never touched.
        let stranger = app.org_with_key(OrgKind::Customer, Role::Admin).await;
        register(&app, &stranger.key, stranger.id(), json_devices(&batches_support::devices(14_512, 1)), "X")
            .await;
        let foreign = device_ids(&app, &stranger.key, stranger.id()).await.remove(0);
        let session = ready_session(&app, &world.customer.org).await;

        let chosen = [&devices[0], &devices[1], &foreign];
        let mut fields: Vec<(&str, String)> = chosen.iter().map(|(id, _)| ("device", id.clone())).collect();
        fields.push(("action", "retag".into()));
        fields.push(("group_tag", POWER_USER_TAG.into()));
        fields.push(("step", "confirm".into()));
        let (status, confirm) = post_bulk(&app, &session, customer, &fields).await;
        assert_eq!(status, StatusCode::OK, "{confirm}");
        assert!(confirm.contains(r#"id="bulk-preview""#) && confirm.contains(r#"id="bulk-confirm""#));
        assert!(confirm.contains(&devices[0].1) && confirm.contains(&devices[1].1));
        assert!(confirm.contains(&en().a("devices-bulk-confirm-retag", &[("count", 2.into())])), "{confirm}");
        assert!(confirm.contains(r#"id="bulk-left-out""#) && confirm.contains(&foreign.0), "{confirm}");
        let tag_of = |id: String| {
            let app = &app;
            let key = world.customer.key.clone();
            async move {
                let device: Value =
                    app.get(&format!("/api/v1/devices/{id}"), &key).await.json().await.unwrap();
                device["group_tag"].as_str().map(str::to_owned)
            }
        };
        assert_eq!(
            tag_of(devices[0].0.clone()).await.as_deref(),
            Some(STANDARD_TAG),
            "nothing changes before the confirmation"
        );

        // Confirmed (the stranger's id still in the form): two changed, one refused and why.
        let applied: Vec<(&str, String)> = fields
            .iter()
            .map(
                |(name, value)| {
                    if *name == "step" {
                        (*name, "apply".to_owned())
                    } else {
                        (*name, value.clone())
                    }
                },
            )
            .collect();
        let (status, done) = post_bulk(&app, &session, customer, &applied).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        let title = en().a("devices-bulk-done-title", &[("changed", 2.into()), ("refused", 1.into())]);
        assert!(done.contains(&title), "{done}");
        assert!(done.contains(r#"id="bulk-refused""#) && done.contains("not_found"), "{done}");
        assert_eq!(tag_of(devices[0].0.clone()).await.as_deref(), Some(POWER_USER_TAG));
        assert_eq!(tag_of(devices[1].0.clone()).await.as_deref(), Some(POWER_USER_TAG));
        assert_eq!(tag_of(devices[2].0.clone()).await.as_deref(), Some(STANDARD_TAG), "not selected");
        let foreign_device: Value =
            app.get(&format!("/api/v1/devices/{}", foreign.0), &stranger.key).await.json().await.unwrap();
        assert_eq!(foreign_device["group_tag"], STANDARD_TAG, "another tenant's device is never changed");

        // Deregistering in Danish: the confirmation, then the device gone.
        let fields = vec![
            ("device", devices[2].0.clone()),
            ("action", "deregister".to_owned()),
            ("group_tag", String::new()),
            ("step", "apply".to_owned()),
        ];
        let token = page_csrf(&app, &session, &format!("/customers/{customer}/devices?lang=da")).await;
        let mut form = vec![("csrf_token", token)];
        form.extend(fields);
        let response = client()
            .post(app.url(&format!("/customers/{customer}/devices/bulk")))
            .header(COOKIE, format!("{session}; ztd_lang=da"))
            .form(&form)
            .send()
            .await
            .unwrap();
        let done = response.text().await.unwrap();
        assert!(
            done.contains(
                &da().a("devices-bulk-done-title", &[("changed", 1.into()), ("refused", 0.into())])
            ),
            "{done}"
        );
        assert!(done.contains(&da().t("device-state-deregistered")), "{done}");
        let gone: Value = app
            .get(&format!("/api/v1/devices/{}", devices[2].0), &world.customer.key)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(gone["state"], "deregistered");

        // Nothing selected: said so; no token: refused.
        let (status, empty) =
            post_bulk(&app, &session, customer, &[("action", "retag".into()), ("step", "confirm".into())])
                .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.contains(&en().t("devices-bulk-none-selected")));
        let forged = client()
            .post(app.url(&format!("/customers/{customer}/devices/bulk")))
            .header(COOKIE, &session)
            .form(&[("device", devices[0].0.as_str()), ("action", "deregister"), ("step", "apply")])
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        assert_eq!(tag_of(devices[0].0.clone()).await.as_deref(), Some(POWER_USER_TAG), "still registered");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_lists_say_who_when_what_and_stay_readable_after_a_revocation() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn(backend).await else { continue };
        let world = batches_support::connected(&app).await;
        let customer = world.customer.id();
        let partner_batch = register(
            &app,
            &world.partner.key,
            customer,
            json_devices(&batches_support::devices(14_521, 2)),
            "SO-77",
        )
        .await;
        let partner_batch = partner_batch["id"].as_str().unwrap().to_owned();
        let session = ready_session(&app, &world.customer.org).await;
        let csv = partner_center_csv(&batches_support::devices(14_522, 3));
        let uploaded = post_upload(&app, &session, customer, &csv, &[]).await;
        assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
        let own_batch =
            uploaded.headers()[LOCATION].to_str().unwrap().trim_start_matches("/batches/").to_owned();
        batches_support::wait_finished(&app, &world.customer.key, &own_batch).await;

        // The customer: every batch of its tenant, whoever sent it, from the menu and its devices.
        let (status, listed) = page(&app, &session, "/batches").await;
        assert_eq!(status, StatusCode::OK, "{listed}");
        for expected in [
            format!("/batches/{partner_batch}"),
            format!("/batches/{own_batch}"),
            "devices.csv".to_owned(),
            "SO-77".to_owned(),
            "test admin".to_owned(),
            world.partner.org.name.clone(),
            format!("admin+{}@example.com", world.customer.org.id.simple()),
            en().t("batches-status-finished"),
        ] {
            assert!(listed.contains(&expected), "{backend:?}: {expected} missing in {listed}");
        }
        assert!(
            listed.find(&format!("/batches/{own_batch}")) < listed.find(&format!("/batches/{partner_batch}")),
            "newest first"
        );
        assert!(listed.contains(r#"href="/batches" aria-current="page""#), "the menu links the list");
        let (_, devices) = page(&app, &session, &format!("/customers/{customer}/devices")).await;
        assert_eq!(href_of(&devices, "devices-batches"), Some(format!("/customers/{customer}/batches")));
        let (_, danish) = page(&app, &session, &format!("/customers/{customer}/batches?lang=da")).await;
        assert!(
            danish.contains(&da().t("batches-status-finished")) && danish.contains(&da().t("batches-col-by"))
        );
        assert!(danish.contains(&format!("/batches/{partner_batch}")));

        // The partner: its own batches only, with the customer named.
        let partner_session = ready_session(&app, &world.partner.org).await;
        let (_, theirs) = page(&app, &partner_session, "/batches").await;
        assert!(
            theirs.contains(&format!("/batches/{partner_batch}")) && !theirs.contains(&own_batch),
            "{theirs}"
        );
        assert!(theirs.contains(&world.customer.org.name));
        let (_, active) = page(&app, &partner_session, &format!("/batches/{partner_batch}")).await;
        let devices_link = format!(r#"href="/customers/{customer}/devices""#);
        assert!(active.contains(r#"id="void-batch""#) && active.contains(&devices_link), "{active}");
        assert!(!active.contains(r#"id="batch-read-only""#));

        // The customer revokes: the partner still reads its batches, and changes nothing.
        let revoked = app
            .delete(&format!("/api/v1/relationships/{}", world.relationship_id), &world.customer.key)
            .await;
        assert_eq!(revoked.status(), 204);
        let (status, after) = page(&app, &partner_session, "/batches").await;
        assert_eq!(status, StatusCode::OK);
        assert!(after.contains(&format!("/batches/{partner_batch}")));
        let (status, one_customer) =
            page(&app, &partner_session, &format!("/customers/{customer}/batches")).await;
        assert_eq!(status, StatusCode::OK, "{one_customer}");
        let note = en().a("batches-revoked-note", &[("customer", world.customer.org.name.as_str().into())]);
        assert!(one_customer.contains(&note), "{one_customer}");
        let (status, batch_page) = page(&app, &partner_session, &format!("/batches/{partner_batch}")).await;
        assert_eq!(status, StatusCode::OK, "the batch page stays readable: {batch_page}");
        assert!(batch_page.contains(r#"id="batch-read-only""#) && batch_page.contains(&note), "{batch_page}");
        assert!(
            !batch_page.contains(r#"id="void-batch""#) && !batch_page.contains(&devices_link),
            "no links that would answer not found: {batch_page}"
        );
        assert!(!batch_page.contains(&format!("/customers/{customer}/add-devices")));
        let api = app.get(&format!("/api/v1/device-batches/{partner_batch}"), &world.partner.key).await;
        assert_eq!(api.status(), 200, "the API's batch GET too");
        let void = app
            .post(&format!("/api/v1/device-batches/{partner_batch}/void"), &world.partner.key, &json!({}))
            .await;
        assert_eq!(void.status(), 404, "voiding needs consent");
        let body = json!({ "group_tag": STANDARD_TAG, "devices": json_devices(&batches_support::devices(14_523, 1)) });
        let again = app.post(&batches_support::batches_path(customer), &world.partner.key, &body).await;
        assert_eq!(again.status(), 403, "registering needs consent");
        let (status, _) = page(&app, &partner_session, &format!("/customers/{customer}/devices")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the devices are the customer's alone now");

        // A partner that never worked for the customer learns nothing.
        let other = app.org_with_key(OrgKind::Partner, Role::Admin).await;
        let other_session = ready_session(&app, &other.org).await;
        let (status, _) = page(&app, &other_session, &format!("/customers/{customer}/batches")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = page(&app, &other_session, &format!("/batches/{partner_batch}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let stranger = app.get(&format!("/api/v1/device-batches/{partner_batch}"), &other.key).await;
        assert_eq!(stranger.status(), 404);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_name_the_customer_once_it_accepts() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn(backend).await else { continue };
        let partner = app.org_with_key(OrgKind::Partner, Role::Admin).await;
        let customer = app.org_with_key(OrgKind::Customer, Role::Admin).await;
        let created =
            app.post("/api/v1/invitations", &partner.key, &json!({ "customer_id": customer.id() })).await;
        let token = created.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
        let session = ready_session(&app, &partner.org).await;
        let (_, before) = page(&app, &session, "/customers").await;
        assert!(before.contains(&en().t("invitation-customer-unconnected")), "{before}");
        assert!(!before.contains(&customer.org.name), "no name before consent: {before}");
        let (_, danish) = page(&app, &session, "/customers?lang=da").await;
        assert!(danish.contains(&da().t("invitation-customer-unconnected")), "{danish}");

        let accepted =
            app.post(&format!("/api/v1/invitations/{token}/accept"), &customer.key, &json!({})).await;
        assert_eq!(accepted.status(), 201);
        let (_, after) = page(&app, &session, "/customers").await;
        let invitations = after.split(r#"id="invitations""#).nth(1).expect("the invitation table");
        assert!(invitations.contains(&customer.org.name), "{invitations}");
        assert!(!invitations.contains(&customer.id().to_string()), "no internal id: {invitations}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_names_the_partner_without_a_possessive() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let world = batches_support::connected(&app).await;
    let session = ready_session(&app, &world.customer.org).await;
    let path = format!("/relationships/{}/revoke", world.relationship_id);
    let partner = world.partner.org.name.as_str();
    for tr in [en(), da()] {
        let (status, html) = page(&app, &session, &format!("{path}?lang={}", tr.tag())).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&tr.a("revoke-question", &[("other", partner.into())])), "{html}");
        assert!(!html.contains(&format!("{partner}'s")) && !html.contains(&format!("{partner}s ")), "{html}");
        assert!(html.contains(r#"id="revoke-form""#));
    }
    // The device page, and the profiles, in Danish.
    let (_, profiles) =
        page(&app, &session, &format!("/customers/{}/profiles?lang=da", world.customer.id())).await;
    assert!(profiles
        .contains(&da().a("profiles-title", &[("customer", world.customer.org.name.as_str().into())])));
    assert!(profiles.contains(&da().t("profiles-built-in")));
}

//! Repair in the browser (docs/portal.md#repair-in-the-browser), over plain HTTP on both
//! backends: a UTF-16 file from PowerShell, a semicolon file and 400 rows with trailing spaces
//! are refused with their problems grouped by kind, kept as a draft, offered repaired (download
//! and "Repair and check again") and registered once repaired; the problems download as CSV;
//! the draft is its person's only. The Add devices page speaks the browser's language.

mod batches_support;
mod portal_support;

use portal_support::*;
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::StatusCode;
use ztd_domain::csv::{self, Format, ReadOptions};
use ztd_domain::profile::STANDARD_TAG;
use ztd_server::testing::{Backend, TestApp};
use ztd_storage::OrgKind;

/// Posts the Add devices form with `bytes` as the file, in the language `lang`.
async fn upload(
    app: &TestApp,
    session: &str,
    org: uuid::Uuid,
    name: &str,
    bytes: &[u8],
    lang: &str,
) -> reqwest::Response {
    let token = page_csrf(app, session, &format!("/customers/{org}/add-devices")).await;
    let boundary = "ztd-repair-boundary-51e0";
    let mut body = Vec::new();
    for (field, value) in [("csrf_token", token.as_str()), ("group_tag", STANDARD_TAG)] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    client()
        .post(app.url(&format!("/customers/{org}/add-devices")))
        .header(COOKIE, session)
        .header(ACCEPT_LANGUAGE, lang)
        .header(CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The value of attribute `name` of the element with `id="{id}"`.
fn attribute(html: &str, id: &str, name: &str) -> String {
    let at = html.find(&format!(r#"id="{id}""#)).unwrap_or_else(|| panic!("no #{id} in {html}"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    let tag = &html[start..end];
    let key = format!(r#"{name}=""#);
    let value = tag.find(&key).unwrap_or_else(|| panic!("no {name} in {tag}")) + key.len();
    html_unescape(&tag[value..value + tag[value..].find('"').unwrap()])
}

fn html_unescape(text: &str) -> String {
    text.replace("&amp;", "&").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
}

/// The action of the repair form (the form holding `#repair-and-check`).
fn repair_action(html: &str) -> String {
    let at = html.find(r#"id="repair-and-check""#).expect("the repair button");
    let form = html[..at].rfind("<form").unwrap();
    let action = form + html[form..].find(r#"action=""#).unwrap() + r#"action=""#.len();
    html[action..action + html[action..].find('"').unwrap()].to_owned()
}

/// Presses "Repair and check again": the hidden fields of its form, posted.
async fn press_repair(app: &TestApp, session: &str, html: &str, lang: &str) -> reqwest::Response {
    let at = html.find(r#"id="repair-and-check""#).unwrap();
    let form_start = html[..at].rfind("<form").unwrap();
    let form = &html[form_start..form_start + html[form_start..].find("</form>").unwrap()];
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(input) = rest.find("<input") {
        let end = input + rest[input..].find('>').unwrap();
        let tag = &rest[input..end];
        let get = |key: &str| {
            let key = format!(r#"{key}=""#);
            tag.find(&key).map(|at| {
                html_unescape(&tag[at + key.len()..at + key.len() + tag[at + key.len()..].find('"').unwrap()])
            })
        };
        if let (Some(name), Some(value)) = (get("name"), get("value")) {
            fields.push((name, value));
        }
        rest = &rest[end..];
    }
    client()
        .post(app.url(&repair_action(html)))
        .header(COOKIE, session)
        .header(ACCEPT_LANGUAGE, lang)
        .form(&fields)
        .send()
        .await
        .unwrap()
}

/// Follows a batch page until the workers are done; returns its HTML.
async fn finished_batch(app: &TestApp, session: &str, path: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let page =
            client().get(app.url(path)).header(COOKIE, session).send().await.unwrap().text().await.unwrap();
        if !page.contains(r#"http-equiv="refresh""#) || std::time::Instant::now() > deadline {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

fn registered(page: &str) -> String {
    let at = page.find(r#"id="count-registered""#).expect("the registered count");
    let start = at + page[at..].find('>').unwrap() + 1;
    page[start..start + page[start..].find('<').unwrap()].to_owned()
}

/// Repairs the refused `html` and follows the batch to its end; returns the registered count.
async fn repair_and_register(app: &TestApp, session: &str, html: &str, lang: &str) -> String {
    let repaired = press_repair(app, session, html, lang).await;
    assert_eq!(repaired.status(), StatusCode::SEE_OTHER, "{}", repaired.text().await.unwrap());
    let batch = repaired.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(batch.starts_with("/batches/"), "{batch}");
    registered(&finished_batch(app, session, &batch).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_the_cli_would_fix_are_repaired_in_the_browser_and_registered() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(app) = TestApp::spawn(backend).await else { continue };
        let org = app.create_org(OrgKind::Customer, "Reparation ApS").await;
        let session = ready_session(&app, &org).await;
        let devices = batches_support::devices(5150, 410);

        // 1. PowerShell 5's Out-File: UTF-16LE with a byte-order mark, in Danish.
        let rows: Vec<_> = devices[..3].iter().map(|device| (device, STANDARD_TAG)).collect();
        let text = batches_support::intune_csv(&rows);
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let refused = upload(&app, &session, org.id, "powershell.csv", &utf16, "da").await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text().await.unwrap();
        assert!(html.contains(r#"<html lang="da">"#));
        assert!(html.contains(&da().t("csv-utf16-encoding-title")), "{html}");
        assert!(html.contains(&da().t("add-devices-repair-button")), "{html}");
        assert!(!html.contains(&en().t("add-devices-repair-button")), "English left in the Danish page");
        let form_at = html.find(r#"id="upload-form""#).unwrap();
        let result_at = html.find(r#"id="upload-result""#).unwrap();
        assert!(form_at < result_at, "the upload form stays at the top of the page");
        // The repaired file, downloaded: ASCII, the same rows.
        let download = attribute(&html, "download-repaired", "href");
        let file = client().get(app.url(&download)).header(COOKIE, &session).send().await.unwrap();
        assert_eq!(file.status(), StatusCode::OK);
        assert!(file.headers()["content-disposition"].to_str().unwrap().contains("powershell-repaired.csv"));
        let bytes = file.bytes().await.unwrap();
        assert!(bytes.is_ascii(), "the repaired file is ASCII");
        let (summary, problems) = csv::check(&bytes[..], ReadOptions::default()).unwrap();
        assert_eq!(
            (summary.format, summary.rows, problems.len()),
            (Some(Format::Intune), 3, 0),
            "{problems:?}"
        );
        // Nobody else reaches the draft.
        let stranger_org = app.create_org(OrgKind::Customer, "Fremmed A/S").await;
        let stranger = ready_session(&app, &stranger_org).await;
        let refused = client().get(app.url(&download)).header(COOKIE, &stranger).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::NOT_FOUND, "another organisation reads the draft");
        let count = repair_and_register(&app, &session, &html, "da").await;
        assert_eq!(count, "3");

        // 2. A Danish spreadsheet's "CSV (semikolonsepareret)": semicolons between the values.
        let text = batches_support::partner_center_csv(&devices[3..6]).replace(',', ";");
        let refused = upload(&app, &session, org.id, "semikolon.csv", text.as_bytes(), "en").await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text().await.unwrap();
        assert!(html.contains(r#"id="problems-semicolon-separated""#), "{html}");
        assert!(html.contains(&en().t("csv-semicolon-separated-title")), "{html}");
        assert!(html.contains(r#"id="repair-changes""#), "the repairs are listed: {html}");
        assert_eq!(repair_and_register(&app, &session, &html, "en").await, "3");

        // 3. 400 rows with trailing spaces: one group of 400, five shown, all downloadable.
        let rows: Vec<_> = devices[6..406].iter().map(|device| (device, STANDARD_TAG)).collect();
        let text: String = batches_support::intune_csv(&rows)
            .split_inclusive("\r\n")
            .enumerate()
            .map(|(index, line)| if index == 0 { line.to_owned() } else { line.replacen(',', " ,", 1) })
            .collect();
        let refused = upload(&app, &session, org.id, "spaces.csv", text.as_bytes(), "en").await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text().await.unwrap();
        assert!(
            html.contains(
                &en().a("add-devices-refused", &[("count", 400.into()), ("file", "spaces.csv".into())])
            ),
            "{html}"
        );
        let group = &html[html.find(r#"id="problems-leading-trailing-whitespace""#).expect("the group")..];
        assert!(group.contains(&en().a("add-devices-kind-count", &[("count", 400.into())])), "{group}");
        assert!(group.contains(&en().a("add-devices-kind-more", &[("count", 395.into())])));
        let shown = &group[..group.find("<details").expect("the rest folded away")];
        assert_eq!(shown.matches("<tr>").count(), 1 + 5, "a header and five problems before the fold");
        let problems = attribute(&html, "download-problems", "href");
        let list = client().get(app.url(&problems)).header(COOKIE, &session).send().await.unwrap();
        assert_eq!(list.status(), StatusCode::OK);
        let list = list.text().await.unwrap();
        let lines: Vec<&str> = list.lines().collect();
        assert_eq!(lines.len(), 401, "a header and every problem");
        assert!(lines[1].starts_with("2,1,Device Serial Number,"), "{}", lines[1]);
        assert!(lines[1].contains("leading_trailing_whitespace"), "{}", lines[1]);
        assert_eq!(repair_and_register(&app, &session, &html, "en").await, "400");

        // Once registered, nothing more: a problem-free upload makes no draft.
        let listed =
            session_json(&app, &session, &format!("/api/v1/customers/{}/devices?limit=1", org.id)).await;
        assert!(listed["devices"].as_array().is_some_and(|devices| devices.len() == 1), "{listed}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_that_is_gone_is_explained_and_problems_without_a_repair_say_so() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let org = app.create_org(OrgKind::Customer, "Udløbet ApS").await;
    let session = ready_session(&app, &org).await;
    // A row with too few values: nothing `fix` may repair.
    let device = &batches_support::devices(77, 1)[0];
    let text = format!(
        "Device Serial Number,Windows Product ID,Hardware Hash\r\n{},{}\r\n",
        device.serial_number, device.hardware_hash
    );
    let refused = upload(&app, &session, org.id, "short.csv", text.as_bytes(), "da").await;
    let html = refused.text().await.unwrap();
    assert!(html.contains(&da().t("add-devices-repair-nothing")), "{html}");
    assert!(!html.contains(r#"id="repair-and-check""#));
    assert!(html.contains(&da().t("csv-wrong-column-count-title")), "{html}");

    // An unknown draft: the form again, saying the upload is no longer kept.
    let token = page_csrf(&app, &session, &format!("/customers/{}/add-devices", org.id)).await;
    let gone = client()
        .post(app.url(&format!("/customers/{}/add-devices/drafts/{}/repair", org.id, uuid::Uuid::new_v4())))
        .header(COOKIE, &session)
        .form(&[("csrf_token", token.as_str()), ("group_tag", STANDARD_TAG)])
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::GONE);
    let page = gone.text().await.unwrap();
    assert!(page.contains("upload_draft_expired") && page.contains(r#"id="upload-form""#), "{page}");
}

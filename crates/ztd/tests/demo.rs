//! `ztd demo`: fills an empty database (and only an empty one) with people, consent, profiles
//! and devices that the batch workers then register.

mod server_process;

use std::time::{Duration, Instant};

use ztd_server::config::Config;
use ztd_storage::{DeviceFilter, OrgKind, Owner};

fn demo(database_url: &str) -> std::process::Output {
    server_process::ztd()
        .args(["demo", "--no-serve", "--devices", "20", "--database-url", database_url])
        .env_remove("ZTD_DATABASE_URL")
        .output()
        .expect("run ztd demo")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_fills_an_empty_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());

    let first = demo(&url);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(first.status.success(), "ztd demo failed: {}\n{stdout}", String::from_utf8_lossy(&first.stderr));
    for email in
        ["admin@localhost", "pat@fabrikam.example", "carla@contoso.example", "nina@northwind.example"]
    {
        assert!(stdout.contains(email), "the sign-in of {email} is printed:\n{stdout}");
    }
    assert!(stdout.contains("/invitations/ztdinv_"), "the open invitation link is printed:\n{stdout}");

    let second = demo(&url);
    assert_eq!(second.status.code(), Some(2), "a second run must refuse");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("is not empty") && stderr.contains("--database-url"),
        "the refusal says why and what to do:\n{stderr}"
    );

    let db = ztd_storage::connect_any(&url).await.unwrap();
    let orgs = db.list_orgs().await.unwrap();
    assert_eq!(orgs.len(), 4, "operator, partner and two customers: {orgs:?}");
    let org =
        |name: &str| orgs.iter().find(|org| org.name == name).unwrap_or_else(|| panic!("no {name}")).clone();
    let (partner, contoso, northwind) = (org("Fabrikam Devices"), org("Contoso"), org("Northwind Traders"));
    assert_eq!(partner.kind, OrgKind::Partner);
    assert!(db.find_active_relationship(partner.id, contoso.id).await.unwrap().is_some(), "Contoso accepted");
    assert!(
        db.find_active_relationship(partner.id, northwind.id).await.unwrap().is_none(),
        "Northwind did not"
    );
    assert!(db.list_profiles(contoso.id).await.unwrap().iter().any(|p| p.group_tag == "ContosoKiosk_"));

    // The queued batches register every device once the server's workers run (`ztd serve`).
    let config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: url.clone(),
        workers: 1,
        ..Config::default()
    };
    let state = ztd_server::AppState::new(db.clone(), config, ztd_server::observability::metrics_handle());
    let server = ztd_server::server::start(state).await.expect("serve the demo database");
    let deadline = Instant::now() + Duration::from_secs(30);
    let (contoso_count, northwind_count) = loop {
        let contoso_count = db
            .list_devices(&Owner::Customer(contoso.id), contoso.id, &DeviceFilter::default(), None, 1000)
            .await
            .unwrap()
            .items
            .len();
        let northwind_count = db
            .list_devices(&Owner::Customer(northwind.id), northwind.id, &DeviceFilter::default(), None, 1000)
            .await
            .unwrap()
            .items
            .len();
        if (contoso_count, northwind_count) == (20, 5) || Instant::now() > deadline {
            break (contoso_count, northwind_count);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    server.stop().await.expect("the server stops");
    assert_eq!((contoso_count, northwind_count), (20, 5), "every generated device is registered");
}

//! `ztd admin` (docs/domain.md#command-line) on a new SQLite file and on a fresh PostgreSQL
//! database: the JSON it documents, the database created and migrated when new, errors naming
//! the bad value.

mod server_process;

use std::process::{Command, Output};

use serde_json::Value;
use server_process::ztd;
use ztd_storage::{OrgKind, Role};

/// `ztd <args>` with the database given the way operators usually do, in `ZTD_DATABASE_URL`.
fn ztd_on(database_url: &str, args: &[&str]) -> Output {
    ztd().args(args).env("ZTD_DATABASE_URL", database_url).output().expect("run the ztd binary")
}

fn json_of(output: &Output) -> Value {
    assert!(output.status.success(), "failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {}", String::from_utf8_lossy(&output.stdout)))
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().expect("an object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

async fn admin_commands(database_url: &str) {
    // create-org on a database that does not exist yet.
    let org = json_of(&ztd_on(
        database_url,
        &["admin", "create-org", "--kind", "partner", "--name", "Fabrikam", "--json"],
    ));
    assert_eq!(keys(&org), ["id"]);
    let org_id = org["id"].as_str().unwrap().to_owned();

    let user = json_of(&ztd_on(
        database_url,
        &[
            "admin",
            "create-user",
            "--org",
            &org_id,
            "--email",
            "Ops@Fabrikam.example",
            "--role",
            "admin",
            "--json",
        ],
    ));
    assert_eq!(keys(&user), ["id", "password"]);
    let password = user["password"].as_str().unwrap();
    assert!(password.len() >= 16, "{password}");

    let key = json_of(&ztd_on(
        database_url,
        &[
            "admin",
            "create-api-key",
            "--org",
            &org_id,
            "--role",
            "registrar",
            "--name",
            "factory line 3",
            "--expires-in-days",
            "30",
            "--json",
        ],
    ));
    assert_eq!(keys(&key), ["expires_at", "id", "key"]);
    let secret = key["key"].as_str().unwrap();
    assert!(secret.starts_with("ztd_"), "{secret}");

    // What the commands wrote, read back through the storage layer.
    let db = ztd_storage::connect_any(database_url).await.expect("open the database the CLI made");
    let stored_org = db.get_org(org_id.parse().unwrap()).await.unwrap();
    assert_eq!((stored_org.kind, stored_org.name.as_str()), (OrgKind::Partner, "Fabrikam"));
    let stored_user = db.find_user_by_email("ops@fabrikam.example").await.unwrap();
    let stored_key = db.list_api_keys(stored_org.id).await.unwrap().into_iter().next().expect("the key");
    let lifetime = stored_key.expires_at.expect("an expiry") - stored_key.created_at;
    assert_eq!(lifetime.num_days(), 30, "--expires-in-days 30");
    assert!(key["expires_at"]
        .as_str()
        .is_some_and(|at| at.starts_with(&stored_key.expires_at.unwrap().format("%Y-%m-%d").to_string())));
    assert_eq!(stored_user.id.to_string(), user["id"].as_str().unwrap());
    assert_eq!(stored_user.role, Role::Admin);
    assert!(stored_user.must_change_password);
    assert!(ztd_server::auth::verify_password(password, &stored_user.password_hash));
    let stored_key = db.find_api_key_by_hash(&ztd_server::auth::hash_token(secret)).await.unwrap();
    assert_eq!(
        (stored_key.id.to_string().as_str(), stored_key.role),
        (key["id"].as_str().unwrap(), Role::Registrar)
    );
    assert_ne!(stored_key.key_hash, secret, "only the hash is stored");

    // Operator organisations for bootstrapping, and a customer gets its built-in profiles.
    let operator = json_of(&ztd_on(
        database_url,
        &["admin", "create-org", "--kind", "operator", "--name", "Ops", "--json"],
    ));
    assert!(operator["id"].is_string());
    let customer = json_of(&ztd_on(
        database_url,
        &[
            "admin",
            "create-org",
            "--kind",
            "customer",
            "--name",
            "Contoso",
            "--domain",
            "contoso.com",
            "--json",
        ],
    ));
    let profiles = db.list_profiles(customer["id"].as_str().unwrap().parse().unwrap()).await.unwrap();
    assert_eq!(profiles.len(), 3);

    // Plain text without --json.
    let text = ztd_on(database_url, &["admin", "create-org", "--kind", "oem", "--name", "Northwind"]);
    assert!(text.status.success());
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(stdout.starts_with("created oem organisation \"Northwind\": "), "{stdout}");

    // Errors name the bad value and what would be accepted; exit code 2.
    let bad_role = ztd_on(
        database_url,
        &["admin", "create-user", "--org", &org_id, "--email", "x@y.z", "--role", "boss"],
    );
    assert_eq!(bad_role.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad_role.stderr);
    assert!(stderr.contains("\"boss\" is not a role; use admin, registrar or reader"), "{stderr}");
    let missing_org = "00000000-0000-4000-8000-000000000000";
    let no_org = ztd_on(
        database_url,
        &["admin", "create-api-key", "--org", missing_org, "--role", "reader", "--name", "k"],
    );
    assert_eq!(no_org.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&no_org.stderr).contains(&format!("no organisation with id {missing_org}"))
    );
    let taken = ztd_on(
        database_url,
        &["admin", "create-user", "--org", &org_id, "--email", "ops@fabrikam.example", "--role", "reader"],
    );
    assert_eq!(taken.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&taken.stderr).contains("already exists"));

    // reset-password: a new one-time password, shown once.
    let reset = json_of(&ztd_on(
        database_url,
        &["admin", "reset-password", "--email", "ops@fabrikam.example", "--json"],
    ));
    assert_eq!(keys(&reset), ["id", "password"]);
    assert_ne!(reset["password"].as_str().unwrap(), password, "the same one-time password again");

    // disable-user: once; a second time or an unknown email is a missing user.
    let disabled = json_of(&ztd_on(
        database_url,
        &["admin", "disable-user", "--email", "ops@fabrikam.example", "--json"],
    ));
    assert_eq!(disabled["disabled"], true, "{disabled}");
    for email in ["ops@fabrikam.example", "nobody@fabrikam.example"] {
        let missing = ztd_on(database_url, &["admin", "disable-user", "--email", email]);
        assert_eq!(missing.status.code(), Some(2), "{email}");
    }

    // enable-user: the disabled user is back; a user not disabled is a missing one.
    let enabled = json_of(&ztd_on(
        database_url,
        &["admin", "enable-user", "--email", "ops@fabrikam.example", "--json"],
    ));
    assert_eq!((enabled["id"].clone(), enabled["enabled"].clone()), (disabled["id"].clone(), true.into()));
    let again = ztd_on(database_url, &["admin", "enable-user", "--email", "ops@fabrikam.example"]);
    assert_eq!(again.status.code(), Some(2), "an enabled user cannot be enabled again");
    assert!(String::from_utf8_lossy(&again.stderr).contains("ops@fabrikam.example"));

    // set-role: the operator may change even an only admin's role; a bad role names itself.
    let set = |role: &str| {
        ztd_on(
            database_url,
            &["admin", "set-role", "--email", "ops@fabrikam.example", "--role", role, "--json"],
        )
    };
    let reader = json_of(&set("reader"));
    assert_eq!((reader["id"].clone(), reader["role"].clone()), (disabled["id"].clone(), "reader".into()));
    let text =
        ztd_on(database_url, &["admin", "set-role", "--email", "ops@fabrikam.example", "--role", "admin"]);
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(stdout.contains("is now admin (was reader)"), "{stdout}");
    let bad = set("owner");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("\"owner\" is not a role"));
}

#[tokio::test]
async fn admin_commands_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    // A directory that does not exist yet: the CLI creates it, the file and the schema.
    let url = format!("sqlite://{}", dir.path().join("new/ztd.db").display());
    admin_commands(&url).await;
}

#[tokio::test]
async fn admin_commands_on_postgres() {
    let Some(url) = ztd_storage::testing::fresh_postgres_url().await else { return };
    admin_commands(&url).await;
    ztd_storage::testing::drop_postgres_database(&url).await;
}

/// `ztd serve` on a new database prints how the first operator signs in (once), serves, and
/// stops cleanly on SIGTERM.
#[cfg(unix)]
#[tokio::test]
async fn serve_prints_the_first_sign_in_once_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ztd.db").display());
    let start = || {
        ztd()
            .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json", "--workers", "1"])
            .args(["--operator-email", "ops@example.com"])
            .env("ZTD_DATABASE_URL", &url)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ztd serve")
    };

    // Reads the JSON log until the "listening" line; returns the address.
    fn listening(stderr: &mut BufReader<std::process::ChildStderr>) -> String {
        let mut line = String::new();
        loop {
            line.clear();
            assert!(stderr.read_line(&mut line).unwrap() > 0, "ztd serve exited before listening");
            let Ok(event) = serde_json::from_str::<Value>(&line) else { continue };
            if event["message"] == "listening" {
                return event["addr"].as_str().expect("the address").to_owned();
            }
        }
    }

    fn stop(child: &mut std::process::Child) -> std::process::ExitStatus {
        let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(killed.success());
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "ztd serve ignored SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    let mut first = start();
    let mut stderr = BufReader::new(first.stderr.take().unwrap());
    let addr = listening(&mut stderr);
    let health = reqwest::get(format!("http://{addr}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(stop(&mut first).success());
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("\"stopped\""), "no clean stop in the log: {rest}");
    let mut stdout = String::new();
    first.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    assert!(stdout.contains("email:    ops@example.com"), "{stdout}");
    let password = stdout
        .lines()
        .find_map(|line| line.trim().strip_prefix("password: "))
        .unwrap_or_else(|| panic!("no password in {stdout}"))
        .trim()
        .to_owned();
    assert!(stdout.contains("ztd admin create-api-key --org "), "{stdout}");

    // The printed password signs in the operator's admin.
    let db = ztd_storage::connect_any(&url).await.unwrap();
    let admin = db.find_user_by_email("ops@example.com").await.unwrap();
    assert!(ztd_server::auth::verify_password(&password, &admin.password_hash));
    assert_eq!(db.get_org(admin.org_id).await.unwrap().kind, OrgKind::Operator);
    assert!(admin.must_change_password);

    // A second start on the same database prints nothing of the kind.
    let mut second = start();
    let mut stderr = BufReader::new(second.stderr.take().unwrap());
    listening(&mut stderr);
    assert!(stop(&mut second).success());
    let mut stdout = String::new();
    second.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    assert!(!stdout.contains("password"), "{stdout}");
    assert_eq!(db.list_orgs().await.unwrap().len(), 1);
}

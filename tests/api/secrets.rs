//! Secrets in the configuration never reach the output: the real `pactum`
//! binary, every secret set to a recognisable value, logging at debug and
//! at trace, and a database that fails (the moment error messages would
//! quote the URL they tried).

use pactum_tests::pactum_binary;

const DATABASE_PASSWORD: &str = "PgPw-canary-4d1c";
const CLIENT_SECRET: &str = "oauth-canary-77ab";
const S3_SECRET: &str = "s3-canary-0f9e";
const SMTP_PASSWORD: &str = "smtp-canary-51c2";
const UNSUBSCRIBE_SECRET: &str = "unsub-canary-a3b8";

/// A fresh directory holding a TOML file with one OIDC provider at
/// `issuer` whose client secret is [`CLIENT_SECRET`].
fn provider_config(name: &str, issuer: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir()
        .join("pactum-tests")
        .join(format!("{name}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let config_file = dir.join("pactum.toml");
    std::fs::write(
        &config_file,
        format!(
            "[[auth_providers]]\n\
             id = \"idp\"\n\
             name = \"IdP\"\n\
             kind = \"oidc\"\n\
             issuer = \"{issuer}\"\n\
             client_id = \"pactum\"\n\
             client_secret = \"{CLIENT_SECRET}\"\n"
        ),
    )
    .unwrap();
    (dir, config_file)
}

#[tokio::test]
async fn no_secret_is_printed_even_when_the_database_fails() {
    // A "database" that hangs up at once, so connecting fails quickly
    // (a closed port would be retried until the 10 s acquire timeout).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hang_up = tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            drop(socket);
        }
    });
    let (dir, config_file) = provider_config("secrets", "https://id.example.ro");
    let database_url = format!("postgres://pactum:{DATABASE_PASSWORD}@127.0.0.1:{port}/pactum");

    for level in ["debug", "trace"] {
        let output = tokio::process::Command::new(pactum_binary())
            .arg("migrate")
            .env("PACTUM_CONFIG", &config_file)
            .env("PACTUM_LOG", level)
            .env("PACTUM_DATA_DIR", &dir)
            .env("PACTUM_DATABASE_URL", &database_url)
            .env("PACTUM_S3_ACCESS_KEY_ID", "AKIAPACTUM")
            .env("PACTUM_S3_SECRET_ACCESS_KEY", S3_SECRET)
            .env("PACTUM_SMTP_HOST", "smtp.example.ro")
            .env("PACTUM_SMTP_USERNAME", "alerte")
            .env("PACTUM_SMTP_PASSWORD", SMTP_PASSWORD)
            .env("PACTUM_UNSUBSCRIBE_SECRET", UNSUBSCRIBE_SECRET)
            .kill_on_drop(true)
            .output()
            .await
            .expect("pactum runs");
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        // The configuration loaded (every secret in it) and the run got as
        // far as the database, which refused.
        assert!(!output.status.success(), "PACTUM_LOG={level}:\n{printed}");
        assert!(
            printed.contains("connecting to the database"),
            "PACTUM_LOG={level}:\n{printed}"
        );
        for secret in [
            DATABASE_PASSWORD,
            CLIENT_SECRET,
            S3_SECRET,
            SMTP_PASSWORD,
            UNSUBSCRIBE_SECRET,
        ] {
            assert!(
                !printed.contains(secret),
                "PACTUM_LOG={level} printed {secret}:\n{printed}"
            );
        }
    }
    hang_up.abort();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The whole server at trace level, with every secret in use: S3 storage
/// and SMTP configured (their clients are built at start), an identity
/// provider that cannot be reached (its discovery fails and is logged),
/// the unsubscribe key loaded; requests served, then stopped.
#[tokio::test]
async fn no_secret_is_printed_by_a_running_server() {
    let (dir, config_file) = provider_config("secrets-serve", "http://127.0.0.1:9/realms/x");
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let mut server = tokio::process::Command::new(pactum_binary())
        .arg("serve")
        .env("PACTUM_CONFIG", &config_file)
        .env("PACTUM_LOG", "trace")
        .env("PACTUM_DATA_DIR", &dir)
        .env(
            "PACTUM_DATABASE_URL",
            format!("sqlite://{}/p.db?mode=rwc", dir.display()),
        )
        .env("PACTUM_LISTEN", format!("127.0.0.1:{port}"))
        .env("PACTUM_STORAGE", "s3")
        .env("PACTUM_S3_BUCKET", "pactum")
        .env("PACTUM_S3_ENDPOINT", "http://127.0.0.1:9")
        .env("PACTUM_S3_ALLOW_HTTP", "true")
        .env("PACTUM_S3_ACCESS_KEY_ID", "AKIAPACTUM")
        .env("PACTUM_S3_SECRET_ACCESS_KEY", S3_SECRET)
        .env("PACTUM_SMTP_HOST", "127.0.0.1")
        .env("PACTUM_SMTP_PORT", "9")
        .env("PACTUM_SMTP_TLS", "none")
        .env("PACTUM_SMTP_USERNAME", "alerte")
        .env("PACTUM_SMTP_PASSWORD", SMTP_PASSWORD)
        .env("PACTUM_UNSUBSCRIBE_SECRET", UNSUBSCRIBE_SECRET)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("pactum serve starts");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut up = false;
    for _ in 0..200 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(up, "the server did not come up");
    // The provider's discovery fails (nothing listens on port 9).
    let login = client
        .get(format!("{base}/auth/login/idp"))
        .send()
        .await
        .unwrap();
    assert!(login.status().is_server_error(), "{}", login.status());
    let query = client
        .post(format!("{base}/graphql"))
        .header("content-type", "application/json")
        .body(r#"{"query": "{ organizations { totalCount } }"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), 200);
    server.start_kill().unwrap();
    let output = server.wait_with_output().await.unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        printed.contains("TRACE") || printed.contains("trace"),
        "{printed}"
    );
    for secret in [CLIENT_SECRET, S3_SECRET, SMTP_PASSWORD, UNSUBSCRIBE_SECRET] {
        assert!(!printed.contains(secret), "printed {secret}:\n{printed}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

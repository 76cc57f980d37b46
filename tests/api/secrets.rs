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
    let dir = std::env::temp_dir()
        .join("pactum-tests")
        .join(format!("secrets-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let config_file = dir.join("pactum.toml");
    std::fs::write(
        &config_file,
        format!(
            "[[auth_providers]]\n\
             id = \"idp\"\n\
             name = \"IdP\"\n\
             kind = \"oidc\"\n\
             issuer = \"https://id.example.ro\"\n\
             client_id = \"pactum\"\n\
             client_secret = \"{CLIENT_SECRET}\"\n"
        ),
    )
    .unwrap();
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

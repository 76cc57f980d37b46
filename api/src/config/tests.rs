//! Unit tests of the configuration: defaults, secrets kept out of `Debug`
//! output, and validation.

use super::*;

#[test]
fn defaults_run_on_sqlite_in_the_data_directory() {
    let config = Config::default().validated().unwrap_or_default();
    assert_eq!(config.database_url(), "sqlite://data/pactum.db?mode=rwc");
    assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
}

/// Every secret set to a value found nowhere else: `Debug` (what logs
/// and panics print) shows none of them, yet still names the database
/// host, and the code that needs a secret still gets it.
#[test]
fn debug_output_shows_no_secret() {
    let secrets = [
        "PgPw-canary-4d1c",
        "oauth-canary-77ab",
        "s3-canary-0f9e",
        "smtp-canary-51c2",
        "unsub-canary-a3b8",
    ];
    let config = Config {
        database_url: DatabaseUrl::new(
            "postgres://pactum:PgPw-canary-4d1c@db.example.ro:5432/pactum",
        ),
        auth_providers: vec![ProviderConfig {
            id: "idp".into(),
            name: "IdP".into(),
            kind: ProviderKind::Oidc,
            issuer: Some("https://id.example.ro".into()),
            authorize_url: None,
            token_url: None,
            userinfo_url: None,
            client_id: "pactum".into(),
            client_secret: Some("oauth-canary-77ab".into()),
            scopes: Vec::new(),
            trust_email: false,
        }],
        s3_access_key_id: Some("AKIAPACTUM".into()),
        s3_secret_access_key: Some("s3-canary-0f9e".into()),
        smtp_username: "alerte".into(),
        smtp_password: "smtp-canary-51c2".into(),
        unsubscribe_secret: "unsub-canary-a3b8".into(),
        ..Config::default()
    };
    for shown in [format!("{config:?}"), format!("{config:#?}")] {
        for secret in secrets {
            assert!(!shown.contains(secret), "{secret} printed in {shown}");
        }
        assert!(shown.contains("db.example.ro"), "{shown}");
        assert!(shown.contains("REDACTED"), "{shown}");
    }
    assert!(config.database_url().contains("PgPw-canary-4d1c"));
    let in_query = DatabaseUrl::new(
        "postgres://db.example.ro/pactum?user=pactum&password=QueryPw-canary&sslmode=require",
    );
    let shown = format!("{in_query:?}");
    assert!(!shown.contains("QueryPw-canary"), "{shown}");
    assert!(shown.contains("sslmode=require"), "{shown}");
    assert_eq!(
        secrecy::ExposeSecret::expose_secret(&config.smtp_password),
        "smtp-canary-51c2"
    );
}

#[test]
fn refuses_page_sizes_over_one_hundred() {
    let config = Config {
        max_page_size: 500,
        ..Config::default()
    };
    assert!(config.validated().is_err());
}

#[test]
fn alert_links_lead_to_the_pages_or_to_a_frontend_of_its_own() {
    let pages = Config {
        public_url: "https://pactum.example.ro/".into(),
        ..Config::default()
    };
    assert_eq!(
        pages.record_link(LinkTarget::Agreement, "QWdyZWVtZW50OjE"),
        "https://pactum.example.ro/agreements/QWdyZWVtZW50OjE"
    );
    let frontend = Config {
        public_url: "https://api.example.ro".into(),
        links_base_url: "https://acorduri.example.ro/app".into(),
        links_document_path: "/#/ghiduri/{id}/detalii".into(),
        ..Config::default()
    };
    let frontend = match frontend.validated() {
        Ok(config) => config,
        Err(err) => panic!("valid link targets: {err}"),
    };
    assert_eq!(
        frontend.record_link(LinkTarget::Document, "RG9j"),
        "https://acorduri.example.ro/app/#/ghiduri/RG9j/detalii"
    );
    assert_eq!(
        frontend.record_link(LinkTarget::Activity, "QWN0"),
        "https://acorduri.example.ro/app/activities/QWN0"
    );
}

#[test]
fn refuses_link_targets_that_cannot_make_a_link() {
    for (base, path) in [
        ("ftp://acorduri.example.ro", "/acorduri/{id}"),
        ("acorduri.example.ro", "/acorduri/{id}"),
        ("https://acorduri.example.ro?x=1", "/acorduri/{id}"),
        ("", "acorduri/{id}"),
        ("", "/acorduri"),
        ("", "/acorduri/{id}/{id}"),
        ("", "/acorduri/{id}/{slug}"),
        ("", "/acorduri/ {id}"),
    ] {
        let config = Config {
            links_base_url: base.into(),
            links_agreement_path: path.into(),
            ..Config::default()
        };
        assert!(config.validated().is_err(), "{base} {path}");
    }
}

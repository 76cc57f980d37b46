//! Where mail goes: an SMTP server through a pool of our own connections
//! that lettre speaks SMTP on (`notify::smtp`: plain, STARTTLS or implicit
//! TLS, optional authentication, `TCP_NODELAY`), or, when no
//! SMTP host is configured, `.eml` files in `{data_dir}/mail` so the default
//! run needs nothing else. Failures are sorted into transient (retry later:
//! connection trouble, timeouts, 4xx) and permanent (5xx, a malformed
//! message).

use std::{path::PathBuf, sync::Arc, time::Duration};

use lettre::{
    AsyncFileTransport, AsyncTransport, Message, Tokio1Executor,
    transport::smtp::{
        authentication::Credentials,
        client::{Certificate, TlsParameters},
    },
};

use super::smtp::{Encryption, SmtpPool, SmtpServer};
use crate::config::{Config, SmtpTls};

/// A configured mail transport.
#[derive(Clone)]
pub enum Mailer {
    /// An SMTP server.
    Smtp(Arc<SmtpPool>),
    /// A directory of `.eml` files.
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp(_) => f.write_str("Mailer::Smtp"),
            Self::Files(_, dir) => write!(f, "Mailer::Files({})", dir.display()),
        }
    }
}

/// Why a mail was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later.
    #[error("transient: {0}")]
    Transient(String),
    /// Trying again will not help.
    #[error("permanent: {0}")]
    Permanent(String),
}

/// Why the transport could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    /// The TLS parameters are invalid (e.g. the host name).
    #[error("SMTP TLS set-up: {0}")]
    Tls(#[from] lettre::transport::smtp::Error),
    /// `smtp_tls_root_certificate` could not be read.
    #[error("SMTP root certificate {path}: {reason}")]
    RootCertificate {
        /// The configured file.
        path: String,
        /// Why it could not be read.
        reason: String,
    },
    /// The mail directory could not be made.
    #[error("mail directory: {0}")]
    Io(#[from] std::io::Error),
}

/// The SMTP server's name to check its certificate against, and the
/// roots to trust: the public ones, plus the configured CA if any.
fn tls_parameters(config: &Config) -> Result<TlsParameters, MailerError> {
    let mut builder = TlsParameters::builder(config.smtp_host.clone());
    let path = &config.smtp_tls_root_certificate;
    if !path.is_empty() {
        let refused = |reason: String| MailerError::RootCertificate {
            path: path.clone(),
            reason,
        };
        let pem = std::fs::read(path).map_err(|err| refused(err.to_string()))?;
        // lettre reads a file without any certificate as an empty list.
        if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
            return Err(refused("no PEM certificate in it".into()));
        }
        let certificate = Certificate::from_pem(&pem).map_err(|err| refused(err.to_string()))?;
        builder = builder.add_root_certificate(certificate);
    }
    Ok(builder.build()?)
}

impl Mailer {
    /// The transport the configuration asks for.
    pub fn from_config(config: &Config) -> Result<Self, MailerError> {
        if config.smtp_host.is_empty() {
            let dir = config.data_dir.join("mail");
            std::fs::create_dir_all(&dir)?;
            return Ok(Self::Files(AsyncFileTransport::new(&dir), dir));
        }
        let host = config.smtp_host.clone();
        let (encryption, default_port) = match config.smtp_tls {
            SmtpTls::None => (Encryption::None, 25),
            SmtpTls::Starttls => (Encryption::Starttls(tls_parameters(config)?), 587),
            SmtpTls::Tls => (Encryption::Implicit(tls_parameters(config)?), 465),
        };
        let port = if config.smtp_port == 0 {
            default_port
        } else {
            config.smtp_port
        };
        let credentials = (!config.smtp_username.is_empty()).then(|| {
            Credentials::new(
                config.smtp_username.clone(),
                secrecy::ExposeSecret::expose_secret(&config.smtp_password).to_owned(),
            )
        });
        let server = SmtpServer {
            host,
            port,
            encryption,
            credentials,
            timeout: Duration::from_secs(config.smtp_timeout_secs),
            nodelay: config.smtp_tcp_nodelay,
        };
        Ok(Self::Smtp(Arc::new(SmtpPool::new(
            server,
            config.smtp_pool_size,
        ))))
    }

    /// Sends one message.
    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Self::Smtp(pool) => pool.send(&message).await,
            Self::Files(files, _) => files
                .send(message)
                .await
                .map(|_| ())
                .map_err(|err| SendError::Transient(err.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_root(path: &str) -> Config {
        Config {
            smtp_host: "smtp.example.ro".into(),
            smtp_tls_root_certificate: path.into(),
            ..Config::default()
        }
    }

    #[test]
    fn a_root_certificate_that_cannot_be_read_stops_the_start_naming_the_file() {
        let missing = with_root("/nonexistent/ca.pem");
        assert!(matches!(
            tls_parameters(&missing),
            Err(MailerError::RootCertificate { path, .. }) if path == "/nonexistent/ca.pem"
        ));
        let garbage = std::env::temp_dir().join(format!("not-a-ca-{}.pem", std::process::id()));
        assert!(std::fs::write(&garbage, "not a certificate").is_ok());
        let path = garbage.display().to_string();
        assert!(matches!(
            tls_parameters(&with_root(&path)),
            Err(MailerError::RootCertificate { .. })
        ));
        let _ = std::fs::remove_file(garbage);
        assert!(tls_parameters(&with_root("")).is_ok());
    }
}

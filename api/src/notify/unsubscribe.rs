//! The signed links and forms of Pactum's pages. One-click unsubscribe
//! (RFC 8058): every alert links to
//! `{public_url}/unsubscribe?token=...`, where the token is
//! `{user}.{KIND}.{HMAC-SHA256(secret, "unsubscribe:{user}:{KIND}")}`, so it
//! turns exactly that kind OFF for exactly that user, without a login, and
//! cannot be forged or altered. The pages that take the token are HTTP
//! handlers in `crate::http::unsubscribe`; this file makes and checks it.
//!
//! The secret is `unsubscribe_secret` from the configuration, or a random
//! key made once and kept in `{data_dir}/unsubscribe.key`.

use std::path::Path;

use entities::enums::AlertKind;
use hmac::{Hmac, Mac};
use sea_orm::{ActiveEnum, Iterable};
use sha2::Sha256;

use crate::config::Config;

type HmacSha256 = Hmac<Sha256>;

/// The key unsubscribe tokens are signed with (kept as a keyed HMAC).
#[derive(Clone)]
pub struct UnsubscribeKey(HmacSha256);

impl std::fmt::Debug for UnsubscribeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnsubscribeKey([redacted])")
    }
}

impl UnsubscribeKey {
    /// A key from bytes (tests, configuration).
    pub fn new(bytes: impl AsRef<[u8]>) -> Self {
        // HMAC accepts keys of every length, so the fallback never runs.
        Self(
            <HmacSha256 as Mac>::new_from_slice(bytes.as_ref()).unwrap_or_else(|_| {
                <HmacSha256 as hmac::digest::KeyInit>::new(&Default::default())
            }),
        )
    }

    /// The configured secret, else the one kept in the data directory
    /// (made on first use, readable by its owner only).
    pub fn load(config: &Config) -> std::io::Result<Self> {
        let configured = secrecy::ExposeSecret::expose_secret(&config.unsubscribe_secret);
        if !configured.is_empty() {
            return Ok(Self::new(configured));
        }
        let path = config.data_dir.join("unsubscribe.key");
        if let Ok(existing) = std::fs::read_to_string(&path)
            && existing.trim().len() >= 32
        {
            return Ok(Self::new(existing.trim()));
        }
        let key = hex::encode(rand::random::<[u8; 32]>());
        write_private(&path, &key)?;
        Ok(Self::new(key))
    }

    fn mac(&self, user_id: i64, kind: AlertKind) -> HmacSha256 {
        let mut mac = self.0.clone();
        mac.update(format!("unsubscribe:{user_id}:{}", kind.to_value()).as_bytes());
        mac
    }

    /// The token for (user, kind).
    pub fn token(&self, user_id: i64, kind: AlertKind) -> String {
        let signature = hex::encode(self.mac(user_id, kind).finalize().into_bytes());
        format!("{user_id}.{}.{signature}", kind.to_value())
    }

    /// The (user, kind) a token was made for, if it is genuine.
    pub fn verify(&self, token: &str) -> Option<(i64, AlertKind)> {
        let mut parts = token.trim().splitn(3, '.');
        let user_id: i64 = parts.next()?.parse().ok()?;
        let kind_name = parts.next()?;
        let kind = AlertKind::iter().find(|k| k.to_value() == kind_name)?;
        let signature = hex::decode(parts.next()?).ok()?;
        self.mac(user_id, kind)
            .verify_slice(&signature)
            .ok()
            .map(|()| (user_id, kind))
    }

    fn settings_mac(&self, user_id: i64) -> HmacSha256 {
        let mut mac = self.0.clone();
        mac.update(format!("settings:{user_id}").as_bytes());
        mac
    }

    /// The token of a user's alert settings page: `{user}.{HMAC}`, so the
    /// link in every alert opens that person's settings without a login,
    /// as the unsubscribe link turns one kind off.
    pub fn settings_token(&self, user_id: i64) -> String {
        let signature = hex::encode(self.settings_mac(user_id).finalize().into_bytes());
        format!("{user_id}.{signature}")
    }

    /// The user a settings token was made for, if it is genuine.
    pub fn verify_settings(&self, token: &str) -> Option<i64> {
        let (user, signature) = token.trim().split_once('.')?;
        let user_id: i64 = user.parse().ok()?;
        let signature = hex::decode(signature).ok()?;
        self.settings_mac(user_id)
            .verify_slice(&signature)
            .ok()
            .map(|()| user_id)
    }

    /// The alert settings URL of `user_id`.
    pub fn settings_url(&self, public_url: &str, user_id: i64) -> String {
        format!(
            "{}/account/notifications?token={}",
            public_url.trim_end_matches('/'),
            self.settings_token(user_id)
        )
    }

    /// A form's anti-forgery token: `purpose` (what the form does, to
    /// which record) signed for `user_id`, so a form rendered for one
    /// person and one record is refused for any other.
    pub fn form_token(&self, user_id: i64, purpose: &str) -> String {
        let mut mac = self.0.clone();
        mac.update(format!("form:{user_id}:{purpose}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether `token` is [`Self::form_token`] of (user, purpose).
    pub fn verify_form_token(&self, user_id: i64, purpose: &str, token: &str) -> bool {
        let Ok(signature) = hex::decode(token.trim()) else {
            return false;
        };
        let mut mac = self.0.clone();
        mac.update(format!("form:{user_id}:{purpose}").as_bytes());
        mac.verify_slice(&signature).is_ok()
    }

    /// The unsubscribe URL for (user, kind).
    pub fn url(&self, public_url: &str, user_id: i64, kind: AlertKind) -> String {
        format!(
            "{}/unsubscribe?token={}",
            public_url.trim_end_matches('/'),
            self.token(user_id, kind)
        )
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => std::io::Write::write_all(&mut file, contents.as_bytes()),
        // Another process made it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
    .and_then(|()| {
        let written = std::fs::read_to_string(path)?;
        if written.trim().len() >= 32 {
            Ok(())
        } else {
            Err(std::io::Error::other(format!(
                "{} holds no usable key",
                path.display()
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_one_user_and_one_kind_and_cannot_be_altered() {
        let key = UnsubscribeKey::new(b"k".repeat(32));
        let token = key.token(42, AlertKind::DocumentPublished);
        assert_eq!(key.verify(&token), Some((42, AlertKind::DocumentPublished)));
        let other_user = token.replacen("42.", "43.", 1);
        assert_eq!(key.verify(&other_user), None);
        let other_kind = token.replace("DOCUMENT_PUBLISHED", "AGREEMENT_PROPOSED");
        assert_eq!(key.verify(&other_kind), None);
        assert_eq!(UnsubscribeKey::new(b"x".repeat(32)).verify(&token), None);
        assert_eq!(key.verify("garbage"), None);
    }

    #[test]
    fn a_settings_token_opens_one_users_settings_and_nothing_else() {
        let key = UnsubscribeKey::new(b"k".repeat(32));
        let token = key.settings_token(42);
        assert_eq!(key.verify_settings(&token), Some(42));
        assert_eq!(key.verify_settings(&token.replacen("42.", "43.", 1)), None);
        assert_eq!(
            UnsubscribeKey::new(b"x".repeat(32)).verify_settings(&token),
            None
        );
        // Neither kind of token passes for the other.
        assert_eq!(key.verify(&token), None);
        let unsubscribe = key.token(42, AlertKind::DocumentPublished);
        assert_eq!(key.verify_settings(&unsubscribe), None);
        assert_eq!(key.verify_settings("42."), None);
    }

    #[test]
    fn a_form_token_holds_for_one_person_and_one_purpose() {
        let key = UnsubscribeKey::new(b"k".repeat(32));
        let token = key.form_token(7, "answer:QWdy");
        assert!(key.verify_form_token(7, "answer:QWdy", &token));
        assert!(!key.verify_form_token(8, "answer:QWdy", &token));
        assert!(!key.verify_form_token(7, "answer:QWdz", &token));
        assert!(!key.verify_form_token(7, "answer:QWdy", "zz"));
        assert!(!key.verify_form_token(7, "answer:QWdy", ""));
    }
}

//! What a recipient does with an alert mail: read its links, and (for the
//! daily jobs) a notifier like the server's, to run them at a chosen time.

use std::sync::Arc;

use pactum::{
    metrics::Metrics,
    notify::{Notifier, unsubscribe::UnsubscribeKey},
};

use crate::TestApp;

/// The `http` links in a mail's text part.
pub fn text_links(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| w.starts_with("http"))
        .map(|w| w.trim_end_matches(['.', ',', ')', '>']).to_owned())
        .collect()
}

/// The `href`s of an HTML body, entities decoded as a browser would.
pub fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| {
            href.replace("&#x2f;", "/")
                .replace("&#x3d;", "=")
                .replace("&amp;", "&")
        })
        .collect()
}

/// The text `text` takes in HTML (the templates escape every value).
pub fn html_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

impl TestApp {
    /// A notifier like the server's, for running the daily jobs at a
    /// chosen time.
    pub fn notifier(&self) -> Notifier {
        let mut config = self.config.clone();
        config.public_url = self.address.clone();
        let key = UnsubscribeKey::load(&config).expect("the unsubscribe key loads");
        Notifier::new(
            self.db.clone(),
            Arc::new(config),
            Metrics::new().expect("metrics"),
            key,
        )
        .expect("a notifier")
    }
}

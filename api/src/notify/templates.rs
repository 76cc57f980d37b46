//! Mail templates, in files under `api/templates/mail/` embedded at build
//! time and rendered with minijinja: for each alert kind and language a
//! `<kind>.<lang>.txt` defining the macros `subject()`, `intro()` and
//! `action()`; then one layout per language renders the plain-text and the
//! HTML part (HTML escaped by the layout's `.html` extension).

use minijinja::{AutoEscape, Environment, Value, context, value::ValueKind};
use serde::Serialize;

use entities::enums::{AlertKind, Language};

/// Every template file, by name.
const FILES: &[(&str, &str)] = &[
    (
        "agreement_proposed.ro.txt",
        include_str!("../../templates/mail/agreement_proposed.ro.txt"),
    ),
    (
        "agreement_proposed.en.txt",
        include_str!("../../templates/mail/agreement_proposed.en.txt"),
    ),
    (
        "agreement_activated.ro.txt",
        include_str!("../../templates/mail/agreement_activated.ro.txt"),
    ),
    (
        "agreement_activated.en.txt",
        include_str!("../../templates/mail/agreement_activated.en.txt"),
    ),
    (
        "agreement_terminated.ro.txt",
        include_str!("../../templates/mail/agreement_terminated.ro.txt"),
    ),
    (
        "agreement_terminated.en.txt",
        include_str!("../../templates/mail/agreement_terminated.en.txt"),
    ),
    (
        "agreement_expiring.ro.txt",
        include_str!("../../templates/mail/agreement_expiring.ro.txt"),
    ),
    (
        "agreement_expiring.en.txt",
        include_str!("../../templates/mail/agreement_expiring.en.txt"),
    ),
    (
        "document_published.ro.txt",
        include_str!("../../templates/mail/document_published.ro.txt"),
    ),
    (
        "document_published.en.txt",
        include_str!("../../templates/mail/document_published.en.txt"),
    ),
    (
        "activity_scheduled.ro.txt",
        include_str!("../../templates/mail/activity_scheduled.ro.txt"),
    ),
    (
        "activity_scheduled.en.txt",
        include_str!("../../templates/mail/activity_scheduled.en.txt"),
    ),
    (
        "activity_changed.ro.txt",
        include_str!("../../templates/mail/activity_changed.ro.txt"),
    ),
    (
        "activity_changed.en.txt",
        include_str!("../../templates/mail/activity_changed.en.txt"),
    ),
    (
        "activity_cancelled.ro.txt",
        include_str!("../../templates/mail/activity_cancelled.ro.txt"),
    ),
    (
        "activity_cancelled.en.txt",
        include_str!("../../templates/mail/activity_cancelled.en.txt"),
    ),
    (
        "member_invited.ro.txt",
        include_str!("../../templates/mail/member_invited.ro.txt"),
    ),
    (
        "member_invited.en.txt",
        include_str!("../../templates/mail/member_invited.en.txt"),
    ),
    (
        "daily_digest.ro.txt",
        include_str!("../../templates/mail/daily_digest.ro.txt"),
    ),
    (
        "daily_digest.en.txt",
        include_str!("../../templates/mail/daily_digest.en.txt"),
    ),
    (
        "layout.ro.txt",
        include_str!("../../templates/mail/layout.ro.txt"),
    ),
    (
        "layout.ro.html",
        include_str!("../../templates/mail/layout.ro.html"),
    ),
    (
        "layout.en.txt",
        include_str!("../../templates/mail/layout.en.txt"),
    ),
    (
        "layout.en.html",
        include_str!("../../templates/mail/layout.en.html"),
    ),
];

/// One entry of a digest.
#[derive(Debug, Clone, Serialize)]
pub struct DigestItem {
    /// The alert's subject.
    pub subject: String,
    /// The link to its record.
    pub link: String,
}

/// The links a mail carries.
#[derive(Debug, Clone, Copy)]
pub struct Links<'a> {
    /// The record the alert is about.
    pub record: &'a str,
    /// The recipient's one-click unsubscribe URL (none for invitations).
    pub unsubscribe: Option<&'a str>,
    /// The recipient's alert settings.
    pub settings: &'a str,
}

/// A rendered mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain-text part.
    pub text: String,
    /// HTML part.
    pub html: String,
}

/// Why a template could not be rendered (a bug in a template file).
#[derive(Debug, thiserror::Error)]
#[error("mail template: {0}")]
pub struct TemplateError(#[from] minijinja::Error);

/// The loaded templates.
pub struct Templates {
    env: Environment<'static>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Templates")
    }
}

/// The file stem of a kind.
pub fn stem(kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::AgreementProposed => "agreement_proposed",
        AlertKind::AgreementActivated => "agreement_activated",
        AlertKind::AgreementTerminated => "agreement_terminated",
        AlertKind::AgreementExpiring => "agreement_expiring",
        AlertKind::DocumentPublished => "document_published",
        AlertKind::ActivityScheduled => "activity_scheduled",
        AlertKind::ActivityChanged => "activity_changed",
        AlertKind::ActivityCancelled => "activity_cancelled",
        AlertKind::MemberInvited => "member_invited",
        AlertKind::DailyDigest => "daily_digest",
    }
}

/// The code of a language in file names.
pub fn lang(language: Language) -> &'static str {
    match language {
        Language::Ro => "ro",
        Language::En => "en",
    }
}

impl Templates {
    /// Loads (and so checks) every template.
    pub fn new() -> Result<Self, TemplateError> {
        let mut env = Environment::new();
        env.set_keep_trailing_newline(true);
        // HTML escaping of the five special characters only: minijinja's
        // default also escapes `/`, which mangles every link.
        env.set_formatter(|out, state, value| {
            if state.auto_escape() == AutoEscape::Html
                && value.kind() == ValueKind::String
                && !value.is_safe()
            {
                let text = value.as_str().unwrap_or_default();
                let mut escaped = String::with_capacity(text.len());
                for c in text.chars() {
                    match c {
                        '&' => escaped.push_str("&amp;"),
                        '<' => escaped.push_str("&lt;"),
                        '>' => escaped.push_str("&gt;"),
                        '"' => escaped.push_str("&quot;"),
                        '\'' => escaped.push_str("&#39;"),
                        c => escaped.push(c),
                    }
                }
                out.write_str(&escaped)?;
                Ok(())
            } else {
                minijinja::escape_formatter(out, state, value)
            }
        });
        for (name, source) in FILES {
            env.add_template(name, source)?;
        }
        Ok(Self { env })
    }

    /// Renders `kind` in `language` with `data` (the record's facts), the
    /// mail's `links` and the digest's `items`.
    pub fn render(
        &self,
        kind: AlertKind,
        language: Language,
        data: Value,
        links: Links<'_>,
        items: &[DigestItem],
    ) -> Result<Rendered, TemplateError> {
        let lang = lang(language);
        let content = self
            .env
            .get_template(&format!("{}.{lang}.txt", stem(kind)))?;
        let captured = content.render_captured(data)?;
        let state = captured.state();
        let call = |name: &str| -> Result<String, TemplateError> {
            let value = state.call_macro(name, &[])?;
            Ok(value.trim().to_owned())
        };
        let subject = call("subject")?;
        let intro = call("intro")?;
        let action = call("action")?;
        let ctx = context! {
            subject => subject,
            intro => intro,
            action => action,
            link => links.record,
            items => items,
            unsubscribe_url => links.unsubscribe,
            settings_url => links.settings,
        };
        let text = self
            .env
            .get_template(&format!("layout.{lang}.txt"))?
            .render(&ctx)?;
        let html = self
            .env
            .get_template(&format!("layout.{lang}.html"))?
            .render(&ctx)?;
        Ok(Rendered {
            subject,
            text,
            html,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(kind: AlertKind, language: Language, data: Value) -> Rendered {
        let templates = Templates::new().unwrap_or_else(|e| panic!("{e}"));
        templates
            .render(
                kind,
                language,
                data,
                Links {
                    record: "https://pactum.test/agreements/X",
                    unsubscribe: Some("https://pactum.test/unsubscribe?token=t"),
                    settings: "https://pactum.test/account/notifications",
                },
                &[],
            )
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn every_kind_renders_in_both_languages() {
        use sea_orm::Iterable;
        for kind in AlertKind::iter() {
            for language in [Language::Ro, Language::En] {
                let out = render(
                    kind,
                    language,
                    Value::from_serialize(context! { title => "T", count => 2 }),
                );
                assert!(!out.subject.is_empty(), "{kind:?}");
                assert!(out.html.contains("<!DOCTYPE html>"), "{kind:?}");
                assert!(out.text.contains("https://pactum.test/agreements/X"));
            }
        }
    }

    #[test]
    fn romanian_with_diacritics_and_html_escaped() {
        let out = render(
            AlertKind::AgreementProposed,
            Language::Ro,
            context! { title => "Cooperare <anticorupție>", initiator => "Primăria Iași", parties => "A, B" },
        );
        assert_eq!(out.subject, "Acord propus: Cooperare <anticorupție>");
        assert!(out.text.contains("Primăria Iași propune"));
        assert!(out.html.contains("Cooperare &lt;anticorupție&gt;"));
        assert!(!out.html.contains("<anticorupție>"));
        assert!(
            out.html
                .contains("href=\"https://pactum.test/agreements/X\"")
        );
    }
}

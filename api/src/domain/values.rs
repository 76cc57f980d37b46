//! Validated values: a type per input whose rule is more than a length,
//! parsed once where the input enters the domain (`Slug::parse`,
//! `EmailAddress::parse`, `FileName::parse`), so a value of the type is
//! valid by construction and each rule, with its one message, is written
//! here only. Free text goes through the limits table in
//! [`super::input::fields`]; dates through [`super::calendar`].

use unicode_normalization::UnicodeNormalization;

use super::{
    error::{DomainError, DomainResult},
    input::fields,
    text::fold,
};

/// An organization's URL handle: 2 to [`fields::ORGANIZATION_SLUG`]'s
/// limit of lower-case ASCII letters, digits and single inner dashes
/// (`municipiul-lugoj`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    /// Checks a slug as given (trimmed).
    pub fn parse(input: &str) -> DomainResult<Self> {
        let max = fields::ORGANIZATION_SLUG.max_chars;
        let slug = input.trim();
        let ok = (2..=max).contains(&slug.len())
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !slug.starts_with('-')
            && !slug.ends_with('-')
            && !slug.contains("--");
        if ok {
            Ok(Self(slug.to_owned()))
        } else {
            Err(DomainError::invalid(
                "slug",
                format!(
                    "a slug has 2 to {max} lower-case letters, digits and single dashes, e.g. \"municipiul-lugoj\""
                ),
            ))
        }
    }

    /// The slug made from an organization's `name`: folded, letters and
    /// digits kept, the rest collapsed to single dashes, cut to the limit.
    pub fn from_name(name: &str) -> DomainResult<Self> {
        let folded = fold(name);
        let mut slug = String::with_capacity(folded.len());
        for c in folded.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let cut: String = slug
            .trim_end_matches('-')
            .chars()
            .take(fields::ORGANIZATION_SLUG.max_chars)
            .collect();
        Self::parse(&cut)
    }

    /// The slug.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// An e-mail address as stored: trimmed, lower case, at most 254
/// characters, `local@domain.tld`, no spaces or control characters,
/// wherever it comes from (a client, an identity provider, the command
/// line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Checks an address; `field` names the input it came in.
    pub fn parse(field: &str, input: &str) -> DomainResult<Self> {
        let email = input.trim().to_lowercase();
        let valid = email.len() <= 254
            && email
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if valid {
            Ok(Self(email))
        } else {
            Err(DomainError::invalid(field, "not a valid e-mail address"))
        }
    }

    /// The address.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// The name kept for an uploaded file: its last path segment (after the
/// last `/` or `\`), without the characters a one-line text refuses
/// (dropped, not refused: clients send what the user's system produced),
/// NFC, trimmed. Refused when nothing is left, when it is `.` or `..`, and
/// when longer than [`fields::FILE_NAME`] allows (refused, not cut: a cut
/// name may lose its extension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

impl FileName {
    /// Cleans and checks a file name as a client sent it.
    pub fn parse(input: &str) -> DomainResult<Self> {
        let field = fields::FILE_NAME;
        let last = input.rsplit(['/', '\\']).next().unwrap_or_default();
        let visible: String = last.chars().filter(|c| !field.refuses(*c)).collect();
        let normalized: String = visible.nfc().collect();
        let name = normalized.trim();
        if name.is_empty() || name == "." || name == ".." {
            return Err(DomainError::invalid(field.name, "the file needs a name"));
        }
        let count = name.chars().count();
        if count > field.max_chars {
            return Err(DomainError::invalid(
                field.name,
                format!(
                    "the file name may have at most {} characters; it has {count}",
                    field.max_chars
                ),
            ));
        }
        Ok(Self(name.to_owned()))
    }

    /// The name.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_name(input: &str) -> DomainResult<String> {
        FileName::parse(input).map(FileName::into_string)
    }

    #[test]
    fn slugs_from_names_drop_diacritics_and_punctuation() {
        let slug = |name| Slug::from_name(name).map(Slug::into_string).ok();
        assert_eq!(
            slug("Municipiul Lugoj").as_deref(),
            Some("municipiul-lugoj")
        );
        assert_eq!(
            slug("  Asociația „Transparență & Integritate” ").as_deref(),
            Some("asociatia-transparenta-integritate")
        );
    }

    #[test]
    fn slugs_are_checked() {
        assert!(Slug::parse("municipiul-lugoj").is_ok());
        for bad in ["A-b", "-ab", "ab-", "a--b", "a", "ab c", "ăb"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_are_trimmed_lowered_and_checked() {
        assert_eq!(
            EmailAddress::parse("email", "  Ana.Pop@Primaria-Lugoj.RO ")
                .ok()
                .map(EmailAddress::into_string),
            Some("ana.pop@primaria-lugoj.ro".to_owned())
        );
        for bad in ["", "ana", "@lugoj.ro", "ana@lugoj", "ana @lugoj.ro"] {
            assert!(EmailAddress::parse("email", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn file_names_keep_their_last_segment_and_lose_control_characters() {
        assert_eq!(
            file_name("C:\\Users\\ana\\raport.pdf").ok().as_deref(),
            Some("raport.pdf")
        );
        assert_eq!(
            file_name("../../etc/passwd").ok().as_deref(),
            Some("passwd")
        );
        assert_eq!(
            file_name("ra\u{0}port\u{1b}[31m\u{202E}fdp.txt")
                .ok()
                .as_deref(),
            Some("raport[31mfdp.txt")
        );
        assert_eq!(
            file_name("  Ghid s\u{326}i t\u{326}.md ").ok().as_deref(),
            Some("Ghid \u{219}i \u{21B}.md")
        );
        for bad in ["", "dir/", "..", "a/.", "\u{0}\u{7}", "  "] {
            assert!(file_name(bad).is_err(), "{bad:?}");
        }
        assert!(file_name(&"a".repeat(255)).is_ok());
        let long = file_name(&format!("{}.pdf", "a".repeat(5_000)));
        assert!(
            matches!(long, Err(DomainError::InvalidInput { message, .. }) if message.contains("at most 255 characters"))
        );
    }
}

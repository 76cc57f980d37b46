//! The one rule every piece of text a client sends passes before Pactum
//! stores it or puts it in a query: Unicode NFC, trimmed, no control or
//! invisible formatting characters, at most its field's length; plus the
//! bounds on search terms and on every list argument (filters, IDs, tags).
//!
//! Each text input field is a [`TextField`] constant in [`fields`] — its
//! name as the API spells it (errors are reported on it), its longest
//! length in characters and whether it may span lines — kept together in
//! one table so limits are seen side by side and the schema documents the
//! same numbers (a test compares them). Parsing returns the cleaned
//! `String`; code past the edge stores that, never the raw input.
//!
//! What is refused, and why:
//! - control characters (Unicode category Cc: U+0000–U+001F, U+007F–U+009F)
//!   — NUL cannot be stored by PostgreSQL, escape sequences (`ESC [31m`)
//!   repaint terminals and logs, others are invisible; multi-line fields
//!   keep line feed and tab (a CR LF or lone CR becomes LF);
//! - U+2028 and U+2029 (line and paragraph separators): line breaks that
//!   single-line displays and JavaScript string literals trip on;
//! - the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
//!   U+2066–U+2069): they make text read differently from what it is
//!   ("Trojan Source"); the plain marks U+200E/U+200F stay allowed;
//! - U+FEFF (byte order mark, zero-width no-break space), an invisible
//!   leftover of copy and paste that makes equal-looking values differ;
//! - noncharacters (U+FDD0–U+FDEF and every U+xxFFFE, U+xxFFFF), which are
//!   not text by definition.

use unicode_normalization::UnicodeNormalization;

use super::error::{DomainError, DomainResult};

/// Whether a field holds one line (names, titles) or running text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One line: no line feed, no tab.
    One,
    /// Paragraphs: line feeds and tabs allowed.
    Many,
}

/// A text input field: what it is called, how long it may be, whether it
/// may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextField {
    /// The input field's name as the API spells it (`title`,
    /// `contractNumber`, `filter.tags`); errors are reported on it.
    pub name: &'static str,
    /// Longest value accepted, in characters (Unicode scalar values) after
    /// cleaning.
    pub max_chars: usize,
    /// One line or several.
    pub lines: Lines,
}

impl TextField {
    /// A one-line field.
    pub const fn line(name: &'static str, max_chars: usize) -> Self {
        Self {
            name,
            max_chars,
            lines: Lines::One,
        }
    }

    /// A multi-line field.
    pub const fn text(name: &'static str, max_chars: usize) -> Self {
        Self {
            name,
            max_chars,
            lines: Lines::Many,
        }
    }

    /// Cleans `input`: NFC, line ends as LF (multi-line fields), trimmed;
    /// refuses forbidden characters and values over the limit. An empty
    /// result is allowed (see [`Self::required`]).
    pub fn clean(self, input: &str) -> DomainResult<String> {
        let normalized: String = input.nfc().collect();
        let normalized = match self.lines {
            Lines::Many if normalized.contains('\r') => {
                normalized.replace("\r\n", "\n").replace('\r', "\n")
            }
            _ => normalized,
        };
        let cleaned = normalized.trim();
        if let Some(c) = cleaned.chars().find(|c| self.refuses(*c)) {
            let breaks_line = matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}');
            let message = if breaks_line && self.lines == Lines::One {
                format!("`{}` must be a single line", self.name)
            } else {
                format!(
                    "`{}` may not contain control or invisible formatting characters (found U+{:04X})",
                    self.name,
                    u32::from(c)
                )
            };
            return Err(DomainError::invalid(self.name, message));
        }
        let count = cleaned.chars().count();
        if count > self.max_chars {
            return Err(DomainError::invalid(
                self.name,
                format!(
                    "`{}` may have at most {} characters; it has {count}",
                    self.name, self.max_chars
                ),
            ));
        }
        Ok(cleaned.to_owned())
    }

    /// A value that must be given: cleaned, and refused when blank.
    pub fn required(self, input: &str) -> DomainResult<String> {
        let cleaned = self.clean(input)?;
        if cleaned.is_empty() {
            return Err(DomainError::invalid(
                self.name,
                format!("`{}` is required", self.name),
            ));
        }
        Ok(cleaned)
    }

    /// A value that may be left out: cleaned; absent or blank is `None`.
    pub fn optional(self, input: Option<&str>) -> DomainResult<Option<String>> {
        match input {
            Some(input) => Ok(Some(self.clean(input)?).filter(|v| !v.is_empty())),
            None => Ok(None),
        }
    }

    /// Whether this field refuses `c` (see the module documentation).
    pub fn refuses(self, c: char) -> bool {
        match c {
            '\n' | '\t' => self.lines == Lines::One,
            '\u{2028}' | '\u{2029}' | '\u{FEFF}' => true,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
            '\u{FDD0}'..='\u{FDEF}' => true,
            c => c.is_control() || (u32::from(c) & 0xFFFE) == 0xFFFE,
        }
    }
}

/// Every text input field with its limit, area by area. The GraphQL input
/// types state the same limits in their descriptions; a test compares them.
pub mod fields {
    use super::TextField;

    // Organizations.
    /// An organization's official name.
    pub const ORGANIZATION_NAME: TextField = TextField::line("name", 300);
    /// An organization's URL handle (its format is
    /// [`crate::domain::values::Slug`]'s).
    pub const ORGANIZATION_SLUG: TextField = TextField::line("slug", 80);
    /// A fiscal code (CIF), with or without "RO" (checked afterwards).
    pub const FISCAL_CODE: TextField = TextField::line("fiscalCode", 20);
    /// County.
    pub const COUNTY: TextField = TextField::line("county", 100);
    /// Locality.
    pub const LOCALITY: TextField = TextField::line("locality", 200);
    /// Website (an http(s) address, checked afterwards).
    pub const WEBSITE: TextField = TextField::line("website", 2_000);
    /// Public contact address (an e-mail address, checked afterwards).
    pub const CONTACT_EMAIL: TextField = TextField::line("contactEmail", 254);
    /// An organization's presentation.
    pub const ORGANIZATION_DESCRIPTION: TextField = TextField::text("description", 10_000);

    // People and access.
    /// A user's display name.
    pub const DISPLAY_NAME: TextField = TextField::line("displayName", 120);
    /// The address invited to join (an e-mail address, checked afterwards).
    pub const INVITED_EMAIL: TextField = TextField::line("email", 254);
    /// What an API token is for.
    pub const API_TOKEN_NAME: TextField = TextField::line("name", 100);

    // Agreements.
    /// An agreement's title.
    pub const AGREEMENT_TITLE: TextField = TextField::line("title", 500);
    /// What the parties commit to.
    pub const OBJECTIVES: TextField = TextField::text("objectives", 20_000);
    /// Who signs for a party ("name, office").
    pub const SIGNATORY: TextField = TextField::line("signatory", 200);
    /// Why a party ends an agreement early.
    pub const TERMINATION_REASON: TextField = TextField::text("reason", 4_000);

    // Documents.
    /// A document's title.
    pub const DOCUMENT_TITLE: TextField = TextField::line("title", 300);
    /// A document's summary.
    pub const DOCUMENT_SUMMARY: TextField = TextField::text("summary", 5_000);
    /// A document's language (an ISO 639-1 code, checked afterwards).
    pub const LANGUAGE: TextField = TextField::line("language", 2);
    /// One tag of a document.
    pub const TAG: TextField = TextField::line("tags", 50);
    /// What changed in a new version.
    pub const CHANGE_NOTE: TextField = TextField::text("changeNote", 2_000);
    /// An uploaded file's name, reported on the upload (`file`); see
    /// [`super::file_name`]. No file system takes longer names.
    pub const FILE_NAME: TextField = TextField::line("file", 255);

    // Activities.
    /// An activity's title.
    pub const ACTIVITY_TITLE: TextField = TextField::line("title", 500);
    /// An activity's description.
    pub const ACTIVITY_DESCRIPTION: TextField = TextField::text("description", 20_000);
    /// Where an activity takes place.
    pub const PLACE: TextField = TextField::line("place", 500);
    /// Link for online participation (an http(s) address, checked
    /// afterwards).
    pub const ONLINE_URL: TextField = TextField::line("onlineUrl", 2_000);
    /// What came of an activity.
    pub const OUTCOMES: TextField = TextField::text("outcomes", 20_000);
    /// Why an activity was cancelled.
    pub const CANCELLATION_REASON: TextField = TextField::text("reason", 2_000);

    // Results.
    /// A project's code(s).
    pub const PROJECT_CODE: TextField = TextField::line("code", 200);
    /// A project's title.
    pub const PROJECT_TITLE: TextField = TextField::line("title", 500);
    /// A project's funding programme.
    pub const PROGRAMME: TextField = TextField::line("programme", 300);
    /// A project's financing contract number.
    pub const CONTRACT_NUMBER: TextField = TextField::line("contractNumber", 200);
    /// What a project sets out to do.
    pub const PROJECT_SUMMARY: TextField = TextField::text("summary", 10_000);
    /// An indicator's name.
    pub const INDICATOR_NAME: TextField = TextField::line("name", 500);
    /// An indicator's unit.
    pub const INDICATOR_UNIT: TextField = TextField::line("unit", 100);

    // Queries.
    /// The `search` argument of lists.
    pub const SEARCH: TextField = TextField::line("search", 200);
    /// The `query` argument of the root `search`.
    pub const SEARCH_QUERY: TextField = TextField::line("query", SEARCH.max_chars);
    /// The `slug` argument of `organizationBySlug`.
    pub const SLUG_LOOKUP: TextField = TextField::line("slug", ORGANIZATION_SLUG.max_chars);
}

/// Most entries a list argument may have: the lists in query filters
/// (kinds, statuses, counties, languages, tags) and in mutation inputs
/// (party IDs, tags as sent, participation counts, alert preferences).
/// Enough for any real question or change, and far below what would turn
/// into an SQL statement with tens of thousands of parameters (PostgreSQL
/// takes at most 65,535) or tens of thousands of statements.
pub const MAX_LIST_ENTRIES: usize = 100;

/// Longest entry of a text list in a query filter, in characters.
pub const MAX_FILTER_ENTRY_CHARS: usize = 200;

/// Refuses a list of more than [`MAX_LIST_ENTRIES`] entries; `field` names
/// the argument (`partyIds`, `filter.kinds`).
pub fn check_list_len(field: &'static str, len: usize) -> DomainResult<()> {
    if len > MAX_LIST_ENTRIES {
        return Err(DomainError::invalid(
            field,
            format!("`{field}` may have at most {MAX_LIST_ENTRIES} entries; it has {len}"),
        ));
    }
    Ok(())
}

/// A filter list, refused with more than [`MAX_LIST_ENTRIES`] entries.
pub fn filter_list<T>(field: &'static str, list: Option<Vec<T>>) -> DomainResult<Option<Vec<T>>> {
    if let Some(list) = &list {
        check_list_len(field, list.len())?;
    }
    Ok(list)
}

/// A text list in a query filter (`filter.tags`): at most
/// [`MAX_LIST_ENTRIES`] entries, each cleaned as a one-line text of at
/// most [`MAX_FILTER_ENTRY_CHARS`] characters.
pub fn filter_texts(
    field: &'static str,
    list: Option<Vec<String>>,
) -> DomainResult<Option<Vec<String>>> {
    let rule = TextField::line(field, MAX_FILTER_ENTRY_CHARS);
    filter_list(field, list)?
        .map(|list| {
            list.iter()
                .map(|entry| rule.clean(entry))
                .collect::<DomainResult<Vec<String>>>()
        })
        .transpose()
}

/// A single text value in a query filter (`filter.entity`), cleaned as a
/// one-line text of at most [`MAX_FILTER_ENTRY_CHARS`] characters.
pub fn filter_text(field: &'static str, value: Option<&str>) -> DomainResult<Option<String>> {
    let rule = TextField::line(field, MAX_FILTER_ENTRY_CHARS);
    value.map(|value| rule.clean(value)).transpose()
}

/// A list's `search` argument, cleaned by [`fields::SEARCH`]; blank is no
/// search.
pub fn search_term(term: Option<&str>) -> DomainResult<Option<String>> {
    fields::SEARCH.optional(term)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const TITLE: TextField = TextField::line("title", 10);
    const BODY: TextField = TextField::text("summary", 10);

    fn field_of(result: DomainResult<String>) -> Option<String> {
        match result {
            Err(DomainError::InvalidInput { field, .. }) => field,
            _ => None,
        }
    }

    fn message_of<T>(result: DomainResult<T>) -> String {
        match result {
            Err(err) => err.to_string(),
            Ok(_) => String::new(),
        }
    }

    #[test]
    fn text_is_trimmed_and_composed() {
        assert_eq!(TITLE.clean("  Lugoj \n").ok().as_deref(), Some("Lugoj"));
        // s + COMBINING COMMA BELOW, t + COMBINING COMMA BELOW.
        assert_eq!(
            TITLE.clean("s\u{326}t\u{326}").ok().as_deref(),
            Some("\u{219}\u{21B}")
        );
        // The limit counts characters after composition.
        assert!(TITLE.clean(&"s\u{326}".repeat(10)).is_ok());
    }

    #[test]
    fn control_characters_are_refused_on_the_field() {
        for bad in [
            "a\u{0}b",
            "x\u{7}\u{1b}[31my",
            "a\u{7f}",
            "a\u{85}b",
            "a\u{9b}b",
        ] {
            assert_eq!(
                field_of(TITLE.clean(bad)).as_deref(),
                Some("title"),
                "{bad:?}"
            );
            assert_eq!(
                field_of(BODY.clean(bad)).as_deref(),
                Some("summary"),
                "{bad:?}"
            );
        }
        assert!(message_of(TITLE.clean("a\u{7}")).contains("U+0007"));
    }

    #[test]
    fn invisible_troublemakers_are_refused() {
        for bad in [
            "a\u{2028}b",
            "a\u{2029}b",
            "a\u{202E}b",
            "a\u{202A}b",
            "a\u{2066}b",
            "a\u{2069}b",
            "a\u{FEFF}b",
            "a\u{FDD0}b",
            "a\u{FFFF}b",
            "a\u{1FFFE}b",
        ] {
            assert!(TITLE.clean(bad).is_err(), "{bad:?}");
            assert!(BODY.clean(bad).is_err(), "{bad:?}");
        }
        // Plain direction marks and joiners are text.
        assert!(TITLE.clean("a\u{200E}b\u{200D}c").is_ok());
    }

    #[test]
    fn line_breaks_only_in_multi_line_fields() {
        assert!(message_of(TITLE.clean("a\nb")).contains("single line"));
        assert!(TITLE.clean("a\tb").is_err());
        assert_eq!(BODY.clean("a\nb\tc").ok().as_deref(), Some("a\nb\tc"));
        assert_eq!(BODY.clean("a\r\nb\rc").ok().as_deref(), Some("a\nb\nc"));
    }

    #[test]
    fn the_limit_is_in_characters() {
        assert!(TITLE.clean("ăăăăăăăăăă").is_ok());
        let long = TITLE.clean("ăăăăăăăăăăă");
        assert_eq!(field_of(long.clone()).as_deref(), Some("title"));
        assert!(message_of(long).contains("at most 10 characters"));
    }

    #[test]
    fn required_and_optional_values() {
        assert!(message_of(TITLE.required(" \n ")).contains("`title` is required"));
        assert_eq!(TITLE.optional(Some("  ")).ok(), Some(None));
        assert_eq!(TITLE.optional(None).ok(), Some(None));
        assert_eq!(TITLE.optional(Some(" x ")).ok(), Some(Some("x".to_owned())));
        assert_eq!(BODY.clean("").ok().as_deref(), Some(""));
    }

    #[test]
    fn filter_lists_are_bounded() {
        let ok: Vec<u8> = vec![0; MAX_LIST_ENTRIES];
        assert!(filter_list("filter.kinds", Some(ok)).is_ok());
        let long: Vec<u8> = vec![0; MAX_LIST_ENTRIES + 1];
        let refused = filter_list("filter.kinds", Some(long));
        assert!(matches!(
            refused,
            Err(DomainError::InvalidInput { field: Some(ref f), .. }) if f == "filter.kinds"
        ));
        assert!(filter_texts("filter.tags", Some(vec!["a\u{0}".into()])).is_err());
        assert_eq!(
            filter_texts("filter.tags", Some(vec![" iso ".into()])).ok(),
            Some(Some(vec!["iso".to_owned()]))
        );
        assert_eq!(search_term(Some("   ")).ok(), Some(None));
        assert!(search_term(Some(&"x".repeat(201))).is_err());
        assert!(search_term(Some("a\u{0}")).is_err());
    }

    fn any_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(any::<char>(), 0..40).prop_map(String::from_iter)
    }

    proptest! {
        #[test]
        fn cleaning_never_panics_and_what_it_accepts_is_clean(input in any_text()) {
            for field in [TITLE, BODY, TextField::line("name", 3)] {
                if let Ok(out) = field.clean(&input) {
                    prop_assert!(unicode_normalization::is_nfc(&out));
                    prop_assert!(out.chars().count() <= field.max_chars);
                    prop_assert!(!out.chars().any(|c| field.refuses(c)));
                    prop_assert!(!out.contains('\r'));
                    prop_assert_eq!(out.trim(), out.as_str());
                    prop_assert_eq!(field.clean(&out).ok(), Some(out.clone()));
                }
            }
        }
    }
}

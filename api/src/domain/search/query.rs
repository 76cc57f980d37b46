//! A search as a user types it, parsed once into what each engine runs.
//!
//! The syntax is PostgreSQL's `websearch_to_tsquery`: words (all must
//! match, in any inflection), `"quoted phrases"`, `-excluded` words and
//! `or` between alternatives. PostgreSQL is handed the text itself; for
//! SQLite's FTS5 the same parse is written as an FTS5 expression. FTS5
//! does not stem, so each word is reduced to its Romanian stem here
//! (Snowball, the `rust-stemmers` crate, the algorithm PostgreSQL's
//! `romanian` configuration uses) and matched as a prefix: `corupției`
//! becomes `corupt*`, which finds "corupție", "corupția" and "coruptiei".

use rust_stemmers::{Algorithm, Stemmer};
use sha2::{Digest, Sha256};

use crate::domain::{
    error::{DomainError, DomainResult},
    text::fold,
};

/// Most words and phrases one search may hold.
const MAX_TERMS: usize = 32;

/// Shortest stem matched as a prefix: shorter words must match whole
/// (a prefix of two letters would match most of a language).
const MIN_PREFIX: usize = 3;

/// Romanian words too common to search for (folded), a subset of the
/// list PostgreSQL's `romanian` configuration drops, dropped here too so
/// that SQLite does not require them where PostgreSQL ignores them.
const STOP_WORDS: &[&str] = &[
    "a", "al", "ale", "am", "ai", "au", "ca", "care", "ce", "cu", "de", "din", "este", "fi", "in",
    "intre", "la", "mai", "nu", "o", "pe", "pentru", "prin", "sa", "sau", "se", "si", "spre",
    "sunt", "un", "una", "unei", "unui",
];

/// One thing to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    /// A word: any word starting with `prefix` (its stem), or exactly
    /// `word` when it is too short to stem.
    Word {
        word: String,
        prefix: Option<String>,
    },
    /// Words in this order, exactly (folded).
    Phrase(Vec<String>),
}

impl Term {
    fn fts5(&self) -> String {
        match self {
            Self::Word {
                prefix: Some(prefix),
                ..
            } => format!("\"{prefix}\"*"),
            Self::Word { word, prefix: None } => format!("\"{word}\""),
            Self::Phrase(words) => format!("\"{}\"", words.join(" ")),
        }
    }
}

/// Terms that must all match, and terms that must not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Group {
    wanted: Vec<Term>,
    excluded: Vec<Term>,
}

/// A parsed search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// The text as given (trimmed), for PostgreSQL.
    text: String,
    /// Alternatives (`or`), each a group.
    groups: Vec<Group>,
}

impl SearchQuery {
    /// Parses `text` (the `field` argument, already bounded in length by
    /// the input rules); `None` when it is blank. A search that looks for
    /// nothing (only excluded words, or only punctuation) is refused.
    pub fn parse(field: &str, text: &str) -> DomainResult<Option<Self>> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let mut groups = vec![Group::default()];
        let mut terms = 0usize;
        for (token, quoted) in tokens(text) {
            let negated = !quoted && token.starts_with('-');
            if !quoted && token.eq_ignore_ascii_case("or") {
                groups.push(Group::default());
                continue;
            }
            let Some(term) = term_of(&token, quoted) else {
                continue;
            };
            terms += 1;
            if terms > MAX_TERMS {
                return Err(DomainError::invalid(
                    field,
                    format!("a search may hold at most {MAX_TERMS} words and phrases"),
                ));
            }
            let group = groups.last_mut().ok_or_else(|| nothing(field))?;
            if negated {
                group.excluded.push(term);
            } else {
                group.wanted.push(term);
            }
        }
        // FTS5 cannot express "anything but": an alternative without a
        // wanted term is dropped, and a search left with none is refused
        // on both databases alike.
        groups.retain(|g| !g.wanted.is_empty());
        if groups.is_empty() {
            return Err(nothing(field));
        }
        Ok(Some(Self {
            text: text.to_owned(),
            groups,
        }))
    }

    /// The text for PostgreSQL's `websearch_to_tsquery`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The FTS5 expression for SQLite's `MATCH`. Every word is quoted, so
    /// nothing the user typed is read as FTS5 syntax.
    pub fn fts5(&self) -> String {
        let groups: Vec<String> = self
            .groups
            .iter()
            .map(|g| {
                let wanted: Vec<String> = g.wanted.iter().map(Term::fts5).collect();
                let mut group = wanted.join(" AND ");
                for term in &g.excluded {
                    group.push_str(" NOT ");
                    group.push_str(&term.fts5());
                }
                format!("({group})")
            })
            .collect();
        groups.join(" OR ")
    }

    /// Whether the folded word `word` is one the search looks for (for
    /// highlighting).
    pub fn highlights(&self, word: &str) -> bool {
        self.groups.iter().flat_map(|g| &g.wanted).any(|t| match t {
            Term::Word {
                prefix: Some(prefix),
                ..
            } => word.starts_with(prefix.as_str()),
            Term::Word { word: w, .. } => word == w,
            Term::Phrase(words) => words.iter().any(|w| w == word),
        })
    }

    /// A short fingerprint of what is searched, so that a cursor of one
    /// search is refused by another.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.fts5().as_bytes());
        digest[..6].iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn nothing(field: &str) -> DomainError {
    DomainError::invalid(
        field,
        "the search has no word to look for (only excluded words or punctuation)",
    )
}

/// The search's tokens: quoted phrases (`true`) and bare words.
fn tokens(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for (i, part) in text.split('"').enumerate() {
        if i % 2 == 1 {
            out.push((part.to_owned(), true));
        } else {
            out.extend(part.split_whitespace().map(|w| (w.to_owned(), false)));
        }
    }
    out
}

/// The folded words of `text`: runs of letters and digits.
pub(super) fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The term a token stands for; `None` when it holds no word.
fn term_of(token: &str, quoted: bool) -> Option<Term> {
    let mut words = words(token);
    match words.len() {
        0 => None,
        1 if !quoted && STOP_WORDS.contains(&words[0].as_str()) => None,
        1 if !quoted => words.pop().map(|word| {
            let prefix = stem_prefix(&word);
            Term::Word { word, prefix }
        }),
        _ => Some(Term::Phrase(words)),
    }
}

/// The part of `word` its Romanian stem keeps (the common prefix of the
/// two: a stem may rewrite a suffix), if long enough to match as a prefix.
fn stem_prefix(word: &str) -> Option<String> {
    if word.chars().count() <= MIN_PREFIX {
        return None;
    }
    let stemmer = Stemmer::create(Algorithm::Romanian);
    let stem = stemmer.stem(word);
    let prefix: String = word
        .chars()
        .zip(stem.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a)
        .collect();
    (prefix.chars().count() >= MIN_PREFIX).then_some(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fts5(text: &str) -> String {
        match SearchQuery::parse("search", text) {
            Ok(Some(query)) => query.fts5(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn inflected_romanian_words_become_the_prefix_of_their_stem() {
        assert_eq!(fts5("corupției"), "(\"corupt\"*)");
        assert_eq!(fts5("Corupţia"), "(\"corupt\"*)");
        assert_eq!(fts5("coruptie"), "(\"corupt\"*)");
        assert_eq!(fts5("integritate"), "(\"integr\"*)");
    }

    #[test]
    fn phrases_exclusions_and_alternatives_follow_the_web_search_syntax() {
        assert_eq!(
            fts5("\"conflict de interese\" -sport"),
            "(\"conflict de interese\" NOT \"sport\"*)"
        );
        assert_eq!(fts5("Lugoj or Timiș"), "(\"lugoj\"*) OR (\"timis\"*)");
        // "de" is too common to look for, as on PostgreSQL.
        assert_eq!(fts5("de ISO-37001"), "(\"iso 37001\")");
        assert_eq!(fts5("ghid si ISO"), "(\"ghid\"* AND \"iso\")");
    }

    #[test]
    fn nothing_typed_by_the_user_is_read_as_fts5_syntax() {
        let expression = fts5("a* OR NEAR(b c) ^d {e}:f \"g");
        assert!(!expression.contains("NEAR("), "{expression}");
        for quoted in expression
            .split(['(', ')'])
            .filter(|p| !p.trim().is_empty() && p.trim() != "OR")
        {
            for term in quoted.split(" AND ") {
                let term = term.trim().trim_end_matches('*');
                assert!(term.starts_with('"') && term.ends_with('"'), "{term}");
            }
        }
    }

    #[test]
    fn a_search_for_nothing_is_refused_and_a_blank_one_is_no_search() {
        assert!(SearchQuery::parse("search", "-sport").is_err());
        assert!(SearchQuery::parse("search", "!!! --").is_err());
        assert!(matches!(SearchQuery::parse("search", "   "), Ok(None)));
        let many = "cuvant ".repeat(MAX_TERMS + 1);
        assert!(SearchQuery::parse("search", &many).is_err());
    }

    #[test]
    fn highlighting_matches_the_words_searched_in_any_inflection() {
        let Ok(Some(query)) = SearchQuery::parse("search", "corupție \"bune practici\"") else {
            panic!("parsed");
        };
        for word in ["coruptiei", "coruptia", "bune", "practici"] {
            assert!(query.highlights(word), "{word}");
        }
        assert!(!query.highlights("integritate"));
    }

    #[test]
    fn fingerprints_tell_searches_apart_and_ignore_case() {
        let of = |t: &str| match SearchQuery::parse("search", t) {
            Ok(Some(q)) => q.fingerprint(),
            _ => String::new(),
        };
        assert_eq!(of("Corupție"), of("coruptie"));
        assert_ne!(of("coruptie"), of("integritate"));
    }
}

//! The passage of a hit that shows why it matched, with the matching
//! words marked. Cut here rather than by each database's headline
//! function, so both give the same passage, and returned as parts rather
//! than markup, so a client never has to trust HTML from a file.

use super::query::SearchQuery;
use crate::domain::text::fold;

/// Words shown before the first match.
const BEFORE: usize = 8;
/// Most words in a snippet.
const WORDS: usize = 32;

/// One run of a snippet's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetPart {
    /// The text, as in the record.
    pub text: String,
    /// Whether it is a word the search looks for.
    pub highlighted: bool,
}

/// A passage of a hit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snippet {
    /// Its runs, in order.
    pub parts: Vec<SnippetPart>,
}

/// The words of `text` with their byte ranges.
fn spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

/// The passage of the first of `fields` (most telling first: file text,
/// summary, title) that holds a searched word, around its first one; the
/// start of the first non-empty field when none does (PostgreSQL's stems
/// can match where the prefixes used here do not).
pub fn snippet(query: &SearchQuery, fields: &[&str]) -> Snippet {
    for field in fields {
        let words = spans(field);
        let first = words
            .iter()
            .position(|&(s, e)| query.highlights(&fold(&field[s..e])));
        if let Some(first) = first {
            return passage(query, field, &words, first.saturating_sub(BEFORE));
        }
    }
    fields
        .iter()
        .find(|f| !f.trim().is_empty())
        .map(|field| passage(query, field, &spans(field), 0))
        .unwrap_or_default()
}

/// `WORDS` words of `field` from word `from`, with the matches marked.
fn passage(query: &SearchQuery, field: &str, words: &[(usize, usize)], from: usize) -> Snippet {
    let shown = &words[from.min(words.len())..(from + WORDS).min(words.len())];
    let (Some(&(start, _)), Some(&(_, end))) = (shown.first(), shown.last()) else {
        return Snippet::default();
    };
    let mut parts = Vec::new();
    let mut plain = String::new();
    if from > 0 {
        plain.push('…');
    }
    let mut at = start;
    for &(s, e) in shown {
        plain.push_str(&field[at..s]);
        let word = &field[s..e];
        if query.highlights(&fold(word)) {
            if !plain.is_empty() {
                parts.push(SnippetPart {
                    text: std::mem::take(&mut plain),
                    highlighted: false,
                });
            }
            parts.push(SnippetPart {
                text: word.to_owned(),
                highlighted: true,
            });
        } else {
            plain.push_str(word);
        }
        at = e;
    }
    if end < field.len() && words.len() > from + WORDS {
        plain.push('…');
    }
    if !plain.is_empty() {
        parts.push(SnippetPart {
            text: plain,
            highlighted: false,
        });
    }
    Snippet { parts }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(snippet: &Snippet) -> String {
        snippet
            .parts
            .iter()
            .map(|p| {
                if p.highlighted {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    fn query(text: &str) -> SearchQuery {
        match SearchQuery::parse("search", text) {
            Ok(Some(query)) => query,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_passage_around_the_first_match_is_cut_with_the_matches_marked() {
        let text = format!(
            "{} Declarația privind conflictul de interese se depune anual. {}",
            "Introducere ".repeat(20),
            "Anexa ".repeat(40)
        );
        let cut = rendered(&snippet(&query("conflict interese"), &[&text, "titlu"]));
        assert!(cut.starts_with('…'), "{cut}");
        assert!(cut.ends_with('…'), "{cut}");
        assert!(
            cut.contains("Declarația privind [conflictul] de [interese] se depune anual."),
            "{cut}"
        );
        assert_eq!(cut.split_whitespace().count(), WORDS);
    }

    #[test]
    fn a_later_field_is_used_when_the_first_does_not_match() {
        let cut = rendered(&snippet(
            &query("corupției"),
            &["", "Prevenirea corupției în primării", "Ghid"],
        ));
        assert_eq!(cut, "Prevenirea [corupției] în primării");
    }

    #[test]
    fn without_a_match_the_start_of_the_first_field_is_shown_unmarked() {
        let cut = rendered(&snippet(&query("lexem"), &["", "Un rezumat scurt."]));
        assert_eq!(cut, "Un rezumat scurt");
        assert_eq!(snippet(&query("lexem"), &["", " "]), Snippet::default());
    }
}

//! Text normalisation for search: lower case, no diacritics, so that
//! "coruptie" finds "corupție" and "ISO" finds "iso" on every database with a
//! plain, indexable `LIKE` on a precomputed column.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// Folds `text` to the form stored in `search_text` columns and compared
/// against search terms: NFD-decomposed, combining marks dropped, lower case,
/// runs of whitespace collapsed to one space.
pub fn fold(text: &str) -> String {
    let stripped: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    stripped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Builds a record's `search_text` from its searchable fields.
pub fn searchable(fields: &[&str]) -> String {
    fold(&fields.join(" "))
}

/// Escapes `term` for a `LIKE ... ESCAPE '\'` pattern and wraps it in `%`.
pub fn like_pattern(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    out.push('%');
    for c in fold(term).chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_romanian_diacritics_both_comma_and_cedilla_forms() {
        assert_eq!(fold("Corupție"), "coruptie");
        assert_eq!(fold("corupţie"), "coruptie");
        assert_eq!(fold("Ștefan Județul Timiș"), "stefan judetul timis");
        assert_eq!(fold("Conștientizare ÎNFRĂȚIRE"), "constientizare infratire");
    }

    #[test]
    fn folds_case_and_whitespace() {
        assert_eq!(fold("  ISO   37001\n"), "iso 37001");
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
        assert_eq!(like_pattern("Corupție"), "%coruptie%");
    }
}

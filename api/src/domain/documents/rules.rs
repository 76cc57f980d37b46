//! What an editor may write on a document beyond the text rule of each
//! field: the language code's format and the tag list.

use super::normalize_tag;
use crate::domain::{
    error::{DomainError, DomainResult},
    input::{check_list_len, fields},
};

/// Most tags on one document (each tag's rule is [`fields::TAG`]).
pub const MAX_TAGS: usize = 20;

/// An ISO 639-1 code, lower case. Its format is stricter than the text
/// rule of [`fields::LANGUAGE`]; any refusal names the format.
pub(super) fn checked_language(language: &str) -> DomainResult<String> {
    match fields::LANGUAGE.clean(language).map(|l| l.to_lowercase()) {
        Ok(language) if language.len() == 2 && language.bytes().all(|b| b.is_ascii_lowercase()) => {
            Ok(language)
        }
        _ => Err(DomainError::invalid(
            fields::LANGUAGE.name,
            "the language must be an ISO 639-1 code of two letters, such as \"ro\" or \"en\"",
        )),
    }
}

/// Normalised, de-duplicated, sorted tags.
pub(super) fn checked_tags(tags: &[String]) -> DomainResult<Vec<String>> {
    check_list_len(fields::TAG.name, tags.len())?;
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = normalize_tag(&fields::TAG.clean(tag)?);
        if tag.is_empty() {
            return Err(DomainError::invalid("tags", "a tag may not be empty"));
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(DomainError::invalid(
            "tags",
            format!("a document may have at most {MAX_TAGS} tags"),
        ));
    }
    out.sort();
    Ok(out)
}

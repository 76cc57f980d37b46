//! Opaque global IDs (`base64url("Organization:42")`) and opaque cursors
//! (`base64url("cursor:17")`). Clients must treat both as opaque; anything
//! that does not decode is BAD_USER_INPUT, never a 500.

use async_graphql::ID;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use super::error::ApiError;

/// The types that have global IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// An organization.
    Organization,
    /// An agreement.
    Agreement,
    /// A document.
    Document,
    /// A document version.
    DocumentVersion,
    /// An activity.
    Activity,
    /// A funded project.
    Project,
    /// A result indicator.
    Indicator,
    /// A user (not fetchable through `node`: people are not public).
    User,
    /// A membership (not fetchable through `node`).
    Membership,
    /// An invitation (not fetchable through `node`).
    Invitation,
    /// An API token (not fetchable through `node`).
    ApiToken,
}

impl NodeKind {
    const ALL: [NodeKind; 11] = [
        Self::Organization,
        Self::Agreement,
        Self::Document,
        Self::DocumentVersion,
        Self::Activity,
        Self::Project,
        Self::Indicator,
        Self::User,
        Self::Membership,
        Self::Invitation,
        Self::ApiToken,
    ];

    /// The GraphQL type name, used inside the ID.
    pub fn name(self) -> &'static str {
        match self {
            Self::Organization => "Organization",
            Self::Agreement => "Agreement",
            Self::Document => "Document",
            Self::DocumentVersion => "DocumentVersion",
            Self::Activity => "Activity",
            Self::Project => "Project",
            Self::Indicator => "Indicator",
            Self::User => "User",
            Self::Membership => "Membership",
            Self::Invitation => "Invitation",
            Self::ApiToken => "ApiToken",
        }
    }
}

impl NodeKind {
    /// The kind whose type name is `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// The global ID of record `id` of `kind`.
pub fn encode(kind: NodeKind, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// Decodes any global ID.
pub fn decode_any(id: &str) -> Result<(NodeKind, i64), ApiError> {
    let invalid = || ApiError::bad_input("id", format!("`{id}` is not a valid ID"));
    let bytes = URL_SAFE_NO_PAD
        .decode(id.trim_end_matches('='))
        .map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (name, raw) = text.split_once(':').ok_or_else(invalid)?;
    let kind = NodeKind::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(invalid)?;
    let number = raw
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(invalid)?;
    Ok((kind, number))
}

/// Decodes a global ID that must be of `kind`; `field` names the argument.
pub fn decode(id: &ID, kind: NodeKind, field: &str) -> Result<i64, ApiError> {
    match decode_any(id) {
        Ok((k, n)) if k == kind => Ok(n),
        Ok((k, _)) => Err(ApiError::bad_input(
            field,
            format!(
                "`{field}` must be the ID of a {}, not of a {}",
                kind.name(),
                k.name()
            ),
        )),
        Err(_) => Err(ApiError::bad_input(
            field,
            format!("`{}` is not a valid ID", id.as_str()),
        )),
    }
}

/// Decodes an optional global ID of `kind`.
pub fn decode_opt(id: Option<&ID>, kind: NodeKind, field: &str) -> Result<Option<i64>, ApiError> {
    id.map(|id| decode(id, kind, field)).transpose()
}

/// The cursor of the row at `position` in an ordered result.
pub fn encode_cursor(position: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("cursor:{position}"))
}

/// The position a cursor stands for; `field` is `after` or `before`.
pub fn decode_cursor(cursor: &str, field: &str) -> Result<u64, ApiError> {
    let invalid = || ApiError::bad_input(field, format!("`{field}` is not a valid cursor"));
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim_end_matches('='))
        .map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    text.strip_prefix("cursor:")
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_check_their_type() {
        let id = encode(NodeKind::Agreement, 42);
        assert_eq!(decode_any(&id).ok(), Some((NodeKind::Agreement, 42)));
        assert!(decode(&id, NodeKind::Agreement, "id").is_ok());
        assert!(decode(&id, NodeKind::Document, "id").is_err());
    }

    #[test]
    fn garbage_ids_are_refused() {
        for bad in [
            "",
            "!!!",
            "T3JnYW5pemF0aW9u",
            &URL_SAFE_NO_PAD.encode("Organization:-1"),
            &URL_SAFE_NO_PAD.encode("Nope:1"),
        ] {
            assert!(decode_any(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cursors_round_trip() {
        assert_eq!(decode_cursor(&encode_cursor(17), "after").ok(), Some(17));
        assert!(decode_cursor("bm9wZQ", "after").is_err());
    }
}

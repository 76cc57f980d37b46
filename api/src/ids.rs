//! Public identifiers, the same on every transport: opaque global IDs
//! (`base64url("Organization:42")`) and the opaque wrapping of cursors
//! (whose contents `domain::keyset` defines). GraphQL, the REST downloads and the links in
//! mails all use these, so they live below all three and know none of them.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

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

    /// The kind whose type name is `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// The global ID of record `id` of `kind`.
pub fn global_id(kind: NodeKind, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name()))
}

/// The record a global ID names; `None` for anything that does not decode
/// to a known type and a positive number.
pub fn parse_global_id(id: &str) -> Option<(NodeKind, i64)> {
    let text = decoded(id)?;
    let (name, raw) = text.split_once(':')?;
    let kind = NodeKind::from_name(name)?;
    let number = raw.parse::<i64>().ok().filter(|n| *n > 0)?;
    Some((kind, number))
}

/// The record id in a global ID that must be of `kind`.
pub fn parse_global_id_of(id: &str, kind: NodeKind) -> Option<i64> {
    parse_global_id(id).and_then(|(k, n)| (k == kind).then_some(n))
}

/// `text` as an opaque value (a cursor's contents, say).
pub fn opaque(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

/// The text inside an opaque value made by [`opaque`].
pub fn unopaque(value: &str) -> Option<String> {
    decoded(value)
}

/// The text inside an opaque value (padding tolerated).
fn decoded(value: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(value.trim_end_matches('=')).ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_check_their_type() {
        let id = global_id(NodeKind::Agreement, 42);
        assert_eq!(parse_global_id(&id), Some((NodeKind::Agreement, 42)));
        assert_eq!(parse_global_id_of(&id, NodeKind::Agreement), Some(42));
        assert_eq!(parse_global_id_of(&id, NodeKind::Document), None);
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
            assert_eq!(parse_global_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn opaque_values_round_trip() {
        assert_eq!(unopaque(&opaque("1|a|b")).as_deref(), Some("1|a|b"));
        assert_eq!(unopaque("!!"), None);
    }
}

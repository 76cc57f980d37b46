//! Global IDs and cursors as GraphQL arguments: the encoding is
//! [`crate::ids`]'s; this adds the `ID` type and the BAD_USER_INPUT error
//! naming the argument, so anything that does not decode is never a 500.

use async_graphql::ID;

use crate::ids;
pub use crate::ids::NodeKind;

use super::error::ApiError;

/// The global ID of record `id` of `kind`.
pub fn encode(kind: NodeKind, id: i64) -> ID {
    ID(ids::global_id(kind, id))
}

/// Decodes any global ID.
pub fn decode_any(id: &str) -> Result<(NodeKind, i64), ApiError> {
    ids::parse_global_id(id)
        .ok_or_else(|| ApiError::bad_input("id", format!("`{id}` is not a valid ID")))
}

/// Decodes a global ID that must be of `kind`; `field` names the argument.
pub fn decode(id: &ID, kind: NodeKind, field: &str) -> Result<i64, ApiError> {
    match ids::parse_global_id(id) {
        Some((k, n)) if k == kind => Ok(n),
        Some((k, _)) => Err(ApiError::bad_input(
            field,
            format!(
                "`{field}` must be the ID of a {}, not of a {}",
                kind.name(),
                k.name()
            ),
        )),
        None => Err(ApiError::bad_input(
            field,
            format!("`{}` is not a valid ID", id.as_str()),
        )),
    }
}

/// Decodes an optional global ID of `kind`.
pub fn decode_opt(id: Option<&ID>, kind: NodeKind, field: &str) -> Result<Option<i64>, ApiError> {
    id.map(|id| decode(id, kind, field)).transpose()
}

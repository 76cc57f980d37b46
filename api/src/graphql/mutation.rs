//! Conventions every mutation follows: one `input`, a payload with the
//! resulting object and `userErrors` for what the user can fix (invalid
//! input, an illegal transition, a stale `version`); permission failures,
//! missing records and internal errors stay top-level errors with
//! `extensions.code`. Each mutation runs in one transaction in `domain`.

use async_graphql::SimpleObject;

use super::error::ApiResult;
use crate::domain::error::{DomainError, DomainResult};

/// A problem with a mutation's input that the user can fix.
#[derive(SimpleObject, Debug, Clone)]
pub struct UserError {
    /// The input field at fault, if one is.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// Stable machine-readable reason: `INVALID_INPUT`, `CONFLICT` (stale
    /// version), `ILLEGAL_TRANSITION`, `TAKEN` (a unique value already
    /// used), `LAST_OWNER`, `ALREADY_MEMBER`, ...
    pub code: String,
}

/// Splits a domain result into the value or user errors; everything the
/// user cannot fix (permissions, missing records, the database) stays an
/// error.
pub fn user_errors<T>(result: DomainResult<T>) -> ApiResult<(Option<T>, Vec<UserError>)> {
    match result {
        Ok(value) => Ok((Some(value), Vec::new())),
        Err(DomainError::InvalidInput { field, message }) => Ok((
            None,
            vec![UserError {
                field,
                message,
                code: "INVALID_INPUT".into(),
            }],
        )),
        Err(DomainError::Conflict { code, message }) => Ok((
            None,
            vec![UserError {
                field: None,
                message,
                code: code.into(),
            }],
        )),
        Err(DomainError::Taken { field, message }) => Ok((
            None,
            vec![UserError {
                field: Some(field),
                message,
                code: "TAKEN".into(),
            }],
        )),
        Err(other) => Err(other.into()),
    }
}

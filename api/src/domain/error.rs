//! The domain layer's one error type. Variants say what went wrong in domain
//! terms; the GraphQL layer maps each to a stable `extensions.code` once.

use std::sync::Arc;

use sea_orm::DbErr;

/// Everything a domain operation can fail with.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DomainError {
    /// The record does not exist or the actor may not see it (the two are
    /// deliberately indistinguishable).
    #[error("{entity} not found")]
    NotFound {
        /// What was looked for ("Organization", "Agreement", ...).
        entity: &'static str,
    },
    /// The input breaks a rule the user can fix.
    #[error("{message}")]
    InvalidInput {
        /// Which input field is wrong, when one is.
        field: Option<String>,
        /// What is wrong, in words a user understands.
        message: String,
    },
    /// The change breaks a rule of the current state (e.g. removing the last
    /// OWNER); the user can fix it by doing something else first.
    #[error("{message}")]
    Conflict {
        /// Which rule it breaks.
        reason: Reason,
        /// What is wrong, in words a user understands.
        message: String,
    },
    /// A value that must be unique is already used (slug, fiscal code);
    /// sent as a `TAKEN` user error on `field`.
    #[error("{message}")]
    Taken {
        /// The input field holding the value.
        field: String,
        /// What is taken, in words a user understands.
        message: String,
    },
    /// No valid credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// Valid credentials, but the policy says no.
    #[error("{0}")]
    Forbidden(String),
    /// The database failed; details are logged, never shown to clients.
    #[error("database error: {0}")]
    Database(Arc<DbErr>),
}

impl DomainError {
    /// An [`DomainError::InvalidInput`] about one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: Some(field.into()),
            message: message.into(),
        }
    }
}

impl DomainError {
    /// A [`DomainError::Conflict`].
    pub fn conflict(reason: Reason, message: impl Into<String>) -> Self {
        Self::Conflict {
            reason,
            message: message.into(),
        }
    }
}

impl DomainError {
    /// A [`DomainError::Taken`] about one field.
    pub fn taken(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Taken {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Maps a unique-key violation to [`DomainError::Taken`]: `keys` pairs
    /// a fragment of the violated index's or column's name (as PostgreSQL
    /// and SQLite report it) with the input field and message to report.
    /// Other errors pass through as [`DomainError::Database`].
    pub fn on_unique(err: DbErr, keys: &[(&str, &str, &str)]) -> Self {
        if let Some(sea_orm::SqlErr::UniqueConstraintViolation(detail)) = err.sql_err()
            && let Some((_, field, message)) = keys
                .iter()
                .find(|(fragment, _, _)| detail.contains(fragment))
        {
            return Self::taken(*field, *message);
        }
        err.into()
    }
}

impl From<super::policy::Denied> for DomainError {
    fn from(denied: super::policy::Denied) -> Self {
        match denied {
            super::policy::Denied::NotLoggedIn => Self::Unauthenticated(denied.to_string()),
            other => Self::Forbidden(other.to_string()),
        }
    }
}

impl From<DbErr> for DomainError {
    fn from(err: DbErr) -> Self {
        Self::Database(Arc::new(err))
    }
}

/// Why a change was refused, as clients read it in a user error's `code`:
/// the one list of them (the GraphQL layer adds nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The input breaks a rule ([`DomainError::InvalidInput`]).
    InvalidInput,
    /// A value that must be unique is used ([`DomainError::Taken`]).
    Taken,
    /// The record changed since the client read it (a stale `version`).
    StaleVersion,
    /// The current state does not allow the transition.
    IllegalTransition,
    /// An agreement needs at least two parties to be proposed.
    NotEnoughParties,
    /// Only a party's documents can be linked to an agreement.
    NotAParty,
    /// The organization would be left without an OWNER.
    LastOwner,
    /// The address already belongs to a member.
    AlreadyMember,
    /// The invitation was already accepted.
    AlreadyAccepted,
    /// The organization already co-organizes the activity.
    AlreadyOrganizer,
}

impl Reason {
    /// The code as sent (`ILLEGAL_TRANSITION`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidInput => "INVALID_INPUT",
            Self::Taken => "TAKEN",
            Self::StaleVersion => "CONFLICT",
            Self::IllegalTransition => "ILLEGAL_TRANSITION",
            Self::NotEnoughParties => "NOT_ENOUGH_PARTIES",
            Self::NotAParty => "NOT_A_PARTY",
            Self::LastOwner => "LAST_OWNER",
            Self::AlreadyMember => "ALREADY_MEMBER",
            Self::AlreadyAccepted => "ALREADY_ACCEPTED",
            Self::AlreadyOrganizer => "ALREADY_ORGANIZER",
        }
    }
}

/// Result of a domain operation.
pub type DomainResult<T> = Result<T, DomainError>;

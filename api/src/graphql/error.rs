//! The GraphQL layer's error: every failure a resolver can return, mapped
//! once to a stable `extensions.code`. It deliberately does not implement
//! `Display`, so async-graphql's blanket `From<T: Display>` (which would send
//! `to_string()` to the client) cannot apply: the only way out is the
//! conversion below, which logs internal details and sends a generic message.

use async_graphql::ErrorExtensions;

use crate::domain::error::DomainError;
pub use crate::error_code::{ErrorCode, INTERNAL_MESSAGE};

/// What a resolver returns on failure.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// The record does not exist or is not visible.
    NotFound(&'static str),
    /// The client sent something it can fix.
    BadUserInput {
        /// The offending argument or input field.
        field: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// The change breaks a rule of the current state.
    Conflict {
        /// Stable reason, sent as `extensions.reason`.
        reason: &'static str,
        /// What is wrong.
        message: String,
    },
    /// No valid credentials.
    Unauthenticated(String),
    /// Not allowed.
    Forbidden(String),
    /// A failure the client cannot fix; logged, never sent.
    Internal(String),
}

impl ApiError {
    /// A bad-input error about `field`.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// The code this error is sent with.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::BadUserInput { .. } | Self::Conflict { .. } => ErrorCode::BadUserInput,
            Self::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::NotFound { entity } => Self::NotFound(entity),
            DomainError::InvalidInput { field, message } => Self::BadUserInput { field, message },
            DomainError::Conflict { reason, message } => Self::Conflict {
                reason: reason.as_str(),
                message,
            },
            DomainError::Taken { field, message } => Self::BadUserInput {
                field: Some(field),
                message,
            },
            DomainError::Unauthenticated(message) => Self::Unauthenticated(message),
            DomainError::Forbidden(message) => Self::Forbidden(message),
            DomainError::Database(db) => Self::Internal(format!("database: {db}")),
        }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        let code = err.code();
        let mut reason = None;
        let (message, field) = match err {
            ApiError::NotFound(entity) => (format!("{entity} not found"), None),
            ApiError::BadUserInput { field, message } => (message, field),
            ApiError::Conflict { reason: r, message } => {
                reason = Some(r);
                (message, None)
            }
            ApiError::Unauthenticated(message) | ApiError::Forbidden(message) => (message, None),
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error while resolving");
                (INTERNAL_MESSAGE.to_owned(), None)
            }
        };
        let mut error = async_graphql::Error::new(message);
        error = error.extend_with(|_, ext| {
            ext.set("code", code.as_str());
            if let Some(field) = &field {
                ext.set("field", field.as_str());
            }
            if let Some(reason) = reason {
                ext.set("reason", reason);
            }
        });
        error
    }
}

/// Result of a resolver.
pub type ApiResult<T> = Result<T, ApiError>;

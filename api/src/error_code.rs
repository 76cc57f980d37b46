//! The one registry of error codes Pactum answers with, on every transport
//! (`extensions.code` in GraphQL and in the JSON body of an HTTP error), so
//! a client handles `RATE_LIMITED` the same wherever it meets it.

/// Stable error codes sent as `extensions.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// No valid credentials.
    Unauthenticated,
    /// Credentials valid but not allowed.
    Forbidden,
    /// No such record, or not visible to the actor.
    NotFound,
    /// Input the client can fix (bad ID, cursor, page size, filter...).
    BadUserInput,
    /// The document is not valid GraphQL.
    ParseFailed,
    /// The document does not validate against the schema or the limits.
    ValidationFailed,
    /// The client's budget cannot pay for the operation now (HTTP 429).
    RateLimited,
    /// The HTTP method may not carry this operation (a mutation over GET).
    MethodNotAllowed,
    /// The request body is over the size limit (HTTP 413).
    PayloadTooLarge,
    /// The request body stopped arriving (HTTP 408).
    RequestTimeout,
    /// The HTTP request itself is malformed (no query, bad JSON, bad
    /// multipart form).
    BadRequest,
    /// Anything else; details only in the server log.
    Internal,
}

impl ErrorCode {
    /// The wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::ParseFailed => "GRAPHQL_PARSE_FAILED",
            Self::ValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            Self::RateLimited => "RATE_LIMITED",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::RequestTimeout => "REQUEST_TIMEOUT",
            Self::BadRequest => "BAD_REQUEST",
            Self::Internal => "INTERNAL",
        }
    }
}

/// The message sent for every internal error.
pub const INTERNAL_MESSAGE: &str = "Internal server error";

//! AppError: every failure a client can see, with its HTTP status and a
//! stable code (rendered as problem+json by `http::problem`).

use actix_web::http::StatusCode;

pub use crate::domain::problems::FieldError;
use crate::domain::problems::{BadCursor, Denied, Problems};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{entity} `{key}` not found")]
    NotFound { entity: &'static str, key: String },
    #[error("no route matches {0}")]
    NoRoute(String),
    #[error("{method} is not allowed here (allowed: {allow})")]
    MethodNotAllowed { method: String, allow: String },
    #[error("{0}")]
    Conflict(String),
    #[error("the resource has changed since the ETag given in If-Match")]
    PreconditionFailed,
    #[error("the request body is larger than the limit of {0} bytes")]
    PayloadTooLarge(usize),
    #[error("the request body did not arrive within {0} seconds")]
    RequestTimeout(u64),
    #[error("the request body must be JSON (Content-Type: application/json)")]
    UnsupportedMediaType,
    #[error("the request is invalid")]
    Invalid(Vec<FieldError>),
    #[error("too many requests: try again in {0} s")]
    TooManyRequests(u64),
    #[error("the database is unavailable")]
    Unavailable,
    #[error("the database is unavailable: its disk is full")]
    DiskFull,
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn not_found(entity: &'static str, key: impl Into<String>) -> Self {
        Self::NotFound { entity, key: key.into() }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    /// One line for a person: each field error as `field: message`, joined
    /// with `; ` (the CLI's report, GraphQL's message); else the error's text.
    pub fn describe(&self) -> String {
        match self {
            Self::Invalid(errors) => {
                errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
            }
            other => other.to_string(),
        }
    }

    /// Stable snake_case name of the error, part of the public contract.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound { .. } | Self::NoRoute(_) => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::Conflict(_) => "conflict",
            Self::PreconditionFailed => "precondition_failed",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::RequestTimeout(_) => "request_timeout",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Invalid(_) => "invalid",
            Self::TooManyRequests(_) => "too_many_requests",
            Self::Unavailable | Self::DiskFull => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound { .. } | Self::NoRoute(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable | Self::DiskFull => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<Denied> for AppError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::NoKey(message) => Self::Unauthorized(message),
            Denied::WrongScope(message) => Self::Forbidden(message),
        }
    }
}

impl From<BadCursor> for AppError {
    fn from(error: BadCursor) -> Self {
        Self::BadRequest(error.to_string())
    }
}

impl From<Problems> for AppError {
    fn from(problems: Problems) -> Self {
        Self::Invalid(problems.0)
    }
}

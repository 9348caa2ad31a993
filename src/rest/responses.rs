//! The error responses each kind of route documents in the OpenAPI spec:
//! types that exist only to be described (never built, hence the allows).

use utoipa::IntoResponses;

use crate::http::problem::Problem;

/// Errors of read routes.
#[allow(dead_code)]
#[derive(IntoResponses)]
pub enum ReadErrors {
    /// Malformed request: unknown query parameter, bad value or cursor.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Unknown or revoked API key, or a status filter without a key.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The key's scope is too weak for the status filter asked for.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such content, or not visible to this caller.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Over the rate limit (answers from the response cache never are): see `Retry-After`.
    #[response(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Problem),
    /// The database is unavailable.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// Errors of write routes.
#[allow(dead_code)]
#[derive(IntoResponses)]
pub enum WriteErrors {
    /// Malformed JSON or request.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No key, or an unknown or revoked one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The key's scope is too weak (writes need `write`).
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such content.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// The body did not arrive within the body timeout.
    #[response(status = 408, content_type = "application/problem+json")]
    RequestTimeout(Problem),
    /// Conflict: the slug is taken, or the content is still in use.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// `If-Match` names a representation that is no longer current.
    #[response(status = 412, content_type = "application/problem+json")]
    PreconditionFailed(Problem),
    /// The body is larger than the configured limit.
    #[response(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Problem),
    /// The body is not `application/json`.
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// The body is well-formed but invalid; `errors` names each field.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
    /// Over the rate limit: see `Retry-After`.
    #[response(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Problem),
    /// The database is unavailable.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

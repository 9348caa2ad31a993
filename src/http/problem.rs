//! Errors as RFC 9457 problem documents (`application/problem+json`), the
//! one way every HTTP failure is rendered.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;

/// The problem document sent to clients; internals never leave the process.
pub fn problem(error: &AppError) -> Problem {
    let status = error.status();
    Problem {
        problem_type: format!("https://dateline.dev/problems/{}", error.code()),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: error.to_string(),
        code: error.code().to_owned(),
        errors: match error {
            AppError::Invalid(errors) => Some(errors.iter().map(FieldProblem::from).collect()),
            _ => None,
        },
    }
}

/// An RFC 9457 problem document (`application/problem+json`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://dateline.dev/problems/invalid", "title": "Unprocessable Entity",
    "status": 422, "detail": "the request is invalid", "code": "invalid",
    "errors": [{"field": "headline", "message": "must not be empty"}]
}))]
pub struct Problem {
    /// URI naming the kind of problem.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary: the HTTP reason phrase.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// Stable snake_case error code.
    pub code: String,
    /// Field errors (422 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldProblem>>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(source) = self {
            tracing::error!(error = ?source, "internal error");
        }
        let mut response = HttpResponse::build(self.status());
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let AppError::MethodNotAllowed { allow, .. } = self {
            response.insert_header((header::ALLOW, allow.as_str()));
        }
        if let AppError::TooManyRequests(seconds) = self {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if matches!(self, AppError::Unauthorized(_)) {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.body(serde_json::to_vec(&problem(self)).unwrap_or_default())
    }
}

/// One invalid field of a request body or query.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = FieldError)]
pub struct FieldProblem {
    /// Where the problem is, e.g. `headline`, `bylines[1].author`.
    #[schema(example = "headline")]
    pub field: String,
    /// What is wrong with it.
    #[schema(example = "must not be empty")]
    pub message: String,
}

impl From<&crate::domain::FieldError> for FieldProblem {
    fn from(error: &crate::domain::FieldError) -> Self {
        Self { field: error.field.clone(), message: error.message.clone() }
    }
}

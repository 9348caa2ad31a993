//! What the domain refuses, in its own terms: field errors collected for a
//! whole request, a missing or too weak key, a cursor that is not one.
//! The layers above map them to their own errors (and so to HTTP statuses).

use serde::Serialize;

/// One invalid field of a request body or query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Where the problem is, e.g. `headline`, `bylines[1].author`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// Collects field errors so a client hears about all of them at once.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A request its key does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// No key was given.
    #[error("{0}")]
    NoKey(String),
    /// The key's scope is too weak.
    #[error("{0}")]
    WrongScope(String),
}

/// A cursor that this list did not hand out (`what`: which list).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("parameter `cursor` is not a valid cursor for {0}")]
pub struct BadCursor(pub &'static str);

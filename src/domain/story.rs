//! A plain-text story as the parser reads it (`ingest::plaintext`), before
//! it becomes an article (`service`): both sides name it, so it lives here.

use chrono::{DateTime, Utc};

/// A story read from a file, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    pub headline: String,
    /// Author names in byline order.
    pub bylines: Vec<String>,
    pub published_at: DateTime<Utc>,
    /// CommonMark.
    pub body: String,
    /// What was left out of the body, for the import report.
    pub dropped: Vec<Dropped>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DroppedKind {
    Furniture,
    Promo,
}

/// A block left out of the body, named by its first words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub kind: DroppedKind,
    pub first_words: String,
}

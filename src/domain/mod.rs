//! Pure types and rules: slugs, statuses, visibility, filters, cursors,
//! validation and body rendering. Depends on nothing else in the crate,
//! nor on any web, database or API-description framework.

pub mod access;
pub mod article;
pub mod change;
pub mod control;
pub mod filter;
pub mod problems;
pub mod rules;
pub mod search;
pub mod slug;
pub mod snapshot;
pub mod snippet;
pub mod story;
pub mod text;
pub mod time;

pub use access::{Scope, Viewer};
pub use article::*;
pub use change::{Change, Dep};
pub use filter::*;
pub use problems::{Denied, FieldError, Problems};
pub use rules::*;
pub use search::SearchQuery;
pub use slug::{Reference, Slug};

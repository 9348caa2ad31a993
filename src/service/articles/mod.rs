//! Article use cases: read with visibility applied, list, write, publish,
//! and related links.

mod read;
mod write;

pub use read::*;
pub(crate) use write::write_article;
pub use write::{create, delete, publish, set_related, unpublish, update};

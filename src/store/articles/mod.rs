//! Article queries: one keyset list for every article list, a lookup by id or
//! slug, writes, and the batched loading of tags, bylines and related links.

mod list;
mod read;
mod write;

pub use list::list;
pub use read::*;
pub use write::*;

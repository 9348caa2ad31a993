//! DataLoaders: one per request (they carry the viewer), batching nested reads.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use async_graphql::ErrorExtensions;

use crate::domain::Viewer;
use crate::service::articles::{self, ResolvedLink};
use crate::store::Db;

/// Related links of many articles, with their targets in full: a fixed number
/// of statements per batch.
pub struct RelatedLoader {
    pub db: Db,
    pub viewer: Viewer,
}

impl Loader<i64> for RelatedLoader {
    type Value = Vec<ResolvedLink>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        articles::related_of_many(&self.db, &self.viewer, keys.to_vec()).await.map_err(|e| e.extend())
    }
}

//! The rendered-response cache: keyless 200 responses kept with their
//! bodies (plain and gzip) and headers, each stamped with the deps it was
//! built from, so a hit costs no SQL and no serialisation, and a change
//! makes stale exactly the responses that depend on it (`Freshness`,
//! owned by the store, says which).

use std::io::Write;
use std::sync::Arc;

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest};
use quick_cache::sync::Cache;

use crate::domain::Dep;
use crate::freshness::{Freshness, Stamp, Ticket};

/// What a response was built from. A handler that declares it makes its
/// keyless 200 responses cacheable; one that does not is never cached.
#[derive(Debug, Default)]
pub struct Dependencies(pub Vec<Dep>);

/// Declares what this request's response is built from.
pub fn depends_on(req: &HttpRequest, deps: impl IntoIterator<Item = Dep>) {
    req.extensions_mut().insert(Dependencies(deps.into_iter().collect()));
}

/// A rendered 200 response, ready to send again.
pub struct CachedResponse {
    pub body: Bytes,
    /// The same body, gzip-compressed once when it was stored.
    pub gzip: Bytes,
    pub etag: String,
    /// Headers to send with it (content type, ETag, Cache-Control, Link…).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// `None` for a response rendered while something changed: sent once, never kept.
    stamp: Option<Stamp>,
}

impl CachedResponse {
    /// Roughly the bytes it holds: both bodies, the headers and deps, and
    /// a fixed share for the allocations themselves.
    fn weight(&self) -> u64 {
        let headers: usize = self.headers.iter().map(|(name, value)| name.as_str().len() + value.len() + 64).sum();
        let stamp = self.stamp.as_ref().map_or(0, Stamp::weight);
        (self.body.len() + self.gzip.len() + self.etag.len() + headers + 160) as u64 + stamp
    }
}

#[derive(Clone)]
struct ByWeight;

impl quick_cache::Weighter<String, Arc<CachedResponse>> for ByWeight {
    fn weight(&self, key: &String, value: &Arc<CachedResponse>) -> u64 {
        key.len() as u64 + value.weight()
    }
}

/// A response, as handed to `ResponseCache::store`.
pub struct Rendered {
    pub body: Bytes,
    pub etag: String,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

pub struct ResponseCache {
    entries: Option<Cache<String, Arc<CachedResponse>, ByWeight>>,
    freshness: Arc<Freshness>,
}

impl ResponseCache {
    /// A cache holding up to `capacity_bytes` of responses; 0 turns it off.
    pub fn new(capacity_bytes: u64, freshness: Arc<Freshness>) -> Self {
        let entries = (capacity_bytes > 0).then(|| {
            let estimated_items = (capacity_bytes / 4096).clamp(16, 1 << 20) as usize;
            Cache::with_weighter(estimated_items, capacity_bytes, ByWeight)
        });
        Self { entries, freshness }
    }

    pub fn is_enabled(&self) -> bool {
        self.entries.is_some()
    }

    /// Whether a request whose URL does not name it (GraphQL over POST) may
    /// share cached responses: keyless ones, with the cache on. Most GraphQL
    /// clients send queries with POST, so a section front asked for that way
    /// is served from memory too. Keyed requests never are.
    pub fn shared_with(&self, headers: &actix_web::http::header::HeaderMap) -> bool {
        self.is_enabled() && !headers.contains_key(actix_web::http::header::AUTHORIZATION)
    }

    /// The response stored under `key`, if it is still true; a stale one is dropped.
    pub fn get(&self, key: &str) -> Option<Arc<CachedResponse>> {
        let entries = self.entries.as_ref()?;
        let entry = entries.get(key)?;
        if entry.stamp.as_ref().is_some_and(|stamp| self.freshness.is_fresh(stamp)) {
            Some(entry)
        } else {
            entries.remove(key);
            None
        }
    }

    /// Taken before a response is rendered; `None` when nothing may be stored now.
    pub fn ticket(&self) -> Option<Ticket> {
        self.entries.as_ref().and(self.freshness.ticket())
    }

    /// Stores a response rendered under `ticket`, unless something changed
    /// meanwhile (it may have been rendered from what was true before).
    /// Returns the entry either way, for the request that rendered it.
    pub fn store(&self, ticket: Ticket, key: String, deps: &[Dep], rendered: Rendered) -> Arc<CachedResponse> {
        let entry = Arc::new(CachedResponse {
            gzip: gzip(&rendered.body),
            body: rendered.body,
            etag: rendered.etag,
            headers: rendered.headers,
            stamp: self.freshness.stamp(ticket, deps),
        });
        if let (Some(entries), Some(_)) = (&self.entries, &entry.stamp) {
            entries.insert(key, Arc::clone(&entry));
        }
        entry
    }
}

fn gzip(body: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::default());
    match encoder.write_all(body).and_then(|()| encoder.finish()) {
        Ok(compressed) => Bytes::from(compressed),
        // Writing to a Vec cannot fail; an empty gzip body is never served
        // (`serve_cached::replay` checks the length).
        Err(_) => Bytes::new(),
    }
}

//! The in-process cache of rendered public responses: bodies (plain and
//! gzip) with their headers, each remembering the deps it was built from,
//! so a hit costs no SQL and no serialisation, and a write invalidates
//! exactly the responses that depend on what it changed.
//!
//! Invalidation is by generation: every `Dep` has a counter, an entry keeps
//! the counters it saw, and a change bumps the counters of its deps. A
//! global epoch, bumped by every change, lets a hit skip the counter check
//! when nothing changed since the entry was last checked.
//!
//! Two races are closed here rather than left to luck: a response rendered
//! before a write but stored after it is refused (its ticket's epoch is
//! old), and a scheduled article going public needs no write at all, so the
//! cache serves nothing past the next scheduled publication (`horizon`)
//! until it has been emptied and the horizon read again.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest};
use chrono::{DateTime, Utc};
use quick_cache::sync::Cache;

use crate::domain::{Change, Dep};

/// The horizon has to be read from the store before anything is cached.
const HORIZON_UNKNOWN: i64 = i64::MIN;
/// Nothing is scheduled.
const HORIZON_NONE: i64 = i64::MAX;

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
    deps: Vec<(Dep, u64)>,
    checked_epoch: AtomicU64,
}

impl CachedResponse {
    /// Roughly the bytes it holds: both bodies, the headers and deps, and
    /// a fixed share for the allocations themselves.
    fn weight(&self) -> u64 {
        let headers: usize = self.headers.iter().map(|(name, value)| name.as_str().len() + value.len() + 64).sum();
        (self.body.len() + self.gzip.len() + self.etag.len() + headers + self.deps.len() * 24 + 192) as u64
    }
}

#[derive(Clone)]
struct ByWeight;

impl quick_cache::Weighter<String, Arc<CachedResponse>> for ByWeight {
    fn weight(&self, key: &String, value: &Arc<CachedResponse>) -> u64 {
        key.len() as u64 + value.weight()
    }
}

/// Generations of the deps that changed at least once, and the epoch they
/// belong to; one lock so that both are always read together.
#[derive(Default)]
struct Validity {
    generations: HashMap<Dep, u64>,
    epoch: u64,
}

impl Validity {
    fn generation(&self, dep: &Dep) -> u64 {
        self.generations.get(dep).copied().unwrap_or(0)
    }
}

/// Taken before rendering a response; storing it checks nothing changed since.
#[derive(Debug, Clone, Copy)]
pub struct Ticket {
    epoch: u64,
}

/// A response, as handed to `ResponseCache::store`.
pub struct Rendered {
    pub body: Bytes,
    pub etag: String,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

pub struct ResponseCache {
    entries: Option<Cache<String, Arc<CachedResponse>, ByWeight>>,
    validity: RwLock<Validity>,
    /// `validity.epoch`, readable without the lock on the hit path.
    epoch: AtomicU64,
    /// Microseconds since the epoch of the next scheduled publication.
    horizon: AtomicI64,
    reading_horizon: AtomicBool,
    /// Names this process in notifications, so it can skip its own.
    origin: String,
}

impl ResponseCache {
    /// A cache holding up to `capacity_bytes` of responses; 0 turns it off.
    pub fn new(capacity_bytes: u64) -> Self {
        let entries = (capacity_bytes > 0).then(|| {
            let estimated_items = (capacity_bytes / 4096).clamp(16, 1 << 20) as usize;
            Cache::with_weighter(estimated_items, capacity_bytes, ByWeight)
        });
        Self {
            entries,
            validity: RwLock::new(Validity::default()),
            epoch: AtomicU64::new(0),
            horizon: AtomicI64::new(HORIZON_UNKNOWN),
            reading_horizon: AtomicBool::new(false),
            origin: uuid::Uuid::new_v4().simple().to_string(),
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.entries.is_some()
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    fn before_horizon(&self) -> bool {
        Utc::now().timestamp_micros() < self.horizon.load(Ordering::Acquire)
    }

    /// The response stored under `key`, if it is still true.
    pub fn get(&self, key: &str) -> Option<Arc<CachedResponse>> {
        let entries = self.entries.as_ref()?;
        if !self.before_horizon() {
            return None;
        }
        let entry = entries.get(key)?;
        if entry.checked_epoch.load(Ordering::Acquire) == self.epoch.load(Ordering::Acquire) {
            return Some(entry);
        }
        let validity = self.validity.read().ok()?;
        if entry.deps.iter().all(|(dep, generation)| validity.generation(dep) == *generation) {
            entry.checked_epoch.store(validity.epoch, Ordering::Release);
            Some(entry)
        } else {
            None
        }
    }

    /// Taken before a response is rendered; `None` when nothing may be stored now.
    pub fn ticket(&self) -> Option<Ticket> {
        if self.entries.is_none() || !self.before_horizon() {
            return None;
        }
        Some(Ticket { epoch: self.epoch.load(Ordering::Acquire) })
    }

    /// Stores a response rendered under `ticket`, unless something changed
    /// meanwhile (it may have been rendered from what was true before).
    /// Returns the entry either way, for the request that rendered it.
    pub fn store(&self, ticket: Ticket, key: String, deps: &[Dep], rendered: Rendered) -> Arc<CachedResponse> {
        let gzip = gzip(&rendered.body);
        let mut entry = CachedResponse {
            body: rendered.body,
            gzip,
            etag: rendered.etag,
            headers: rendered.headers,
            deps: Vec::new(),
            checked_epoch: AtomicU64::new(u64::MAX),
        };
        let (Some(entries), Ok(validity)) = (self.entries.as_ref(), self.validity.read()) else {
            return Arc::new(entry);
        };
        if validity.epoch != ticket.epoch {
            return Arc::new(entry);
        }
        entry.deps = deps.iter().map(|dep| (*dep, validity.generation(dep))).collect();
        entry.checked_epoch = AtomicU64::new(validity.epoch);
        let entry = Arc::new(entry);
        entries.insert(key, Arc::clone(&entry));
        entry
    }

    /// Forgets what these committed changes made stale.
    pub fn apply(&self, changes: &[Change]) {
        if changes.is_empty() {
            return;
        }
        let mut validity = match self.validity.write() {
            Ok(validity) => validity,
            Err(poisoned) => poisoned.into_inner(),
        };
        for change in changes {
            match change.invalidates() {
                Some(deps) => {
                    for dep in deps {
                        *validity.generations.entry(dep).or_insert(0) += 1;
                    }
                }
                None => {
                    if let Some(entries) = &self.entries {
                        entries.clear();
                    }
                    // An import may have scheduled anything.
                    self.horizon.store(HORIZON_UNKNOWN, Ordering::Release);
                }
            }
            if let Change::Article { publishes_at: Some(at), .. } = change {
                self.horizon.fetch_min(at.timestamp_micros(), Ordering::AcqRel);
            }
        }
        validity.epoch += 1;
        self.epoch.store(validity.epoch, Ordering::Release);
    }

    /// Whether the caller should read the next scheduled publication from
    /// the store now (at most one caller at a time is told so). When the
    /// horizon has passed, everything is forgotten first.
    pub fn claim_horizon_read(&self) -> Option<Ticket> {
        if self.entries.is_none() || self.before_horizon() {
            return None;
        }
        if self.reading_horizon.swap(true, Ordering::AcqRel) {
            return None;
        }
        if self.horizon.load(Ordering::Acquire) != HORIZON_UNKNOWN {
            self.apply(&[Change::Everything]);
        }
        Some(Ticket { epoch: self.epoch.load(Ordering::Acquire) })
    }

    /// Records the next scheduled publication, read under `ticket`
    /// (`None`: nothing is scheduled; `Err`: the read failed, try again later).
    pub fn finish_horizon_read(&self, ticket: Ticket, next: Result<Option<DateTime<Utc>>, ()>) {
        if let Ok(next) = next {
            let at = next.map(|at| at.timestamp_micros()).unwrap_or(HORIZON_NONE);
            // Under the lock, so a change that scheduled something meanwhile
            // is never overwritten with an older reading.
            if let Ok(validity) = self.validity.read() {
                if validity.epoch == ticket.epoch {
                    self.horizon.store(at, Ordering::Release);
                }
            }
        }
        self.reading_horizon.store(false, Ordering::Release);
    }

    /// Applies a notification from another process (`origin change…`);
    /// one that cannot be read empties the cache rather than risk staleness.
    pub fn apply_notification(&self, payload: &str) {
        let mut words = payload.split_ascii_whitespace();
        if words.next() == Some(self.origin.as_str()) {
            return;
        }
        let changes: Option<Vec<Change>> = words.map(Change::decode).collect();
        match changes {
            Some(changes) => self.apply(&changes),
            None => self.apply(&[Change::Everything]),
        }
    }

    /// The notification text for these changes, within PostgreSQL's 8,000-byte limit.
    pub fn notification(&self, changes: &[Change]) -> String {
        let mut text = self.origin.clone();
        for change in changes {
            text.push(' ');
            text.push_str(&change.encode());
        }
        if text.len() > 7_000 {
            text = format!("{} *", self.origin);
        }
        text
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.entries.as_ref().is_none_or(|e| e.is_empty())
    }
}

fn gzip(body: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::default());
    match encoder.write_all(body).and_then(|()| encoder.finish()) {
        Ok(compressed) => Bytes::from(compressed),
        // Writing to a Vec cannot fail; an empty gzip body is never served
        // (`get` callers check the length).
        Err(_) => Bytes::new(),
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    fn rendered(text: &str) -> Rendered {
        Rendered { body: Bytes::from(text.to_owned()), etag: "\"e\"".into(), headers: Vec::new() }
    }

    fn ready_cache() -> ResponseCache {
        let cache = ResponseCache::new(1 << 20);
        let ticket = cache.claim_horizon_read().expect("first read of the horizon");
        cache.finish_horizon_read(ticket, Ok(None));
        cache
    }

    #[test]
    fn a_change_invalidates_only_what_depends_on_it() {
        let cache = ready_cache();
        let ticket = cache.ticket().expect("ticket");
        cache.store(ticket, "/one".into(), &[Dep::Article(1)], rendered("one"));
        cache.store(ticket, "/two".into(), &[Dep::Article(2)], rendered("two"));
        cache.store(ticket, "/authors".into(), &[Dep::Authors], rendered("authors"));
        cache.apply(&[Change::Article { id: 1, publishes_at: None }]);
        assert!(cache.get("/one").is_none());
        assert_eq!(cache.get("/two").map(|e| e.body.clone()), Some(Bytes::from("two")));
        assert!(cache.get("/authors").is_some());
        cache.apply(&[Change::Author(9)]);
        assert!(cache.get("/authors").is_none());
    }

    #[test]
    fn a_response_rendered_before_a_change_is_not_stored_after_it() {
        let cache = ready_cache();
        let ticket = cache.ticket().expect("ticket");
        cache.apply(&[Change::Tag(3)]);
        cache.store(ticket, "/stale".into(), &[Dep::Article(1)], rendered("stale"));
        assert!(cache.get("/stale").is_none());
    }

    #[test]
    fn nothing_is_served_past_a_scheduled_publication() {
        let cache = ready_cache();
        let soon = Utc::now() + chrono::Duration::milliseconds(30);
        cache.apply(&[Change::Article { id: 5, publishes_at: Some(soon) }]);
        let ticket = cache.ticket().expect("before the horizon");
        cache.store(ticket, "/list".into(), &[Dep::ArticleSet], rendered("list"));
        assert!(cache.get("/list").is_some());
        std::thread::sleep(std::time::Duration::from_millis(40));
        assert!(cache.get("/list").is_none());
        assert!(cache.ticket().is_none());
        let read = cache.claim_horizon_read().expect("the horizon passed");
        assert!(cache.is_empty());
        cache.finish_horizon_read(read, Ok(None));
        assert!(cache.ticket().is_some());
    }

    #[test]
    fn notifications_from_elsewhere_apply_and_our_own_are_skipped() {
        let cache = ready_cache();
        let ticket = cache.ticket().expect("ticket");
        cache.store(ticket, "/one".into(), &[Dep::Article(1)], rendered("one"));
        cache.apply_notification(&cache.notification(&[Change::Article { id: 1, publishes_at: None }]));
        assert!(cache.get("/one").is_some(), "our own notification");
        cache.apply_notification("someone-else a1");
        assert!(cache.get("/one").is_none());
        let ticket = cache.ticket().expect("ticket");
        cache.store(ticket, "/two".into(), &[Dep::Article(2)], rendered("two"));
        cache.apply_notification("someone-else gibberish");
        assert!(cache.get("/two").is_none(), "unreadable notifications empty the cache");
    }
}

//! What is still true: generations of every `Dep`, bumped by each committed
//! change, so a response built from deps can tell later whether any of them
//! changed. Owned by the store (its commits and its listeners for other
//! processes' changes drive it); read by the HTTP response cache, which
//! keeps the bodies. Nothing here knows about HTTP.
//!
//! A global epoch, bumped by every change, lets a check skip the
//! generations when nothing changed since the entry was last checked.
//!
//! Two races are closed here rather than left to luck: a response rendered
//! before a change but stored after it is refused (its ticket's epoch is
//! old), and a scheduled article going public needs no write at all, so
//! nothing counts as fresh past the next scheduled publication (`horizon`)
//! until everything has been forgotten and the horizon read again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::RwLock;

use chrono::{DateTime, Utc};

use crate::domain::{Change, Dep};

/// The horizon has to be read from the store before anything is fresh.
const HORIZON_UNKNOWN: i64 = i64::MIN;
/// Nothing is scheduled.
const HORIZON_NONE: i64 = i64::MAX;

/// Generations of the deps that changed at least once, how often
/// everything was forgotten, and the epoch they belong to; one lock so that
/// all are always read together.
#[derive(Default)]
struct Validity {
    generations: HashMap<Dep, u64>,
    resets: u64,
    epoch: u64,
}

impl Validity {
    fn generation(&self, dep: &Dep) -> u64 {
        self.generations.get(dep).copied().unwrap_or(0)
    }
}

/// Taken before a response is rendered; stamping it checks nothing changed since.
#[derive(Debug, Clone, Copy)]
pub struct Ticket {
    epoch: u64,
}

/// The generations a rendered response saw of the deps it was built from.
#[derive(Debug)]
pub struct Stamp {
    deps: Vec<(Dep, u64)>,
    resets: u64,
    checked_epoch: AtomicU64,
}

impl Stamp {
    /// Roughly the bytes it holds.
    pub fn weight(&self) -> u64 {
        (self.deps.len() * 24 + 32) as u64
    }
}

pub struct Freshness {
    validity: RwLock<Validity>,
    /// `validity.epoch`, readable without the lock on the hit path.
    epoch: AtomicU64,
    /// Microseconds since the epoch of the next scheduled publication.
    horizon: AtomicI64,
    reading_horizon: AtomicBool,
    /// Names this process in notifications, so it can skip its own.
    origin: String,
}

impl Default for Freshness {
    fn default() -> Self {
        Self {
            validity: RwLock::new(Validity::default()),
            epoch: AtomicU64::new(0),
            horizon: AtomicI64::new(HORIZON_UNKNOWN),
            reading_horizon: AtomicBool::new(false),
            origin: uuid::Uuid::new_v4().simple().to_string(),
        }
    }
}

impl Freshness {
    fn before_horizon(&self) -> bool {
        Utc::now().timestamp_micros() < self.horizon.load(Ordering::Acquire)
    }

    /// Taken before a response is rendered; `None` when nothing may be kept now.
    pub fn ticket(&self) -> Option<Ticket> {
        self.before_horizon().then(|| Ticket { epoch: self.epoch.load(Ordering::Acquire) })
    }

    /// The stamp of a response rendered under `ticket` from `deps`; `None`
    /// when something changed meanwhile (it may show what was true before).
    pub fn stamp(&self, ticket: Ticket, deps: &[Dep]) -> Option<Stamp> {
        let validity = self.validity.read().ok()?;
        (validity.epoch == ticket.epoch).then(|| Stamp {
            deps: deps.iter().map(|dep| (*dep, validity.generation(dep))).collect(),
            resets: validity.resets,
            checked_epoch: AtomicU64::new(validity.epoch),
        })
    }

    /// Whether nothing a stamped response was built from has changed.
    pub fn is_fresh(&self, stamp: &Stamp) -> bool {
        if !self.before_horizon() {
            return false;
        }
        if stamp.checked_epoch.load(Ordering::Acquire) == self.epoch.load(Ordering::Acquire) {
            return true;
        }
        let Ok(validity) = self.validity.read() else { return false };
        let fresh = validity.resets == stamp.resets
            && stamp.deps.iter().all(|(dep, generation)| validity.generation(dep) == *generation);
        if fresh {
            stamp.checked_epoch.store(validity.epoch, Ordering::Release);
        }
        fresh
    }

    /// Records committed changes: what depends on them is stale from now on.
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
                    validity.resets += 1;
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
        if self.before_horizon() || self.reading_horizon.swap(true, Ordering::AcqRel) {
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
    /// one that cannot be read forgets everything rather than risk staleness.
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
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    fn ready() -> Freshness {
        let freshness = Freshness::default();
        let ticket = freshness.claim_horizon_read().expect("first read of the horizon");
        freshness.finish_horizon_read(ticket, Ok(None));
        freshness
    }

    fn stamp(freshness: &Freshness, deps: &[Dep]) -> Stamp {
        freshness.stamp(freshness.ticket().expect("ticket"), deps).expect("stamp")
    }

    #[test]
    fn a_change_makes_stale_only_what_depends_on_it() {
        let freshness = ready();
        let one = stamp(&freshness, &[Dep::Article(1)]);
        let two = stamp(&freshness, &[Dep::Article(2)]);
        let authors = stamp(&freshness, &[Dep::Authors]);
        freshness.apply(&[Change::Article { id: 1, publishes_at: None }]);
        assert!(!freshness.is_fresh(&one));
        assert!(freshness.is_fresh(&two));
        assert!(freshness.is_fresh(&authors));
        freshness.apply(&[Change::Author(9)]);
        assert!(!freshness.is_fresh(&authors));
        freshness.apply(&[Change::Everything]);
        assert!(!freshness.is_fresh(&two), "everything forgotten");
    }

    #[test]
    fn a_response_rendered_before_a_change_gets_no_stamp() {
        let freshness = ready();
        let ticket = freshness.ticket().expect("ticket");
        freshness.apply(&[Change::Tag(3)]);
        assert!(freshness.stamp(ticket, &[Dep::Article(1)]).is_none());
    }

    #[test]
    fn nothing_is_fresh_past_a_scheduled_publication() {
        let freshness = ready();
        let soon = Utc::now() + chrono::Duration::milliseconds(30);
        freshness.apply(&[Change::Article { id: 5, publishes_at: Some(soon) }]);
        let list = stamp(&freshness, &[Dep::ArticleSet]);
        assert!(freshness.is_fresh(&list));
        std::thread::sleep(std::time::Duration::from_millis(40));
        assert!(!freshness.is_fresh(&list));
        assert!(freshness.ticket().is_none());
        let read = freshness.claim_horizon_read().expect("the horizon passed");
        freshness.finish_horizon_read(read, Ok(None));
        assert!(freshness.ticket().is_some());
        assert!(!freshness.is_fresh(&list), "forgotten when the horizon passed");
    }

    #[test]
    fn notifications_from_elsewhere_apply_and_our_own_are_skipped() {
        let freshness = ready();
        let one = stamp(&freshness, &[Dep::Article(1)]);
        freshness.apply_notification(&freshness.notification(&[Change::Article { id: 1, publishes_at: None }]));
        assert!(freshness.is_fresh(&one), "our own notification");
        freshness.apply_notification("someone-else a1");
        assert!(!freshness.is_fresh(&one));
        let two = stamp(&freshness, &[Dep::Article(2)]);
        freshness.apply_notification("someone-else gibberish");
        assert!(!freshness.is_fresh(&two), "unreadable notifications forget everything");
    }
}

//! The buckets behind rate limits: one per API key, or per client address
//! for keyless callers, and what a counted response says about them (the
//! IETF `RateLimit-Policy` and `RateLimit` fields, draft-ietf-httpapi-
//! ratelimit-headers). Which requests count is `http::rate_limit`'s.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Weak;
use std::time::Duration;

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::config::{Rate, TrustedProxies};
use crate::error::AppError;

/// The two fields every counted response carries.
pub const RATE_LIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
pub const RATE_LIMIT: HeaderName = HeaderName::from_static("ratelimit");

/// The client's address: the peer's, unless the peer is a trusted proxy;
/// then the nearest `X-Forwarded-For` entry that is not one of ours (the
/// entries left of it could be written by anyone).
pub fn client_address(proxies: &TrustedProxies, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
    let peer = peer?;
    if !proxies.trusts(peer) {
        return Some(peer);
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    let mut client = peer;
    for entry in forwarded.iter().rev() {
        let Ok(address) = entry.parse::<IpAddr>() else { break };
        client = address;
        if !proxies.trusts(address) {
            break;
        }
    }
    Some(client)
}

/// The bucket of a rate: refills at the rate, holds twice its amount (the burst).
fn quota(rate: Rate) -> Option<Quota> {
    let requests = NonZeroU32::new(rate.requests)?;
    let burst = NonZeroU32::new(rate.requests.saturating_mul(2))?;
    Quota::with_period(rate.per / requests.get()).map(|quota| quota.allow_burst(burst))
}

type Bucket<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

/// One limiter: its policy's name, its quota and a bucket per caller.
struct Policy<K: std::hash::Hash + Eq + Clone> {
    name: &'static str,
    quota: Quota,
    buckets: Bucket<K>,
}

impl<K: std::hash::Hash + Eq + Clone> Policy<K> {
    fn new(name: &'static str, rate: Rate) -> Option<Self> {
        let quota = quota(rate)?;
        Some(Self { name, quota, buckets: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>() })
    }

    fn admit(&self, caller: &K) -> Result<Admission, Admission> {
        let (burst, full_in) = (self.quota.burst_size().get(), self.quota.burst_size_replenished_in());
        let admission = |remaining: u32, reset: Duration| Admission {
            policy: self.name,
            quota: burst,
            window: full_in,
            remaining,
            reset,
        };
        match self.buckets.check_key(caller) {
            Ok(state) => {
                let remaining = state.remaining_burst_capacity();
                let used = burst.saturating_sub(remaining);
                Ok(admission(remaining, self.quota.replenish_interval() * used))
            }
            Err(refused) => Err(admission(0, refused.wait_time_from(DefaultClock::default().now()))),
        }
    }

    /// Forgets callers whose buckets are full again: memory stays bounded by
    /// the callers of the last few seconds.
    fn forget_idle(&self) {
        self.buckets.retain_recent();
        self.buckets.shrink_to_fit();
    }
}

/// The limits of one server: keyless callers by address, keyed ones by key.
pub struct RateLimits {
    keyless: Option<Policy<IpAddr>>,
    keyed: Option<Policy<i64>>,
    proxies: TrustedProxies,
}

impl RateLimits {
    pub fn new(keyless: Rate, keyed: Rate, proxies: TrustedProxies) -> Self {
        Self { keyless: Policy::new("keyless", keyless), keyed: Policy::new("keyed", keyed), proxies }
    }

    pub fn is_enabled(&self) -> bool {
        self.keyless.is_some() || self.keyed.is_some()
    }

    pub fn forget_idle(&self) {
        self.keyless.iter().for_each(Policy::forget_idle);
        self.keyed.iter().for_each(Policy::forget_idle);
    }

    /// Counts one request of this caller: a key that authenticated counts
    /// against its own bucket, anything else (no key, a wrong one) against
    /// its address's, so made-up keys buy no extra requests.
    pub fn admit(
        &self,
        key: Option<i64>,
        peer: Option<IpAddr>,
        headers: &HeaderMap,
    ) -> Option<Result<Admission, Admission>> {
        if let Some(key) = key {
            return self.keyed.as_ref().map(|policy| policy.admit(&key));
        }
        let address = client_address(&self.proxies, peer, headers)?;
        self.keyless.as_ref().map(|policy| policy.admit(&address))
    }
}

/// Forgets idle callers every 10 s on a thread of its own, for as long as
/// the limits exist.
pub fn forget_idle_callers(limits: Weak<RateLimits>) {
    if limits.upgrade().is_some_and(|limits| !limits.is_enabled()) {
        return;
    }
    let spawned = std::thread::Builder::new().name("dateline-rate-limits".into()).spawn(move || loop {
        std::thread::sleep(Duration::from_secs(10));
        match limits.upgrade() {
            Some(limits) => limits.forget_idle(),
            None => return,
        }
    });
    if let Err(error) = spawned {
        tracing::warn!(%error, "cannot start the rate-limit upkeep thread; idle callers are kept");
    }
}

/// What a counted response tells its caller about the limit.
#[derive(Debug, Clone, Copy)]
pub struct Admission {
    policy: &'static str,
    quota: u32,
    window: Duration,
    remaining: u32,
    reset: Duration,
}

impl Admission {
    /// Adds `RateLimit-Policy` and `RateLimit` to a response.
    pub fn stamp(&self, headers: &mut HeaderMap) {
        let window = whole_seconds(self.window);
        let policy = format!("\"{}\";q={};w={window}", self.policy, self.quota);
        let current = format!("\"{}\";r={};t={}", self.policy, self.remaining, whole_seconds(self.reset));
        for (name, value) in [(RATE_LIMIT_POLICY, policy), (RATE_LIMIT, current)] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
    }

    /// The 429 this caller gets, with the fields.
    pub fn refusal(&self) -> HttpResponse {
        let retry_after = whole_seconds(self.reset);
        let mut response = AppError::TooManyRequests(retry_after).error_response();
        self.stamp(response.headers_mut());
        response
    }
}

/// Seconds rounded up: a client that waits that long is admitted.
fn whole_seconds(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_and_refuse_nonsense() {
        assert_eq!("100/s".parse::<Rate>(), Ok(Rate { requests: 100, per: Duration::from_secs(1) }));
        assert_eq!(" 6000/m ".parse::<Rate>().map(|r| r.per), Ok(Duration::from_secs(60)));
        assert_eq!("0".parse::<Rate>(), Ok(Rate::OFF));
        assert!(quota(Rate::OFF).is_none());
        assert_eq!(quota(Rate { requests: 100, per: Duration::from_secs(1) }).map(|q| q.burst_size().get()), Some(200));
        for wrong in ["", "100", "100/d", "x/s", "-1/s"] {
            assert!(wrong.parse::<Rate>().is_err(), "{wrong}");
        }
    }

    #[test]
    fn forwarded_addresses_count_only_behind_trusted_proxies() {
        let proxies: TrustedProxies = "10.0.0.0/8, 192.168.1.1".parse().unwrap_or_default();
        let mut headers = HeaderMap::new();
        headers
            .insert(HeaderName::from_static("x-forwarded-for"), HeaderValue::from_static("1.1.1.1, 2.2.2.2, 10.1.1.1"));
        let ip = |text: &str| text.parse::<IpAddr>().ok();
        // A trusted peer: the nearest untrusted entry, not the forgeable leftmost one.
        assert_eq!(client_address(&proxies, ip("192.168.1.1"), &headers), ip("2.2.2.2"));
        // Anyone else's header is ignored.
        assert_eq!(client_address(&proxies, ip("8.8.8.8"), &headers), ip("8.8.8.8"));
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
    }
}

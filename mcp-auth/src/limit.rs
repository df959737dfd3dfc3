//! The pre-authentication limiter of failed authentications per client IP (A17).
//!
//! Only failures count (an invalid, expired or malformed credential; not a missing one, not a
//! 403 and not a 503). Once a client is over its limit, *every* request from it is answered
//! 429 with `Retry-After` before any verification (so a flood of random `kid`s can neither
//! drive key-set fetches nor burn CPU on signatures) until its quota has replenished — a
//! valid token from that address is refused too until then. IPv6 clients are keyed by their
//! `/64`, the smallest block a client usually controls.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use http::request::Parts;
use mcp_server::http::PeerAddr;

use crate::forwarded::ForwardedIdentity;

/// Prune the blocked list when it grows past this many addresses.
const PRUNE_AT: usize = 10_000;

pub(crate) struct FailureLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    blocked: Mutex<HashMap<IpAddr, Instant>>,
    failures: AtomicU64,
    pub(crate) forwarded: Option<ForwardedIdentity>,
}

impl FailureLimiter {
    /// `burst` failures at once, replenished at `burst` per `per`.
    pub(crate) fn new(burst: u32, per: Duration) -> Self {
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let period = (per / burst.get()).max(Duration::from_nanos(1));
        let quota = Quota::with_period(period)
            .expect("a non-zero period")
            .allow_burst(burst);
        Self {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
            blocked: Mutex::new(HashMap::new()),
            failures: AtomicU64::new(0),
            forwarded: None,
        }
    }

    /// The key of `request`'s client: the forwarded client address when a
    /// [`ForwardedIdentity`] is configured, else the TCP peer.
    pub(crate) fn client(&self, request: &Parts) -> Option<IpAddr> {
        let ip = match &self.forwarded {
            Some(f) => f.client_ip(request),
            None => request
                .extensions
                .get::<PeerAddr>()
                .map(|p| p.0.ip().to_canonical()),
        }?;
        Some(match ip {
            IpAddr::V6(v6) => {
                let prefix = v6.to_bits() & !u128::from(u64::MAX);
                IpAddr::V6(Ipv6Addr::from_bits(prefix))
            }
            v4 @ IpAddr::V4(_) => v4,
        })
    }

    /// How long `ip` is still refused, if it is.
    pub(crate) fn blocked(&self, ip: IpAddr) -> Option<Duration> {
        let blocked = self
            .blocked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let until = *blocked.get(&ip)?;
        until.checked_duration_since(Instant::now())
    }

    /// Records a failure of `ip`; `Some(wait)` when it is now over its limit.
    pub(crate) fn failed(&self, ip: IpAddr) -> Option<Duration> {
        if self.failures.fetch_add(1, Ordering::Relaxed) % 1024 == 1023 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        let wait = match self.limiter.check_key(&ip) {
            Ok(()) => return None,
            Err(not_until) => not_until.wait_time_from(self.clock.now()),
        };
        let now = Instant::now();
        let mut blocked = self
            .blocked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if blocked.len() >= PRUNE_AT {
            blocked.retain(|_, until| *until > now);
        }
        blocked.insert(ip, now + wait);
        Some(wait)
    }
}

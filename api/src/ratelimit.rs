//! Budgets of cost points, one per client: an anonymous client IP (IPv6 by
//! its /64, the block one subscriber is given), a logged-in person or an API
//! token. Every HTTP request costs its IP one point at the door, before its
//! credentials are looked up (so floods of bad tokens stop there too); a
//! GraphQL operation costs its principal its parse price and its
//! complexity, a download a fixed price; login routes have a per-IP request
//! rate of their own. Points come
//! back continuously (a GCRA bucket from the `governor` crate, the
//! leaky-bucket model Shopify's GraphQL API documents), so a dashboard that
//! stays within the rate is never refused while a flood is held to it.
//!
//! The budgets live in this process: with several API nodes behind a load
//! balancer, each node grants its own.

use std::{net::IpAddr, num::NonZeroU32, time::Duration};

use governor::{
    Quota, RateLimiter,
    clock::{Clock, DefaultClock},
    middleware::StateInformationMiddleware,
    state::keyed::DashMapStateStore,
};

use crate::{config::Config, domain::actor::Actor};

/// Whose budget a request is charged to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientKey {
    /// An anonymous client, by IP (IPv6 by /64 prefix).
    Ip(IpAddr),
    /// A logged-in person, all their sessions together (logging in again
    /// gives no fresh budget).
    User(i64),
    /// An organization's API token (each integration its own budget).
    Token(i64),
}

impl ClientKey {
    /// The key of `actor` coming from `ip`.
    pub fn of(actor: &Actor, ip: IpAddr) -> Self {
        match actor {
            Actor::Anonymous => Self::ip(ip),
            Actor::User(user) => Self::User(user.user_id),
            Actor::Token(token) => Self::Token(token.token_id),
        }
    }

    /// The key of an anonymous client at `ip`.
    pub fn ip(ip: IpAddr) -> Self {
        Self::Ip(match ip {
            IpAddr::V4(_) => ip,
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let mut segments = v6.segments();
                    segments[4..].fill(0);
                    IpAddr::V6(segments.into())
                }
            },
        })
    }

    fn is_anonymous(&self) -> bool {
        matches!(self, Self::Ip(_))
    }
}

/// The outcome of charging a budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charge {
    /// Whether the points were taken.
    pub allowed: bool,
    /// Points the budget can hold.
    pub maximum: u32,
    /// Points left after this charge (or now, when refused).
    pub remaining: u32,
    /// Points given back per second.
    pub restore_rate: u32,
    /// When refused: how long until the asked points are there.
    pub retry_after: Duration,
}

type Bucket =
    RateLimiter<ClientKey, DashMapStateStore<ClientKey>, DefaultClock, StateInformationMiddleware>;

/// One kind of budget: a bucket per key with the same quota.
struct Budget {
    buckets: Bucket,
    maximum: u32,
    /// How long one point takes to come back.
    every: Duration,
}

impl Budget {
    /// A budget of `maximum` points refilled by `per_period` points every
    /// `period`.
    fn new(maximum: u32, per_period: u32, period: Duration) -> Self {
        let burst = NonZeroU32::new(maximum.max(1)).unwrap_or(NonZeroU32::MIN);
        let every = (period / per_period.max(1)).max(Duration::from_nanos(1));
        let quota = Quota::with_period(every)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        Self {
            buckets: RateLimiter::dashmap(quota).with_middleware::<StateInformationMiddleware>(),
            maximum: burst.get(),
            every,
        }
    }

    /// Points given back per second (rounded down).
    fn restore_rate(&self) -> u32 {
        u32::try_from(1_000_000_000 / self.every.as_nanos().max(1)).unwrap_or(u32::MAX)
    }

    fn charge(&self, key: &ClientKey, points: u32) -> Charge {
        let points = points.clamp(1, self.maximum);
        let asked = NonZeroU32::new(points).unwrap_or(NonZeroU32::MIN);
        let refused = |remaining: u32, retry_after: Duration| Charge {
            allowed: false,
            maximum: self.maximum,
            remaining,
            restore_rate: self.restore_rate(),
            retry_after,
        };
        match self.buckets.check_key_n(key, asked) {
            Ok(Ok(snapshot)) => Charge {
                allowed: true,
                maximum: self.maximum,
                remaining: snapshot.remaining_burst_capacity(),
                restore_rate: self.restore_rate(),
                retry_after: Duration::ZERO,
            },
            Ok(Err(not_until)) => {
                let wait = not_until.wait_time_from(self.buckets.clock().now());
                let missing = wait.as_nanos().div_ceil(self.every.as_nanos().max(1));
                refused(
                    points.saturating_sub(u32::try_from(missing).unwrap_or(u32::MAX)),
                    wait,
                )
            }
            // More than the whole budget: cannot happen, the points are
            // clamped to it.
            Err(_) => refused(0, self.every),
        }
    }
}

/// Every budget of this process.
pub struct Budgets {
    enabled: bool,
    anonymous: Budget,
    authenticated: Budget,
    login: Budget,
}

impl Budgets {
    /// The budgets the configuration describes.
    pub fn new(config: &Config) -> Self {
        Self {
            enabled: config.rate_limit_enabled,
            anonymous: Budget::new(
                config.rate_limit_anonymous_burst,
                config.rate_limit_anonymous_per_second,
                Duration::from_secs(1),
            ),
            authenticated: Budget::new(
                config.rate_limit_authenticated_burst,
                config.rate_limit_authenticated_per_second,
                Duration::from_secs(1),
            ),
            login: Budget::new(
                config.rate_limit_login_per_minute,
                config.rate_limit_login_per_minute,
                Duration::from_secs(60),
            ),
        }
    }

    /// Whether requests are charged at all.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Takes `points` from `key`'s budget; `None` when limits are off.
    pub fn charge(&self, key: &ClientKey, points: u32) -> Option<Charge> {
        self.enabled.then(|| {
            if key.is_anonymous() {
                self.anonymous.charge(key, points)
            } else {
                self.authenticated.charge(key, points)
            }
        })
    }

    /// Counts one request to the login routes from `ip`.
    pub fn charge_login(&self, ip: IpAddr) -> Option<Charge> {
        self.enabled
            .then(|| self.login.charge(&ClientKey::ip(ip), 1))
    }

    /// Forgets buckets that are full again (they hold nothing a fresh one
    /// would not), so memory follows the clients active lately.
    pub fn forget_idle(&self) {
        for budget in [&self.anonymous, &self.authenticated, &self.login] {
            budget.buckets.retain_recent();
            budget.buckets.shrink_to_fit();
        }
    }

    /// How many clients have a bucket now.
    pub fn tracked_clients(&self) -> usize {
        [&self.anonymous, &self.authenticated, &self.login]
            .iter()
            .map(|b| b.buckets.len())
            .sum()
    }
}

/// Every minute, forgets the clients whose budgets are full again
/// ([`Budgets::forget_idle`]), so the limiter's memory follows the clients
/// active lately, not all ever seen.
pub struct BudgetSweeper(pub std::sync::Arc<Budgets>);

impl BudgetSweeper {
    /// How often it sweeps.
    pub const PACE: crate::jobs::Pace =
        crate::jobs::Pace::Every(std::time::Duration::from_secs(60));
}

impl crate::jobs::Job for BudgetSweeper {
    fn name(&self) -> &'static str {
        "budget sweeper"
    }

    async fn round(&mut self) -> anyhow::Result<bool> {
        self.0.forget_idle();
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budgets(burst: u32, per_second: u32) -> Budgets {
        Budgets::new(&Config {
            rate_limit_anonymous_burst: burst,
            rate_limit_anonymous_per_second: per_second,
            ..Config::default()
        })
    }

    #[test]
    fn a_budget_is_spent_then_refused_with_the_wait() {
        let budgets = budgets(100, 10);
        let key = ClientKey::ip("203.0.113.7".parse().unwrap_or(IpAddr::from([0, 0, 0, 0])));
        let first = budgets.charge(&key, 60).unwrap_or_else(|| unreachable!());
        assert!(first.allowed);
        assert_eq!(first.remaining, 40);
        let refused = budgets.charge(&key, 60).unwrap_or_else(|| unreachable!());
        assert!(!refused.allowed);
        assert_eq!(refused.remaining, 40);
        // 20 points missing at 10 a second: about two seconds.
        assert!(
            refused.retry_after > Duration::from_millis(1900),
            "{refused:?}"
        );
        assert!(refused.retry_after <= Duration::from_secs(2), "{refused:?}");
        // Another client is untouched.
        let other = ClientKey::ip("203.0.113.8".parse().unwrap_or(IpAddr::from([0, 0, 0, 0])));
        assert!(budgets.charge(&other, 100).is_some_and(|c| c.allowed));
    }

    #[test]
    fn ipv6_clients_share_their_slash_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1"
            .parse()
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let b: IpAddr = "2001:db8:1:2:bbbb::2"
            .parse()
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let c: IpAddr = "2001:db8:1:3::1"
            .parse()
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(ClientKey::ip(a), ClientKey::ip(b));
        assert_ne!(ClientKey::ip(a), ClientKey::ip(c));
        let mapped: IpAddr = "::ffff:192.0.2.1"
            .parse()
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(
            ClientKey::ip(mapped),
            ClientKey::Ip(IpAddr::from([192, 0, 2, 1]))
        );
    }

    #[test]
    fn switched_off_charges_nothing() {
        let budgets = Budgets::new(&Config {
            rate_limit_enabled: false,
            ..Config::default()
        });
        assert_eq!(budgets.charge(&ClientKey::Token(1), 5), None);
        assert_eq!(budgets.charge_login(IpAddr::from([127, 0, 0, 1])), None);
    }
}

//! Who a credential stands for, remembered for a few seconds. Without it an
//! authenticated request costs two or three statements more than an
//! anonymous one (the credential by its digest, the organization's
//! partners, the user's memberships) before any work is done.
//!
//! An entry is reused only while no write has been committed on this node
//! since it was looked up ([`committed_writes`]), within the configured
//! time, and before the credential itself expires. So a revocation, a
//! logout or a membership change takes effect at once on the node that
//! made it and within `actor_cache_seconds` on the others. Keys are the
//! credentials' digests, never the secrets.
//!
//! Hand-written rather than a caching crate: the invalidation rule (the
//! write counter) is the whole point, and the rest is a bounded map.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};

use crate::domain::{actor::Actor, write::committed_writes};

/// Entries kept at most; past this the map starts again empty (a burst
/// of distinct credentials then costs lookups, never memory).
const CAPACITY: usize = 10_000;

struct Entry {
    actor: Actor,
    writes: u64,
    fresh_until: Instant,
    valid_until: DateTime<Utc>,
}

/// The cache; see the module documentation.
pub struct ActorCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

/// A lookup in flight: the write counter as it was before the database
/// was asked, so an answer read before a concurrent write is never kept
/// past it.
pub struct Lookup {
    key: String,
    writes: u64,
}

impl ActorCache {
    /// A cache keeping entries `ttl` at most (zero: nothing is kept).
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The actor remembered for the credential with digest `key`, or the
    /// lookup to finish with [`Self::keep`].
    pub fn get(&self, key: String, now: DateTime<Utc>) -> Result<Actor, Lookup> {
        let writes = committed_writes();
        if let Ok(entries) = self.entries.lock()
            && let Some(entry) = entries.get(&key)
            && entry.writes == writes
            && entry.fresh_until > Instant::now()
            && entry.valid_until > now
        {
            return Ok(entry.actor.clone());
        }
        Err(Lookup { key, writes })
    }

    /// Remembers what `lookup` found.
    pub fn keep(&self, lookup: Lookup, actor: &Actor, valid_until: DateTime<Utc>) {
        if self.ttl.is_zero() {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(
            lookup.key,
            Entry {
                actor: actor.clone(),
                writes: lookup.writes,
                fresh_until: Instant::now() + self.ttl,
                valid_until,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::write::note_committed;

    #[test]
    fn entries_last_until_a_write_or_their_credential_expires() {
        let cache = ActorCache::new(Duration::from_secs(60));
        let now = Utc::now();
        let later = now + chrono::Duration::seconds(30);
        let lookup = cache.get("k".into(), now).err();
        let lookup = lookup.unwrap_or_else(|| panic!("empty cache"));
        cache.keep(lookup, &Actor::Anonymous, later);
        assert_eq!(cache.get("k".into(), now).ok(), Some(Actor::Anonymous));
        assert!(cache.get("k".into(), later).is_err(), "credential expired");
        note_committed();
        assert!(cache.get("k".into(), now).is_err(), "a write clears it");
    }

    #[test]
    fn an_answer_read_before_a_write_is_not_kept_past_it() {
        let cache = ActorCache::new(Duration::from_secs(60));
        let now = Utc::now();
        let lookup = cache.get("k".into(), now).err();
        let lookup = lookup.unwrap_or_else(|| panic!("empty cache"));
        note_committed();
        cache.keep(lookup, &Actor::Anonymous, now + chrono::Duration::hours(1));
        assert!(cache.get("k".into(), now).is_err());
    }
}

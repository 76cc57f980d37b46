//! Verifying the log: the checkpoints' own chain first, then every chain
//! entry by entry (in one pass over the log in chain order, in pages),
//! each against its head and against what the checkpoints recorded of it.

use std::collections::{BTreeMap, HashMap};

use entities::{audit_chain, audit_checkpoint, audit_entry};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{
    GENESIS,
    checkpoint::{Head, checkpoint_hash},
    entry_hash,
};
use crate::domain::error::DomainResult;

/// Entries read per statement.
const PAGE: u64 = 1000;

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every entry's hash matches and links to its predecessor, every
    /// chain ends at its head, and every checkpoint matches.
    Intact {
        /// Entries checked.
        entries: u64,
        /// Chains checked.
        chains: u64,
        /// Checkpoints checked.
        checkpoints: u64,
    },
    /// The first thing that does not match.
    Broken(Break),
}

/// Where the log stops matching, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The chain (organization id, or 0), or `None` for the checkpoints.
    pub chain_id: Option<i64>,
    /// The position in the chain (or the checkpoint's).
    pub position: i64,
    /// The entry's id, when there is one at that position.
    pub entry_id: Option<i64>,
    /// What is wrong.
    pub reason: String,
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.chain_id {
            None => write!(f, "at checkpoint {}", self.position)?,
            Some(0) => write!(f, "at position {} of chain 0", self.position)?,
            Some(org) => write!(
                f,
                "at position {} of organization {org}'s chain",
                self.position
            )?,
        }
        if let Some(id) = self.entry_id {
            write!(f, " (entry {id})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What the checkpoints recorded of each chain: position → (hash, checkpoint).
type Claims = HashMap<i64, BTreeMap<i64, (String, i64)>>;

/// Walks the checkpoints and every chain; reports the first break.
pub async fn verify<C: ConnectionTrait>(db: &C) -> DomainResult<Verification> {
    let (checkpoints, mut claims) = match checkpoints(db).await? {
        Ok(found) => found,
        Err(broken) => return Ok(Verification::Broken(broken)),
    };
    let mut heads: BTreeMap<i64, audit_chain::Model> = audit_chain::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.chain_id, h))
        .collect();
    let mut entries = 0u64;
    let mut chains = 0u64;
    let mut walk: Option<Walk> = None;
    loop {
        let mut select = audit_entry::Entity::find()
            .order_by_asc(audit_entry::Column::ChainId)
            .order_by_asc(audit_entry::Column::Sequence)
            .limit(PAGE);
        if let Some(w) = &walk {
            select = select.filter(
                Condition::any()
                    .add(audit_entry::Column::ChainId.gt(w.chain_id))
                    .add(
                        Condition::all()
                            .add(audit_entry::Column::ChainId.eq(w.chain_id))
                            .add(audit_entry::Column::Sequence.gt(w.sequence)),
                    ),
            );
        }
        let page = select.all(db).await?;
        if page.is_empty() {
            break;
        }
        for entry in page {
            if walk.as_ref().is_none_or(|w| w.chain_id != entry.chain_id) {
                if let Some(Err(broken)) = walk.take().map(|w| w.finish(&mut heads, &mut claims)) {
                    return Ok(Verification::Broken(broken));
                }
                chains += 1;
                walk = Some(Walk::start(entry.chain_id));
            }
            if let Some(Err(broken)) = walk.as_mut().map(|w| w.step(&entry, &claims)) {
                return Ok(Verification::Broken(broken));
            }
            entries += 1;
        }
    }
    if let Some(Err(broken)) = walk.take().map(|w| w.finish(&mut heads, &mut claims)) {
        return Ok(Verification::Broken(broken));
    }
    // Chains whose head (or a checkpoint) says they have entries, none left.
    let empty_head = heads.into_values().find(|h| h.last_sequence > 0);
    let claimed = claims.into_iter().find(|(_, c)| !c.is_empty());
    if let Some(chain_id) = empty_head
        .map(|h| h.chain_id)
        .or(claimed.map(|(chain, _)| chain))
    {
        return Ok(Verification::Broken(Break {
            chain_id: Some(chain_id),
            position: 1,
            entry_id: None,
            reason: "the chain's entries are missing".into(),
        }));
    }
    Ok(Verification::Intact {
        entries,
        chains,
        checkpoints,
    })
}

/// One chain being walked.
#[derive(Debug)]
struct Walk {
    chain_id: i64,
    sequence: i64,
    hash: String,
}

impl Walk {
    fn start(chain_id: i64) -> Self {
        Self {
            chain_id,
            sequence: 0,
            hash: GENESIS.to_owned(),
        }
    }

    fn broken(&self, position: i64, entry_id: Option<i64>, reason: impl Into<String>) -> Break {
        Break {
            chain_id: Some(self.chain_id),
            position,
            entry_id,
            reason: reason.into(),
        }
    }

    /// Checks the next entry of the chain.
    fn step(&mut self, entry: &audit_entry::Model, claims: &Claims) -> Result<(), Break> {
        let at = |reason: &str| self.broken(entry.sequence, Some(entry.id), reason);
        if entry.sequence != self.sequence + 1 {
            return Err(self.broken(self.sequence + 1, None, "entry missing"));
        }
        if entry.prev_hash != self.hash {
            return Err(at("does not link to the previous entry"));
        }
        if entry_hash(entry) != entry.hash {
            return Err(at("content does not match its hash"));
        }
        if self.chain_id != 0 && entry.organization_id != Some(self.chain_id) {
            return Err(at("belongs to another organization's chain"));
        }
        let claimed = claims
            .get(&self.chain_id)
            .and_then(|c| c.get(&entry.sequence));
        if let Some((hash, checkpoint)) = claimed
            && *hash != entry.hash
        {
            return Err(at(&format!("differs from checkpoint {checkpoint}")));
        }
        self.sequence = entry.sequence;
        self.hash = entry.hash.clone();
        Ok(())
    }

    /// The chain's last entry must be its head, and no checkpoint may have
    /// recorded a later one.
    fn finish(
        self,
        heads: &mut BTreeMap<i64, audit_chain::Model>,
        claims: &mut Claims,
    ) -> Result<(), Break> {
        let head = heads.remove(&self.chain_id);
        let claimed = claims.remove(&self.chain_id).unwrap_or_default();
        let missing = || {
            self.broken(
                self.sequence + 1,
                None,
                "entries after this point are missing",
            )
        };
        match head {
            None => return Err(self.broken(self.sequence, None, "the chain has no head")),
            Some(h) if h.last_sequence == self.sequence && h.last_hash == self.hash => {}
            Some(_) => return Err(missing()),
        }
        match claimed.last_key_value() {
            Some((&position, _)) if position > self.sequence => Err(missing()),
            _ => Ok(()),
        }
    }
}

/// Checks the checkpoints' chain and collects what they recorded.
async fn checkpoints<C: ConnectionTrait>(db: &C) -> DomainResult<Result<(u64, Claims), Break>> {
    let mut claims = Claims::new();
    let mut previous_hash = GENESIS.to_owned();
    let mut previous_id = 0;
    loop {
        let page = audit_checkpoint::Entity::find()
            .filter(audit_checkpoint::Column::Id.gt(previous_id))
            .order_by_asc(audit_checkpoint::Column::Id)
            .limit(PAGE)
            .all(db)
            .await?;
        if page.is_empty() {
            break;
        }
        for checkpoint in page {
            let broken = |position, reason: &str| {
                Err(Break {
                    chain_id: None,
                    position,
                    entry_id: None,
                    reason: reason.to_owned(),
                })
            };
            if checkpoint.id != previous_id + 1 {
                return Ok(broken(previous_id + 1, "checkpoint missing"));
            }
            if checkpoint.prev_hash != previous_hash
                || checkpoint_hash(&checkpoint) != checkpoint.hash
            {
                return Ok(broken(checkpoint.id, "checkpoint does not match its hash"));
            }
            let Ok(heads) = serde_json::from_str::<Vec<Head>>(&checkpoint.heads) else {
                return Ok(broken(checkpoint.id, "checkpoint unreadable"));
            };
            for Head(chain, position, hash) in heads {
                claims
                    .entry(chain)
                    .or_default()
                    .insert(position, (hash, checkpoint.id));
            }
            previous_hash = checkpoint.hash;
            previous_id = checkpoint.id;
        }
    }
    Ok(Ok((previous_id.try_into().unwrap_or(0), claims)))
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use entities::enums::ActorKind;

    use super::*;

    /// Entries 1..=n of `chain`, each linked to the one before.
    fn chain(chain_id: i64, n: i64) -> Vec<audit_entry::Model> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|sequence| {
                let mut entry = audit_entry::Model {
                    id: sequence * 10,
                    chain_id,
                    sequence,
                    organization_id: (chain_id != 0).then_some(chain_id),
                    actor_kind: ActorKind::System,
                    actor_user_id: None,
                    actor_token_id: None,
                    action: "agreement.expire".into(),
                    entity: "Agreement".into(),
                    entity_id: sequence,
                    before: None,
                    after: Some("{}".into()),
                    created_at: Utc
                        .timestamp_opt(1_764_576_000, 0)
                        .single()
                        .unwrap_or_default(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                entry.hash = entry_hash(&entry);
                prev = entry.hash.clone();
                entry
            })
            .collect()
    }

    fn walk(entries: &[audit_entry::Model], claims: &Claims) -> Result<Walk, Break> {
        let mut walk = Walk::start(entries[0].chain_id);
        for entry in entries {
            walk.step(entry, claims)?;
        }
        Ok(walk)
    }

    fn head_of(walk: &Walk) -> BTreeMap<i64, audit_chain::Model> {
        BTreeMap::from([(
            walk.chain_id,
            audit_chain::Model {
                chain_id: walk.chain_id,
                last_sequence: walk.sequence,
                last_hash: walk.hash.clone(),
            },
        )])
    }

    #[test]
    fn an_untouched_chain_walks_to_its_head() {
        let entries = chain(7, 3);
        let Ok(done) = walk(&entries, &Claims::new()) else {
            panic!("the walk breaks")
        };
        assert_eq!(done.sequence, 3);
        let mut heads = head_of(&done);
        assert_eq!(done.finish(&mut heads, &mut Claims::new()), Ok(()));
    }

    #[test]
    fn an_edit_a_gap_or_a_moved_entry_breaks_the_walk_there() {
        let mut edited = chain(7, 3);
        edited[1].after = Some(r#"{"role":"OWNER"}"#.into());
        let Err(broken) = walk(&edited, &Claims::new()) else {
            panic!("the walk goes through")
        };
        assert_eq!((broken.position, broken.entry_id), (2, Some(20)));
        assert_eq!(
            broken.to_string(),
            "at position 2 of organization 7's chain (entry 20): content does not match its hash"
        );

        let mut gap = chain(7, 3);
        gap.remove(1);
        let Err(broken) = walk(&gap, &Claims::new()) else {
            panic!("the walk goes through")
        };
        assert_eq!(
            (broken.position, broken.reason.as_str()),
            (2, "entry missing")
        );

        // Entries of organization 7 relabelled as organization 8's chain.
        let mut moved = chain(7, 2);
        for entry in &mut moved {
            entry.chain_id = 8;
        }
        let Err(broken) = walk(&moved, &Claims::new()) else {
            panic!("the walk goes through")
        };
        assert!(broken.reason.contains("another organization"), "{broken}");
    }

    #[test]
    fn a_checkpoint_holds_the_chain_to_what_it_recorded() {
        let entries = chain(7, 3);
        // Recorded at position 2 with another hash: the entry was rewritten
        // (and the chain after it recomputed) since.
        let rewritten = Claims::from([(7, BTreeMap::from([(2, ("f".repeat(64), 4))]))]);
        let Err(broken) = walk(&entries, &rewritten) else {
            panic!("the walk goes through")
        };
        assert_eq!(broken.reason, "differs from checkpoint 4");

        // Recorded at position 3, and the chain now ends at 2 with its head
        // rewound to match.
        let cut = &entries[..2];
        let mut claims = Claims::from([(7, BTreeMap::from([(3, (entries[2].hash.clone(), 1))]))]);
        let Ok(done) = walk(cut, &claims) else {
            panic!("the walk breaks")
        };
        let mut heads = head_of(&done);
        let Err(broken) = done.finish(&mut heads, &mut claims) else {
            panic!("the chain ends where a checkpoint says it goes on")
        };
        assert_eq!(
            (broken.position, broken.reason.as_str()),
            (3, "entries after this point are missing")
        );
    }
}

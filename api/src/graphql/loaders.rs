//! Per-request DataLoaders. Every relation of every GraphQL type loads
//! through one of these, so the statements a request runs are bounded by the
//! depth of its query, not by the number of rows it returns.

use std::{
    collections::HashMap,
    hash::Hash,
    marker::PhantomData,
    sync::{Mutex, OnceLock},
    time::Duration,
};

use async_graphql::dataloader::{DataLoader, Loader};
use entities::{
    activity, activity_organizer, activity_participation, agreement, agreement_party, document,
    document_tag, document_version, indicator, organization, project, user,
};
use sea_orm::{DatabaseConnection, EntityTrait, FromQueryResult};

use crate::metrics::RelationLoads;

use crate::domain::{
    accounts, activities,
    actor::Actor,
    agreements,
    derived_values::{self, DerivedKey},
    documents,
    error::DomainError,
    keyset::{Position, SortOrder},
    listing::ChildQuery,
    organizations,
    pagination::Seek,
    results,
};

/// Counts of each parent's children.
pub struct ChildCounts<E: EntityTrait> {
    db: DatabaseConnection,
    query: ChildQuery<E>,
}

impl<E> Loader<i64> for ChildCounts<E>
where
    E: EntityTrait + Send + Sync,
    E::Model: FromQueryResult + Send + Sync,
{
    type Value = u64;
    type Error = DomainError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, u64>, DomainError> {
        let mut counts = self.query.count_by_parent(&self.db, keys).await?;
        Ok(keys
            .iter()
            .map(|k| (*k, counts.remove(k).unwrap_or(0)))
            .collect())
    }
}

/// One page of each parent's children, keyed by (parent, seek): parents
/// asking for the same page (typically `first: N` and no cursor) share one
/// statement.
pub struct ChildPages<E: EntityTrait> {
    db: DatabaseConnection,
    query: ChildQuery<E>,
}

/// A page of children and their positions.
pub type PositionedRows<M> = Vec<(M, Position)>;

impl<E> Loader<(i64, Seek)> for ChildPages<E>
where
    E: EntityTrait + Send + Sync,
    E::Model: FromQueryResult + Send + Sync + Clone,
{
    type Value = PositionedRows<E::Model>;
    type Error = DomainError;

    async fn load(
        &self,
        keys: &[(i64, Seek)],
    ) -> Result<HashMap<(i64, Seek), PositionedRows<E::Model>>, DomainError> {
        let mut by_seek: HashMap<&Seek, Vec<i64>> = HashMap::new();
        for (parent, seek) in keys {
            by_seek.entry(seek).or_default().push(*parent);
        }
        let mut out = HashMap::with_capacity(keys.len());
        for (seek, parents) in by_seek {
            let mut pages = self.query.seek_by_parent(&self.db, &parents, seek).await?;
            for parent in parents {
                let rows = pages.remove(&parent).unwrap_or_default();
                out.insert((parent, seek.clone()), rows);
            }
        }
        Ok(out)
    }
}

/// Every child of each parent (short lists: tags, versions, counts).
pub struct ChildLists<E: EntityTrait> {
    db: DatabaseConnection,
    query: ChildQuery<E>,
}

impl<E> Loader<i64> for ChildLists<E>
where
    E: EntityTrait + Send + Sync,
    E::Model: FromQueryResult + Send + Sync + Clone,
{
    type Value = Vec<E::Model>;
    type Error = DomainError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Vec<E::Model>>, DomainError> {
        let mut lists = self.query.all_by_parent(&self.db, keys).await?;
        Ok(keys
            .iter()
            .map(|k| (*k, lists.remove(k).unwrap_or_default()))
            .collect())
    }
}

/// `ids` once each.
pub fn distinct(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// What a plan ([`super::plan`]) loaded ahead, waiting for its resolvers.
pub struct Ready<K, V>(Mutex<HashMap<K, V>>);

impl<K, V> Default for Ready<K, V> {
    fn default() -> Self {
        Self(Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash, V> Ready<K, V> {
    /// Keeps `values` for their resolvers.
    pub fn put(&self, values: impl IntoIterator<Item = (K, V)>) {
        if let Ok(mut ready) = self.0.lock() {
            ready.extend(values);
        }
    }

    /// Whether a value is kept for `key`.
    pub fn contains(&self, key: &K) -> bool {
        self.0.lock().is_ok_and(|ready| ready.contains_key(key))
    }
}

impl<K: Eq + Hash, V: Clone> Ready<K, V> {
    /// A copy of the value kept for `key` (the same record or page may be
    /// read by several resolvers).
    pub fn get(&self, key: &K) -> Option<V> {
        self.0.lock().ok()?.get(key).cloned()
    }
}

/// The count and page loaders of one paged relation, and what a plan
/// loaded of it ahead.
pub struct ChildLoaders<E: EntityTrait> {
    /// The relation's order (which reads and writes its cursors).
    pub order: SortOrder,
    /// Children per parent.
    pub counts: DataLoader<ChildCounts<E>>,
    /// Pages of children.
    pub pages: DataLoader<ChildPages<E>>,
    db: DatabaseConnection,
    query: ChildQuery<E>,
    ready_pages: Ready<(i64, Seek), PositionedRows<E::Model>>,
    ready_counts: Ready<i64, u64>,
    loads: RelationLoads,
}

impl<E> ChildLoaders<E>
where
    E: EntityTrait + Send + Sync,
    E::Model: FromQueryResult + Send + Sync + Clone,
{
    fn new(
        db: &DatabaseConnection,
        delay: Duration,
        loads: &RelationLoads,
        query: ChildQuery<E>,
    ) -> Self {
        Self {
            order: query.order.clone(),
            loads: loads.clone(),
            db: db.clone(),
            query: query.clone(),
            ready_pages: Ready::default(),
            ready_counts: Ready::default(),
            counts: DataLoader::new(
                ChildCounts {
                    db: db.clone(),
                    query: query.clone(),
                },
                tokio::spawn,
            )
            .delay(delay),
            pages: DataLoader::new(
                ChildPages {
                    db: db.clone(),
                    query,
                },
                tokio::spawn,
            )
            .delay(delay),
        }
    }

    /// Loads the page `seek` of every parent's children (and their counts
    /// when asked) in one statement each, keeps them for the resolvers and
    /// returns the children. A parent may appear more than once (an
    /// agreement under each of its parties): it is loaded once, and its
    /// page is kept for every resolver that reads it.
    pub async fn prefetch(
        &self,
        parents: &[i64],
        seek: &Seek,
        with_total: bool,
    ) -> Result<Vec<E::Model>, DomainError> {
        let parents = &distinct(parents);
        if with_total {
            let counts = self.query.count_by_parent(&self.db, parents).await?;
            self.ready_counts.put(
                parents
                    .iter()
                    .map(|p| (*p, counts.get(p).copied().unwrap_or(0))),
            );
        }
        let mut pages = self.query.seek_by_parent(&self.db, parents, seek).await?;
        let mut children = Vec::new();
        let mut ready = Vec::with_capacity(parents.len());
        for parent in parents {
            let rows = pages.remove(parent).unwrap_or_default();
            children.extend(rows.iter().take(seek.size as usize).map(|(m, _)| m.clone()));
            ready.push(((*parent, seek.clone()), rows));
        }
        self.ready_pages.put(ready);
        Ok(children)
    }

    /// `parent`'s page: what a plan loaded, or one batched load.
    pub async fn page(
        &self,
        parent: i64,
        seek: &Seek,
    ) -> Result<PositionedRows<E::Model>, DomainError> {
        let key = (parent, seek.clone());
        let ready = self.ready_pages.get(&key);
        self.loads.note(ready.is_some());
        match ready {
            Some(rows) => Ok(rows),
            None => Ok(self.pages.load_one(key).await?.unwrap_or_default()),
        }
    }

    /// How many children `parent` has.
    pub async fn count(&self, parent: i64) -> Result<u64, DomainError> {
        let ready = self.ready_counts.get(&parent);
        self.loads.note(ready.is_some());
        match ready {
            Some(n) => Ok(n),
            None => Ok(self.counts.load_one(parent).await?.unwrap_or(0)),
        }
    }
}

/// Every child of each parent (short lists: tags, versions, counts), with
/// what a plan loaded ahead.
pub struct ChildList<E: EntityTrait> {
    loader: DataLoader<ChildLists<E>>,
    db: DatabaseConnection,
    query: ChildQuery<E>,
    ready: Ready<i64, Vec<E::Model>>,
    loads: RelationLoads,
}

impl<E> ChildList<E>
where
    E: EntityTrait + Send + Sync,
    E::Model: FromQueryResult + Send + Sync + Clone,
{
    /// Loads every parent's list in one statement and keeps it.
    pub async fn prefetch(&self, parents: &[i64]) -> Result<(), DomainError> {
        let parents = &distinct(parents);
        let mut lists = self.query.all_by_parent(&self.db, parents).await?;
        self.ready.put(
            parents
                .iter()
                .map(|p| (*p, lists.remove(p).unwrap_or_default())),
        );
        Ok(())
    }

    /// `parent`'s list: what a plan loaded (several fields may read it),
    /// or one batched load.
    pub async fn of(&self, parent: i64) -> Result<Vec<E::Model>, DomainError> {
        let ready = self.ready.get(&parent);
        self.loads.note(ready.is_some());
        match ready {
            Some(rows) => Ok(rows),
            None => Ok(self.loader.load_one(parent).await?.unwrap_or_default()),
        }
    }
}

/// Records by id, with what a plan loaded ahead (kept for every row that
/// refers to them).
pub struct Records<M> {
    loader: DataLoader<ById<M>>,
    ready: Ready<i64, M>,
    loads: RelationLoads,
}

impl<M> Records<M>
where
    ById<M>: Loader<i64, Value = M, Error = DomainError>,
    M: Clone + Send + Sync + 'static,
{
    /// Keeps records loaded ahead.
    pub fn put(&self, records: impl IntoIterator<Item = (i64, M)>) {
        self.ready.put(records);
    }

    /// Whether a plan already loaded `id`.
    pub fn is_ready(&self, id: i64) -> bool {
        self.ready.contains(&id)
    }

    /// The record `id`: loaded ahead, or one batched load.
    pub async fn load_one(&self, id: i64) -> Result<Option<M>, DomainError> {
        let ready = self.ready.get(&id);
        self.loads.note(ready.is_some());
        match ready {
            Some(record) => Ok(Some(record)),
            None => self.loader.load_one(id).await,
        }
    }
}

fn lists<E>(
    db: &DatabaseConnection,
    delay: Duration,
    loads: &RelationLoads,
    query: ChildQuery<E>,
) -> ChildList<E>
where
    E: EntityTrait + Send + Sync,
    E::Model: FromQueryResult + Send + Sync + Clone,
{
    ChildList {
        loader: DataLoader::new(
            ChildLists {
                db: db.clone(),
                query: query.clone(),
            },
            tokio::spawn,
        )
        .delay(delay),
        db: db.clone(),
        query,
        ready: Ready::default(),
        loads: loads.clone(),
    }
}

/// Records by id, as `actor` may see them.
pub struct ById<M> {
    db: DatabaseConnection,
    actor: Actor,
    _model: PhantomData<fn() -> M>,
}

macro_rules! by_id_loader {
    ($model:ty, |$db:ident, $actor:ident, $keys:ident| $load:expr) => {
        impl Loader<i64> for ById<$model> {
            type Value = $model;
            type Error = DomainError;

            async fn load(&self, $keys: &[i64]) -> Result<HashMap<i64, $model>, DomainError> {
                let $db = &self.db;
                let $actor = &self.actor;
                let _ = $actor;
                $load.await
            }
        }
    };
}

by_id_loader!(
    organization::Model,
    |db, actor, keys| organizations::by_ids(db, keys)
);
by_id_loader!(agreement::Model, |db, actor, keys| agreements::by_ids(
    db, actor, keys
));
by_id_loader!(document::Model, |db, actor, keys| documents::by_ids(
    db, actor, keys
));
by_id_loader!(document_version::Model, |db, actor, keys| {
    documents::versions_by_ids(db, actor, keys)
});
by_id_loader!(activity::Model, |db, actor, keys| activities::by_ids(
    db, actor, keys
));
by_id_loader!(user::Model, |db, actor, keys| accounts::users_by_ids(
    db, keys
));
by_id_loader!(project::Model, |db, actor, keys| results::by_ids(db, keys));
by_id_loader!(indicator::Model, |db, actor, keys| {
    results::indicators_by_ids(db, keys)
});

/// Derived indicator values by (project, rule), counted over the activities
/// the request's actor may see: one statement per rule per batch.
pub struct DerivedValues {
    db: DatabaseConnection,
    actor: Actor,
}

impl Loader<DerivedKey> for DerivedValues {
    type Value = f64;
    type Error = DomainError;

    async fn load(&self, keys: &[DerivedKey]) -> Result<HashMap<DerivedKey, f64>, DomainError> {
        derived_values::values(&self.db, &self.actor, keys).await
    }
}

fn by_id<M>(db: &DatabaseConnection, actor: &Actor, delay: Duration) -> DataLoader<ById<M>>
where
    ById<M>: Loader<i64>,
{
    DataLoader::new(
        ById {
            db: db.clone(),
            actor: actor.clone(),
            _model: PhantomData,
        },
        tokio::spawn,
    )
    .delay(delay)
}

/// Declares [`Loaders`]: one lazily built loader per line, with its
/// accessor, made from the request's pool, actor and batch delay.
macro_rules! request_loaders {
    ($($(#[$doc:meta])* $name:ident: $ty:ty = |$db:ident, $actor:ident, $d:ident, $m:ident| $make:expr;)*) => {
        /// Every loader of one request, created on first use with the
        /// request's actor (so that visibility applies inside the batches
        /// too). A request builds only the loaders its query reaches: a
        /// lookup does not pay for the relation queries a nested dashboard
        /// needs.
        pub struct Loaders {
            db: DatabaseConnection,
            actor: Actor,
            delay: Duration,
            loads: RelationLoads,
            $($name: OnceLock<$ty>,)*
        }

        impl Loaders {
            /// Loaders for one request by `actor`; each waits `delay` to
            /// gather a batch and counts its loads in `loads`.
            pub fn new(
                db: &DatabaseConnection,
                actor: &Actor,
                delay: Duration,
                loads: &RelationLoads,
            ) -> Self {
                Self {
                    db: db.clone(),
                    actor: actor.clone(),
                    delay,
                    loads: loads.clone(),
                    $($name: OnceLock::new(),)*
                }
            }

            $(
                $(#[$doc])*
                pub fn $name(&self) -> &$ty {
                    self.$name.get_or_init(|| {
                        let ($db, $actor, $d, $m) =
                            (&self.db, &self.actor, self.delay, &self.loads);
                        let _ = ($actor, $m);
                        $make
                    })
                }
            )*
        }
    };
}

request_loaders! {
    /// Organizations by id.
    organization: Records<organization::Model> = |db, actor, d, m| Records {
        loader: by_id(db, actor, d),
        ready: Ready::default(),
        loads: m.clone(),
    };
    /// Agreements by id.
    agreement: DataLoader<ById<agreement::Model>> = |db, actor, d, m| by_id(db, actor, d);
    /// Documents by id.
    document: DataLoader<ById<document::Model>> = |db, actor, d, m| by_id(db, actor, d);
    /// Document versions by id.
    document_version: DataLoader<ById<document_version::Model>> = |db, actor, d, m| by_id(db, actor, d);
    /// Activities by id.
    activity: DataLoader<ById<activity::Model>> = |db, actor, d, m| by_id(db, actor, d);
    /// Projects by id.
    project: DataLoader<ById<project::Model>> = |db, actor, d, m| by_id(db, actor, d);
    /// Indicators by id.
    indicator: DataLoader<ById<indicator::Model>> = |db, actor, d, m| by_id(db, actor, d);
    /// Derived indicator values, as the actor may see them.
    derived_values: DataLoader<DerivedValues> = |db, actor, d, m| DataLoader::new(
        DerivedValues { db: db.clone(), actor: actor.clone() },
        tokio::spawn,
    )
    .delay(d);
    /// Users by id (callers check that the actor may see them).
    user: DataLoader<ById<user::Model>> = |db, actor, d, m| by_id(db, actor, d);
    /// An organization's agreements.
    organization_agreements: ChildLoaders<agreement::Entity> = |db, actor, d, m| ChildLoaders::new(db, d, m, agreements::of_organizations(actor));
    /// An organization's documents.
    organization_documents: ChildLoaders<document::Entity> = |db, actor, d, m| ChildLoaders::new(db, d, m, documents::of_owners(actor));
    /// An organization's activities.
    organization_activities: ChildLoaders<activity::Entity> = |db, actor, d, m| ChildLoaders::new(db, d, m, activities::of_organizers(actor));
    /// An organization's projects.
    organization_projects: ChildLoaders<project::Entity> = |db, actor, d, m| ChildLoaders::new(db, d, m, results::of_owners());
    /// An agreement's parties.
    agreement_parties: ChildLoaders<agreement_party::Entity> = |db, actor, d, m| ChildLoaders::new(db, d, m, agreements::parties_of_agreements());
    /// An agreement's implementing activities.
    agreement_activities: ChildLoaders<activity::Entity> = |db, actor, d, m| ChildLoaders::new(db, d, m, activities::of_agreements(actor));
    /// An agreement's linked documents.
    agreement_documents: ChildLoaders<document::Entity> = |db, actor, d, m| ChildLoaders::new(db, d, m, documents::of_agreements(actor));
    /// An activity's organizers.
    activity_organizers: ChildLoaders<organization::Entity> = |db, actor, d, m| ChildLoaders::new(db, d, m, organizations::organizers_of_activities());
    /// An activity's linked documents.
    activity_documents: ChildLoaders<document::Entity> = |db, actor, d, m| ChildLoaders::new(db, d, m, documents::of_activities(actor));
    /// An activity's participation counts.
    activity_participations: ChildList<activity_participation::Entity> = |db, actor, d, m| lists(db, d, m, activities::participations_of_activities());
    /// A project's indicators.
    project_indicators: ChildLoaders<indicator::Entity> = |db, actor, d, m| ChildLoaders::new(db, d, m, results::indicators_of_projects());
    /// A project's activities.
    project_activities: ChildLoaders<activity::Entity> = |db, actor, d, m| ChildLoaders::new(db, d, m, activities::of_projects(actor));
    /// A document's tags.
    document_tags: ChildList<document_tag::Entity> = |db, actor, d, m| lists(db, d, m, documents::tags_of_documents());
    /// A document's versions.
    document_versions: ChildList<document_version::Entity> = |db, actor, d, m| lists(db, d, m, documents::versions_of_documents());
    /// An activity's pending co-organizer invitations.
    activity_pending_organizers: ChildList<activity_organizer::Entity> = |db, actor, d, m| lists(db, d, m, activities::pending_organizers_of_activities());
}

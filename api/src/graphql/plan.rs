//! Plan instead of resolve: once a list has its page, the query's
//! look-ahead says which relations its nodes select, and each is loaded
//! now, for every node of the page at once (one windowed statement per
//! relation, the same [`ChildQuery`](crate::domain::listing::ChildQuery)
//! and visibility rule the loaders use), level by level down the tree. The
//! resolvers then find their rows ready ([`super::loaders::Ready`]) instead
//! of each queueing a key in a DataLoader, waiting out its batch window and
//! being woken with a copy of its share.
//!
//! A plan is only a head start: a selection it cannot read (arguments it
//! does not know, a cursor that does not decode) or a statement that fails
//! is left to the resolver, which loads it through the DataLoaders as before
//! and reports any error at the field that has it.

use async_graphql::{Context, Lookahead, SelectionField, Value};
use entities::{activity, agreement, agreement_party, document, organization, project};
use futures::{FutureExt, future::BoxFuture};
use sea_orm::{EntityTrait, FromQueryResult};

use super::{
    context::RequestState,
    loaders::{ChildLoaders, distinct},
};
use crate::domain::{organizations, pagination::PageArgs};

/// The look-ahead at the nodes of the connection `ctx` resolves.
pub fn nodes<'a>(ctx: &'a Context<'a>) -> Lookahead<'a> {
    ctx.look_ahead().field("edges").field("node")
}

/// The Relay arguments of one selection of a list field; `None` when it
/// has others (filters are not planned) or they do not read as such.
fn page_args(field: SelectionField<'_>) -> Option<PageArgs> {
    let mut args = PageArgs {
        with_total: Lookahead::from(field).field("totalCount").exists(),
        ..PageArgs::default()
    };
    for (name, value) in field.arguments().ok()? {
        match (name.as_str(), value) {
            (_, Value::Null) => {}
            ("first", Value::Number(n)) => args.first = Some(n.as_i64()?),
            ("last", Value::Number(n)) => args.last = Some(n.as_i64()?),
            ("after", Value::String(cursor)) => args.after = Some(cursor),
            ("before", Value::String(cursor)) => args.before = Some(cursor),
            _ => return None,
        }
    }
    Some(args)
}

/// Loads the relation `name` selected under `node` for `parents`, once per
/// distinct selection of it; returns each selection's node look-ahead with
/// the children it loaded.
async fn children<'a, E>(
    state: &RequestState,
    loaders: &ChildLoaders<E>,
    node: &Lookahead<'a>,
    name: &str,
    parents: &[i64],
) -> Vec<(Lookahead<'a>, Vec<E::Model>)>
where
    E: EntityTrait + Send + Sync,
    E::Model: FromQueryResult + Send + Sync + Clone,
{
    let mut out = Vec::new();
    if parents.is_empty() {
        return out;
    }
    for field in node.field(name).selection_fields() {
        let Some(args) = page_args(field) else {
            continue;
        };
        let Ok(seek) = args.seek(&loaders.order, state.limits) else {
            continue;
        };
        if seek.size == 0 {
            continue;
        }
        if let Ok(rows) = loaders.prefetch(parents, &seek, args.with_total).await {
            out.push((Lookahead::from(field).field("edges").field("node"), rows));
        }
    }
    out
}

/// What `node` selects of the organizations `ids` refers to (an owner, a
/// party, an initiator): the records, once, then their own relations.
fn referenced<'a>(
    state: &'a RequestState,
    node: Lookahead<'a>,
    ids: Vec<i64>,
) -> BoxFuture<'a, ()> {
    async move {
        if !node.exists() {
            return;
        }
        let records = state.loaders.organization();
        let missing: Vec<i64> = distinct(&ids)
            .into_iter()
            .filter(|id| !records.is_ready(*id))
            .collect();
        if missing.is_empty() {
            return;
        }
        let Ok(found) = organizations::by_ids(&state.db, &missing).await else {
            return;
        };
        let models: Vec<organization::Model> = found.values().cloned().collect();
        records.put(found);
        organizations(state, node, models).await;
    }
    .boxed()
}

/// Plans what `node` selects below each of these organizations.
pub fn organizations<'a>(
    state: &'a RequestState,
    node: Lookahead<'a>,
    models: Vec<organization::Model>,
) -> BoxFuture<'a, ()> {
    async move {
        let l = &state.loaders;
        let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
        for (next, rows) in children(
            state,
            l.organization_agreements(),
            &node,
            "agreements",
            &ids,
        )
        .await
        {
            agreements(state, next, rows).await;
        }
        for (next, rows) in
            children(state, l.organization_documents(), &node, "documents", &ids).await
        {
            documents(state, next, rows).await;
        }
        for (next, rows) in children(
            state,
            l.organization_activities(),
            &node,
            "activities",
            &ids,
        )
        .await
        {
            activities(state, next, rows).await;
        }
        for (next, rows) in
            children(state, l.organization_projects(), &node, "projects", &ids).await
        {
            projects(state, next, rows).await;
        }
    }
    .boxed()
}

/// Plans what `node` selects below each of these agreements.
pub fn agreements<'a>(
    state: &'a RequestState,
    node: Lookahead<'a>,
    models: Vec<agreement::Model>,
) -> BoxFuture<'a, ()> {
    async move {
        let l = &state.loaders;
        let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
        for (next, rows) in children(state, l.agreement_parties(), &node, "parties", &ids).await {
            parties(state, next, rows).await;
        }
        for (next, rows) in
            children(state, l.agreement_activities(), &node, "activities", &ids).await
        {
            activities(state, next, rows).await;
        }
        for (next, rows) in children(state, l.agreement_documents(), &node, "documents", &ids).await
        {
            documents(state, next, rows).await;
        }
        let initiators = models.iter().map(|m| m.initiator_id).collect();
        referenced(state, node.field("initiator"), initiators).await;
    }
    .boxed()
}

/// Plans what `node` selects below each of these agreement parties.
fn parties<'a>(
    state: &'a RequestState,
    node: Lookahead<'a>,
    models: Vec<agreement_party::Model>,
) -> BoxFuture<'a, ()> {
    let organizations = models.iter().map(|m| m.organization_id).collect();
    referenced(state, node.field("organization"), organizations)
}

/// Plans what `node` selects below each of these documents.
pub fn documents<'a>(
    state: &'a RequestState,
    node: Lookahead<'a>,
    models: Vec<document::Model>,
) -> BoxFuture<'a, ()> {
    async move {
        let l = &state.loaders;
        let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
        if node.field("tags").exists() {
            let _ = l.document_tags().prefetch(&ids).await;
        }
        if node.field("versions").exists() || node.field("latestVersion").exists() {
            let _ = l.document_versions().prefetch(&ids).await;
        }
        let owners = models.iter().map(|m| m.owner_id).collect();
        referenced(state, node.field("owner"), owners).await;
    }
    .boxed()
}

/// Plans what `node` selects below each of these activities.
pub fn activities<'a>(
    state: &'a RequestState,
    node: Lookahead<'a>,
    models: Vec<activity::Model>,
) -> BoxFuture<'a, ()> {
    async move {
        let l = &state.loaders;
        let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
        for (next, rows) in
            children(state, l.activity_organizers(), &node, "organizers", &ids).await
        {
            organizations(state, next, rows).await;
        }
        for (next, rows) in children(state, l.activity_documents(), &node, "documents", &ids).await
        {
            documents(state, next, rows).await;
        }
        if node.field("participation").exists() || node.field("participantsTotal").exists() {
            let _ = l.activity_participations().prefetch(&ids).await;
        }
        let owners = models.iter().map(|m| m.owner_id).collect();
        referenced(state, node.field("owner"), owners).await;
    }
    .boxed()
}

/// Plans what `node` selects below each of these projects.
pub fn projects<'a>(
    state: &'a RequestState,
    node: Lookahead<'a>,
    models: Vec<project::Model>,
) -> BoxFuture<'a, ()> {
    async move {
        let l = &state.loaders;
        let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
        // Indicators' derived values are counted per viewer by their own
        // loader; the rows themselves are planned.
        let _ = children(state, l.project_indicators(), &node, "indicators", &ids).await;
        for (next, rows) in children(state, l.project_activities(), &node, "activities", &ids).await
        {
            activities(state, next, rows).await;
        }
        let owners = models.iter().map(|m| m.owner_id).collect();
        referenced(state, node.field("owner"), owners).await;
    }
    .boxed()
}

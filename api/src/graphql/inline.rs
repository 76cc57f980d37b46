//! Lists resolved in the request's own task. async-graphql resolves every
//! field of every object as a boxed future in a `FuturesUnordered`, each
//! wrapped in the extension chain (with a `ResolveInfo` whose type names
//! it formats anew), which is most of a nested query's CPU once the plan
//! has loaded its data. Inside a connection, [`object`] instead starts each
//! field's future and polls it once, there and then: a field whose data is
//! ready (a column, a planned relation) completes at once; the few that
//! wait (a DataLoader) are awaited together afterwards, so their keys still
//! batch. The values and errors are the ones the fields' own resolvers give.
//!
//! It uses async-graphql's context builders (`with_field`,
//! `with_selection_set`, `with_index`), which its derives use too.

use std::{borrow::Cow, future::Future, pin::Pin, task::Poll};

use async_graphql::{
    ContainerType, Context, ContextSelectionSet, Name, OutputType, Positioned, ServerError,
    ServerResult, Value,
    indexmap::IndexMap,
    parser::types::{Field, Selection},
    registry::Registry,
};
use futures::future::join_all;

type FieldFuture<'a> = Pin<Box<dyn Future<Output = ServerResult<(Name, Value)>> + Send + 'a>>;

/// What an object answers for one of its fields.
pub trait Fields: Send + Sync {
    /// The value of the field `ctx` names (`None` is `null`).
    fn field(&self, ctx: &Context<'_>) -> impl Future<Output = ServerResult<Option<Value>>> + Send;

    /// The concrete type's name (for `__typename` and fragment conditions).
    fn type_name(&self) -> Cow<'static, str>;
}

/// A GraphQL object answering through its own resolvers.
pub struct Resolvers<'a, T: ?Sized>(pub &'a T);

impl<T: ContainerType + ?Sized> Fields for Resolvers<'_, T> {
    fn field(&self, ctx: &Context<'_>) -> impl Future<Output = ServerResult<Option<Value>>> + Send {
        self.0.resolve_field(ctx)
    }

    fn type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }
}

/// An object field's value resolved with [`object`] (for the records a
/// node refers to: an owner, a party's organization, a document's
/// versions); the schema sees `T`.
pub struct Inline<T>(pub T);

impl<T: OutputType + ContainerType> OutputType for Inline<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        object(ctx, &Resolvers(&self.0)).await
    }
}

/// Resolves the selection `ctx` of `root` as async-graphql would (fields,
/// aliases, fragments and their type conditions, `__typename`, errors
/// reported at their field), polling each field once in this task.
pub async fn object<'a, T: Fields + ?Sized>(
    ctx: &ContextSelectionSet<'a>,
    root: &'a T,
) -> ServerResult<Value> {
    let mut futures = Vec::new();
    collect(ctx, root, &mut futures)?;
    let done = settle(futures).await;
    let mut values = IndexMap::with_capacity(done.len());
    for result in done {
        match result {
            Ok((name, value)) => merge(&mut values, name, value),
            Err(error) => ctx.add_error(error),
        }
    }
    Ok(if values.is_empty() {
        Value::Null
    } else {
        Value::Object(values)
    })
}

/// Resolves `items` as a list, each with [`object`] (all started before
/// any is awaited, so the loads of every item batch together).
pub async fn list<T: Fields>(ctx: &ContextSelectionSet<'_>, items: Vec<T>) -> ServerResult<Value> {
    let contexts: Vec<_> = (0..items.len())
        .map(|index| ctx.with_index(index))
        .collect();
    let futures: Vec<Pin<Box<dyn Future<Output = ServerResult<Value>> + Send + '_>>> = items
        .iter()
        .zip(&contexts)
        .map(|(item, at)| {
            Box::pin(async move { object(at, item).await.map_err(|e| at.set_error_path(e)) })
                as Pin<Box<dyn Future<Output = ServerResult<Value>> + Send + '_>>
        })
        .collect();
    settle(futures)
        .await
        .into_iter()
        .collect::<ServerResult<Vec<_>>>()
        .map(Value::List)
}

/// Runs `futures` to completion, results in order: each is polled once,
/// in this task, and those still waiting are then awaited together.
async fn settle<O>(futures: Vec<Pin<Box<dyn Future<Output = O> + Send + '_>>>) -> Vec<O> {
    let mut done: Vec<Option<O>> = Vec::with_capacity(futures.len());
    let mut waiting = Vec::new();
    for (index, mut future) in futures.into_iter().enumerate() {
        match std::future::poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx))).await {
            Poll::Ready(result) => done.push(Some(result)),
            Poll::Pending => {
                done.push(None);
                waiting.push(async move { (index, future.await) });
            }
        }
    }
    for (index, result) in join_all(waiting).await {
        done[index] = Some(result);
    }
    done.into_iter().flatten().collect()
}

/// The futures of every field `ctx` selects on `root`, fragments flattened.
fn collect<'a, T: Fields + ?Sized>(
    ctx: &ContextSelectionSet<'a>,
    root: &'a T,
    out: &mut Vec<FieldFuture<'a>>,
) -> ServerResult<()> {
    for selection in &ctx.item.node.items {
        let (condition, selection_set) = match &selection.node {
            Selection::Field(field) => {
                out.push(field_future(ctx, root, field));
                continue;
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                let fragment = ctx.query_env.fragments.get(name).ok_or_else(|| {
                    ServerError::new(format!(r#"Unknown fragment "{name}"."#), Some(spread.pos))
                })?;
                (
                    Some(fragment.node.type_condition.node.on.node.as_str()),
                    &fragment.node.selection_set,
                )
            }
            Selection::InlineFragment(fragment) => (
                fragment
                    .node
                    .type_condition
                    .as_ref()
                    .map(|c| c.node.on.node.as_str()),
                &fragment.node.selection_set,
            ),
        };
        if applies(ctx, &root.type_name(), condition) {
            collect(&ctx.with_selection_set(selection_set), root, out)?;
        }
    }
    Ok(())
}

/// Whether a fragment on `condition` applies to an object of `type_name`:
/// no condition, the type itself, or an interface it implements.
fn applies(ctx: &ContextSelectionSet<'_>, type_name: &str, condition: Option<&str>) -> bool {
    condition.is_none_or(|condition| {
        condition == type_name
            || ctx
                .schema_env
                .registry
                .implements
                .get(type_name)
                .is_some_and(|interfaces| interfaces.contains(condition))
    })
}

/// One field's future: its response key and value.
fn field_future<'a, T: Fields + ?Sized>(
    ctx: &ContextSelectionSet<'a>,
    root: &'a T,
    field: &'a Positioned<Field>,
) -> FieldFuture<'a> {
    let ctx = ctx.clone();
    Box::pin(async move {
        let ctx_field = ctx.with_field(field);
        let key = field.node.response_key().node.clone();
        if field.node.name.node == "__typename" {
            return Ok((key, Value::String(root.type_name().into_owned())));
        }
        let value = root.field(&ctx_field).await?.unwrap_or_default();
        Ok((key, value))
    })
}

/// Adds `value` at `name`; a key selected twice (two fragments asking for
/// the same object) merges the objects, as GraphQL's field merging does.
fn merge(target: &mut IndexMap<Name, Value>, name: Name, value: Value) {
    match (target.get_mut(&name), value) {
        (Some(Value::Object(existing)), Value::Object(more)) => {
            for (key, value) in more {
                merge(existing, key, value);
            }
        }
        (Some(Value::List(existing)), Value::List(more)) => {
            for (slot, value) in existing.iter_mut().zip(more) {
                if let (Value::Object(existing), Value::Object(more)) = (slot, value) {
                    for (key, value) in more {
                        merge(existing, key, value);
                    }
                }
            }
        }
        (_, value) => {
            target.insert(name, value);
        }
    }
}

//! Responses in the order the query asked for.
//!
//! async-graphql resolves the fields of a selection set concurrently and
//! inserts each into the response map when it finishes, so two identical
//! requests can come back with their keys in different orders. The GraphQL
//! specification orders a response map by the query (CollectFields: first
//! appearance of each response key, aliases and fragments expanded in
//! place). [`Ordering`] keeps the executed document and, once the
//! operation has run, sorts every object of `data` by that order, for
//! queries and mutation payloads alike, on every transport.

use std::sync::Mutex;

use async_graphql::{
    Name, Response, Value,
    parser::types::{
        DocumentOperations, ExecutableDocument, Field, OperationType, Selection, SelectionSet,
    },
    registry::{MetaType, MetaTypeName, Registry},
};

/// One request's document, kept from parsing until its response is built
/// (a part of [`super::pipeline`]).
#[derive(Default)]
pub struct Ordering {
    document: Mutex<Option<ExecutableDocument>>,
}

impl Ordering {
    /// Keeps the parsed document.
    pub fn keep(&self, document: &ExecutableDocument) {
        if let Ok(mut kept) = self.document.lock() {
            *kept = Some(document.clone());
        }
    }

    /// Orders the response's `data` by the kept document.
    pub fn apply(
        &self,
        response: &mut Response,
        operation_name: Option<&str>,
        registry: &Registry,
    ) {
        let document = self.document.lock().ok().and_then(|mut kept| kept.take());
        if let Some(document) = document {
            order_response(&mut response.data, &document, operation_name, registry);
        }
    }
}

/// Sorts every object in `data` by the selection of the operation that
/// produced it.
pub fn order_response(
    data: &mut Value,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    registry: &Registry,
) {
    let operation = match (&document.operations, operation_name) {
        (DocumentOperations::Single(op), _) => &op.node,
        (DocumentOperations::Multiple(ops), Some(name)) => match ops.get(name) {
            Some(op) => &op.node,
            None => return,
        },
        (DocumentOperations::Multiple(_), None) => return,
    };
    let root = match operation.ty {
        OperationType::Query => Some(registry.query_type.as_str()),
        OperationType::Mutation => registry.mutation_type.as_deref(),
        OperationType::Subscription => registry.subscription_type.as_deref(),
    };
    let walker = Walker { document, registry };
    let shape = walker.shape(&[(&operation.selection_set.node, root)]);
    shape.apply(data);
}

/// A selection set and the type its fields are looked up on (`None` when
/// the schema does not say, e.g. inside introspection).
type Scoped<'a> = (&'a SelectionSet, Option<&'a str>);

/// The fields one response key merges, each with the type it is on.
type Collected<'a> = Vec<(&'a Name, Vec<(&'a Field, Option<&'a str>)>)>;

struct Walker<'a> {
    document: &'a ExecutableDocument,
    registry: &'a Registry,
}

/// The response keys of one selection in order, each with the shape of
/// its value: computed once per selection, then applied to every object it
/// produced (a list of a thousand nodes shares one shape).
struct Shape<'a> {
    keys: Vec<(&'a Name, Option<Shape<'a>>)>,
}

impl Shape<'_> {
    fn apply(&self, value: &mut Value) {
        match value {
            Value::List(items) => {
                for item in items {
                    self.apply(item);
                }
            }
            Value::Object(map) => {
                let position = |key: &Name| {
                    self.keys
                        .iter()
                        .position(|(k, _)| *k == key)
                        .unwrap_or(usize::MAX)
                };
                map.sort_by(|a, _, b, _| position(a).cmp(&position(b)));
                for (key, shape) in &self.keys {
                    if let (Some(shape), Some(child)) = (shape, map.get_mut(*key)) {
                        shape.apply(child);
                    }
                }
            }
            _ => {}
        }
    }
}

impl<'a> Walker<'a> {
    /// The shape of what `sets` select. The guard has bounded the expanded
    /// selection (fragments counted at every use) before this runs.
    fn shape(&self, sets: &[Scoped<'a>]) -> Shape<'a> {
        let mut collected = Collected::new();
        for (set, on) in sets {
            self.collect(set, *on, &mut collected, 0);
        }
        let keys = collected
            .into_iter()
            .map(|(key, fields)| {
                let subsets: Vec<Scoped<'a>> = fields
                    .iter()
                    .filter(|(field, _)| !field.selection_set.node.items.is_empty())
                    .map(|(field, on)| (&field.selection_set.node, self.field_type(*on, field)))
                    .collect();
                (key, (!subsets.is_empty()).then(|| self.shape(&subsets)))
            })
            .collect();
        Shape { keys }
    }

    /// CollectFields: each response key at its first appearance, fragments
    /// expanded where they stand when their type condition can apply.
    fn collect(
        &self,
        set: &'a SelectionSet,
        on: Option<&'a str>,
        out: &mut Collected<'a>,
        depth: usize,
    ) {
        // Validation refuses fragment cycles; this bound only keeps a
        // mistake here from recursing forever.
        if depth > 64 {
            return;
        }
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let key = &field.node.response_key().node;
                    let entry = (&field.node, on);
                    match out.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, fields)) => fields.push(entry),
                        None => out.push((key, vec![entry])),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) =
                        self.document.fragments.get(&spread.node.fragment_name.node)
                    {
                        let condition = fragment.node.type_condition.node.on.node.as_str();
                        if self.applies(condition, on) {
                            self.collect(
                                &fragment.node.selection_set.node,
                                Some(condition),
                                out,
                                depth + 1,
                            );
                        }
                    }
                }
                Selection::InlineFragment(inline) => {
                    let condition = inline
                        .node
                        .type_condition
                        .as_ref()
                        .map(|c| c.node.on.node.as_str());
                    if condition.is_none_or(|c| self.applies(c, on)) {
                        self.collect(
                            &inline.node.selection_set.node,
                            condition.or(on),
                            out,
                            depth + 1,
                        );
                    }
                }
            }
        }
    }

    /// Whether a fragment on `condition` applies to an object of type `on`.
    /// For an abstract `on` the object's own type is not known here, so any
    /// fragment that could apply is taken.
    fn applies(&self, condition: &str, on: Option<&str>) -> bool {
        let (Some(on), Some(wanted)) = (on, self.registry.types.get(condition)) else {
            return true;
        };
        match self.registry.types.get(on) {
            Some(actual) if actual.is_abstract() => actual.type_overlap(wanted),
            Some(_) => condition == on || wanted.is_possible_type(on),
            None => true,
        }
    }

    /// The named type `field` returns when selected on `on`.
    fn field_type(&self, on: Option<&'a str>, field: &Field) -> Option<&'a str> {
        let meta: &'a MetaType = self.registry.types.get(on?)?;
        let ty = &meta.field_by_name(field.name.node.as_str())?.ty;
        Some(MetaTypeName::concrete_typename(ty))
    }
}

//! The document guard: every GraphQL document is measured before
//! async-graphql's own passes run over it, on every transport (it is a schema
//! extension, so HTTP, batches, multipart and WebSocket requests all go
//! through it).
//!
//! Why before: async-graphql's parser recurses once per nesting level of a
//! value literal (about 2,000 levels overflow a worker's stack and abort the
//! process), and its depth, directive and complexity passes expand fragment
//! spreads as written, so `F0 { ...F1 ...F1 }` chains cost 2^N. The guard
//! therefore
//! 1. scans the text once, counting tokens and bracket nesting, refusing past
//!    `max_tokens` / `max_nesting` before the parser sees a byte;
//! 2. measures the parsed document with each fragment counted once
//!    (memoized): the fields it would expand to and their depth, refusing
//!    past `max_fields` / `max_depth`, so the later passes walk a bounded
//!    tree;
//! 3. counts aliases, and refuses mutations on a read-only transport (GET).
//!
//! It also gives async-graphql's "Invalid value for argument" validation
//! errors (a bad date, an out-of-range number, an unknown enum value) the
//! code `BAD_USER_INPUT` and the argument's path as `extensions.field`:
//! they are the caller's mistakes, and say which input to fix.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    ErrorExtensionValues, Request, ServerError, ServerResult, ValidationResult,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest, NextValidation,
    },
    parser::types::{
        DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
    },
};

use super::error::ErrorCode;

/// The bounds a document must stay within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentLimits {
    /// Most lexical tokens.
    pub max_tokens: usize,
    /// Deepest nesting of `{`, `[` and `(`.
    pub max_nesting: usize,
    /// Deepest field selection.
    pub max_depth: usize,
    /// Most fields the operations expand to, fragments included.
    pub max_fields: usize,
    /// Most aliases written in the document.
    pub max_aliases: usize,
}

/// Which limit a document broke, and by how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Breach {
    /// More tokens than allowed (counting stopped at the limit).
    Tokens {
        /// The limit.
        max: usize,
    },
    /// Brackets nested deeper than allowed.
    Nesting {
        /// The limit.
        max: usize,
    },
    /// Selections nested deeper than allowed.
    Depth {
        /// The depth found.
        found: usize,
        /// The limit.
        max: usize,
    },
    /// Fragments expand to more fields than allowed.
    Fields {
        /// The fields found (saturating).
        found: u64,
        /// The limit.
        max: usize,
    },
    /// More aliases than allowed.
    Aliases {
        /// The aliases found.
        found: usize,
        /// The limit.
        max: usize,
    },
}

impl Breach {
    /// The limit's name, sent as `extensions.limit`.
    pub fn limit(&self) -> &'static str {
        match self {
            Self::Tokens { .. } => "MAX_TOKENS",
            Self::Nesting { .. } => "MAX_NESTING",
            Self::Depth { .. } => "MAX_DEPTH",
            Self::Fields { .. } => "MAX_COMPLEXITY",
            Self::Aliases { .. } => "MAX_ALIASES",
        }
    }

    /// What the client is told.
    pub fn message(&self) -> String {
        match self {
            Self::Tokens { max } => {
                format!("the document has more than {max} tokens; at most {max} are allowed")
            }
            Self::Nesting { max } => format!(
                "the document nests braces, brackets or parentheses more than {max} deep; at most {max} levels are allowed"
            ),
            Self::Depth { found, max } => {
                format!("the query is nested {found} fields deep; at most {max} levels are allowed")
            }
            Self::Fields { found, max } => format!(
                "the query expands to {found} fields (fragments included); at most {max} are allowed"
            ),
            Self::Aliases { found, max } => {
                format!("the query uses {found} aliases; at most {max} are allowed")
            }
        }
    }

    fn into_server_error(self) -> ServerError {
        coded(
            ServerError::new(self.message(), None),
            ErrorCode::ValidationFailed,
            |ext| ext.set("limit", self.limit()),
        )
    }
}

/// Marks a request that arrived on a transport that must not change
/// anything (HTTP GET): a mutation in it is refused with
/// `METHOD_NOT_ALLOWED`.
#[derive(Debug, Clone, Copy)]
pub struct ReadOnlyTransport;

/// Counts the tokens of `source` and the deepest nesting of its brackets,
/// without parsing: strings, block strings and comments are skipped as
/// units, so brackets inside them do not count. Stops at the first limit
/// crossed. Returns the token count.
pub fn scan(source: &str, limits: &DocumentLimits) -> Result<usize, Breach> {
    let bytes = source.as_bytes();
    let (mut at, mut tokens, mut depth) = (0usize, 0usize, 0usize);
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                at += 1;
                continue;
            }
            b'#' => {
                at = bytes[at..]
                    .iter()
                    .position(|b| matches!(b, b'\n' | b'\r'))
                    .map_or(bytes.len(), |n| at + n);
                continue;
            }
            b'"' if bytes[at..].starts_with(b"\"\"\"") => at = skip_block_string(bytes, at + 3),
            b'"' => at = skip_string(bytes, at + 1),
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > limits.max_nesting {
                    return Err(Breach::Nesting {
                        max: limits.max_nesting,
                    });
                }
                at += 1;
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                at += 1;
            }
            b'.' if bytes[at..].starts_with(b"...") => at += 3,
            b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                at += 1 + bytes[at + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
            }
            b'-' | b'0'..=b'9' => {
                at += 1 + bytes[at + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'))
                    .count();
            }
            // Punctuators, the BOM and anything the parser will refuse: one
            // token per character.
            _ => at += source[at..].chars().next().map_or(1, char::len_utf8),
        }
        tokens += 1;
        if tokens > limits.max_tokens {
            return Err(Breach::Tokens {
                max: limits.max_tokens,
            });
        }
    }
    Ok(tokens)
}

/// The index after a `"..."` string whose opening quote is before `at`
/// (an unterminated one ends at the line's end; the parser refuses it).
fn skip_string(bytes: &[u8], mut at: usize) -> usize {
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'\\' => at += 2,
            b'"' => return at + 1,
            b'\n' | b'\r' => return at,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// The index after a `"""..."""` block string whose opening quotes end
/// before `at`; `\"""` does not close it.
fn skip_block_string(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        if bytes[at..].starts_with(b"\\\"\"\"") {
            at += 4;
        } else if bytes[at..].starts_with(b"\"\"\"") {
            return at + 3;
        } else {
            at += 1;
        }
    }
    bytes.len()
}

/// What a selection set expands to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shape {
    /// Fields, fragments expanded (saturating).
    pub fields: u64,
    /// Deepest field nesting.
    pub depth: usize,
}

/// Measures every operation of `document`, each fragment once.
pub fn measure(document: &ExecutableDocument) -> Shape {
    let mut measurer = Measurer {
        document,
        fragments: HashMap::new(),
    };
    document
        .operations
        .iter()
        .map(|(_, op)| measurer.selection_set(&op.node.selection_set.node))
        .fold(Shape::default(), |acc, s| Shape {
            fields: acc.fields.saturating_add(s.fields),
            depth: acc.depth.max(s.depth),
        })
}

struct Measurer<'a> {
    document: &'a ExecutableDocument,
    /// `None` while a fragment is being measured: a spread of it from
    /// inside itself is a cycle (refused by validation) and counts nothing.
    fragments: HashMap<&'a str, Option<Shape>>,
}

impl<'a> Measurer<'a> {
    fn selection_set(&mut self, set: &'a SelectionSet) -> Shape {
        let mut shape = Shape::default();
        for item in &set.items {
            let (fields, depth) = match &item.node {
                Selection::Field(field) => {
                    let child = self.selection_set(&field.node.selection_set.node);
                    (child.fields.saturating_add(1), child.depth + 1)
                }
                Selection::InlineFragment(fragment) => {
                    let child = self.selection_set(&fragment.node.selection_set.node);
                    (child.fields, child.depth)
                }
                Selection::FragmentSpread(spread) => {
                    let child = self.fragment(spread.node.fragment_name.node.as_str());
                    (child.fields, child.depth)
                }
            };
            shape.fields = shape.fields.saturating_add(fields);
            shape.depth = shape.depth.max(depth);
        }
        shape
    }

    fn fragment(&mut self, name: &'a str) -> Shape {
        match self.fragments.get(name) {
            Some(Some(shape)) => return *shape,
            Some(None) => return Shape::default(),
            None => {}
        }
        let Some((key, definition)) = self.document.fragments.get_key_value(name) else {
            return Shape::default();
        };
        self.fragments.insert(key.as_str(), None);
        let shape = self.selection_set(&definition.node.selection_set.node);
        self.fragments.insert(key.as_str(), Some(shape));
        shape
    }
}

/// Aliases written in the document (operations and fragments, each once).
pub fn count_aliases(document: &ExecutableDocument) -> usize {
    fn walk(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => {
                    usize::from(field.node.alias.is_some()) + walk(&field.node.selection_set.node)
                }
                Selection::InlineFragment(fragment) => walk(&fragment.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    let operations: usize = document
        .operations
        .iter()
        .map(|(_, op)| walk(&op.node.selection_set.node))
        .sum();
    let fragments: usize = document
        .fragments
        .values()
        .map(|f| walk(&f.node.selection_set.node))
        .sum();
    operations + fragments
}

/// Checks a parsed document against the limits that need its structure.
pub fn check_document(
    document: &ExecutableDocument,
    limits: &DocumentLimits,
) -> Result<(), Breach> {
    let shape = measure(document);
    if shape.depth > limits.max_depth {
        return Err(Breach::Depth {
            found: shape.depth,
            max: limits.max_depth,
        });
    }
    if shape.fields > limits.max_fields as u64 {
        return Err(Breach::Fields {
            found: shape.fields,
            max: limits.max_fields,
        });
    }
    let aliases = count_aliases(document);
    if aliases > limits.max_aliases {
        return Err(Breach::Aliases {
            found: aliases,
            max: limits.max_aliases,
        });
    }
    Ok(())
}

/// The operation a request would run: the named one, the only one, or (for
/// an ambiguous unnamed request, which execution refuses) a mutation if the
/// document holds any, so that a read-only transport refuses it too.
pub fn selected_operation(
    document: &ExecutableDocument,
    name: Option<&str>,
) -> Option<OperationType> {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, op)| op.node.ty),
        (DocumentOperations::Multiple(ops), None) => ops
            .values()
            .map(|op| op.node.ty)
            .find(|ty| *ty == OperationType::Mutation)
            .or(Some(OperationType::Query)),
    }
}

/// Scans, parses (once: a request parsed before keeps its document) and
/// checks `request`.
pub fn guard_request(request: &mut Request, limits: &DocumentLimits) -> ServerResult<()> {
    scan(&request.query, limits).map_err(Breach::into_server_error)?;
    let read_only = request
        .data
        .get(&std::any::TypeId::of::<ReadOnlyTransport>())
        .is_some();
    let operation_name = request.operation_name.clone();
    let document = request
        .parsed_query()
        .map_err(|err| coded(err, ErrorCode::ParseFailed, |_| {}))?;
    check_document(document, limits).map_err(Breach::into_server_error)?;
    if read_only
        && selected_operation(document, operation_name.as_deref()) == Some(OperationType::Mutation)
    {
        return Err(coded(
            ServerError::new("mutations must be sent with POST", None),
            ErrorCode::MethodNotAllowed,
            |_| {},
        ));
    }
    Ok(())
}

/// `error` with `extensions.code` set, and whatever `more` adds.
fn coded(
    mut error: ServerError,
    code: ErrorCode,
    more: impl FnOnce(&mut ErrorExtensionValues),
) -> ServerError {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", code.as_str());
    more(extensions);
    error
}

/// The prefix async-graphql gives a value that does not fit its argument's
/// type, followed by the argument's path in quotes
/// (`Invalid value for argument "filter.publishedOn.from", expected type "Date"`).
const INVALID_ARGUMENT: &str = "Invalid value for argument \"";

/// Codes an "Invalid value for argument" validation error as
/// `BAD_USER_INPUT` with the argument's path as `extensions.field`; leaves
/// other errors alone.
pub fn code_input_error(error: ServerError) -> ServerError {
    let Some(rest) = error.message.strip_prefix(INVALID_ARGUMENT) else {
        return error;
    };
    let field = rest.split('"').next().unwrap_or_default().to_owned();
    coded(error, ErrorCode::BadUserInput, |ext| {
        ext.set("field", field)
    })
}

/// The schema extension that applies the guard to every request.
pub struct DocumentGuard {
    limits: Arc<DocumentLimits>,
}

impl DocumentGuard {
    /// A guard enforcing `limits`.
    pub fn new(limits: DocumentLimits) -> Self {
        Self {
            limits: Arc::new(limits),
        }
    }
}

impl ExtensionFactory for DocumentGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(GuardExtension {
            limits: Arc::clone(&self.limits),
        })
    }
}

struct GuardExtension {
    limits: Arc<DocumentLimits>,
}

#[async_trait::async_trait]
impl Extension for GuardExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        guard_request(&mut request, &self.limits)?;
        next.run(ctx, request).await
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx)
            .await
            .map_err(|errors| errors.into_iter().map(code_input_error).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: DocumentLimits = DocumentLimits {
        max_tokens: 100,
        max_nesting: 8,
        max_depth: 5,
        max_fields: 50,
        max_aliases: 3,
    };

    fn parse(query: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(query).unwrap_or_else(|e| panic!("{query}: {e}"))
    }

    #[test]
    fn counts_tokens_as_the_grammar_does() {
        let limits = DocumentLimits {
            max_tokens: 1000,
            ..LIMITS
        };
        assert_eq!(scan("{ __typename }", &limits), Ok(3));
        assert_eq!(
            scan("query($a: Int = -12.5e3) { f(a: $a) }", &limits),
            Ok(18)
        );
        // Strings, block strings and comments are one token or none,
        // whatever brackets they hold.
        assert_eq!(scan(r#"{ f(a: "{[(\"") }"#, &limits), Ok(8));
        assert_eq!(
            scan("{ f(a: \"\"\" {{{ \\\"\"\" ((( \"\"\") }", &limits),
            Ok(8)
        );
        assert_eq!(scan("# {{{{{{{{{{\n{ a, b ...F }", &limits), Ok(6));
    }

    #[test]
    fn stops_at_the_token_limit() {
        let query = format!("{{ {} }}", "__typename ".repeat(200));
        assert_eq!(scan(&query, &LIMITS), Err(Breach::Tokens { max: 100 }));
    }

    #[test]
    fn refuses_deep_values_before_parsing() {
        let deep = format!(
            "query($x: Int = {}1{}) {{ a }}",
            "[".repeat(9),
            "]".repeat(9)
        );
        assert_eq!(scan(&deep, &LIMITS), Err(Breach::Nesting { max: 8 }));
        let big = DocumentLimits {
            max_tokens: 1_000_000,
            max_nesting: 32,
            ..LIMITS
        };
        let object = format!(
            "{{ documents(filter: {}1{}) {{ totalCount }} }}",
            "{a: ".repeat(5000),
            "}".repeat(5000)
        );
        assert_eq!(scan(&object, &big), Err(Breach::Nesting { max: 32 }));
    }

    #[test]
    fn fragment_fan_out_is_measured_without_expanding_it() {
        let mut query = String::from("query { ...F0 }");
        for level in 0..40 {
            query.push_str(&format!(
                " fragment F{level} on Query {{ ...F{next} ...F{next} }}",
                next = level + 1
            ));
        }
        query.push_str(" fragment F40 on Query { __typename }");
        let started = std::time::Instant::now();
        let shape = measure(&parse(&query));
        assert_eq!(shape.fields, 1 << 40);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert!(matches!(
            check_document(&parse(&query), &LIMITS),
            Err(Breach::Fields { .. })
        ));
    }

    #[test]
    fn measures_depth_through_fragments_and_survives_cycles() {
        let doc = parse("{ a { ...F } } fragment F on A { b { c { d } } ... on A { e } }");
        assert_eq!(
            measure(&doc),
            Shape {
                fields: 5,
                depth: 4
            }
        );
        let cyclic =
            parse("{ ...F } fragment F on Query { a ...G } fragment G on Query { b ...F }");
        assert_eq!(measure(&cyclic).fields, 2);
        let deep = parse("{ a { b { c { d { e { f } } } } } }");
        assert_eq!(
            check_document(&deep, &LIMITS),
            Err(Breach::Depth { found: 6, max: 5 })
        );
    }

    #[test]
    fn counts_aliases_in_operations_and_fragments() {
        let doc = parse(
            "query { a: organizations { b: totalCount } ...F } fragment F on Query { c: stats { d: documentsByKind { key } } }",
        );
        assert_eq!(count_aliases(&doc), 4);
        assert_eq!(
            check_document(&doc, &LIMITS),
            Err(Breach::Aliases { found: 4, max: 3 })
        );
    }

    #[test]
    fn read_only_transports_refuse_mutations_even_when_ambiguous() {
        let doc = parse("query A { a } mutation B { b }");
        assert_eq!(
            selected_operation(&doc, Some("A")),
            Some(OperationType::Query)
        );
        assert_eq!(
            selected_operation(&doc, Some("B")),
            Some(OperationType::Mutation)
        );
        assert_eq!(
            selected_operation(&doc, None),
            Some(OperationType::Mutation)
        );
    }

    #[test]
    fn argument_errors_become_bad_user_input_naming_the_argument() {
        let error = code_input_error(ServerError::new(
            "Invalid value for argument \"filter.publishedOn.from\", expected type \"Date\"",
            None,
        ));
        let ext = error.extensions.unwrap_or_default();
        assert_eq!(
            ext.get("code"),
            Some(&async_graphql::Value::from("BAD_USER_INPUT"))
        );
        assert_eq!(
            ext.get("field"),
            Some(&async_graphql::Value::from("filter.publishedOn.from"))
        );
        let other = code_input_error(ServerError::new("Unknown field \"x\"", None));
        assert!(other.extensions.is_none());
    }
}

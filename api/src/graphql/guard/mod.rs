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

use std::collections::HashMap;

use async_graphql::{
    ErrorExtensionValues, Request, ServerError, ServerResult,
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
    /// A spread of a fragment the document does not define.
    UnknownFragment(String),
    /// A fragment that spreads itself, directly or not.
    FragmentCycle(String),
    /// A file reference the request did not upload.
    UnknownUpload,
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
            Self::UnknownFragment(_) | Self::FragmentCycle(_) => "FRAGMENTS",
            Self::UnknownUpload => "UPLOADS",
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
                "the query expands to {found} selections (fragments included); at most {max} are allowed"
            ),
            Self::Aliases { found, max } => {
                format!("the query uses {found} aliases; at most {max} are allowed")
            }
            Self::UnknownFragment(name) => format!("Unknown fragment \"{name}\""),
            Self::FragmentCycle(name) => {
                format!("Cannot spread fragment \"{name}\" within itself")
            }
            Self::UnknownUpload => {
                "a file reference must come from a file of this multipart request".to_owned()
            }
        }
    }

    fn into_server_error(self) -> ServerError {
        let code = match self {
            Self::UnknownUpload => ErrorCode::BadUserInput,
            _ => ErrorCode::ValidationFailed,
        };
        coded(ServerError::new(self.message(), None), code, |ext| {
            ext.set("limit", self.limit());
        })
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

/// Counts the tokens of `source`, however many (for pricing a document).
pub fn count_tokens(source: &str) -> usize {
    let unbounded = DocumentLimits {
        max_tokens: usize::MAX,
        max_nesting: usize::MAX,
        max_depth: usize::MAX,
        max_fields: usize::MAX,
        max_aliases: usize::MAX,
    };
    scan(source, &unbounded).unwrap_or(usize::MAX)
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
    /// Selections (fields, fragment spreads, inline fragments), fragments
    /// expanded (saturating). async-graphql's passes visit each of them.
    pub fields: u64,
    /// Deepest field nesting.
    pub depth: usize,
    /// Deepest nesting of selection sets, spreads and inline fragments
    /// included (what async-graphql's recursion limit counts).
    pub nesting: usize,
}

impl Shape {
    fn add(self, other: Shape) -> Shape {
        Shape {
            fields: self.fields.saturating_add(other.fields),
            depth: self.depth.max(other.depth),
            nesting: self.nesting.max(other.nesting),
        }
    }
}

/// Measures every operation of `document`, each fragment once. Refuses a
/// spread of an unknown fragment, a fragment cycle, and nesting past
/// `max_nesting` (it stops descending there, so its own recursion stays
/// shallow whatever the document).
pub fn measure(document: &ExecutableDocument, max_nesting: usize) -> Result<Shape, Breach> {
    let mut measurer = Measurer {
        document,
        fragments: HashMap::new(),
        max_nesting,
    };
    let mut total = Shape::default();
    for (_, op) in document.operations.iter() {
        total = total.add(measurer.selection_set(&op.node.selection_set.node, 1)?);
    }
    Ok(total)
}

struct Measurer<'a> {
    document: &'a ExecutableDocument,
    /// `None` while a fragment is being measured: meeting it again then is
    /// a cycle.
    fragments: HashMap<&'a str, Option<Shape>>,
    max_nesting: usize,
}

impl<'a> Measurer<'a> {
    /// The shape of `set`, found `level` selection sets deep.
    fn selection_set(&mut self, set: &'a SelectionSet, level: usize) -> Result<Shape, Breach> {
        if level > self.max_nesting {
            return Err(Breach::Nesting {
                max: self.max_nesting,
            });
        }
        let mut shape = Shape {
            nesting: 1,
            ..Shape::default()
        };
        for item in &set.items {
            let (child, field) = match &item.node {
                Selection::Field(field) => (
                    self.selection_set(&field.node.selection_set.node, level + 1)?,
                    true,
                ),
                Selection::InlineFragment(fragment) => (
                    self.selection_set(&fragment.node.selection_set.node, level + 1)?,
                    false,
                ),
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let child = self.fragment(name, level + 1)?;
                    if level + child.nesting > self.max_nesting {
                        return Err(Breach::Nesting {
                            max: self.max_nesting,
                        });
                    }
                    (child, false)
                }
            };
            let empty_field = field && child.nesting == 1 && child.fields == 0;
            shape = shape.add(Shape {
                fields: child.fields.saturating_add(1),
                depth: if field { child.depth + 1 } else { child.depth },
                nesting: if empty_field { 1 } else { child.nesting + 1 },
            });
        }
        Ok(shape)
    }

    /// The shape of fragment `name`, spread `level` selection sets deep.
    fn fragment(&mut self, name: &'a str, level: usize) -> Result<Shape, Breach> {
        match self.fragments.get(name) {
            Some(Some(shape)) => return Ok(*shape),
            Some(None) => return Err(Breach::FragmentCycle(name.to_owned())),
            None => {}
        }
        let Some((key, definition)) = self.document.fragments.get_key_value(name) else {
            return Err(Breach::UnknownFragment(name.to_owned()));
        };
        self.fragments.insert(key.as_str(), None);
        let shape = self.selection_set(&definition.node.selection_set.node, level)?;
        self.fragments.insert(key.as_str(), Some(shape));
        Ok(shape)
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
    let shape = measure(document, limits.max_nesting)?;
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
    check_uploads(request).map_err(Breach::into_server_error)?;
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

/// How async-graphql marks a variable that holds an uploaded file
/// (`#__graphql_file__:N`, N an index into the request's files).
const FILE_REFERENCE: &str = "#__graphql_file__:";

/// Refuses file references the multipart reader did not write: in the
/// document itself, or in a variable pointing past the request's files.
/// async-graphql trusts them (it unwraps the index and indexes the files
/// with it), so a forged one would panic the request.
fn check_uploads(request: &Request) -> Result<(), Breach> {
    fn fine(value: &async_graphql::Value, files: usize) -> bool {
        match value {
            async_graphql::Value::String(text) => text
                .strip_prefix(FILE_REFERENCE)
                .is_none_or(|index| index.parse::<usize>().is_ok_and(|i| i < files)),
            async_graphql::Value::List(items) => items.iter().all(|v| fine(v, files)),
            async_graphql::Value::Object(fields) => fields.values().all(|v| fine(v, files)),
            _ => true,
        }
    }
    let files = request.uploads.len();
    if request.query.contains(FILE_REFERENCE) || !request.variables.values().all(|v| fine(v, files))
    {
        return Err(Breach::UnknownUpload);
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
pub fn code_input_error(mut error: ServerError) -> ServerError {
    let Some(rest) = error.message.strip_prefix(INVALID_ARGUMENT) else {
        return error;
    };
    let field = rest.split('"').next().unwrap_or_default().to_owned();
    let expected = rest
        .split_once("expected type \"")
        .and_then(|(_, ty)| ty.split('"').next())
        .and_then(super::scalars::format_hint);
    if let Some(hint) = expected {
        error.message = format!("{}: {hint}", error.message);
    }
    coded(error, ErrorCode::BadUserInput, |ext| {
        ext.set("field", field)
    })
}

#[cfg(test)]
mod tests;

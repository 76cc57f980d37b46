//! Property tests ("fuzzing") of the document guard: random token soup,
//! brackets nested thousands deep and random fragment graphs go through
//! the same `guard_request` every transport calls. The properties: it never
//! panics, never lets the parser see nesting past the limit, and its
//! memoized measure agrees with a brute-force expansion wherever that
//! expansion is small enough to run.
//!
//! CI runs the default number of cases; for a long run:
//! `PROPTEST_CASES=200000 cargo test -p pactum-api --lib guard_fuzz`.

use async_graphql::{
    Request,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};
use proptest::prelude::*;

use super::guard::{DocumentLimits, guard_request, measure, scan};

const LIMITS: DocumentLimits = DocumentLimits {
    max_tokens: 5_000,
    max_nesting: 32,
    max_depth: 12,
    max_fields: 50_000,
    max_aliases: 30,
};

/// Pieces GraphQL documents (and attacks on them) are made of.
const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "...",
    "query",
    "mutation",
    "fragment",
    "on",
    "Query",
    "__typename",
    "organizations",
    "documents",
    "filter",
    "first",
    "a",
    "F0",
    "F1",
    ":",
    "$",
    "x",
    "=",
    "1",
    "-2.5e3",
    "\"",
    "\"str\"",
    "\"\"\"",
    "\"\"\"block\"\"\"",
    "\\",
    "\\\"",
    "#",
    "#{[(\n",
    "\n",
    " ",
    ",",
    "@",
    "include",
    "if",
    "!",
    "Int",
    "ț",
    "\u{feff}",
    "\u{0}",
    "\u{1b}[31m",
    "true",
    "null",
    "\\ț",
    "\"\\ț\"",
    "\"\"\"\\\"\"\"",
    "\r",
    "\u{2028}",
    "0x",
    "1e",
    "..",
];

/// Pieces glued without spaces, so escapes meet multi-byte characters and
/// tokens run into each other.
fn glued() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..200).prop_map(|pieces| pieces.concat())
}

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..400).prop_map(|pieces| pieces.join(" "))
}

/// A valid-looking document wrapped in `depth` random open brackets (and
/// maybe their closers): the shapes that overflowed the parser.
fn deep() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(&["[", "{a: ", "("][..]), 0..4_000),
        any::<bool>(),
    )
        .prop_map(|(opens, closed)| {
            let mut query = String::from("{ documents(filter: ");
            for open in &opens {
                query.push_str(open);
            }
            query.push('1');
            if closed {
                for open in opens.iter().rev() {
                    query.push_str(match *open {
                        "[" => "]",
                        "(" => ")",
                        _ => "}",
                    });
                }
            }
            query.push_str(") { totalCount } }");
            query
        })
}

/// Fragments F0..Fn, each spreading others at random, sometimes fragments
/// the document does not define (the shape that slipped past a first
/// version of the guard), sometimes inside a field, with or without a field
/// of their own; cycles included. Validation refuses some of these; the
/// guard must refuse or bound all of them first.
fn fragment_graph() -> impl Strategy<Value = String> {
    let fragment = (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(0usize..10, 0..11),
    );
    prop::collection::vec(fragment, 1..10).prop_map(|graph| {
        let n = graph.len();
        let mut query = String::from("query { ...F0 }");
        for (i, (own_field, nested, spreads)) in graph.iter().enumerate() {
            query.push_str(&format!(" fragment F{i} on Query {{"));
            if *own_field || spreads.is_empty() {
                query.push_str(" __typename");
            }
            if *nested {
                query.push_str(" organizations {");
            }
            for target in spreads {
                // Names up to n + 1: the last two are never defined.
                query.push_str(&format!(" ...F{}", target % (n + 2)));
            }
            if *nested {
                query.push_str(" totalCount }");
            }
            query.push_str(" }");
        }
        query
    })
}

/// Fragments that spread only later ones (no cycle, so nothing but the
/// guard stands between them and an exponential walk), the last ones often
/// undefined.
fn layered_graph() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::collection::vec(0usize..3, 8..11), 8..14).prop_map(|layers| {
        let n = layers.len();
        let mut query = String::from("query { ...F0 }");
        for (i, spreads) in layers.iter().enumerate() {
            query.push_str(&format!(" fragment F{i} on Query {{"));
            for step in spreads {
                // F{i+1}..F{i+3}; past the last fragment, undefined.
                query.push_str(&format!(" ...F{}", i + 1 + step));
            }
            query.push_str(" }");
        }
        if n % 2 == 0 {
            query.push_str(&format!(" fragment F{n} on Query {{ __typename }}"));
        }
        query
    })
}

/// Selections (fields, spreads, inline fragments) the operations expand
/// to, expanding every spread as written; `None` past `cap`, on a cycle or
/// an unknown fragment.
fn brute_force(document: &ExecutableDocument, cap: u64) -> Option<u64> {
    fn walk(doc: &ExecutableDocument, set: &SelectionSet, cap: u64, depth: usize) -> Option<u64> {
        if depth > 64 {
            return None;
        }
        let mut total = 0u64;
        for item in &set.items {
            total += 1 + match &item.node {
                Selection::Field(f) => walk(doc, &f.node.selection_set.node, cap, depth + 1)?,
                Selection::InlineFragment(f) => {
                    walk(doc, &f.node.selection_set.node, cap, depth + 1)?
                }
                Selection::FragmentSpread(s) => {
                    let f = doc.fragments.get(&s.node.fragment_name.node)?;
                    walk(doc, &f.node.selection_set.node, cap, depth + 1)?
                }
            };
            if total > cap {
                return None;
            }
        }
        Some(total)
    }
    document
        .operations
        .iter()
        .map(|(_, op)| walk(document, &op.node.selection_set.node, cap, 0))
        .sum()
}

/// The real schema, as the server builds it (no database: resolvers that
/// need one fail with a coded error, which is fine here).
fn schema() -> &'static super::PactumSchema {
    static SCHEMA: std::sync::OnceLock<super::PactumSchema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| super::build_schema(&crate::config::Config::default()))
}

/// Runs `query` through the whole schema (meter, guard, parser,
/// validation, execution) on a thread of its own; `None` if it has not
/// answered within ten seconds (a stall, which the property reports
/// instead of hanging the suite).
fn execute(query: String) -> Option<async_graphql::Response> {
    let (answer, answered) = std::sync::mpsc::channel();
    let shown = query.chars().take(200).collect::<String>();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap_or_else(|err| panic!("runtime: {err}"));
        let payer = super::cost::Payer {
            budgets: std::sync::Arc::new(crate::ratelimit::Budgets::new(&crate::config::Config {
                rate_limit_enabled: false,
                ..crate::config::Config::default()
            })),
            key: crate::ratelimit::ClientKey::ip(std::net::IpAddr::from([127, 0, 0, 1])),
        };
        let response = runtime.block_on(schema().execute(Request::new(query).data(payer)));
        let _ = answer.send(response);
    });
    let response = answered
        .recv_timeout(std::time::Duration::from_secs(10))
        .ok();
    if response.is_none() {
        eprintln!("no answer within 10 s to: {shown}");
    }
    response
}

proptest! {
    // A stall costs ten seconds a case: shrink briefly.
    #![proptest_config(ProptestConfig {
        max_shrink_iters: 32,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_guard_never_panics_on_token_soup(query in prop_oneof![soup(), glued(), any::<String>()]) {
        let _ = guard_request(&mut Request::new(query), &LIMITS);
    }

    #[test]
    fn the_schema_answers_any_soup_or_deep_document(
        query in prop_oneof![soup(), glued(), deep(), fragment_graph(), layered_graph(), any::<String>()]
    ) {
        let response = execute(query);
        prop_assert!(response.is_some(), "the schema stalled");
        if let Some(response) = response {
            prop_assert!(response.data != async_graphql::Value::Null || !response.errors.is_empty());
        }
    }

    #[test]
    fn the_parser_never_sees_nesting_past_the_limit(query in deep()) {
        let opens = query.matches(['[', '(', '{']).count();
        let mut request = Request::new(query);
        let outcome = guard_request(&mut request, &LIMITS);
        // Two levels are the document's own `{` and `(`.
        if opens > LIMITS.max_nesting + 2 {
            prop_assert!(outcome.is_err());
        }
    }

    #[test]
    fn the_memoized_measure_agrees_with_brute_force(query in prop_oneof![fragment_graph(), layered_graph()]) {
        prop_assert!(scan(&query, &LIMITS).is_ok());
        let document = async_graphql::parser::parse_query(&query).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let memoized = measure(&document, 80);
        if let Some(expanded) = brute_force(&document, 100_000) {
            prop_assert_eq!(memoized.map(|shape| shape.fields), Ok(expanded));
        }
    }
}

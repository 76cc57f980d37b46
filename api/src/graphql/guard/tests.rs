//! Unit tests of the document guard: token counts, nesting, fragment
//! fan-out and cycles, depth, aliases, read-only transports, argument errors.

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

/// `query { ...F0 } fragment F0 { ...F1 ...F1 } … fragment F{levels} {
/// __typename }`.
fn fan_out(levels: usize, leaf: &str) -> String {
    let mut query = String::from("query { ...F0 }");
    for level in 0..levels {
        query.push_str(&format!(
            " fragment F{level} on Query {{ ...F{next} ...F{next} }}",
            next = level + 1
        ));
    }
    query.push_str(&format!(" fragment F{levels} on Query {{ {leaf} }}"));
    query
}

#[test]
fn fragment_fan_out_is_measured_without_expanding_it() {
    let limits = DocumentLimits {
        max_nesting: 64,
        ..LIMITS
    };
    let doc = parse(&fan_out(40, "__typename"));
    // Each level: two spreads, each one selection plus what it expands to.
    let expected = (0..40).fold(1u64, |below, _| 2 * (1 + below)) + 1;
    assert_eq!(measure(&doc, 64).map(|s| s.fields), Ok(expected));
    assert!(matches!(
        check_document(&doc, &limits),
        Err(Breach::Fields { .. })
    ));
    // Deeper than the nesting limit, it is refused for that first.
    assert_eq!(
        check_document(&doc, &LIMITS),
        Err(Breach::Nesting { max: 8 })
    );
}

#[test]
fn spreads_of_unknown_fragments_and_cycles_are_refused() {
    let unknown = parse(&fan_out(6, "...Nope"));
    assert_eq!(
        measure(&unknown, 32),
        Err(Breach::UnknownFragment("Nope".into()))
    );
    let cyclic = parse("{ ...F } fragment F on Query { a ...G } fragment G on Query { b ...F }");
    assert_eq!(measure(&cyclic, 32), Err(Breach::FragmentCycle("F".into())));
    let own = parse("{ ...F } fragment F on Query { ...F }");
    assert_eq!(measure(&own, 32), Err(Breach::FragmentCycle("F".into())));
}

#[test]
fn a_long_chain_of_spreads_stops_at_the_nesting_limit() {
    let mut query = String::from("{ ...F0 }");
    for i in 0..10_000 {
        query.push_str(&format!(" fragment F{i} on Query {{ ...F{} }}", i + 1));
    }
    query.push_str(" fragment F10000 on Query { a }");
    let doc = parse(&query);
    assert_eq!(measure(&doc, 32), Err(Breach::Nesting { max: 32 }));
}

#[test]
fn measures_depth_and_nesting_through_fragments() {
    let doc = parse("{ a { ...F } } fragment F on A { b { c { d } } ... on A { e } }");
    assert_eq!(
        measure(&doc, 32),
        Ok(Shape {
            fields: 7,
            depth: 4,
            nesting: 5
        })
    );
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
    assert!(error.message.contains("YYYY-MM-DD"), "{}", error.message);
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

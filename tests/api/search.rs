//! Text search of the lists: full-text, case- and diacritics-insensitive,
//! by word in any inflection ("coruptie" finds "corupție", "corupției" and
//! the old cedilla spelling "corupţie", but not the compound
//! "anticorupție", which is a word of its own), nothing typed read as
//! query syntax, blank searches ignored, and search combined with filters,
//! `totalCount` and pagination. Most checks run on the demo data; each
//! also checks that search returns exactly the visible records with, for
//! every word searched, a word starting with its stem (projects keep the
//! plain substring search).

use std::collections::BTreeSet;

use entities::{
    enums::{AgreementStatus, DocumentKind, OrganizationKind, Visibility},
    organization,
};
use pactum::domain::text::fold;
use pactum_tests::{
    TestApp,
    fixtures::{self, date},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

/// A root list and the fields its search looks at.
#[derive(Debug, Clone, Copy)]
struct List {
    field: &'static str,
    type_name: &'static str,
    label: &'static str,
    text: &'static [&'static str],
    /// Full-text (by word) rather than substring.
    by_word: bool,
}

const ORGANIZATIONS: List = List {
    field: "organizations",
    type_name: "Organization",
    label: "name",
    text: &["name", "county", "locality", "description"],
    by_word: true,
};
const AGREEMENTS: List = List {
    field: "agreements",
    type_name: "Agreement",
    label: "title",
    text: &["title", "objectives"],
    by_word: true,
};
const DOCUMENTS: List = List {
    field: "documents",
    type_name: "Document",
    label: "title",
    text: &["title", "summary", "tags"],
    by_word: true,
};
const ACTIVITIES: List = List {
    field: "activities",
    type_name: "Activity",
    label: "title",
    text: &["title", "description", "place"],
    by_word: true,
};
const PROJECTS: List = List {
    field: "projects",
    type_name: "Project",
    label: "title",
    text: &["code", "title", "programme", "summary"],
    by_word: false,
};

impl List {
    fn query(self) -> String {
        let mut fields: BTreeSet<&str> = self.text.iter().copied().collect();
        fields.insert(self.label);
        fields.insert("id");
        format!(
            "query($search: String, $filter: {t}Filter, $first: Int, $after: String) {{
                {f}(search: $search, filter: $filter, first: $first, after: $after) {{
                    totalCount
                    pageInfo {{ hasNextPage endCursor }}
                    edges {{ node {{ {fields} }} }}
                }}
            }}",
            t = self.type_name,
            f = self.field,
            fields = fields.into_iter().collect::<Vec<_>>().join(" "),
        )
    }

    /// The folded searchable text of a node.
    fn folded(self, node: &Value) -> String {
        let parts: Vec<&str> = self
            .text
            .iter()
            .flat_map(|field| match &node[*field] {
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                other => other.as_str().into_iter().collect::<Vec<_>>(),
            })
            .collect();
        fold(&parts.join(" "))
    }

    /// Whether a node's searchable text holds what `term` looks for.
    fn holds(self, node: &Value, term: &str) -> bool {
        let text = self.folded(node);
        if !self.by_word {
            return text.contains(&fold(term));
        }
        let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
        stems(term)
            .iter()
            .all(|stem| words.iter().any(|w| w.starts_with(stem.as_str())))
    }
}

/// The stems a term's words are matched by: the folded word, less the
/// inflection for the words these tests inflect; common words dropped.
fn stems(term: &str) -> Vec<String> {
    fold(term)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !["si", "de", "a", "in"].contains(w))
        .map(|w| match w {
            "coruptie" | "coruptiei" | "coruptia" => "corupt".to_owned(),
            "transparentei" => "transparent".to_owned(),
            "decizionale" => "decizional".to_owned(),
            other => other.to_owned(),
        })
        .collect()
}

/// One search, all on one page: the nodes, checking that `totalCount`
/// counts exactly them.
async fn search(app: &TestApp, list: List, term: Value, filter: Value) -> Vec<Value> {
    let variables = json!({ "search": term, "filter": filter, "first": 100 });
    let data = app.data(&list.query(), variables.clone()).await;
    let connection = &data[list.field];
    let nodes: Vec<Value> = connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    assert_eq!(
        connection["totalCount"],
        nodes.len(),
        "{} {variables}: totalCount must count the hits",
        list.field
    );
    assert_eq!(connection["pageInfo"]["hasNextPage"], false);
    nodes
}

fn labels(list: List, nodes: &[Value]) -> BTreeSet<String> {
    nodes
        .iter()
        .map(|n| n[list.label].as_str().unwrap().to_owned())
        .collect()
}

fn ids(nodes: &[Value]) -> BTreeSet<String> {
    nodes
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Searches `list` for `term` and checks the hits are exactly the visible
/// records (under `filter`) whose searchable text holds it
/// ([`List::holds`]). Returns the hits' labels.
async fn assert_exact_search(
    app: &TestApp,
    list: List,
    term: &str,
    filter: Value,
) -> BTreeSet<String> {
    let everything = search(app, list, Value::Null, filter.clone()).await;
    let expected: Vec<Value> = everything
        .into_iter()
        .filter(|n| list.holds(n, term))
        .collect();
    let hits = search(app, list, json!(term), filter.clone()).await;
    for hit in &hits {
        assert!(
            list.holds(hit, term),
            "{} {term:?}: {hit} does not hold it",
            list.field
        );
    }
    assert_eq!(
        ids(&hits),
        ids(&expected),
        "{} {term:?} {filter}: hits {:?}, expected {:?}",
        list.field,
        labels(list, &hits),
        labels(list, &expected)
    );
    labels(list, &hits)
}

#[tokio::test]
async fn coruptie_finds_corruption_documents_whatever_the_spelling() {
    let app = TestApp::with_demo().await;
    // A document spelt with the old cedilla "ţ", as many Romanian documents
    // still are.
    let lugoj = organization::Entity::find()
        .filter(organization::Column::Slug.eq("municipiul-lugoj"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    fixtures::document(
        &app.db,
        lugoj.id,
        "Studiu de caz: corupţie în achiziţii",
        DocumentKind::Report,
        Visibility::Public,
        "ro",
        &[],
    )
    .await;

    let hits = assert_exact_search(&app, DOCUMENTS, "coruptie", Value::Null).await;
    for title in [
        "Analiza de identificare a riscurilor și vulnerabilităților la corupție",
        "Raport privind sondajul percepției publice asupra corupției",
        "Studiu de caz: corupţie în achiziţii",
    ] {
        assert!(hits.contains(title), "{title} missing from {hits:?}");
    }
    // The compound is a word of its own, found by its own name.
    let compound = assert_exact_search(&app, DOCUMENTS, "anticoruptie", Value::Null).await;
    assert!(compound.contains("Procedura internă anticorupție"));
    // Unrelated documents stay out, and so do those an anonymous reader
    // may not see.
    for title in [
        "Codul etic al funcționarilor publici",
        "Suport de curs: auditor intern ISO 37001:2016",
        "Registrul riscurilor de corupție și planul de măsuri",
    ] {
        assert!(!hits.contains(title), "{title} should not be in {hits:?}");
    }

    // Upper case, comma-below "Ț", cedilla "ţ", stray spaces: same hits.
    for term in [
        "CORUPȚIE",
        "Corupție",
        "corupţie",
        "CORUPŢIE",
        "  coruptie  ",
    ] {
        let same = search(&app, DOCUMENTS, json!(term), Value::Null).await;
        assert_eq!(labels(DOCUMENTS, &same), hits, "{term:?}");
    }
}

#[tokio::test]
async fn iso_finds_the_iso_37001_activities_and_documents() {
    let app = TestApp::with_demo().await;

    let activities = assert_exact_search(&app, ACTIVITIES, "ISO", Value::Null).await;
    for title in [
        "Curs de auditor intern ISO 37001:2016 – sistem de management anti-mită",
        "Audit de certificare a sistemului de management anti-mită ISO 37001:2016",
    ] {
        assert!(activities.contains(title), "{title} in {activities:?}");
    }
    // The private preparation meeting is not for anonymous eyes.
    assert!(
        !activities
            .contains("Ședință internă de pregătire a auditului de certificare ISO 37001:2016")
    );

    let documents = assert_exact_search(&app, DOCUMENTS, "ISO", Value::Null).await;
    for title in [
        "Suport de curs: auditor intern ISO 37001:2016",
        "Raport final de implementare",
    ] {
        assert!(documents.contains(title), "{title} in {documents:?}");
    }

    // A longer term with punctuation works the same way, in any case.
    let exact = assert_exact_search(&app, DOCUMENTS, "iso 37001:2016", Value::Null).await;
    assert!(exact.contains("Suport de curs: auditor intern ISO 37001:2016"));
    assert_exact_search(&app, ACTIVITIES, "Iso 37001", Value::Null).await;
}

#[tokio::test]
async fn organizations_are_found_by_name_or_county_without_diacritics() {
    let app = TestApp::with_demo().await;
    let timis = assert_exact_search(&app, ORGANIZATIONS, "timis", Value::Null).await;
    assert!(timis.contains("Consiliul Județean Timiș"), "{timis:?}");
    // Every organization in Timiș county is found, the others are not.
    let in_timis = search(
        &app,
        ORGANIZATIONS,
        Value::Null,
        json!({ "counties": ["Timiș"] }),
    )
    .await;
    assert!(labels(ORGANIZATIONS, &in_timis).is_subset(&timis));
    assert!(!timis.contains("Fundația Drepturi și Demnitate"));

    for term in ["judetean timis", "JUDEȚEAN TIMIȘ", "Judeţean Timiş"] {
        let hits = search(&app, ORGANIZATIONS, json!(term), Value::Null).await;
        assert_eq!(
            labels(ORGANIZATIONS, &hits),
            BTreeSet::from(["Consiliul Județean Timiș".to_owned()]),
            "{term:?}"
        );
    }
}

#[tokio::test]
async fn agreements_and_projects_are_searchable_too() {
    let app = TestApp::with_demo().await;
    let hits =
        assert_exact_search(&app, AGREEMENTS, "transparentei decizionale", Value::Null).await;
    assert!(
        hits.contains("Protocol de colaborare privind monitorizarea transparenței decizionale"),
        "{hits:?}"
    );

    let corruption = assert_exact_search(&app, AGREEMENTS, "coruptie", Value::Null).await;
    assert!(corruption.contains(
        "Acord de cooperare pentru protecția drepturilor omului și prevenirea corupției"
    ));
    // The PARTNERS memorandum and the PRIVATE draft mention corruption in
    // their titles, but anonymous readers do not see them.
    assert!(!corruption.contains(
        "Memorandum de înțelegere privind prevenirea corupției și educația anticorupție"
    ));
    assert!(
        !corruption
            .contains("Acord de cooperare privind implicarea cetățenilor în prevenirea corupției")
    );

    let projects = assert_exact_search(&app, PROJECTS, "sipoca", Value::Null).await;
    assert!(
        projects
            .iter()
            .any(|t| t.starts_with("Consolidarea capacității analitice a Municipiului Lugoj")),
        "{projects:?}"
    );
    assert_exact_search(&app, PROJECTS, "Valea Verde", Value::Null).await;
}

#[tokio::test]
async fn nothing_typed_is_read_as_query_syntax() {
    let app = TestApp::spawn().await;
    let db = &app.db;
    let owner = fixtures::organization(
        db,
        "primaria-x",
        "Primaria X",
        OrganizationKind::Municipality,
        None,
    )
    .await;
    let partner = fixtures::organization(db, "ong-y", "ONG Y", OrganizationKind::Ngo, None).await;
    for title in [
        "Reducere cu 50% a termenelor",
        "Raport pe 5 ani",
        "Plan cu 500 de masuri",
        "Anexa_finala la raport",
        "Ghid 5x50",
        "Ghid NEAR raport",
    ] {
        fixtures::document(
            db,
            owner.id,
            title,
            DocumentKind::Report,
            Visibility::Public,
            "ro",
            &[],
        )
        .await;
        fixtures::agreement(
            db,
            title,
            &[owner.id, partner.id],
            AgreementStatus::Active,
            Visibility::Public,
            Some(date(2024, 1, 1)),
        )
        .await;
    }
    for list in [DOCUMENTS, AGREEMENTS] {
        // `%`, `_`, `*`, `:` and FTS5's operators are punctuation or words,
        // never wildcards or syntax.
        for (term, expected) in [
            ("50%", vec!["Reducere cu 50% a termenelor"]),
            ("50", vec!["Reducere cu 50% a termenelor"]),
            ("5_%", vec!["Raport pe 5 ani"]),
            ("5*", vec!["Raport pe 5 ani"]),
            ("anexa_finala", vec!["Anexa_finala la raport"]),
            ("5x50", vec!["Ghid 5x50"]),
            ("ghid NEAR(raport)", vec!["Ghid NEAR raport"]),
            ("title:ghid", vec![]),
            ("raport -anexa", vec!["Ghid NEAR raport", "Raport pe 5 ani"]),
            (
                "masuri OR termenelor",
                vec!["Plan cu 500 de masuri", "Reducere cu 50% a termenelor"],
            ),
        ] {
            let hits = search(&app, list, json!(term), Value::Null).await;
            let expected: BTreeSet<String> = expected.into_iter().map(str::to_owned).collect();
            assert_eq!(labels(list, &hits), expected, "{} {term:?}", list.field);
        }
        // A search for nothing but punctuation or exclusions is refused as
        // such, not failed on.
        for term in ["%", "_", "\\", "*", "\"", "-raport", "()", "\"\"", "^"] {
            let query = format!(
                "query($s: String) {{ {}(search: $s) {{ totalCount }} }}",
                list.field
            );
            let response = app.query(&query, json!({ "s": term })).await;
            assert_eq!(
                TestApp::codes(&response),
                ["BAD_USER_INPUT"],
                "{} {term:?}: {response}",
                list.field
            );
        }
    }
}

#[tokio::test]
async fn a_blank_search_returns_everything() {
    let app = TestApp::with_demo().await;
    for (list, visible) in [
        (ORGANIZATIONS, 9),
        (AGREEMENTS, 6),
        (DOCUMENTS, 11),
        (ACTIVITIES, 15),
        (PROJECTS, 2),
    ] {
        let everything = search(&app, list, Value::Null, Value::Null).await;
        assert_eq!(everything.len(), visible, "{}", list.field);
        for term in ["", " ", "   \t  "] {
            let hits = search(&app, list, json!(term), Value::Null).await;
            assert_eq!(ids(&hits), ids(&everything), "{} {term:?}", list.field);
        }
    }
}

#[tokio::test]
async fn search_combines_with_filters_total_count_and_pages() {
    let app = TestApp::with_demo().await;

    // Search and filter: exactly the records both select.
    let active = json!({ "statuses": ["ACTIVE"] });
    let searched = search(&app, AGREEMENTS, json!("coruptie"), Value::Null).await;
    let filtered = search(&app, AGREEMENTS, Value::Null, active.clone()).await;
    let both = search(&app, AGREEMENTS, json!("coruptie"), active.clone()).await;
    assert!(!both.is_empty());
    assert!(both.len() < searched.len());
    assert_eq!(
        ids(&both),
        ids(&searched)
            .intersection(&ids(&filtered))
            .cloned()
            .collect::<BTreeSet<_>>()
    );
    assert_exact_search(&app, AGREEMENTS, "coruptie", active).await;

    let strategies = json!({ "kinds": ["STRATEGY"] });
    let hits = assert_exact_search(&app, DOCUMENTS, "anticoruptie", strategies).await;
    assert_eq!(
        hits,
        BTreeSet::from([
            "Set de documente aferente SNA 2021-2025".to_owned(),
            "Strategia anticorupție a Municipiului Lugoj".to_owned(),
        ])
    );
    assert_exact_search(
        &app,
        ACTIVITIES,
        "curs",
        json!({ "kinds": ["TRAINING_COURSE"], "statuses": ["COMPLETED"] }),
    )
    .await;
    let lugoj = app
        .data(
            "{ organizationBySlug(slug: \"municipiul-lugoj\") { id } }",
            json!({}),
        )
        .await["organizationBySlug"]["id"]
        .clone();
    assert_exact_search(&app, ACTIVITIES, "iso", json!({ "organizerId": lugoj })).await;
    assert_exact_search(&app, PROJECTS, "poca", json!({ "ownerId": lugoj })).await;
    assert_exact_search(&app, ORGANIZATIONS, "lugoj", json!({ "kinds": ["NGO"] })).await;

    // Searched lists page like any other: totalCount is the whole result,
    // and the pages together are exactly the hits.
    let all_hits = search(&app, DOCUMENTS, json!("coruptie"), Value::Null).await;
    assert!(all_hits.len() > 2);
    let mut paged = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .data(
                &DOCUMENTS.query(),
                json!({ "search": "coruptie", "first": 2, "after": after }),
            )
            .await;
        let page = &data["documents"];
        assert_eq!(page["totalCount"], all_hits.len());
        let nodes: Vec<Value> = page["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"].clone())
            .collect();
        assert!(nodes.len() <= 2);
        paged.extend(nodes);
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(paged.len(), all_hits.len());
    assert_eq!(ids(&paged), ids(&all_hits));
}

//! Every `orderBy` of every root list, in both directions, on the first
//! page and past a cursor, is served by an index: the database's plan has
//! no sort step. (PostgreSQL is asked for the generic plan of the prepared
//! statement, which it may settle on for the server's sessions, with
//! sorting disabled, so a plan that still sorts means no index can serve
//! the order; SQLite says "USE TEMP B-TREE FOR ORDER BY" when it must
//! sort.)

use entities::{organization, project};
use pactum::domain::{
    activities::{self, ActivitySort},
    actor::Actor,
    agreements::{self, AgreementSort},
    documents::{self, DocumentSort},
    keyset::SortOrder,
    listing::{page_statement, paginate},
    organizations::OrganizationSort,
    pagination::{PageArgs, PageLimits},
    results::ProjectSort,
};
use pactum_tests::{Backend, TestApp};
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult, Select, Statement,
    TransactionTrait,
    sea_query::{PostgresQueryBuilder, QueryBuilder},
};

const LIMITS: PageLimits = PageLimits {
    default_size: 20,
    max_size: 100,
};

/// The plan's text, one line per step. On PostgreSQL, the generic plan of
/// the prepared statement (the one PostgreSQL keeps for a statement after
/// five runs when it costs no more than planning for each run's values):
/// `PREPARE`, then `EXPLAIN EXECUTE` with the values as literals.
async fn plan(txn: &DatabaseTransaction, backend: Backend, statement: Statement) -> String {
    let values = statement.values.map(|v| v.0).unwrap_or_default();
    let explain = match backend {
        Backend::Postgres => {
            txn.execute_unprepared(&format!("PREPARE listed AS {}", statement.sql))
                .await
                .expect("prepared");
            let literals: Vec<String> = values
                .iter()
                .map(|v| PostgresQueryBuilder.value_to_string(v))
                .collect();
            Statement::from_string(
                statement.db_backend,
                format!("EXPLAIN EXECUTE listed({})", literals.join(", ")),
            )
        }
        Backend::Sqlite => Statement::from_sql_and_values(
            statement.db_backend,
            format!("EXPLAIN QUERY PLAN {}", statement.sql),
            values,
        ),
    };
    let rows = txn.query_all_raw(explain).await.expect("explained");
    if backend == Backend::Postgres {
        txn.execute_unprepared("DEALLOCATE listed")
            .await
            .expect("deallocated");
    }
    rows.iter()
        .map(|row| match backend {
            Backend::Postgres => row.try_get::<String>("", "QUERY PLAN").expect("plan line"),
            Backend::Sqlite => row.try_get::<String>("", "detail").expect("plan line"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks the first page and the page after the first row of `select` in
/// `order`, forwards and backwards.
async fn assert_index_ordered<E>(app: &TestApp, name: &str, select: Select<E>, order: SortOrder)
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
{
    let first = paginate(
        &app.db,
        select.clone(),
        &order,
        PageArgs {
            first: Some(1),
            ..Default::default()
        },
        LIMITS,
    )
    .await
    .expect("first page");
    let cursor = first.cursors.first().map(|c| c.encode());
    assert!(cursor.is_some(), "{name}: the demo has rows to page");
    let pages = [
        PageArgs {
            first: Some(20),
            ..Default::default()
        },
        PageArgs {
            first: Some(20),
            after: cursor.clone(),
            ..Default::default()
        },
        PageArgs {
            last: Some(20),
            before: cursor,
            ..Default::default()
        },
    ];
    let txn = app.db.begin().await.expect("transaction");
    if app.backend == Backend::Postgres {
        txn.execute_unprepared(
            "SET LOCAL enable_sort = off; SET LOCAL plan_cache_mode = force_generic_plan",
        )
        .await
        .expect("sorting disabled, generic plans");
    }
    for args in pages {
        let seek = args.seek(&order, LIMITS).expect("valid page");
        let statement =
            app.db
                .get_database_backend()
                .build(&page_statement(select.clone(), &order, &seek));
        let sql = statement.sql.clone();
        let plan = plan(&txn, app.backend, statement).await;
        let sorts = match app.backend {
            Backend::Postgres => plan.lines().any(|l| {
                l.trim_start().starts_with("Sort")
                    || l.contains("-> Sort")
                    || l.contains("Incremental Sort")
            }),
            Backend::Sqlite => plan.contains("TEMP B-TREE"),
        };
        assert!(!sorts, "{name} {args:?} sorts:\n{sql}\n{plan}");
    }
    txn.rollback().await.expect("rolled back");
}

#[tokio::test]
async fn every_order_of_every_root_list_is_served_by_an_index() {
    let app = TestApp::with_demo().await;
    let anonymous = Actor::Anonymous;
    for descending in [false, true] {
        for sort in [OrganizationSort::Name, OrganizationSort::CreatedAt] {
            let name = format!("organizations {sort:?} desc={descending}");
            let select = organization::Entity::find();
            assert_index_ordered(&app, &name, select, sort.order(descending)).await;
        }
        for sort in [
            AgreementSort::CreatedAt,
            AgreementSort::Title,
            AgreementSort::StartDate,
            AgreementSort::EndDate,
        ] {
            let name = format!("agreements {sort:?} desc={descending}");
            let select = agreements::visible(&anonymous);
            assert_index_ordered(&app, &name, select, sort.order(descending)).await;
        }
        for sort in [
            DocumentSort::CreatedAt,
            DocumentSort::Title,
            DocumentSort::PublishedOn,
        ] {
            let name = format!("documents {sort:?} desc={descending}");
            let select = documents::visible(&anonymous);
            let order = sort.order("documents", descending);
            assert_index_ordered(&app, &name, select, order).await;
        }
        for sort in [
            ActivitySort::StartDate,
            ActivitySort::Title,
            ActivitySort::CreatedAt,
        ] {
            let name = format!("activities {sort:?} desc={descending}");
            let select = activities::visible(&anonymous);
            let order = sort.order("activities", descending);
            assert_index_ordered(&app, &name, select, order).await;
        }
        for sort in [
            ProjectSort::StartDate,
            ProjectSort::Title,
            ProjectSort::Code,
        ] {
            let name = format!("projects {sort:?} desc={descending}");
            let select = project::Entity::find();
            let order = sort.order("projects", descending);
            assert_index_ordered(&app, &name, select, order).await;
        }
    }
}

//! The GraphQL schema: one module per domain area, merged into one root.
//! Resolvers are thin: they decode arguments, call `domain`, and wrap models.

#![expect(
    clippy::too_many_arguments,
    reason = "Relay list fields take first/after/last/before besides filter, search and orderBy"
)]

pub mod accounts;
pub mod activities;
pub mod agreement_mutations;
pub mod agreements;
pub mod audit;
pub mod changes;
pub mod connection;
pub mod context;
pub mod cost;
pub mod documents;
pub mod enums;
pub mod error;
pub mod guard;
#[cfg(test)]
mod guard_fuzz;
pub mod ids;
pub mod inline;
pub mod loaders;
pub mod mutation;
pub mod node;
pub mod notifications;
pub mod ordered;
pub mod organization_mutations;
pub mod organizations;
pub mod pipeline;
pub mod plan;
pub mod results;
pub mod scalars;
pub mod search;
pub mod stats;

use async_graphql::{EmptySubscription, InputObject, MergedObject, Schema};

use crate::{
    config::{Config, Mode},
    domain::DateRange,
};
use error::{ApiError, ApiResult};

/// The root query: every area's queries merged.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    organizations::OrganizationQuery,
    agreements::AgreementQuery,
    documents::DocumentQuery,
    activities::ActivityQuery,
    results::ResultsQuery,
    stats::StatsQuery,
    search::SearchQueryRoot,
    accounts::AccountQuery,
    changes::ChangeQuery,
);

/// The root mutation: every area's mutations merged.
#[derive(MergedObject, Default)]
pub struct Mutation(
    accounts::AccountMutation,
    organization_mutations::OrganizationMutation,
    agreement_mutations::AgreementMutation,
    documents::DocumentMutation,
    activities::ActivityMutation,
    results::ResultsMutation,
    notifications::NotificationMutation,
);

/// The executable schema.
pub type PactumSchema = Schema<Query, Mutation, EmptySubscription>;

/// An inclusive range of days; either end may be left open.
#[derive(InputObject, Default)]
pub struct DateRangeInput {
    /// First day included.
    pub from: Option<scalars::Date>,
    /// Last day included.
    pub to: Option<scalars::Date>,
}

impl DateRangeInput {
    /// Checks the range and converts it; `field` names the argument.
    pub fn to_domain(range: Option<Self>, field: &str) -> ApiResult<DateRange> {
        let Some(range) = range else {
            return Ok(DateRange::default());
        };
        if let (Some(from), Some(to)) = (range.from, range.to)
            && from > to
        {
            return Err(ApiError::bad_input(
                field,
                format!("`{field}.from` is after `{field}.to`"),
            ));
        }
        Ok(DateRange {
            from: range.from.map(|day| day.0),
            to: range.to.map(|day| day.0),
        })
    }
}

/// The document limits of the configuration.
pub fn document_limits(config: &Config) -> guard::DocumentLimits {
    guard::DocumentLimits {
        max_tokens: config.max_tokens,
        max_nesting: config.max_nesting,
        max_depth: config.max_depth,
        max_fields: config.max_complexity,
        max_aliases: config.max_aliases,
    }
}

/// Builds the schema with the configured limits. Request-scoped state (the
/// actor, the loaders, who pays) is added per request by the transport.
pub fn build_schema(config: &Config) -> PactumSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        // One extension: each installed one costs every field a hook.
        .extension(pipeline::Pipeline::new(document_limits(config)))
        .limit_depth(config.max_depth)
        .limit_complexity(config.max_complexity)
        .limit_recursive_depth(config.max_depth.max(32))
        .limit_directives(10);
    if config.mode == Mode::Production {
        builder = builder.disable_suggestions();
    }
    if !config.introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    build_schema(&Config::default()).sdl()
}

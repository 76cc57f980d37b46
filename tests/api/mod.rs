//! The test modules, one per area.

mod activities_writes;
mod agreement_writes;
mod alerts;
mod audit;
mod demo;
mod documents_writes;
mod filters;
mod http;
mod ids;
mod limits;
mod login;
mod matrix;
mod members;
mod organization_writes;
mod pagination;
mod results_writes;
mod schema;
mod search;
mod statements;
mod synthetic;
mod visibility;

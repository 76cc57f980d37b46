//! The test modules, one per area.

mod demo;
mod filters;
mod http;
mod ids;
mod limits;
mod matrix;
mod pagination;
mod schema;
mod search;
mod statements;
mod synthetic;
mod visibility;

//! The test modules, one per area.

mod alerts;
mod audit;
mod demo;
mod filters;
mod http;
mod ids;
mod limits;
mod login;
mod matrix;
mod members;
mod pagination;
mod schema;
mod search;
mod statements;
mod synthetic;
mod visibility;

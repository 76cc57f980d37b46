//! Pactum: a GraphQL API through which municipalities, county and central
//! institutions and NGOs sign cooperation agreements, share good-practice
//! documents, run joint activities and track their results.
//!
//! `main.rs` is a thin CLI; everything else lives here so the tests can build
//! the real application on a random port.

#[cfg(test)]
mod architecture;
pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod error_code;
pub mod graphql;
pub mod http;
pub mod ids;
pub mod jobs;
pub mod metrics;
pub mod notify;
pub mod ratelimit;
pub mod seed;
pub mod startup;
pub mod state;
pub mod storage;

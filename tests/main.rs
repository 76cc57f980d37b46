//! Pactum's end-to-end suite: one test binary, one module per area. Every
//! test starts the real server on a random port with its own database and
//! talks to it over HTTP.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed expectation is a failed test"
)]

mod api;

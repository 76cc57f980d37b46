//! Demo and synthetic data loaders.

pub mod demo;
pub mod synthetic;

//! The application's shared state, built once at start-up and handed to
//! every HTTP handler. Handlers take only the part they need (axum's
//! `FromRef`): a download needs the gate, the files and the configuration,
//! not the GraphQL schema. Lives below `http` so that nothing the router
//! reaches has to import the router back.

use std::sync::Arc;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;

use crate::{
    auth::AuthState, config::Config, graphql::PactumSchema, metrics::Metrics,
    notify::unsubscribe::UnsubscribeKey, ratelimit::Budgets, storage::Files,
};

/// Everything the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// Login providers, session settings, trusted origins.
    pub auth: Arc<AuthState>,
    /// The GraphQL schema.
    pub schema: PactumSchema,
    /// The database pool.
    pub db: DatabaseConnection,
    /// The configuration.
    pub config: Arc<Config>,
    /// Process metrics.
    pub metrics: Metrics,
    /// File storage and the upload limit.
    pub files: Files,
    /// Signs and checks one-click unsubscribe links.
    pub notify_key: UnsubscribeKey,
    /// Every client's budget of cost points.
    pub budgets: Arc<Budgets>,
}

/// What letting a request in takes: its budget and its credentials.
#[derive(Clone)]
pub struct Gate {
    /// Where sessions and tokens are looked up.
    pub db: DatabaseConnection,
    /// Session settings and trusted origins.
    pub auth: Arc<AuthState>,
    /// Every client's budget of cost points.
    pub budgets: Arc<Budgets>,
}

impl FromRef<AppState> for Gate {
    fn from_ref(state: &AppState) -> Self {
        Self {
            db: state.db.clone(),
            auth: state.auth.clone(),
            budgets: state.budgets.clone(),
        }
    }
}

/// One `FromRef` per part a handler may take alone.
macro_rules! parts {
    ($($field:ident: $type:ty),* $(,)?) => {$(
        impl FromRef<AppState> for $type {
            fn from_ref(state: &AppState) -> Self {
                state.$field.clone()
            }
        }
    )*};
}

parts! {
    auth: Arc<AuthState>,
    schema: PactumSchema,
    db: DatabaseConnection,
    config: Arc<Config>,
    metrics: Metrics,
    files: Files,
    notify_key: UnsubscribeKey,
    budgets: Arc<Budgets>,
}

//! What every resolver gets from the request: the database, the actor, the
//! page limits and the request's loaders.

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use super::{
    error::{ApiError, ApiResult},
    loaders::Loaders,
};
use crate::{
    domain::{actor::Actor, pagination::PageLimits},
    metrics::RelationLoads,
};

/// Request-scoped state, inserted into each GraphQL request's data.
pub struct RequestState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Who is asking.
    pub actor: Actor,
    /// Page-size limits.
    pub limits: PageLimits,
    /// This request's DataLoaders.
    pub loaders: Loaders,
}

impl RequestState {
    /// State for one request by `actor`; loaders gather batches for
    /// `batch_delay` and count their loads in `loads`.
    pub fn new(
        db: DatabaseConnection,
        actor: Actor,
        limits: PageLimits,
        batch_delay: std::time::Duration,
        loads: &RelationLoads,
    ) -> Self {
        let loaders = Loaders::new(&db, &actor, batch_delay, loads);
        Self {
            db,
            actor,
            limits,
            loaders,
        }
    }
}

/// The request's state; its absence is a wiring bug, reported as INTERNAL.
pub fn state<'a>(ctx: &Context<'a>) -> ApiResult<&'a RequestState> {
    ctx.data::<RequestState>()
        .map_err(|_| ApiError::Internal("request state missing".into()))
}

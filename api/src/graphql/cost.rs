//! What an operation costs, charged to its client's budget before it runs
//! and reported in `extensions.cost` of every response, in the shape
//! Shopify's GraphQL API made familiar:
//!
//! ```json
//! "cost": { "requestedQueryCost": 42,
//!           "throttleStatus": { "maximumAvailable": 50000,
//!                               "currentlyAvailable": 49958,
//!                               "restoreRate": 1000 } }
//! ```
//!
//! An operation pays twice: before it is parsed, one point per
//! [`TOKENS_PER_POINT`] tokens (at least one), so documents refused by the
//! guard or the parser cost too; once it validated, its complexity (lists
//! weigh their page size times their children). `requestedQueryCost` is the
//! sum. An operation whose budget cannot pay gets `RATE_LIMITED` with
//! `retryAfter` (seconds) and goes no further.
//!
//! The transport puts a [`Payer`] in the request data; an operation without
//! one is refused (a transport that forgot it must not run unmetered). With
//! limits switched off, operations run and report their cost only.

use std::sync::{Arc, Mutex};

use async_graphql::{Request, Response, ServerError, ServerResult, ValidationResult, Value};

use super::{error::ErrorCode, guard::count_tokens};
use crate::ratelimit::{Budgets, Charge, ClientKey};

/// Tokens a point of the parse price buys.
pub const TOKENS_PER_POINT: usize = 100;

/// Who pays for a request's operations.
#[derive(Clone)]
pub struct Payer {
    /// The budgets of this process.
    pub budgets: Arc<Budgets>,
    /// The budget charged.
    pub key: ClientKey,
}

/// One operation's metering (a part of [`super::pipeline`]).
#[derive(Default)]
pub struct Meter {
    state: Mutex<Metered>,
}

#[derive(Default)]
struct Metered {
    payer: Option<Payer>,
    /// Points asked so far (parse price, then plus complexity).
    cost: Option<usize>,
    /// The budget after the last charge.
    charge: Option<Charge>,
}

impl Metered {
    /// Charges `points` more; `Err` is the refusal to answer with.
    fn pay(&mut self, points: usize) -> Result<(), ServerError> {
        let cost = self.cost.unwrap_or(0).saturating_add(points);
        self.cost = Some(cost);
        let Some(payer) = &self.payer else {
            return Ok(());
        };
        if points == 0 {
            return Ok(());
        }
        let asked = u32::try_from(points).unwrap_or(u32::MAX);
        match payer.budgets.charge(&payer.key, asked) {
            Some(charge) => {
                self.charge = Some(charge);
                if charge.allowed {
                    Ok(())
                } else {
                    Err(rate_limited(cost, &charge))
                }
            }
            None => Ok(()),
        }
    }
}

impl Meter {
    fn state(&self) -> std::sync::MutexGuard<'_, Metered> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The `RATE_LIMITED` error for a refused charge.
pub fn rate_limited(cost: usize, charge: &Charge) -> ServerError {
    let retry_after = charge.retry_after.as_secs_f64().ceil().max(1.0);
    let mut error = ServerError::new(
        format!(
            "this operation costs {cost} points and {available} of {maximum} are available; they come back at {rate} a second, retry in {retry_after} s",
            available = charge.remaining,
            maximum = charge.maximum,
            rate = charge.restore_rate,
        ),
        None,
    );
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", ErrorCode::RateLimited.as_str());
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a positive whole number of seconds, far below u64::MAX"
    )]
    extensions.set("retryAfter", retry_after as u64);
    error
}

fn report(cost: Option<usize>, charge: Option<&Charge>) -> Value {
    let mut fields = async_graphql::indexmap::IndexMap::new();
    if let Some(cost) = cost {
        fields.insert(
            async_graphql::Name::new("requestedQueryCost"),
            Value::from(cost),
        );
    }
    if let Some(charge) = charge {
        let mut status = async_graphql::indexmap::IndexMap::new();
        status.insert(
            async_graphql::Name::new("maximumAvailable"),
            Value::from(charge.maximum),
        );
        status.insert(
            async_graphql::Name::new("currentlyAvailable"),
            Value::from(charge.remaining),
        );
        status.insert(
            async_graphql::Name::new("restoreRate"),
            Value::from(charge.restore_rate),
        );
        fields.insert(
            async_graphql::Name::new("throttleStatus"),
            Value::Object(status),
        );
    }
    Value::Object(fields)
}

impl Meter {
    /// Before parsing: finds the payer and charges the parse price.
    pub fn admit(&self, request: &Request) -> ServerResult<()> {
        let Some(payer) = request
            .data
            .get(&std::any::TypeId::of::<Payer>())
            .and_then(|data| data.downcast_ref::<Payer>())
            .cloned()
        else {
            tracing::error!("an operation arrived without a payer; refused");
            let mut error = ServerError::new(super::error::INTERNAL_MESSAGE, None);
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", ErrorCode::Internal.as_str());
            return Err(error);
        };
        let mut state = self.state();
        state.payer = Some(payer);
        state.pay(1 + count_tokens(&request.query) / TOKENS_PER_POINT)
    }

    /// After validation: charges the operation's complexity.
    pub fn charge(&self, validated: &ValidationResult) -> ServerResult<()> {
        self.state().pay(validated.complexity)
    }

    /// Adds `extensions.cost` to the response.
    pub fn report(&self, response: &mut Response) {
        let state = self.state();
        if state.cost.is_some() || state.charge.is_some() {
            response
                .extensions
                .insert("cost".to_owned(), report(state.cost, state.charge.as_ref()));
        }
    }
}

//! The one schema extension. async-graphql runs every installed
//! extension's `resolve` hook around every field of every response (a boxed
//! future per extension per field: with three extensions that was a tenth
//! of a nested query's CPU), so the operation-level steps are parts of one
//! extension, run in this order:
//!
//! 1. before parsing: the [`Meter`] charges the parse price, then the
//!    [`guard`](super::guard) scans, parses and bounds the document;
//! 2. after parsing: [`Ordering`] keeps the document;
//! 3. after validation: input errors get their codes, then the meter
//!    charges the complexity;
//! 4. after execution: the response is ordered as the query asked, and the
//!    meter reports the cost.

use std::sync::Arc;

use async_graphql::{
    Request, Response, ServerError, ServerResult, ValidationResult, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
        NextPrepareRequest, NextRequest, NextValidation,
    },
    parser::types::ExecutableDocument,
};

use super::{
    cost::Meter,
    guard::{DocumentLimits, code_input_error, guard_request},
    ordered::Ordering,
};

/// Installs the pipeline on every request.
pub struct Pipeline {
    limits: Arc<DocumentLimits>,
}

impl Pipeline {
    /// A pipeline whose guard enforces `limits`.
    pub fn new(limits: DocumentLimits) -> Self {
        Self {
            limits: Arc::new(limits),
        }
    }
}

impl ExtensionFactory for Pipeline {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Stages {
            limits: Arc::clone(&self.limits),
            meter: Meter::default(),
            ordering: Ordering::default(),
        })
    }
}

/// One request's pass through the pipeline.
struct Stages {
    limits: Arc<DocumentLimits>,
    meter: Meter,
    ordering: Ordering,
}

#[async_trait::async_trait]
impl Extension for Stages {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        self.meter.report(&mut response);
        response
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        self.meter.admit(&request)?;
        guard_request(&mut request, &self.limits)?;
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        self.ordering.keep(&document);
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let validated = next
            .run(ctx)
            .await
            .map_err(|errors| errors.into_iter().map(code_input_error).collect::<Vec<_>>())?;
        self.meter
            .charge(&validated)
            .map_err(|refusal| vec![refusal])?;
        Ok(validated)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        self.ordering
            .apply(&mut response, operation_name, &ctx.schema_env.registry);
        response
    }
}

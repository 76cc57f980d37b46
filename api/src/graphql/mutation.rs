//! Conventions every mutation follows: one `input`, a payload with the
//! resulting object and `userErrors` for what the user can fix (invalid
//! input, an illegal transition, a stale `version`); permission failures,
//! missing records and internal errors stay top-level errors with
//! `extensions.code`. Each mutation runs in one transaction in `domain`.

use std::borrow::Cow;

use async_graphql::{
    Context, ContextSelectionSet, ObjectType, OutputType, Positioned, ServerResult, SimpleObject,
    Value,
    parser::types::Field,
    registry,
    resolver_utils::{ContainerType, resolve_container},
};

use super::error::ApiResult;
use crate::domain::error::{DomainError, DomainResult, Reason};

/// A problem with a mutation's input that the user can fix.
#[derive(SimpleObject, Debug, Clone)]
pub struct UserError {
    /// The input field at fault, if one is.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// Stable machine-readable reason: `INVALID_INPUT`, `CONFLICT` (stale
    /// version), `ILLEGAL_TRANSITION`, `TAKEN` (a unique value already
    /// used), `LAST_OWNER`, `ALREADY_MEMBER`, ...
    pub code: String,
}

/// Splits a domain result into the value or user errors; everything the
/// user cannot fix (permissions, missing records, the database) stays an
/// error.
pub fn user_errors<T>(result: DomainResult<T>) -> ApiResult<(Option<T>, Vec<UserError>)> {
    match result {
        Ok(value) => Ok((Some(value), Vec::new())),
        Err(DomainError::InvalidInput { field, message }) => Ok((
            None,
            vec![UserError {
                field,
                message,
                code: Reason::InvalidInput.as_str().into(),
            }],
        )),
        Err(DomainError::Conflict { reason, message }) => Ok((
            None,
            vec![UserError {
                field: None,
                message,
                code: reason.as_str().into(),
            }],
        )),
        Err(DomainError::Taken { field, message }) => Ok((
            None,
            vec![UserError {
                field: Some(field),
                message,
                code: Reason::Taken.as_str().into(),
            }],
        )),
        Err(other) => Err(other.into()),
    }
}

/// What a mutation returns and how its payload type names it: the one
/// thing that differs between payloads (`AgreementPayload { agreement,
/// userErrors }`, `DocumentPayload { document, userErrors }`, ...).
pub trait Subject: OutputType + Send + Sync + 'static {
    /// The payload type's name.
    const PAYLOAD: &'static str;
    /// The payload type's description.
    const PAYLOAD_DOC: &'static str;
    /// The payload's field holding the object.
    const FIELD: &'static str;
    /// That field's description.
    const FIELD_DOC: &'static str;
}

/// The payload of a mutation that returns one object: the object (null
/// when the user has something to fix) and `userErrors`. One type for every
/// such mutation; see [`Subject`].
pub struct Payload<T> {
    subject: Option<T>,
    user_errors: Vec<UserError>,
}

impl<T: Subject> Payload<T> {
    /// The payload of a domain result: its value shown as `show` gives it,
    /// or the user errors (see [`user_errors`]).
    pub fn of<V>(result: DomainResult<V>, show: impl FnOnce(V) -> T) -> ApiResult<Self> {
        let (value, user_errors) = user_errors(result)?;
        Ok(Self {
            subject: value.map(show),
            user_errors,
        })
    }

    /// [`Payload::of`] for a change after which the object may be null
    /// without a user error (one the actor may no longer see).
    pub fn of_optional<V>(
        result: DomainResult<Option<V>>,
        show: impl FnOnce(V) -> T,
    ) -> ApiResult<Self> {
        let (value, user_errors) = user_errors(result)?;
        Ok(Self {
            subject: value.flatten().map(show),
            user_errors,
        })
    }
}

/// The description of every payload's `userErrors`.
const USER_ERRORS_DOC: &str = "What to fix.";

fn meta_field(name: &str, description: &str, ty: String) -> registry::MetaField {
    registry::MetaField {
        name: name.to_owned(),
        description: Some(description.to_owned()),
        args: Default::default(),
        ty,
        deprecation: Default::default(),
        cache_control: Default::default(),
        external: false,
        requires: None,
        provides: None,
        visible: None,
        shareable: false,
        inaccessible: false,
        tags: Vec::new(),
        override_from: None,
        compute_complexity: None,
        directive_invocations: Vec::new(),
        requires_scopes: Vec::new(),
    }
}

impl<T: Subject> OutputType for Payload<T> {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed(T::PAYLOAD)
    }

    fn create_type_info(registry: &mut registry::Registry) -> String {
        registry.create_output_type::<Self, _>(registry::MetaTypeId::Object, |registry| {
            let mut fields = async_graphql::indexmap::IndexMap::new();
            let subject = <Option<T> as OutputType>::create_type_info(registry);
            fields.insert(
                T::FIELD.to_owned(),
                meta_field(T::FIELD, T::FIELD_DOC, subject),
            );
            let errors = <Vec<UserError> as OutputType>::create_type_info(registry);
            fields.insert(
                "userErrors".to_owned(),
                meta_field("userErrors", USER_ERRORS_DOC, errors),
            );
            registry::MetaType::Object {
                name: T::PAYLOAD.to_owned(),
                description: Some(T::PAYLOAD_DOC.to_owned()),
                fields,
                cache_control: Default::default(),
                extends: false,
                shareable: false,
                resolvable: true,
                keys: None,
                visible: None,
                inaccessible: false,
                interface_object: false,
                tags: Vec::new(),
                is_subscription: false,
                rust_typename: Some(std::any::type_name::<Self>()),
                directive_invocations: Vec::new(),
                requires_scopes: Vec::new(),
            }
        })
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl<T: Subject> ContainerType for Payload<T> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        let name = ctx.item.node.name.node.as_str();
        let inner = ctx.with_selection_set(&ctx.item.node.selection_set);
        if name == T::FIELD {
            return OutputType::resolve(&self.subject, &inner, ctx.item)
                .await
                .map(Some);
        }
        if name == "userErrors" {
            return OutputType::resolve(&self.user_errors, &inner, ctx.item)
                .await
                .map(Some);
        }
        Ok(None)
    }
}

impl<T: Subject> ObjectType for Payload<T> {}

//! People and access: `me`, an organization's members, invitations and API
//! tokens, and the mutations that manage them. Each mutation takes one
//! `input` and returns a payload with `userErrors` for what the user can fix;
//! permission failures are top-level FORBIDDEN / UNAUTHENTICATED errors.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::Utc;
use entities::{api_token, invitation, membership, user};

use super::mutation::{Payload, Subject, UserError, user_errors};
use super::{
    context::{RequestState, state},
    enums::{Language, MemberRole, TokenScope},
    error::{ApiError, ApiResult},
    ids::{self, NodeKind},
    inline::Inline,
    organizations::Organization,
    scalars::DateTime,
};
use crate::domain::{accounts, api_tokens, members};

/// A person using Pactum, as seen by fellow members.
pub struct User(pub user::Model);

#[Object]
impl User {
    /// Global ID.
    async fn id(&self) -> ID {
        ids::encode(NodeKind::User, self.0.id)
    }
    /// Name shown to other members.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// E-mail address (from the identity provider).
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// Language of the interface and alerts.
    async fn preferred_language(&self) -> Language {
        self.0.preferred_language.into()
    }
}

/// A user's place in an organization.
pub struct Membership(pub membership::Model);

#[Object]
impl Membership {
    /// Global ID.
    async fn id(&self) -> ID {
        ids::encode(NodeKind::Membership, self.0.id)
    }
    /// What the member may do there.
    async fn role(&self) -> MemberRole {
        self.0.role.into()
    }
    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Inline<Organization>> {
        Organization::referenced(state(ctx)?, self.0.organization_id).await
    }
    /// The member.
    async fn user(&self, ctx: &Context<'_>) -> ApiResult<User> {
        state(ctx)?
            .loaders
            .user()
            .load_one(self.0.user_id)
            .await?
            .map(User)
            .ok_or(ApiError::Internal(format!(
                "user {} missing",
                self.0.user_id
            )))
    }
    /// When the user joined.
    async fn joined_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

/// A role offered to an e-mail address; taken up when someone logs in with
/// that address verified.
pub struct Invitation(pub invitation::Model);

#[Object]
impl Invitation {
    /// Global ID.
    async fn id(&self) -> ID {
        ids::encode(NodeKind::Invitation, self.0.id)
    }
    /// The address invited.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// The role granted on acceptance.
    async fn role(&self) -> MemberRole {
        self.0.role.into()
    }
    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Inline<Organization>> {
        Organization::referenced(state(ctx)?, self.0.organization_id).await
    }
    /// When it was sent.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// After this it can no longer be taken up.
    async fn expires_at(&self) -> DateTime {
        DateTime(self.0.expires_at)
    }
    /// When it was taken up, if it was.
    async fn accepted_at(&self) -> Option<DateTime> {
        self.0.accepted_at.map(DateTime)
    }
    /// When it was withdrawn, if it was.
    async fn revoked_at(&self) -> Option<DateTime> {
        self.0.revoked_at.map(DateTime)
    }
}

/// An organization's credential for an integration. The secret itself is
/// shown only once, in `createApiToken`'s payload.
pub struct ApiToken(pub api_token::Model);

#[Object]
impl ApiToken {
    /// Global ID.
    async fn id(&self) -> ID {
        ids::encode(NodeKind::ApiToken, self.0.id)
    }
    /// What the token is for.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What it may do.
    async fn scope(&self) -> TokenScope {
        self.0.scope.into()
    }
    /// The secret's last four characters, to tell tokens apart.
    async fn hint(&self) -> &str {
        &self.0.hint
    }
    /// The organization it acts for.
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Inline<Organization>> {
        Organization::referenced(state(ctx)?, self.0.organization_id).await
    }
    /// Creation time.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it stops working.
    async fn expires_at(&self) -> DateTime {
        DateTime(self.0.expires_at)
    }
    /// Last use, to the minute.
    async fn last_used_at(&self) -> Option<DateTime> {
        self.0.last_used_at.map(DateTime)
    }
    /// When it was revoked, if it was.
    async fn revoked_at(&self) -> Option<DateTime> {
        self.0.revoked_at.map(DateTime)
    }
    /// Whether it works now (not revoked, not expired).
    async fn is_active(&self) -> bool {
        self.0.revoked_at.is_none() && self.0.expires_at > Utc::now()
    }
}

/// The logged-in user, with their memberships and the tokens they created.
pub struct Me(pub user::Model);

#[Object]
impl Me {
    /// The user.
    async fn user(&self) -> User {
        User(self.0.clone())
    }
    /// Organizations the user belongs to, with their role.
    async fn memberships(&self, ctx: &Context<'_>) -> ApiResult<Vec<Membership>> {
        let s = state(ctx)?;
        Ok(accounts::memberships_of(&s.db, self.0.id)
            .await?
            .into_iter()
            .map(Membership)
            .collect())
    }
    /// API tokens the user created, newest first.
    async fn api_tokens(&self, ctx: &Context<'_>) -> ApiResult<Vec<ApiToken>> {
        let s = state(ctx)?;
        Ok(api_tokens::created_by(&s.db, self.0.id)
            .await?
            .into_iter()
            .map(ApiToken)
            .collect())
    }
    /// How each kind of e-mail alert reaches you (IMMEDIATE unless changed).
    async fn notification_preferences(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<super::notifications::NotificationPreference>> {
        super::notifications::preferences_of(ctx, self.0.id).await
    }
}

/// Queries about the caller.
#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The logged-in user; null for anonymous requests and API tokens.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Option<Me>> {
        let s = state(ctx)?;
        let Some(user_id) = s.actor.user_id() else {
            return Ok(None);
        };
        Ok(Some(Me(accounts::user_by_id(&s.db, user_id).await?)))
    }
}

/// The members, invitations and tokens of an organization, for its members
/// and admins (resolved from [`Organization`]).
pub async fn members_of(state: &RequestState, organization: i64) -> ApiResult<Vec<Membership>> {
    Ok(members::members(&state.db, &state.actor, organization)
        .await?
        .into_iter()
        .map(Membership)
        .collect())
}

/// Open invitations of an organization (ADMIN).
pub async fn invitations_of(state: &RequestState, organization: i64) -> ApiResult<Vec<Invitation>> {
    Ok(
        members::open_invitations(&state.db, &state.actor, organization, Utc::now())
            .await?
            .into_iter()
            .map(Invitation)
            .collect(),
    )
}

/// API tokens of an organization (ADMIN).
pub async fn api_tokens_of(state: &RequestState, organization: i64) -> ApiResult<Vec<ApiToken>> {
    Ok(
        api_tokens::of_organization(&state.db, &state.actor, organization)
            .await?
            .into_iter()
            .map(ApiToken)
            .collect(),
    )
}

/// Input of `inviteMember`.
#[derive(InputObject)]
pub struct InviteMemberInput {
    /// The organization.
    pub organization_id: ID,
    /// The address to invite. At most 254 characters; one line.
    pub email: String,
    /// The role to grant (OWNER only by an OWNER).
    pub role: MemberRole,
}

/// Result of `inviteMember` and `revokeInvitation`.
pub type InvitationPayload = Payload<Invitation>;

impl Subject for Invitation {
    const PAYLOAD: &'static str = "InvitationPayload";
    const PAYLOAD_DOC: &'static str = "Result of `inviteMember` and `revokeInvitation`.";
    const FIELD: &'static str = "invitation";
    const FIELD_DOC: &'static str = "The invitation as it is now (open, or withdrawn).";
}

/// Input of `revokeInvitation`.
#[derive(InputObject)]
pub struct RevokeInvitationInput {
    /// The invitation.
    pub invitation_id: ID,
}

/// Input of `changeMemberRole`.
#[derive(InputObject)]
pub struct ChangeMemberRoleInput {
    /// The membership.
    pub membership_id: ID,
    /// The new role.
    pub role: MemberRole,
}

/// Result of `changeMemberRole` and `removeMember`.
pub type MembershipPayload = Payload<Membership>;

impl Subject for Membership {
    const PAYLOAD: &'static str = "MembershipPayload";
    const PAYLOAD_DOC: &'static str = "Result of `changeMemberRole` and `removeMember`.";
    const FIELD: &'static str = "membership";
    const FIELD_DOC: &'static str = "The membership as it is now (as it was, for a removal).";
}

/// Input of `removeMember`.
#[derive(InputObject)]
pub struct RemoveMemberInput {
    /// The membership (your own to leave).
    pub membership_id: ID,
}

/// Input of `createApiToken`.
#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// The organization the token acts for.
    pub organization_id: ID,
    /// What it is for. At most 100 characters; one line.
    pub name: String,
    /// READ (default) or READ_WRITE.
    #[graphql(default_with = "TokenScope::Read")]
    pub scope: TokenScope,
    /// When it stops working (default: in 90 days; at most 366 days).
    pub expires_at: Option<DateTime>,
}

/// Result of `createApiToken`.
#[derive(SimpleObject)]
pub struct CreateApiTokenPayload {
    /// The token.
    pub api_token: Option<ApiToken>,
    /// The secret, shown this once: send it as `Authorization: Bearer`.
    pub secret: Option<String>,
    /// What to fix.
    pub user_errors: Vec<UserError>,
}

/// Input of `revokeApiToken`.
#[derive(InputObject)]
pub struct RevokeApiTokenInput {
    /// The token.
    pub api_token_id: ID,
}

/// Result of `revokeApiToken`.
pub type ApiTokenPayload = Payload<ApiToken>;

impl Subject for ApiToken {
    const PAYLOAD: &'static str = "ApiTokenPayload";
    const PAYLOAD_DOC: &'static str = "Result of `revokeApiToken`.";
    const FIELD: &'static str = "apiToken";
    const FIELD_DOC: &'static str = "The revoked token.";
}

/// Input of `updateMyProfile`.
#[derive(InputObject)]
pub struct UpdateMyProfileInput {
    /// New display name. At most 120 characters; one line.
    pub display_name: Option<String>,
    /// New language.
    pub preferred_language: Option<Language>,
}

/// Result of `updateMyProfile`.
pub type UpdateMyProfilePayload = Payload<User>;

impl Subject for User {
    const PAYLOAD: &'static str = "UpdateMyProfilePayload";
    const PAYLOAD_DOC: &'static str = "Result of `updateMyProfile`.";
    const FIELD: &'static str = "user";
    const FIELD_DOC: &'static str = "The user as now saved.";
}

/// Mutations about people and access.
#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Invites an address to join an organization (ADMIN; OWNER to invite
    /// an OWNER). Inviting again renews the invitation.
    async fn invite_member(
        &self,
        ctx: &Context<'_>,
        input: InviteMemberInput,
    ) -> ApiResult<InvitationPayload> {
        let s = state(ctx)?;
        let org = ids::decode(
            &input.organization_id,
            NodeKind::Organization,
            "organizationId",
        )?;
        let result = members::invite(
            &s.db,
            &s.actor,
            org,
            &input.email,
            input.role.into(),
            Utc::now(),
        )
        .await;
        Payload::of(result, Invitation)
    }

    /// Withdraws an open invitation (ADMIN).
    async fn revoke_invitation(
        &self,
        ctx: &Context<'_>,
        input: RevokeInvitationInput,
    ) -> ApiResult<InvitationPayload> {
        let s = state(ctx)?;
        let id = ids::decode(&input.invitation_id, NodeKind::Invitation, "invitationId")?;
        let result = members::revoke_invitation(&s.db, &s.actor, id, Utc::now()).await;
        Payload::of(result, Invitation)
    }

    /// Changes a member's role (ADMIN; OWNER when OWNER is given or taken).
    /// The last OWNER cannot be demoted.
    async fn change_member_role(
        &self,
        ctx: &Context<'_>,
        input: ChangeMemberRoleInput,
    ) -> ApiResult<MembershipPayload> {
        let s = state(ctx)?;
        let id = ids::decode(&input.membership_id, NodeKind::Membership, "membershipId")?;
        let result = members::change_role(&s.db, &s.actor, id, input.role.into(), Utc::now()).await;
        Payload::of(result, Membership)
    }

    /// Removes a member (ADMIN; OWNER to remove an OWNER), or leaves when
    /// the membership is your own. The last OWNER cannot go.
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        input: RemoveMemberInput,
    ) -> ApiResult<MembershipPayload> {
        let s = state(ctx)?;
        let id = ids::decode(&input.membership_id, NodeKind::Membership, "membershipId")?;
        let result = members::remove_member(&s.db, &s.actor, id, Utc::now()).await;
        Payload::of(result, Membership)
    }

    /// Creates an API token for an organization (ADMIN). The secret is in
    /// the payload and never shown again.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        input: CreateApiTokenInput,
    ) -> ApiResult<CreateApiTokenPayload> {
        let s = state(ctx)?;
        let org = ids::decode(
            &input.organization_id,
            NodeKind::Organization,
            "organizationId",
        )?;
        let now = Utc::now();
        let new = api_tokens::NewApiToken {
            organization_id: org,
            name: input.name,
            scope: input.scope.into(),
            expires_at: input
                .expires_at
                .map_or(now + api_tokens::DEFAULT_LIFETIME, |at| at.0),
        };
        let result = api_tokens::create(&s.db, &s.actor, &new, now).await;
        let (created, user_errors) = user_errors(result)?;
        let (api_token, secret) = match created {
            Some((model, secret)) => (Some(ApiToken(model)), Some(secret)),
            None => (None, None),
        };
        Ok(CreateApiTokenPayload {
            api_token,
            secret,
            user_errors,
        })
    }

    /// Revokes an API token (ADMIN of its organization).
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        input: RevokeApiTokenInput,
    ) -> ApiResult<ApiTokenPayload> {
        let s = state(ctx)?;
        let id = ids::decode(&input.api_token_id, NodeKind::ApiToken, "apiTokenId")?;
        let result = api_tokens::revoke(&s.db, &s.actor, id, Utc::now()).await;
        Payload::of(result, ApiToken)
    }

    /// Changes your own display name or language.
    async fn update_my_profile(
        &self,
        ctx: &Context<'_>,
        input: UpdateMyProfileInput,
    ) -> ApiResult<UpdateMyProfilePayload> {
        let s = state(ctx)?;
        let result = accounts::update_profile(
            &s.db,
            &s.actor,
            input.display_name.as_deref(),
            input.preferred_language.map(Into::into),
            Utc::now(),
        )
        .await;
        Payload::of(result, User)
    }
}

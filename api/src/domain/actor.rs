//! Who is making a request, resolved once per request by the HTTP layer from
//! a session or an API token. The actor carries everything the visibility
//! rule and the policy need (memberships, partner organizations), so neither
//! has to query the database again.

use entities::enums::{MemberRole, TokenScope};

/// Who is making a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Actor {
    /// Nobody logged in.
    #[default]
    Anonymous,
    /// A logged-in person.
    User(UserActor),
    /// An organization's integration, by API token.
    Token(TokenActor),
}

/// A logged-in person and the organizations they act within.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserActor {
    /// The user.
    pub user_id: i64,
    /// The session the request came with (none for tests and tools).
    pub session_id: Option<i64>,
    /// Each organization the user belongs to, with their role there.
    pub memberships: Vec<(i64, MemberRole)>,
    /// Organizations sharing an ACTIVE agreement with one of theirs.
    pub partners: Vec<i64>,
}

/// An API token acting for its organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenActor {
    /// The token.
    pub token_id: i64,
    /// The organization it acts for.
    pub organization_id: i64,
    /// Read only, or read and write.
    pub scope: TokenScope,
    /// Organizations sharing an ACTIVE agreement with its organization.
    pub partners: Vec<i64>,
}

impl Actor {
    /// The organizations whose members' view this actor has: a user's
    /// organizations, a token's organization.
    pub fn member_of(&self) -> Vec<i64> {
        match self {
            Self::Anonymous => Vec::new(),
            Self::User(user) => user.memberships.iter().map(|(org, _)| *org).collect(),
            Self::Token(token) => vec![token.organization_id],
        }
    }

    /// Organizations that share an ACTIVE agreement with one of
    /// [`Actor::member_of`] (and are not among them).
    pub fn partner_of(&self) -> &[i64] {
        match self {
            Self::Anonymous => &[],
            Self::User(user) => &user.partners,
            Self::Token(token) => &token.partners,
        }
    }

    /// The role this actor holds in `organization`. A token counts as a
    /// VIEWER (READ) or an EDITOR (READ_WRITE) of its own organization.
    pub fn role_in(&self, organization: i64) -> Option<MemberRole> {
        match self {
            Self::Anonymous => None,
            Self::User(user) => user
                .memberships
                .iter()
                .find(|(org, _)| *org == organization)
                .map(|(_, role)| *role),
            Self::Token(token) => {
                (token.organization_id == organization).then_some(match token.scope {
                    TokenScope::Read => MemberRole::Viewer,
                    TokenScope::ReadWrite => MemberRole::Editor,
                })
            }
        }
    }

    /// The logged-in user, if a person is acting.
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Self::User(user) => Some(user.user_id),
            _ => None,
        }
    }
}

/// How much a role may do: OWNER > ADMIN > EDITOR > VIEWER.
pub fn rank(role: MemberRole) -> u8 {
    match role {
        MemberRole::Owner => 4,
        MemberRole::Admin => 3,
        MemberRole::Editor => 2,
        MemberRole::Viewer => 1,
    }
}

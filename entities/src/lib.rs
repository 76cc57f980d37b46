//! sea-orm entity models of Pactum's tables: one module per table, plus the
//! string-backed enums they share. No logic lives here; the rules are in
//! `pactum::domain`.

pub mod activity;
pub mod activity_document;
pub mod activity_organizer;
pub mod activity_participation;
pub mod agreement;
pub mod agreement_document;
pub mod agreement_party;
pub mod api_token;
pub mod audit_chain;
pub mod audit_checkpoint;
pub mod audit_checkpoint_head;
pub mod audit_entry;
pub mod document;
pub mod document_tag;
pub mod document_text;
pub mod document_version;
pub mod domain_event;
pub mod enums;
pub mod identity;
pub mod indicator;
pub mod invitation;
pub mod login_attempt;
pub mod membership;
pub mod notification_cursor;
pub mod notification_preference;
pub mod organization;
pub mod outbox;
pub mod project;
pub mod session;
pub mod user;

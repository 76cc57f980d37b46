//! Search inside documents, ranked:
//!
//! - `document_versions.text_status` (`PENDING` until the extraction job
//!   has read the file; `EXTRACTED`, `TRUNCATED`, `UNSUPPORTED`, `FAILED`)
//!   and `text_failure` (why, for the owner). Written `PENDING` in the
//!   upload's own transaction, so the row is the job's durable queue: a
//!   crash between the upload and the extraction loses nothing. Versions
//!   uploaded before this migration are `PENDING` too and get extracted.
//! - `document_texts`: the extracted text of each version, bounded.
//! - The full-text index, kept by the database itself on every write
//!   (triggers and generated columns), so no write path can forget it:
//!   - PostgreSQL: a text search configuration `pactum_ro` (the built-in
//!     `romanian` one with `unaccent` in front of its stemmer, so that
//!     "coruptie", "corupției" and "corupția" are one lexeme), and a
//!     weighted `search_vector` on organizations, agreements, activities
//!     (generated from their columns) and documents (title and tags A,
//!     summary B, the newest file text D; kept by triggers, since tags and
//!     text live in other tables), each with a GIN index;
//!   - SQLite: an FTS5 table per kind (`unicode61 remove_diacritics 2`),
//!     rowid = the record's id, kept by triggers. Romanian stems are applied
//!     to the query instead (see `domain::search`).

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

/// See the module documentation.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The kinds with a column set of their own: (table, title column).
const SIMPLE_KINDS: [(&str, &str); 3] = [
    ("organizations", "name"),
    ("agreements", "title"),
    ("activities", "title"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(DocumentVersions::Table)
                .add_column(text(DocumentVersions::TextStatus).default("PENDING").check(
                    Expr::col(DocumentVersions::TextStatus).is_in([
                        "PENDING",
                        "EXTRACTED",
                        "TRUNCATED",
                        "UNSUPPORTED",
                        "FAILED",
                    ]),
                ))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(DocumentVersions::Table)
                .add_column(text_null(DocumentVersions::TextFailure))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(DocumentVersions::Table)
                .add_column(integer(DocumentVersions::TextAttempts).default(0))
                .to_owned(),
        )
        .await?;
        // The job's queue: the versions still waiting for their text.
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_document_versions_text_pending ON document_versions (id) \
                 WHERE text_status = 'PENDING'",
            )
            .await?;
        m.create_table(
            Table::create()
                .table(DocumentTexts::Table)
                .col(big_integer(DocumentTexts::VersionId).primary_key())
                .col(big_integer(DocumentTexts::DocumentId))
                .col(text(DocumentTexts::Content))
                .col(boolean(DocumentTexts::Truncated))
                .col(timestamp_with_time_zone(DocumentTexts::ExtractedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(DocumentTexts::Table, DocumentTexts::VersionId)
                        .to(DocumentVersions::Table, DocumentVersions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(DocumentTexts::Table, DocumentTexts::DocumentId)
                        .to(Documents::Table, Documents::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_document_texts_document")
                .table(DocumentTexts::Table)
                .col(DocumentTexts::DocumentId)
                .col(DocumentTexts::VersionId)
                .to_owned(),
        )
        .await?;
        let statements = if m.get_database_backend() == DbBackend::Postgres {
            postgres_index()
        } else {
            sqlite_index()
        };
        let db = m.get_connection();
        for sql in statements {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == DbBackend::Postgres {
            for sql in [
                "DROP TRIGGER IF EXISTS search_documents ON documents",
                "DROP TRIGGER IF EXISTS search_document_tags ON document_tags",
                "DROP TRIGGER IF EXISTS search_document_texts ON document_texts",
                "DROP FUNCTION IF EXISTS search_reindex_document_tags()",
                "DROP FUNCTION IF EXISTS search_reindex_document_texts()",
                "DROP FUNCTION IF EXISTS search_index_document()",
                "DROP FUNCTION IF EXISTS search_document_vector(bigint, text, text)",
                "ALTER TABLE documents DROP COLUMN IF EXISTS search_vector",
                "ALTER TABLE organizations DROP COLUMN IF EXISTS search_vector",
                "ALTER TABLE agreements DROP COLUMN IF EXISTS search_vector",
                "ALTER TABLE activities DROP COLUMN IF EXISTS search_vector",
                "DROP TEXT SEARCH CONFIGURATION IF EXISTS pactum_ro",
            ] {
                db.execute_unprepared(sql).await?;
            }
        } else {
            for table in ["documents", "organizations", "agreements", "activities"] {
                for t in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_fts_{t}"))
                        .await?;
                }
                db.execute_unprepared(&format!("DROP TABLE IF EXISTS {table}_fts"))
                    .await?;
            }
            for t in [
                "document_tags_fts_insert",
                "document_tags_fts_delete",
                "document_texts_fts_insert",
            ] {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t}"))
                    .await?;
            }
        }
        m.drop_table(Table::drop().table(DocumentTexts::Table).to_owned())
            .await?;
        m.drop_index(
            Index::drop()
                .name("ix_document_versions_text_pending")
                .table(DocumentVersions::Table)
                .to_owned(),
        )
        .await?;
        for column in [
            DocumentVersions::TextAttempts,
            DocumentVersions::TextFailure,
            DocumentVersions::TextStatus,
        ] {
            m.alter_table(
                Table::alter()
                    .table(DocumentVersions::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

/// The newest text of document `doc` (an SQL expression).
fn newest_text(doc: &str) -> String {
    format!(
        "(SELECT content FROM document_texts WHERE document_id = {doc} \
         ORDER BY version_id DESC LIMIT 1)"
    )
}

/// The tags of document `doc`, space-separated (an SQL expression).
fn tags_of(doc: &str, aggregate: &str) -> String {
    format!("(SELECT {aggregate} FROM document_tags WHERE document_id = {doc})")
}

fn postgres_index() -> Vec<String> {
    let mut sql = vec![
        "CREATE EXTENSION IF NOT EXISTS unaccent".to_owned(),
        "CREATE TEXT SEARCH CONFIGURATION pactum_ro (COPY = pg_catalog.romanian)".to_owned(),
        "ALTER TEXT SEARCH CONFIGURATION pactum_ro \
         ALTER MAPPING FOR hword, hword_part, word WITH unaccent, romanian_stem"
            .to_owned(),
    ];
    for (table, title) in SIMPLE_KINDS {
        sql.push(format!(
            "ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (\
             setweight(to_tsvector('pactum_ro'::regconfig, {title}), 'A') || \
             setweight(to_tsvector('pactum_ro'::regconfig, search_text), 'C')) STORED"
        ));
        sql.push(format!(
            "CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)"
        ));
    }
    // A tsvector holds at most 1 MiB: text that would exceed it (a million
    // characters of distinct words, say) is indexed by its first 100,000
    // characters rather than failing the write.
    sql.push(format!(
        "CREATE FUNCTION search_document_vector(doc bigint, title text, summary text) \
         RETURNS tsvector LANGUAGE plpgsql STABLE AS $$ \
         DECLARE head tsvector; body text := coalesce({text}, ''); BEGIN \
           head := setweight(to_tsvector('pactum_ro', title), 'A') \
             || setweight(to_tsvector('pactum_ro', coalesce({tags}, '')), 'A') \
             || setweight(to_tsvector('pactum_ro', summary), 'B'); \
           BEGIN \
             RETURN head || setweight(to_tsvector('pactum_ro', body), 'D'); \
           EXCEPTION WHEN program_limit_exceeded THEN \
             RETURN head || setweight(to_tsvector('pactum_ro', left(body, 100000)), 'D'); \
           END; \
         END $$",
        text = newest_text("doc"),
        tags = tags_of("doc", "string_agg(tag, ' ')"),
    ));
    sql.extend([
        "ALTER TABLE documents ADD COLUMN search_vector tsvector".to_owned(),
        "UPDATE documents SET search_vector = search_document_vector(id, title, summary)"
            .to_owned(),
        "CREATE INDEX ix_documents_search_vector ON documents USING gin (search_vector)"
            .to_owned(),
        "CREATE FUNCTION search_index_document() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
           NEW.search_vector := search_document_vector(NEW.id, NEW.title, NEW.summary); \
           RETURN NEW; END $$"
            .to_owned(),
        "CREATE TRIGGER search_documents BEFORE INSERT OR UPDATE OF title, summary \
         ON documents FOR EACH ROW EXECUTE FUNCTION search_index_document()"
            .to_owned(),
        "CREATE FUNCTION search_reindex_document_tags() RETURNS trigger LANGUAGE plpgsql AS $$ \
         DECLARE doc bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.document_id ELSE NEW.document_id END; \
         BEGIN UPDATE documents SET search_vector = search_document_vector(id, title, summary) \
           WHERE id = doc; RETURN NULL; END $$"
            .to_owned(),
        "CREATE TRIGGER search_document_tags AFTER INSERT OR DELETE OR UPDATE \
         ON document_tags FOR EACH ROW EXECUTE FUNCTION search_reindex_document_tags()"
            .to_owned(),
        "CREATE FUNCTION search_reindex_document_texts() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN UPDATE documents SET search_vector = search_document_vector(id, title, summary) \
           WHERE id = NEW.document_id; RETURN NULL; END $$"
            .to_owned(),
        "CREATE TRIGGER search_document_texts AFTER INSERT OR UPDATE \
         ON document_texts FOR EACH ROW EXECUTE FUNCTION search_reindex_document_texts()"
            .to_owned(),
    ]);
    sql
}

fn sqlite_index() -> Vec<String> {
    const TOKENIZER: &str = "tokenize = 'unicode61 remove_diacritics 2'";
    let mut sql = Vec::new();
    for (table, title) in SIMPLE_KINDS {
        sql.extend([
            format!("CREATE VIRTUAL TABLE {table}_fts USING fts5(title, body, {TOKENIZER})"),
            format!(
                "INSERT INTO {table}_fts (rowid, title, body) SELECT id, {title}, search_text FROM {table}"
            ),
            format!(
                "CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN \
                 INSERT INTO {table}_fts (rowid, title, body) VALUES (NEW.id, NEW.{title}, NEW.search_text); END"
            ),
            format!(
                "CREATE TRIGGER {table}_fts_update AFTER UPDATE OF {title}, search_text ON {table} BEGIN \
                 UPDATE {table}_fts SET title = NEW.{title}, body = NEW.search_text WHERE rowid = NEW.id; END"
            ),
            format!(
                "CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN \
                 DELETE FROM {table}_fts WHERE rowid = OLD.id; END"
            ),
        ]);
    }
    let tags = |doc: &str| format!("coalesce({}, '')", tags_of(doc, "group_concat(tag, ' ')"));
    sql.extend([
        format!("CREATE VIRTUAL TABLE documents_fts USING fts5(title, tags, summary, body, {TOKENIZER})"),
        format!(
            "INSERT INTO documents_fts (rowid, title, tags, summary, body) \
             SELECT id, title, {}, summary, coalesce({}, '') FROM documents",
            tags("documents.id"),
            newest_text("documents.id")
        ),
        "CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN \
         INSERT INTO documents_fts (rowid, title, tags, summary, body) \
         VALUES (NEW.id, NEW.title, '', NEW.summary, ''); END"
            .to_owned(),
        "CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, summary ON documents BEGIN \
         UPDATE documents_fts SET title = NEW.title, summary = NEW.summary WHERE rowid = NEW.id; END"
            .to_owned(),
        "CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN \
         DELETE FROM documents_fts WHERE rowid = OLD.id; END"
            .to_owned(),
        format!(
            "CREATE TRIGGER document_tags_fts_insert AFTER INSERT ON document_tags BEGIN \
             UPDATE documents_fts SET tags = {} WHERE rowid = NEW.document_id; END",
            tags("NEW.document_id")
        ),
        format!(
            "CREATE TRIGGER document_tags_fts_delete AFTER DELETE ON document_tags BEGIN \
             UPDATE documents_fts SET tags = {} WHERE rowid = OLD.document_id; END",
            tags("OLD.document_id")
        ),
        format!(
            "CREATE TRIGGER document_texts_fts_insert AFTER INSERT ON document_texts BEGIN \
             UPDATE documents_fts SET body = coalesce({}, '') WHERE rowid = NEW.document_id; END",
            newest_text("NEW.document_id")
        ),
    ]);
    sql
}

#[derive(DeriveIden)]
enum DocumentVersions {
    Table,
    Id,
    TextStatus,
    TextFailure,
    TextAttempts,
}

#[derive(DeriveIden)]
enum DocumentTexts {
    Table,
    VersionId,
    DocumentId,
    Content,
    Truncated,
    ExtractedAt,
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
}

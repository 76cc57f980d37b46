-- lookup: one organization by primary key (what Pactum's `organization(id:)` needs).
-- Run with -D orgs=N (number of organizations; ids are 1..N).
\set id random(1, :orgs)
SELECT id, name, kind, county FROM organizations WHERE id = :id;

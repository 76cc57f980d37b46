-- search: PUBLIC documents matching "coruptie" in the full-text index
-- (title, tags, summary, file text; the same websearch_to_tsquery Pactum
-- sends), the total count, then the first page of 20, newest first, with
-- the owner's name joined in.
SELECT count(*) FROM documents
 WHERE visibility = 'PUBLIC' AND search_vector @@ websearch_to_tsquery('pactum_ro', 'coruptie');
SELECT d.title, d.kind, o.name AS owner_name
  FROM documents d
  JOIN organizations o ON o.id = d.owner_id
 WHERE d.visibility = 'PUBLIC' AND d.search_vector @@ websearch_to_tsquery('pactum_ro', 'coruptie')
 ORDER BY d.created_at DESC, d.id DESC
 LIMIT 20;

-- first_page: the first 20 PUBLIC documents, newest first (created_at DESC,
-- id DESC; one more row tells whether a next page exists).
SELECT json_agg(json_build_object('title', title, 'createdAt', created_at)
       ORDER BY created_at DESC, id DESC)
FROM (SELECT id, title, created_at FROM documents WHERE visibility = 'PUBLIC'
       ORDER BY created_at DESC, id DESC LIMIT 21) d;

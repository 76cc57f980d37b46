-- deep_page: the same list 90 % deep, by keyset: the 20 rows after the row at
-- 90 % depth. Run with -D deep_epoch=<that row's created_at as epoch seconds>
-- -D deep_id=<its id> (bench/run computes them).
SELECT json_agg(json_build_object('title', title, 'createdAt', created_at)
       ORDER BY created_at DESC, id DESC)
FROM (SELECT id, title, created_at FROM documents
       WHERE visibility = 'PUBLIC'
         AND (created_at, id) < (to_timestamp(:deep_epoch), :deep_id)
       ORDER BY created_at DESC, id DESC LIMIT 21) d;

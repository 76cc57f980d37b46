-- documents_nested: the 50 newest PUBLIC documents (created_at DESC, id DESC),
-- each with its owner's name, its tags (alphabetical) and its versions
-- (newest first). One statement.
SELECT json_build_object('documents', json_build_object('edges',
         coalesce(json_agg(json_build_object('node', json_build_object(
           'title', d.title, 'owner', json_build_object('name', org.name),
           'tags', t.list, 'versions', v.list))
         ORDER BY d.created_at DESC, d.id DESC), '[]')))
FROM (SELECT id, title, owner_id, created_at FROM documents WHERE visibility = 'PUBLIC'
       ORDER BY created_at DESC, id DESC LIMIT 50) d
JOIN organizations org ON org.id = d.owner_id
CROSS JOIN LATERAL (
  SELECT coalesce(json_agg(tag ORDER BY tag), '[]') AS list
  FROM document_tags WHERE document_id = d.id
) t
CROSS JOIN LATERAL (
  SELECT coalesce(json_agg(json_build_object('number', number, 'fileName', file_name)
         ORDER BY number DESC), '[]') AS list
  FROM document_versions WHERE document_id = d.id
) v;

-- search_everything: the ranking statement of the root search, the 20
-- best PUBLIC records of the four kinds for "avertizori integritate"; then
-- the texts a snippet is cut from for the documents among them. (Pactum
-- also loads the records themselves, which this floor leaves out.)
WITH q AS (SELECT websearch_to_tsquery('pactum_ro', 'avertizori integritate') AS q),
hits AS (
  SELECT o.id * 4 + 0 AS uid, ts_rank(o.search_vector, q.q) AS score
    FROM organizations o, q WHERE o.search_vector @@ q.q
  UNION ALL
  SELECT a.id * 4 + 1, ts_rank(a.search_vector, q.q)
    FROM agreements a, q WHERE a.visibility = 'PUBLIC' AND a.search_vector @@ q.q
  UNION ALL
  SELECT d.id * 4 + 2, ts_rank(d.search_vector, q.q)
    FROM documents d, q WHERE d.visibility = 'PUBLIC' AND d.search_vector @@ q.q
  UNION ALL
  SELECT t.id * 4 + 3, ts_rank(t.search_vector, q.q)
    FROM activities t, q WHERE t.visibility = 'PUBLIC' AND t.search_vector @@ q.q
)
SELECT uid, score FROM hits ORDER BY score DESC, uid DESC LIMIT 21;
SELECT document_id, content FROM document_texts
 WHERE version_id IN (SELECT max(version_id) FROM document_texts
                       WHERE document_id IN (10, 20, 30, 40, 50) GROUP BY document_id);

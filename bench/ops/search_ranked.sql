-- search_ranked: the 20 PUBLIC documents most relevant to "avertizori
-- integritate" (ts_rank, ties by id), with the owner's name.
SELECT d.title, d.kind, o.name AS owner_name,
       ts_rank(d.search_vector, q) AS score
  FROM documents d
  JOIN organizations o ON o.id = d.owner_id,
       websearch_to_tsquery('pactum_ro', 'avertizori integritate') q
 WHERE d.visibility = 'PUBLIC' AND d.search_vector @@ q
 ORDER BY score DESC, d.id DESC
 LIMIT 21;

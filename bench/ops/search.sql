-- search: documents whose folded search_text contains "coruptie" (the term is
-- already lower-case and diacritics-free, as Pactum's fold() would make it),
-- PUBLIC only: the total count, then the first page of 20, newest first, with
-- the owner's name joined in.
SELECT count(*) FROM documents
 WHERE visibility = 'PUBLIC' AND search_text LIKE '%coruptie%';
SELECT d.title, d.kind, o.name AS owner_name
  FROM documents d
  JOIN organizations o ON o.id = d.owner_id
 WHERE d.visibility = 'PUBLIC' AND d.search_text LIKE '%coruptie%'
 ORDER BY d.created_at DESC, d.id DESC
 LIMIT 20;

-- projects_nested: the 50 latest projects (start_date DESC, id DESC), each with
-- its owner's name and its first 10 indicators (id order). One statement.
SELECT json_build_object('projects', json_build_object('edges',
         coalesce(json_agg(json_build_object('node', json_build_object(
           'code', p.code, 'title', p.title, 'owner', json_build_object('name', org.name),
           'indicators', json_build_object('edges', i.list)))
         ORDER BY p.start_date DESC, p.id DESC), '[]')))
FROM (SELECT id, code, title, owner_id, start_date FROM projects
       ORDER BY start_date DESC, id DESC LIMIT 50) p
JOIN organizations org ON org.id = p.owner_id
CROSS JOIN LATERAL (
  SELECT coalesce(json_agg(json_build_object('node', json_build_object(
           'name', name, 'unit', unit, 'target', target)) ORDER BY id), '[]') AS list
  FROM (SELECT id, name, unit, target FROM indicators WHERE project_id = p.id
         ORDER BY id LIMIT 10) x
) i;

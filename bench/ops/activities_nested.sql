-- activities_nested: the 50 newest PUBLIC activities (start_date DESC, id DESC),
-- for each its first 5 accepted organizers (activity_organizers.id order) with
-- their names, and all its participation counts (id order). One statement.
SELECT json_build_object('activities', json_build_object('edges',
         coalesce(json_agg(json_build_object('node', json_build_object(
           'title', a.title, 'startDate', a.start_date,
           'organizers', json_build_object('edges', o.list),
           'participation', p.list))
         ORDER BY a.start_date DESC, a.id DESC), '[]')))
FROM (SELECT id, title, start_date FROM activities WHERE visibility = 'PUBLIC'
       ORDER BY start_date DESC, id DESC LIMIT 50) a
CROSS JOIN LATERAL (
  SELECT coalesce(json_agg(json_build_object('node', json_build_object('name', org.name))
         ORDER BY ao.id), '[]') AS list
  FROM (SELECT id, organization_id FROM activity_organizers
         WHERE activity_id = a.id AND accepted_at IS NOT NULL ORDER BY id LIMIT 5) ao
  JOIN organizations org ON org.id = ao.organization_id
) o
CROSS JOIN LATERAL (
  SELECT coalesce(json_agg(json_build_object('role', ap.role, 'count', ap.count)
         ORDER BY ap.id), '[]') AS list
  FROM activity_participations ap WHERE ap.activity_id = a.id
) p;

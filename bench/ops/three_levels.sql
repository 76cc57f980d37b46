-- three_levels: the first 50 organizations by name, for each its 5 newest PUBLIC
-- agreements it is a party to (created_at DESC, id DESC), for each agreement its
-- first 10 parties (agreement_parties.id order) with the party's name.
-- One statement; LATERAL subqueries use ix_organizations_name,
-- ix_agreement_parties_org and ux_agreement_parties_agreement_org; json_build_object
-- produces exactly the JSON `data` Pactum returns, so the server only forwards it.
SELECT json_build_object('organizations', json_build_object('edges',
         coalesce(json_agg(json_build_object('node', json_build_object(
           'name', o.name,
           'agreements', json_build_object('edges', a.list)))
         ORDER BY o.name, o.id), '[]')))
FROM (SELECT id, name FROM organizations ORDER BY name, id LIMIT 50) o
CROSS JOIN LATERAL (
  SELECT coalesce(json_agg(json_build_object('node', json_build_object(
           'title', ag.title,
           'status', ag.status,
           'parties', json_build_object('edges', p.list)))
         ORDER BY ag.created_at DESC, ag.id DESC), '[]') AS list
  FROM (SELECT g.id, g.title, g.status, g.created_at
          FROM agreement_parties ap
          JOIN agreements g ON g.id = ap.agreement_id
         WHERE ap.organization_id = o.id AND g.visibility = 'PUBLIC'
         ORDER BY g.created_at DESC, g.id DESC
         LIMIT 5) ag
  CROSS JOIN LATERAL (
    SELECT coalesce(json_agg(json_build_object('node', json_build_object(
             'organization', json_build_object('name', po.name)))
           ORDER BY pp.id), '[]') AS list
    FROM (SELECT id, organization_id FROM agreement_parties
           WHERE agreement_id = ag.id ORDER BY id LIMIT 10) pp
    JOIN organizations po ON po.id = pp.organization_id
  ) p
) a;

-- dashboard: the five GROUP BY statements of api/src/domain/stats.rs for an
-- anonymous caller (PUBLIC only), with the same semantics.
-- agreementsByStatus
SELECT status AS key, count(*) FROM agreements
 WHERE visibility = 'PUBLIC' GROUP BY status ORDER BY status;
-- agreementsByKind
SELECT kind AS key, count(*) FROM agreements
 WHERE visibility = 'PUBLIC' GROUP BY kind ORDER BY kind;
-- documentsByKind
SELECT kind AS key, count(*) FROM documents
 WHERE visibility = 'PUBLIC' GROUP BY kind ORDER BY kind;
-- activitiesByKind: cancelled activities left out; participants exclude TRAINER
SELECT a.kind AS key, count(DISTINCT a.id) AS activities,
       coalesce(sum(p.count), 0) AS participants
  FROM activities a
  LEFT JOIN activity_participations p ON p.activity_id = a.id AND p.role <> 'TRAINER'
 WHERE a.visibility = 'PUBLIC' AND a.status <> 'CANCELLED'
 GROUP BY a.kind ORDER BY a.kind;
-- peopleTrainedByYear: participants (not TRAINER) of COMPLETED TRAINING_COURSE
-- activities, by the year the course started
SELECT to_char(a.start_date, 'YYYY') AS key, sum(p.count) AS count
  FROM activities a
  JOIN activity_participations p ON p.activity_id = a.id AND p.role <> 'TRAINER'
 WHERE a.visibility = 'PUBLIC' AND a.kind = 'TRAINING_COURSE' AND a.status = 'COMPLETED'
 GROUP BY to_char(a.start_date, 'YYYY') ORDER BY 1;

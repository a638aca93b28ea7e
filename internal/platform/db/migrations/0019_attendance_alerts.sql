-- The alerts page ("absent twice in a row") reads, for each cohort under way, its
-- two last roll calls and the people marked absent at both, without reading the
-- 36 million marks of a national association:
-- - cohorts_state finds the cohorts under way without reading every cohort;
-- - meetings_standing walks a cohort's meetings that stand (not cancelled) by
--   time from the index alone (cancelled_at is in the key because SQLite does not
--   count a partial index's condition as covered);
-- - attendance_absent holds the absent marks only (about one in ten), so that a
--   meeting's absences are one short range and "absent at the meeting before too"
--   one probe, both answered from the index. The mark is in the key for the same
--   reason; UNIQUE, as the primary key it repeats, so that SQLite's planner prefers
--   it to the primary key for a (meeting, learner) probe, which reads the row.
CREATE INDEX cohorts_state ON cohorts (state, antenna_id);
CREATE INDEX meetings_standing ON meetings (cohort_id, starts_at, cancelled_at) WHERE cancelled_at = '';
CREATE UNIQUE INDEX attendance_absent ON attendance (meeting_id, learner_id, mark) WHERE mark = 'absent';

-- The alerts page ("absent twice in a row") reads, for each cohort under way, its
-- two last roll calls and the people marked absent at both. cohorts_state finds the
-- cohorts under way without reading every cohort; attendance_absent is the absent
-- marks of a meeting alone (about one mark in ten), so that two meetings' absences
-- are two short index ranges rather than every mark of the meeting and a row read
-- for each.
CREATE INDEX cohorts_state ON cohorts (state, antenna_id);
CREATE INDEX attendance_absent ON attendance (meeting_id, learner_id) WHERE mark = 'absent';

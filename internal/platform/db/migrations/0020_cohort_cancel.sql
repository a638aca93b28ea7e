-- Cancelling a cohort: when it was cancelled (empty while it stands; its meetings
-- cancelled with it carry the same time, so reopening restores those and no other),
-- why an enrolment ended (cohort_cancelled, or empty) and what it was before, and a
-- log of who cancelled or reopened a cohort.
ALTER TABLE cohorts ADD COLUMN cancelled_at TEXT NOT NULL DEFAULT '';
ALTER TABLE enrolments ADD COLUMN ended_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE enrolments ADD COLUMN state_before TEXT NOT NULL DEFAULT '';
CREATE INDEX enrolments_cohort_reason ON enrolments (cohort_id, ended_reason);

-- action is cancelled or reopened; state is the cohort's state before the action.
CREATE TABLE cohort_log (
    id {{id}},
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT '',
    people INTEGER NOT NULL DEFAULT 0,
    staff_id BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    at TEXT NOT NULL
);
CREATE INDEX cohort_log_cohort ON cohort_log (cohort_id, at);

-- The follow-up list is read by antenna and by due day at national scale: each
-- follow-up carries its file's antenna (kept in step when the file moves), and the
-- follow-ups still to record have indexes of their own, in due order, nationally
-- and per antenna, that hold everything the list and its counts read.
ALTER TABLE learner_followups ADD COLUMN antenna_id BIGINT NOT NULL DEFAULT 0;
UPDATE learner_followups SET antenna_id = (SELECT l.antenna_id FROM learners l WHERE l.id = learner_followups.learner_id);
-- A merged file's follow-ups not yet recorded are plans the kept file already has.
DELETE FROM learner_followups WHERE recorded_at = ''
    AND learner_id IN (SELECT id FROM learners WHERE merged_into IS NOT NULL);
CREATE INDEX learner_followups_open ON learner_followups (due_on, learner_id, milestone, antenna_id) WHERE recorded_at = '';
CREATE INDEX learner_followups_open_antenna ON learner_followups (antenna_id, due_on, learner_id, milestone) WHERE recorded_at = '';
-- The counts per milestone: one range of each index per milestone (and antenna).
CREATE INDEX learner_followups_open_milestone ON learner_followups (milestone, due_on) WHERE recorded_at = '';
CREATE INDEX learner_followups_open_antenna_milestone ON learner_followups (antenna_id, milestone, due_on) WHERE recorded_at = '';
-- The index of (recorded_at, due_on) led the planners to the follow-ups to record
-- through the table rather than through the indexes above; the follow-ups recorded
-- since a time (what the impact counters look for) keep an index of their own.
DROP INDEX learner_followups_due;
CREATE INDEX learner_followups_recorded ON learner_followups (recorded_at) WHERE recorded_at <> '';

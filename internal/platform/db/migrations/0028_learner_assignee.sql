-- The adviser who follows a person (their queue in the inbox); NULL while nobody
-- has taken the registration. Each change is a step of the file's history.
ALTER TABLE learners ADD COLUMN assigned_to BIGINT REFERENCES staff (id);

-- The inbox walks the registrations still worked on (the open statuses of
-- learners.OpenStatuses, written out: the queries repeat this condition word for
-- word so that both planners take these partial indexes), oldest first, a page at
-- a time: by antenna (everyone, or one adviser's or nobody's), or across the
-- association for a national admin.
CREATE INDEX learners_open_antenna ON learners (antenna_id, created_at, id)
    WHERE merged_into IS NULL AND status IN ('received', 'contacted', 'positioned', 'waitlisted', 'offered');
CREATE INDEX learners_open_antenna_assignee ON learners (antenna_id, assigned_to, created_at, id)
    WHERE merged_into IS NULL AND status IN ('received', 'contacted', 'positioned', 'waitlisted', 'offered');
CREATE INDEX learners_open_created ON learners (created_at, id)
    WHERE merged_into IS NULL AND status IN ('received', 'contacted', 'positioned', 'waitlisted', 'offered');

-- A status, newest or oldest first: across the association (a few "received"
-- among a million files), and within an antenna (replacing the index on the
-- antenna and status alone, which it covers).
CREATE INDEX learners_status_created ON learners (status, created_at, id);
DROP INDEX learners_antenna_status;
CREATE INDEX learners_antenna_status ON learners (antenna_id, status, created_at, id);

-- One adviser's people, newest or oldest first (their queue, the list's adviser
-- filter); and every file by date, for the national list.
CREATE INDEX learners_assignee ON learners (assigned_to, created_at, id);
CREATE INDEX learners_created ON learners (created_at, id);

-- People who left training, by antenna and exit day: the follow-ups due are found
-- from their exit, a few months back, without reading every follow-up.
CREATE INDEX learners_antenna_exited ON learners (antenna_id, exited_on) WHERE exited_on <> '';

-- How long each kind of personal data is kept (DOMAIN.md, Privacy; GDPR art. 5
-- 1 e), in months, from valid_from on: a board or a change in the law sets a
-- new period with a new row, and the daily purge (privacy.Retention) reads the
-- period in force. learner_files counts from a file's last activity (contact,
-- attendance, appointment, follow-up, referral, message, enrolment...);
-- audit_events and tax_receipts from their day; funded_attendance is how long
-- after a certifying course ends its named attendance is kept for the funders'
-- controls (a learner's erasure waits for it).
CREATE TABLE retention_periods (
    kind TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    months INTEGER NOT NULL CHECK (months > 0),
    PRIMARY KEY (kind, valid_from)
);
INSERT INTO retention_periods (kind, valid_from, months) VALUES
    ('learner_files', '2018-05-25', 24),
    ('audit_events', '2018-05-25', 12),
    ('tax_receipts', '2018-05-25', 72),
    ('funded_attendance', '2018-05-25', 36);

-- A learner's file anonymised (by the purge or on request) keeps its row,
-- without anything that names the person. retention_due_on is the day the file
-- will be anonymised, set by the purge 30 days ahead (or more, when the purge
-- first sees a file already old enough: the person is told first);
-- retention_listed_at when the file was put on the list of those about to go,
-- retention_told_at when the person was told of it. All are cleared when new
-- activity (later than retention_listed_at) takes the file off the list.
ALTER TABLE learners ADD COLUMN anonymised_at TEXT NOT NULL DEFAULT '';
ALTER TABLE learners ADD COLUMN retention_due_on TEXT NOT NULL DEFAULT '';
ALTER TABLE learners ADD COLUMN retention_listed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE learners ADD COLUMN retention_told_at TEXT NOT NULL DEFAULT '';
CREATE INDEX learners_retention_due ON learners (retention_due_on, antenna_id, id) WHERE retention_due_on <> '';
-- The duplicates merged into a file go with it.
CREATE INDEX learners_merged_into ON learners (merged_into) WHERE merged_into IS NOT NULL;

-- The statistics' row of each anonymised person, as it was derived just before
-- (impact.Freeze): the derivation of the dashboards' counters reads it instead of
-- the file, whose birth year and situations are gone, so that the figures stay
-- the same, a full rebuild included. Coarse only: antenna, age band, situations
-- as bits, gender, the days of the path, programmes, outcome.
CREATE TABLE impact_frozen (
    learner_id BIGINT PRIMARY KEY,
    antenna_id BIGINT NOT NULL,
    band INTEGER NOT NULL,
    sits INTEGER NOT NULL,
    gender INTEGER NOT NULL DEFAULT 0,
    registered_on TEXT NOT NULL,
    positioned_on TEXT NOT NULL DEFAULT '',
    enrolled_on TEXT NOT NULL DEFAULT '',
    enrolled_programme BIGINT NOT NULL DEFAULT 0,
    exited_on TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',
    exit_programme BIGINT NOT NULL DEFAULT 0,
    m6_due TEXT NOT NULL DEFAULT '',
    m6 INTEGER NOT NULL DEFAULT 0
);

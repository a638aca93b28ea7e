-- The learner's path after registration: comparison keys for duplicates and search,
-- the history of every step (who and when), contact attempts, notes, follow-ups
-- after exit, and the per-address registration limit.

-- first_key and last_key are the names folded by learners.NameKey (lower case, no
-- accents, letters and digits only), for duplicate detection and prefix search.
ALTER TABLE learners ADD COLUMN first_key TEXT NOT NULL DEFAULT '';
ALTER TABLE learners ADD COLUMN last_key TEXT NOT NULL DEFAULT '';
-- The interface language the person registered in: messages to them use it.
ALTER TABLE learners ADD COLUMN lang TEXT NOT NULL DEFAULT 'fr';
-- The cohort chosen in the public catalogue, when registering from it.
ALTER TABLE learners ADD COLUMN wished_cohort_id BIGINT;
-- An earlier file of the same antenna with the same phone, or the same name and
-- birth year: flagged at registration until staff merge the files or clear the flag.
ALTER TABLE learners ADD COLUMN duplicate_of BIGINT REFERENCES learners (id);
-- Date (YYYY-MM-DD) the person left training: completed, certified or dropped.
ALTER TABLE learners ADD COLUMN exited_on TEXT NOT NULL DEFAULT '';
CREATE INDEX learners_first_key ON learners (first_key);
CREATE INDEX learners_last_key ON learners (last_key, first_key, birth_year);
CREATE INDEX learners_antenna_created ON learners (antenna_id, created_at);
CREATE INDEX learners_duplicate_of ON learners (duplicate_of);

-- Every step of a person's path: kind is registered, status, edited, merged or
-- not_duplicate; status is the status after the step; detail a reason or a cohort.
CREATE TABLE learner_history (
    id {{id}},
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    staff_id BIGINT REFERENCES staff (id),
    at TEXT NOT NULL
);
CREATE INDEX learner_history_learner ON learner_history (learner_id, at);

-- Attempts to reach the person: no_answer, reached, sms, interview (with the
-- interview's local date and time, "YYYY-MM-DD HH:MM").
CREATE TABLE learner_contacts (
    id {{id}},
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    kind TEXT NOT NULL,
    interview_at TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    at TEXT NOT NULL
);
CREATE INDEX learner_contacts_learner ON learner_contacts (learner_id, at);

CREATE TABLE learner_notes (
    id {{id}},
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    body TEXT NOT NULL,
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    at TEXT NOT NULL
);
CREATE INDEX learner_notes_learner ON learner_notes (learner_id, at);

-- Follow-ups at +3 months (m3) and +6 months (m6) after exit, created when the exit
-- is recorded; recorded_at stays empty until an adviser records the situation.
CREATE TABLE learner_followups (
    id {{id}},
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    milestone TEXT NOT NULL,
    due_on TEXT NOT NULL,
    situation TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    staff_id BIGINT REFERENCES staff (id),
    recorded_at TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX learner_followups_milestone ON learner_followups (learner_id, milestone);
CREATE INDEX learner_followups_due ON learner_followups (recorded_at, due_on);

-- Registrations per client address (kept as a hash, and only for an hour) to slow
-- down floods of the public form.
CREATE TABLE registration_attempts (
    address TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX registration_attempts_address ON registration_attempts (address, at);
CREATE INDEX registration_attempts_at ON registration_attempts (at);

-- Contact details a file keeps besides its main phone and email: when two files of
-- the same person are merged, the phone or email not chosen as the main one is kept
-- here, so that no way of reaching the person is lost. kind is phone or email;
-- value is E.164 for a phone; from_learner_id is the merged file it came from.
CREATE TABLE learner_secondary_contacts (
    id {{id}},
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    kind TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
    value TEXT NOT NULL,
    from_learner_id BIGINT REFERENCES learners (id),
    staff_id BIGINT REFERENCES staff (id),
    at TEXT NOT NULL
);
CREATE UNIQUE INDEX learner_secondary_contacts_value ON learner_secondary_contacts (learner_id, kind, value);
-- Likely duplicates are also the files whose other phone is this file's phone.
CREATE INDEX learner_secondary_contacts_kind_value ON learner_secondary_contacts (kind, value);

-- A reply link may also answer a seat offered from a waitlist (ref_kind 'offer',
-- ref_id the enrolment): accept or decline before the deadline. SQLite cannot
-- change a CHECK, so the table is made again under its name, on both engines,
-- with its rows and its index.
CREATE TABLE reply_links_next (
    token TEXT PRIMARY KEY,
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    ref_kind TEXT NOT NULL CHECK (ref_kind IN ('appointment', 'meeting', 'offer')),
    ref_id BIGINT NOT NULL,
    expires_at TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    answered_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
INSERT INTO reply_links_next (token, learner_id, ref_kind, ref_id, expires_at, answer, answered_at, created_at)
    SELECT token, learner_id, ref_kind, ref_id, expires_at, answer, answered_at, created_at FROM reply_links;
DROP TABLE reply_links;
ALTER TABLE reply_links_next RENAME TO reply_links;
CREATE UNIQUE INDEX reply_links_ref ON reply_links (ref_kind, ref_id, learner_id);

-- An adviser may send a person an open job offer by SMS (or email) with a reply
-- link (ref_kind 'job_offer', ref_id the offer): the person answers "I want to
-- apply" or "not interested" on a public page, without an account. sent_by is
-- the staff member who sent it, told of the answer and of what the company
-- then does. SQLite cannot change a CHECK, so the table is made again under its
-- name, on both engines, with its rows and its indexes (as in 0052).
CREATE TABLE reply_links_next (
    token TEXT PRIMARY KEY,
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    ref_kind TEXT NOT NULL CHECK (ref_kind IN ('appointment', 'meeting', 'offer', 'job_offer')),
    ref_id BIGINT NOT NULL,
    expires_at TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    answered_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    sent_by BIGINT REFERENCES staff (id) ON DELETE SET NULL
);
INSERT INTO reply_links_next (token, learner_id, ref_kind, ref_id, expires_at, answer, answered_at, created_at)
    SELECT token, learner_id, ref_kind, ref_id, expires_at, answer, answered_at, created_at FROM reply_links;
DROP TABLE reply_links;
ALTER TABLE reply_links_next RENAME TO reply_links;
CREATE UNIQUE INDEX reply_links_ref ON reply_links (ref_kind, ref_id, learner_id);
CREATE INDEX reply_links_answered ON reply_links (answered_at) WHERE answer <> '';

-- Where an application came from: an adviser's proposal, or the person's own
-- request from an offer's link (proposed_by then NULL; the adviser who sent the
-- link is the one told).
ALTER TABLE job_applications ADD COLUMN source TEXT NOT NULL DEFAULT 'adviser' CHECK (source IN ('adviser', 'person'));
-- The person's own request is the first line of its log.
ALTER TABLE job_application_events ADD COLUMN by_person BOOLEAN NOT NULL DEFAULT FALSE;

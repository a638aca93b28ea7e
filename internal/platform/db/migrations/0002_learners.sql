-- The people the association serves. One row per person (a registration is the
-- person's first state); other rooms refer to learners(id).
-- Lists are comma-separated codes; only the minimum is collected (DOMAIN.md, Privacy).

CREATE TABLE learners (
    id {{id}},
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    birth_year INTEGER NOT NULL,
    postcode TEXT NOT NULL DEFAULT '',
    town TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '',
    french_level TEXT NOT NULL DEFAULT '',
    situations TEXT NOT NULL DEFAULT '',
    equipment TEXT NOT NULL DEFAULT '',
    availabilities TEXT NOT NULL DEFAULT '',
    heard_from TEXT NOT NULL DEFAULT '',
    wished_programme_id BIGINT,
    status TEXT NOT NULL DEFAULT 'received',
    status_reason TEXT NOT NULL DEFAULT '',
    consent_text TEXT NOT NULL,
    consent_at TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'web',
    merged_into BIGINT REFERENCES learners (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX learners_antenna_status ON learners (antenna_id, status);
CREATE INDEX learners_phone ON learners (phone);
CREATE INDEX learners_name ON learners (last_name, first_name, birth_year);

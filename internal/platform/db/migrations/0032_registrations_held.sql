-- Public registrations whose hidden anti-spam field was filled. Some are bots, but
-- a person's browser may fill it too (autofill): the registration is kept here,
-- out of the learners and the figures, until staff release it (it then becomes a
-- file and is acknowledged) or discard it. Nothing is sent meanwhile.
CREATE TABLE registrations_held (
    id {{id}},
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    lang TEXT NOT NULL,
    form TEXT NOT NULL,            -- the fields as sent, URL-encoded
    honeypot TEXT NOT NULL,        -- what the hidden field held
    created_at TEXT NOT NULL,
    decided_at TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT '', -- released, discarded
    decided_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    learner_id BIGINT REFERENCES learners (id)
);
CREATE INDEX registrations_held_waiting ON registrations_held (antenna_id, decided_at, id);

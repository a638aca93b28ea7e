-- Workshop codes: staff running a registration session on one wifi vouch for it
-- with a code valid a few hours, which lifts the per-address limit (the per-phone
-- limit and the duplicate checks still apply) for at most max_uses registrations.
CREATE TABLE registration_passes (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    created_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    max_uses INTEGER NOT NULL
);
CREATE INDEX registration_passes_antenna ON registration_passes (antenna_id, expires_at);

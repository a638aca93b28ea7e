-- Missions of an antenna's volunteers ("Tuesday workshop helper", "laptop
-- repair") and their shifts. A mission may ask for skills (codes of
-- volunteers.Skills, all required) and, when it works with minors or vulnerable
-- adults, a valid check of honourability. "supervising" marks a leading or
-- supervising role, which the Compte d'engagement citoyen counts.
CREATE TABLE volunteer_missions (
    id {{id}},
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    vulnerable BOOLEAN NOT NULL DEFAULT FALSE,
    supervising BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX volunteer_missions_antenna ON volunteer_missions (antenna_id, active, title);

CREATE TABLE volunteer_mission_skills (
    mission_id BIGINT NOT NULL REFERENCES volunteer_missions (id) ON DELETE CASCADE,
    skill TEXT NOT NULL,
    PRIMARY KEY (mission_id, skill)
);

-- A shift: at a fixed time (starts_at–ends_at), any time within a window (between
-- starts_at and ends_at, expected_minutes of work), or ongoing (from starts_at,
-- no end: work done at home, logged by the volunteer). antenna_id repeats the
-- mission's, for the staff's scope. Volunteers may cancel until cancel_hours
-- before the start. staff_alerted_at: when staff were told it was less than half
-- full the day before.
CREATE TABLE volunteer_shifts (
    id {{id}},
    mission_id BIGINT NOT NULL REFERENCES volunteer_missions (id),
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    kind TEXT NOT NULL CHECK (kind IN ('fixed', 'window', 'ongoing')),
    starts_at TEXT NOT NULL,
    ends_at TEXT,
    expected_minutes INTEGER NOT NULL DEFAULT 0,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    place_id BIGINT REFERENCES places (id) ON DELETE SET NULL,
    cancel_hours INTEGER NOT NULL DEFAULT 24,
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'cancelled')),
    created_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX volunteer_shifts_antenna ON volunteer_shifts (antenna_id, state, starts_at);
CREATE INDEX volunteer_shifts_mission ON volunteer_shifts (mission_id, starts_at);

-- A volunteer's place on a shift: coming, waiting (the waitlist, first come
-- first served by id), cancelled (by them or with the shift), no_show (recorded
-- by staff) or not_happened (the volunteer said it did not take place).
CREATE TABLE volunteer_signups (
    id {{id}},
    shift_id BIGINT NOT NULL REFERENCES volunteer_shifts (id),
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('coming', 'waiting', 'cancelled', 'no_show', 'not_happened')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (shift_id, volunteer_id)
);
CREATE INDEX volunteer_signups_volunteer ON volunteer_signups (volunteer_id, state);
CREATE INDEX volunteer_signups_shift ON volunteer_signups (shift_id, state, id);

-- Hours given: confirmed after a shift (shift_id set, once per shift) or logged
-- by the volunteer for ongoing work. pending → approved | declined (with a
-- reason) by staff; approved hours are locked.
CREATE TABLE volunteer_hours (
    id {{id}},
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    mission_id BIGINT NOT NULL REFERENCES volunteer_missions (id),
    shift_id BIGINT REFERENCES volunteer_shifts (id),
    day TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
    note TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'declined')),
    reason TEXT NOT NULL DEFAULT '',
    decided_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    decided_at TEXT,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX volunteer_hours_shift ON volunteer_hours (shift_id, volunteer_id) WHERE shift_id IS NOT NULL;
CREATE INDEX volunteer_hours_volunteer ON volunteer_hours (volunteer_id, day);
CREATE INDEX volunteer_hours_pending ON volunteer_hours (antenna_id, state, day, id);

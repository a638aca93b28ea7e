-- Appointments: an adviser sees a person (first contact, positioning, follow-up,
-- other) at a place, by phone or by video. The person is told at once and reminded
-- before; the outcome (came, excused, no-show) is recorded after.
CREATE TABLE appointments (
    id {{id}},
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    kind TEXT NOT NULL CHECK (kind IN ('first_contact', 'positioning', 'follow_up', 'other')),
    mode TEXT NOT NULL CHECK (mode IN ('place', 'phone', 'video')),
    place_id BIGINT REFERENCES places (id),
    video_url TEXT NOT NULL DEFAULT '',
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    -- booked, or cancelled (by staff, or by the person through their link).
    state TEXT NOT NULL DEFAULT 'booked' CHECK (state IN ('booked', 'cancelled')),
    cancelled_by TEXT NOT NULL DEFAULT '' CHECK (cancelled_by IN ('', 'staff', 'person')),
    outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'came', 'excused', 'no_show')),
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX appointments_learner ON appointments (learner_id, starts_at);
CREATE INDEX appointments_staff ON appointments (staff_id, starts_at);
CREATE INDEX appointments_antenna ON appointments (antenna_id, starts_at);
CREATE INDEX appointments_starts ON appointments (starts_at, state);

-- The link in a message that lets a person answer without an account: "I cannot
-- come" for an appointment or a meeting. One per person and thing, reused by every
-- reminder about it; it works until the thing begins.
CREATE TABLE reply_links (
    token TEXT PRIMARY KEY,
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    ref_kind TEXT NOT NULL CHECK (ref_kind IN ('appointment', 'meeting')),
    ref_id BIGINT NOT NULL,
    expires_at TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    answered_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX reply_links_ref ON reply_links (ref_kind, ref_id, learner_id);

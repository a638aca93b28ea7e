-- Free slots an adviser publishes for the people they follow to book themselves,
-- from a link, without an account. A slot is free while appointment_id is NULL;
-- booking sets it with an UPDATE … WHERE appointment_id IS NULL that only one
-- transaction can win, and the unique index keeps one appointment to one slot.
-- Cancelling the appointment frees its slot again.
CREATE TABLE appointment_slots (
    id {{id}},
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('place', 'phone', 'video')),
    place_id BIGINT REFERENCES places (id),
    video_url TEXT NOT NULL DEFAULT '',
    appointment_id BIGINT REFERENCES appointments (id),
    created_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE UNIQUE INDEX appointment_slots_appointment ON appointment_slots (appointment_id);
-- Two slots of one adviser never start together (overlaps are refused before).
CREATE UNIQUE INDEX appointment_slots_staff ON appointment_slots (staff_id, starts_at);
CREATE INDEX appointment_slots_antenna ON appointment_slots (antenna_id, starts_at);

-- A booking link sent to a person: they pick one of the free slots of the chosen
-- advisers of an antenna until expires_at, then move or cancel what they booked
-- from the same link until a day before it. appointment_id is what they booked
-- last through it.
CREATE TABLE booking_links (
    token TEXT PRIMARY KEY,
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    kind TEXT NOT NULL CHECK (kind IN ('first_contact', 'positioning', 'follow_up', 'other')),
    expires_at TEXT NOT NULL,
    appointment_id BIGINT REFERENCES appointments (id),
    created_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX booking_links_learner ON booking_links (learner_id);

-- Whose slots a link offers.
CREATE TABLE booking_link_staff (
    token TEXT NOT NULL REFERENCES booking_links (token) ON DELETE CASCADE,
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    PRIMARY KEY (token, staff_id)
);

-- Donated equipment, one row per device of a gift in kind (20 laptops: 20
-- rows), and where each went: kept in an antenna's stock, given to a learner
-- (shown on their file), or used in one of the antenna's rooms.
CREATE TABLE donated_devices (
    id {{id}},
    gift_id BIGINT NOT NULL REFERENCES gifts (id),
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    label TEXT NOT NULL,
    serial TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'stock' CHECK (state IN ('stock', 'given', 'in_use')),
    learner_id BIGINT REFERENCES learners (id) ON DELETE SET NULL,
    place_id BIGINT REFERENCES places (id) ON DELETE SET NULL,
    placed_on TEXT,
    placed_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX donated_devices_gift ON donated_devices (gift_id, id);
CREATE INDEX donated_devices_stock ON donated_devices (antenna_id, state, id);
CREATE INDEX donated_devices_learner ON donated_devices (learner_id) WHERE learner_id IS NOT NULL;

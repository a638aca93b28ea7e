-- The days an antenna is closed (summer break, moving out…), from starts_on to
-- ends_on included (YYYY-MM-DD, local calendar days). Weekly timetables skip them,
-- as they skip French public holidays for antennas in France.
CREATE TABLE antenna_closures (
    id {{id}},
    antenna_id BIGINT NOT NULL REFERENCES antennas (id) ON DELETE CASCADE,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    label TEXT NOT NULL,
    created_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX antenna_closures_antenna ON antenna_closures (antenna_id, starts_on);

-- A meeting may happen in another place, or be taught by another adviser, than its
-- cohort's: NULL means the cohort's. meetings_starts finds the meetings around a
-- given time (the overlap checks of a place or an adviser, the roll calls to take)
-- without reading every meeting.
ALTER TABLE meetings ADD COLUMN place_id BIGINT REFERENCES places (id);
ALTER TABLE meetings ADD COLUMN staff_id BIGINT REFERENCES staff (id) ON DELETE SET NULL;
CREATE INDEX meetings_starts ON meetings (starts_at);

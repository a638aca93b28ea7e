-- A meeting can be cancelled (alone, or with its whole cohort) without being
-- deleted, so that the people told of it and the calendar feeds keep a trace.
-- Empty while the meeting stands; the UTC RFC 3339 time it was cancelled otherwise.
-- A cancelled meeting takes no roll call and counts no hours.
ALTER TABLE meetings ADD COLUMN cancelled_at TEXT NOT NULL DEFAULT '';

-- When a first build of the impact counters started (RFC 3339, '' when none runs):
-- dashboards asked for meanwhile say the figures are being prepared rather than
-- waiting minutes for it.
ALTER TABLE impact_refresh ADD COLUMN building_at TEXT NOT NULL DEFAULT '';

-- When a staff member was last told by email of repeated failed sign-ins on their
-- account (UTC RFC 3339 text), so that they are told once per window.
ALTER TABLE staff ADD COLUMN login_alert_at TEXT;

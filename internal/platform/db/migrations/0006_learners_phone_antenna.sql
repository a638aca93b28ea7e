-- The duplicate check looks a phone up within an antenna; with the phone alone
-- SQLite's planner preferred the antenna index and scanned the antenna's files.
DROP INDEX learners_phone;
CREATE INDEX learners_phone_antenna ON learners (phone, antenna_id);

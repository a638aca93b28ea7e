-- Programmes belong to an antenna (NULL: the whole association), can be archived
-- (no new cohorts, hidden from lists; empty while in use, else the UTC time) or kept
-- off the public catalogue, and carry English and Arabic titles and descriptions
-- beside the French ones (empty: not translated, the French text is shown).
ALTER TABLE programmes ADD COLUMN antenna_id BIGINT REFERENCES antennas (id);
ALTER TABLE programmes ADD COLUMN archived_at TEXT NOT NULL DEFAULT '';
ALTER TABLE programmes ADD COLUMN off_catalogue BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE programmes ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE programmes ADD COLUMN title_ar TEXT NOT NULL DEFAULT '';
ALTER TABLE programmes ADD COLUMN description_en TEXT NOT NULL DEFAULT '';
ALTER TABLE programmes ADD COLUMN description_ar TEXT NOT NULL DEFAULT '';
CREATE INDEX programmes_antenna ON programmes (antenna_id);

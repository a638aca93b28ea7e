-- Matching by distance (issue 13): where a learner lives, as the centre of the
-- commune of their file's postcode and town (package communes), in 1/10,000
-- of a degree (some 11 m), NULL while unknown. Written with the rest of the
-- summary (profiles.refresh); located tells the place was looked for, so that
-- the app fills the rows written before this column at start (profiles.Locate)
-- and only those. Matching within a radius reads a box of lat_e4 and lon_e4 in
-- the index, then the distance.
ALTER TABLE recruiter_profiles ADD COLUMN lat_e4 INTEGER;
ALTER TABLE recruiter_profiles ADD COLUMN lon_e4 INTEGER;
ALTER TABLE recruiter_profiles ADD COLUMN located BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX recruiter_profiles_near ON recruiter_profiles (shown, lat_e4, lon_e4);

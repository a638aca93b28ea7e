-- The digital competences an offer asks for beyond those of its job's code,
-- with the lowest Pix level each: "3.4:4 5.2:3" (competence:level, by code),
-- '' for none. Matching adds them to the job code's own.
ALTER TABLE job_offers ADD COLUMN skills TEXT NOT NULL DEFAULT '';

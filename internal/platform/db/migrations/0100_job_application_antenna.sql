-- The antenna of the person when proposed, kept on the application with its
-- other facts (0099): the figures by antenna and the dashboard read it
-- without reaching into a million files.
ALTER TABLE job_applications ADD COLUMN antenna_id BIGINT REFERENCES antennas (id);
UPDATE job_applications SET antenna_id = (SELECT l.antenna_id FROM learners l WHERE l.id = job_applications.learner_id);

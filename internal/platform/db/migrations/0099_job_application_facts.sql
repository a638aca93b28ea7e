-- What happened to each application, kept on its row so that the figures of a
-- period read one row per application instead of its log (a national year is
-- tens of thousands): the company's first answer, the first time it was taken
-- to the stage before hire, the hire, the refusal (its reason is the row's),
-- and the course the person had followed last when proposed. jobs.logApp keeps
-- them with each change; here they are filled from the logs once.
ALTER TABLE job_applications ADD COLUMN answered_at TEXT NOT NULL DEFAULT '';
ALTER TABLE job_applications ADD COLUMN interview_at TEXT NOT NULL DEFAULT '';
ALTER TABLE job_applications ADD COLUMN hired_at TEXT NOT NULL DEFAULT '';
ALTER TABLE job_applications ADD COLUMN refused_at TEXT NOT NULL DEFAULT '';
ALTER TABLE job_applications ADD COLUMN programme_id BIGINT REFERENCES programmes (id);
UPDATE job_applications SET
    answered_at = COALESCE((SELECT MIN(e.at) FROM job_application_events e WHERE e.application_id = job_applications.id
        AND e.state <> 'new' AND (e.recruiter_id IS NOT NULL OR e.staff_id IS NOT NULL)), ''),
    interview_at = COALESCE((SELECT MIN(e.at) FROM job_application_events e WHERE e.application_id = job_applications.id
        AND e.state = 'prior_to_hire'), ''),
    hired_at = COALESCE((SELECT MAX(e.at) FROM job_application_events e WHERE e.application_id = job_applications.id
        AND e.state = 'accepted'), ''),
    refused_at = COALESCE((SELECT MAX(e.at) FROM job_application_events e WHERE e.application_id = job_applications.id
        AND e.state = 'refused'), ''),
    programme_id = (SELECT c.programme_id FROM enrolments en JOIN cohorts c ON c.id = en.cohort_id
        WHERE en.learner_id = job_applications.learner_id AND en.state = 'enrolled' ORDER BY c.starts_on DESC, c.id DESC LIMIT 1);
CREATE INDEX job_applications_changed ON job_applications (changed_at);

-- Applications (issue 13): staff propose a learner who agreed to show a
-- profile to recruiters (profiles.Visible) for an open offer; the company
-- answers in its space. States after the national inclusion-jobs platform:
-- new → processing → postponed → prior_to_hire → accepted | refused (a coded
-- reason, shared with the person or not) | cancelled (by staff) | obsolete
-- (hired elsewhere). changed_at is the last change of state: an application
-- left unanswered longer than the dated period below is refused by the daily
-- closing (reason "other", automatic set). starts_on is an accepted hire's
-- first day; the hire is recorded as the person's follow-up situation.
CREATE TABLE job_applications (
    id {{id}},
    offer_id BIGINT NOT NULL REFERENCES job_offers (id) ON DELETE CASCADE,
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'processing', 'postponed', 'prior_to_hire', 'accepted', 'refused', 'cancelled', 'obsolete')),
    reason TEXT NOT NULL DEFAULT '' CHECK (reason IN ('', 'did_not_come', 'unavailable', 'non_eligible', 'eligibility_doubt', 'incompatible', 'no_position', 'not_mobile', 'poorly_informed', 'other')),
    reason_shared BOOLEAN NOT NULL DEFAULT FALSE,
    automatic BOOLEAN NOT NULL DEFAULT FALSE,
    starts_on TEXT NOT NULL DEFAULT '',
    proposed_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    UNIQUE (offer_id, learner_id)
);
CREATE INDEX job_applications_learner ON job_applications (learner_id);
CREATE INDEX job_applications_open ON job_applications (state, changed_at);

-- Every change of an application: its state (and reason), by a staff member,
-- a recruiter, or the daily closing (neither), and when.
CREATE TABLE job_application_events (
    id {{id}},
    application_id BIGINT NOT NULL REFERENCES job_applications (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    staff_id BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    recruiter_id BIGINT REFERENCES recruiters (id) ON DELETE SET NULL,
    at TEXT NOT NULL
);
CREATE INDEX job_application_events_application ON job_application_events (application_id, id);

-- How many days a company has to answer an application before the daily
-- closing refuses it, from valid_from on (the national platform's rule: 60).
CREATE TABLE job_application_delays (
    valid_from TEXT PRIMARY KEY,
    days INTEGER NOT NULL CHECK (days > 0)
);
INSERT INTO job_application_delays (valid_from, days) VALUES ('2021-01-01', 60);

-- A recruiter reading a proposed person's profile in the company space is
-- audited like staff's reads of a file.
ALTER TABLE audit_events ADD COLUMN recruiter_id BIGINT REFERENCES recruiters (id) ON DELETE SET NULL;

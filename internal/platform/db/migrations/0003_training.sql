-- Training: national programmes, cohorts taught by antennas, their meetings,
-- enrolments with the waitlist, and attendance marks.
-- Calendar dates are TEXT YYYY-MM-DD; meeting times are UTC RFC 3339 (displayed in
-- the antenna's timezone).

CREATE TABLE programmes (
    id {{id}},
    title TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('debutant', 'intermediaire', 'avance', 'certifiant')),
    description TEXT NOT NULL DEFAULT '',
    total_hours INTEGER NOT NULL CHECK (total_hours > 0),
    certifying BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX programmes_title ON programmes (title);

-- feed_token opens the cohort's iCalendar feed to calendar apps, which cannot sign in.
CREATE TABLE cohorts (
    id {{id}},
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    place_id BIGINT NOT NULL REFERENCES places (id),
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open', 'full', 'running', 'finished', 'cancelled')),
    feed_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cohorts_antenna ON cohorts (antenna_id, starts_on);
CREATE INDEX cohorts_programme ON cohorts (programme_id, state, starts_on);
CREATE UNIQUE INDEX cohorts_feed_token ON cohorts (feed_token);

CREATE TABLE cohort_advisers (
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    staff_id BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    PRIMARY KEY (cohort_id, staff_id)
);
CREATE INDEX cohort_advisers_staff ON cohort_advisers (staff_id);

-- One meeting per start time in a cohort, so that applying a weekly timetable twice
-- adds nothing.
CREATE TABLE meetings (
    id {{id}},
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX meetings_cohort_start ON meetings (cohort_id, starts_at);

-- One row per learner and cohort; state enrolled, offered (a freed seat held for the
-- first waitlisted person), waitlisted, withdrawn. The waitlist is ordered by since.
CREATE TABLE enrolments (
    id {{id}},
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    state TEXT NOT NULL CHECK (state IN ('enrolled', 'offered', 'waitlisted', 'withdrawn')),
    since TEXT NOT NULL,
    updated_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX enrolments_cohort_learner ON enrolments (cohort_id, learner_id);
CREATE INDEX enrolments_cohort_state ON enrolments (cohort_id, state);
CREATE INDEX enrolments_learner ON enrolments (learner_id);

CREATE TABLE attendance (
    meeting_id BIGINT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    mark TEXT NOT NULL CHECK (mark IN ('present', 'absent', 'excused', 'late')),
    marked_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    marked_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, learner_id)
);
CREATE INDEX attendance_learner ON attendance (learner_id);

-- Each staff member's secret for the feed of all their cohorts' meetings.
CREATE TABLE adviser_feeds (
    staff_id BIGINT PRIMARY KEY REFERENCES staff (id) ON DELETE CASCADE,
    token TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX adviser_feeds_token ON adviser_feeds (token);

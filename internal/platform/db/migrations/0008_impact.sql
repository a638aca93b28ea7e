-- Impact: what the dashboards and funder reports read, kept small enough to sum a
-- whole association's year in a few milliseconds. Nothing here is a source of truth:
-- every row is derived from the other rooms' tables and can be rebuilt
-- (impact.Rebuild); impact.Refresh brings it up to date incrementally before each
-- dashboard, from the rows stamped (updated_at, taken_at, recorded_at, marked_at)
-- since the last refresh.

-- One row per person (not merged): the day of each step that a figure counts, and
-- what the breakdowns need. band is an index in impact.Bands (age at registration);
-- sits a bit set of impact.Situations; m6 is 0 (the +6-month follow-up not
-- recorded or not planned), 1 (recorded, not positive) or 2 (positive exit).
CREATE TABLE impact_people (
    learner_id BIGINT PRIMARY KEY,
    antenna_id BIGINT NOT NULL,
    band INTEGER NOT NULL,
    sits INTEGER NOT NULL,
    registered_on TEXT NOT NULL,
    positioned_on TEXT NOT NULL DEFAULT '',
    enrolled_on TEXT NOT NULL DEFAULT '',
    enrolled_programme BIGINT NOT NULL DEFAULT 0,
    exited_on TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',
    exit_programme BIGINT NOT NULL DEFAULT 0,
    m6_due TEXT NOT NULL DEFAULT '',
    m6 INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX impact_people_registered ON impact_people (antenna_id, registered_on);
CREATE INDEX impact_people_positioned ON impact_people (antenna_id, positioned_on);
CREATE INDEX impact_people_enrolled ON impact_people (antenna_id, enrolled_on);
CREATE INDEX impact_people_exited ON impact_people (antenna_id, exited_on);
CREATE INDEX impact_people_m6 ON impact_people (antenna_id, m6_due);

-- Counters per antenna, day and programme (0 for the steps before any programme:
-- registered, positioned). For each figure (reg registered, pos positioned, enr
-- enrolled, cmp completed, cer certified, drp dropped): _all, then _b0…_b7 by age
-- band and _s0…_s5 by situation. m6_done/m6_pos: +6-month follow-ups due that day,
-- recorded / positive. att_minutes: minutes of meetings × people present or late;
-- att_marks: marks present or late; all_marks: every mark.
CREATE TABLE impact_days (
    antenna_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    programme_id BIGINT NOT NULL,
    reg_all INTEGER NOT NULL DEFAULT 0, reg_b0 INTEGER NOT NULL DEFAULT 0, reg_b1 INTEGER NOT NULL DEFAULT 0, reg_b2 INTEGER NOT NULL DEFAULT 0, reg_b3 INTEGER NOT NULL DEFAULT 0, reg_b4 INTEGER NOT NULL DEFAULT 0, reg_b5 INTEGER NOT NULL DEFAULT 0, reg_b6 INTEGER NOT NULL DEFAULT 0,
    reg_b7 INTEGER NOT NULL DEFAULT 0, reg_s0 INTEGER NOT NULL DEFAULT 0, reg_s1 INTEGER NOT NULL DEFAULT 0, reg_s2 INTEGER NOT NULL DEFAULT 0, reg_s3 INTEGER NOT NULL DEFAULT 0, reg_s4 INTEGER NOT NULL DEFAULT 0, reg_s5 INTEGER NOT NULL DEFAULT 0, pos_all INTEGER NOT NULL DEFAULT 0,
    pos_b0 INTEGER NOT NULL DEFAULT 0, pos_b1 INTEGER NOT NULL DEFAULT 0, pos_b2 INTEGER NOT NULL DEFAULT 0, pos_b3 INTEGER NOT NULL DEFAULT 0, pos_b4 INTEGER NOT NULL DEFAULT 0, pos_b5 INTEGER NOT NULL DEFAULT 0, pos_b6 INTEGER NOT NULL DEFAULT 0, pos_b7 INTEGER NOT NULL DEFAULT 0,
    pos_s0 INTEGER NOT NULL DEFAULT 0, pos_s1 INTEGER NOT NULL DEFAULT 0, pos_s2 INTEGER NOT NULL DEFAULT 0, pos_s3 INTEGER NOT NULL DEFAULT 0, pos_s4 INTEGER NOT NULL DEFAULT 0, pos_s5 INTEGER NOT NULL DEFAULT 0, enr_all INTEGER NOT NULL DEFAULT 0, enr_b0 INTEGER NOT NULL DEFAULT 0,
    enr_b1 INTEGER NOT NULL DEFAULT 0, enr_b2 INTEGER NOT NULL DEFAULT 0, enr_b3 INTEGER NOT NULL DEFAULT 0, enr_b4 INTEGER NOT NULL DEFAULT 0, enr_b5 INTEGER NOT NULL DEFAULT 0, enr_b6 INTEGER NOT NULL DEFAULT 0, enr_b7 INTEGER NOT NULL DEFAULT 0, enr_s0 INTEGER NOT NULL DEFAULT 0,
    enr_s1 INTEGER NOT NULL DEFAULT 0, enr_s2 INTEGER NOT NULL DEFAULT 0, enr_s3 INTEGER NOT NULL DEFAULT 0, enr_s4 INTEGER NOT NULL DEFAULT 0, enr_s5 INTEGER NOT NULL DEFAULT 0, cmp_all INTEGER NOT NULL DEFAULT 0, cmp_b0 INTEGER NOT NULL DEFAULT 0, cmp_b1 INTEGER NOT NULL DEFAULT 0,
    cmp_b2 INTEGER NOT NULL DEFAULT 0, cmp_b3 INTEGER NOT NULL DEFAULT 0, cmp_b4 INTEGER NOT NULL DEFAULT 0, cmp_b5 INTEGER NOT NULL DEFAULT 0, cmp_b6 INTEGER NOT NULL DEFAULT 0, cmp_b7 INTEGER NOT NULL DEFAULT 0, cmp_s0 INTEGER NOT NULL DEFAULT 0, cmp_s1 INTEGER NOT NULL DEFAULT 0,
    cmp_s2 INTEGER NOT NULL DEFAULT 0, cmp_s3 INTEGER NOT NULL DEFAULT 0, cmp_s4 INTEGER NOT NULL DEFAULT 0, cmp_s5 INTEGER NOT NULL DEFAULT 0, cer_all INTEGER NOT NULL DEFAULT 0, cer_b0 INTEGER NOT NULL DEFAULT 0, cer_b1 INTEGER NOT NULL DEFAULT 0, cer_b2 INTEGER NOT NULL DEFAULT 0,
    cer_b3 INTEGER NOT NULL DEFAULT 0, cer_b4 INTEGER NOT NULL DEFAULT 0, cer_b5 INTEGER NOT NULL DEFAULT 0, cer_b6 INTEGER NOT NULL DEFAULT 0, cer_b7 INTEGER NOT NULL DEFAULT 0, cer_s0 INTEGER NOT NULL DEFAULT 0, cer_s1 INTEGER NOT NULL DEFAULT 0, cer_s2 INTEGER NOT NULL DEFAULT 0,
    cer_s3 INTEGER NOT NULL DEFAULT 0, cer_s4 INTEGER NOT NULL DEFAULT 0, cer_s5 INTEGER NOT NULL DEFAULT 0, drp_all INTEGER NOT NULL DEFAULT 0, drp_b0 INTEGER NOT NULL DEFAULT 0, drp_b1 INTEGER NOT NULL DEFAULT 0, drp_b2 INTEGER NOT NULL DEFAULT 0, drp_b3 INTEGER NOT NULL DEFAULT 0,
    drp_b4 INTEGER NOT NULL DEFAULT 0, drp_b5 INTEGER NOT NULL DEFAULT 0, drp_b6 INTEGER NOT NULL DEFAULT 0, drp_b7 INTEGER NOT NULL DEFAULT 0, drp_s0 INTEGER NOT NULL DEFAULT 0, drp_s1 INTEGER NOT NULL DEFAULT 0, drp_s2 INTEGER NOT NULL DEFAULT 0, drp_s3 INTEGER NOT NULL DEFAULT 0,
    drp_s4 INTEGER NOT NULL DEFAULT 0, drp_s5 INTEGER NOT NULL DEFAULT 0, m6_done INTEGER NOT NULL DEFAULT 0, m6_pos INTEGER NOT NULL DEFAULT 0, att_minutes INTEGER NOT NULL DEFAULT 0, att_marks INTEGER NOT NULL DEFAULT 0, all_marks INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (antenna_id, day, programme_id)
);
-- The whole association over a few days (a period starting or ending within a month).
CREATE INDEX impact_days_day ON impact_days (day, antenna_id);

-- The same counters summed per calendar month (YYYY-MM): a year is at most twelve
-- rows per antenna and programme.
CREATE TABLE impact_months (
    antenna_id BIGINT NOT NULL,
    month TEXT NOT NULL,
    programme_id BIGINT NOT NULL,
    reg_all INTEGER NOT NULL DEFAULT 0, reg_b0 INTEGER NOT NULL DEFAULT 0, reg_b1 INTEGER NOT NULL DEFAULT 0, reg_b2 INTEGER NOT NULL DEFAULT 0, reg_b3 INTEGER NOT NULL DEFAULT 0, reg_b4 INTEGER NOT NULL DEFAULT 0, reg_b5 INTEGER NOT NULL DEFAULT 0, reg_b6 INTEGER NOT NULL DEFAULT 0,
    reg_b7 INTEGER NOT NULL DEFAULT 0, reg_s0 INTEGER NOT NULL DEFAULT 0, reg_s1 INTEGER NOT NULL DEFAULT 0, reg_s2 INTEGER NOT NULL DEFAULT 0, reg_s3 INTEGER NOT NULL DEFAULT 0, reg_s4 INTEGER NOT NULL DEFAULT 0, reg_s5 INTEGER NOT NULL DEFAULT 0, pos_all INTEGER NOT NULL DEFAULT 0,
    pos_b0 INTEGER NOT NULL DEFAULT 0, pos_b1 INTEGER NOT NULL DEFAULT 0, pos_b2 INTEGER NOT NULL DEFAULT 0, pos_b3 INTEGER NOT NULL DEFAULT 0, pos_b4 INTEGER NOT NULL DEFAULT 0, pos_b5 INTEGER NOT NULL DEFAULT 0, pos_b6 INTEGER NOT NULL DEFAULT 0, pos_b7 INTEGER NOT NULL DEFAULT 0,
    pos_s0 INTEGER NOT NULL DEFAULT 0, pos_s1 INTEGER NOT NULL DEFAULT 0, pos_s2 INTEGER NOT NULL DEFAULT 0, pos_s3 INTEGER NOT NULL DEFAULT 0, pos_s4 INTEGER NOT NULL DEFAULT 0, pos_s5 INTEGER NOT NULL DEFAULT 0, enr_all INTEGER NOT NULL DEFAULT 0, enr_b0 INTEGER NOT NULL DEFAULT 0,
    enr_b1 INTEGER NOT NULL DEFAULT 0, enr_b2 INTEGER NOT NULL DEFAULT 0, enr_b3 INTEGER NOT NULL DEFAULT 0, enr_b4 INTEGER NOT NULL DEFAULT 0, enr_b5 INTEGER NOT NULL DEFAULT 0, enr_b6 INTEGER NOT NULL DEFAULT 0, enr_b7 INTEGER NOT NULL DEFAULT 0, enr_s0 INTEGER NOT NULL DEFAULT 0,
    enr_s1 INTEGER NOT NULL DEFAULT 0, enr_s2 INTEGER NOT NULL DEFAULT 0, enr_s3 INTEGER NOT NULL DEFAULT 0, enr_s4 INTEGER NOT NULL DEFAULT 0, enr_s5 INTEGER NOT NULL DEFAULT 0, cmp_all INTEGER NOT NULL DEFAULT 0, cmp_b0 INTEGER NOT NULL DEFAULT 0, cmp_b1 INTEGER NOT NULL DEFAULT 0,
    cmp_b2 INTEGER NOT NULL DEFAULT 0, cmp_b3 INTEGER NOT NULL DEFAULT 0, cmp_b4 INTEGER NOT NULL DEFAULT 0, cmp_b5 INTEGER NOT NULL DEFAULT 0, cmp_b6 INTEGER NOT NULL DEFAULT 0, cmp_b7 INTEGER NOT NULL DEFAULT 0, cmp_s0 INTEGER NOT NULL DEFAULT 0, cmp_s1 INTEGER NOT NULL DEFAULT 0,
    cmp_s2 INTEGER NOT NULL DEFAULT 0, cmp_s3 INTEGER NOT NULL DEFAULT 0, cmp_s4 INTEGER NOT NULL DEFAULT 0, cmp_s5 INTEGER NOT NULL DEFAULT 0, cer_all INTEGER NOT NULL DEFAULT 0, cer_b0 INTEGER NOT NULL DEFAULT 0, cer_b1 INTEGER NOT NULL DEFAULT 0, cer_b2 INTEGER NOT NULL DEFAULT 0,
    cer_b3 INTEGER NOT NULL DEFAULT 0, cer_b4 INTEGER NOT NULL DEFAULT 0, cer_b5 INTEGER NOT NULL DEFAULT 0, cer_b6 INTEGER NOT NULL DEFAULT 0, cer_b7 INTEGER NOT NULL DEFAULT 0, cer_s0 INTEGER NOT NULL DEFAULT 0, cer_s1 INTEGER NOT NULL DEFAULT 0, cer_s2 INTEGER NOT NULL DEFAULT 0,
    cer_s3 INTEGER NOT NULL DEFAULT 0, cer_s4 INTEGER NOT NULL DEFAULT 0, cer_s5 INTEGER NOT NULL DEFAULT 0, drp_all INTEGER NOT NULL DEFAULT 0, drp_b0 INTEGER NOT NULL DEFAULT 0, drp_b1 INTEGER NOT NULL DEFAULT 0, drp_b2 INTEGER NOT NULL DEFAULT 0, drp_b3 INTEGER NOT NULL DEFAULT 0,
    drp_b4 INTEGER NOT NULL DEFAULT 0, drp_b5 INTEGER NOT NULL DEFAULT 0, drp_b6 INTEGER NOT NULL DEFAULT 0, drp_b7 INTEGER NOT NULL DEFAULT 0, drp_s0 INTEGER NOT NULL DEFAULT 0, drp_s1 INTEGER NOT NULL DEFAULT 0, drp_s2 INTEGER NOT NULL DEFAULT 0, drp_s3 INTEGER NOT NULL DEFAULT 0,
    drp_s4 INTEGER NOT NULL DEFAULT 0, drp_s5 INTEGER NOT NULL DEFAULT 0, m6_done INTEGER NOT NULL DEFAULT 0, m6_pos INTEGER NOT NULL DEFAULT 0, att_minutes INTEGER NOT NULL DEFAULT 0, att_marks INTEGER NOT NULL DEFAULT 0, all_marks INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (antenna_id, month, programme_id)
);
CREATE INDEX impact_months_month ON impact_months (month, antenna_id);

-- Where the last refresh stopped: the time it started (changes are looked for a
-- little before it, for transactions still open then) and the largest ids seen
-- (rows inserted with a date in the past).
CREATE TABLE impact_refresh (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    since TEXT NOT NULL,
    learner_id BIGINT NOT NULL,
    enrolment_id BIGINT NOT NULL,
    test_id BIGINT NOT NULL,
    refreshed_at TEXT NOT NULL
);
INSERT INTO impact_refresh (id, since, learner_id, enrolment_id, test_id, refreshed_at) VALUES (1, '', 0, 0, 0, '');

-- Work tables of a refresh (emptied by it; refreshes never run at the same time).
CREATE TABLE impact_changed (learner_id BIGINT PRIMARY KEY);
CREATE TABLE impact_dirty (antenna_id BIGINT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (antenna_id, day));

-- Finding what changed since the last refresh, without reading whole tables.
CREATE INDEX impact_learners_updated ON learners (updated_at);
CREATE INDEX impact_enrolments_updated ON enrolments (updated_at);
CREATE INDEX impact_tests_taken ON positioning_tests (taken_at);
CREATE INDEX impact_attendance_marked ON attendance (marked_at);
CREATE INDEX impact_cohorts_updated ON cohorts (updated_at);

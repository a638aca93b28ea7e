-- The cohort list is read a page at a time, newest start first, filtered by
-- antenna, programme, state and period: each filter has an index in that order.
CREATE INDEX cohorts_starts ON cohorts (starts_on, id);
CREATE INDEX cohorts_state_starts ON cohorts (state, starts_on, id);
CREATE INDEX cohorts_programme_starts ON cohorts (programme_id, starts_on, id);
CREATE INDEX cohorts_antenna_state ON cohorts (antenna_id, state, starts_on, id);

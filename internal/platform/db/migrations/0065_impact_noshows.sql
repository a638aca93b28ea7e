-- The no-shows at appointments read counters like every other dashboard figure
-- rather than the appointments and their messages (3 s for the association's
-- year at a national scale). One derived row per appointment whose outcome is
-- recorded (its UTC day, adviser, kind, outcome, and whether a reminder of it
-- was sent or delivered), so that a changed appointment's former day is known;
-- and their counts per day and per month (YYYY-MM), per antenna, adviser, kind,
-- outcome and reminder.
CREATE TABLE impact_appointments (
    appointment_id BIGINT PRIMARY KEY,
    antenna_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    staff_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reminded INTEGER NOT NULL
);
CREATE INDEX impact_appointments_day ON impact_appointments (antenna_id, day);

CREATE TABLE impact_noshow_days (
    day TEXT NOT NULL,
    antenna_id BIGINT NOT NULL,
    staff_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reminded INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (day, antenna_id, staff_id, kind, outcome, reminded)
);
-- A refresh sums an antenna's month again from its days.
CREATE INDEX impact_noshow_days_antenna ON impact_noshow_days (antenna_id, day);
CREATE TABLE impact_noshow_months (
    month TEXT NOT NULL,
    antenna_id BIGINT NOT NULL,
    staff_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reminded INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (month, antenna_id, staff_id, kind, outcome, reminded)
);

-- A refresh's work: the appointments changed, and the antenna days to sum again.
CREATE TABLE impact_noshow_changed (appointment_id BIGINT PRIMARY KEY);
CREATE TABLE impact_noshow_dirty (antenna_id BIGINT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (antenna_id, day));

-- Finding what changed since the last refresh: appointments (every write stamps
-- updated_at) and the reminders of appointments (sent, delivered or failed later).
CREATE INDEX appointments_updated ON appointments (updated_at);
CREATE INDEX messages_reminders_updated ON messages (updated_at) WHERE kind = 'appointment_reminder';

UPDATE impact_refresh SET since = '' WHERE id = 1;

-- Whether reminders help people come to their sessions: counters of the marks
-- 'absent' (abs_marks), of the marks of people who were sent a reminder of that
-- meeting (rem_marks), and of the absences among them (rem_abs). Derived again
-- from the attendance and the messages by the next refresh (since = '').
ALTER TABLE impact_days ADD COLUMN abs_marks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE impact_days ADD COLUMN rem_marks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE impact_days ADD COLUMN rem_abs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE impact_months ADD COLUMN abs_marks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE impact_months ADD COLUMN rem_marks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE impact_months ADD COLUMN rem_abs INTEGER NOT NULL DEFAULT 0;
UPDATE impact_refresh SET since = '' WHERE id = 1;

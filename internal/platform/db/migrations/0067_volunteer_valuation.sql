-- Valuing the time volunteers give, for the annex of the accounts (ANC
-- regulation 2018-06: accounts 86/87, 864 "personnel bénévole"): an hourly rate
-- the board approves, from a day on. The rate is the gross hourly wage
-- (gross_cents) plus the employer's charges on it (charges_bp, in hundredths of
-- a percent: 4500 is 45 %), both kept in the row so that a new board decision
-- changes either. label says which decision (board meeting, its date).
-- The default is the gross hourly minimum wage (SMIC) with employer charges at
-- their full rate, without the general reduction on low wages (about 45 %).
CREATE TABLE volunteer_rates (
    valid_from TEXT PRIMARY KEY,
    gross_cents INTEGER NOT NULL CHECK (gross_cents > 0),
    charges_bp INTEGER NOT NULL CHECK (charges_bp >= 0 AND charges_bp <= 20000),
    label TEXT NOT NULL DEFAULT '',
    set_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
INSERT INTO volunteer_rates (valid_from, gross_cents, charges_bp, label, created_at) VALUES
    ('2025-01-01', 1188, 4500, 'SMIC 2025 + charges patronales', '2026-01-01T00:00:00Z'),
    ('2026-01-01', 1202, 4500, 'SMIC 2026 + charges patronales', '2026-01-01T00:00:00Z');

-- The yearly valuation reads a year's approved hours by antenna, mission and
-- month without touching the table (a covering index).
CREATE INDEX volunteer_hours_valuation ON volunteer_hours (state, antenna_id, mission_id, day, minutes);

-- The thresholds of the Compte d'engagement citoyen (code du travail L5151-9,
-- D5151-14), in force for the years from valid_from's: hours a year in a leading
-- or supervising role in all (total_hours) and in one association
-- (here_hours); months of a civic-service contract that count (civic_months);
-- the day of year N+1 (MM-DD) by which the volunteer declares (declare_by) and
-- the association confirms (confirm_by).
CREATE TABLE volunteer_cec_rules (
    valid_from TEXT PRIMARY KEY,
    total_hours INTEGER NOT NULL CHECK (total_hours > 0),
    here_hours INTEGER NOT NULL CHECK (here_hours > 0),
    civic_months INTEGER NOT NULL CHECK (civic_months > 0),
    declare_by TEXT NOT NULL,
    confirm_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
INSERT INTO volunteer_cec_rules (valid_from, total_hours, here_hours, civic_months, declare_by, confirm_by, created_at)
    VALUES ('2017-01-01', 200, 100, 6, '06-30', '12-31', '2026-01-01T00:00:00Z');

-- The association's confirmation of a volunteer's year for the Compte
-- d'engagement citoyen: who confirmed, when, and the hours in all associations
-- the volunteer declared (total_hours, at least the hours given here).
CREATE TABLE volunteer_cec_confirmations (
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    total_hours INTEGER NOT NULL,
    confirmed_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    confirmed_at TEXT NOT NULL,
    PRIMARY KEY (volunteer_id, year)
);

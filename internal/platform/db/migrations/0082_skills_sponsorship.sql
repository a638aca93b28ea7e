-- Skills sponsorship (mécénat de compétences): a company lends employees'
-- working time under an agreement; sessions given (workshops, mentoring, juries)
-- count once the named attendance sheet is signed by both sides; the time is
-- valued at the hourly cost the company declares, within the legal cap per
-- employee and year (3 × the annual social-security ceiling, a dated parameter),
-- and receipted on a CERFA 16216 through a gift of kind 'skills'.

-- The annual social-security ceiling (plafond annuel de la sécurité sociale),
-- set each year by decree; the row in force on 1 January is the year's.
CREATE TABLE social_security_ceilings (
    valid_from TEXT PRIMARY KEY,
    annual_cents BIGINT NOT NULL CHECK (annual_cents > 0),
    source TEXT NOT NULL DEFAULT ''
);
INSERT INTO social_security_ceilings (valid_from, annual_cents, source) VALUES
    ('2023-01-01', 4399200, 'PASS 2023'),
    ('2024-01-01', 4636800, 'PASS 2024'),
    ('2025-01-01', 4710000, 'PASS 2025'),
    ('2026-01-01', 4806000, 'arrêté du 22 décembre 2025');

CREATE TABLE sponsorship_agreements (
    id {{id}},
    donor_id BIGINT NOT NULL REFERENCES donors (id),
    title TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    created_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    CHECK (starts_on <= ends_on)
);
CREATE INDEX sponsorship_agreements_donor ON sponsorship_agreements (donor_id);

-- An employee the company lends, with the role and the hourly cost (salary and
-- employer's contributions) it declares.
CREATE TABLE sponsorship_employees (
    id {{id}},
    agreement_id BIGINT NOT NULL REFERENCES sponsorship_agreements (id),
    name TEXT NOT NULL,
    job TEXT NOT NULL,
    hourly_cost_cents BIGINT NOT NULL CHECK (hourly_cost_cents > 0),
    created_at TEXT NOT NULL
);
CREATE INDEX sponsorship_employees_agreement ON sponsorship_employees (agreement_id);

CREATE TABLE sponsorship_sessions (
    id {{id}},
    agreement_id BIGINT NOT NULL REFERENCES sponsorship_agreements (id),
    kind TEXT NOT NULL CHECK (kind IN ('workshop', 'mentoring', 'jury', 'other')),
    on_date TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    topic TEXT NOT NULL DEFAULT '',
    -- The sheet signed by both sides came back: only then does the session count.
    signed_on TEXT NOT NULL DEFAULT '',
    signed_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX sponsorship_sessions_agreement ON sponsorship_sessions (agreement_id, on_date);

-- Who of the company's employees took part in a session: its named list.
CREATE TABLE sponsorship_attendance (
    session_id BIGINT NOT NULL REFERENCES sponsorship_sessions (id) ON DELETE CASCADE,
    employee_id BIGINT NOT NULL REFERENCES sponsorship_employees (id),
    PRIMARY KEY (session_id, employee_id)
);

-- The gift that carries an agreement's valuation for a year: one at most.
ALTER TABLE gifts ADD COLUMN agreement_id BIGINT REFERENCES sponsorship_agreements (id);
ALTER TABLE gifts ADD COLUMN agreement_year INTEGER;
CREATE UNIQUE INDEX gifts_agreement_year ON gifts (agreement_id, agreement_year) WHERE agreement_id IS NOT NULL;

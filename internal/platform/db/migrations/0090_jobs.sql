-- Jobs: the companies among the donors (organisations) recruit the people the
-- association trained. A contact of such a company given access by staff is a
-- recruiter: they sign in to the company space by a one-time emailed link and
-- post the company's job offers, which staff may post for them too.

-- Who of a company's contacts may use the company space, since when and by
-- whose decision; revoked_at set when staff take the access back.
CREATE TABLE recruiters (
    id {{id}},
    contact_id BIGINT NOT NULL UNIQUE REFERENCES donor_contacts (id) ON DELETE CASCADE,
    donor_id BIGINT NOT NULL REFERENCES donors (id) ON DELETE CASCADE,
    lang TEXT NOT NULL DEFAULT 'fr',
    granted_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    granted_at TEXT NOT NULL,
    revoked_at TEXT,
    last_signed_in_at TEXT
);
CREATE INDEX recruiters_donor ON recruiters (donor_id);

-- A job offer, in France Travail's terms: a ROME code, a contract type of its
-- codes, the commune's INSEE code; open, paused, filled or closed.
CREATE TABLE job_offers (
    id {{id}},
    donor_id BIGINT NOT NULL REFERENCES donors (id),
    title TEXT NOT NULL,
    rome_code TEXT NOT NULL,
    contract_type TEXT NOT NULL CHECK (contract_type IN ('CDI', 'CDD', 'MIS', 'SAI', 'CCE', 'FRA', 'LIB', 'REP', 'TTI', 'DDI', 'DIN')),
    hours_per_week INTEGER NOT NULL CHECK (hours_per_week BETWEEN 1 AND 48),
    insee_code TEXT NOT NULL,
    town TEXT NOT NULL,
    positions INTEGER NOT NULL CHECK (positions >= 1),
    starts_on TEXT NOT NULL,
    experience TEXT NOT NULL CHECK (experience IN ('beginner', 'desired', 'required')),
    experience_months INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'paused', 'filled', 'closed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX job_offers_donor ON job_offers (donor_id, state);
CREATE INDEX job_offers_state ON job_offers (state, id);
CREATE INDEX job_offers_rome ON job_offers (rome_code);

-- What happened to an offer, by whom (a staff member or a recruiter) and when:
-- its creation, each change of its terms, each change of state.
CREATE TABLE job_offer_events (
    id {{id}},
    offer_id BIGINT NOT NULL REFERENCES job_offers (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('created', 'edited', 'state')),
    state TEXT NOT NULL,
    staff_id BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    recruiter_id BIGINT REFERENCES recruiters (id) ON DELETE SET NULL,
    at TEXT NOT NULL
);
CREATE INDEX job_offer_events_offer ON job_offer_events (offer_id, id);

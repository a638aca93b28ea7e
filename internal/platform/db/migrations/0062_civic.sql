-- Civic service (service civique): the association's approvals (agrément) with
-- their quota of posts, the mission offers it publishes, the young people who
-- apply without an account, their contracts and the obligations each contract
-- brings with due dates. The amounts of the monthly indemnity are dated
-- parameters: the law changes them.

-- An approval covers one or more antennas for a period and allows at most
-- `posts` contracts running at one time.
CREATE TABLE civic_approvals (
    id {{id}},
    number TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    posts INTEGER NOT NULL CHECK (posts > 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (valid_to >= valid_from)
);

CREATE TABLE civic_approval_antennas (
    approval_id BIGINT NOT NULL REFERENCES civic_approvals (id) ON DELETE CASCADE,
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    PRIMARY KEY (approval_id, antenna_id)
);
CREATE INDEX civic_approval_antennas_antenna ON civic_approval_antennas (antenna_id, approval_id);

-- A mission offer, with the fields of the national site; only published ones
-- are shown on the public page.
CREATE TABLE civic_offers (
    id {{id}},
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    tasks TEXT NOT NULL DEFAULT '',
    audience TEXT NOT NULL DEFAULT '',
    minors BOOLEAN NOT NULL DEFAULT FALSE,
    step_free BOOLEAN NOT NULL DEFAULT FALSE,
    remote TEXT NOT NULL DEFAULT 'no' CHECK (remote IN ('no', 'possible', 'full')),
    schedule TEXT NOT NULL DEFAULT '',
    months INTEGER NOT NULL CHECK (months BETWEEN 6 AND 12),
    starts_on TEXT NOT NULL,
    places INTEGER NOT NULL CHECK (places > 0),
    domain TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'closed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX civic_offers_antenna ON civic_offers (antenna_id, state, starts_on);
CREATE INDEX civic_offers_state ON civic_offers (state, starts_on);

-- A young person's application to an offer. Eligibility is kept as the answers
-- to plain questions: the birth date and "I have a recognised disability"
-- yes/no, never its nature. `address_key` is a hash of the sender's address, for
-- the hourly limit only.
CREATE TABLE civic_applications (
    id {{id}},
    offer_id BIGINT NOT NULL REFERENCES civic_offers (id),
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT 'fr',
    birth_date TEXT NOT NULL,
    disability BOOLEAN NOT NULL DEFAULT FALSE,
    message TEXT NOT NULL DEFAULT '',
    availability TEXT NOT NULL DEFAULT '',
    heard TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'interview', 'accepted', 'declined', 'withdrawn')),
    decline_reason TEXT NOT NULL DEFAULT '',
    interview_at TEXT NOT NULL DEFAULT '',
    interview_place TEXT NOT NULL DEFAULT '',
    address_key TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (phone <> '' OR email <> '')
);
CREATE INDEX civic_applications_offer ON civic_applications (offer_id, id);
CREATE INDEX civic_applications_antenna ON civic_applications (antenna_id, state);
CREATE INDEX civic_applications_address ON civic_applications (address_key, created_at);

-- Who moved an application, when, and to what.
CREATE TABLE civic_application_events (
    id {{id}},
    application_id BIGINT NOT NULL REFERENCES civic_applications (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    by_staff BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    at TEXT NOT NULL
);
CREATE INDEX civic_application_events_application ON civic_application_events (application_id, id);

-- The contract of an accepted applicant. volunteer_id links the volunteer's
-- record once the volunteers package has one (nullable).
CREATE TABLE civic_contracts (
    id {{id}},
    application_id BIGINT NOT NULL UNIQUE REFERENCES civic_applications (id),
    volunteer_id BIGINT REFERENCES volunteers (id) ON DELETE SET NULL,
    approval_id BIGINT NOT NULL REFERENCES civic_approvals (id),
    offer_id BIGINT NOT NULL REFERENCES civic_offers (id),
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    tutor_id BIGINT NOT NULL REFERENCES staff (id),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    weekly_hours INTEGER NOT NULL,
    days_per_week INTEGER NOT NULL,
    social_topup BOOLEAN NOT NULL DEFAULT FALSE,
    created_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX civic_contracts_approval ON civic_contracts (approval_id, starts_on, ends_on);
CREATE INDEX civic_contracts_antenna ON civic_contracts (antenna_id, starts_on);

-- What a contract obliges the host to do, each with its due date; done_on is set
-- by staff.
CREATE TABLE civic_obligations (
    id {{id}},
    contract_id BIGINT NOT NULL REFERENCES civic_contracts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('theory', 'psc1', 'tutor_meeting', 'future_plans', 'review', 'certificate')),
    due_on TEXT NOT NULL,
    done_on TEXT NOT NULL DEFAULT '',
    done_by BIGINT REFERENCES staff (id) ON DELETE SET NULL
);
CREATE INDEX civic_obligations_contract ON civic_obligations (contract_id, due_on);
CREATE INDEX civic_obligations_due ON civic_obligations (done_on, due_on);

-- The monthly indemnity's parts, in euro cents, each from a date: the State's
-- share (paid by the ASP), the host's minimum share, the social top-up. The
-- amount in force on a day is the row with the latest from_on on or before it.
CREATE TABLE civic_indemnity (
    part TEXT NOT NULL CHECK (part IN ('state', 'host', 'topup')),
    from_on TEXT NOT NULL,
    cents INTEGER NOT NULL CHECK (cents >= 0),
    source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (part, from_on)
);
INSERT INTO civic_indemnity (part, from_on, cents, source) VALUES
    ('state', '2025-01-01', 50498, 'service-civique.gouv.fr (ASP) — €504.98 net; date of effect to confirm'),
    ('host', '2025-01-01', 11145, 'sources differ (€111.45 to €115): to confirm with the ASP'),
    ('topup', '2025-01-01', 10860, 'majoration sur critères sociaux: amount to confirm');

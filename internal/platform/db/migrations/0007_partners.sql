-- Referral partners (DOMAIN.md, "Referral partners"): the organisations the
-- association works with, the antennas each works with, their contacts, the
-- advisers' outreach log, referrals of people and groups with every change of
-- state, the partner contacts' one-time sign-in links, and group imports waiting
-- for staff to confirm them.

-- kind is a code of partners.Kinds; identifier a SIRET, SIREN or RNA number when
-- known; stage the outreach stage (to_contact, contacted, meeting, active, inactive).
CREATE TABLE partner_orgs (
    id {{id}},
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    identifier TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    stage TEXT NOT NULL DEFAULT 'to_contact',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX partner_orgs_name ON partner_orgs (name);

-- Staff see the organisations of their antennas.
CREATE TABLE partner_antennas (
    org_id BIGINT NOT NULL REFERENCES partner_orgs (id),
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    PRIMARY KEY (org_id, antenna_id)
);
CREATE INDEX partner_antennas_antenna ON partner_antennas (antenna_id);

-- A contact with an email may sign in to the partner space; one email, one contact.
CREATE TABLE partner_contacts (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES partner_orgs (id),
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT 'fr',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL
);
CREATE INDEX partner_contacts_org ON partner_contacts (org_id);
CREATE UNIQUE INDEX partner_contacts_email ON partner_contacts (email) WHERE email <> '';

-- The outreach log: kind is call, email, meeting or info_session; stage the stage
-- the organisation was moved to ('' if unchanged); a next step with its due date
-- (YYYY-MM-DD) stays open until done_at is set, by hand or by the next interaction.
CREATE TABLE partner_interactions (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES partner_orgs (id),
    kind TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    stage TEXT NOT NULL DEFAULT '',
    next_step TEXT NOT NULL DEFAULT '',
    due_on TEXT NOT NULL DEFAULT '',
    done_at TEXT NOT NULL DEFAULT '',
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    at TEXT NOT NULL
);
CREATE INDEX partner_interactions_org ON partner_interactions (org_id, at);
CREATE INDEX partner_interactions_due ON partner_interactions (done_at, due_on);

-- A referral of one person or a group, to an antenna and (optionally) a programme.
-- contact_id is the partner contact who sent it (NULL for a list imported by
-- staff, then staff_id says who imported it).
CREATE TABLE referrals (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES partner_orgs (id),
    contact_id BIGINT REFERENCES partner_contacts (id),
    staff_id BIGINT REFERENCES staff (id),
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    programme_id BIGINT,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX referrals_org ON referrals (org_id, created_at);
CREATE INDEX referrals_antenna ON referrals (antenna_id, created_at);

-- Each person of a referral is a learner's file (learners room); state is the
-- referral's state for them (partners.States), reason a code for "declined".
CREATE TABLE referral_people (
    id {{id}},
    referral_id BIGINT NOT NULL REFERENCES referrals (id),
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    state TEXT NOT NULL DEFAULT 'sent',
    reason TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
CREATE INDEX referral_people_referral ON referral_people (referral_id);
CREATE INDEX referral_people_learner ON referral_people (learner_id);

-- Every change of a referred person's state, with who (staff, or the partner
-- contact who sent it) and when.
CREATE TABLE referral_events (
    id {{id}},
    person_id BIGINT NOT NULL REFERENCES referral_people (id),
    state TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    staff_id BIGINT REFERENCES staff (id),
    contact_id BIGINT REFERENCES partner_contacts (id),
    at TEXT NOT NULL
);
CREATE INDEX referral_events_person ON referral_events (person_id, at);

-- One-time sign-in links of the partner space: only the token's hash is kept;
-- expires_at and used_at are Unix seconds.
CREATE TABLE partner_tokens (
    token_hash TEXT PRIMARY KEY,
    contact_id BIGINT NOT NULL REFERENCES partner_contacts (id),
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX partner_tokens_contact ON partner_tokens (contact_id, created_at);

-- A list uploaded by staff, parsed and checked, waiting for them to confirm it:
-- rows_json is the parsed rows as JSON. Only its owner sees or confirms it, until
-- expires_at (RFC 3339); confirmed_at is set once, when its rows are written.
CREATE TABLE import_batches (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES partner_orgs (id),
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    programme_id BIGINT,
    contact_id BIGINT REFERENCES partner_contacts (id),
    filename TEXT NOT NULL DEFAULT '',
    rows_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    confirmed_at TEXT NOT NULL DEFAULT '',
    referral_id BIGINT REFERENCES referrals (id)
);
CREATE INDEX import_batches_staff ON import_batches (staff_id, created_at);

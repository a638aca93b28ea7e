-- Donors and what they give, and the tax receipts the association owes them
-- (issue 12). Amounts are whole cents. A receipt, once issued, is never
-- changed nor deleted: a mistake is corrected by cancelling it (it stays, with
-- the reason) and issuing another; its number comes from one unbroken sequence
-- per year, taken inside the transaction that issues it.

-- A donor: a person, or an organisation (a company with its SIREN, a
-- foundation). The postal address is what a receipt requires.
CREATE TABLE donors (
    id {{id}},
    kind TEXT NOT NULL CHECK (kind IN ('individual', 'organisation')),
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    org_name TEXT NOT NULL DEFAULT '',
    siren TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT 'FR',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT 'fr',
    antenna_id BIGINT REFERENCES antennas (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((kind = 'individual' AND last_name <> '') OR (kind = 'organisation' AND org_name <> ''))
);
CREATE INDEX donors_name ON donors (last_name, org_name);
CREATE INDEX donors_email ON donors (email);

-- A gift. Money (cash, cheque, transfer, card, HelloAsso), goods (in kind, at
-- the value declared) or employees' time (skills sponsorship, valued at cost).
-- It may be restricted to an antenna or a programme. A HelloAsso payment is one
-- gift whatever the number of imports (its id is unique); its own receipt, when
-- HelloAsso issued one, is kept so that the association never issues a second.
CREATE TABLE gifts (
    id {{id}},
    donor_id BIGINT NOT NULL REFERENCES donors (id),
    kind TEXT NOT NULL CHECK (kind IN ('money', 'in_kind', 'skills')),
    method TEXT NOT NULL DEFAULT '' CHECK (method IN ('', 'cash', 'cheque', 'transfer', 'card', 'helloasso', 'direct_debit')),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    received_on TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    antenna_id BIGINT REFERENCES antennas (id),
    programme_id BIGINT REFERENCES programmes (id),
    recurring BOOLEAN NOT NULL DEFAULT FALSE,
    helloasso_id TEXT UNIQUE,
    helloasso_receipt_url TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'received' CHECK (state IN ('received', 'refunded', 'cancelled')),
    created_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX gifts_donor ON gifts (donor_id, received_on);
CREATE INDEX gifts_day ON gifts (received_on, state);

-- The last number given in each year's sequence of receipts.
CREATE TABLE receipt_sequences (
    year INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);

-- A tax receipt: CERFA 11580 for a person, 16216 for an organisation. What it
-- says of the donor is copied in when it is issued, so that a later change of
-- address does not change a receipt already sent.
CREATE TABLE receipts (
    id {{id}},
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    donor_id BIGINT NOT NULL REFERENCES donors (id),
    form TEXT NOT NULL CHECK (form IN ('11580', '16216')),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    donor_name TEXT NOT NULL,
    donor_address TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    issued_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    state TEXT NOT NULL DEFAULT 'issued' CHECK (state IN ('issued', 'cancelled')),
    cancelled_at TEXT,
    cancelled_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    cancel_reason TEXT NOT NULL DEFAULT '',
    replaced_by BIGINT REFERENCES receipts (id),
    created_at TEXT NOT NULL,
    UNIQUE (year, number)
);
CREATE INDEX receipts_donor ON receipts (donor_id, year);

-- The gifts a receipt covers. A gift is in at most one receipt in force
-- (`in_force`); a cancelled receipt keeps its gifts, no longer in force.
CREATE TABLE receipt_gifts (
    receipt_id BIGINT NOT NULL REFERENCES receipts (id),
    gift_id BIGINT NOT NULL REFERENCES gifts (id),
    in_force BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (receipt_id, gift_id)
);
CREATE UNIQUE INDEX receipt_gifts_current ON receipt_gifts (gift_id) WHERE in_force;

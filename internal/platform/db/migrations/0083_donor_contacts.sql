-- The people the association deals with at an organisation that gives: the
-- CSR manager, the accountant who wants the receipt, the team lead of the
-- employees it lends. Kept while the donor is; removed when they leave.
CREATE TABLE donor_contacts (
    id {{id}},
    donor_id BIGINT NOT NULL REFERENCES donors (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX donor_contacts_donor ON donor_contacts (donor_id);

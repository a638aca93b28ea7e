-- What the association's tax receipts say of it beyond its identity (name,
-- SIREN/RNA: the association row): its postal address, its purpose, what kind
-- of body it is and so which articles of the tax code its receipts cite, and
-- the person who signs them with the image of their signature. One row.
CREATE TABLE receipt_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    address TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    purpose TEXT NOT NULL DEFAULT '',
    body_kind TEXT NOT NULL DEFAULT 'general_interest' CHECK (body_kind IN ('general_interest', 'public_utility')),
    signatory_name TEXT NOT NULL DEFAULT '',
    signatory_title TEXT NOT NULL DEFAULT '',
    signature {{blob}},
    signature_type TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);

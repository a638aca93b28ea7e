-- The association's own identity, which the open-data files need (pivot, structure,
-- services): a single row, id 1, edited by the national admin.
-- networks: data·inclusion "réseaux porteurs" codes separated by spaces.

CREATE TABLE association (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    siret TEXT NOT NULL DEFAULT '',
    rna TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    networks TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);

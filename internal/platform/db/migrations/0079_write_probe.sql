-- The readiness check writes and removes a row here to learn whether the
-- database can write again after its disk was full or failing.
CREATE TABLE write_probe (
    id {{id}},
    filler TEXT NOT NULL
);

-- What a bulk load (tremplin generate) has to put back if it stops midway: the
-- indexes it dropped for speed (kind 'index', with the statement that makes each
-- again) and PostgreSQL's identity counters, behind the ids it wrote (kind
-- 'sequences'). The next start of any process puts them back (db.Open).
CREATE TABLE bulk_load (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    create_sql TEXT NOT NULL
);

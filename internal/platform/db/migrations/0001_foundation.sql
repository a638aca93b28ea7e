-- Antennas, places, staff and their antennas, sessions, sign-in limits, password resets.
-- Timestamps are UTC RFC 3339 text (see db.Now); {{id}} and {{blob}} are replaced per engine.

CREATE TABLE antennas (
    id {{id}},
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    timezone TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX antennas_name ON antennas (name);

CREATE TABLE places (
    id {{id}},
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    postcode TEXT NOT NULL,
    city TEXT NOT NULL,
    opening_hours TEXT NOT NULL DEFAULT '',
    accessibility TEXT NOT NULL DEFAULT '',
    pivot TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX places_antenna ON places (antenna_id);

CREATE TABLE staff (
    id {{id}},
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'adviser')),
    lang TEXT NOT NULL DEFAULT 'fr',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX staff_email ON staff (email);

CREATE TABLE staff_antennas (
    staff_id BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    antenna_id BIGINT NOT NULL REFERENCES antennas (id) ON DELETE CASCADE,
    PRIMARY KEY (staff_id, antenna_id)
);
CREATE INDEX staff_antennas_antenna ON staff_antennas (antenna_id);

-- Web sessions live here so that several web processes can share one PostgreSQL.
CREATE TABLE sessions (
    token TEXT PRIMARY KEY,
    data {{blob}} NOT NULL,
    expiry BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- Failed sign-ins, counted per account and per address to slow down guessing.
CREATE TABLE login_failures (
    id {{id}},
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_address ON login_failures (address, at);

-- Only a hash of the emailed token is kept; a token works once and expires.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

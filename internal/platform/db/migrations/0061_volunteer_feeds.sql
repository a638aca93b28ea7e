-- A volunteer's calendar feed of their shifts, behind the secret in its address
-- (calendar apps cannot sign in). Made when the volunteer first sees its link.
CREATE TABLE volunteer_feeds (
    volunteer_id BIGINT PRIMARY KEY REFERENCES volunteers (id) ON DELETE CASCADE,
    token TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

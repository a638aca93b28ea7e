-- One-time sign-in links of every space without a password (partners' contacts,
-- volunteers, later job-offer companies): kind says whose space, subject_id the
-- contact or volunteer. Only the token's hash is kept (with the kind as prefix, so
-- a token of one space is nothing in another); a link expires and works once.
-- Times are UTC RFC 3339 text.
CREATE TABLE signin_links (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX signin_links_subject ON signin_links (kind, subject_id, created_at);
CREATE INDEX signin_links_expiry ON signin_links (expires_at);

-- Partner links lived 30 minutes: none worth keeping.
DROP TABLE partner_tokens;

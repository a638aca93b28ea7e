-- Sessions signed in before this time (Unix milliseconds) are void: a new password
-- signs the account out everywhere else.
ALTER TABLE staff ADD COLUMN sessions_since BIGINT NOT NULL DEFAULT 0;

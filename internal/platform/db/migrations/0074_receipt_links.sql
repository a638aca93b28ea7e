-- A receipt is sent by email as a link to its PDF: the link's secret is kept
-- hashed (SHA-256, hex), with when it stops working and when it was sent.
ALTER TABLE receipts ADD COLUMN link_hash TEXT;
ALTER TABLE receipts ADD COLUMN link_expires TEXT;
ALTER TABLE receipts ADD COLUMN emailed_at TEXT;
CREATE UNIQUE INDEX receipts_link ON receipts (link_hash) WHERE link_hash IS NOT NULL;
CREATE INDEX receipts_year_state ON receipts (year, state, emailed_at);

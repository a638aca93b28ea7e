-- A fixed-term contract's length in months (0 when the offer does not say, or
-- for a contract without a term): a hire on a CDD of six months or more is a
-- "CDD ≥ 6 months" at the follow-ups, a shorter one a "CDD < 6 months".
ALTER TABLE job_offers ADD COLUMN contract_months INTEGER NOT NULL DEFAULT 0;

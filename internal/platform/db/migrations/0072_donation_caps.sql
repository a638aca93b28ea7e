-- The cap of a company's gifts that open the tax reduction (CGI art. 238 bis):
-- a sum, or a share of the turnover when that is higher. The law changes it:
-- a dated parameter, each row in force from its day until the next.
CREATE TABLE donation_caps (
    valid_from TEXT PRIMARY KEY,
    company_cents BIGINT NOT NULL,
    turnover_per_mille INTEGER NOT NULL,
    source TEXT NOT NULL DEFAULT ''
);
INSERT INTO donation_caps (valid_from, company_cents, turnover_per_mille, source)
VALUES ('2019-01-01', 1000000, 5, 'CGI art. 238 bis, loi de finances pour 2019');
INSERT INTO donation_caps (valid_from, company_cents, turnover_per_mille, source)
VALUES ('2020-01-01', 2000000, 5, 'CGI art. 238 bis, loi de finances pour 2020');

-- A company's yearly turnover excluding tax, when it gave it, for its cap.
ALTER TABLE donors ADD COLUMN turnover_cents BIGINT NOT NULL DEFAULT 0;

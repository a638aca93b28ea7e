-- The association's totals per day and programme are kept as the counters of
-- antenna 0 (impact.nationalDays). Emptying the watermark makes the next dashboard
-- rebuild every counter, these included.
UPDATE impact_refresh SET since = '' WHERE id = 1;

-- Name search walks one index per way a query's words can split between last and
-- first name, in that index's order, and stops at the page's length: a pair index
-- for each order, and the same led by the antenna for staff who see one or a few.
DROP INDEX learners_first_key;
CREATE INDEX learners_first_last ON learners (first_key, last_key);
CREATE INDEX learners_antenna_last ON learners (antenna_id, last_key, first_key);
CREATE INDEX learners_antenna_first ON learners (antenna_id, first_key, last_key);

-- The hours waiting for a decision, oldest day first (the staff's page of
-- pending hours): a small index of the pending rows only, in the page's order,
-- so that the page reads its fifty rows instead of sorting every pending one
-- across the association (they are scattered among years of approved hours).
CREATE INDEX volunteer_hours_pending_day ON volunteer_hours (day, id) WHERE state = 'pending';

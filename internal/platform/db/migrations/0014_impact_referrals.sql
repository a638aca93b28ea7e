-- The referral funnel per partner, derived like impact_people: one row per person
-- of a referral (referral_people.id), with the day and antenna of the referral and
-- how far the person went (1 or 0): reached by the referral's state, enrolled and
-- completed by their file's status, positive by a follow-up. learner_id is the
-- referral's file (perhaps merged into another since). Emptying the watermark makes
-- the next dashboard build it.
CREATE TABLE impact_referrals (
    person_id BIGINT PRIMARY KEY,
    learner_id BIGINT NOT NULL,
    org_id BIGINT NOT NULL,
    antenna_id BIGINT NOT NULL,
    referred_on TEXT NOT NULL,
    reached INTEGER NOT NULL,
    enrolled INTEGER NOT NULL,
    completed INTEGER NOT NULL,
    positive INTEGER NOT NULL
);
-- Covering the funnel's sums, so that a period reads an index alone: for the
-- whole association, and for a few antennas.
CREATE INDEX impact_referrals_day ON impact_referrals (referred_on, antenna_id, org_id, reached, enrolled, completed, positive);
CREATE INDEX impact_referrals_antenna ON impact_referrals (antenna_id, referred_on, org_id, reached, enrolled, completed, positive);
CREATE INDEX impact_referrals_learner ON impact_referrals (learner_id);
-- Finding the referral states changed since the last refresh.
CREATE INDEX referral_people_updated ON referral_people (updated_at);
UPDATE impact_refresh SET since = '' WHERE id = 1;

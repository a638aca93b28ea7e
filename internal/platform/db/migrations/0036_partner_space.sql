-- The partner space, second step: a referred person already known to the antenna
-- is linked to their file (known), partner contacts leave notes for the adviser,
-- and the staff lists of referrals and partner figures read indexes a page at a time.

-- TRUE when the referral was linked to a file that existed before it (same phone,
-- or same name and birth year in the antenna), rather than making a new one.
ALTER TABLE referral_people ADD COLUMN known BOOLEAN NOT NULL DEFAULT FALSE;

-- A partner contact's note for the adviser on a person their organisation
-- referred: the language the person speaks, whether an interpreter is needed,
-- constraints. Staff read them with the referral; partners see only these notes,
-- never the staff's.
CREATE TABLE referral_notes (
    id {{id}},
    person_id BIGINT NOT NULL REFERENCES referral_people (id),
    contact_id BIGINT NOT NULL REFERENCES partner_contacts (id),
    language TEXT NOT NULL DEFAULT '',
    interpreter BOOLEAN NOT NULL DEFAULT FALSE,
    body TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX referral_notes_person ON referral_notes (person_id, at);

-- The referrals list, newest first, a page at a time: for the whole association,
-- and for an antenna.
CREATE INDEX referrals_created ON referrals (created_at, id);
CREATE INDEX referrals_antenna_created ON referrals (antenna_id, created_at, id);

-- Partner figures per organisation from the impact counters (read only), summed
-- from this covering index for the organisations of one page.
CREATE INDEX impact_referrals_org ON impact_referrals (org_id, antenna_id, reached, enrolled, completed, positive);

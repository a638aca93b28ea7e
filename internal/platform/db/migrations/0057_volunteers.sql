-- The association's volunteers: people who give time (mentors, workshop helpers,
-- laptop repairers) and, once they sign a civic-service contract, civic-service
-- volunteers too. A volunteer signs up on the public site and waits for staff to
-- validate (state pending → active) or decline them with a coded reason; someone
-- who stops is 'left'. They have no account: they sign in to their own space with
-- a one-time link sent by SMS or email.
CREATE TABLE volunteers (
    id {{id}},
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT 'fr',
    availability TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'active', 'declined', 'left')),
    decline_reason TEXT NOT NULL DEFAULT '',
    decided_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    decided_at TEXT,
    created_at TEXT NOT NULL,
    CHECK (phone <> '' OR email <> '')
);
CREATE INDEX volunteers_antenna ON volunteers (antenna_id, state, last_name, first_name);

-- What a volunteer can do (codes of volunteers.Skills) and the languages they
-- speak (ISO 639 codes: a volunteer who speaks Arabic, Dari or Tigrinya is gold).
CREATE TABLE volunteer_skills (
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    skill TEXT NOT NULL,
    PRIMARY KEY (volunteer_id, skill)
);
CREATE INDEX volunteer_skills_skill ON volunteer_skills (skill, volunteer_id);

CREATE TABLE volunteer_languages (
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    PRIMARY KEY (volunteer_id, lang)
);

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

-- Requirements a volunteer meets, each with its expiry: the association's charter
-- (which version, accepted when) and, for work with minors or vulnerable adults,
-- a check of honourability (only the day the document was seen and who saw it,
-- never the document). A later row of a kind replaces the earlier; a requirement
-- is met on a day when its latest row has no expiry or expires on or after it.
CREATE TABLE volunteer_requirements (
    id {{id}},
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('charter', 'honourability')),
    version TEXT NOT NULL DEFAULT '',
    done_on TEXT NOT NULL,
    expires_on TEXT,
    recorded_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX volunteer_requirements_volunteer ON volunteer_requirements (volunteer_id, kind, id);
CREATE INDEX volunteer_requirements_expiry ON volunteer_requirements (kind, expires_on);

-- A learner's profile for recruiters (issue 13): shown to companies only with
-- the person's recorded consent, which they may withdraw at any time.
--
-- The texts a person agrees to are dated versions whose words are in the
-- catalogs (profiles.consent.<version>.profile / .contact): a consent names
-- the version it was given on.
CREATE TABLE profile_consent_texts (
    version TEXT PRIMARY KEY,
    valid_from TEXT NOT NULL
);
INSERT INTO profile_consent_texts (version, valid_from) VALUES ('2026_01', '2026-01-01');

-- Every consent given or withdrawn, never changed: level "profile" shows the
-- profile to recruiters, "contact" also gives them the person's phone and email
-- (put in touch). how is the way the person agreed (in_person, phone, paper,
-- message), recorded by a member of staff.
CREATE TABLE profile_consents (
    id {{id}},
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    level TEXT NOT NULL CHECK (level IN ('profile', 'contact')),
    action TEXT NOT NULL CHECK (action IN ('given', 'withdrawn')),
    text_version TEXT NOT NULL REFERENCES profile_consent_texts (version),
    how TEXT NOT NULL,
    staff_id BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    at TEXT NOT NULL
);
CREATE INDEX profile_consents_learner ON profile_consents (learner_id, id);

-- The profile: which fields the person chose to show, and a summary kept up to
-- date from the file, positioning and attendance, which matching reads alone.
-- shown and contact are the consents in force (written with each consent, in
-- its transaction). departement is the postcode's (2A/2B for Corsica, 971… overseas).
CREATE TABLE recruiter_profiles (
    learner_id BIGINT PRIMARY KEY REFERENCES learners (id),
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    shown BOOLEAN NOT NULL DEFAULT FALSE,
    contact BOOLEAN NOT NULL DEFAULT FALSE,
    show_skills BOOLEAN NOT NULL DEFAULT TRUE,
    show_courses BOOLEAN NOT NULL DEFAULT TRUE,
    show_certificates BOOLEAN NOT NULL DEFAULT TRUE,
    show_languages BOOLEAN NOT NULL DEFAULT TRUE,
    show_availability BOOLEAN NOT NULL DEFAULT TRUE,
    show_town BOOLEAN NOT NULL DEFAULT TRUE,
    cv TEXT NOT NULL DEFAULT '' CHECK (cv IN ('', 'upload', 'generated')),
    available_from TEXT NOT NULL DEFAULT '',
    first_name TEXT NOT NULL DEFAULT '',
    last_initial TEXT NOT NULL DEFAULT '',
    town TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    departement TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '',
    availabilities TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT 'fr',
    hours_total INTEGER NOT NULL DEFAULT 0,
    certified BOOLEAN NOT NULL DEFAULT FALSE,
    skill_sum INTEGER NOT NULL DEFAULT 0,
    -- Estimated Pix level (0–8) per competence (sk_1_1 is 1.1), from the
    -- latest positioning test: a job's wanted levels are compared in the row.
    sk_1_1 INTEGER NOT NULL DEFAULT 0,
    sk_1_2 INTEGER NOT NULL DEFAULT 0,
    sk_1_3 INTEGER NOT NULL DEFAULT 0,
    sk_2_1 INTEGER NOT NULL DEFAULT 0,
    sk_2_2 INTEGER NOT NULL DEFAULT 0,
    sk_2_3 INTEGER NOT NULL DEFAULT 0,
    sk_2_4 INTEGER NOT NULL DEFAULT 0,
    sk_3_1 INTEGER NOT NULL DEFAULT 0,
    sk_3_2 INTEGER NOT NULL DEFAULT 0,
    sk_3_3 INTEGER NOT NULL DEFAULT 0,
    sk_3_4 INTEGER NOT NULL DEFAULT 0,
    sk_4_1 INTEGER NOT NULL DEFAULT 0,
    sk_4_2 INTEGER NOT NULL DEFAULT 0,
    sk_4_3 INTEGER NOT NULL DEFAULT 0,
    sk_5_1 INTEGER NOT NULL DEFAULT 0,
    sk_5_2 INTEGER NOT NULL DEFAULT 0,
    refreshed_at TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
CREATE INDEX recruiter_profiles_place ON recruiter_profiles (shown, departement);
CREATE INDEX recruiter_profiles_antenna ON recruiter_profiles (antenna_id);

-- Courses followed (enrolled, with hours attended), one row per programme.
CREATE TABLE recruiter_profile_courses (
    learner_id BIGINT NOT NULL REFERENCES recruiter_profiles (learner_id) ON DELETE CASCADE,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    hours INTEGER NOT NULL,
    certificate BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (learner_id, programme_id)
);
CREATE INDEX recruiter_profile_courses_programme ON recruiter_profile_courses (programme_id, hours);

-- A CV the person gave, as a PDF.
CREATE TABLE recruiter_cvs (
    learner_id BIGINT PRIMARY KEY REFERENCES learners (id),
    name TEXT NOT NULL,
    body {{blob}} NOT NULL,
    size INTEGER NOT NULL,
    staff_id BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    uploaded_at TEXT NOT NULL
);

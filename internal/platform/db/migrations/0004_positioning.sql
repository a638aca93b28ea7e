-- Positioning: the questionnaire staff edit (questions over the 16 Pix competences,
-- each with weighted answers, in French with optional English and Arabic), the
-- thresholds mapping an overall percent to a level, and the tests taken. A test keeps
-- a copy of what was asked, answered and scored, so that editing the questionnaire
-- later never changes a past result.

CREATE TABLE positioning_questions (
    id {{id}},
    competence TEXT NOT NULL,
    text_fr TEXT NOT NULL,
    text_en TEXT NOT NULL DEFAULT '',
    text_ar TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX positioning_questions_competence ON positioning_questions (competence, position);

-- Answers are numbered 1, 2, … within their question; an edit rewrites them in place.
CREATE TABLE positioning_answers (
    id {{id}},
    question_id BIGINT NOT NULL REFERENCES positioning_questions (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text_fr TEXT NOT NULL,
    text_en TEXT NOT NULL DEFAULT '',
    text_ar TEXT NOT NULL DEFAULT '',
    weight INTEGER NOT NULL CHECK (weight >= 0 AND weight <= 100)
);
CREATE UNIQUE INDEX positioning_answers_position ON positioning_answers (question_id, position);

-- One row: an overall percent below intermediate_from is debutant, below
-- advanced_from intermediaire, else avance.
CREATE TABLE positioning_thresholds (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    intermediate_from INTEGER NOT NULL,
    advanced_from INTEGER NOT NULL,
    updated_by BIGINT REFERENCES staff (id),
    updated_at TEXT NOT NULL,
    CHECK (intermediate_from > 0 AND intermediate_from < advanced_from AND advanced_from <= 100)
);
INSERT INTO positioning_thresholds (id, intermediate_from, advanced_from, updated_at) VALUES (1, 35, 70, '2026-01-01T00:00:00Z');

CREATE TABLE positioning_tests (
    id {{id}},
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    taken_at TEXT NOT NULL,
    lang TEXT NOT NULL,
    percent INTEGER NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('debutant', 'intermediaire', 'avance')),
    intermediate_from INTEGER NOT NULL,
    advanced_from INTEGER NOT NULL
);
CREATE INDEX positioning_tests_learner ON positioning_tests (learner_id, taken_at);

-- Every question asked, answered or not (weight NULL), with the words the person read.
CREATE TABLE positioning_test_answers (
    test_id BIGINT NOT NULL REFERENCES positioning_tests (id) ON DELETE CASCADE,
    question_id BIGINT NOT NULL REFERENCES positioning_questions (id),
    competence TEXT NOT NULL,
    position INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    weight INTEGER,
    PRIMARY KEY (test_id, question_id)
);

CREATE TABLE positioning_test_scores (
    test_id BIGINT NOT NULL REFERENCES positioning_tests (id) ON DELETE CASCADE,
    competence TEXT NOT NULL,
    percent INTEGER NOT NULL,
    PRIMARY KEY (test_id, competence)
);

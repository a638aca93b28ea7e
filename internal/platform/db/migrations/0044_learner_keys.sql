-- Search keys of each person's file, so that a search finds a person by any word of
-- any name and by the start or end of the phone number, walking one index:
--   kind 'w': a word of the first or last name, or a whole name, folded by
--             learners.wordKey (lower case, no accents, in every script);
--   kind 'p': the national significant number (the phone without +33 and 0);
--   kind 'r': the same digits reversed, so that "ends with" is a start too.
-- Kept in step by every writer of names, phones and antennas (learners.writeKeys).
-- The rows are computed in Go: at start-up, learners.FillKeys fills them when
-- learner_keys_state.version is older than the code's (0 here: every file).
CREATE TABLE learner_keys (
    learner_id BIGINT NOT NULL REFERENCES learners (id),
    antenna_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    word_key TEXT NOT NULL
);
CREATE INDEX learner_keys_word ON learner_keys (kind, word_key, learner_id, antenna_id);
CREATE INDEX learner_keys_antenna ON learner_keys (antenna_id, kind, word_key, learner_id);
CREATE INDEX learner_keys_learner ON learner_keys (learner_id, kind, word_key);

CREATE TABLE learner_keys_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO learner_keys_state (id, version) VALUES (1, 0);

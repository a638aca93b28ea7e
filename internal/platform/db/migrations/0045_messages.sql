-- Every message Tremplin sends to a person (SMS or email), from the moment it is
-- decided to the provider's last word on it. The job queue (River's tables) carries
-- the work of sending; this table is the record staff read on the file and the
-- figures count.
--
-- state: queued (waiting for its moment, quiet hours or the day's cap), sending
-- (handed to the provider at least once, no answer yet: a retry reuses the same
-- reference so the provider drops a duplicate), sent (the provider took it),
-- delivered, failed (refused, undeliverable, or retried in vain), dropped (not sent
-- on purpose: past its moment, the person opted out), cancelled (what it announced
-- changed before it went).
CREATE TABLE messages (
    id {{id}},
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    learner_id BIGINT REFERENCES learners (id),
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    kind TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'fr',
    recipient TEXT NOT NULL,
    recipient_name TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    segments INTEGER NOT NULL DEFAULT 0,
    -- A same-day change may go during quiet hours; nothing else may.
    urgent BOOLEAN NOT NULL DEFAULT FALSE,
    send_at TEXT NOT NULL,
    -- After this moment the message has no point (the meeting it reminds of began).
    expires_at TEXT NOT NULL DEFAULT '',
    -- What the message is about (appointment 12, meeting 40), so that a change can
    -- cancel what was queued for it.
    ref_kind TEXT NOT NULL DEFAULT '',
    ref_id BIGINT,
    -- Planned messages (reminders) carry a key so that planning twice, in two
    -- processes, queues one message.
    dedupe TEXT,
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'dropped', 'cancelled')),
    reason TEXT NOT NULL DEFAULT '',
    provider_id TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    -- The antenna's local day this message was counted against its daily cap.
    counted_on TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX messages_dedupe ON messages (dedupe);
CREATE INDEX messages_learner ON messages (learner_id, id);
CREATE INDEX messages_ref ON messages (ref_kind, ref_id, state);
CREATE INDEX messages_antenna ON messages (antenna_id, id);
CREATE INDEX messages_provider ON messages (provider_id);

-- SMS counted per antenna and local day, taken one at a time so that several
-- senders in several processes never pass the antenna's daily cap.
CREATE TABLE message_counts (
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    day TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (antenna_id, day)
);

-- The most SMS an antenna sends in one day (its budget); 0 means no limit.
ALTER TABLE antennas ADD COLUMN sms_daily_cap INTEGER NOT NULL DEFAULT 500;

-- The person asked to receive no more messages (a STOP reply or a word to staff):
-- when, and how. Empty: messages go.
ALTER TABLE learners ADD COLUMN messages_off_at TEXT NOT NULL DEFAULT '';
ALTER TABLE learners ADD COLUMN messages_off_by TEXT NOT NULL DEFAULT '';
-- The provider said this phone number cannot receive SMS: staff ask for a new one.
-- Cleared when the number changes.
ALTER TABLE learners ADD COLUMN phone_undeliverable_at TEXT NOT NULL DEFAULT '';

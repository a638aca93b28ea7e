-- An antenna's own wording of a message, per language; without one, the
-- catalog's text goes. Placeholders ({name}, {date}…) are checked when saved.
CREATE TABLE message_templates (
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    template_key TEXT NOT NULL,
    lang TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (antenna_id, template_key, lang)
);

-- The price of one SMS part (160 GSM-7 or 70 UCS-2 characters), from a date: a
-- dated parameter set by the provider's contract, never a constant. The first
-- row is a usual French price, for the estimate until the association sets its own.
CREATE TABLE sms_prices (
    valid_from TEXT PRIMARY KEY,
    cents_per_part REAL NOT NULL CHECK (cents_per_part >= 0),
    set_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
INSERT INTO sms_prices (valid_from, cents_per_part, created_at) VALUES ('2026-01-01', 4.5, '2026-01-01T00:00:00Z');

-- The month's SMS of an antenna, for its count and cost.
CREATE INDEX messages_antenna_sent ON messages (antenna_id, channel, sent_at);

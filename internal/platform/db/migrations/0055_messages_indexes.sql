-- A national morning queues a hundred thousand reminders at once: every index
-- of messages is paid for on each. The provider's id and the moment sent are
-- empty when a message is queued, so their indexes leave those rows out, and
-- the index by antenna and id, which nothing reads, goes.
DROP INDEX messages_antenna;
DROP INDEX messages_provider;
CREATE INDEX messages_provider ON messages (provider_id) WHERE provider_id <> '';
DROP INDEX messages_antenna_sent;
CREATE INDEX messages_antenna_sent ON messages (antenna_id, channel, sent_at) WHERE sent_at <> '';

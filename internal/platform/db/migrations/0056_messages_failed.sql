-- Staff see the messages that could not be delivered, newest first, per antenna;
-- and the people who said from a link that they cannot come.
CREATE INDEX messages_failed ON messages (antenna_id, updated_at) WHERE state = 'failed';
CREATE INDEX reply_links_answered ON reply_links (answered_at) WHERE answer <> '';

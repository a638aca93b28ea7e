-- Every request for an emailed link (a password reset, a space's sign-in link),
-- counted to limit how many links one account is sent and how many one client
-- address asks for (signin.Quota). account_id is the staff member, contact or
-- volunteer the link is for, 0 when nobody has the email or phone typed; sent
-- whether a link went. The address is kept only as a keyed hash, and rows are
-- deleted after a day. Times are UTC RFC 3339 text.
CREATE TABLE link_requests (
    id {{id}},
    kind TEXT NOT NULL,
    account_id BIGINT NOT NULL,
    address_key TEXT NOT NULL,
    sent BOOLEAN NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX link_requests_account ON link_requests (kind, account_id, at);
CREATE INDEX link_requests_address ON link_requests (kind, address_key, at);
CREATE INDEX link_requests_at ON link_requests (at);

-- Who read or changed what of the people the association serves: a staff
-- member opening a learner's file or a positioning result, a referral,
-- downloading a list, changing a file; a partner's contact reading a person
-- they referred or downloading their list (DOMAIN.md, Privacy). Kept a year
-- (privacy.KeepAudit, removed daily); searched by the national admins. No
-- reference to the learner: the trace outlives a merge or an anonymisation.
CREATE TABLE audit_events (
    id {{id}},
    at TEXT NOT NULL,
    staff_id BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    -- or, for a partner's contact in the partner space, the contact.
    partner_contact_id BIGINT REFERENCES partner_contacts (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    learner_id BIGINT,
    route TEXT NOT NULL,
    path TEXT NOT NULL,
    request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_learner ON audit_events (learner_id, at);
CREATE INDEX audit_events_staff ON audit_events (staff_id, at);

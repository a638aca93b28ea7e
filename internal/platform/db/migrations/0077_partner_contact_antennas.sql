-- A partner contact sees the people referred to the antennas it was vouched for,
-- not every antenna its organisation works with: a staff member who adds a
-- contact (or a contact who invites a colleague) vouches for it in their own
-- antennas only, so that nobody reads, through a contact they made, the people
-- of an antenna that is not theirs. The contacts there before keep what they
-- saw: every antenna of their organisation and of its referrals.
CREATE TABLE partner_contact_antennas (
    contact_id BIGINT NOT NULL REFERENCES partner_contacts (id) ON DELETE CASCADE,
    antenna_id BIGINT NOT NULL REFERENCES antennas (id),
    PRIMARY KEY (contact_id, antenna_id)
);
INSERT INTO partner_contact_antennas (contact_id, antenna_id)
SELECT c.id, pa.antenna_id FROM partner_contacts c JOIN partner_antennas pa ON pa.org_id = c.org_id
UNION
SELECT c.id, r.antenna_id FROM partner_contacts c JOIN referrals r ON r.org_id = c.org_id;

-- An address typed for a contact (by staff, or by a colleague's invitation) is
-- used once its mailbox confirms it with the link sent there: until then the
-- contact signs in, and is told, at the address it had. new_email_by is the
-- staff member who typed it: once confirmed, the contact keeps only the
-- antennas they belong to (NULL: nobody's to narrow, as for an invitation).
ALTER TABLE partner_contacts ADD COLUMN new_email TEXT NOT NULL DEFAULT '';
ALTER TABLE partner_contacts ADD COLUMN new_email_by BIGINT REFERENCES staff (id);
CREATE INDEX partner_contacts_new_email ON partner_contacts (new_email) WHERE new_email <> '';

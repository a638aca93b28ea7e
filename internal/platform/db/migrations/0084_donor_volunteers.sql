-- Volunteers a company sent: its employees who volunteer with the
-- association (on their own time; lent working time is skills sponsorship).
-- The company's page shows them and the hours they gave.
CREATE TABLE donor_volunteers (
    donor_id BIGINT NOT NULL REFERENCES donors (id) ON DELETE CASCADE,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    linked_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
    linked_at TEXT NOT NULL,
    PRIMARY KEY (donor_id, volunteer_id)
);
CREATE INDEX donor_volunteers_volunteer ON donor_volunteers (volunteer_id);

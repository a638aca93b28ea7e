-- A staff role for the people who look after donors and receipts: they see the
-- donors and the donation pages, never the people the association serves.
-- The two engines say "also accept 'fundraising' in staff.role" differently:
-- db.widenCheck does it (engineSteps in migrate.go), after this file.
SELECT 1;

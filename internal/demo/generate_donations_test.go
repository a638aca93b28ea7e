package demo

import (
	"context"
	"io"
	"testing"

	"tremplin/internal/donations"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// The generated donors follow the rules of receipts: numbers without a gap in
// each year and in the order of the days of issue, each receipt the sum of its
// gifts, none for a gift HelloAsso receipted or a donor without an address, a
// company's on the companies' form, a cancelled receipt no longer in force and
// replaced; every year's declaration is consistent.
func TestGeneratedDonationsFollowTheRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := Generate(ctx, d, GenerateOptions{Learners: 200, Antennas: 4, Volunteers: -1, Donors: 600, Seed: 7, Out: io.Discard}); err != nil {
			t.Fatal(err)
		}
		count := func(q string) int {
			t.Helper()
			var n int
			if err := d.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatalf("%v: %s", err, q)
			}
			return n
		}
		if n := count("SELECT COUNT(*) FROM donors"); n != 600 {
			t.Errorf("%d donors, want 600", n)
		}
		for what, q := range map[string]string{
			"receipts that are not the sum of their gifts": `SELECT COUNT(*) FROM receipts r WHERE r.amount_cents <>
				(SELECT SUM(g.amount_cents) FROM receipt_gifts x JOIN gifts g ON g.id = x.gift_id WHERE x.receipt_id = r.id)`,
			"receipts of gifts HelloAsso receipted": `SELECT COUNT(*) FROM receipt_gifts x JOIN gifts g ON g.id = x.gift_id
				WHERE g.helloasso_receipt_url <> ''`,
			"receipts of donors without an address": "SELECT COUNT(*) FROM receipts r JOIN donors o ON o.id = r.donor_id WHERE o.address = ''",
			"numbers against the order of the days": `SELECT COUNT(*) FROM receipts a JOIN receipts b ON a.year = b.year
				AND a.number < b.number AND a.issued_on > b.issued_on`,
			"receipts before their gifts":       "SELECT COUNT(*) FROM receipts WHERE issued_on < period_to",
			"receipts of another year's number": "SELECT COUNT(*) FROM receipts WHERE year <> CAST(SUBSTR(issued_on, 1, 4) AS INTEGER)",
			"companies' receipts on the wrong form": `SELECT COUNT(*) FROM receipts r JOIN donors o ON o.id = r.donor_id
				WHERE (o.kind = 'organisation') <> (r.form = '16216')`,
			"cancelled receipts still in force": `SELECT COUNT(*) FROM receipts r JOIN receipt_gifts x ON x.receipt_id = r.id
				WHERE r.state = 'cancelled' AND x.in_force`,
			"gifts receipted twice": `SELECT COUNT(*) FROM (SELECT gift_id FROM receipt_gifts WHERE in_force
				GROUP BY gift_id HAVING COUNT(*) > 1) t`,
		} {
			if n := count(q); n > 0 {
				t.Errorf("%d %s", n, what)
			}
		}
		for what, q := range map[string]string{
			"companies":                 "SELECT COUNT(*) FROM donors WHERE kind = 'organisation'",
			"monthly gifts":             "SELECT COUNT(*) FROM gifts WHERE recurring",
			"annual receipts":           "SELECT COUNT(*) FROM receipts WHERE period_from < period_to",
			"gifts in kind":             "SELECT COUNT(*) FROM gifts WHERE kind = 'in_kind'",
			"HelloAsso's receipts":      "SELECT COUNT(*) FROM gifts WHERE helloasso_receipt_url <> ''",
			"replaced receipts":         "SELECT COUNT(*) FROM receipts WHERE state = 'cancelled' AND replaced_by IS NOT NULL",
			"gifts awaiting a receipt":  "SELECT COUNT(*) FROM gifts g WHERE NOT EXISTS (SELECT 1 FROM receipt_gifts x WHERE x.gift_id = g.id)",
			"donors without an address": "SELECT COUNT(*) FROM donors WHERE address = ''",
		} {
			if count(q) == 0 {
				t.Errorf("no %s", what)
			}
		}
		for y := genStart.Year(); y <= genEnd.Year(); y++ {
			dec, err := donations.Declare(ctx, d, y)
			if err != nil {
				t.Fatal(err)
			}
			if !dec.Consistent() || dec.Ours.Receipts == 0 {
				t.Errorf("%d: declaration %+v, missing %v", y, dec.Ours, dec.Missing)
			}
		}
	})
}

// Each generated company has a recruiter with access and offers in its city,
// each offer's log starting with its creation and ending in its state.
func TestGeneratedJobOffers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := Generate(ctx, d, GenerateOptions{Learners: 600, Antennas: 2, Volunteers: -1, Donors: 240, Seed: 3, Out: io.Discard}); err != nil {
			t.Fatal(err)
		}
		count := func(q string) int {
			t.Helper()
			var n int
			if err := d.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatalf("%v: %s", err, q)
			}
			return n
		}
		if count("SELECT COUNT(*) FROM donors WHERE kind = 'organisation'") == 0 {
			t.Fatal("no company generated")
		}
		if count("SELECT COUNT(*) FROM job_applications") != count("SELECT COUNT(*) FROM recruiter_profiles") {
			t.Error("not every generated profile was proposed once")
		}
		if count("SELECT COUNT(*) FROM job_applications WHERE state = 'accepted'") == 0 || count("SELECT COUNT(*) FROM job_applications WHERE state = 'refused'") == 0 {
			t.Error("no hire or no refusal generated")
		}
		for what, q := range map[string]string{
			"companies without a recruiter": `SELECT COUNT(*) FROM donors o WHERE o.kind = 'organisation'
				AND NOT EXISTS (SELECT 1 FROM recruiters r WHERE r.donor_id = o.id AND r.revoked_at IS NULL)`,
			"companies without an offer": `SELECT COUNT(*) FROM donors o WHERE o.kind = 'organisation'
				AND NOT EXISTS (SELECT 1 FROM job_offers j WHERE j.donor_id = o.id)`,
			"offers whose last event is not their state": `SELECT COUNT(*) FROM job_offers j WHERE j.state <>
				(SELECT e.state FROM job_offer_events e WHERE e.offer_id = j.id ORDER BY e.id DESC LIMIT 1)`,
			"offers without their creation": `SELECT COUNT(*) FROM job_offers j WHERE NOT EXISTS
				(SELECT 1 FROM job_offer_events e WHERE e.offer_id = j.id AND e.kind = 'created')`,
			"applications whose last event is not their state": `SELECT COUNT(*) FROM job_applications a WHERE a.state <>
				(SELECT e.state FROM job_application_events e WHERE e.application_id = a.id ORDER BY e.id DESC LIMIT 1)`,
			"applications of people without a profile": `SELECT COUNT(*) FROM job_applications a
				WHERE NOT EXISTS (SELECT 1 FROM recruiter_profiles p WHERE p.learner_id = a.learner_id)`,
			"hires without a start day, or refusals without a reason": `SELECT COUNT(*) FROM job_applications
				WHERE (state = 'accepted') <> (starts_on <> '') OR (state = 'refused') <> (reason <> '')`,
			"hired people whose follow-ups after the start are not the job": `SELECT COUNT(*) FROM learner_followups f
				JOIN job_applications a ON a.learner_id = f.learner_id AND a.state = 'accepted' WHERE f.due_on >= a.starts_on AND f.recorded_at = ''`,
		} {
			if n := count(q); n > 0 {
				t.Errorf("%d %s", n, what)
			}
		}
		for _, st := range []string{"open", "paused", "filled", "closed"} {
			if count("SELECT COUNT(*) FROM job_offers WHERE state = '"+st+"'") == 0 {
				t.Errorf("no %s offer", st)
			}
		}
	})
}

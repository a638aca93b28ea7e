package volunteers_test

import (
	"testing"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/volunteers"
)

// Two years after the last decision, a volunteer declined or never answered is
// deleted, one who left is anonymised and keeps their hours without a name (the
// valuation of past years does not change); recent ones and active ones stay;
// a second run changes nothing.
func TestVolunteersAreForgottenAfterTwoYears(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		atelier := f.mission(f.org.Lille, "Atelier", false)
		ana := f.volunteer(f.org.Lille, "Ana", "repair")
		ben := f.volunteer(f.org.Lille, "Ben", "repair")
		eve := f.volunteer(f.org.Lille, "Eve", "repair")
		f.honourability(ana, "2023-01-10", "2026-01-10")
		f.given(ana, atelier, "2024-03-05", 180, volunteers.HoursApproved)
		f.given(eve, atelier, "2024-03-05", 60, volunteers.HoursApproved)
		long, recent := f.now.AddDate(-2, 0, -1), f.now.AddDate(-1, 0, 0)
		if err := volunteers.Decide(f.ctx, d, f.org.LilleScope, ana.ID, "left", "", f.org.Adviser.ID, long, nil); err != nil {
			t.Fatal(err)
		}
		if err := volunteers.Decide(f.ctx, d, f.org.LilleScope, ben.ID, "left", "", f.org.Adviser.ID, recent, nil); err != nil {
			t.Fatal(err)
		}
		// Sign-ups nobody answered, and declines, old and recent.
		for _, p := range []struct {
			name, state string
			at          string
		}{{"Cara", "declined", db.FormatTime(long)}, {"Dan", "pending", db.FormatTime(long)},
			{"Fay", "declined", db.FormatTime(recent)}, {"Gus", "pending", db.FormatTime(recent)}} {
			if _, err := d.Exec(f.ctx, `INSERT INTO volunteers (antenna_id, first_name, last_name, phone, lang, state, decided_at, created_at)
				VALUES ($1, $2, 'Test', '+33600000000', 'fr', $3, CASE WHEN $3 = 'declined' THEN $4 END, $4)`, f.org.Lille, p.name, p.state, p.at); err != nil {
				t.Fatal(err)
			}
		}
		before, err := volunteers.YearValuation(f.ctx, d, auth.Scope{All: true}, 2024)
		if err != nil {
			t.Fatal(err)
		}
		deleted, anonymised, err := volunteers.Forget(f.ctx, d, f.now.Add(-volunteers.KeepVolunteers))
		if err != nil || deleted != 2 || anonymised != 1 {
			t.Fatalf("forget: %d deleted, %d anonymised, %v; want 2 and 1", deleted, anonymised, err)
		}
		names := map[string]bool{}
		rows, err := d.QueryContext(f.ctx, "SELECT first_name FROM volunteers")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n string
			rows.Scan(&n)
			names[n] = true
		}
		rows.Close()
		for _, n := range []string{"Ben", "Eve", "Fay", "Gus", volunteers.Anonymous} {
			if !names[n] {
				t.Errorf("%s is gone; kept: %v", n, names)
			}
		}
		for _, n := range []string{"Ana", "Cara", "Dan"} {
			if names[n] {
				t.Errorf("%s is still there", n)
			}
		}
		got, err := volunteers.Get(f.ctx, d, ana.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.LastName != "" || got.Phone != "" || len(got.Skills) != 0 || got.Availability != "" {
			t.Errorf("Ana is not anonymised: %+v", got)
		}
		var requirements int
		d.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM volunteer_requirements WHERE volunteer_id = $1", ana.ID).Scan(&requirements)
		if requirements != 0 {
			t.Errorf("Ana's check of honourability is kept (%d)", requirements)
		}
		after, err := volunteers.YearValuation(f.ctx, d, auth.Scope{All: true}, 2024)
		if err != nil {
			t.Fatal(err)
		}
		if after.Total != before.Total || after.Total.Minutes != 240 {
			t.Errorf("the 2024 valuation changed: %+v, then %+v", before.Total, after.Total)
		}
		if deleted, anonymised, err := volunteers.Forget(f.ctx, d, f.now.Add(-volunteers.KeepVolunteers)); err != nil || deleted+anonymised != 0 {
			t.Errorf("a second run: %d deleted, %d anonymised, %v", deleted, anonymised, err)
		}
	})
}

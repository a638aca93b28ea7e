package volunteers_test

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/volunteers"
)

// daySums reads antenna/mission/day → minutes with the query given.
func (f *fixture) daySums(query string) map[[3]string]int64 {
	f.t.Helper()
	out := map[[3]string]int64{}
	err := db.Each(f.d.QueryContext(f.ctx, query))(func(s db.Scanner) error {
		var a, m, day string
		var n int64
		err := s.Scan(&a, &m, &day, &n)
		out[[3]string{a, m, day}] = n
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// The reference: the approved minutes of each antenna's mission and day,
// straight from the rows of hours.
const referenceSums = `SELECT CAST(antenna_id AS TEXT), CAST(mission_id AS TEXT), day, SUM(minutes) FROM volunteer_hours
	WHERE state = 'approved' GROUP BY antenna_id, mission_id, day`

// inStep checks that the summary holds exactly what the rows of hours say, and
// that the year's valuation from it is the one a rebuild of the summary gives.
func (f *fixture) inStep(step string, wantMinutes int64) {
	f.t.Helper()
	want := f.daySums(referenceSums)
	got := f.daySums(`SELECT CAST(antenna_id AS TEXT), CAST(mission_id AS TEXT), day, minutes FROM volunteer_hours_days`)
	if !reflect.DeepEqual(got, want) {
		f.t.Fatalf("%s: summary %v, the hours say %v", step, got, want)
	}
	all := auth.Scope{All: true}
	v, err := volunteers.YearValuation(f.ctx, f.d, all, 2026)
	if err != nil {
		f.t.Fatal(err)
	}
	if v.Total.Minutes != wantMinutes {
		f.t.Fatalf("%s: valuation of %d minutes, want %d", step, v.Total.Minutes, wantMinutes)
	}
	if err := volunteers.RebuildSummaries(f.ctx, f.d); err != nil {
		f.t.Fatal(err)
	}
	again, err := volunteers.YearValuation(f.ctx, f.d, all, 2026)
	if err != nil {
		f.t.Fatal(err)
	}
	if !reflect.DeepEqual(v, again) {
		f.t.Fatalf("%s: valuation %+v, after a rebuild %+v", step, v, again)
	}
}

// The summary the valuation reads follows every write to the hours made
// through the package: hours confirmed then changed while pending, approved,
// declined, taken back (did not happen, no-show), logged on ongoing work; two
// volunteers' hours on one day add up; a day that loses its approved hours
// loses its row.
func TestValuationSummaryFollowsTheHours(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		m := f.mission(f.org.Lille, "Atelier", false)
		s := f.shift(m, -3, 14, 3, 4) // last Friday 14:00–17:00
		ana, ben, chloe := f.volunteer(f.org.Lille, "Ana"), f.volunteer(f.org.Lille, "Ben"), f.volunteer(f.org.Lille, "Chloé")
		for _, v := range []*volunteers.Volunteer{ana, ben, chloe} {
			if _, err := volunteers.SignUp(f.ctx, d, v, s.ID, false, s.StartsAt.Add(-48*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		after := s.EndsAt.Add(time.Hour)
		for _, c := range []struct {
			v       *volunteers.Volunteer
			minutes int
		}{{ana, 150}, {ana, 180}, {ben, 120}, {chloe, 60}} {
			if err := volunteers.ConfirmHours(f.ctx, d, c.v, s.ID, true, c.minutes, after); err != nil {
				t.Fatal(err)
			}
		}
		f.inStep("all pending", 0)
		pending, err := volunteers.PendingHours(f.ctx, d, f.org.LilleScope, 0)
		if err != nil || len(pending) != 3 {
			t.Fatalf("pending %+v, %v", pending, err)
		}
		byName := map[string]*volunteers.Hours{}
		for _, h := range pending {
			byName[h.VolunteerName] = h
		}
		if err := volunteers.DecideHours(f.ctx, d, f.org.LilleScope, f.org.Adviser.ID, byName["Ana Test"].ID, true, ""); err != nil {
			t.Fatal(err)
		}
		f.inStep("Ana's 3 h approved", 180)
		if err := volunteers.DecideHours(f.ctx, d, f.org.LilleScope, f.org.Adviser.ID, byName["Ben Test"].ID, true, ""); err != nil {
			t.Fatal(err)
		}
		f.inStep("Ben's 2 h approved on the same day", 300)
		// Chloé's hours change, then she says it did not happen, then staff mark
		// her absent: none of it counts.
		if err := volunteers.ConfirmHours(f.ctx, d, chloe, s.ID, true, 90, after); err != nil {
			t.Fatal(err)
		}
		if err := volunteers.ConfirmHours(f.ctx, d, chloe, s.ID, false, 0, after); err != nil {
			t.Fatal(err)
		}
		f.inStep("Chloé's taken back", 300)

		// Ongoing work: one record approved, one declined, one left pending then
		// taken away by a no-show elsewhere.
		repair := f.mission(f.org.Lille, "Réparation", false)
		on := &volunteers.Shift{MissionID: repair.ID, Kind: volunteers.Ongoing, StartsAt: f.now.AddDate(0, -3, 0), Capacity: 10, CancelHours: 24}
		ids, err := volunteers.AddShifts(f.ctx, d, f.org.LilleScope, 0, on, 1)
		if err != nil {
			t.Fatal(err)
		}
		signed := f.now.AddDate(0, 0, -20)
		if _, err := volunteers.SignUp(f.ctx, d, ben, ids[0], false, signed); err != nil {
			t.Fatal(err)
		}
		for _, day := range []string{"2026-11-20", "2026-11-21"} {
			if err := volunteers.LogHours(f.ctx, d, ben, ids[0], day, 45, "", f.now); err != nil {
				t.Fatal(err)
			}
		}
		pending, _ = volunteers.PendingHours(f.ctx, d, f.org.LilleScope, 0)
		if len(pending) != 2 {
			t.Fatalf("pending %+v, want Ben's two logs", pending)
		}
		if err := volunteers.DecideHours(f.ctx, d, f.org.LilleScope, f.org.Adviser.ID, pending[0].ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if err := volunteers.DecideHours(f.ctx, d, f.org.LilleScope, f.org.Adviser.ID, pending[1].ID, false, "duplicate"); err != nil {
			t.Fatal(err)
		}
		f.inStep("ongoing: one approved, one declined", 345)

		s2 := f.shift(m, -1, 9, 2, 4)
		if _, err := volunteers.SignUp(f.ctx, d, chloe, s2.ID, false, s2.StartsAt.Add(-48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := volunteers.ConfirmHours(f.ctx, d, chloe, s2.ID, true, 120, s2.EndsAt); err != nil {
			t.Fatal(err)
		}
		if err := volunteers.MarkNoShow(f.ctx, d, f.org.LilleScope, s2.ID, chloe.ID, true, s2.EndsAt); err != nil {
			t.Fatal(err)
		}
		f.inStep("no-show", 345)
		var rows int
		if err := d.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM volunteer_hours_days").Scan(&rows); err != nil || rows != 2 {
			t.Fatalf("%d rows in the summary, %v: want Friday's workshop and Ben's repair day", rows, err)
		}
	})
}

// Staff approving hours of the same day at once each recount it after the
// other: the summary ends with all of them (PostgreSQL runs the transactions
// side by side).
func TestValuationSummaryUnderConcurrentApprovals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		m := f.mission(f.org.Lille, "Atelier", false)
		on := &volunteers.Shift{MissionID: m.ID, Kind: volunteers.Ongoing, StartsAt: f.now.AddDate(0, -1, 0), Capacity: 20, CancelHours: 24}
		ids, err := volunteers.AddShifts(f.ctx, d, f.org.LilleScope, 0, on, 1)
		if err != nil {
			t.Fatal(err)
		}
		day := f.now.AddDate(0, 0, -2).Format(time.DateOnly)
		const n = 8
		for i := range n {
			v := f.volunteer(f.org.Lille, "V"+strings.Repeat("o", i))
			if _, err := volunteers.SignUp(f.ctx, d, v, ids[0], false, f.now.AddDate(0, 0, -10)); err != nil {
				t.Fatal(err)
			}
			if err := volunteers.LogHours(f.ctx, d, v, ids[0], day, 30+i, "", f.now); err != nil {
				t.Fatal(err)
			}
		}
		pending, err := volunteers.PendingHours(f.ctx, d, f.org.LilleScope, 0)
		if err != nil || len(pending) != n {
			t.Fatalf("%d pending, %v", len(pending), err)
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i, h := range pending {
			wg.Go(func() {
				errs[i] = volunteers.DecideHours(f.ctx, d, f.org.LilleScope, f.org.Adviser.ID, h.ID, true, "")
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		f.inStep("all approved at once", int64(n*30+n*(n-1)/2))
	})
}

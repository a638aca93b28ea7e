package training_test

import (
	"testing"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/training"
)

// The home page's counts: roll calls not taken of meetings already started (in
// the cohorts one teaches, or the antenna's), people absent twice in a row, seats
// offered without an answer; each in its antenna, and stopped at a limit.
func TestTodayCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "Lille", "Europe/Paris")
		other := newFixture(t, d, "Bordeaux", "Europe/Paris")
		now := time.Now()
		start := now.AddDate(0, 0, -10)
		c := f.cohort(2, time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC))
		ms := f.meetings(c, 2, 2, 2, 2) // four days from ten days ago: all started
		f.meetings(other.cohort(5, c.StartsOn), 2)
		later := now.AddDate(0, 0, 1)
		if _, err := training.AddMeetings(f.ctx, d, c.ID, []training.Slot{{Start: later, End: later.Add(time.Hour)}}); err != nil {
			t.Fatal(err)
		}
		a, b, w := f.learner("Absente"), f.learner("Présent"), f.learner("Attend")
		for _, l := range []int64{a, b} {
			if _, err := training.Enrol(f.ctx, d, c.ID, l, f.staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := training.Waitlist(f.ctx, d, c.ID, w, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		// Marks written as the roll call does, whatever rules it checks on dates.
		mark := func(m training.Meeting, l int64, v string) {
			t.Helper()
			if _, err := d.Exec(f.ctx, "INSERT INTO attendance (meeting_id, learner_id, mark, marked_by, marked_at) VALUES ($1, $2, $3, $4, $5)",
				m.ID, l, v, f.staff.ID, db.Now()); err != nil {
				t.Fatal(err)
			}
		}
		mark(ms[0], a, "absent")
		mark(ms[0], b, "present")
		mark(ms[1], a, "absent")
		mark(ms[1], b, "present")
		count := func(name string, fn func() (int, error), want int) {
			t.Helper()
			if n, err := fn(); err != nil || n != want {
				t.Errorf("%s: %d %v, want %d", name, n, err, want)
			}
		}
		sc := f.staff.Scope()
		count("roll calls", func() (int, error) { return training.RollCallsToTakeCount(f.ctx, d, sc, false, now, 100) }, 2)
		count("roll calls I teach", func() (int, error) { return training.RollCallsToTakeCount(f.ctx, d, sc, true, now, 100) }, 2)
		count("roll calls, limit", func() (int, error) { return training.RollCallsToTakeCount(f.ctx, d, sc, false, now, 1) }, 1)
		count("roll calls of Bordeaux", func() (int, error) {
			return training.RollCallsToTakeCount(f.ctx, d, other.staff.Scope(), false, now, 100)
		}, 1)
		count("roll calls, national", func() (int, error) {
			return training.RollCallsToTakeCount(f.ctx, d, auth.Scope{All: true}, false, now, 100)
		}, 3)
		count("absences", func() (int, error) { return training.RecentAbsences(f.ctx, d, sc, false, now, 100) }, 1)
		count("absences of Bordeaux", func() (int, error) { return training.RecentAbsences(f.ctx, d, other.staff.Scope(), false, now, 100) }, 0)
		mark(ms[2], a, "present")
		count("absences after coming back", func() (int, error) { return training.RecentAbsences(f.ctx, d, sc, false, now, 100) }, 0)
		count("roll calls after one", func() (int, error) { return training.RollCallsToTakeCount(f.ctx, d, sc, false, now, 100) }, 1)
		count("offers", func() (int, error) { return training.OffersWaiting(f.ctx, d, sc, 100) }, 0)
		if _, err := training.Withdraw(f.ctx, d, c.ID, b, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := training.OfferSeats(f.ctx, d, c.ID, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		count("offers after a seat freed", func() (int, error) { return training.OffersWaiting(f.ctx, d, sc, 100) }, 1)
		count("offers of Bordeaux", func() (int, error) { return training.OffersWaiting(f.ctx, d, other.staff.Scope(), 100) }, 0)
	})
}

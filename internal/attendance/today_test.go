package attendance_test

import (
	"testing"
	"time"

	"tremplin/internal/attendance"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/training"
	"tremplin/internal/training/trainingtest"
)

// The home page's counts: roll calls not taken of meetings already started (in
// the cohorts one teaches, or the antenna's), people absent twice in a row, seats
// offered without an answer; each in its antenna, and stopped at a limit.
func TestTodayCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		other := trainingtest.New(t, d, "Bordeaux", "Europe/Paris")
		now := time.Now()
		start := now.AddDate(0, 0, -10)
		c := f.Cohort(2, time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC))
		ms := f.Meetings(c, 2, 2, 2, 2) // four days from ten days ago: all started
		f.Meetings(other.Cohort(5, c.StartsOn), 2)
		later := now.AddDate(0, 0, 1)
		if _, err := training.AddMeetings(f.Ctx, d, c.ID, []training.Slot{{Start: later, End: later.Add(time.Hour)}}); err != nil {
			t.Fatal(err)
		}
		a, b, w := f.Learner("Absente"), f.Learner("Présent"), f.Learner("Attend")
		for _, l := range []int64{a, b} {
			if _, err := training.Enrol(f.Ctx, d, c.ID, l, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := training.Waitlist(f.Ctx, d, c.ID, w, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		// Marks written as the roll call does, whatever rules it checks on dates.
		mark := func(m training.Meeting, l int64, v string) {
			t.Helper()
			if _, err := d.Exec(f.Ctx, "INSERT INTO attendance (meeting_id, learner_id, mark, marked_by, marked_at) VALUES ($1, $2, $3, $4, $5)",
				m.ID, l, v, f.Staff.ID, db.Now()); err != nil {
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
		sc := f.Staff.Scope()
		count("roll calls", func() (int, error) { return attendance.RollCallsToTakeCount(f.Ctx, d, sc, false, now, 100) }, 2)
		count("roll calls I teach", func() (int, error) { return attendance.RollCallsToTakeCount(f.Ctx, d, sc, true, now, 100) }, 2)
		count("roll calls, limit", func() (int, error) { return attendance.RollCallsToTakeCount(f.Ctx, d, sc, false, now, 1) }, 1)
		count("roll calls of Bordeaux", func() (int, error) {
			return attendance.RollCallsToTakeCount(f.Ctx, d, other.Staff.Scope(), false, now, 100)
		}, 1)
		count("roll calls, national", func() (int, error) {
			return attendance.RollCallsToTakeCount(f.Ctx, d, auth.Scope{All: true}, false, now, 100)
		}, 3)
		count("absences", func() (int, error) { return attendance.RecentAbsences(f.Ctx, d, sc, false, now, 100) }, 1)
		count("absences of Bordeaux", func() (int, error) { return attendance.RecentAbsences(f.Ctx, d, other.Staff.Scope(), false, now, 100) }, 0)
		mark(ms[2], a, "present")
		count("absences after coming back", func() (int, error) { return attendance.RecentAbsences(f.Ctx, d, sc, false, now, 100) }, 0)
		count("roll calls after one", func() (int, error) { return attendance.RollCallsToTakeCount(f.Ctx, d, sc, false, now, 100) }, 1)
		count("offers", func() (int, error) { return training.OffersWaiting(f.Ctx, d, sc, 100) }, 0)
		if _, err := training.Withdraw(f.Ctx, d, c.ID, b, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := training.OfferSeats(f.Ctx, d, c.ID, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		count("offers after a seat freed", func() (int, error) { return training.OffersWaiting(f.Ctx, d, sc, 100) }, 1)
		count("offers of Bordeaux", func() (int, error) { return training.OffersWaiting(f.Ctx, d, other.Staff.Scope(), 100) }, 0)
	})
}

package volunteers_test

import (
	"testing"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/queue"
	"tremplin/internal/volunteers"
)

func TestRemindersAndDidItHappen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		q, err := queue.New(d, queue.Config{})
		if err != nil {
			t.Fatal(err)
		}
		o := &messages.Outbox{Queue: q}
		m := f.mission(f.org.Lille, "Atelier du mardi", false)
		s := f.shift(m, 3, 14, 3, 4) // Thursday 10 December 14:00
		ana := f.volunteer(f.org.Lille, "Ana")
		if _, err := f.signUp(ana, s, false); err != nil {
			t.Fatal(err)
		}
		plan := func(now time.Time) int {
			t.Helper()
			n, err := volunteers.Plan(f.ctx, d, o, "https://tremplin.example", now)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := plan(f.now); n != 0 {
			t.Fatalf("%d queued three days before, want none", n)
		}
		// Tuesday 13:00: the 48-hour reminder falls within the planning window.
		if n := plan(s.StartsAt.Add(-49 * time.Hour)); n != 1 {
			t.Fatalf("%d queued for the 48-hour reminder, want 1", n)
		}
		if n := plan(s.StartsAt.Add(-49 * time.Hour)); n != 0 {
			t.Fatalf("planning twice queued %d more", n)
		}
		// Thursday 07:00: the morning reminder (08:00).
		y, mo, dd := s.StartsAt.Date()
		if n := plan(time.Date(y, mo, dd, 7, 0, 0, 0, f.loc)); n != 1 {
			t.Fatalf("%d queued for the morning reminder, want 1", n)
		}
		// Friday 09:00: "did it happen?" at 10:00; not once she answered.
		if n := plan(time.Date(y, mo, dd+1, 9, 0, 0, 0, f.loc)); n != 1 {
			t.Fatalf("%d 'did it happen?' queued, want 1", n)
		}
		var body string
		if err := d.QueryRowContext(f.ctx, "SELECT body FROM messages WHERE kind = 'volunteer_hours'").Scan(&body); err != nil || body == "" {
			t.Fatalf("the question: %q, %v", body, err)
		}
		m2 := f.mission(f.org.Lille, "Permanence", false)
		s2 := f.shift(m2, 3, 9, 2, 4)
		bob := f.volunteer(f.org.Lille, "Bob")
		f.signUp(bob, s2, false)
		if err := volunteers.ConfirmHours(f.ctx, d, bob, s2.ID, true, 120, s2.EndsAt); err != nil {
			t.Fatal(err)
		}
		if n := plan(time.Date(y, mo, dd+1, 9, 30, 0, 0, f.loc)); n != 0 {
			t.Fatalf("%d queued, want none: Bob already gave his hours and Ana was asked", n)
		}
	})
}

func TestThinShiftsTheDayBefore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		m := f.mission(f.org.Lille, "Atelier", false)
		thin := f.shift(m, 1, 14, 2, 4)  // tomorrow, 1 of 4
		half := f.shift(m, 1, 17, 2, 2)  // tomorrow, 1 of 2: half, not less
		later := f.shift(m, 2, 14, 2, 4) // after tomorrow
		ana := f.volunteer(f.org.Lille, "Ana")
		for _, s := range []*volunteers.Shift{thin, half, later} {
			if _, err := f.signUp(ana, s, false); err != nil {
				t.Fatal(err)
			}
		}
		list, err := volunteers.ThinShifts(f.ctx, d, f.org.LilleScope, f.now, 10)
		if err != nil || len(list) != 1 || list[0].ID != thin.ID {
			t.Fatalf("thin shifts %v, %v; want tomorrow's 1 of 4 alone", list, err)
		}
		if n, _ := volunteers.ThinShiftsCount(f.ctx, d, f.org.BordeauxScope, f.now, 10); n != 0 {
			t.Fatalf("Bordeaux staff alerted about %d Lille shifts", n)
		}
	})
}

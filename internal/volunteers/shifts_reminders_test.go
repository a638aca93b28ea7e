package volunteers_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
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

// Staff change a shift: a capacity below those coming is refused; a seat added
// goes to the first waiting; a new time withdraws the reminders queued for the
// old one, tells everyone coming or waiting, and the next plan reminds them of
// the new time. A volunteer who cancels their place, and a shift called off,
// leave no reminder to go out.
func TestChangingAShiftTellsAndReplansReminders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		q, err := queue.New(d, queue.Config{})
		if err != nil {
			t.Fatal(err)
		}
		o := &messages.Outbox{Queue: q}
		m := f.mission(f.org.Lille, "Atelier", false)
		s := f.shift(m, 2, 14, 3, 2) // Wednesday 9 December 14:00–17:00
		ana, ben, cara := f.volunteer(f.org.Lille, "Ana"), f.volunteer(f.org.Lille, "Ben"), f.volunteer(f.org.Lille, "Cara")
		for _, v := range []*volunteers.Volunteer{ana, ben} {
			if _, err := f.signUp(v, s, false); err != nil {
				t.Fatal(err)
			}
		}
		if st, err := f.signUp(cara, s, true); err != nil || st != volunteers.Waiting {
			t.Fatalf("Cara: %q, %v", st, err)
		}
		if n, err := volunteers.Plan(f.ctx, d, o, "https://tremplin.example", s.StartsAt.Add(-49*time.Hour)); err != nil || n != 2 {
			t.Fatalf("%d reminders queued, %v; want Ana's and Ben's", n, err)
		}
		told := map[int64][]string{}
		tell := func(_ context.Context, _ *sql.Tx, news string, id int64, _ *volunteers.Shift) error {
			told[id] = append(told[id], news)
			return nil
		}
		c := *s
		c.Capacity = 1
		if err := volunteers.UpdateShift(f.ctx, d, f.org.LilleScope, &c, f.now, tell); !errors.Is(err, volunteers.ErrBelowComing) {
			t.Fatalf("capacity 1 with two coming: %v, want ErrBelowComing", err)
		}
		if err := volunteers.UpdateShift(f.ctx, d, f.org.BordeauxScope, &c, f.now, tell); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("Bordeaux staff change a Lille shift: %v", err)
		}
		// One hour later, one seat more.
		c.Capacity = 3
		c.StartsAt, c.EndsAt = s.StartsAt.Add(time.Hour), s.EndsAt.Add(time.Hour)
		if err := volunteers.UpdateShift(f.ctx, d, f.org.LilleScope, &c, f.now, tell); err != nil {
			t.Fatal(err)
		}
		if got := f.states(s); got["Cara Test"] != volunteers.Coming {
			t.Errorf("Cara is %q after a seat was added, want coming", got["Cara Test"])
		}
		for _, v := range []*volunteers.Volunteer{ana, ben, cara} {
			if len(told[v.ID]) == 0 || told[v.ID][0] != "moved" {
				t.Errorf("%s was told %v, want the new time first", v.FirstName, told[v.ID])
			}
		}
		if got := told[cara.ID]; len(got) != 2 || got[1] != "promoted" {
			t.Errorf("Cara was told %v, want moved then promoted", got)
		}
		var queued int
		d.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM messages WHERE kind = 'volunteer_reminder' AND state = 'queued'").Scan(&queued)
		if queued != 0 {
			t.Errorf("%d reminders of the old time are still queued", queued)
		}
		if n, err := volunteers.Plan(f.ctx, d, o, "https://tremplin.example", c.StartsAt.Add(-49*time.Hour)); err != nil || n != 3 {
			t.Fatalf("%d reminders of the new time queued, %v; want 3", n, err)
		}
		var body string
		d.QueryRowContext(f.ctx, "SELECT body FROM messages WHERE kind = 'volunteer_reminder' AND state = 'queued' ORDER BY id LIMIT 1").Scan(&body)
		if !strings.Contains(body, "15:00") {
			t.Errorf("the new reminder says %q, want 15:00", body)
		}
		// Ben cancels his place: his reminder does not go out.
		if err := volunteers.CancelSignup(f.ctx, d, ben.ID, s.ID, f.now, tell); err != nil {
			t.Fatal(err)
		}
		queued = 0
		d.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM messages WHERE kind = 'volunteer_reminder' AND state = 'queued' AND recipient = $1", ben.Phone).Scan(&queued)
		if queued != 0 {
			t.Error("Ben's reminder is still queued after he cancelled")
		}
		// The shift is called off: no reminder is left to go out.
		if err := volunteers.CancelShift(f.ctx, d, f.org.LilleScope, s.ID, tell); err != nil {
			t.Fatal(err)
		}
		d.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM messages WHERE kind = 'volunteer_reminder' AND state = 'queued'").Scan(&queued)
		if queued != 0 {
			t.Errorf("%d reminders of a cancelled shift are still queued", queued)
		}
		// A shift that has begun cannot be changed.
		s2 := f.shift(m, 1, 9, 2, 2)
		c2 := *s2
		c2.Capacity = 5
		if err := volunteers.UpdateShift(f.ctx, d, f.org.LilleScope, &c2, s2.StartsAt.Add(time.Minute), tell); !errors.Is(err, volunteers.ErrClosed) {
			t.Errorf("changing a shift that has begun: %v, want ErrClosed", err)
		}
	})
}

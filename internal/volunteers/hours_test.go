package volunteers_test

import (
	"errors"
	"testing"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/volunteers"
)

func TestHoursConfirmApproveDeclineAndLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		m := f.mission(f.org.Lille, "Atelier", false)
		s := f.shift(m, 1, 14, 3, 4) // tomorrow 14:00–17:00
		ana := f.volunteer(f.org.Lille, "Ana")
		if _, err := f.signUp(ana, s, false); err != nil {
			t.Fatal(err)
		}
		if err := volunteers.ConfirmHours(f.ctx, d, ana, s.ID, true, 180, f.now); !errors.Is(err, volunteers.ErrNotYet) {
			t.Fatalf("hours before the shift: %v, want ErrNotYet", err)
		}
		after := s.EndsAt.Add(time.Hour)
		if err := volunteers.ConfirmHours(f.ctx, d, ana, s.ID, true, 25*60, after); !errors.Is(err, volunteers.ErrTooMany) {
			t.Fatalf("25 hours in a day: %v, want ErrTooMany", err)
		}
		if err := volunteers.ConfirmHours(f.ctx, d, ana, s.ID, true, 150, after); err != nil {
			t.Fatal(err)
		}
		// Changed while pending: one record, the last answer.
		if err := volunteers.ConfirmHours(f.ctx, d, ana, s.ID, true, s.Minutes(), after); err != nil {
			t.Fatal(err)
		}
		pending, err := volunteers.PendingHours(f.ctx, d, f.org.LilleScope, 0)
		if err != nil || len(pending) != 1 || pending[0].Minutes != 180 || pending[0].Day != s.StartsAt.Format(time.DateOnly) {
			t.Fatalf("pending %+v, %v: want one record of 180 minutes on the shift's day", pending, err)
		}
		if other, _ := volunteers.PendingHours(f.ctx, d, f.org.BordeauxScope, 0); len(other) != 0 {
			t.Fatalf("Bordeaux staff see Lille's hours: %+v", other)
		}
		if err := volunteers.DecideHours(f.ctx, d, f.org.BordeauxScope, f.org.BordeauxAdviser.ID, pending[0].ID, true, ""); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("Bordeaux staff approve Lille's hours: %v, want not found", err)
		}
		if err := volunteers.DecideHours(f.ctx, d, f.org.LilleScope, f.org.Adviser.ID, pending[0].ID, true, ""); err != nil {
			t.Fatal(err)
		}
		// Approved hours are locked: neither the volunteer nor staff change them.
		if err := volunteers.ConfirmHours(f.ctx, d, ana, s.ID, true, 60, after); !errors.Is(err, volunteers.ErrLocked) {
			t.Fatalf("changing approved hours: %v, want ErrLocked", err)
		}
		if err := volunteers.ConfirmHours(f.ctx, d, ana, s.ID, false, 0, after); !errors.Is(err, volunteers.ErrLocked) {
			t.Fatalf("saying an approved shift did not happen: %v, want ErrLocked", err)
		}
		if err := volunteers.DecideHours(f.ctx, d, f.org.LilleScope, f.org.Adviser.ID, pending[0].ID, false, "other"); !errors.Is(err, volunteers.ErrLocked) {
			t.Fatalf("declining approved hours: %v, want ErrLocked", err)
		}
		total, err := volunteers.ApprovedMinutes(f.ctx, d, ana.ID, 2026)
		if err != nil || total != 180 {
			t.Fatalf("approved in 2026: %d, %v; want 180", total, err)
		}

		// Ongoing work logged by the volunteer: not in the future, not before they
		// signed up, not beyond 24 hours a day in all.
		repair := f.mission(f.org.Lille, "Réparation à domicile", false)
		on := &volunteers.Shift{MissionID: repair.ID, Kind: volunteers.Ongoing, StartsAt: f.now.AddDate(0, -3, 0), Capacity: 10, CancelHours: 24}
		ids, err := volunteers.AddShifts(f.ctx, d, f.org.LilleScope, 0, on, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := volunteers.SignUp(f.ctx, d, ana, ids[0], false, f.now); err != nil {
			t.Fatal(err)
		}
		today := f.now.Format(time.DateOnly)
		for _, c := range []struct {
			day     string
			minutes int
			want    error
		}{
			{f.now.AddDate(0, 0, 1).Format(time.DateOnly), 60, volunteers.ErrFuture},
			{f.now.AddDate(0, 0, -1).Format(time.DateOnly), 60, volunteers.ErrBeforeSignup}, // signed up today
			{today, 23 * 60, nil},
			{today, 61, volunteers.ErrTooMany},
			{today, 60, nil},
		} {
			err := volunteers.LogHours(f.ctx, d, ana, ids[0], c.day, c.minutes, "2 portables", f.now)
			if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
				t.Fatalf("log %d minutes on %s: %v, want %v", c.minutes, c.day, err, c.want)
			}
		}
		pending, _ = volunteers.PendingHours(f.ctx, d, f.org.LilleScope, 0)
		if len(pending) != 2 {
			t.Fatalf("%d pending, want the two logged", len(pending))
		}
		if err := volunteers.DecideHours(f.ctx, d, f.org.LilleScope, f.org.Adviser.ID, pending[1].ID, false, "wrong_hours"); err != nil {
			t.Fatal(err)
		}
		mine, err := volunteers.MyHours(f.ctx, d, ana.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]int{}
		for _, h := range mine {
			states[h.State]++
			if h.State == volunteers.HoursDeclined && h.Reason != "wrong_hours" {
				t.Fatalf("declined without its reason: %+v", h)
			}
		}
		if states[volunteers.HoursApproved] != 1 || states[volunteers.HoursPending] != 1 || states[volunteers.HoursDeclined] != 1 {
			t.Fatalf("my hours by state: %v", states)
		}
	})
}

func TestDidNotHappenAndNoShow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		m := f.mission(f.org.Lille, "Atelier", false)
		s := f.shift(m, 1, 14, 2, 4)
		ana, ben := f.volunteer(f.org.Lille, "Ana"), f.volunteer(f.org.Lille, "Ben")
		f.signUp(ana, s, false)
		f.signUp(ben, s, false)
		after := s.EndsAt.Add(time.Hour)
		if err := volunteers.MarkNoShow(f.ctx, d, f.org.LilleScope, s.ID, ben.ID, true, f.now); !errors.Is(err, volunteers.ErrClosed) {
			t.Fatalf("a no-show before the shift: %v, want ErrClosed", err)
		}
		if err := volunteers.MarkNoShow(f.ctx, d, f.org.BordeauxScope, s.ID, ben.ID, true, after); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("Bordeaux staff mark a Lille no-show: %v", err)
		}
		if err := volunteers.ConfirmHours(f.ctx, d, ben, s.ID, true, 120, after); err != nil {
			t.Fatal(err)
		}
		if err := volunteers.MarkNoShow(f.ctx, d, f.org.LilleScope, s.ID, ben.ID, true, after); err != nil {
			t.Fatal(err)
		}
		if err := volunteers.ConfirmHours(f.ctx, d, ben, s.ID, true, 120, after); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("hours after a no-show: %v, want refused", err)
		}
		if err := volunteers.ConfirmHours(f.ctx, d, ana, s.ID, false, 0, after); err != nil {
			t.Fatal(err)
		}
		if got := f.states(s); got["Ana Test"] != volunteers.NotHappened || got["Ben Test"] != volunteers.NoShow {
			t.Fatalf("states %v", got)
		}
		if pending, _ := volunteers.PendingHours(f.ctx, d, f.org.LilleScope, 0); len(pending) != 0 {
			t.Fatalf("pending %+v, want none: Ben's went with the no-show", pending)
		}
	})
}

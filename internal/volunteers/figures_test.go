package volunteers_test

import (
	"testing"
	"time"

	"tremplin/internal/impact"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/volunteers"
)

// at is a day at noon in Lille.
func (f *fixture) at(day string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, day, f.loc)
	if err != nil {
		f.t.Fatal(err)
	}
	return t.Add(12 * time.Hour)
}

// joined signs a volunteer up (pending) on day and validates them the next day.
func (f *fixture) joined(antenna int64, sc auth.Scope, name, phone, day string) *volunteers.Volunteer {
	f.t.Helper()
	v := &volunteers.Volunteer{AntennaID: antenna, FirstName: name, LastName: "Test", Phone: phone, Lang: "fr"}
	if err := volunteers.Join(f.ctx, f.d, v, 1, f.at(day), nil); err != nil {
		f.t.Fatal(err)
	}
	if err := volunteers.Decide(f.ctx, f.d, sc, v.ID, "active", "", f.org.Adviser.ID, f.at(day).AddDate(0, 0, 1), nil); err != nil {
		f.t.Fatal(err)
	}
	return v
}

// gave logs minutes on an ongoing shift on day, then staff decide them
// (approve or decline; "" leaves them pending).
func (f *fixture) gave(v *volunteers.Volunteer, sc auth.Scope, shiftID int64, day string, minutes int, decision string) {
	f.t.Helper()
	if err := volunteers.LogHours(f.ctx, f.d, v, shiftID, day, minutes, "", f.at(day)); err != nil {
		f.t.Fatal(err)
	}
	if decision == "" {
		return
	}
	pending, err := volunteers.PendingHours(f.ctx, f.d, sc, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, h := range pending {
		if h.VolunteerID == v.ID && h.Day == day {
			if err := volunteers.DecideHours(f.ctx, f.d, sc, f.org.Adviser.ID, h.ID, decision == "approve", "other"); err != nil {
				f.t.Fatal(err)
			}
			return
		}
	}
	f.t.Fatalf("%s's hours of %s are not pending", v.FirstName, day)
}

// ongoing opens an ongoing shift of a new mission of the antenna from start.
func (f *fixture) ongoing(antenna int64, sc auth.Scope, title, start string) int64 {
	f.t.Helper()
	m := &volunteers.Mission{AntennaID: antenna, Title: title, Active: true}
	if err := volunteers.SaveMission(f.ctx, f.d, sc, m); err != nil {
		f.t.Fatal(err)
	}
	ids, err := volunteers.AddShifts(f.ctx, f.d, sc, 0, &volunteers.Shift{MissionID: m.ID, Kind: volunteers.Ongoing, StartsAt: f.at(start),
		Capacity: 10, CancelHours: 24}, 1)
	if err != nil {
		f.t.Fatal(err)
	}
	return ids[0]
}

func (f *fixture) signedUp(v *volunteers.Volunteer, shiftID int64, day string) {
	f.t.Helper()
	if _, err := volunteers.SignUp(f.ctx, f.d, v, shiftID, false, f.at(day)); err != nil {
		f.t.Fatal(err)
	}
}

// The dashboard's volunteers by antenna: active are those who gave approved
// hours in the period (pending or declined hours make no one active, someone
// who left before the period is not active), new those validated in it (kept
// when they leave), hours and value at each day's rate; a Lille filter never
// shows Bordeaux's volunteers.
func TestDashboardVolunteerFigures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		lilleSc, bordeauxSc := f.org.LilleScope, f.org.BordeauxScope
		atelier := f.ongoing(f.org.Lille, lilleSc, "Atelier", "2025-01-06")
		repair := f.ongoing(f.org.Bordeaux, bordeauxSc, "Réparation", "2025-01-06")

		// Chloé: validated in January 2025, 1 h approved in March, left in June 2025.
		chloe := f.joined(f.org.Lille, lilleSc, "Chloé", "+33600000001", "2025-01-10")
		f.signedUp(chloe, atelier, "2025-01-12")
		f.gave(chloe, lilleSc, atelier, "2025-03-01", 60, "approve")
		if err := volunteers.Decide(f.ctx, d, lilleSc, chloe.ID, "left", "", f.org.Adviser.ID, f.at("2025-06-01"), nil); err != nil {
			t.Fatal(err)
		}
		// Ana (validated before the period): 2 h approved, 1 h declined, 30 min pending in 2026.
		ana := f.joined(f.org.Lille, lilleSc, "Ana", "+33600000002", "2025-11-02")
		f.signedUp(ana, atelier, "2025-11-05")
		f.gave(ana, lilleSc, atelier, "2026-03-10", 120, "approve")
		f.gave(ana, lilleSc, atelier, "2026-03-11", 60, "decline")
		f.gave(ana, lilleSc, atelier, "2026-03-12", 30, "")
		// Ben: validated in May 2026, only pending hours.
		ben := f.joined(f.org.Lille, lilleSc, "Ben", "+33600000003", "2026-05-01")
		f.signedUp(ben, atelier, "2026-05-03")
		f.gave(ben, lilleSc, atelier, "2026-05-04", 90, "")
		// Dan in Bordeaux: validated in February 2026, 10 h approved.
		dan := f.joined(f.org.Bordeaux, bordeauxSc, "Dan", "+33600000004", "2026-02-01")
		f.signedUp(dan, repair, "2026-02-02")
		f.gave(dan, bordeauxSc, repair, "2026-02-03", 600, "approve")

		year := impact.Filter{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
		lille := year
		lille.Antennas = []int64{f.org.Lille}
		rows, total, err := volunteers.PeriodFigures(f.ctx, d, lille)
		if err != nil {
			t.Fatal(err)
		}
		// 2 h × 12,02 € × 1,45 = 34,858 €.
		want := volunteers.AntennaFigures{AntennaID: f.org.Lille, Name: "Lille", Active: 1, New: 1, Minutes: 120, Value: 3486}
		if len(rows) != 1 || rows[0] != want {
			t.Fatalf("Lille in 2026: %+v, want only %+v", rows, want)
		}
		if total.Active != 1 || total.New != 1 || total.Minutes != 120 || total.Value != 3486 {
			t.Errorf("Lille's total %+v", total)
		}

		rows, total, err = volunteers.PeriodFigures(f.ctx, d, year)
		if err != nil {
			t.Fatal(err)
		}
		// Bordeaux: 10 h × 17,429 € = 174,29 €.
		if len(rows) != 2 || rows[0] != (volunteers.AntennaFigures{AntennaID: f.org.Bordeaux, Name: "Bordeaux", Active: 1, New: 1, Minutes: 600, Value: 17429}) {
			t.Fatalf("the association in 2026: %+v", rows)
		}
		if total.Active != 2 || total.New != 2 || total.Minutes != 720 || total.Value != 3486+17429 {
			t.Errorf("the association's total %+v", total)
		}
		// A calendar year gives the yearly valuation's figures.
		v, err := volunteers.YearValuation(f.ctx, d, auth.Scope{All: true}, 2026)
		if err != nil || v.Total.Minutes != total.Minutes || v.Total.Value != total.Value {
			t.Errorf("valuation %+v, %v; dashboard %+v", v.Total, err, total)
		}

		// 2025: Chloé was active and new, though she has left since. 1 h × 11,88 € × 1,45 = 17,226 €.
		lille.From, lille.To = lille.From.AddDate(-1, 0, 0), lille.To.AddDate(-1, 0, 0)
		rows, _, err = volunteers.PeriodFigures(f.ctx, d, lille)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Active != 1 || rows[0].New != 2 || rows[0].Minutes != 60 || rows[0].Value != 1723 {
			t.Fatalf("Lille in 2025: %+v, want Chloé active, Chloé and Ana new, 1 h worth 17,23 €", rows)
		}
		// Staff with no antenna at all see nothing.
		none := year
		none.Antennas = []int64{}
		if rows, total, err := volunteers.PeriodFigures(f.ctx, d, none); err != nil || len(rows) != 0 || total.Active != 0 || total.Minutes != 0 {
			t.Errorf("no antenna: %+v %+v %v", rows, total, err)
		}
	})
}

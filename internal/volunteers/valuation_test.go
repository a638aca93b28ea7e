package volunteers_test

import (
	"database/sql"
	"testing"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/volunteers"
)

// given stores hours of v on a mission, in a state, without the shift's
// journey (the hours' rules have their own tests).
func (f *fixture) given(v *volunteers.Volunteer, m *volunteers.Mission, day string, minutes int, state string) {
	f.t.Helper()
	err := f.d.Tx(f.ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(f.ctx, `INSERT INTO volunteer_hours (volunteer_id, antenna_id, mission_id, day, minutes, state, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, v.ID, m.AntennaID, m.ID, day, minutes, state, db.Now()); err != nil {
			return err
		}
		return volunteers.Recount(f.ctx, tx, m.AntennaID, m.ID, day)
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// Each approved hour is valued at the rate in force on its day (the 2025 and
// 2026 minimum wages with 45 % employer charges, then a rate the board sets
// from 15 March); pending and declined hours are not counted; staff see their
// antennas' figures only, the national admin all.
func TestValuationAtTheRateOfEachDay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		atelier := f.mission(f.org.Lille, "Atelier", false)
		repair := &volunteers.Mission{AntennaID: f.org.Bordeaux, Title: "Réparation", Active: true}
		if err := volunteers.SaveMission(f.ctx, d, f.org.BordeauxScope, repair); err != nil {
			t.Fatal(err)
		}
		ana, ben := f.volunteer(f.org.Lille, "Ana"), f.volunteer(f.org.Bordeaux, "Ben")
		f.given(ana, atelier, "2025-12-31", 120, volunteers.HoursApproved)
		f.given(ana, atelier, "2026-01-05", 90, volunteers.HoursApproved)
		f.given(ana, atelier, "2026-01-06", 60, volunteers.HoursPending)
		f.given(ana, atelier, "2026-01-07", 60, volunteers.HoursDeclined)
		f.given(ana, atelier, "2026-03-10", 60, volunteers.HoursApproved)
		f.given(ana, atelier, "2026-03-20", 60, volunteers.HoursApproved)
		f.given(ben, repair, "2026-02-01", 600, volunteers.HoursApproved)
		if err := volunteers.SaveRate(f.ctx, d, volunteers.Rate{ValidFrom: "2026-03-15", GrossCents: 1300, ChargesBP: 4000, Label: "CA du 10 mars"}, f.org.Adviser.ID); err != nil {
			t.Fatal(err)
		}
		all := auth.Scope{All: true}

		v, err := volunteers.YearValuation(f.ctx, d, all, 2025)
		if err != nil {
			t.Fatal(err)
		}
		// 2 h × 11,88 € × 1,45 = 34,452 €.
		if v.Total.Minutes != 120 || v.Total.Value != 3445 || v.Months[11].Value != 3445 {
			t.Errorf("2025: %+v, want 2 h worth 34,45 €", v.Total)
		}

		v, err = volunteers.YearValuation(f.ctx, d, all, 2026)
		if err != nil {
			t.Fatal(err)
		}
		// January: 1,5 h × 12,02 × 1,45 = 26,14 €; March: 1 h × 17,429 + 1 h × 13 × 1,40 = 35,63 €;
		// Bordeaux in February: 10 h × 17,429 = 174,29 €.
		if v.Total.Minutes != 810 || v.Total.Value != 2614+3563+17429 {
			t.Errorf("2026 total %+v, want 13 h 30 worth 236,06 €", v.Total)
		}
		if v.Months[0] != (volunteers.Sum{Minutes: 90, Value: 2614}) || v.Months[1].Value != 17429 || v.Months[2] != (volunteers.Sum{Minutes: 120, Value: 3563}) {
			t.Errorf("by month %+v", v.Months)
		}
		if len(v.Rates) != 2 || v.Rates[0].ValidFrom != "2026-01-01" || v.Rates[1].Hourly() != 1820 {
			t.Errorf("rates in force in 2026: %+v", v.Rates)
		}
		if len(v.Antennas) != 2 || v.Antennas[0].AntennaName != "Bordeaux" || v.Antennas[1].Value != 2614+3563 {
			t.Errorf("by antenna %+v", v.Antennas)
		}
		if len(v.Missions) != 2 || v.Missions[1].MissionTitle != "Atelier" || v.Missions[1].Minutes != 210 {
			t.Errorf("by mission %+v", v.Missions)
		}

		lille, err := volunteers.YearValuation(f.ctx, d, f.org.LilleScope, 2026)
		if err != nil || lille.Total.Minutes != 210 || len(lille.Antennas) != 1 || lille.Antennas[0].AntennaID != f.org.Lille {
			t.Errorf("Lille's staff see %+v, %v: want Lille's 3 h 30 only", lille, err)
		}
		bordeaux, _ := volunteers.YearValuation(f.ctx, d, f.org.BordeauxScope, 2026)
		if bordeaux.Total.Minutes != 600 || bordeaux.Total.Value != 17429 {
			t.Errorf("Bordeaux's staff see %+v", bordeaux.Total)
		}

		// Hours before the first rate are counted but not valued.
		f.given(ana, atelier, "2024-06-01", 60, volunteers.HoursApproved)
		old, _ := volunteers.YearValuation(f.ctx, d, all, 2024)
		if old.Total.Minutes != 60 || old.Total.Value != 0 || old.Unvalued != 60 {
			t.Errorf("2024, before any rate: %+v", old)
		}
	})
}

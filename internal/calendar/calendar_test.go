package calendar_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tremplin/internal/calendar"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// antennaFixture is an antenna in France and its manager.
type antennaFixture struct {
	Ctx     context.Context
	Antenna *org.Antenna
	Staff   *auth.Staff
}

func newAntenna(t *testing.T, d *db.DB, name, tz string) *antennaFixture {
	t.Helper()
	f := &antennaFixture{Ctx: context.Background()}
	f.Antenna = &org.Antenna{Name: name, City: name, Country: "FR", Timezone: tz}
	if err := org.SaveAntenna(f.Ctx, d, f.Antenna); err != nil {
		t.Fatal(err)
	}
	f.Staff = &auth.Staff{Name: "Responsable " + name, Email: "resp@" + name + ".example", Role: auth.Manager, Lang: "fr", Active: true, Antennas: []int64{f.Antenna.ID}}
	if err := auth.Save(f.Ctx, d, f.Staff); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFrenchHolidaysFollowEaster(t *testing.T) {
	for year, want := range map[int]string{2024: "03-31", 2025: "04-20", 2026: "04-05", 2027: "03-28", 2038: "04-25"} {
		if got := calendar.Easter(year).Format("01-02"); got != want {
			t.Errorf("Easter %d: %s, want %s", year, got, want)
		}
	}
	var days []string
	for _, h := range calendar.FrenchHolidays(2027) {
		days = append(days, h.Date.Format("01-02"))
	}
	if want := "[01-01 03-29 05-01 05-08 05-06 05-17 07-14 08-15 11-01 11-11 12-25]"; fmt.Sprint(days) != want {
		t.Fatalf("2027 holidays %v, want %s", days, want)
	}
}

// Closed days: French holidays for an antenna in France only, and the antenna's
// own closures.
func TestClosedDaysAreHolidaysInFranceAndTheAntennasClosures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newAntenna(t, d, "Lille", "Europe/Paris")
		day := func(m time.Month, d int) time.Time { return time.Date(2027, m, d, 0, 0, 0, 0, time.UTC) }
		k := &calendar.Closure{AntennaID: f.Antenna.ID, StartsOn: day(4, 30), EndsOn: day(5, 4), Label: "Déménagement"}
		for range 2 {
			if err := calendar.AddClosure(f.Ctx, d, k, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		list, err := calendar.Closures(f.Ctx, d, f.Antenna.ID, day(1, 1))
		if err != nil || len(list) != 1 {
			t.Fatalf("closures after adding twice: %v %+v", err, list)
		}
		closed, err := calendar.ClosedDays(f.Ctx, d, f.Antenna.ID, "FR", day(4, 1), day(5, 31))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"2027-03-29", "2027-04-30", "2027-05-01", "2027-05-04", "2027-05-06", "2027-05-08", "2027-05-17"} {
			if _, ok := closed[want]; !ok && want >= "2027-04-01" {
				t.Errorf("%s is not closed", want)
			}
		}
		if closed["2027-05-01"].Key != "training.holiday.labour_day" || closed["2027-05-02"].Label != "Déménagement" || len(closed) != 8 {
			t.Fatalf("closed days %+v", closed)
		}
		abroad, err := calendar.ClosedDays(f.Ctx, d, f.Antenna.ID, "MW", day(4, 1), day(5, 31))
		if err != nil || len(abroad) != 5 {
			t.Fatalf("abroad: only the closure's five days, got %v %+v", err, abroad)
		}
		if err := calendar.DeleteClosure(f.Ctx, d, k.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := calendar.Closures(f.Ctx, d, f.Antenna.ID, day(1, 1)); len(list) != 0 {
			t.Fatalf("closures after removing: %+v", list)
		}
	})
}

package catalogue_test

import (
	"errors"
	"testing"
	"time"

	"tremplin/internal/catalogue"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/training"
	"tremplin/internal/training/trainingtest"
)

func TestCatalogueShowsOpenCohortsWithSeatsLeftInOneQuery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		other := trainingtest.New(t, d, "Bordeaux", "Europe/Paris")
		today := time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC)
		open := f.Cohort(4, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
		if _, err := training.Enrol(f.Ctx, d, open.ID, f.Learner("Un"), f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		over := f.Cohort(4, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)) // ended before today
		_ = over
		elsewhere := other.Cohort(8, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
		cert := &training.Programme{Title: "Développeur·se web", Level: "certifiant", TotalHours: 600, Certifying: true}
		if err := training.SaveProgramme(f.Ctx, d, cert); err != nil {
			t.Fatal(err)
		}
		all, err := catalogue.Catalogue(f.Ctx, d, 0, 0, today)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 || all[2].Title != "Développeur·se web" || len(all[2].Cohorts) != 0 {
			t.Fatalf("catalogue: %+v", all)
		}
		var lille *catalogue.Offer
		for _, o := range all {
			if o.ID == f.Programme.ID {
				lille = o
			}
		}
		if len(lille.Cohorts) != 1 || lille.Cohorts[0].ID != open.ID || lille.Cohorts[0].SeatsLeft != 3 {
			t.Fatalf("Lille's programme: %+v", lille.Cohorts)
		}
		only, err := catalogue.Catalogue(f.Ctx, d, other.Antenna.ID, 0, today)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, o := range only {
			for _, c := range o.Cohorts {
				n++
				if c.ID != elsewhere.ID {
					t.Errorf("Bordeaux filter shows cohort %d", c.ID)
				}
			}
		}
		if n != 1 {
			t.Fatalf("Bordeaux filter: %d cohorts", n)
		}
	})
}

// A visitor is not offered a session that has begun (the catalogue hides it, and
// PublicSession refuses it); an upcoming one comes with its weekly days and hours.
func TestStartedSessionsAreNotOffered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		today := trainingtest.Monday.AddDate(0, 0, 2) // the Wednesday of its first week
		started := f.Cohort(8, trainingtest.Monday)
		upcoming := f.Cohort(8, trainingtest.Monday.AddDate(0, 0, 7))
		loc := training.Location(f.Antenna.Timezone)
		slots := training.Weekly(upcoming.StartsOn, upcoming.EndsOn, []time.Weekday{time.Tuesday, time.Thursday}, 9*60+30, 12*60+30, nil, loc)
		if _, err := training.AddMeetings(f.Ctx, d, upcoming.ID, slots); err != nil {
			t.Fatal(err)
		}
		all, err := catalogue.Catalogue(f.Ctx, d, 0, 0, today)
		if err != nil {
			t.Fatal(err)
		}
		var shown []int64
		for _, o := range all {
			for _, c := range o.Cohorts {
				shown = append(shown, c.ID)
			}
		}
		if len(shown) != 1 || shown[0] != upcoming.ID {
			t.Fatalf("catalogue offers cohorts %v, want only %d (not %d, started)", shown, upcoming.ID, started.ID)
		}
		if _, err := catalogue.PublicSession(f.Ctx, d, started.ID, today); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("a started session: %v", err)
		}
		s, err := catalogue.PublicSession(f.Ctx, d, upcoming.ID, today)
		if err != nil {
			t.Fatal(err)
		}
		if s.ProgrammeID != f.Programme.ID || s.Place() == "" || s.Schedule.Words(i18n.For("en")) != "Tuesdays and Thursdays, 9:30–12:30" {
			t.Fatalf("upcoming session: %+v, %q", s, s.Schedule.Words(i18n.For("en")))
		}
	})
}

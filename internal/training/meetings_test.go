package training_test

import (
	"fmt"
	"testing"
	"time"

	"tremplin/internal/attendance"
	"tremplin/internal/org"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/training"
	"tremplin/internal/training/trainingtest"
)

// Hours planned leave out a cancelled meeting; hours attended leave out a mark
// made ahead of its meeting.
func TestHoursLeaveOutCancelledMeetingsAndMarksMadeAhead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		c, ms := f.Around(-48*time.Hour, -24*time.Hour, 72*time.Hour)
		ana := f.Learner("Ana")
		if _, err := training.Enrol(f.Ctx, d, c.ID, ana, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		if err := attendance.SaveAttendance(f.Ctx, d, ms[0].ID, map[int64]string{ana: "present"}, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		if err := training.CancelMeeting(f.Ctx, d, ms[1].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(f.Ctx, "INSERT INTO attendance (meeting_id, learner_id, mark, marked_at) VALUES ($1, $2, 'present', $3)",
			ms[2].ID, ana, db.Now()); err != nil {
			t.Fatal(err)
		}
		views, err := training.LearnerEnrolments(f.Ctx, d, ana)
		if err != nil {
			t.Fatal(err)
		}
		if len(views) != 1 || views[0].HoursPlanned != 4 || views[0].HoursAttended != 2 {
			t.Fatalf("planned %v attended %v, want 4 and 2", views[0].HoursPlanned, views[0].HoursAttended)
		}
		roster, err := training.Roster(f.Ctx, d, c.ID)
		if err != nil || len(roster) != 1 || roster[0].Attended != 2 {
			t.Fatalf("roster: %v %+v", err, roster)
		}
		meetings, _ := training.Meetings(f.Ctx, d, c.ID, c.Loc())
		if h := training.PlannedHours(meetings); h != 4 {
			t.Fatalf("planned hours %v, want 4", h)
		}
		events, err := training.CohortEvents(f.Ctx, d, c.ID)
		if err != nil || len(events) != 3 || !events[1].Cancelled || events[0].Cancelled {
			t.Fatalf("feed events: %v %+v", err, events)
		}
		// Restored, it counts again.
		if err := training.RestoreMeeting(f.Ctx, d, ms[1].ID); err != nil {
			t.Fatal(err)
		}
		meetings, _ = training.Meetings(f.Ctx, d, c.ID, c.Loc())
		if h := training.PlannedHours(meetings); h != 6 {
			t.Fatalf("planned hours after restoring %v, want 6", h)
		}
	})
}

// Overlaps: another meeting of the cohort, of the same place or of the same
// adviser at the same time; meetings that only touch, cancelled ones, and other
// places and people do not clash.
func TestClashesFindTheCohortThePlaceAndTheAdviser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		loc := training.Location("Europe/Paris")
		at := func(day, h, m int) time.Time { return time.Date(2026, 3, day, h, m, 0, 0, loc) }
		a := f.Cohort(10, trainingtest.Monday)
		b := f.Cohort(10, trainingtest.Monday)
		if _, err := training.AddMeetings(f.Ctx, d, b.ID, []training.Slot{{at(3, 9, 0), at(3, 12, 0)}, {at(4, 9, 0), at(4, 12, 0)}, {at(5, 14, 0), at(5, 16, 0)}}); err != nil {
			t.Fatal(err)
		}
		if _, err := training.AddMeetings(f.Ctx, d, a.ID, []training.Slot{{at(6, 9, 0), at(6, 12, 0)}}); err != nil {
			t.Fatal(err)
		}
		bm, _ := training.Meetings(f.Ctx, d, b.ID, loc)
		if err := training.CancelMeeting(f.Ctx, d, bm[2].ID); err != nil {
			t.Fatal(err)
		}
		plan := training.Plan{Cohort: a, PlaceID: f.Place.ID, Advisers: a.Advisers}
		got, err := training.Clashes(f.Ctx, d, plan, []training.Slot{
			{at(3, 11, 0), at(3, 13, 0)},  // b's place and adviser (the manager teaches both)
			{at(4, 12, 0), at(4, 13, 0)},  // touches b's end: no clash
			{at(5, 14, 30), at(5, 15, 0)}, // b's cancelled meeting: no clash
			{at(6, 9, 0), at(6, 10, 0)},   // a's own meeting, same start: skipped, not a clash
			{at(6, 10, 0), at(6, 13, 0)},  // a's own meeting: a clash in the cohort
		})
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, c := range got {
			kinds = append(kinds, fmt.Sprintf("%s@%d", c.Kind, c.Slot.Start.Day()))
		}
		if fmt.Sprint(kinds) != "[place@3 cohort@6]" {
			t.Fatalf("clashes %v", kinds)
		}
		// In another place, with nobody of b's: no clash on the 3rd.
		other := *f.Place
		other.ID, other.Name = 0, "Autre salle"
		if err := org.SavePlace(f.Ctx, d, &other); err != nil {
			t.Fatal(err)
		}
		got, err = training.Clashes(f.Ctx, d, training.Plan{Cohort: a, PlaceID: other.ID, Advisers: []int64{-1}}, []training.Slot{{at(3, 11, 0), at(3, 13, 0)}})
		if err != nil || len(got) != 0 {
			t.Fatalf("another place and adviser: %v %+v", err, got)
		}
		got, err = training.Clashes(f.Ctx, d, training.Plan{Cohort: a, PlaceID: other.ID, Advisers: a.Advisers}, []training.Slot{{at(3, 11, 0), at(3, 13, 0)}})
		if err != nil || len(got) != 1 || got[0].Kind != "adviser" || got[0].What != f.Staff.Name {
			t.Fatalf("same adviser elsewhere: %v %+v", err, got)
		}
	})
}

// A weekly timetable keeps its local hours across a change to summer time, and
// skips the dates asked.
func TestWeeklyTimetableKeepsLocalHoursAcrossDaylightSaving(t *testing.T) {
	paris := training.Location("Europe/Paris")
	first := time.Date(2027, 3, 22, 0, 0, 0, 0, time.UTC) // Monday; summer time starts on Sunday 28 March
	last := time.Date(2027, 4, 9, 0, 0, 0, 0, time.UTC)
	slots := training.Weekly(first, last, []time.Weekday{time.Tuesday, time.Thursday}, 9*60+30, 12*60, map[string]bool{"2027-04-01": true}, paris)
	var days []string
	for _, s := range slots {
		days = append(days, s.Start.Format("01-02 15:04 -0700"))
		if s.End.Sub(s.Start) != 150*time.Minute {
			t.Errorf("meeting of %v", s.End.Sub(s.Start))
		}
	}
	want := "[03-23 09:30 +0100 03-25 09:30 +0100 03-30 09:30 +0200 04-06 09:30 +0200 04-08 09:30 +0200]"
	if fmt.Sprint(days) != want {
		t.Fatalf("slots %v\nwant  %s", days, want)
	}
}

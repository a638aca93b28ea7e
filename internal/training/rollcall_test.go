package training_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/training"
	"tremplin/internal/training/trainingtest"
)

// A roll call opens a quarter of an hour before the meeting; before, and for a
// cancelled meeting or cohort, marks are refused and nothing is saved.
func TestRollCallOpensAtTheMeetingsStartAndNeverWhenCancelled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		c, ms := f.Around(-time.Hour, 10*time.Minute, 2*time.Hour, -48*time.Hour)
		ana := f.Learner("Ana")
		if _, err := training.Enrol(f.Ctx, d, c.ID, ana, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		started, soon, later, cancelled := ms[1], ms[2], ms[3], ms[0]
		for _, m := range []training.Meeting{started, soon} {
			if err := training.SaveAttendance(f.Ctx, d, m.ID, map[int64]string{ana: "present"}, f.Staff.ID); err != nil {
				t.Fatalf("meeting at %v: %v", m.Start, err)
			}
		}
		if err := training.SaveAttendance(f.Ctx, d, later.ID, map[int64]string{ana: "present"}, f.Staff.ID); !errors.Is(err, training.ErrRollCallClosed) || f.Marks(later.ID) != 0 {
			t.Fatalf("meeting in two hours: %v, %d marks", err, f.Marks(later.ID))
		}
		if r := training.RollCallRefusal(&later, c, time.Now()); r != "training.rollcall_early" {
			t.Fatalf("refusal before the start: %q", r)
		}
		if err := training.CancelMeeting(f.Ctx, d, cancelled.ID); err != nil {
			t.Fatal(err)
		}
		if err := training.SaveAttendance(f.Ctx, d, cancelled.ID, map[int64]string{ana: "absent"}, f.Staff.ID); !errors.Is(err, training.ErrRollCallClosed) || f.Marks(cancelled.ID) != 0 {
			t.Fatalf("cancelled meeting: %v", err)
		}
		// A meeting whose roll call was taken cannot be cancelled.
		if err := training.CancelMeeting(f.Ctx, d, started.ID); !errors.Is(err, training.ErrMeetingMarked) {
			t.Fatalf("cancel a meeting with marks: %v", err)
		}
		// A cancelled cohort takes no roll call at all.
		if _, err := training.CancelCohort(f.Ctx, d, c.ID, f.Staff.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := training.SaveAttendance(f.Ctx, d, started.ID, map[int64]string{ana: "late"}, f.Staff.ID); !errors.Is(err, training.ErrRollCallClosed) {
			t.Fatalf("meeting of a cancelled cohort: %v", err)
		}
		c = f.Load(c.ID)
		if r := training.RollCallRefusal(&started, c, time.Now()); r != "training.rollcall_cohort_cancelled" {
			t.Fatalf("refusal for a cancelled cohort: %q", r)
		}
	})
}

// "Absent twice in a row" counts the meetings already started and standing: a
// cancelled meeting in between, or a mark made ahead of a future meeting, does not
// change who is alerted. The list comes a page at a time.
func TestAlertsCountPastStandingMeetingsAndPaginate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		c, ms := f.Around(-72*time.Hour, -48*time.Hour, -24*time.Hour, 48*time.Hour)
		first, between, last, future := ms[0], ms[1], ms[2], ms[3]
		gap, ahead := f.Learner("Gap"), f.Learner("Ahead")
		var crowd []int64
		for i := range 23 {
			crowd = append(crowd, f.Learner(fmt.Sprintf("Foule%02d", i)))
		}
		for _, l := range append([]int64{gap, ahead}, crowd...) {
			if _, err := training.Enrol(f.Ctx, d, c.ID, l, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		save := func(m training.Meeting, marks map[int64]string) {
			t.Helper()
			if err := training.SaveAttendance(f.Ctx, d, m.ID, marks, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		save(first, map[int64]string{gap: "absent", ahead: "present"})
		save(between, map[int64]string{gap: "present", ahead: "present"})
		m3 := map[int64]string{gap: "absent", ahead: "absent"}
		for _, l := range crowd {
			m3[l] = "absent"
		}
		save(last, m3)
		m2 := map[int64]string{}
		for _, l := range crowd {
			m2[l] = "absent"
		}
		save(between, m2)
		// A mark made days ahead of the future meeting (as before roll calls waited
		// for the start): written directly, it must change nothing.
		if _, err := d.Exec(f.Ctx, "INSERT INTO attendance (meeting_id, learner_id, mark, marked_at) VALUES ($1, $2, 'absent', $3)",
			future.ID, ahead, db.Now()); err != nil {
			t.Fatal(err)
		}
		all := func() map[int64]bool {
			t.Helper()
			out := map[int64]bool{}
			var after int64
			for page := 0; ; page++ {
				got, next, err := training.AbsenceAlerts(f.Ctx, d, f.Staff.Scope(), time.Now(), after, 20)
				if err != nil {
					t.Fatal(err)
				}
				if next != 0 && len(got) < 20 {
					t.Fatalf("page %d: %d alerts and more", page, len(got))
				}
				after = next
				for _, a := range got {
					if out[a.LearnerID] {
						t.Fatalf("learner %d on two pages", a.LearnerID)
					}
					out[a.LearnerID] = true
				}
				if next == 0 {
					return out
				}
			}
		}
		got := all()
		if len(got) != 23 || got[gap] || got[ahead] {
			t.Fatalf("alerts: %d, gap %v, ahead %v", len(got), got[gap], got[ahead])
		}
		// The meeting in between is cancelled (with its cohort's other plans): Gap
		// was absent at the two last meetings that stand.
		if _, err := d.Exec(f.Ctx, "UPDATE meetings SET cancelled_at = $1 WHERE id = $2", db.Now(), between.ID); err != nil {
			t.Fatal(err)
		}
		if got := all(); !got[gap] || got[ahead] {
			t.Fatalf("after cancelling the meeting in between: gap %v, ahead %v", got[gap], got[ahead])
		}
		if got, _, _ := training.AbsenceAlerts(f.Ctx, d, auth.Scope{StaffID: -1}, time.Now(), 0, 20); len(got) != 0 {
			t.Fatalf("someone without an antenna sees %d alerts", len(got))
		}
	})
}

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
		if err := training.SaveAttendance(f.Ctx, d, ms[0].ID, map[int64]string{ana: "present"}, f.Staff.ID); err != nil {
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

// "My meetings": the roll calls not taken, the most overdue first, of the meetings
// an adviser teaches (their own, or their cohorts' when the meeting names nobody).
func TestRollCallsToTakeAreTheAdvisersOverdueMeetings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		adviser := &auth.Staff{Name: "Karim", Email: "karim@lille.example", Role: auth.Adviser, Lang: "fr", Active: true, Antennas: []int64{f.Antenna.ID}}
		if err := auth.Save(f.Ctx, d, adviser); err != nil {
			t.Fatal(err)
		}
		c, ms := f.Around(-72*time.Hour, -48*time.Hour, -24*time.Hour, -10*time.Minute, 5*time.Minute, 3*time.Hour)
		other, _ := f.Around(-30 * time.Hour) // taught by the manager alone
		_ = other
		ana := f.Learner("Ana")
		if _, err := training.Enrol(f.Ctx, d, c.ID, ana, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		// Karim teaches the cohort's meetings, but one of them is given to the
		// manager, one is taken, one cancelled.
		if _, err := d.Exec(f.Ctx, "INSERT INTO cohort_advisers (cohort_id, staff_id) VALUES ($1, $2)", c.ID, adviser.ID); err != nil {
			t.Fatal(err)
		}
		given := ms[1]
		given.StaffID = f.Staff.ID
		if err := training.UpdateMeeting(f.Ctx, d, &given); err != nil {
			t.Fatal(err)
		}
		if err := training.SaveAttendance(f.Ctx, d, ms[2].ID, map[int64]string{ana: "present"}, adviser.ID); err != nil {
			t.Fatal(err)
		}
		if err := training.CancelMeeting(f.Ctx, d, ms[3].ID); err != nil {
			t.Fatal(err)
		}
		got, more, err := training.RollCallsToTake(f.Ctx, d, adviser, time.Now(), 0, 20)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, r := range got {
			ids = append(ids, r.MeetingID)
		}
		if more || fmt.Sprint(ids) != fmt.Sprint([]int64{ms[0].ID, ms[4].ID}) {
			t.Fatalf("Karim's roll calls %v, want %v", ids, []int64{ms[0].ID, ms[4].ID})
		}
		next, err := training.NextMeetings(f.Ctx, d, adviser, time.Now(), 10)
		if err != nil || len(next) != 1 || next[0].MeetingID != ms[5].ID {
			t.Fatalf("Karim's next meetings: %v %+v", err, next)
		}
		// The manager answers for every meeting of the antenna, a page at a time.
		page1, more, err := training.RollCallsToTake(f.Ctx, d, f.Staff, time.Now(), 0, 2)
		if err != nil || !more || len(page1) != 2 || page1[0].MeetingID != ms[0].ID {
			t.Fatalf("manager's first page: %v %v %+v", err, more, page1)
		}
		page2, more, err := training.RollCallsToTake(f.Ctx, d, f.Staff, time.Now(), 2, 2)
		if err != nil || more || len(page2) != 2 {
			t.Fatalf("manager's second page: %v %v %+v", err, more, page2)
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

func TestFrenchHolidaysFollowEaster(t *testing.T) {
	for year, want := range map[int]string{2024: "03-31", 2025: "04-20", 2026: "04-05", 2027: "03-28", 2038: "04-25"} {
		if got := training.Easter(year).Format("01-02"); got != want {
			t.Errorf("Easter %d: %s, want %s", year, got, want)
		}
	}
	var days []string
	for _, h := range training.FrenchHolidays(2027) {
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
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		day := func(m time.Month, d int) time.Time { return time.Date(2027, m, d, 0, 0, 0, 0, time.UTC) }
		k := &training.Closure{AntennaID: f.Antenna.ID, StartsOn: day(4, 30), EndsOn: day(5, 4), Label: "Déménagement"}
		for range 2 {
			if err := training.AddClosure(f.Ctx, d, k, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		list, err := training.Closures(f.Ctx, d, f.Antenna.ID, day(1, 1))
		if err != nil || len(list) != 1 {
			t.Fatalf("closures after adding twice: %v %+v", err, list)
		}
		closed, err := training.ClosedDays(f.Ctx, d, f.Antenna.ID, "FR", day(4, 1), day(5, 31))
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
		abroad, err := training.ClosedDays(f.Ctx, d, f.Antenna.ID, "MW", day(4, 1), day(5, 31))
		if err != nil || len(abroad) != 5 {
			t.Fatalf("abroad: only the closure's five days, got %v %+v", err, abroad)
		}
		if err := training.DeleteClosure(f.Ctx, d, k.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := training.Closures(f.Ctx, d, f.Antenna.ID, day(1, 1)); len(list) != 0 {
			t.Fatalf("closures after removing: %+v", list)
		}
	})
}

// Pages of alerts hold whole cohorts, the most recent first, at least the page
// size unless last; the cursor starts the next page after the last cohort shown.
func TestAlertPagesHoldWholeCohorts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		var cohorts []int64
		for _, n := range []int{5, 12, 12} {
			c, ms := f.Around(-48*time.Hour, -24*time.Hour)
			marks := map[int64]string{}
			for i := range n {
				l := f.Learner(fmt.Sprint("P", c.ID, "-", i))
				if _, err := training.Enrol(f.Ctx, d, c.ID, l, f.Staff.ID); err != nil {
					t.Fatal(err)
				}
				marks[l] = "absent"
			}
			for _, m := range ms {
				if err := training.SaveAttendance(f.Ctx, d, m.ID, marks, f.Staff.ID); err != nil {
					t.Fatal(err)
				}
			}
			cohorts = append(cohorts, c.ID)
		}
		page := func(after int64) ([]int64, int64) {
			t.Helper()
			got, next, err := training.AbsenceAlerts(f.Ctx, d, f.Staff.Scope(), time.Now(), after, 20)
			if err != nil {
				t.Fatal(err)
			}
			var seen []int64
			for _, a := range got {
				if len(seen) == 0 || seen[len(seen)-1] != a.CohortID {
					seen = append(seen, a.CohortID)
				}
			}
			return seen, next
		}
		first, next := page(0)
		if fmt.Sprint(first) != fmt.Sprint([]int64{cohorts[2], cohorts[1]}) || next != cohorts[1] {
			t.Fatalf("first page: cohorts %v, next %d; cohorts %v", first, next, cohorts)
		}
		second, next := page(next)
		if fmt.Sprint(second) != fmt.Sprint([]int64{cohorts[0]}) || next != 0 {
			t.Fatalf("second page: cohorts %v, next %d", second, next)
		}
	})
}

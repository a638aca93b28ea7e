package attendance_test

import (
	"errors"
	"testing"
	"time"

	"tremplin/internal/attendance"
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
			if err := attendance.SaveAttendance(f.Ctx, d, m.ID, map[int64]string{ana: "present"}, f.Staff.ID); err != nil {
				t.Fatalf("meeting at %v: %v", m.Start, err)
			}
		}
		if err := attendance.SaveAttendance(f.Ctx, d, later.ID, map[int64]string{ana: "present"}, f.Staff.ID); !errors.Is(err, attendance.ErrRollCallClosed) || f.Marks(later.ID) != 0 {
			t.Fatalf("meeting in two hours: %v, %d marks", err, f.Marks(later.ID))
		}
		if r := attendance.RollCallRefusal(&later, c, time.Now()); r != "training.rollcall_early" {
			t.Fatalf("refusal before the start: %q", r)
		}
		if err := training.CancelMeeting(f.Ctx, d, cancelled.ID); err != nil {
			t.Fatal(err)
		}
		if err := attendance.SaveAttendance(f.Ctx, d, cancelled.ID, map[int64]string{ana: "absent"}, f.Staff.ID); !errors.Is(err, attendance.ErrRollCallClosed) || f.Marks(cancelled.ID) != 0 {
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
		if err := attendance.SaveAttendance(f.Ctx, d, started.ID, map[int64]string{ana: "late"}, f.Staff.ID); !errors.Is(err, attendance.ErrRollCallClosed) {
			t.Fatalf("meeting of a cancelled cohort: %v", err)
		}
		c = f.Load(c.ID)
		if r := attendance.RollCallRefusal(&started, c, time.Now()); r != "training.rollcall_cohort_cancelled" {
			t.Fatalf("refusal for a cancelled cohort: %q", r)
		}
	})
}

func TestAttendanceSavedTwiceKeepsTheSameMarksAndCountsPresentAndLateHours(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		c := f.Cohort(10, trainingtest.Monday)
		ms := f.Meetings(c, 2, 3, 1.5, 2.5)
		ana, ben := f.Learner("Ana"), f.Learner("Ben")
		for _, l := range []int64{ana, ben} {
			if _, err := training.Enrol(f.Ctx, d, c.ID, l, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		marks := []string{"present", "late", "absent", "excused"}
		for round := 0; round < 2; round++ {
			for i, m := range ms {
				if err := attendance.SaveAttendance(f.Ctx, d, m.ID, map[int64]string{ana: marks[i], ben: "present"}, f.Staff.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		var rows int
		d.QueryRowContext(f.Ctx, "SELECT COUNT(*) FROM attendance").Scan(&rows)
		if rows != 8 {
			t.Fatalf("%d attendance rows after saving twice, want 8", rows)
		}
		// Saving one learner's mark leaves the other's as it was.
		if err := attendance.SaveAttendance(f.Ctx, d, ms[0].ID, map[int64]string{ben: "late"}, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		att, err := attendance.Attendees(f.Ctx, d, &ms[0])
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]string{}
		for _, a := range att {
			got[a.LearnerID] = a.Mark
		}
		if got[ana] != "present" || got[ben] != "late" {
			t.Fatalf("marks at the first meeting: %v", got)
		}

		views, err := training.LearnerEnrolments(f.Ctx, d, ana)
		if err != nil {
			t.Fatal(err)
		}
		if len(views) != 1 || views[0].HoursAttended != 5 || views[0].HoursPlanned != 9 || len(views[0].Marks) != 4 {
			t.Fatalf("Ana's enrolment: %+v", views)
		}
		roster, err := training.Roster(f.Ctx, d, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range roster {
			want := map[int64]float64{ana: 5, ben: 9}[s.LearnerID]
			if s.Attended != want {
				t.Errorf("%s attended %.1f h, want %.1f", s.FirstName, s.Attended, want)
			}
		}
	})
}

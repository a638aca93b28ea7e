package attendance_test

import (
	"fmt"
	"testing"
	"time"

	"tremplin/internal/attendance"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/training"
	"tremplin/internal/training/trainingtest"
)

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
			if err := attendance.SaveAttendance(f.Ctx, d, m.ID, marks, f.Staff.ID); err != nil {
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
				got, next, err := attendance.AbsenceAlerts(f.Ctx, d, f.Staff.Scope(), time.Now(), after, 20)
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
		if got, _, _ := attendance.AbsenceAlerts(f.Ctx, d, auth.Scope{StaffID: -1}, time.Now(), 0, 20); len(got) != 0 {
			t.Fatalf("someone without an antenna sees %d alerts", len(got))
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
				if err := attendance.SaveAttendance(f.Ctx, d, m.ID, marks, f.Staff.ID); err != nil {
					t.Fatal(err)
				}
			}
			cohorts = append(cohorts, c.ID)
		}
		page := func(after int64) ([]int64, int64) {
			t.Helper()
			got, next, err := attendance.AbsenceAlerts(f.Ctx, d, f.Staff.Scope(), time.Now(), after, 20)
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

func TestTwoAbsencesInARowRaiseAnAlertInTheAntennaOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		other := trainingtest.New(t, d, "Bordeaux", "Europe/Paris")
		c := f.Cohort(10, trainingtest.Monday)
		ms := f.Meetings(c, 2, 2, 2, 2)
		twice, apart, once, fine := f.Learner("Deux"), f.Learner("Ecart"), f.Learner("Une"), f.Learner("Assidu")
		for _, l := range []int64{twice, apart, once, fine} {
			if _, err := training.Enrol(f.Ctx, d, c.ID, l, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		marks := [][]string{ // per meeting: twice, apart, once, fine
			{"present", "absent", "present", "present"},
			{"absent", "present", "present", "present"},
			{"absent", "absent", "absent", "excused"},
		}
		for i, row := range marks {
			if err := attendance.SaveAttendance(f.Ctx, d, ms[i].ID, map[int64]string{twice: row[0], apart: row[1], once: row[2], fine: row[3]}, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		alerts, _, err := attendance.AbsenceAlerts(f.Ctx, d, f.Staff.Scope(), time.Now(), 0, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(alerts) != 1 || alerts[0].LearnerID != twice || alerts[0].CohortID != c.ID {
			t.Fatalf("alerts %+v, want only the learner absent at meetings 2 and 3", alerts)
		}
		if !alerts[0].First.Equal(ms[1].Start) || !alerts[0].Last.Equal(ms[2].Start) {
			t.Errorf("missed meetings %v and %v", alerts[0].First, alerts[0].Last)
		}
		if got, _, _ := attendance.AbsenceAlerts(f.Ctx, d, other.Staff.Scope(), time.Now(), 0, 20); len(got) != 0 {
			t.Fatalf("another antenna sees %d alerts", len(got))
		}
		// Back in class at the next meeting: no more alert.
		if err := attendance.SaveAttendance(f.Ctx, d, ms[3].ID, map[int64]string{twice: "late"}, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := attendance.AbsenceAlerts(f.Ctx, d, f.Staff.Scope(), time.Now(), 0, 20); len(got) != 0 {
			t.Fatalf("alerts after coming back: %+v", got)
		}
	})
}

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
		if err := attendance.SaveAttendance(f.Ctx, d, ms[2].ID, map[int64]string{ana: "present"}, adviser.ID); err != nil {
			t.Fatal(err)
		}
		if err := training.CancelMeeting(f.Ctx, d, ms[3].ID); err != nil {
			t.Fatal(err)
		}
		got, more, err := attendance.RollCallsToTake(f.Ctx, d, adviser, time.Now(), 0, 20)
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
		next, err := attendance.NextMeetings(f.Ctx, d, adviser, time.Now(), 10)
		if err != nil || len(next) != 1 || next[0].MeetingID != ms[5].ID {
			t.Fatalf("Karim's next meetings: %v %+v", err, next)
		}
		// The manager answers for every meeting of the antenna, a page at a time.
		page1, more, err := attendance.RollCallsToTake(f.Ctx, d, f.Staff, time.Now(), 0, 2)
		if err != nil || !more || len(page1) != 2 || page1[0].MeetingID != ms[0].ID {
			t.Fatalf("manager's first page: %v %v %+v", err, more, page1)
		}
		page2, more, err := attendance.RollCallsToTake(f.Ctx, d, f.Staff, time.Now(), 2, 2)
		if err != nil || more || len(page2) != 2 {
			t.Fatalf("manager's second page: %v %v %+v", err, more, page2)
		}
	})
}

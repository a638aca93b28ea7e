package impact

import (
	"context"
	"testing"

	"tremplin/internal/attendance"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// Absences from sessions are split by whether a reminder of that session reached
// the provider for that person: a failed reminder, or one of another session,
// does not count as reminded; the counters follow a mark changed later.
func TestAbsencesFromSessionsByReminder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		remind := func(meeting, learner, state string) {
			f.exec(`INSERT INTO messages (antenna_id, learner_id, channel, kind, recipient, body, send_at, ref_kind, ref_id, state, created_at, updated_at)
				VALUES ($1, $2, 'sms', 'meeting_reminder', '+33600000000', 'Rappel', $3, 'meeting', $4, $5, $3, $3)`,
				f.ids["A"], f.ids[learner], old, f.ids[meeting], state)
		}
		remind("M1", "L1", "delivered") // present
		remind("M1", "L3", "sent")      // absent all the same
		remind("M1", "L2", "failed")    // late: not reminded
		remind("M2", "L1", "sent")      // present
		remind("M2", "L3", "cancelled") // present: not reminded
		feb := Filter{From: day("2025-02-01"), To: day("2025-02-28")}
		fig, err := Compute(ctx, d, feb)
		if err != nil {
			t.Fatal(err)
		}
		// M1 and M2: six marks, one absence (L3 at M1), three reminded of which one absent.
		if want := (Absences{Marks: 6, Absent: 1, RemindedMarks: 3, RemindedAbsent: 1}); fig.Absences != want {
			t.Errorf("February: %+v, want %+v", fig.Absences, want)
		}
		if r := fig.Absences.RateNot(); r.Num != 0 || r.Den != 3 {
			t.Errorf("without a reminder: %d/%d, want 0/3", r.Num, r.Den)
		}
		// L1 is marked absent at M2 after all: reminded and absent.
		if err := attendance.SaveAttendance(ctx, d, f.ids["M2"], map[int64]string{f.ids["L1"]: "absent"}, f.ids["staff"]); err != nil {
			t.Fatal(err)
		}
		if fig, err = Compute(ctx, d, feb); err != nil {
			t.Fatal(err)
		}
		if want := (Absences{Marks: 6, Absent: 2, RemindedMarks: 3, RemindedAbsent: 2}); fig.Absences != want {
			t.Errorf("after the change: %+v, want %+v", fig.Absences, want)
		}
		if len(fig.ByProgramme) != 1 || fig.ByProgramme[0].Absences != fig.Absences {
			t.Errorf("by programme: %+v", fig.ByProgramme)
		}
		// A full build counts the same.
		if err := Rebuild(ctx, d); err != nil {
			t.Fatal(err)
		}
		if fig, err = Compute(ctx, d, feb); err != nil {
			t.Fatal(err)
		}
		if want := (Absences{Marks: 6, Absent: 2, RemindedMarks: 3, RemindedAbsent: 2}); fig.Absences != want {
			t.Errorf("after a rebuild: %+v, want %+v", fig.Absences, want)
		}
	})
}

package impact

import (
	"context"
	"testing"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// Marks of a cancelled meeting, and marks made days before their meeting (as
// roll calls could be before they waited for the start), never count: not when
// the counters are kept up to date, not in a rebuild.
func TestFiguresLeaveOutCancelledMeetingsAndMarksMadeAhead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		year := Filter{From: day("2025-01-01"), To: day("2025-12-31")}
		before, err := Compute(ctx, d, year)
		if err != nil {
			t.Fatal(err)
		}
		// Marked on 20 February for a meeting on 3 March.
		f.insert("M6", `INSERT INTO meetings (cohort_id, starts_at, ends_at, created_at) VALUES ($1, '2025-03-03T09:00:00Z', '2025-03-03T12:00:00Z', $2)`, f.ids["C1"], old)
		f.exec(`INSERT INTO attendance (meeting_id, learner_id, mark, marked_at) VALUES ($1, $2, 'present', '2025-02-20T10:00:00Z')`, f.ids["M6"], f.ids["L1"])
		// M2 (3 h 30, L1 and L3 present, L2 excused) is cancelled with its cohort's plans.
		f.exec(`UPDATE meetings SET cancelled_at = $1 WHERE id = $2`, db.Now(), f.ids["M2"])
		f.exec(`UPDATE cohorts SET updated_at = $1 WHERE id = $2`, db.Now(), f.ids["C1"])
		after, err := Compute(ctx, d, year)
		if err != nil {
			t.Fatal(err)
		}
		want := before.Training
		want.LearnerMinutes -= 2 * 210
		want.MarksAttended -= 2
		want.MarksTotal -= 3
		if after.Training != want {
			t.Fatalf("training %+v, want %+v", after.Training, want)
		}
		kept := dump(t, d)
		if err := Rebuild(ctx, d); err != nil {
			t.Fatal(err)
		}
		if rebuilt := dump(t, d); rebuilt != kept {
			t.Errorf("counters kept up to date differ from a rebuild:\nkept    %s\nrebuilt %s", kept, rebuilt)
		}
	})
}

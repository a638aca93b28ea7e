package learners

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

func TestFollowUpsArePagedAndCounted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
		// Five Lille people who left on the 1st to the 5th of January, one in Bordeaux.
		var ids []int64
		for i := range 5 {
			l := f.register(t, f.lille, "Personne", fmt.Sprintf("Lille%d", i), fmt.Sprintf("+3361234560%d", i), 1990)
			if err := RecordExit(ctx, d, l.ID, Completed, "", day(fmt.Sprintf("2025-01-0%d", i+1)), f.adviser.ID); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, l.ID)
		}
		b := f.register(t, f.bordeaux, "Paul", "Martin", "+33612345679", 1980)
		if err := RecordExit(ctx, d, b.ID, Completed, "", day("2025-01-01"), f.adviser.ID); err != nil {
			t.Fatal(err)
		}
		walk := func(sc auth.Scope, today string, q FollowUpQuery) []string {
			t.Helper()
			var out []string
			for range 10 {
				page, next, err := FollowUpsDue(ctx, d, sc, day(today), q)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) > q.Limit {
					t.Fatalf("page of %d", len(page))
				}
				for _, x := range page {
					out = append(out, fmt.Sprintf("%s %s %s", x.Milestone, x.DueOn.Format("01-02"), x.Learner.LastName))
				}
				if next.Due == "" {
					return out
				}
				q.After = ParseFollowUpCursor(next.String())
			}
			t.Fatal("the pages never end")
			return nil
		}
		// On 3 April: the 3-month follow-ups of the 1st and 2nd are overdue, those of
		// the 3rd to the 5th are due within the week; two a page, oldest first.
		want := []string{"m3 04-01 Lille0", "m3 04-02 Lille1", "m3 04-03 Lille2", "m3 04-04 Lille3", "m3 04-05 Lille4"}
		if got := walk(f.lilleScope, "2025-04-03", FollowUpQuery{Limit: 2}); !slices.Equal(got, want) {
			t.Fatalf("pages: %v", got)
		}
		counts, err := FollowUpCounts(ctx, d, f.lilleScope, day("2025-04-03"))
		if err != nil || counts[0] != (FollowUpCount{"m3", 2, 3}) || counts[1] != (FollowUpCount{"m6", 0, 0}) {
			t.Fatalf("counts: %+v %v", counts, err)
		}
		admin := auth.Scope{All: true}
		if counts, _ := FollowUpCounts(ctx, d, admin, day("2025-04-03")); counts[0] != (FollowUpCount{"m3", 3, 3}) {
			t.Fatalf("national counts: %+v", counts)
		}
		// A backlog past the cap is not counted to its end: the list says "more than".
		func() {
			defer func(n int) { countCap = n }(countCap)
			countCap = 2
			c, _ := FollowUpCounts(ctx, d, admin, day("2025-04-03"))
			if c[0].Overdue != 3 || !c[0].OverdueMore() || c[0].Soon != 3 || !c[0].SoonMore() {
				t.Fatalf("capped counts: %+v", c[0])
			}
			c, _ = FollowUpCounts(ctx, d, f.lilleScope, day("2025-04-03"))
			if c[0].OverdueMore() || c[0].Overdue != 2 || !c[0].SoonMore() {
				t.Fatalf("capped counts in Lille: %+v", c[0])
			}
		}()
		// In July both milestones are due; one milestone at a time.
		if got := walk(f.lilleScope, "2025-07-02", FollowUpQuery{Milestone: "m6", Limit: 3}); !slices.Equal(got, []string{"m6 07-01 Lille0", "m6 07-02 Lille1", "m6 07-03 Lille2", "m6 07-04 Lille3", "m6 07-05 Lille4"}) {
			t.Fatalf("m6 pages: %v", got)
		}
		if got := walk(f.bordeauxScope, "2025-04-03", FollowUpQuery{Limit: 2}); !slices.Equal(got, []string{"m3 04-01 Martin"}) {
			t.Fatalf("Bordeaux: %v", got)
		}
		// A file moved to Bordeaux takes its follow-ups along; a merged file's leave.
		moved, _ := ByID(ctx, d, f.lilleScope, ids[4])
		moved.AntennaID = f.bordeaux
		if err := Update(ctx, d, moved, f.adviser.ID); err != nil {
			t.Fatal(err)
		}
		if err := Merge(ctx, d, ids[0], ids[1], f.adviser.ID); err != nil {
			t.Fatal(err)
		}
		if got := walk(f.lilleScope, "2025-04-03", FollowUpQuery{Limit: 2}); !slices.Equal(got, []string{"m3 04-01 Lille0", "m3 04-03 Lille2", "m3 04-04 Lille3"}) {
			t.Fatalf("after a move and a merge: %v", got)
		}
		if got := walk(f.bordeauxScope, "2025-04-03", FollowUpQuery{Limit: 2}); !slices.Equal(got, []string{"m3 04-01 Martin", "m3 04-05 Lille4"}) {
			t.Fatalf("Bordeaux after the move: %v", got)
		}
		if counts, _ := FollowUpCounts(ctx, d, f.lilleScope, day("2025-04-03")); counts[0] != (FollowUpCount{"m3", 1, 2}) {
			t.Fatalf("counts after a move and a merge: %+v", counts)
		}
	})
}

package followups

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/org/orgtest"
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
			l := f.register(t, f.Lille, "Personne", fmt.Sprintf("Lille%d", i), fmt.Sprintf("+3361234560%d", i), 1990)
			if err := learners.RecordExit(ctx, d, l.ID, learners.Completed, "", day(fmt.Sprintf("2025-01-0%d", i+1)), f.Adviser.ID); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, l.ID)
		}
		b := f.register(t, f.Bordeaux, "Paul", "Martin", "+33612345679", 1980)
		if err := learners.RecordExit(ctx, d, b.ID, learners.Completed, "", day("2025-01-01"), f.Adviser.ID); err != nil {
			t.Fatal(err)
		}
		walk := func(sc auth.Scope, today string, q Query) []string {
			t.Helper()
			var out []string
			for range 10 {
				page, next, err := ListDue(ctx, d, sc, day(today), q)
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
				q.After = ParseCursor(next.String())
			}
			t.Fatal("the pages never end")
			return nil
		}
		// On 3 April: the 3-month follow-ups of the 1st and 2nd are overdue, those of
		// the 3rd to the 5th are due within the week; two a page, oldest first.
		want := []string{"m3 04-01 Lille0", "m3 04-02 Lille1", "m3 04-03 Lille2", "m3 04-04 Lille3", "m3 04-05 Lille4"}
		if got := walk(f.LilleScope, "2025-04-03", Query{Limit: 2}); !slices.Equal(got, want) {
			t.Fatalf("pages: %v", got)
		}
		counts, err := Counts(ctx, d, f.LilleScope, day("2025-04-03"))
		if err != nil || counts[0] != (Count{"m3", 2, 3}) || counts[1] != (Count{"m6", 0, 0}) {
			t.Fatalf("counts: %+v %v", counts, err)
		}
		admin := auth.Scope{All: true}
		if counts, _ := Counts(ctx, d, admin, day("2025-04-03")); counts[0] != (Count{"m3", 3, 3}) {
			t.Fatalf("national counts: %+v", counts)
		}
		// A backlog past the cap is not counted to its end: the list says "more than".
		func() {
			defer func(n int) { countCap = n }(countCap)
			countCap = 2
			c, _ := Counts(ctx, d, admin, day("2025-04-03"))
			if c[0].Overdue != 3 || !c[0].OverdueMore() || c[0].Soon != 3 || !c[0].SoonMore() {
				t.Fatalf("capped counts: %+v", c[0])
			}
			c, _ = Counts(ctx, d, f.LilleScope, day("2025-04-03"))
			if c[0].OverdueMore() || c[0].Overdue != 2 || !c[0].SoonMore() {
				t.Fatalf("capped counts in Lille: %+v", c[0])
			}
		}()
		// In July both milestones are due; one milestone at a time.
		if got := walk(f.LilleScope, "2025-07-02", Query{Milestone: "m6", Limit: 3}); !slices.Equal(got, []string{"m6 07-01 Lille0", "m6 07-02 Lille1", "m6 07-03 Lille2", "m6 07-04 Lille3", "m6 07-05 Lille4"}) {
			t.Fatalf("m6 pages: %v", got)
		}
		if got := walk(f.BordeauxScope, "2025-04-03", Query{Limit: 2}); !slices.Equal(got, []string{"m3 04-01 Martin"}) {
			t.Fatalf("Bordeaux: %v", got)
		}
		// A file moved to Bordeaux takes its follow-ups along; a merged file's leave.
		moved, _ := learners.ByID(ctx, d, f.LilleScope, ids[4])
		moved.AntennaID = f.Bordeaux
		if err := learners.Update(ctx, d, moved, f.Adviser.ID); err != nil {
			t.Fatal(err)
		}
		if err := learners.Merge(ctx, d, ids[0], ids[1], f.Adviser.ID); err != nil {
			t.Fatal(err)
		}
		if got := walk(f.LilleScope, "2025-04-03", Query{Limit: 2}); !slices.Equal(got, []string{"m3 04-01 Lille0", "m3 04-03 Lille2", "m3 04-04 Lille3"}) {
			t.Fatalf("after a move and a merge: %v", got)
		}
		if got := walk(f.BordeauxScope, "2025-04-03", Query{Limit: 2}); !slices.Equal(got, []string{"m3 04-01 Martin", "m3 04-05 Lille4"}) {
			t.Fatalf("Bordeaux after the move: %v", got)
		}
		if counts, _ := Counts(ctx, d, f.LilleScope, day("2025-04-03")); counts[0] != (Count{"m3", 1, 2}) {
			t.Fatalf("counts after a move and a merge: %+v", counts)
		}
	})
}

func TestFollowUpsFallDueAtThreeAndSixMonths(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		l := f.register(t, f.Lille, "Mariam", "Diallo", "+33612345678", 1987)
		b := f.register(t, f.Bordeaux, "Paul", "Martin", "+33612345679", 1980)
		day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
		if err := learners.RecordFollowUp(ctx, d, l.ID, "m3", "cdi", "", f.Adviser.ID); !errors.Is(err, learners.ErrNoFollowUp) {
			t.Fatalf("follow-up before exit: %v", err)
		}
		for _, id := range []int64{l.ID, b.ID} {
			if err := learners.RecordExit(ctx, d, id, learners.Certified, "", day("2025-01-10"), f.Adviser.ID); err != nil {
				t.Fatal(err)
			}
		}
		due := func(today string) []string {
			t.Helper()
			list, _, err := ListDue(ctx, d, f.LilleScope, day(today), Query{})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, x := range list {
				s := x.Milestone + " " + x.DueOn.Format(time.DateOnly)
				if x.Overdue {
					s += " overdue"
				}
				out = append(out, s)
			}
			return out
		}
		if got := due("2025-03-01"); len(got) != 0 {
			t.Fatalf("due before 3 months: %v", got)
		}
		if got := due("2025-04-05"); !slices.Equal(got, []string{"m3 2025-04-10"}) {
			t.Fatalf("due within the week of 3 months: %v", got)
		}
		if got := due("2025-05-01"); !slices.Equal(got, []string{"m3 2025-04-10 overdue"}) {
			t.Fatalf("after 3 months: %v", got)
		}
		if err := learners.RecordFollowUp(ctx, d, l.ID, "m3", "cdd_long", "Développeur web en CDD de 8 mois", f.Adviser.ID); err != nil {
			t.Fatal(err)
		}
		if got := due("2025-07-10"); !slices.Equal(got, []string{"m6 2025-07-10"}) {
			t.Fatalf("at 6 months: %v", got)
		}
		// Correcting the exit date moves the follow-ups not yet done, not the others.
		if err := learners.RecordExit(ctx, d, l.ID, learners.Certified, "", day("2025-02-10"), f.Adviser.ID); err != nil {
			t.Fatal(err)
		}
		fus, _ := learners.FollowUps(ctx, d, l.ID)
		if len(fus) != 2 || fus[0].DueOn.Format(time.DateOnly) != "2025-04-10" || !fus[0].Done() || fus[0].Situation != "cdd_long" ||
			fus[1].DueOn.Format(time.DateOnly) != "2025-08-10" || fus[1].Done() {
			t.Fatalf("follow-ups after correction: %+v %+v", fus[0], fus[1])
		}
		// The Bordeaux adviser sees only Bordeaux's.
		list, _, _ := ListDue(ctx, d, f.BordeauxScope, day("2025-05-01"), Query{})
		if len(list) != 1 || list[0].Learner.ID != b.ID {
			t.Fatalf("Bordeaux follow-ups: %d", len(list))
		}
	})
}

// The home page's count of the follow-ups due, in scope, until they are recorded.
func TestFollowUpsDueAreCountedForTheHomePage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		var ids []int64
		for i := range 2 {
			ids = append(ids, f.register(t, f.Lille, "Personne", string(rune('A'+i)), fmt.Sprintf("+3361234560%d", i), 1990).ID)
		}
		f.register(t, f.Bordeaux, "Pierre", "Dubois", "+33612345603", 1980)
		// An exit four months ago: the +3 months follow-up is due, in Lille only
		// (written as RecordExit does, whatever rules it checks).
		exit := func(id int64, on time.Time) {
			t.Helper()
			if _, err := d.Exec(ctx, "UPDATE learners SET status = 'completed', exited_on = $1 WHERE id = $2", on.Format(time.DateOnly), id); err != nil {
				t.Fatal(err)
			}
			for i, m := range learners.Milestones {
				if _, err := d.Exec(ctx, "INSERT INTO learner_followups (learner_id, milestone, due_on) VALUES ($1, $2, $3)",
					id, m, on.AddDate(0, 3*(i+1), 0).Format(time.DateOnly)); err != nil {
					t.Fatal(err)
				}
			}
		}
		exit(ids[0], time.Now().AddDate(0, -4, 0))
		exit(ids[1], time.Now().AddDate(0, 0, -10))
		for _, c := range []struct {
			sc   auth.Scope
			want int
		}{{f.LilleScope, 1}, {f.BordeauxScope, 0}, {auth.Scope{All: true}, 1}} {
			if n, err := DueCount(ctx, d, c.sc, time.Now(), 100); err != nil || n != c.want {
				t.Errorf("follow-ups due %+v: %d %v, want %d", c.sc, n, err, c.want)
			}
		}
		d.Exec(ctx, "UPDATE learner_followups SET situation = 'cdi', recorded_at = $1 WHERE learner_id = $2 AND milestone = 'm3'", db.Now(), ids[0])
		if n, _ := DueCount(ctx, d, f.LilleScope, time.Now(), 100); n != 0 {
			t.Errorf("a recorded follow-up still counts: %d", n)
		}
	})
}

// fixture is orgtest's antennas and advisers, and people registered in them.
type fixture struct {
	*orgtest.Fixture
	d *db.DB
}

func setup(t *testing.T, d *db.DB) *fixture { return &fixture{orgtest.Setup(t, d), d} }

func (f *fixture) register(t *testing.T, antenna int64, first, last, phone string, year int) *learners.Learner {
	t.Helper()
	l := &learners.Learner{AntennaID: antenna, FirstName: first, LastName: last, Phone: phone, BirthYear: year, ConsentText: "J'accepte."}
	if err := learners.Register(context.Background(), f.d, l, "", 0); err != nil {
		t.Fatal(err)
	}
	return l
}

package partners_test

import (
	"context"
	"testing"
	"time"

	"tremplin/internal/partners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// The home page counts the next steps due by today in the antennas of the person,
// and stops at a limit.
func TestNextStepsDueCount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		today := time.Now()
		add := func(o *partners.Org, due time.Time) {
			it := &partners.Interaction{OrgID: o.ID, Kind: "call", NextStep: "Rappeler", DueOn: due.Format(time.DateOnly), StaffID: f.staff}
			if err := partners.AddInteraction(ctx, d, it); err != nil {
				t.Fatal(err)
			}
		}
		add(f.orgA, today.AddDate(0, 0, -3))
		add(f.orgB, today) // another antenna's
		for _, c := range []struct {
			sc          auth.Scope
			limit, want int
		}{{f.adviserInLille, 100, 1}, {auth.Scope{All: true}, 100, 2}, {auth.Scope{All: true}, 1, 1}} {
			if n, err := partners.NextStepsDueCount(ctx, d, c.sc, 0, today, c.limit); err != nil || n != c.want {
				t.Errorf("%+v limit %d: %d %v, want %d", c.sc, c.limit, n, err, c.want)
			}
		}
		add(f.orgA, today.AddDate(0, 0, 30)) // what came next: the step is done, the new one not due
		if n, _ := partners.NextStepsDueCount(ctx, d, f.adviserInLille, 0, today, 100); n != 0 {
			t.Errorf("after the next interaction: %d", n)
		}
	})
}

package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/training"
)

func TestScratchQueries(t *testing.T) {
	d := dbtest.Generated(t)
	ctx := context.Background()
	admin := &auth.Staff{ID: 1, Role: auth.Admin, Active: true}
	timeIt := func(name string, fn func() error) {
		var best, worst time.Duration
		for i := 0; i < 5; i++ {
			st := time.Now()
			if err := fn(); err != nil {
				t.Fatal(err)
			}
			el := time.Since(st)
			if best == 0 || el < best {
				best = el
			}
			worst = max(worst, el)
		}
		fmt.Printf("%-30s best %v worst %v\n", name, best, worst)
	}
	now := time.Now()
	timeIt("rollcalls to take", func() error { _, _, err := training.RollCallsToTake(ctx, d, admin, now, 0, 20); return err })
	timeIt("next meetings", func() error { _, err := training.NextMeetings(ctx, d, admin, now, 10); return err })
	timeIt("followup counts", func() error { _, err := learners.FollowUpCounts(ctx, d, admin.Scope(), now); return err })
	timeIt("followups due", func() error {
		_, _, err := learners.FollowUpsDue(ctx, d, admin.Scope(), now, learners.FollowUpQuery{})
		return err
	})
	var n int
	d.QueryRow("SELECT COUNT(*) FROM learner_followups WHERE recorded_at = '' AND due_on < $1", now.Format(time.DateOnly)).Scan(&n)
	fmt.Println("overdue", n)
	d.QueryRow("SELECT COUNT(*) FROM meetings WHERE starts_at >= $1 AND starts_at <= $2", now.Add(-62*24*time.Hour).UTC().Format("2006-01-02 15:04:05"), now.UTC().Format("2006-01-02 15:04:05")).Scan(&n)
	fmt.Println("meetings in window", n)
}

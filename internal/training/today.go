package training

import (
	"context"
	"fmt"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// The staff home page's count of today's work in this package: a COUNT of at
// most limit rows on indexes, so that it costs the same at a national scale (the
// page shows "99+" beyond). The attendance package has the others of training's
// tables.

// OffersWaiting counts the seats offered to someone on a waitlist who has not
// answered yet, in the open cohorts of the scope, at most limit.
func OffersWaiting(ctx context.Context, d *db.DB, sc auth.Scope, limit int) (int, error) {
	args := db.Args{}
	scope := sc.Where("c.antenna_id", &args)
	var n int
	err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM cohorts c JOIN enrolments e ON e.cohort_id = c.id AND e.state = 'offered'
		WHERE c.state IN ('open', 'full', 'running') AND `+scope+fmt.Sprintf(" LIMIT %d) x", limit), args...).Scan(&n)
	return n, err
}

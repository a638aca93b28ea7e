package learners

import (
	"context"
	"fmt"
	"strings"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// The staff home page's counts of today's work with the files. Each is a COUNT of
// at most limit rows walked on an index (per antenna, for staff of a few), so
// that it costs the same at a million learners: the page shows "99+" beyond.

// CountPerAntenna counts the rows of query (a SELECT 1 … without LIMIT) for each
// antenna of the scope, substituting "%s" with the antenna condition on
// l.antenna_id, and stops at limit: a count of the staff home page.
func CountPerAntenna(ctx context.Context, d *db.DB, sc auth.Scope, query string, args []any, limit int) (int, error) {
	antennas, all, err := scopeAntennas(ctx, d, sc)
	if err != nil {
		return 0, err
	}
	var conds []string
	switch {
	case all:
		conds = []string{"1 = 1"}
	case len(antennas) > walkAntennas:
		conds = []string{"l.antenna_id IN (" + inlineIDs(antennas) + ")"}
	default:
		for _, a := range antennas {
			conds = append(conds, fmt.Sprintf("l.antenna_id = %d", a))
		}
	}
	total := 0
	for _, c := range conds {
		n, err := d.CountAtMost(ctx, strings.Replace(query, "%s", c, 1), limit-total, args...)
		if err != nil {
			return 0, err
		}
		if total += n; total >= limit {
			return limit, nil
		}
	}
	return total, nil
}

// NewRegistrations counts the registrations in scope nobody has contacted yet,
// at most limit.
func NewRegistrations(ctx context.Context, d *db.DB, sc auth.Scope, limit int) (int, error) {
	return CountPerAntenna(ctx, d, sc, "SELECT 1 FROM learners l WHERE %s AND "+openCond+" AND l.status = 'received'", nil, limit)
}

// MyQueue counts the registrations still worked on that are given to staffID,
// at most limit.
func MyQueue(ctx context.Context, d *db.DB, staffID int64, limit int) (int, error) {
	return d.CountAtMost(ctx, "SELECT 1 FROM learners l WHERE l.assigned_to = $1 AND "+openCond, limit, staffID)
}

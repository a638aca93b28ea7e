package learners

import (
	"context"
	"fmt"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// The staff home page's counts of today's work in this room. Each is a COUNT of
// at most limit rows walked on an index (per antenna, for staff of a few), so
// that it costs the same at a million learners: the page shows "99+" beyond.

// capped counts the rows of query (a SELECT 1 … without LIMIT) for each antenna
// of the scope, substituting "%s" with the antenna condition on l.antenna_id,
// and stops at limit.
func capped(ctx context.Context, d *db.DB, sc auth.Scope, query string, args []any, limit int) (int, error) {
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
		var n int
		q := "SELECT COUNT(*) FROM (" + strings.Replace(query, "%s", c, 1) + fmt.Sprintf(" LIMIT %d) x", limit-total)
		if err := d.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
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
	return capped(ctx, d, sc, "SELECT 1 FROM learners l WHERE %s AND "+openCond+" AND l.status = 'received'", nil, limit)
}

// MyQueue counts the registrations still worked on that are given to staffID,
// at most limit.
func MyQueue(ctx context.Context, d *db.DB, staffID int64, limit int) (int, error) {
	var n int
	err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM learners l WHERE l.assigned_to = $1 AND "+openCond+
		fmt.Sprintf(" LIMIT %d) x", limit), staffID).Scan(&n)
	return n, err
}

// FollowUpsDueCount counts the follow-ups in scope due by today and not
// recorded, at most limit. They are found from the exits (a follow-up falls due
// three months after one at the earliest), by antenna.
func FollowUpsDueCount(ctx context.Context, d *db.DB, sc auth.Scope, today time.Time, limit int) (int, error) {
	day := today.Format(time.DateOnly)
	if sc.All {
		var n int
		err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM learner_followups f JOIN learners l ON l.id = f.learner_id
			WHERE f.recorded_at = '' AND f.due_on <= $1 AND l.merged_into IS NULL`+fmt.Sprintf(" LIMIT %d) x", limit), day).Scan(&n)
		return n, err
	}
	// CROSS JOIN keeps SQLite walking the antenna's exits first, and "|| ''" keeps
	// it finding each one's follow-ups by person, rather than among every
	// follow-up not recorded of the association.
	return capped(ctx, d, sc, `SELECT 1 FROM learners l CROSS JOIN learner_followups f
		WHERE %s AND f.learner_id = l.id AND l.exited_on <> '' AND l.exited_on <= $1 AND l.merged_into IS NULL
		AND f.recorded_at || '' = '' AND f.due_on <= $2`,
		[]any{today.AddDate(0, -3, 0).Format(time.DateOnly), day}, limit)
}

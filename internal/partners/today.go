package partners

import (
	"context"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// NextStepsDueCount counts, for the staff home page, the open next steps of the
// organisations in scope due by today (the overdue ones too), staffID's own when
// not 0, at most limit.
func NextStepsDueCount(ctx context.Context, d *db.DB, sc auth.Scope, staffID int64, today time.Time, limit int) (int, error) {
	args := db.Args{today.Format(time.DateOnly), staffID}
	where := orgInScope(sc, &args)
	return d.CountAtMost(ctx, `SELECT 1 FROM partner_interactions i JOIN partner_orgs o ON o.id = i.org_id
		WHERE i.done_at = '' AND i.due_on <> '' AND i.due_on <= $1 AND ($2 = 0 OR i.staff_id = $2) AND `+where, limit, args...)
}

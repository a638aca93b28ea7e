package attendance

import (
	"context"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// The staff home page's counts of today's work in this package, each a COUNT of
// at most limit rows on indexes, bounded in time (meetings of the last
// RecentDays), so that it costs the same at a national scale: the page shows
// "99+" beyond.

// RecentDays is how far back the home page looks for roll calls not taken and
// absences: older ones are on their own pages.
const RecentDays = 30

// cohortsOf is the condition on cohorts c the counts cover: those sc's staff
// member teaches when teaching, else those of the scope's antennas. It adds its
// arguments to args.
func cohortsOf(sc auth.Scope, teaching bool, args *db.Args) string {
	if teaching {
		return "c.id IN (SELECT ca.cohort_id FROM cohort_advisers ca WHERE ca.staff_id = " + args.Add(sc.StaffID) + ")"
	}
	return sc.Where("c.antenna_id", args)
}

// RollCallsToTakeCount counts the meetings that have started (today or in the last
// RecentDays), of cohorts neither cancelled nor in draft, that are not cancelled
// and have no mark yet, at most limit: those staffID teaches when teaching, else
// those of the scope.
func RollCallsToTakeCount(ctx context.Context, d *db.DB, sc auth.Scope, teaching bool, now time.Time, limit int) (int, error) {
	args := db.Args{db.FormatTime(now.AddDate(0, 0, -RecentDays)), db.FormatTime(now)}
	cohorts := cohortsOf(sc, teaching, &args)
	return d.CountAtMost(ctx, `SELECT 1 FROM meetings m JOIN cohorts c ON c.id = m.cohort_id
		WHERE m.starts_at >= $1 AND m.starts_at <= $2 AND m.cancelled_at = '' AND c.state IN ('open', 'full', 'running', 'finished')
		AND `+cohorts+` AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.meeting_id = m.id)`, limit, args...)
}

// RecentAbsences counts the people enrolled in a cohort under way who were
// marked absent at its two latest meetings with a roll call (of the last
// RecentDays), at most limit: in the cohorts staffID teaches when teaching, else
// in those of the scope.
func RecentAbsences(ctx context.Context, d *db.DB, sc auth.Scope, teaching bool, now time.Time, limit int) (int, error) {
	args := db.Args{db.FormatTime(now.AddDate(0, 0, -RecentDays)), db.FormatTime(now)}
	cohorts := cohortsOf(sc, teaching, &args)
	return d.CountAtMost(ctx, `WITH taken AS (
			SELECT m.id, m.cohort_id, ROW_NUMBER() OVER (PARTITION BY m.cohort_id ORDER BY m.starts_at DESC) AS rn
			FROM meetings m JOIN cohorts c ON c.id = m.cohort_id
			WHERE c.state IN ('open', 'full', 'running') AND m.starts_at >= $1 AND m.starts_at <= $2 AND m.cancelled_at = ''
				AND `+cohorts+` AND EXISTS (SELECT 1 FROM attendance x WHERE x.meeting_id = m.id)
		)
		SELECT e.learner_id FROM enrolments e
		JOIN taken t ON t.cohort_id = e.cohort_id AND t.rn <= 2
		JOIN attendance a ON a.meeting_id = t.id AND a.learner_id = e.learner_id AND a.mark = 'absent'
		WHERE e.state = 'enrolled'
		GROUP BY e.cohort_id, e.learner_id HAVING COUNT(*) = 2`, limit, args...)
}

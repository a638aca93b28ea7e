package training

// Hours: what a cohort's meetings add up to, and what each person attended (the
// marks that count).

import (
	"context"
	"strconv"
	"strings"

	"tremplin/internal/platform/db"
)

// PlannedHours sums the meetings that stand (not cancelled).
func PlannedHours(meetings []Meeting) float64 {
	var h float64
	for _, m := range meetings {
		if !m.Cancelled {
			h += m.Hours()
		}
	}
	return h
}

// HoursWarning is set when the meetings planned exceed the programme's hours.
type HoursWarning struct {
	Planned string
	Total   int
}

func hoursWarning(lang string, c *Cohort, planned float64) *HoursWarning {
	if c.TotalHours > 0 && planned > float64(c.TotalHours)+1e-9 {
		return &HoursWarning{Planned: FormatHours(lang, planned), Total: c.TotalHours}
	}
	return nil
}

type cohortLearner struct{ cohort, learner int64 }

// countedMark is the condition for a mark (attendance at, meeting m) to count in
// hours attended: the meeting stands, and the mark was made on or after the day
// the meeting started (UTC). Marks made in advance, before roll calls waited for
// the meeting, never count. impact uses the same rule.
const countedMark = "m.cancelled_at = '' AND substr(at.marked_at, 1, 10) >= substr(m.starts_at, 1, 10)"

// attendedHours sums, per cohort and learner, the meetings marked present or late,
// for the meetings matching cond (on meetings m, with arg as $1).
func attendedHours(ctx context.Context, d *db.DB, cond string, arg any) (map[cohortLearner]float64, error) {
	rows, err := d.QueryContext(ctx, `SELECT m.cohort_id, at.learner_id, m.starts_at, m.ends_at FROM attendance at
		JOIN meetings m ON m.id = at.meeting_id WHERE at.mark IN ('present', 'late') AND `+countedMark+` AND `+cond, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[cohortLearner]float64{}
	for rows.Next() {
		var k cohortLearner
		var s, e string
		if err := rows.Scan(&k.cohort, &k.learner, &s, &e); err != nil {
			return nil, err
		}
		out[k] += db.ParseTime(e).Sub(db.ParseTime(s)).Hours()
	}
	return out, rows.Err()
}

// FormatHours writes a number of hours with at most one decimal, in the language's
// way ("12,5" in French).
func FormatHours(lang string, h float64) string {
	s := strconv.FormatFloat(float64(int(h*10+0.5))/10, 'f', -1, 64)
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

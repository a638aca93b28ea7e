package training

// Hours: what a cohort's meetings add up to, what each person attended (the
// marks that count), and a learner's enrolments with their hours and marks.

import (
	"context"
	"strconv"
	"strings"
	"time"

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

// EnrolmentView is one enrolment of a learner, for the learner file.
type EnrolmentView struct {
	CohortID       int64
	ProgrammeTitle string
	Certifying     bool   // the programme leads to a certificate
	CohortState    string // draft, open, full, running, finished, cancelled
	StartsOn       time.Time
	EndsOn         time.Time
	State          string // enrolled, waitlisted, offered, withdrawn
	Since          time.Time
	HoursAttended  float64
	HoursPlanned   float64
	Marks          []Mark
}

// Mark is one attendance mark of a learner at a meeting.
type Mark struct {
	MeetingStart time.Time
	Mark         string // present, absent, excused, late
}

// LearnerEnrolments lists a learner's enrolments with hours and marks.
func LearnerEnrolments(ctx context.Context, d *db.DB, learnerID int64) ([]EnrolmentView, error) {
	rows, err := d.QueryContext(ctx, `SELECT e.cohort_id, p.title, p.certifying, c.state, c.starts_on, c.ends_on, e.state, e.since
		FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id JOIN programmes p ON p.id = c.programme_id
		WHERE e.learner_id = $1 ORDER BY c.starts_on DESC, e.id DESC`, learnerID)
	out, err := db.Collect[EnrolmentView](rows, err)(func(s db.Scanner) (EnrolmentView, error) {
		var v EnrolmentView
		var starts, ends, since string
		err := s.Scan(&v.CohortID, &v.ProgrammeTitle, &v.Certifying, &v.CohortState, &starts, &ends, &v.State, &since)
		v.StartsOn, v.EndsOn, v.Since = parseDate(starts), parseDate(ends), db.ParseTime(since)
		return v, err
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	index := map[int64]int{}
	for i, v := range out {
		index[v.CohortID] = i
	}
	// Planned hours of each cohort, and the learner's marks, in one query each.
	planned, err := d.QueryContext(ctx, `SELECT m.cohort_id, m.starts_at, m.ends_at FROM meetings m
		WHERE m.cohort_id IN (SELECT cohort_id FROM enrolments WHERE learner_id = $1) AND m.cancelled_at = ''`, learnerID)
	if err != nil {
		return nil, err
	}
	for planned.Next() {
		var cid int64
		var s, e string
		if err := planned.Scan(&cid, &s, &e); err != nil {
			planned.Close()
			return nil, err
		}
		out[index[cid]].HoursPlanned += db.ParseTime(e).Sub(db.ParseTime(s)).Hours()
	}
	planned.Close()
	if err := planned.Err(); err != nil {
		return nil, err
	}
	marks, err := d.QueryContext(ctx, `SELECT m.cohort_id, m.starts_at, m.ends_at, at.mark FROM attendance at
		JOIN meetings m ON m.id = at.meeting_id WHERE at.learner_id = $1 AND `+countedMark+` ORDER BY m.starts_at`, learnerID)
	if err != nil {
		return nil, err
	}
	defer marks.Close()
	for marks.Next() {
		var cid int64
		var s, e, mark string
		if err := marks.Scan(&cid, &s, &e, &mark); err != nil {
			return nil, err
		}
		i, ok := index[cid]
		if !ok {
			continue
		}
		start := db.ParseTime(s)
		out[i].Marks = append(out[i].Marks, Mark{MeetingStart: start, Mark: mark})
		if mark == "present" || mark == "late" {
			out[i].HoursAttended += db.ParseTime(e).Sub(start).Hours()
		}
	}
	return out, marks.Err()
}

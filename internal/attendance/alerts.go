package attendance

// The alerts: people absent from the last two meetings of their cohort whose
// roll call was taken, for their adviser to call.

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/training"
)

// Alert is a learner absent from the last two meetings of their cohort whose
// attendance was taken.
type Alert struct {
	LearnerID      int64
	FirstName      string
	LastName       string
	Phone          string
	CohortID       int64
	ProgrammeTitle string
	AntennaName    string
	Timezone       string
	First, Last    time.Time // the two missed meetings
}

// AbsenceAlerts lists, in the scope's antennas, the learners enrolled in a cohort
// under way who were marked absent at its two latest meetings whose roll call was
// taken, among the meetings already started at now and not cancelled. The list
// goes cohort by cohort, the most recent cohorts first, a page at a time: a page
// holds the alerts of whole cohorts, at least limit of them unless it is the
// last, starting after the cohort before (0 for the first page). next is the
// cursor of the following page (0: none).
//
// Why pages of whole cohorts: the work is per cohort under way (a thousand and
// more nationally, at a million learners), so a page reads only the cohorts it
// shows, the next ones from a cursor, instead of every cohort to sort them all.
// The plan of a batch of cohorts, each step MATERIALIZED so that neither engine
// re-runs a step per row of the next, nor starts from every enrolment:
//   - live: the next cohorts under way, from the cohorts_state index (state,
//     antenna_id, and the id it carries; never the finished ones). For each, a
//     correlated subquery walks its standing meetings backwards from now on the
//     partial index meetings_standing (cohort_id, starts_at, cancelled_at), from
//     the index alone, and stops at the first one with a mark (one probe of the
//     attendance primary key per meeting);
//   - pair: from there, the same walk goes on to the roll call before. A cohort
//     costs a handful of index probes however long its history;
//   - absent: the absences at the last roll call are one short range of the
//     partial index attendance_absent (meeting_id, learner_id, mark) WHERE mark
//     = 'absent' (about one mark in ten), each checked at the roll call before by
//     one probe of the same index; neither reads a row.
//
// Only then are the few rows found joined to the enrolment (still enrolled: one
// probe of enrolments_cohort_learner), the learner, the programme and the
// antenna. Nothing reads a meeting's whole list of marks, a finished cohort, or
// the 36 million marks.
func AbsenceAlerts(ctx context.Context, d *db.DB, sc auth.Scope, now time.Time, after int64, limit int) (out []Alert, next int64, err error) {
	const batch = 64 // cohorts per query: about a page of alerts nationally
	for {
		alerts, last, more, err := absenceBatch(ctx, d, sc, now, after, batch)
		if err != nil {
			return nil, 0, err
		}
		// Whole cohorts, until the page is full.
		for i, a := range alerts {
			if len(out) >= limit && a.CohortID != out[len(out)-1].CohortID {
				return out, out[len(out)-1].CohortID, nil
			}
			out = append(out, alerts[i])
		}
		if !more {
			return out, 0, nil
		}
		after = last
		if len(out) >= limit {
			return out, after, nil
		}
	}
}

// absenceBatch finds the alerts of the next n cohorts under way after the cohort
// after (by id, descending; 0: from the most recent), by cohort then name. last is
// the last cohort looked at, more whether others follow.
func absenceBatch(ctx context.Context, d *db.DB, sc auth.Scope, now time.Time, after int64, n int) (out []Alert, last int64, more bool, err error) {
	args := db.Args{}
	scope := sc.Where("c.antenna_id", &args)
	cursor := args.Add(after)
	rows, err := d.QueryContext(ctx, `SELECT c.id FROM cohorts c WHERE c.state IN ('open', 'full', 'running') AND `+scope+`
		AND (`+cursor+` = 0 OR c.id < `+cursor+`) ORDER BY c.id DESC LIMIT `+fmt.Sprint(n+1), args...)
	ids, err := db.Collect[int64](rows, err)(db.ScanInt64)
	if err != nil || len(ids) == 0 {
		return nil, 0, false, err
	}
	if len(ids) > n {
		ids, more = ids[:n], true
	}
	last = ids[len(ids)-1]
	args = db.Args{db.FormatTime(now)}
	in := db.InList(&args, ids)
	taken := `m.cohort_id = c.id AND m.cancelled_at = '' AND EXISTS (SELECT 1 FROM attendance x WHERE x.meeting_id = m.id)`
	rows, err = d.QueryContext(ctx, `WITH live AS MATERIALIZED (
			SELECT c.id, c.programme_id, c.antenna_id,
				(SELECT m.id FROM meetings m WHERE `+taken+` AND m.starts_at <= $1 ORDER BY m.starts_at DESC LIMIT 1) AS last1
			FROM cohorts c WHERE c.id IN (`+in+`)
		), pair AS MATERIALIZED (
			SELECT c.id, c.programme_id, c.antenna_id, c.last1,
				(SELECT m.id FROM meetings m WHERE `+taken+` AND m.starts_at < m1.starts_at ORDER BY m.starts_at DESC LIMIT 1) AS last2
			FROM live c JOIN meetings m1 ON m1.id = c.last1
		), absent AS MATERIALIZED (
			SELECT c.id, c.programme_id, c.antenna_id, c.last1, c.last2, a1.learner_id
			FROM pair c
			JOIN attendance a1 ON a1.meeting_id = c.last1 AND a1.mark = 'absent'
			JOIN attendance a2 ON a2.meeting_id = c.last2 AND a2.learner_id = a1.learner_id AND a2.mark = 'absent'
		)
		SELECT l.id, l.first_name, l.last_name, l.phone, c.id, p.title, an.name, an.timezone, m2.starts_at, m1.starts_at
		FROM absent c
		JOIN meetings m1 ON m1.id = c.last1
		JOIN meetings m2 ON m2.id = c.last2
		JOIN enrolments e ON e.cohort_id = c.id AND e.learner_id = c.learner_id AND e.state = 'enrolled'
		JOIN learners l ON l.id = c.learner_id
		JOIN programmes p ON p.id = c.programme_id
		JOIN antennas an ON an.id = c.antenna_id
		ORDER BY c.id DESC, l.last_name, l.first_name, l.id`, args...)
	out, err = db.Collect[Alert](rows, err)(func(s db.Scanner) (Alert, error) {
		var a Alert
		var first, last string
		if err := s.Scan(&a.LearnerID, &a.FirstName, &a.LastName, &a.Phone, &a.CohortID, &a.ProgrammeTitle, &a.AntennaName, &a.Timezone, &first, &last); err != nil {
			return a, err
		}
		loc := training.Location(a.Timezone)
		a.First, a.Last = db.ParseTime(first).In(loc), db.ParseTime(last).In(loc)
		return a, nil
	})
	if err != nil {
		return nil, 0, false, err
	}
	return out, last, more, nil
}

// --- Page ------------------------------------------------------------------------

type alertsData struct {
	Alerts []Alert
	First  bool  // the first page
	Next   int64 // the cursor of the next page, 0: none
}

// Alerts lists the learners absent from the last two meetings of their cohort,
// cohort by cohort, a page at a time (?after= the last cohort of the page before).
func (h *Handlers) Alerts(w http.ResponseWriter, r *http.Request) {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	alerts, next, err := AbsenceAlerts(r.Context(), h.DB, auth.Current(r.Context()).Scope(), time.Now(), max(after, 0), pageSize)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "attendance/alerts.html", alertsData{alerts, after <= 0, next}, nil)
}

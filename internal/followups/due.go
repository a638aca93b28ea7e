package followups

// The follow-ups to do, across the antennas a person sees: counted per milestone,
// and listed a page at a time, the most overdue first. At national scale (a
// million files) both read only the index of the follow-ups not yet recorded.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// Due is a follow-up to do, with the person's file, for the advisers' list.
type Due struct {
	learners.FollowUp
	Learner *learners.Learner
}

// Cursor is where a page of the list starts: after the follow-up due on Due of
// the file Learner (a file has at most one follow-up due on a given day).
type Cursor struct {
	Due     string
	Learner int64
}

// String is the cursor as the list's URL carries it.
func (c Cursor) String() string {
	if c.Due == "" {
		return ""
	}
	return c.Due + "_" + strconv.FormatInt(c.Learner, 10)
}

// ParseCursor reads a cursor from the URL; anything wrong is the first page.
func ParseCursor(s string) Cursor {
	due, id, ok := strings.Cut(s, "_")
	n, err := strconv.ParseInt(id, 10, 64)
	if _, derr := time.Parse(time.DateOnly, due); !ok || err != nil || derr != nil {
		return Cursor{}
	}
	return Cursor{Due: due, Learner: n}
}

// Query narrows the list: one milestone ("" for both), from a cursor.
type Query struct {
	Milestone string
	After     Cursor
	Limit     int
}

// scope restricts the follow-ups f to the scope's antennas, its arguments added
// to args; admins see every antenna, with no condition at all (so that the
// association-wide index is walked), and staff of one antenna walk that
// antenna's index in due order.
func scope(ctx context.Context, d *db.DB, sc auth.Scope, args *db.Args) (string, error) {
	if sc.All {
		return "", nil
	}
	ids, err := auth.AntennasOf(ctx, d, sc.StaffID)
	switch {
	case err != nil:
		return "", err
	case len(ids) == 0:
		return " AND 1 = 0", nil
	case len(ids) == 1:
		return " AND f.antenna_id = " + args.Add(ids[0]), nil
	}
	return " AND f.antenna_id IN (" + db.InList(args, ids) + ")", nil
}

// ListDue lists the follow-ups in scope not yet recorded and due by today plus
// learners.FollowUpMargin, the most overdue first, a page at a time: the next
// page's cursor is returned, empty on the last page.
func ListDue(ctx context.Context, d *db.DB, sc auth.Scope, today time.Time, q Query) ([]*Due, Cursor, error) {
	if q.Limit <= 0 {
		q.Limit = learners.FollowUpPageSize
	}
	args := db.Args{today.Add(learners.FollowUpMargin).Format(time.DateOnly)}
	cond := ""
	if q.Milestone != "" {
		cond += " AND f.milestone = " + args.Add(q.Milestone)
	}
	if q.After.Due != "" {
		due, learner := args.Add(q.After.Due), args.Add(q.After.Learner)
		// The row comparison starts the index walk at the cursor on both engines.
		cond += " AND f.due_on >= " + due + " AND (f.due_on, f.learner_id) > (" + due + ", " + learner + ")"
	}
	in, err := scope(ctx, d, sc, &args)
	if err != nil {
		return nil, Cursor{}, err
	}
	rows, err := d.QueryContext(ctx, "SELECT "+learners.Columns+", f.milestone, f.due_on FROM learner_followups f"+
		` JOIN learners l ON l.id = f.learner_id JOIN antennas a ON a.id = l.antenna_id
		WHERE f.recorded_at = '' AND f.due_on <= $1`+cond+in+fmt.Sprintf(` ORDER BY f.due_on, f.learner_id LIMIT %d`, q.Limit+1), args...)
	todayS := today.Format(time.DateOnly)
	out, err := db.Collect[*Due](rows, err)(func(r db.Scanner) (*Due, error) {
		f := &Due{}
		var due string
		var err error
		if f.Learner, err = learners.Scan(r, &f.Milestone, &due); err != nil {
			return nil, err
		}
		f.LearnerID = f.Learner.ID
		f.DueOn, _ = time.Parse(time.DateOnly, due)
		f.Overdue = due < todayS
		return f, nil
	})
	if err != nil || len(out) <= q.Limit {
		return out, Cursor{}, err
	}
	out = out[:q.Limit]
	last := out[len(out)-1]
	return out, Cursor{Due: last.DueOn.Format(time.DateOnly), Learner: last.LearnerID}, nil
}

// Count is how many follow-ups of a milestone are to do in scope: overdue, and
// due within learners.FollowUpMargin.
type Count struct {
	Milestone     string
	Overdue, Soon int
}

// countCap is where a count of follow-ups stops: past it, the list says "more
// than" (a to-do list needs no exact national backlog; the reports count it).
// A variable so that tests reach it.
var countCap = 10000

// OverdueMore and SoonMore report whether the counts stopped at countCap.
func (c Count) OverdueMore() bool { return c.Overdue > countCap }
func (c Count) SoonMore() bool    { return c.Soon > countCap }

// Cap is where the counts stop.
func (Count) Cap() int { return countCap }

// Total is every follow-up of the milestone to do now.
func (c Count) Total() int { return c.Overdue + c.Soon }

// Counts counts the follow-ups to do in scope, one line per milestone, up to
// countCap + 1 each. Each count is one range of an index of the follow-ups still
// to record, led by the milestone (and the antenna): no row is read, nothing is
// sorted.
func Counts(ctx context.Context, d *db.DB, sc auth.Scope, today time.Time) ([]Count, error) {
	args := db.Args{today.Format(time.DateOnly), today.Add(learners.FollowUpMargin).Format(time.DateOnly)}
	in, err := scope(ctx, d, sc, &args)
	if err != nil {
		return nil, err
	}
	var counts []string
	for _, m := range learners.Milestones {
		n := args.Add(m)
		counts = append(counts,
			fmt.Sprintf("(SELECT COUNT(*) FROM (SELECT 1 FROM learner_followups f WHERE f.recorded_at = '' AND f.milestone = %s AND f.due_on < $1%s LIMIT %d) c)", n, in, countCap+1),
			fmt.Sprintf("(SELECT COUNT(*) FROM (SELECT 1 FROM learner_followups f WHERE f.recorded_at = '' AND f.milestone = %s AND f.due_on >= $1 AND f.due_on <= $2%s LIMIT %d) c)", n, in, countCap+1))
	}
	out := make([]Count, len(learners.Milestones))
	dest := make([]any, 0, 2*len(out))
	for i, m := range learners.Milestones {
		out[i].Milestone = m
		dest = append(dest, &out[i].Overdue, &out[i].Soon)
	}
	if err := d.QueryRowContext(ctx, "SELECT "+strings.Join(counts, ", "), args...).Scan(dest...); err != nil {
		return nil, err
	}
	return out, nil
}

// DueCount counts the follow-ups in scope due by today and not recorded, at most
// limit, for the staff home page. They are found from the exits (a follow-up
// falls due three months after one at the earliest), by antenna.
func DueCount(ctx context.Context, d *db.DB, sc auth.Scope, today time.Time, limit int) (int, error) {
	day := today.Format(time.DateOnly)
	if sc.All {
		return d.CountAtMost(ctx, `SELECT 1 FROM learner_followups f JOIN learners l ON l.id = f.learner_id
			WHERE f.recorded_at = '' AND f.due_on <= $1 AND l.merged_into IS NULL`, limit, day)
	}
	// CROSS JOIN keeps SQLite walking the antenna's exits first, and "|| ''" keeps
	// it finding each one's follow-ups by person, rather than among every
	// follow-up not recorded of the association.
	return learners.CountPerAntenna(ctx, d, sc, `SELECT 1 FROM learners l CROSS JOIN learner_followups f
		WHERE %s AND f.learner_id = l.id AND l.exited_on <> '' AND l.exited_on <= $1 AND l.merged_into IS NULL
		AND f.recorded_at || '' = '' AND f.due_on <= $2`,
		[]any{today.AddDate(0, -3, 0).Format(time.DateOnly), day}, limit)
}

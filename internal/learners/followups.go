package learners

// The follow-ups to do, across the antennas a person sees: counted per milestone,
// and listed a page at a time, the most overdue first. At national scale (a
// million files) both read only the index of the follow-ups not yet recorded.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// FollowUpPageSize is how many follow-ups the list shows at once.
const FollowUpPageSize = 50

// DueFollowUp is a follow-up to do, for the advisers' list.
type DueFollowUp struct {
	FollowUp
	Learner *Learner
}

// FollowUpCursor is where a page of the list starts: after the follow-up due on
// Due of the file Learner (a file has at most one follow-up due on a given day).
type FollowUpCursor struct {
	Due     string
	Learner int64
}

// String is the cursor as the list's URL carries it.
func (c FollowUpCursor) String() string {
	if c.Due == "" {
		return ""
	}
	return c.Due + "_" + strconv.FormatInt(c.Learner, 10)
}

// ParseFollowUpCursor reads a cursor from the URL; anything wrong is the first page.
func ParseFollowUpCursor(s string) FollowUpCursor {
	due, id, ok := strings.Cut(s, "_")
	n, err := strconv.ParseInt(id, 10, 64)
	if _, derr := time.Parse(time.DateOnly, due); !ok || err != nil || derr != nil {
		return FollowUpCursor{}
	}
	return FollowUpCursor{Due: due, Learner: n}
}

// FollowUpQuery narrows the list: one milestone ("" for both), from a cursor.
type FollowUpQuery struct {
	Milestone string
	After     FollowUpCursor
	Limit     int
}

// followUpScope restricts the follow-ups f to the scope's antennas, with
// placeholders from $n; admins see every antenna, with no condition at all (so
// that the association-wide index is walked), and staff of one antenna walk that
// antenna's index in due order.
func followUpScope(ctx context.Context, d *db.DB, sc auth.Scope, n int) (string, []any, error) {
	if sc.All {
		return "", nil, nil
	}
	rows, err := d.QueryContext(ctx, "SELECT antenna_id FROM staff_antennas WHERE staff_id = $1 ORDER BY antenna_id", sc.StaffID)
	ids, err := db.Collect[any](rows, err)(func(r db.Scanner) (any, error) {
		var id int64
		err := r.Scan(&id)
		return id, err
	})
	switch {
	case err != nil:
		return "", nil, err
	case len(ids) == 0:
		return " AND 1 = 0", nil, nil
	case len(ids) == 1:
		return fmt.Sprintf(" AND f.antenna_id = $%d", n), ids, nil
	}
	return " AND f.antenna_id IN (" + db.Placeholders(n, len(ids)) + ")", ids, nil
}

// FollowUpsDue lists the follow-ups in scope not yet recorded and due by today
// plus FollowUpMargin, the most overdue first, a page at a time: the next page's
// cursor is returned, empty on the last page.
func FollowUpsDue(ctx context.Context, d *db.DB, sc auth.Scope, today time.Time, q FollowUpQuery) ([]*DueFollowUp, FollowUpCursor, error) {
	if q.Limit <= 0 {
		q.Limit = FollowUpPageSize
	}
	horizon := today.Add(FollowUpMargin).Format(time.DateOnly)
	cond, args := "", []any{horizon}
	if q.Milestone != "" {
		args = append(args, q.Milestone)
		cond += fmt.Sprintf(" AND f.milestone = $%d", len(args))
	}
	if q.After.Due != "" {
		args = append(args, q.After.Due, q.After.Learner)
		// The row comparison starts the index walk at the cursor on both engines.
		cond += fmt.Sprintf(" AND f.due_on >= $%d AND (f.due_on, f.learner_id) > ($%d, $%d)", len(args)-1, len(args)-1, len(args))
	}
	scope, sargs, err := followUpScope(ctx, d, sc, len(args)+1)
	if err != nil {
		return nil, FollowUpCursor{}, err
	}
	args = append(args, sargs...)
	rows, err := d.QueryContext(ctx, "SELECT "+learnerColumns+", f.milestone, f.due_on FROM learner_followups f"+
		` JOIN learners l ON l.id = f.learner_id JOIN antennas a ON a.id = l.antenna_id
		WHERE f.recorded_at = '' AND f.due_on <= $1`+cond+scope+fmt.Sprintf(` ORDER BY f.due_on, f.learner_id LIMIT %d`, q.Limit+1), args...)
	if err != nil {
		return nil, FollowUpCursor{}, err
	}
	defer rows.Close()
	todayS := today.Format(time.DateOnly)
	var out []*DueFollowUp
	for rows.Next() {
		f := &DueFollowUp{}
		var due string
		if f.Learner, err = scanLearner(rows, &f.Milestone, &due); err != nil {
			return nil, FollowUpCursor{}, err
		}
		f.LearnerID = f.Learner.ID
		f.DueOn, _ = time.Parse(time.DateOnly, due)
		f.Overdue = due < todayS
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, FollowUpCursor{}, err
	}
	var next FollowUpCursor
	if len(out) > q.Limit {
		out = out[:q.Limit]
		last := out[len(out)-1]
		next = FollowUpCursor{Due: last.DueOn.Format(time.DateOnly), Learner: last.LearnerID}
	}
	return out, next, nil
}

// FollowUpCount is how many follow-ups of a milestone are to do in scope: overdue,
// and due within FollowUpMargin.
type FollowUpCount struct {
	Milestone     string
	Overdue, Soon int
}

// countCap is where a count of follow-ups stops: past it, the list says "more
// than" (a to-do list needs no exact national backlog; the reports count it).
// A variable so that tests reach it.
var countCap = 10000

// OverdueMore and SoonMore report whether the counts stopped at countCap.
func (c FollowUpCount) OverdueMore() bool { return c.Overdue > countCap }
func (c FollowUpCount) SoonMore() bool    { return c.Soon > countCap }

// Cap is where the counts stop.
func (FollowUpCount) Cap() int { return countCap }

// Total is every follow-up of the milestone to do now.
func (c FollowUpCount) Total() int { return c.Overdue + c.Soon }

// FollowUpCounts counts the follow-ups to do in scope, one line per milestone, up
// to countCap + 1 each. Each count is one range of an index of the follow-ups
// still to record, led by the milestone (and the antenna): no row is read,
// nothing is sorted.
func FollowUpCounts(ctx context.Context, d *db.DB, sc auth.Scope, today time.Time) ([]FollowUpCount, error) {
	scope, args, err := followUpScope(ctx, d, sc, 3)
	if err != nil {
		return nil, err
	}
	args = append([]any{today.Format(time.DateOnly), today.Add(FollowUpMargin).Format(time.DateOnly)}, args...)
	var counts []string
	for _, m := range Milestones {
		args = append(args, m)
		n := len(args)
		counts = append(counts,
			fmt.Sprintf("(SELECT COUNT(*) FROM (SELECT 1 FROM learner_followups f WHERE f.recorded_at = '' AND f.milestone = $%d AND f.due_on < $1%s LIMIT %d) c)", n, scope, countCap+1),
			fmt.Sprintf("(SELECT COUNT(*) FROM (SELECT 1 FROM learner_followups f WHERE f.recorded_at = '' AND f.milestone = $%d AND f.due_on >= $1 AND f.due_on <= $2%s LIMIT %d) c)", n, scope, countCap+1))
	}
	out := make([]FollowUpCount, len(Milestones))
	dest := make([]any, 0, 2*len(out))
	for i, m := range Milestones {
		out[i].Milestone = m
		dest = append(dest, &out[i].Overdue, &out[i].Soon)
	}
	if err := d.QueryRowContext(ctx, "SELECT "+strings.Join(counts, ", "), args...).Scan(dest...); err != nil {
		return nil, err
	}
	return out, nil
}

// followUpsPage is what the follow-up list shows.
type followUpsPage struct {
	Counts    []FollowUpCount
	Items     []*DueFollowUp
	Milestone string
	Next      string // the next page's URL, "" on the last
	First     string // the first page's URL, "" on it
}

// FollowUps lists the follow-ups due (or due within FollowUpMargin) in the person's
// antennas, with their counts per milestone; ?milestone= narrows it to one, ?after=
// is the page's start.
func (h *Handlers) FollowUps(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := auth.Current(ctx).Scope()
	now := time.Now()
	q := FollowUpQuery{Milestone: r.URL.Query().Get("milestone"), After: ParseFollowUpCursor(r.URL.Query().Get("after"))}
	if !slices.Contains(Milestones, q.Milestone) {
		q.Milestone = ""
	}
	counts, err := FollowUpCounts(ctx, h.DB, sc, now)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	items, next, err := FollowUpsDue(ctx, h.DB, sc, now, q)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	link := func(after string) string {
		v := url.Values{}
		if q.Milestone != "" {
			v.Set("milestone", q.Milestone)
		}
		if after != "" {
			v.Set("after", after)
		}
		if len(v) == 0 {
			return "/followups"
		}
		return "/followups?" + v.Encode()
	}
	p := followUpsPage{Counts: counts, Items: items, Milestone: q.Milestone}
	if next.Due != "" {
		p.Next = link(next.String())
	}
	if q.After.Due != "" {
		p.First = link("")
	}
	h.Render.Render(w, r, http.StatusOK, "learners/followups.html", p, nil)
}

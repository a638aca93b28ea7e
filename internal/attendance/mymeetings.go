package attendance

// "My meetings": the roll calls a staff member has to take, and their next
// meetings.

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
	"tremplin/internal/training"
)

// overdueWindow is how far back "my meetings" looks for roll calls not taken: past
// two months a roll call is no longer taken from memory (the cohort page still
// lists every meeting), and the list stays a walk of recent meetings only.
const overdueWindow = 62 * 24 * time.Hour

// RollCall is a meeting on the "my meetings" page.
type RollCall struct {
	training.Event
	Marked int
}

// whose returns the condition choosing the meetings a staff member answers for:
// an adviser, the meetings they teach; a manager or an admin, every meeting of
// their antennas. It adds its arguments to args.
func whose(st *auth.Staff, args *db.Args) string {
	if st.Role == auth.Adviser {
		return training.Teaches(st.ID, args)
	}
	return st.Scope().Where("c.antenna_id", args)
}

func rollCalls(ctx context.Context, d *db.DB, cond string, args db.Args, order string, limit, offset int) ([]RollCall, error) {
	rows, err := d.QueryContext(ctx, `SELECT m.id, c.id, m.starts_at, m.ends_at, p.title, a.name, a.timezone, pl.name,
			(SELECT COUNT(*) FROM attendance x WHERE x.meeting_id = m.id)
		FROM meetings m JOIN cohorts c ON c.id = m.cohort_id JOIN programmes p ON p.id = c.programme_id
		JOIN antennas a ON a.id = c.antenna_id JOIN places pl ON pl.id = COALESCE(m.place_id, c.place_id)
		WHERE c.state IN ('open', 'full', 'running') AND m.cancelled_at = '' AND `+cond+`
		ORDER BY `+order+fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(offset, 0)), args...)
	return db.Collect[RollCall](rows, err)(func(s db.Scanner) (RollCall, error) {
		var r RollCall
		var start, end, tz string
		if err := s.Scan(&r.MeetingID, &r.CohortID, &start, &end, &r.Title, &r.Antenna, &tz, &r.Place, &r.Marked); err != nil {
			return r, err
		}
		loc := training.Location(tz)
		r.Start, r.End = db.ParseTime(start).In(loc), db.ParseTime(end).In(loc)
		return r, nil
	})
}

// RollCallsToTake lists the meetings of the cohorts under way that st answers for,
// whose roll call may be taken at now (started, or about to) and was not, within
// overdueWindow: the most overdue first, limit from offset. more says whether
// another page follows.
func RollCallsToTake(ctx context.Context, d *db.DB, st *auth.Staff, now time.Time, offset, limit int) (out []RollCall, more bool, err error) {
	args := db.Args{}
	cond := "m.starts_at >= " + args.Add(db.FormatTime(now.Add(-overdueWindow))) + " AND m.starts_at <= " + args.Add(db.FormatTime(now.Add(RollCallMargin))) +
		" AND NOT EXISTS (SELECT 1 FROM attendance x WHERE x.meeting_id = m.id) AND " + whose(st, &args)
	out, err = rollCalls(ctx, d, cond, args, "m.starts_at, m.id", limit+1, offset)
	if len(out) > limit {
		out, more = out[:limit], true
	}
	return out, more, err
}

// NextMeetings lists the next meetings st answers for, whose roll call is not open
// yet at now: later today, then the days after.
func NextMeetings(ctx context.Context, d *db.DB, st *auth.Staff, now time.Time, limit int) ([]RollCall, error) {
	args := db.Args{}
	cond := "m.starts_at > " + args.Add(db.FormatTime(now.Add(RollCallMargin))) + " AND " + whose(st, &args)
	return rollCalls(ctx, d, cond, args, "m.starts_at, m.id", limit, 0)
}

// --- Page ------------------------------------------------------------------------

const pageSize = 20

type myMeetingsData struct {
	ToTake  []RollCall
	Next    []RollCall
	Pager   web.Pager
	FeedURL string
}

// MyMeetings lists the roll calls the staff member has to take — the most overdue
// first, then today's — and, on the first page, their next meetings, with the
// address of their calendar feed.
func (h *Handlers) MyMeetings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	token, err := training.AdviserFeedToken(ctx, h.DB, st.ID, true)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	now := time.Now()
	page, offset := web.PageOf(r, pageSize)
	toTake, more, err := RollCallsToTake(ctx, h.DB, st, now, offset, pageSize)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var next []RollCall
	if page == 1 {
		if next, err = NextMeetings(ctx, h.DB, st, now, 10); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	h.Render.Render(w, r, http.StatusOK, "attendance/my_meetings.html", myMeetingsData{
		ToTake: toTake, Next: next, Pager: web.NewPager(r, page, more),
		FeedURL: fmt.Sprintf("%s/advisers/%d/calendar.ics?token=%s", h.BaseURL, st.ID, token),
	}, nil)
}

package training

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// RollCallMargin is how long before a meeting's start its roll call may be taken:
// an adviser may mark those already in the room. Earlier, a mark would count hours
// nobody has attended yet.
const RollCallMargin = 15 * time.Minute

// ErrRollCallClosed is returned when marks are saved for a meeting that does not
// take a roll call (not started yet, cancelled, or of a cancelled cohort).
var ErrRollCallClosed = errors.New("roll call not open")

// countedMark is the condition for a mark (attendance at, meeting m) to count in
// hours attended: the meeting stands, and the mark was made on or after the day
// the meeting started (UTC). Marks made in advance, before roll calls waited for
// the meeting, never count. impact uses the same rule.
const countedMark = "m.cancelled_at = '' AND substr(at.marked_at, 1, 10) >= substr(m.starts_at, 1, 10)"

// RollCallRefusal says why the roll call of meeting m of cohort c cannot be taken
// at now, as a catalog key, or "" when it can.
func RollCallRefusal(m *Meeting, c *Cohort, now time.Time) string {
	switch {
	case c.State == "cancelled":
		return "training.rollcall_cohort_cancelled"
	case m.Cancelled:
		return "training.rollcall_cancelled"
	case now.Before(m.Start.Add(-RollCallMargin)):
		return "training.rollcall_early"
	}
	return ""
}

// SaveAttendance records marks (learner → mark) for a meeting. Saving the same marks
// again changes nothing; a learner left out keeps their mark. It refuses, with
// ErrRollCallClosed, a meeting that has not started (within RollCallMargin), is
// cancelled, or belongs to a cancelled cohort: checked in the transaction that
// writes, so a cancellation at the same moment cannot slip in between.
func SaveAttendance(ctx context.Context, d *db.DB, meetingID int64, marks map[int64]string, staffID int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		var starts, cancelled, state string
		err := tx.QueryRowContext(ctx, `SELECT m.starts_at, m.cancelled_at, c.state FROM meetings m JOIN cohorts c ON c.id = m.cohort_id
			WHERE m.id = $1`, meetingID).Scan(&starts, &cancelled, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return db.ErrNotFound
		}
		if err != nil {
			return err
		}
		if state == "cancelled" || cancelled != "" || time.Now().Before(db.ParseTime(starts).Add(-RollCallMargin)) {
			return ErrRollCallClosed
		}
		now := db.Now()
		for learner, mark := range marks {
			if _, err := tx.ExecContext(ctx, `INSERT INTO attendance (meeting_id, learner_id, mark, marked_by, marked_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (meeting_id, learner_id) DO UPDATE SET mark = excluded.mark, marked_by = excluded.marked_by, marked_at = excluded.marked_at`,
				meetingID, learner, mark, db.NullID(staffID), now); err != nil {
				return err
			}
		}
		return nil
	})
}

// EveryonePresent gives the mark "present" to each attendee who has no mark yet:
// the roll call starts from everyone present, then the absences are changed one by
// one. Marks already given are kept, so sending it twice changes nothing.
func EveryonePresent(attendees []Attendee) map[int64]string {
	out := map[int64]string{}
	for _, a := range attendees {
		if a.Mark == "" {
			out[a.LearnerID] = "present"
		}
	}
	return out
}

// --- Alerts ----------------------------------------------------------------------

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
	where, args := sc.WhereN("c.antenna_id", 1)
	rows, err := d.QueryContext(ctx, `SELECT c.id FROM cohorts c WHERE c.state IN ('open', 'full', 'running') AND `+where+`
		AND ($3 = 0 OR c.id < $3) ORDER BY c.id DESC LIMIT `+fmt.Sprint(n+1), append(args, after)...)
	ids, err := db.Collect[int64](rows, err)(func(r db.Scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil || len(ids) == 0 {
		return nil, 0, false, err
	}
	if len(ids) > n {
		ids, more = ids[:n], true
	}
	last = ids[len(ids)-1]
	marks := make([]string, len(ids))
	qargs := []any{db.FormatTime(now)}
	for i, id := range ids {
		qargs = append(qargs, id)
		marks[i] = "$" + strconv.Itoa(len(qargs))
	}
	taken := `m.cohort_id = c.id AND m.cancelled_at = '' AND EXISTS (SELECT 1 FROM attendance x WHERE x.meeting_id = m.id)`
	rows, err = d.QueryContext(ctx, `WITH live AS MATERIALIZED (
			SELECT c.id, c.programme_id, c.antenna_id,
				(SELECT m.id FROM meetings m WHERE `+taken+` AND m.starts_at <= $1 ORDER BY m.starts_at DESC LIMIT 1) AS last1
			FROM cohorts c WHERE c.id IN (`+strings.Join(marks, ", ")+`)
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
		ORDER BY c.id DESC, l.last_name, l.first_name, l.id`, qargs...)
	if err != nil {
		return nil, 0, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var a Alert
		var first, last string
		if err := rows.Scan(&a.LearnerID, &a.FirstName, &a.LastName, &a.Phone, &a.CohortID, &a.ProgrammeTitle, &a.AntennaName, &a.Timezone, &first, &last); err != nil {
			return nil, 0, false, err
		}
		loc := Location(a.Timezone)
		a.First, a.Last = db.ParseTime(first).In(loc), db.ParseTime(last).In(loc)
		out = append(out, a)
	}
	return out, last, more, rows.Err()
}

// --- Roll calls to take --------------------------------------------------------------

// overdueWindow is how far back "my meetings" looks for roll calls not taken: past
// two months a roll call is no longer taken from memory (the cohort page still
// lists every meeting), and the list stays a walk of recent meetings only.
const overdueWindow = 62 * 24 * time.Hour

// RollCall is a meeting on the "my meetings" page.
type RollCall struct {
	Event
	Marked int
}

// whose returns the condition choosing the meetings a staff member answers for:
// an adviser, the meetings they teach; a manager or an admin, every meeting of
// their antennas. Its placeholders start at $n.
func whose(st *auth.Staff, n int) (string, []any) {
	if st.Role == auth.Adviser {
		return fmt.Sprintf("(m.staff_id = $%d OR (m.staff_id IS NULL AND c.id IN (SELECT cohort_id FROM cohort_advisers WHERE staff_id = $%d)))", n, n), []any{st.ID}
	}
	return st.Scope().WhereN("c.antenna_id", n)
}

func rollCalls(ctx context.Context, d *db.DB, cond string, args []any, order string, limit, offset int) ([]RollCall, error) {
	rows, err := d.QueryContext(ctx, `SELECT m.id, c.id, m.starts_at, m.ends_at, p.title, a.name, a.timezone, pl.name,
			(SELECT COUNT(*) FROM attendance x WHERE x.meeting_id = m.id)
		FROM meetings m JOIN cohorts c ON c.id = m.cohort_id JOIN programmes p ON p.id = c.programme_id
		JOIN antennas a ON a.id = c.antenna_id JOIN places pl ON pl.id = COALESCE(m.place_id, c.place_id)
		WHERE c.state IN ('open', 'full', 'running') AND m.cancelled_at = '' AND `+cond+`
		ORDER BY `+order+fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(offset, 0)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RollCall
	for rows.Next() {
		var r RollCall
		var s, e, tz string
		if err := rows.Scan(&r.MeetingID, &r.CohortID, &s, &e, &r.Title, &r.Antenna, &tz, &r.Place, &r.Marked); err != nil {
			return nil, err
		}
		loc := Location(tz)
		r.Start, r.End = db.ParseTime(s).In(loc), db.ParseTime(e).In(loc)
		out = append(out, r)
	}
	return out, rows.Err()
}

// RollCallsToTake lists the meetings of the cohorts under way that st answers for,
// whose roll call may be taken at now (started, or about to) and was not, within
// overdueWindow: the most overdue first, limit from offset. more says whether
// another page follows.
func RollCallsToTake(ctx context.Context, d *db.DB, st *auth.Staff, now time.Time, offset, limit int) (out []RollCall, more bool, err error) {
	cond, args := whose(st, 3)
	out, err = rollCalls(ctx, d, `m.starts_at >= $1 AND m.starts_at <= $2 AND NOT EXISTS (SELECT 1 FROM attendance x WHERE x.meeting_id = m.id) AND `+cond,
		append([]any{db.FormatTime(now.Add(-overdueWindow)), db.FormatTime(now.Add(RollCallMargin))}, args...), "m.starts_at, m.id", limit+1, offset)
	if len(out) > limit {
		out, more = out[:limit], true
	}
	return out, more, err
}

// NextMeetings lists the next meetings st answers for, whose roll call is not open
// yet at now: later today, then the days after.
func NextMeetings(ctx context.Context, d *db.DB, st *auth.Staff, now time.Time, limit int) ([]RollCall, error) {
	cond, args := whose(st, 2)
	return rollCalls(ctx, d, "m.starts_at > $1 AND "+cond, append([]any{db.FormatTime(now.Add(RollCallMargin))}, args...), "m.starts_at, m.id", limit, 0)
}

// --- Handlers ------------------------------------------------------------------------

const pageSize = 20

// pageOf reads the page number of a list (from 1).
func pageOf(r *http.Request) int {
	var p int
	fmt.Sscan(r.URL.Query().Get("page"), &p)
	return max(p, 1)
}

// Pager is the "previous / next" of a list.
type Pager struct {
	Page       int
	Prev, Next int // 0: none
}

func pager(page int, more bool) Pager {
	p := Pager{Page: page}
	if page > 1 {
		p.Prev = page - 1
	}
	if more {
		p.Next = page + 1
	}
	return p
}

type myMeetingsData struct {
	ToTake  []RollCall
	Next    []RollCall
	Pager   Pager
	FeedURL string
	Today   string // YYYY-MM-DD in the first meeting's zone, to say "today"
}

// MyMeetings lists the roll calls the staff member has to take — the most overdue
// first, then today's — and, on the first page, their next meetings, with the
// address of their calendar feed.
func (h *Handlers) MyMeetings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	token, err := AdviserFeedToken(ctx, h.DB, st.ID, true)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	now, page := time.Now(), pageOf(r)
	toTake, more, err := RollCallsToTake(ctx, h.DB, st, now, (page-1)*pageSize, pageSize)
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
	h.Render.Render(w, r, http.StatusOK, "training/my_meetings.html", myMeetingsData{
		ToTake: toTake, Next: next, Pager: pager(page, more),
		FeedURL: fmt.Sprintf("%s/advisers/%d/calendar.ics?token=%s", h.BaseURL, st.ID, token),
	}, nil)
}

type attendanceData struct {
	Meeting   *Meeting
	Cohort    *Cohort
	Attendees []Attendee
	Marks     []string
	Refusal   string // why the roll call cannot be taken, a catalog key
	Opens     time.Time
	Place     string
}

func (h *Handlers) scopedMeeting(w http.ResponseWriter, r *http.Request) (*attendanceData, bool) {
	ctx := r.Context()
	m, c, err := MeetingByID(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	attendees, err := Attendees(ctx, h.DB, m)
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	data := &attendanceData{Meeting: m, Cohort: c, Attendees: attendees, Marks: Marks,
		Refusal: RollCallRefusal(m, c, time.Now()), Opens: m.Start.Add(-RollCallMargin), Place: c.PlaceName}
	if m.PlaceName != "" {
		data.Place = m.PlaceName
	}
	return data, true
}

// Attendance is the phone-friendly roll call of one meeting. Before the meeting
// (and for a cancelled one) it says why no roll call can be taken, without buttons.
func (h *Handlers) Attendance(w http.ResponseWriter, r *http.Request) {
	data, ok := h.scopedMeeting(w, r)
	if !ok {
		return
	}
	h.Render.Render(w, r, http.StatusOK, "training/attendance.html", data, nil)
}

// AttendanceSave records the marks of a meeting, or marks everyone not yet marked
// present ("everyone"). The form names its meeting, so a page left open on another
// meeting cannot write here; saving twice is harmless. A meeting that does not take
// a roll call answers 409 with the reason, and nothing is saved.
func (h *Handlers) AttendanceSave(w http.ResponseWriter, r *http.Request) {
	data, ok := h.scopedMeeting(w, r)
	if !ok {
		return
	}
	m := data.Meeting
	f, err := web.ParseForm(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if f.Get("meeting") != idString(m.ID) {
		h.Render.Error(w, r, http.StatusBadRequest)
		return
	}
	if data.Refusal != "" {
		h.Render.Render(w, r, http.StatusConflict, "training/attendance.html", data, nil)
		return
	}
	marks := map[int64]string{}
	if f.Get("everyone") == "present" {
		marks = EveryonePresent(data.Attendees)
	}
	for _, a := range data.Attendees {
		v := f.Get("mark_" + idString(a.LearnerID))
		if v == "" {
			continue
		}
		if !slices.Contains(Marks, v) {
			h.Render.Error(w, r, http.StatusBadRequest)
			return
		}
		marks[a.LearnerID] = v
	}
	ctx := r.Context()
	err = SaveAttendance(ctx, h.DB, m.ID, marks, auth.Current(ctx).ID)
	if errors.Is(err, ErrRollCallClosed) { // cancelled since the page was read
		data.Refusal = RollCallRefusal(m, data.Cohort, time.Now())
		if data.Refusal == "" {
			data.Refusal = "training.rollcall_cancelled"
		}
		h.Render.Render(w, r, http.StatusConflict, "training/attendance.html", data, nil)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "training.attendance_saved")
	http.Redirect(w, r, "/meetings/"+idString(m.ID)+"/attendance", http.StatusSeeOther)
}

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
	h.Render.Render(w, r, http.StatusOK, "training/alerts.html", alertsData{alerts, after <= 0, next}, nil)
}

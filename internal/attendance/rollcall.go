package attendance

// The roll call of one meeting: who is expected, the rule for when it may be
// taken, and the phone-friendly page that takes it.

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
	"tremplin/internal/training"
)

// RollCallMargin is how long before a meeting's start its roll call may be taken:
// an adviser may mark those already in the room. Earlier, a mark would count hours
// nobody has attended yet.
const RollCallMargin = 15 * time.Minute

// ErrRollCallClosed is returned when marks are saved for a meeting that does not
// take a roll call (not started yet, cancelled, or of a cancelled cohort).
var ErrRollCallClosed = errors.New("roll call not open")

// Marks are the attendance marks, in the order the attendance page offers them.
var Marks = []string{"present", "absent", "excused", "late"}

// RollCallRefusal says why the roll call of meeting m of cohort c cannot be taken
// at now, as a catalog key, or "" when it can.
func RollCallRefusal(m *training.Meeting, c *training.Cohort, now time.Time) string {
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
		if err != nil {
			return db.NotFound(err)
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

// Attendee is a learner on a meeting's attendance list, with their mark if taken.
type Attendee struct {
	LearnerID int64
	FirstName string
	LastName  string
	Mark      string
	// CannotCome: the person said so from their reminder's link (until the roll
	// call marks them, which stays the fact).
	CannotCome bool
}

// Attendees lists the people enrolled in the meeting's cohort, and anyone already
// marked at that meeting, by name.
func Attendees(ctx context.Context, d *db.DB, m *training.Meeting) ([]Attendee, error) {
	rows, err := d.QueryContext(ctx, `SELECT l.id, l.first_name, l.last_name, COALESCE(at.mark, ''), COALESCE(rl.answer, '')
		FROM enrolments e JOIN learners l ON l.id = e.learner_id
		LEFT JOIN attendance at ON at.meeting_id = $2 AND at.learner_id = e.learner_id
		LEFT JOIN reply_links rl ON rl.ref_kind = 'meeting' AND rl.ref_id = $2 AND rl.learner_id = e.learner_id
		WHERE e.cohort_id = $1 AND (e.state = 'enrolled' OR at.mark IS NOT NULL)
		ORDER BY l.last_name, l.first_name, l.id`, m.CohortID, m.ID)
	return db.Collect[Attendee](rows, err)(func(s db.Scanner) (Attendee, error) {
		var a Attendee
		var answer string
		err := s.Scan(&a.LearnerID, &a.FirstName, &a.LastName, &a.Mark, &answer)
		a.CannotCome = answer == "cannot_come"
		return a, err
	})
}

// EveryonePresent gives the mark "present" to each attendee who has no mark yet —
// "excused" to those who said beforehand that they could not come: the roll call
// starts from there, then the absences are changed one by one. Marks already
// given are kept, so sending it twice changes nothing.
func EveryonePresent(attendees []Attendee) map[int64]string {
	out := map[int64]string{}
	for _, a := range attendees {
		switch {
		case a.Mark != "":
		case a.CannotCome:
			out[a.LearnerID] = "excused"
		default:
			out[a.LearnerID] = "present"
		}
	}
	return out
}

// --- Page ------------------------------------------------------------------------

type attendanceData struct {
	Meeting   *training.Meeting
	Cohort    *training.Cohort
	Attendees []Attendee
	Marks     []string
	Refusal   string // why the roll call cannot be taken, a catalog key
	Opens     time.Time
	Place     string
}

func (h *Handlers) scopedMeeting(w http.ResponseWriter, r *http.Request) (*attendanceData, bool) {
	ctx := r.Context()
	m, c, err := training.MeetingByID(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
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
	h.Render.Render(w, r, http.StatusOK, "attendance/attendance.html", data, nil)
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
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	id := strconv.FormatInt(m.ID, 10)
	if f.Get("meeting") != id {
		h.Render.Error(w, r, http.StatusBadRequest)
		return
	}
	if data.Refusal != "" {
		h.Render.Render(w, r, http.StatusConflict, "attendance/attendance.html", data, nil)
		return
	}
	marks := map[int64]string{}
	if f.Get("everyone") == "present" {
		marks = EveryonePresent(data.Attendees)
	}
	for _, a := range data.Attendees {
		v := f.Get("mark_" + strconv.FormatInt(a.LearnerID, 10))
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
	err := SaveAttendance(ctx, h.DB, m.ID, marks, auth.Current(ctx).ID)
	if errors.Is(err, ErrRollCallClosed) { // cancelled since the page was read
		data.Refusal = RollCallRefusal(m, data.Cohort, time.Now())
		if data.Refusal == "" {
			data.Refusal = "training.rollcall_cancelled"
		}
		h.Render.Render(w, r, http.StatusConflict, "attendance/attendance.html", data, nil)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if h.OnMarked != nil && len(marks) > 0 {
		ids := slices.Sorted(maps.Keys(marks))
		if err := h.OnMarked(ctx, ids); err != nil {
			h.Log.WarnContext(ctx, "roll call: profiles not refreshed", "meeting_id", m.ID, "err", err)
		}
	}
	h.Flash(r, "training.attendance_saved")
	http.Redirect(w, r, "/meetings/"+id+"/attendance", http.StatusSeeOther)
}

package training

// Cancelling a cohort, and reopening it while none of its meetings has happened.

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// CohortCancelled is the state passed to OnEnrolment for a person whose enrolment,
// offer or place on the waitlist ended because the cohort was cancelled. The
// enrolment itself is withdrawn, with the reason kept beside it.
const CohortCancelled = "cohort_cancelled"

// ErrNotCancellable is returned when cancelling a cohort already finished or
// cancelled.
var ErrNotCancellable = errors.New("cohort cannot be cancelled")

// ErrNotReopenable is returned when reopening a cohort that is not cancelled, or one
// of whose meetings has already happened.
var ErrNotReopenable = errors.New("cohort cannot be reopened")

// Affected is a person holding a seat, an offer or a place on the waitlist of a
// cohort, with what is needed to tell them.
type Affected struct {
	LearnerID int64
	FirstName string
	LastName  string
	Phone     string
	Email     string
	Lang      string
	State     string // enrolled, offered, waitlisted (before the cancellation)
}

// Cancellable reports whether a cohort in state may be cancelled.
func Cancellable(state string) bool {
	return state == "draft" || takesEnrolments(state)
}

const affectedColumns = `l.id, l.first_name, l.last_name, l.phone, l.email, l.lang`

func scanAffected(rows *sql.Rows, err error) ([]Affected, error) {
	return db.Collect[Affected](rows, err)(func(s db.Scanner) (Affected, error) {
		var a Affected
		return a, s.Scan(&a.LearnerID, &a.FirstName, &a.LastName, &a.Phone, &a.Email, &a.Lang, &a.State)
	})
}

// stateOrder lists the people holding a seat first, then offers, then the waitlist
// in its order.
const stateOrder = `CASE e.state WHEN 'enrolled' THEN 1 WHEN 'offered' THEN 2 ELSE 3 END,
	CASE WHEN e.state = 'waitlisted' THEN e.since ELSE '' END, l.last_name, l.first_name, l.id`

// AffectedBy lists the people a cancellation of the cohort would concern.
func AffectedBy(ctx context.Context, d db.Execer, cohortID int64) ([]Affected, error) {
	return scanAffected(d.QueryContext(ctx, `SELECT `+affectedColumns+`, e.state FROM enrolments e JOIN learners l ON l.id = e.learner_id
		WHERE e.cohort_id = $1 AND e.state IN ('enrolled', 'offered', 'waitlisted') ORDER BY `+stateOrder, cohortID))
}

// CancelCohort cancels a cohort in one transaction: the cohort is marked cancelled,
// its meetings not yet started are cancelled (those already held stay, with their
// marks), every enrolment, offer and place on its waitlist is withdrawn with the
// reason cohort_cancelled, what was still queued to send about them is cancelled,
// and who did it is logged. It returns the people concerned, to be told (told
// does it within the transaction); the learners package is to be told with
// CohortCancelled.
func CancelCohort(ctx context.Context, d *db.DB, cohortID, staffID int64, now time.Time,
	told ...func(ctx context.Context, tx *sql.Tx, people []Affected) error) ([]Affected, error) {
	defer changed()
	var out []Affected
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		state, _, err := lockCohort(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		if !Cancellable(state) {
			return ErrNotCancellable
		}
		if out, err = AffectedBy(ctx, tx, cohortID); err != nil {
			return err
		}
		at := db.FormatTime(now)
		if _, err := tx.ExecContext(ctx, "UPDATE cohorts SET state = 'cancelled', cancelled_at = $1, updated_at = $1 WHERE id = $2", at, cohortID); err != nil {
			return err
		}
		meetings, err := db.Collect[int64](tx.QueryContext(ctx, `UPDATE meetings SET cancelled_at = $1
			WHERE cohort_id = $2 AND cancelled_at = '' AND starts_at > $1 RETURNING id`, at, cohortID))(db.ScanInt64)
		if err != nil {
			return err
		}
		enrolments, err := db.Collect[int64](tx.QueryContext(ctx, `UPDATE enrolments SET state_before = state, state = 'withdrawn',
			ended_reason = 'cohort_cancelled', updated_by = $1, updated_at = $2
			WHERE cohort_id = $3 AND state IN ('enrolled', 'offered', 'waitlisted') RETURNING id`,
			db.NullID(staffID), at, cohortID))(db.ScanInt64)
		if err != nil {
			return err
		}
		// Reminders of the meetings, offers and confirmations not sent yet would
		// now be wrong.
		for _, id := range meetings {
			if err := messages.Cancel(ctx, tx, "meeting", id, 0); err != nil {
				return err
			}
		}
		for _, id := range enrolments {
			if err := messages.Cancel(ctx, tx, "enrolment", id, 0); err != nil {
				return err
			}
		}
		if err := messages.Cancel(ctx, tx, "cohort", cohortID, 0); err != nil {
			return err
		}
		if err := logCohort(ctx, tx, cohortID, "cancelled", state, len(out), staffID, at); err != nil {
			return err
		}
		for _, fn := range told {
			if err := fn(ctx, tx, out); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

func logCohort(ctx context.Context, tx db.Execer, cohortID int64, action, state string, people int, staffID int64, at string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO cohort_log (cohort_id, action, state, people, staff_id, at) VALUES ($1, $2, $3, $4, $5, $6)`,
		cohortID, action, state, people, db.NullID(staffID), at)
	return err
}

// Reopenable reports whether a cancelled cohort may be reopened at now: none of the
// meetings it had when cancelled has started.
func Reopenable(ctx context.Context, d db.Execer, cohortID int64, now time.Time) (bool, error) {
	var state, at string
	var held int
	err := d.QueryRowContext(ctx, `SELECT c.state, c.cancelled_at, (SELECT COUNT(*) FROM meetings m WHERE m.cohort_id = c.id
			AND (m.cancelled_at = '' OR m.cancelled_at = c.cancelled_at) AND m.starts_at <= $2)
		FROM cohorts c WHERE c.id = $1`, cohortID, db.FormatTime(now)).Scan(&state, &at, &held)
	if errors.Is(err, sql.ErrNoRows) {
		return false, db.ErrNotFound
	}
	return err == nil && state == "cancelled" && held == 0, err
}

// ReopenCohort takes a cancelled cohort back to draft (if it was a draft) or open,
// with the meetings cancelled with it. The people it had stay withdrawn: they are
// returned, for staff to enrol again those who still want to come.
func ReopenCohort(ctx context.Context, d *db.DB, cohortID, staffID int64, now time.Time) ([]Affected, error) {
	defer changed()
	var out []Affected
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		if _, _, err := lockCohort(ctx, tx, cohortID); err != nil {
			return err
		}
		ok, err := Reopenable(ctx, tx, cohortID, now)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotReopenable
		}
		var before string
		if err := tx.QueryRowContext(ctx, `SELECT state FROM cohort_log WHERE cohort_id = $1 AND action = 'cancelled'
			ORDER BY at DESC, id DESC LIMIT 1`, cohortID).Scan(&before); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		to := "open"
		if before == "draft" {
			to = "draft"
		}
		at := db.FormatTime(now)
		if _, err := tx.ExecContext(ctx, `UPDATE meetings SET cancelled_at = '' WHERE cohort_id = $1
			AND cancelled_at = (SELECT cancelled_at FROM cohorts WHERE id = $1)`, cohortID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE cohorts SET state = $1, cancelled_at = '', updated_at = $2 WHERE id = $3", to, at, cohortID); err != nil {
			return err
		}
		if out, err = FormerlyIn(ctx, tx, cohortID); err != nil {
			return err
		}
		// News of the cancellation not sent yet would now be wrong.
		if err := messages.Cancel(ctx, tx, "cohort", cohortID, 0); err != nil {
			return err
		}
		return logCohort(ctx, tx, cohortID, "reopened", "cancelled", len(out), staffID, at)
	})
	return out, err
}

// FormerlyIn lists the people whose place in the cohort ended when it was cancelled
// and who have not taken one again, with the state they had.
func FormerlyIn(ctx context.Context, d db.Execer, cohortID int64) ([]Affected, error) {
	return scanAffected(d.QueryContext(ctx, `SELECT `+affectedColumns+`, e.state_before FROM enrolments e JOIN learners l ON l.id = e.learner_id
		WHERE e.cohort_id = $1 AND e.ended_reason = 'cohort_cancelled' AND e.state = 'withdrawn'
		ORDER BY CASE e.state_before WHEN 'enrolled' THEN 1 WHEN 'offered' THEN 2 ELSE 3 END, l.last_name, l.first_name, l.id`, cohortID))
}

// CohortLogEntry is one cancellation or reopening of a cohort.
type CohortLogEntry struct {
	Action    string // cancelled, reopened
	People    int
	StaffName string
	At        time.Time
}

// CohortLog lists who cancelled or reopened the cohort, newest first.
func CohortLog(ctx context.Context, d *db.DB, cohortID int64) ([]CohortLogEntry, error) {
	rows, err := d.QueryContext(ctx, `SELECT g.action, g.people, COALESCE(s.name, ''), g.at FROM cohort_log g
		LEFT JOIN staff s ON s.id = g.staff_id WHERE g.cohort_id = $1 ORDER BY g.at DESC, g.id DESC`, cohortID)
	return db.Collect[CohortLogEntry](rows, err)(func(s db.Scanner) (CohortLogEntry, error) {
		var e CohortLogEntry
		var at string
		err := s.Scan(&e.Action, &e.People, &e.StaffName, &at)
		e.At = db.ParseTime(at)
		return e, err
	})
}

// --- Pages ---------------------------------------------------------------------

type cancelData struct {
	Cohort   *Cohort
	Enrolled []Affected
	Offered  []Affected
	Waiting  []Affected
	Meetings []Meeting // not yet started: cancelled with the cohort
	Held     int       // already held: they stay, with their marks
	People   int
}

// CohortCancelConfirm shows who a cancellation would concern (people with a seat,
// an offer or a place on the waitlist, and the meetings to come) before asking to
// confirm.
func (h *Handlers) CohortCancelConfirm(w http.ResponseWriter, r *http.Request) {
	c, ok := h.managedCohort(w, r)
	if !ok {
		return
	}
	if !Cancellable(c.State) {
		http.Redirect(w, r, "/cohorts/"+idString(c.ID), http.StatusSeeOther)
		return
	}
	ctx := r.Context()
	people, err := AffectedBy(ctx, h.DB, c.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	meetings, err := Meetings(ctx, h.DB, c.ID, c.Loc())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	data := cancelData{Cohort: c, People: len(people)}
	now := time.Now()
	for _, m := range meetings {
		if m.Start.After(now) {
			data.Meetings = append(data.Meetings, m)
		} else {
			data.Held++
		}
	}
	for _, p := range people {
		switch p.State {
		case Enrolled:
			data.Enrolled = append(data.Enrolled, p)
		case Offered:
			data.Offered = append(data.Offered, p)
		default:
			data.Waiting = append(data.Waiting, p)
		}
	}
	h.Render.Render(w, r, http.StatusOK, "training/cohort_cancel.html", data, nil)
}

// CohortCancel cancels the cohort once confirmed, and in the same transaction
// queues the news to each person concerned in their language (SMS, and email
// when they gave one); then tells the learners package (which moves their path
// and tells their referrers).
func (h *Handlers) CohortCancel(w http.ResponseWriter, r *http.Request) {
	c, ok := h.managedCohort(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	if f.Get("confirm") != "yes" {
		h.Render.Error(w, r, http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	st := auth.Current(ctx)
	people, err := CancelCohort(ctx, h.DB, c.ID, st.ID, time.Now(), h.cohortCancelled(c))
	if errors.Is(err, ErrNotCancellable) {
		// Already cancelled (a second tap) or finished: nothing more to do.
		http.Redirect(w, r, "/cohorts/"+idString(c.ID), http.StatusSeeOther)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if h.Log != nil {
		h.Log.InfoContext(ctx, "cohort cancelled", "cohort_id", c.ID, "staff_id", st.ID, "people", len(people))
	}
	changes := make([]Change, len(people))
	for i, p := range people {
		changes[i] = Change{LearnerID: p.LearnerID, State: CohortCancelled}
	}
	h.tell(ctx, changes)
	h.Flash(r, "training.cohort_cancelled")
	http.Redirect(w, r, "/cohorts/"+idString(c.ID), http.StatusSeeOther)
}

// CohortReopen takes a cancelled cohort back while none of its meetings has
// happened, and lists the people it had, to enrol again.
func (h *Handlers) CohortReopen(w http.ResponseWriter, r *http.Request) {
	c, ok := h.managedCohort(w, r)
	if !ok {
		return
	}
	if c.State != "cancelled" { // reopened already (a second tap)
		http.Redirect(w, r, "/cohorts/"+idString(c.ID), http.StatusSeeOther)
		return
	}
	ctx := r.Context()
	st := auth.Current(ctx)
	people, err := ReopenCohort(ctx, h.DB, c.ID, st.ID, time.Now())
	if errors.Is(err, ErrNotReopenable) {
		h.Flash(r, "training.not_reopenable")
		http.Redirect(w, r, "/cohorts/"+idString(c.ID), http.StatusSeeOther)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if h.Log != nil {
		h.Log.InfoContext(ctx, "cohort reopened", "cohort_id", c.ID, "staff_id", st.ID, "people_before", len(people))
	}
	h.Flash(r, "training.cohort_reopened")
	http.Redirect(w, r, "/cohorts/"+idString(c.ID)+"#formerly", http.StatusSeeOther)
}

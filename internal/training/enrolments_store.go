package training

// Seats: enrolment within capacity, the waitlist and the offers of freed seats,
// withdrawals, a cohort's roster, and the seats of a person leaving training.

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// Enrolment states.
const (
	Enrolled   = "enrolled"
	Offered    = "offered"
	Waitlisted = "waitlisted"
	Withdrawn  = "withdrawn"
)

// Then is told, within the transaction of a change of seats, what changed: the
// messages to the people concerned are queued there (Handlers.Seats), so that
// they go if and only if the change is saved. The functions that change seats
// take any number of them (none: nobody is told).
type Then func(ctx context.Context, tx *sql.Tx, changes []Change) error

// then calls each of fns with the changes (maybe none).
func then(ctx context.Context, tx *sql.Tx, changes []Change, fns []Then) error {
	for _, fn := range fns {
		if fn == nil {
			continue
		}
		if err := fn(ctx, tx, changes); err != nil {
			return err
		}
	}
	return nil
}

// ErrCohortFull is returned by Enrol when no seat is left; the caller may Waitlist.
var ErrCohortFull = errors.New("cohort is full")

// ErrCohortClosed is returned by Enrol and Waitlist for a cohort that does not take
// enrolments (draft, finished, cancelled) or does not exist.
var ErrCohortClosed = errors.New("cohort does not take enrolments")

// lockCohort takes the cohort's row lock for the rest of the transaction (on
// SQLite the transaction is already exclusive), so that seat counting and the
// change that follows cannot interleave with another enrolment.
func lockCohort(ctx context.Context, tx db.Execer, id int64) (state string, capacity int, err error) {
	err = tx.QueryRowContext(ctx, "UPDATE cohorts SET capacity = capacity WHERE id = $1 RETURNING state, capacity", id).Scan(&state, &capacity)
	err = db.NotFound(err)
	return
}

func seatsTaken(ctx context.Context, tx db.Execer, cohortID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM enrolments WHERE cohort_id = $1 AND state IN ('enrolled', 'offered')", cohortID).Scan(&n)
	return n, err
}

// settle sets "full" when no seat is left and back to "open" when one frees.
func settle(ctx context.Context, tx db.Execer, cohortID int64, state string, capacity, taken int) error {
	next := state
	switch {
	case state == "open" && taken >= capacity:
		next = "full"
	case state == "full" && taken < capacity:
		next = "open"
	}
	if next == state {
		return nil
	}
	_, err := tx.ExecContext(ctx, "UPDATE cohorts SET state = $1, updated_at = $2 WHERE id = $3", next, db.Now(), cohortID)
	return err
}

// rebalance offers each free seat to the first person on the waitlist, then settles
// the open/full state. The cohort must be locked.
func rebalance(ctx context.Context, tx db.Execer, cohortID int64, state string, capacity int, staffID int64) ([]Change, error) {
	taken, err := seatsTaken(ctx, tx, cohortID)
	if err != nil {
		return nil, err
	}
	var out []Change
	for takesEnrolments(state) && taken < capacity {
		var eid, lid int64
		err := tx.QueryRowContext(ctx, `SELECT id, learner_id FROM enrolments WHERE cohort_id = $1 AND state = 'waitlisted'
			ORDER BY since, id LIMIT 1`, cohortID).Scan(&eid, &lid)
		if errors.Is(err, sql.ErrNoRows) {
			break
		}
		if err != nil {
			return nil, err
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, "UPDATE enrolments SET state = 'offered', since = $1, updated_by = $2, updated_at = $1 WHERE id = $3",
			now, db.NullID(staffID), eid); err != nil {
			return nil, err
		}
		out = append(out, Change{CohortID: cohortID, LearnerID: lid, State: Offered})
		taken++
	}
	return out, settle(ctx, tx, cohortID, state, capacity, taken)
}

func enrolmentState(ctx context.Context, tx db.Execer, cohortID, learnerID int64) (string, error) {
	var s string
	err := tx.QueryRowContext(ctx, "SELECT state FROM enrolments WHERE cohort_id = $1 AND learner_id = $2", cohortID, learnerID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return s, err
}

func setEnrolment(ctx context.Context, tx db.Execer, cohortID, learnerID int64, state string, staffID int64) error {
	now := db.Now()
	_, err := tx.ExecContext(ctx, `INSERT INTO enrolments (cohort_id, learner_id, state, since, updated_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $4, $4)
		ON CONFLICT (cohort_id, learner_id) DO UPDATE SET state = excluded.state, since = excluded.since,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at, ended_reason = ''`,
		cohortID, learnerID, state, now, db.NullID(staffID))
	return err
}

// Enrol takes a seat for the learner in the cohort, within capacity even when two
// staff take the last seat at once (one gets ErrCohortFull). Enrolling someone
// already enrolled or offered a seat is not an error. It returns "enrolled".
func Enrol(ctx context.Context, d *db.DB, cohortID, learnerID, staffID int64, fns ...Then) (string, error) {
	defer changed()
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		changes, err := enrol(ctx, tx, cohortID, learnerID, staffID)
		if err != nil {
			return err
		}
		return then(ctx, tx, changes, fns)
	})
	if err != nil {
		return "", err
	}
	return Enrolled, nil
}

// enrol is Enrol within tx; it returns the change, none when the person was
// enrolled already.
func enrol(ctx context.Context, tx *sql.Tx, cohortID, learnerID, staffID int64) ([]Change, error) {
	state, capacity, err := lockCohort(ctx, tx, cohortID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && !takesEnrolments(state)) {
		return nil, ErrCohortClosed
	}
	if err != nil {
		return nil, err
	}
	current, err := enrolmentState(ctx, tx, cohortID, learnerID)
	if err != nil {
		return nil, err
	}
	done := []Change{{CohortID: cohortID, LearnerID: learnerID, State: Enrolled}}
	switch current {
	case Enrolled:
		return nil, nil
	case Offered: // the seat is already held for them
		return done, setEnrolment(ctx, tx, cohortID, learnerID, Enrolled, staffID)
	}
	taken, err := seatsTaken(ctx, tx, cohortID)
	if err != nil {
		return nil, err
	}
	if taken >= capacity {
		return nil, ErrCohortFull
	}
	if err := setEnrolment(ctx, tx, cohortID, learnerID, Enrolled, staffID); err != nil {
		return nil, err
	}
	return done, settle(ctx, tx, cohortID, state, capacity, taken+1)
}

// Waitlist puts the learner at the end of the cohort's waitlist.
func Waitlist(ctx context.Context, d *db.DB, cohortID, learnerID, staffID int64) error {
	defer changed()
	return d.Tx(ctx, func(tx *sql.Tx) error {
		state, _, err := lockCohort(ctx, tx, cohortID)
		if errors.Is(err, db.ErrNotFound) || (err == nil && !takesEnrolments(state)) {
			return ErrCohortClosed
		}
		if err != nil {
			return err
		}
		current, err := enrolmentState(ctx, tx, cohortID, learnerID)
		if err != nil || current == Enrolled || current == Offered || current == Waitlisted {
			return err // holding a seat, or already in line: keep their place
		}
		return setEnrolment(ctx, tx, cohortID, learnerID, Waitlisted, staffID)
	})
}

// Withdraw ends the learner's enrolment, offer or place on the waitlist. A seat that
// frees is offered to the first person waiting. The changes (the withdrawal first)
// are returned for the learners package.
func Withdraw(ctx context.Context, d *db.DB, cohortID, learnerID, staffID int64, fns ...Then) ([]Change, error) {
	defer changed()
	var changes []Change
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if changes, err = withdraw(ctx, tx, cohortID, learnerID, staffID); err != nil {
			return err
		}
		return then(ctx, tx, changes, fns)
	})
	return changes, err
}

// withdraw is Withdraw within tx.
func withdraw(ctx context.Context, tx *sql.Tx, cohortID, learnerID, staffID int64) ([]Change, error) {
	state, capacity, err := lockCohort(ctx, tx, cohortID)
	if err != nil {
		return nil, err
	}
	current, err := enrolmentState(ctx, tx, cohortID, learnerID)
	if err != nil || current == "" || current == Withdrawn {
		return nil, err
	}
	if err := setEnrolment(ctx, tx, cohortID, learnerID, Withdrawn, staffID); err != nil {
		return nil, err
	}
	offered, err := rebalance(ctx, tx, cohortID, state, capacity, staffID)
	return append([]Change{{CohortID: cohortID, LearnerID: learnerID, State: Withdrawn}}, offered...), err
}

// OfferSeats offers every free seat to the people waiting, first come first served.
func OfferSeats(ctx context.Context, d *db.DB, cohortID, staffID int64, fns ...Then) ([]Change, error) {
	defer changed()
	var changes []Change
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		state, capacity, err := lockCohort(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		if changes, err = rebalance(ctx, tx, cohortID, state, capacity, staffID); err != nil {
			return err
		}
		return then(ctx, tx, changes, fns)
	})
	return changes, err
}

// OfferTo offers a seat to each of the chosen people of the cohort's waitlist while
// seats are free, in the order given. It returns the changes and the people left
// without an offer (the cohort was full, or they were not waiting).
func OfferTo(ctx context.Context, d *db.DB, cohortID int64, learners []int64, staffID int64, fns ...Then) ([]Change, []int64, error) {
	defer changed()
	var changes []Change
	var left []int64
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		changes, left = nil, nil
		state, capacity, err := lockCohort(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		if !takesEnrolments(state) {
			return ErrCohortClosed
		}
		taken, err := seatsTaken(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		for _, l := range learners {
			current, err := enrolmentState(ctx, tx, cohortID, l)
			if err != nil {
				return err
			}
			if current != Waitlisted || taken >= capacity {
				left = append(left, l)
				continue
			}
			if err := setEnrolment(ctx, tx, cohortID, l, Offered, staffID); err != nil {
				return err
			}
			changes = append(changes, Change{CohortID: cohortID, LearnerID: l, State: Offered})
			taken++
		}
		if err := settle(ctx, tx, cohortID, state, capacity, taken); err != nil {
			return err
		}
		return then(ctx, tx, changes, fns)
	})
	return changes, left, err
}

// EnrolmentByID returns the cohort and learner of an enrolment in scope.
func EnrolmentByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (cohortID, learnerID int64, state string, err error) {
	args := db.Args{id}
	scope := sc.Where("c.antenna_id", &args)
	err = d.QueryRowContext(ctx, `SELECT e.cohort_id, e.learner_id, e.state FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
		WHERE e.id = $1 AND `+scope, args...).Scan(&cohortID, &learnerID, &state)
	err = db.NotFound(err)
	return
}

// Seat is one person on a cohort's roster.
type Seat struct {
	EnrolmentID int64
	LearnerID   int64
	FirstName   string
	LastName    string
	Phone       string
	State       string
	Since       time.Time
	Position    int     // on the waitlist, from 1
	Attended    float64 // hours present or late
	Reason      string  // why a withdrawn seat ended, when not a person's choice: cohort_cancelled, offer_expired
}

// Roster lists a cohort's enrolments — enrolled, offered, waitlisted (in order),
// withdrawn — with the hours each person attended.
func Roster(ctx context.Context, d *db.DB, cohortID int64) ([]*Seat, error) {
	rows, err := d.QueryContext(ctx, `SELECT e.id, e.learner_id, l.first_name, l.last_name, l.phone, e.state, e.since, e.ended_reason
		FROM enrolments e JOIN learners l ON l.id = e.learner_id WHERE e.cohort_id = $1
		ORDER BY CASE e.state WHEN 'enrolled' THEN 1 WHEN 'offered' THEN 2 WHEN 'waitlisted' THEN 3 ELSE 4 END,
			CASE WHEN e.state = 'waitlisted' THEN e.since ELSE '' END, l.last_name, l.first_name, e.id`, cohortID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Seat
	byLearner := map[int64]*Seat{}
	pos := 0
	for rows.Next() {
		var s Seat
		var since string
		if err := rows.Scan(&s.EnrolmentID, &s.LearnerID, &s.FirstName, &s.LastName, &s.Phone, &s.State, &since, &s.Reason); err != nil {
			return nil, err
		}
		s.Since = db.ParseTime(since)
		if s.State == Waitlisted {
			pos++
			s.Position = pos
		}
		out = append(out, &s)
		byLearner[s.LearnerID] = &s
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	hours, err := attendedHours(ctx, d, "m.cohort_id = $1", cohortID)
	if err != nil {
		return nil, err
	}
	for k, h := range hours {
		if s := byLearner[k.learner]; s != nil {
			s.Attended = h
		}
	}
	return out, nil
}

// EndSeats is called when a person leaves training on day, within the caller's
// transaction. In the cohorts that still take people and have not ended by that
// day, their offers are withdrawn, and so are their seats in cohorts not started
// by then (or every seat when started is true: the person dropped out); each seat
// freed is offered to the first person waiting, as a withdrawal does. A seat in a
// cohort the person followed to its end, or in a finished or cancelled cohort,
// stays as it was: it is the record of what they followed. The changes (the
// withdrawals first) are returned for the learners package.
func EndSeats(ctx context.Context, tx db.Execer, learnerID, staffID int64, day time.Time, started bool) ([]Change, error) {
	cohorts, err := db.Collect[int64](tx.QueryContext(ctx, `SELECT e.cohort_id FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
		WHERE e.learner_id = $1 AND c.state IN ('open', 'full', 'running') AND c.ends_on >= $2
			AND (e.state = 'offered' OR (e.state = 'enrolled' AND ($3 OR c.starts_on > $2)))
		ORDER BY e.cohort_id`, learnerID, day.Format(dateLayout), started))(db.ScanInt64)
	if err != nil || len(cohorts) == 0 {
		return nil, err
	}
	defer changed() // seats change; harmless if the caller's transaction rolls back
	var withdrawn, offered []Change
	for _, id := range cohorts {
		state, capacity, err := lockCohort(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if err := setEnrolment(ctx, tx, id, learnerID, Withdrawn, staffID); err != nil {
			return nil, err
		}
		withdrawn = append(withdrawn, Change{CohortID: id, LearnerID: learnerID, State: Withdrawn})
		next, err := rebalance(ctx, tx, id, state, capacity, staffID)
		if err != nil {
			return nil, err
		}
		offered = append(offered, next...)
	}
	return append(withdrawn, offered...), nil
}

// OffersWaiting counts the seats offered to someone on a waitlist who has not
// answered yet, in the open cohorts of the scope, at most limit: a count of the
// staff home page, on indexes so that it costs the same at a national scale (the
// page shows "99+" beyond).
func OffersWaiting(ctx context.Context, d *db.DB, sc auth.Scope, limit int) (int, error) {
	args := db.Args{}
	scope := sc.Where("c.antenna_id", &args)
	return d.CountAtMost(ctx, `SELECT 1 FROM cohorts c JOIN enrolments e ON e.cohort_id = c.id AND e.state = 'offered'
		WHERE c.state IN ('open', 'full', 'running') AND `+scope, limit, args...)
}

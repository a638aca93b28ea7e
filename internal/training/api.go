package training

// The functions other rooms call. Signatures agreed between rooms.

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"tremplin/internal/platform/db"
)

// CohortSummary is what another room needs to show or choose a cohort.
type CohortSummary struct {
	ID             int64
	ProgrammeID    int64
	ProgrammeTitle string
	Level          string
	AntennaID      int64
	PlaceName      string
	StartsOn       time.Time
	EndsOn         time.Time
	State          string // draft, open, full, running, finished, cancelled
	Capacity       int
	SeatsLeft      int
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

// ErrCohortFull is returned by Enrol when no seat is left; the caller may Waitlist.
var ErrCohortFull = errors.New("cohort is full")

// ErrCohortClosed is returned by Enrol and Waitlist for a cohort that does not take
// enrolments (draft, finished, cancelled) or does not exist.
var ErrCohortClosed = errors.New("cohort does not take enrolments")

// OpenCohorts lists the cohorts of an antenna that take enrolments (open, full or
// running), soonest first.
func OpenCohorts(ctx context.Context, d *db.DB, antennaID int64) ([]CohortSummary, error) {
	rows, err := d.QueryContext(ctx, "SELECT "+cohortColumns+cohortFrom+`
		WHERE c.antenna_id = $1 AND c.state IN ('open', 'full', 'running') ORDER BY c.starts_on, c.id`, antennaID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CohortSummary
	for rows.Next() {
		c, err := scanCohort(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, CohortSummary{ID: c.ID, ProgrammeID: c.ProgrammeID, ProgrammeTitle: c.ProgrammeTitle, Level: c.Level,
			AntennaID: c.AntennaID, PlaceName: c.PlaceName, StartsOn: c.StartsOn, EndsOn: c.EndsOn, State: c.State,
			Capacity: c.Capacity, SeatsLeft: c.SeatsLeft()})
	}
	return out, rows.Err()
}

// Enrol takes a seat for the learner in the cohort, within capacity even when two
// staff take the last seat at once (one gets ErrCohortFull). Enrolling someone
// already enrolled or offered a seat is not an error. It returns "enrolled".
func Enrol(ctx context.Context, d *db.DB, cohortID, learnerID, staffID int64) (string, error) {
	defer changed()
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		state, capacity, err := lockCohort(ctx, tx, cohortID)
		if errors.Is(err, db.ErrNotFound) || (err == nil && !takesEnrolments(state)) {
			return ErrCohortClosed
		}
		if err != nil {
			return err
		}
		current, err := enrolmentState(ctx, tx, cohortID, learnerID)
		if err != nil {
			return err
		}
		switch current {
		case Enrolled:
			return nil
		case Offered: // the seat is already held for them
			return setEnrolment(ctx, tx, cohortID, learnerID, Enrolled, staffID)
		}
		taken, err := seatsTaken(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		if taken >= capacity {
			return ErrCohortFull
		}
		if err := setEnrolment(ctx, tx, cohortID, learnerID, Enrolled, staffID); err != nil {
			return err
		}
		return settle(ctx, tx, cohortID, state, capacity, taken+1)
	})
	if err != nil {
		return "", err
	}
	return Enrolled, nil
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

// LearnerEnrolments lists a learner's enrolments with hours and marks.
func LearnerEnrolments(ctx context.Context, d *db.DB, learnerID int64) ([]EnrolmentView, error) {
	rows, err := d.QueryContext(ctx, `SELECT e.cohort_id, p.title, p.certifying, c.state, c.starts_on, c.ends_on, e.state, e.since
		FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id JOIN programmes p ON p.id = c.programme_id
		WHERE e.learner_id = $1 ORDER BY c.starts_on DESC, e.id DESC`, learnerID)
	if err != nil {
		return nil, err
	}
	var out []EnrolmentView
	index := map[int64]int{}
	for rows.Next() {
		var v EnrolmentView
		var starts, ends, since string
		if err := rows.Scan(&v.CohortID, &v.ProgrammeTitle, &v.Certifying, &v.CohortState, &starts, &ends, &v.State, &since); err != nil {
			rows.Close()
			return nil, err
		}
		v.StartsOn, v.EndsOn, v.Since = parseDate(starts), parseDate(ends), db.ParseTime(since)
		index[v.CohortID] = len(out)
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
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

// ReassignLearner moves every enrolment and mark of learner from to learner to, for
// merging duplicate files (within the caller's transaction). Where both files are
// in the same cohort, or marked at the same meeting, the better of the two is kept
// (a seat over the waitlist, present over absent).
func ReassignLearner(ctx context.Context, tx db.Execer, from, to int64) error {
	if from == to {
		return nil
	}
	defer changed() // seats may change; harmless if the caller's transaction rolls back
	type pair struct {
		key        int64
		fromV, toV string
	}
	collect := func(query string) ([]pair, error) {
		rows, err := tx.QueryContext(ctx, query, from, to)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []pair
		for rows.Next() {
			var p pair
			if err := rows.Scan(&p.key, &p.fromV, &p.toV); err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		return out, rows.Err()
	}
	stateRank := map[string]int{Enrolled: 4, Offered: 3, Waitlisted: 2, Withdrawn: 1}
	both, err := collect(`SELECT f.cohort_id, f.state, t.state FROM enrolments f
		JOIN enrolments t ON t.cohort_id = f.cohort_id AND t.learner_id = $2 WHERE f.learner_id = $1`)
	if err != nil {
		return err
	}
	now := db.Now()
	for _, p := range both {
		if stateRank[p.fromV] > stateRank[p.toV] {
			if _, err := tx.ExecContext(ctx, "UPDATE enrolments SET state = $1, updated_at = $2 WHERE cohort_id = $3 AND learner_id = $4",
				p.fromV, now, p.key, to); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM enrolments WHERE cohort_id = $1 AND learner_id = $2", p.key, from); err != nil {
			return err
		}
		// One person held two seats: one is free now.
		state, capacity, err := lockCohort(ctx, tx, p.key)
		if err != nil {
			return err
		}
		taken, err := seatsTaken(ctx, tx, p.key)
		if err != nil {
			return err
		}
		if err := settle(ctx, tx, p.key, state, capacity, taken); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE enrolments SET learner_id = $1, updated_at = $2 WHERE learner_id = $3", to, now, from); err != nil {
		return err
	}
	markRank := map[string]int{"present": 4, "late": 3, "excused": 2, "absent": 1}
	marks, err := collect(`SELECT f.meeting_id, f.mark, t.mark FROM attendance f
		JOIN attendance t ON t.meeting_id = f.meeting_id AND t.learner_id = $2 WHERE f.learner_id = $1`)
	if err != nil {
		return err
	}
	for _, p := range marks {
		// The kept mark is stamped even when it stays as it was: the meeting now
		// counts one mark fewer, and the impact counters look for stamped marks.
		mark := p.toV
		if markRank[p.fromV] > markRank[p.toV] {
			mark = p.fromV
		}
		if _, err := tx.ExecContext(ctx, "UPDATE attendance SET mark = $1, marked_at = $2 WHERE meeting_id = $3 AND learner_id = $4",
			mark, now, p.key, to); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM attendance WHERE meeting_id = $1 AND learner_id = $2", p.key, from); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, "UPDATE attendance SET learner_id = $1 WHERE learner_id = $2", to, from)
	return err
}

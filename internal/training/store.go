package training

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // antennas abroad need their zone even where the system has no tz database

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// ErrTitleTaken is returned when another programme has the same title.
var ErrTitleTaken = errors.New("programme title already used")

// ErrCapacityBelowTaken is returned when a cohort's capacity would fall below the
// seats already taken (enrolled and offered).
var ErrCapacityBelowTaken = errors.New("capacity below the seats taken")

// ErrMeetingsOutside is returned when new cohort dates would leave meetings outside.
var ErrMeetingsOutside = errors.New("meetings outside the cohort's dates")

// ErrBadTransition is returned for a cohort state change that makes no sense.
var ErrBadTransition = errors.New("cohort state change not allowed")

// dateLayout is how calendar dates are stored.
const dateLayout = "2006-01-02"

// Enrolment states.
const (
	Enrolled   = "enrolled"
	Offered    = "offered"
	Waitlisted = "waitlisted"
	Withdrawn  = "withdrawn"
)

// States are the cohort states in their usual order.
var States = []string{"draft", "open", "full", "running", "finished", "cancelled"}

// stateChanges are the state changes staff may make with one button; open ↔ full
// follows the seats.
var stateChanges = map[string][]string{
	"draft":   {"open"},
	"open":    {"running"},
	"full":    {"running"},
	"running": {"finished"},
}

// Cancelling is not among them: it asks for confirmation and tells the people
// concerned (CancelCohort, cancel.go).

// NextStates lists the states a cohort in state may be moved to by staff.
func NextStates(state string) []string { return stateChanges[state] }

// takesEnrolments reports whether a cohort in state accepts enrolments.
func takesEnrolments(state string) bool {
	return state == "open" || state == "full" || state == "running"
}

// Change is an enrolment that changed state, for the learners room's callback.
type Change struct {
	LearnerID int64
	State     string
}

var zones sync.Map // name → *time.Location

// Location returns the antenna timezone by IANA name (UTC when unknown), cached:
// loading a zone reads and parses a file.
func Location(name string) *time.Location {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = time.UTC
	}
	zones.Store(name, l)
	return l
}

func parseDate(s string) time.Time {
	t, _ := time.Parse(dateLayout, s)
	return t
}

func newToken() string { return strings.ToLower(rand.Text()) }

// Programmes are in programmes.go.

// --- Cohorts -------------------------------------------------------------------

// Cohort is a session of a programme taught by an antenna in one of its places.
type Cohort struct {
	ID             int64
	ProgrammeID    int64
	ProgrammeTitle string
	Level          string
	TotalHours     int
	Certifying     bool
	AntennaID      int64
	AntennaName    string
	Timezone       string
	PlaceID        int64
	PlaceName      string
	PlaceAddress   string
	PlacePostcode  string
	PlaceCity      string
	Capacity       int
	StartsOn       time.Time
	EndsOn         time.Time
	State          string
	FeedToken      string
	Taken          int // enrolled and offered
	Waiting        int // waitlisted
	Advisers       []int64
	AdviserNames   []string
}

// SeatsLeft is the number of seats nobody holds.
func (c *Cohort) SeatsLeft() int { return max(c.Capacity-c.Taken, 0) }

// Loc is the antenna's timezone, in which meetings are entered and shown.
func (c *Cohort) Loc() *time.Location { return Location(c.Timezone) }

// Contains reports whether the local calendar day of t falls within the cohort's dates.
func (c *Cohort) Contains(day time.Time) bool {
	d := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	return !d.Before(c.StartsOn) && !d.After(c.EndsOn)
}

const cohortColumns = `c.id, c.programme_id, p.title, p.level, p.total_hours, p.certifying, c.antenna_id, a.name, a.timezone,
	c.place_id, pl.name, pl.address, pl.postcode, pl.city, c.capacity, c.starts_on, c.ends_on, c.state, c.feed_token,
	(SELECT COUNT(*) FROM enrolments e WHERE e.cohort_id = c.id AND e.state IN ('enrolled', 'offered')),
	(SELECT COUNT(*) FROM enrolments e WHERE e.cohort_id = c.id AND e.state = 'waitlisted')`

const cohortFrom = ` FROM cohorts c JOIN programmes p ON p.id = c.programme_id JOIN antennas a ON a.id = c.antenna_id
	JOIN places pl ON pl.id = c.place_id`

func scanCohort(row interface{ Scan(...any) error }) (*Cohort, error) {
	var c Cohort
	var starts, ends string
	err := row.Scan(&c.ID, &c.ProgrammeID, &c.ProgrammeTitle, &c.Level, &c.TotalHours, &c.Certifying, &c.AntennaID, &c.AntennaName, &c.Timezone,
		&c.PlaceID, &c.PlaceName, &c.PlaceAddress, &c.PlacePostcode, &c.PlaceCity, &c.Capacity, &starts, &ends, &c.State, &c.FeedToken,
		&c.Taken, &c.Waiting)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.ErrNotFound
	}
	c.StartsOn, c.EndsOn = parseDate(starts), parseDate(ends)
	return &c, err
}

// CohortFilter, Cohorts and CohortPage are in list.go.

// CohortByID returns a cohort in scope with its advisers, or db.ErrNotFound.
func CohortByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Cohort, error) {
	where, args := sc.WhereN("c.antenna_id", 2)
	c, err := scanCohort(d.QueryRowContext(ctx, "SELECT "+cohortColumns+cohortFrom+" WHERE c.id = $1 AND "+where, append([]any{id}, args...)...))
	if err != nil {
		return nil, err
	}
	rows, err := d.QueryContext(ctx, `SELECT s.id, s.name FROM cohort_advisers ca JOIN staff s ON s.id = ca.staff_id
		WHERE ca.cohort_id = $1 ORDER BY s.name`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sid int64
		var name string
		if err := rows.Scan(&sid, &name); err != nil {
			return nil, err
		}
		c.Advisers, c.AdviserNames = append(c.Advisers, sid), append(c.AdviserNames, name)
	}
	return c, rows.Err()
}

// lockCohort takes the cohort's row lock for the rest of the transaction (on
// SQLite the transaction is already exclusive), so that seat counting and the
// change that follows cannot interleave with another enrolment.
func lockCohort(ctx context.Context, tx db.Execer, id int64) (state string, capacity int, err error) {
	err = tx.QueryRowContext(ctx, "UPDATE cohorts SET capacity = capacity WHERE id = $1 RETURNING state, capacity", id).Scan(&state, &capacity)
	if errors.Is(err, sql.ErrNoRows) {
		err = db.ErrNotFound
	}
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
		out = append(out, Change{LearnerID: lid, State: Offered})
		taken++
	}
	return out, settle(ctx, tx, cohortID, state, capacity, taken)
}

// SaveCohort creates (ID 0, in state draft) or updates a cohort and its advisers.
// On update the capacity may not fall below the seats taken, nor the dates leave a
// meeting outside; a larger capacity offers the new seats to the waitlist, and the
// changes are returned.
func SaveCohort(ctx context.Context, d *db.DB, c *Cohort, staffID int64) ([]Change, error) {
	var changes []Change
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		starts, ends := c.StartsOn.Format(dateLayout), c.EndsOn.Format(dateLayout)
		if c.ID == 0 {
			c.State, c.FeedToken = "draft", newToken()
			if err := tx.QueryRowContext(ctx, `INSERT INTO cohorts (programme_id, antenna_id, place_id, capacity, starts_on, ends_on, state, feed_token, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
				c.ProgrammeID, c.AntennaID, c.PlaceID, c.Capacity, starts, ends, c.State, c.FeedToken, now).Scan(&c.ID); err != nil {
				return err
			}
		} else {
			state, _, err := lockCohort(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			taken, err := seatsTaken(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			if c.Capacity < taken {
				c.Taken = taken
				return ErrCapacityBelowTaken
			}
			loc := c.Loc()
			from := time.Date(c.StartsOn.Year(), c.StartsOn.Month(), c.StartsOn.Day(), 0, 0, 0, 0, loc)
			until := time.Date(c.EndsOn.Year(), c.EndsOn.Month(), c.EndsOn.Day()+1, 0, 0, 0, 0, loc)
			var outside int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM meetings WHERE cohort_id = $1 AND (starts_at < $2 OR ends_at > $3)",
				c.ID, db.FormatTime(from), db.FormatTime(until)).Scan(&outside); err != nil {
				return err
			}
			if outside > 0 {
				return ErrMeetingsOutside
			}
			if _, err := tx.ExecContext(ctx, `UPDATE cohorts SET programme_id = $1, place_id = $2, capacity = $3, starts_on = $4, ends_on = $5, updated_at = $6
				WHERE id = $7`, c.ProgrammeID, c.PlaceID, c.Capacity, starts, ends, now, c.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM cohort_advisers WHERE cohort_id = $1", c.ID); err != nil {
				return err
			}
			if changes, err = rebalance(ctx, tx, c.ID, state, c.Capacity, staffID); err != nil {
				return err
			}
		}
		for _, a := range c.Advisers {
			if _, err := tx.ExecContext(ctx, "INSERT INTO cohort_advisers (cohort_id, staff_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", c.ID, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		changed()
	}
	return changes, err
}

// SetCohortState moves a cohort along draft → open → running → finished, or to
// cancelled. Opening a cohort with every seat taken makes it full.
func SetCohortState(ctx context.Context, d *db.DB, id int64, to string) error {
	defer changed()
	return d.Tx(ctx, func(tx *sql.Tx) error {
		state, capacity, err := lockCohort(ctx, tx, id)
		if err != nil {
			return err
		}
		if !slices.Contains(stateChanges[state], to) {
			return ErrBadTransition
		}
		if _, err := tx.ExecContext(ctx, "UPDATE cohorts SET state = $1, updated_at = $2 WHERE id = $3", to, db.Now(), id); err != nil {
			return err
		}
		taken, err := seatsTaken(ctx, tx, id)
		if err != nil {
			return err
		}
		return settle(ctx, tx, id, to, capacity, taken)
	})
}

// --- Enrolment -----------------------------------------------------------------

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

// Withdraw ends the learner's enrolment, offer or place on the waitlist. A seat that
// frees is offered to the first person waiting. The changes (the withdrawal first)
// are returned for the learners room.
func Withdraw(ctx context.Context, d *db.DB, cohortID, learnerID, staffID int64) ([]Change, error) {
	defer changed()
	var changes []Change
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		state, capacity, err := lockCohort(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		current, err := enrolmentState(ctx, tx, cohortID, learnerID)
		if err != nil || current == "" || current == Withdrawn {
			return err
		}
		if err := setEnrolment(ctx, tx, cohortID, learnerID, Withdrawn, staffID); err != nil {
			return err
		}
		offered, err := rebalance(ctx, tx, cohortID, state, capacity, staffID)
		changes = append([]Change{{LearnerID: learnerID, State: Withdrawn}}, offered...)
		return err
	})
	return changes, err
}

// OfferSeats offers every free seat to the people waiting, first come first served.
func OfferSeats(ctx context.Context, d *db.DB, cohortID, staffID int64) ([]Change, error) {
	defer changed()
	var changes []Change
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		state, capacity, err := lockCohort(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		changes, err = rebalance(ctx, tx, cohortID, state, capacity, staffID)
		return err
	})
	return changes, err
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
}

// Roster lists a cohort's enrolments — enrolled, offered, waitlisted (in order),
// withdrawn — with the hours each person attended.
func Roster(ctx context.Context, d *db.DB, cohortID int64) ([]*Seat, error) {
	rows, err := d.QueryContext(ctx, `SELECT e.id, e.learner_id, l.first_name, l.last_name, l.phone, e.state, e.since
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
		if err := rows.Scan(&s.EnrolmentID, &s.LearnerID, &s.FirstName, &s.LastName, &s.Phone, &s.State, &since); err != nil {
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

// EnrolmentByID returns the cohort and learner of an enrolment in scope.
func EnrolmentByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (cohortID, learnerID int64, state string, err error) {
	where, args := sc.WhereN("c.antenna_id", 2)
	err = d.QueryRowContext(ctx, `SELECT e.cohort_id, e.learner_id, e.state FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
		WHERE e.id = $1 AND `+where, append([]any{id}, args...)...).Scan(&cohortID, &learnerID, &state)
	if errors.Is(err, sql.ErrNoRows) {
		err = db.ErrNotFound
	}
	return
}

// --- Meetings ------------------------------------------------------------------

// Meeting is one class of a cohort; Start and End are in the antenna's timezone.
// PlaceID and StaffID are 0 when the meeting is in the cohort's place and taught
// by the cohort's advisers.
type Meeting struct {
	ID        int64
	CohortID  int64
	Start     time.Time
	End       time.Time
	Marked    int // attendance marks taken
	Cancelled bool
	PlaceID   int64
	StaffID   int64
	PlaceName string // the meeting's own place, when it has one
	StaffName string // the meeting's own adviser, when it has one
}

// Hours is the meeting's length.
func (m Meeting) Hours() float64 { return m.End.Sub(m.Start).Hours() }

// Slot is a meeting to add.
type Slot struct{ Start, End time.Time }

const meetingColumns = `m.id, m.cohort_id, m.starts_at, m.ends_at, m.cancelled_at <> '', COALESCE(m.place_id, 0), COALESCE(m.staff_id, 0),
	COALESCE((SELECT name FROM places WHERE id = m.place_id), ''), COALESCE((SELECT name FROM staff WHERE id = m.staff_id), '')`

func scanMeeting(row interface{ Scan(...any) error }, loc *time.Location, extra ...any) (*Meeting, error) {
	m := &Meeting{}
	var s, e string
	if err := row.Scan(append([]any{&m.ID, &m.CohortID, &s, &e, &m.Cancelled, &m.PlaceID, &m.StaffID, &m.PlaceName, &m.StaffName}, extra...)...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			err = db.ErrNotFound
		}
		return nil, err
	}
	m.Start, m.End = db.ParseTime(s).In(loc), db.ParseTime(e).In(loc)
	return m, nil
}

// Meetings lists a cohort's meetings in time order, in loc, cancelled ones too.
func Meetings(ctx context.Context, d *db.DB, cohortID int64, loc *time.Location) ([]Meeting, error) {
	rows, err := d.QueryContext(ctx, `SELECT `+meetingColumns+`, (SELECT COUNT(*) FROM attendance at WHERE at.meeting_id = m.id)
		FROM meetings m WHERE m.cohort_id = $1 ORDER BY m.starts_at`, cohortID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Meeting
	for rows.Next() {
		var marked int
		m, err := scanMeeting(rows, loc, &marked)
		if err != nil {
			return nil, err
		}
		m.Marked = marked
		out = append(out, *m)
	}
	return out, rows.Err()
}

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

// AddMeetings adds the slots to a cohort; a slot starting when another meeting of
// the cohort already starts is skipped. It returns how many were added.
func AddMeetings(ctx context.Context, d *db.DB, cohortID int64, slots []Slot) (int, error) {
	added := 0
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		for _, s := range slots {
			res, err := tx.ExecContext(ctx, `INSERT INTO meetings (cohort_id, starts_at, ends_at, created_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (cohort_id, starts_at) DO NOTHING`, cohortID, db.FormatTime(s.Start), db.FormatTime(s.End), now)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		return nil
	})
	return added, err
}

// MeetingByID returns a meeting of a cohort in scope, with its cohort.
func MeetingByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Meeting, *Cohort, error) {
	var cohortID int64
	if err := d.QueryRowContext(ctx, "SELECT cohort_id FROM meetings WHERE id = $1", id).Scan(&cohortID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			err = db.ErrNotFound
		}
		return nil, nil, err
	}
	c, err := CohortByID(ctx, d, sc, cohortID)
	if err != nil {
		return nil, nil, err
	}
	var marked int
	m, err := scanMeeting(d.QueryRowContext(ctx, "SELECT "+meetingColumns+`, (SELECT COUNT(*) FROM attendance at WHERE at.meeting_id = m.id)
		FROM meetings m WHERE m.id = $1`, id), c.Loc(), &marked)
	if err != nil {
		return nil, nil, err
	}
	m.Marked = marked
	return m, c, nil
}

// ErrMeetingMarked is returned when deleting a meeting whose attendance was taken:
// its marks count towards people's hours.
var ErrMeetingMarked = errors.New("meeting has attendance marks")

// DeleteMeeting removes a meeting whose attendance was not taken.
func DeleteMeeting(ctx context.Context, d *db.DB, id int64) error {
	res, err := d.Exec(ctx, "DELETE FROM meetings WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM attendance WHERE meeting_id = $1)", id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrMeetingMarked
	}
	return nil
}

// Weekly expands a weekly timetable: every chosen weekday from first to last (local
// calendar days), from start to end clock times (minutes after midnight), skipping
// the dates in skip (YYYY-MM-DD).
func Weekly(first, last time.Time, weekdays []time.Weekday, start, end int, skip map[string]bool, loc *time.Location) []Slot {
	var out []Slot
	for day := first; !day.After(last); day = day.AddDate(0, 0, 1) {
		if !slices.Contains(weekdays, day.Weekday()) || skip[day.Format(dateLayout)] {
			continue
		}
		out = append(out, Slot{
			Start: time.Date(day.Year(), day.Month(), day.Day(), start/60, start%60, 0, 0, loc),
			End:   time.Date(day.Year(), day.Month(), day.Day(), end/60, end%60, 0, 0, loc),
		})
	}
	return out
}

// --- Calendar feeds ------------------------------------------------------------

// Event is a meeting as a calendar shows it.
type Event struct {
	MeetingID int64
	CohortID  int64
	Start     time.Time // in the antenna's zone
	End       time.Time
	Created   time.Time
	Title     string
	Antenna   string
	Place     string
	Cancelled bool
}

func events(ctx context.Context, d *db.DB, cond string, args ...any) ([]Event, error) {
	rows, err := d.QueryContext(ctx, `SELECT m.id, c.id, m.starts_at, m.ends_at, m.created_at, p.title, a.name, a.timezone,
			pl.name, pl.address, pl.postcode, pl.city, c.state, m.cancelled_at
		FROM meetings m JOIN cohorts c ON c.id = m.cohort_id JOIN programmes p ON p.id = c.programme_id
		JOIN antennas a ON a.id = c.antenna_id JOIN places pl ON pl.id = COALESCE(m.place_id, c.place_id)
		WHERE `+cond+` ORDER BY m.starts_at, m.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var s, en, created, tz, name, addr, pc, city, state, cancelled string
		if err := rows.Scan(&e.MeetingID, &e.CohortID, &s, &en, &created, &e.Title, &e.Antenna, &tz, &name, &addr, &pc, &city, &state, &cancelled); err != nil {
			return nil, err
		}
		loc := Location(tz)
		e.Start, e.End, e.Created = db.ParseTime(s).In(loc), db.ParseTime(en).In(loc), db.ParseTime(created)
		e.Place = strings.Join(slices.DeleteFunc([]string{name, addr, strings.TrimSpace(pc + " " + city)}, func(s string) bool { return s == "" }), ", ")
		// A meeting cancelled alone, or with its whole cohort, stays in the feed as
		// cancelled so that calendars remove it rather than keep a stale copy.
		e.Cancelled = state == "cancelled" || cancelled != ""
		out = append(out, e)
	}
	return out, rows.Err()
}

// CohortEvents lists a cohort's meetings for its calendar feed.
func CohortEvents(ctx context.Context, d *db.DB, cohortID int64) ([]Event, error) {
	return events(ctx, d, "c.id = $1", cohortID)
}

// Teaches is the condition "staff member staffID teaches meeting m (of cohort
// c)": the meeting's own adviser, or else one of its cohort's. It adds its
// argument to args.
func Teaches(staffID int64, args *db.Args) string {
	p := args.Add(staffID)
	return "(m.staff_id = " + p + " OR (m.staff_id IS NULL AND c.id IN (SELECT cohort_id FROM cohort_advisers WHERE staff_id = " + p + ")))"
}

// AdviserEvents lists the meetings a staff member teaches.
func AdviserEvents(ctx context.Context, d *db.DB, staffID int64) ([]Event, error) {
	args := db.Args{}
	cond := Teaches(staffID, &args)
	return events(ctx, d, cond, args...)
}

// CohortFeedToken returns the secret of a cohort's feed (no scope: the caller
// compares it with the one presented).
func CohortFeedToken(ctx context.Context, d *db.DB, cohortID int64) (string, error) {
	var tok string
	err := d.QueryRowContext(ctx, "SELECT feed_token FROM cohorts WHERE id = $1", cohortID).Scan(&tok)
	if errors.Is(err, sql.ErrNoRows) {
		err = db.ErrNotFound
	}
	return tok, err
}

// AdviserFeedToken returns a staff member's feed secret; create makes one the first
// time.
func AdviserFeedToken(ctx context.Context, d *db.DB, staffID int64, create bool) (string, error) {
	var tok string
	err := d.QueryRowContext(ctx, "SELECT token FROM adviser_feeds WHERE staff_id = $1", staffID).Scan(&tok)
	if errors.Is(err, sql.ErrNoRows) {
		if !create {
			return "", db.ErrNotFound
		}
		if _, err := d.Exec(ctx, "INSERT INTO adviser_feeds (staff_id, token, created_at) VALUES ($1, $2, $3) ON CONFLICT (staff_id) DO NOTHING",
			staffID, newToken(), db.Now()); err != nil {
			return "", err
		}
		return AdviserFeedToken(ctx, d, staffID, false)
	}
	return tok, err
}

// UpcomingFor lists the meetings not yet over of the cohorts a staff member
// teaches, at most limit.
func UpcomingFor(ctx context.Context, d *db.DB, staffID int64, now time.Time, limit int) ([]Event, error) {
	args := db.Args{}
	cond := "c.state <> 'cancelled' AND m.cancelled_at = '' AND m.ends_at > " + args.Add(db.FormatTime(now)) + " AND " + Teaches(staffID, &args)
	all, err := events(ctx, d, cond, args...)
	if len(all) > limit {
		all = all[:limit]
	}
	return all, err
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

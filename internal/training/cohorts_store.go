package training

// Cohorts: a programme taught by an antenna in one of its places between two
// dates, the states it goes through, and the lists of them a page at a time (at
// national scale, 25,000 cohorts, a page is one walk of an index in start order).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

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

// States are the cohort states in their usual order.
var States = []string{"draft", "open", "full", "running", "finished", "cancelled"}

// stateChanges are the state changes staff may make with one button; open ↔ full
// follows the seats. Cancelling is not among them: it asks for confirmation and
// tells the people concerned (CancelCohort, cancel.go).
var stateChanges = map[string][]string{
	"draft":   {"open"},
	"open":    {"running"},
	"full":    {"running"},
	"running": {"finished"},
}

// NextStates lists the states a cohort in state may be moved to by staff.
func NextStates(state string) []string { return stateChanges[state] }

// takesEnrolments reports whether a cohort in state accepts enrolments.
func takesEnrolments(state string) bool {
	return state == "open" || state == "full" || state == "running"
}

// ErrCapacityBelowTaken is returned when a cohort's capacity would fall below the
// seats already taken (enrolled and offered).
var ErrCapacityBelowTaken = errors.New("capacity below the seats taken")

// ErrMeetingsOutside is returned when new cohort dates would leave meetings outside.
var ErrMeetingsOutside = errors.New("meetings outside the cohort's dates")

// ErrBadTransition is returned for a cohort state change that makes no sense.
var ErrBadTransition = errors.New("cohort state change not allowed")

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

// CohortByID returns a cohort in scope with its advisers, or db.ErrNotFound.
func CohortByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Cohort, error) {
	args := db.Args{id}
	scope := sc.Where("c.antenna_id", &args)
	c, err := scanCohort(d.QueryRowContext(ctx, "SELECT "+cohortColumns+cohortFrom+" WHERE c.id = $1 AND "+scope, args...))
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

// CohortSummary is what another package needs to show or choose a cohort.
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

// OpenCohorts lists the cohorts of an antenna that take enrolments (open, full or
// running), soonest first.
func OpenCohorts(ctx context.Context, d *db.DB, antennaID int64) ([]CohortSummary, error) {
	rows, err := d.QueryContext(ctx, "SELECT "+cohortColumns+cohortFrom+`
		WHERE c.antenna_id = $1 AND c.state IN ('open', 'full', 'running') ORDER BY c.starts_on, c.id`, antennaID)
	return db.Collect[CohortSummary](rows, err)(func(s db.Scanner) (CohortSummary, error) {
		c, err := scanCohort(s)
		if err != nil {
			return CohortSummary{}, err
		}
		return CohortSummary{ID: c.ID, ProgrammeID: c.ProgrammeID, ProgrammeTitle: c.ProgrammeTitle, Level: c.Level,
			AntennaID: c.AntennaID, PlaceName: c.PlaceName, StartsOn: c.StartsOn, EndsOn: c.EndsOn, State: c.State,
			Capacity: c.Capacity, SeatsLeft: c.SeatsLeft()}, nil
	})
}

// SaveCohort creates (ID 0, in state draft) or updates a cohort and its advisers.
// On update the capacity may not fall below the seats taken, nor the dates leave a
// meeting outside; a larger capacity offers the new seats to the waitlist, and the
// changes are returned.
func SaveCohort(ctx context.Context, d *db.DB, c *Cohort, staffID int64, fns ...Then) ([]Change, error) {
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
			if err := then(ctx, tx, changes, fns); err != nil {
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

// CohortFilter narrows a list of cohorts; zero values mean "any". From and To
// keep the cohorts whose dates meet that period.
type CohortFilter struct {
	AntennaID   int64
	ProgrammeID int64
	State       string
	From, To    time.Time
}

// where builds the filter's condition with the scope, adding its arguments to args.
func (f CohortFilter) where(sc auth.Scope, args *db.Args) string {
	conds := []string{sc.Where("c.antenna_id", args)}
	if f.AntennaID != 0 {
		conds = append(conds, "c.antenna_id = "+args.Add(f.AntennaID))
	}
	if f.ProgrammeID != 0 {
		conds = append(conds, "c.programme_id = "+args.Add(f.ProgrammeID))
	}
	if f.State != "" {
		conds = append(conds, "c.state = "+args.Add(f.State))
	}
	if !f.From.IsZero() {
		conds = append(conds, "c.ends_on >= "+args.Add(f.From.Format(dateLayout)))
	}
	if !f.To.IsZero() {
		conds = append(conds, "c.starts_on <= "+args.Add(f.To.Format(dateLayout)))
	}
	return strings.Join(conds, " AND ")
}

// Cohorts lists every cohort in scope matching f, the most recent first, at
// once: for short lists (one antenna's); pages and exports use CohortsAfter.
func Cohorts(ctx context.Context, d *db.DB, sc auth.Scope, f CohortFilter) ([]*Cohort, error) {
	args := db.Args{}
	where := f.where(sc, &args)
	rows, err := d.QueryContext(ctx, "SELECT "+cohortColumns+cohortFrom+" WHERE "+where+" ORDER BY c.starts_on DESC, c.id DESC", args...)
	return db.Collect[*Cohort](rows, err)(func(s db.Scanner) (*Cohort, error) { return scanCohort(s) })
}

// CohortPageSize is how many cohorts a page of the list shows.
const CohortPageSize = 25

// CohortPage lists at most limit cohorts in scope matching f, the most recent
// first, after the cursor (empty: from the start). next is the cursor of the
// following page, empty on the last one; total counts every match.
func CohortPage(ctx context.Context, d *db.DB, sc auth.Scope, f CohortFilter, after string, limit int) (list []*Cohort, next string, total int, err error) {
	args := db.Args{}
	where := f.where(sc, &args)
	if err = d.QueryRowContext(ctx, "SELECT COUNT(*) FROM cohorts c WHERE "+where, args...).Scan(&total); err != nil {
		return nil, "", 0, err
	}
	list, next, err = CohortsAfter(ctx, d, sc, f, after, limit)
	return list, next, total, err
}

// CohortsAfter is CohortPage without the count: the exports walk every cohort
// with it, a page at a time.
func CohortsAfter(ctx context.Context, d *db.DB, sc auth.Scope, f CohortFilter, after string, limit int) (list []*Cohort, next string, err error) {
	args := db.Args{}
	where := f.where(sc, &args)
	if day, id, ok := parseCursor(after); ok {
		on := args.Add(day)
		where += " AND (c.starts_on < " + on + " OR (c.starts_on = " + on + " AND c.id < " + args.Add(id) + "))"
	}
	// The page's ids first, from the cohorts alone (one walk of an index in start
	// order), then their details and seat counts: joined first, the planner may
	// count the seats of every cohort before sorting.
	rows, err := d.QueryContext(ctx, "SELECT "+cohortColumns+" FROM (SELECT c.id FROM cohorts c WHERE "+where+
		fmt.Sprintf(" ORDER BY c.starts_on DESC, c.id DESC LIMIT %d) page JOIN cohorts c ON c.id = page.id", limit+1)+
		strings.TrimPrefix(cohortFrom, " FROM cohorts c")+" ORDER BY c.starts_on DESC, c.id DESC", args...)
	list, err = db.Collect[*Cohort](rows, err)(func(s db.Scanner) (*Cohort, error) { return scanCohort(s) })
	if err != nil {
		return nil, "", err
	}
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		next = last.StartsOn.Format(dateLayout) + "." + strconv.FormatInt(last.ID, 10)
	}
	return list, next, nil
}

// parseCursor reads "YYYY-MM-DD.id"; anything else starts from the beginning.
func parseCursor(s string) (string, int64, bool) {
	day, rest, ok := strings.Cut(s, ".")
	if !ok {
		return "", 0, false
	}
	if _, err := time.Parse(dateLayout, day); err != nil {
		return "", 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return day, id, err == nil && id > 0
}

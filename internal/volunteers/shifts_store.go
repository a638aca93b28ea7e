package volunteers

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// Kinds of shift.
const (
	Fixed   = "fixed"   // from StartsAt to EndsAt
	Window  = "window"  // any time between StartsAt and EndsAt, ExpectedMinutes of work
	Ongoing = "ongoing" // from StartsAt, open-ended; the volunteer logs their hours
)

// ShiftKinds are the kinds in the order forms list them (catalog "volunteers.shift_kind.CODE").
var ShiftKinds = []string{Fixed, Window, Ongoing}

// States of a volunteer's place on a shift.
const (
	Coming      = "coming"
	Waiting     = "waiting"
	Cancelled   = "cancelled"
	NoShow      = "no_show"
	NotHappened = "not_happened"
)

// Why a sign-up is refused (each has its catalog key "volunteers.refused.CODE").
var (
	ErrFull        = errors.New("full")
	ErrOverlap     = errors.New("overlap")
	ErrSkills      = errors.New("skills")
	ErrRequirement = errors.New("honourability")
	ErrClosed      = errors.New("closed")
	ErrDeadline    = errors.New("deadline")
)

// Refusal is the catalog key that explains err to the volunteer, "" for another error.
func Refusal(err error) string {
	for _, e := range []error{ErrFull, ErrOverlap, ErrSkills, ErrRequirement, ErrClosed, ErrDeadline} {
		if errors.Is(err, e) {
			return "volunteers.refused." + e.Error()
		}
	}
	return ""
}

// Shift is one occasion of a mission.
type Shift struct {
	ID              int64
	MissionID       int64
	AntennaID       int64
	Kind            string
	StartsAt        time.Time // in the antenna's time zone
	EndsAt          time.Time // zero for an ongoing shift
	ExpectedMinutes int
	Capacity        int
	PlaceID         int64
	PlaceName       string
	CancelHours     int
	State           string // open, cancelled
	TZ              string
	// From the mission.
	Title      string
	Vulnerable bool
	Leading    bool
	// Counts.
	Coming, Waiting int
}

// Minutes is the shift's length: the expected work of a window, the span of a fixed shift.
func (s *Shift) Minutes() int {
	switch s.Kind {
	case Fixed:
		return int(s.EndsAt.Sub(s.StartsAt) / time.Minute)
	case Window:
		return s.ExpectedMinutes
	}
	return 0
}

// Full reports whether no seat is left.
func (s *Shift) Full() bool { return s.Coming >= s.Capacity }

// CancelBy is the last moment a volunteer may cancel their place.
func (s *Shift) CancelBy() time.Time {
	return s.StartsAt.Add(-time.Duration(s.CancelHours) * time.Hour)
}

// HalfEmpty reports whether fewer than half the seats are taken.
func (s *Shift) HalfEmpty() bool { return 2*s.Coming < s.Capacity }

const shiftColumns = `s.id, s.mission_id, s.antenna_id, s.kind, s.starts_at, COALESCE(s.ends_at, ''), s.expected_minutes,
	s.capacity, COALESCE(s.place_id, 0), COALESCE(p.name, ''), s.cancel_hours, s.state, a.timezone, m.title, m.vulnerable, m.supervising,
	(SELECT COUNT(*) FROM volunteer_signups g WHERE g.shift_id = s.id AND g.state = 'coming'),
	(SELECT COUNT(*) FROM volunteer_signups g WHERE g.shift_id = s.id AND g.state = 'waiting')`

const shiftFrom = ` FROM volunteer_shifts s JOIN volunteer_missions m ON m.id = s.mission_id
	JOIN antennas a ON a.id = s.antenna_id LEFT JOIN places p ON p.id = s.place_id`

func location(tz string) *time.Location {
	if loc, err := time.LoadLocation(tz); err == nil {
		return loc
	}
	return time.UTC
}

func scanShift(row db.Scanner) (*Shift, error) { return scanShiftWith(row) }

// scanShiftWith reads shiftColumns and then the extra columns into extra.
func scanShiftWith(row db.Scanner, extra ...any) (*Shift, error) {
	var s Shift
	var starts, ends string
	if err := row.Scan(append([]any{&s.ID, &s.MissionID, &s.AntennaID, &s.Kind, &starts, &ends, &s.ExpectedMinutes, &s.Capacity,
		&s.PlaceID, &s.PlaceName, &s.CancelHours, &s.State, &s.TZ, &s.Title, &s.Vulnerable, &s.Leading,
		&s.Coming, &s.Waiting}, extra...)...); err != nil {
		return nil, db.NotFound(err)
	}
	loc := location(s.TZ)
	s.StartsAt = db.ParseTime(starts).In(loc)
	if ends != "" {
		s.EndsAt = db.ParseTime(ends).In(loc)
	}
	return &s, nil
}

// ShiftByID returns a shift of the scope's antennas.
func ShiftByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Shift, error) {
	args := db.Args{id}
	where := sc.Where("s.antenna_id", &args)
	return scanShift(d.QueryRowContext(ctx, "SELECT "+shiftColumns+shiftFrom+" WHERE s.id = $1 AND "+where, args...))
}

// shiftByID is a shift whatever the antenna, for the volunteer's side (which checks its own).
func shiftByID(ctx context.Context, q db.Execer, id int64) (*Shift, error) {
	return scanShift(q.QueryRowContext(ctx, "SELECT "+shiftColumns+shiftFrom+" WHERE s.id = $1", id))
}

// ShiftsPerPage bounds a page of shifts.
const ShiftsPerPage = 50

// MissionShifts lists a mission's shifts ending after since (ongoing ones always),
// by start, a page at a time.
func MissionShifts(ctx context.Context, d *db.DB, missionID int64, since time.Time, offset int) ([]*Shift, error) {
	return db.Collect[*Shift](d.QueryContext(ctx, "SELECT "+shiftColumns+shiftFrom+
		` WHERE s.mission_id = $1 AND (s.ends_at IS NULL OR s.ends_at > $2) ORDER BY s.starts_at, s.id LIMIT $3 OFFSET $4`,
		missionID, db.FormatTime(since), ShiftsPerPage+1, offset))(scanShift)
}

// AddShifts stores a shift of the mission and, when weeks > 1, the same shift on
// the following weeks; it returns the ids. The mission must be in the scope.
func AddShifts(ctx context.Context, d *db.DB, sc auth.Scope, staffID int64, s *Shift, weeks int) ([]int64, error) {
	m, err := MissionByID(ctx, d, sc, s.MissionID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		for w := range max(weeks, 1) {
			var ends any
			if !s.EndsAt.IsZero() {
				ends = db.FormatTime(s.EndsAt.AddDate(0, 0, 7*w))
			}
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO volunteer_shifts (mission_id, antenna_id, kind, starts_at, ends_at,
				expected_minutes, capacity, place_id, cancel_hours, created_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
				m.ID, m.AntennaID, s.Kind, db.FormatTime(s.StartsAt.AddDate(0, 0, 7*w)), ends, s.ExpectedMinutes,
				s.Capacity, db.NullID(s.PlaceID), s.CancelHours, db.NullID(staffID), now).Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

// Signup is a volunteer's place on a shift, as staff see it.
type Signup struct {
	ID          int64
	VolunteerID int64
	Name        string
	Phone       string
	State       string
	CreatedAt   time.Time
}

// Signups lists the people of a shift: coming, then the waitlist in its order,
// then the others.
func Signups(ctx context.Context, d *db.DB, shiftID int64) ([]*Signup, error) {
	return db.Collect[*Signup](d.QueryContext(ctx, `SELECT g.id, v.id, v.first_name || ' ' || v.last_name, v.phone, g.state, g.created_at
		FROM volunteer_signups g JOIN volunteers v ON v.id = g.volunteer_id WHERE g.shift_id = $1
		ORDER BY CASE g.state WHEN 'coming' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, g.id LIMIT 500`, shiftID))(
		func(row db.Scanner) (*Signup, error) {
			var s Signup
			var created string
			err := row.Scan(&s.ID, &s.VolunteerID, &s.Name, &s.Phone, &s.State, &created)
			s.CreatedAt = db.ParseTime(created)
			return &s, err
		})
}

// lockShift takes the shift's row for the transaction (a no-op update: a row lock
// on PostgreSQL, the write lock on SQLite), so that two sign-ups for the last
// seat are counted one after the other.
func lockShift(ctx context.Context, tx *sql.Tx, id int64) (*Shift, error) {
	if _, err := tx.ExecContext(ctx, "UPDATE volunteer_shifts SET capacity = capacity WHERE id = $1", id); err != nil {
		return nil, err
	}
	return shiftByID(ctx, tx, id)
}

func signupState(ctx context.Context, tx *sql.Tx, shiftID, volunteerID int64) (string, error) {
	var s string
	err := tx.QueryRowContext(ctx, "SELECT state FROM volunteer_signups WHERE shift_id = $1 AND volunteer_id = $2", shiftID, volunteerID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return s, err
}

func setSignup(ctx context.Context, tx *sql.Tx, shiftID, volunteerID int64, state string, at time.Time) error {
	now := db.FormatTime(at)
	_, err := tx.ExecContext(ctx, `INSERT INTO volunteer_signups (shift_id, volunteer_id, state, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4) ON CONFLICT (shift_id, volunteer_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
		shiftID, volunteerID, state, now)
	return err
}

// Fits says why the volunteer may not take the shift (ErrClosed, ErrSkills,
// ErrRequirement), nil when they may: same antenna, open, not begun (an ongoing
// shift may be joined while it lasts), the mission's skills all theirs, and a
// valid check of honourability on the day where the mission needs one.
func Fits(ctx context.Context, q db.Execer, v *Volunteer, s *Shift, now time.Time) error {
	if s.AntennaID != v.AntennaID || s.State != "open" || (s.Kind != Ongoing && !now.Before(s.StartsAt)) {
		return ErrClosed
	}
	var missing bool
	err := db.Each(q.QueryContext(ctx, "SELECT skill FROM volunteer_mission_skills WHERE mission_id = $1", s.MissionID))(func(row db.Scanner) error {
		var k string
		if err := row.Scan(&k); err != nil {
			return err
		}
		missing = missing || !slices.Contains(v.Skills, k)
		return nil
	})
	if err != nil {
		return err
	}
	if missing {
		return ErrSkills
	}
	if s.Vulnerable {
		day := s.StartsAt
		if s.Kind == Ongoing && now.After(day) {
			day = now.In(s.StartsAt.Location())
		}
		ok, err := RequirementMet(ctx, q, v.ID, Honourability, day.Format(time.DateOnly))
		if err != nil {
			return err
		}
		if !ok {
			return ErrRequirement
		}
	}
	return nil
}

// overlaps reports whether the volunteer is coming to another fixed shift that
// overlaps the fixed shift s.
func overlaps(ctx context.Context, tx *sql.Tx, volunteerID int64, s *Shift) (bool, error) {
	if s.Kind != Fixed {
		return false, nil
	}
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_signups g JOIN volunteer_shifts o ON o.id = g.shift_id
		WHERE g.volunteer_id = $1 AND g.state = 'coming' AND o.id <> $2 AND o.kind = 'fixed' AND o.state = 'open'
		AND o.starts_at < $3 AND o.ends_at > $4`,
		volunteerID, s.ID, db.FormatTime(s.EndsAt), db.FormatTime(s.StartsAt)).Scan(&n)
	return n > 0, err
}

// SignUp takes a seat on the shift for the volunteer, or a place at the end of its
// waitlist when wait is set and the shift is full; it returns their state. The
// seat is counted under the shift's lock, so that capacity holds when many sign
// up at once (ErrFull for the one too many). Signing up twice changes nothing.
func SignUp(ctx context.Context, d *db.DB, v *Volunteer, shiftID int64, wait bool, now time.Time) (string, error) {
	var state string
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		// The volunteer's row first, then the shift's: two sign-ups of one person
		// to overlapping shifts at once are checked one after the other.
		if _, err := tx.ExecContext(ctx, "UPDATE volunteers SET state = state WHERE id = $1", v.ID); err != nil {
			return err
		}
		s, err := lockShift(ctx, tx, shiftID)
		if err != nil {
			return err
		}
		if err := Fits(ctx, tx, v, s, now); err != nil {
			return err
		}
		current, err := signupState(ctx, tx, shiftID, v.ID)
		if err != nil {
			return err
		}
		if current == Coming || current == Waiting {
			state = current
			return nil
		}
		if o, err := overlaps(ctx, tx, v.ID, s); err != nil || o {
			if err == nil {
				err = ErrOverlap
			}
			return err
		}
		state = Coming
		if s.Full() {
			if !wait {
				return ErrFull
			}
			state = Waiting
		}
		return setSignup(ctx, tx, shiftID, v.ID, state, now)
	})
	return state, err
}

// Tell writes the messages of a change to the volunteers concerned, inside its
// transaction; news is "promoted" (a seat freed for someone waiting) or
// "cancelled" (the shift is off).
type Tell func(ctx context.Context, tx *sql.Tx, news string, volunteerID int64, s *Shift) error

// CancelSignup ends the volunteer's place on the shift: until the cancellation
// deadline for a seat (ErrDeadline after it), at any time for a place on the
// waitlist. A seat freed goes to the first person waiting, who is told.
func CancelSignup(ctx context.Context, d *db.DB, volunteerID, shiftID int64, now time.Time, tell Tell) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		s, err := lockShift(ctx, tx, shiftID)
		if err != nil {
			return err
		}
		current, err := signupState(ctx, tx, shiftID, volunteerID)
		if err != nil {
			return err
		}
		switch current {
		case Waiting:
			return setSignup(ctx, tx, shiftID, volunteerID, Cancelled, now)
		case Coming:
		default:
			return db.ErrNotFound
		}
		if s.Kind != Ongoing && now.After(s.CancelBy()) {
			return ErrDeadline
		}
		if err := setSignup(ctx, tx, shiftID, volunteerID, Cancelled, now); err != nil {
			return err
		}
		// Their reminders of this shift, queued and not yet sent, stay unsent.
		v, err := volunteerIn(ctx, tx, volunteerID)
		if err != nil {
			return err
		}
		if err := messages.CancelFor(ctx, tx, "volunteer_shift", shiftID, v.Phone, v.Email); err != nil {
			return err
		}
		return promote(ctx, tx, s, now, tell)
	})
}

// promote gives a free seat of s to the first people waiting, in order, while
// seats are free and the shift has not begun, and tells them.
func promote(ctx context.Context, tx *sql.Tx, s *Shift, now time.Time, tell Tell) error {
	if s.State != "open" || (s.Kind != Ongoing && !now.Before(s.StartsAt)) {
		return nil
	}
	var coming int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM volunteer_signups WHERE shift_id = $1 AND state = 'coming'", s.ID).Scan(&coming); err != nil {
		return err
	}
	for ; coming < s.Capacity; coming++ {
		var id, vid int64
		err := tx.QueryRowContext(ctx, "SELECT id, volunteer_id FROM volunteer_signups WHERE shift_id = $1 AND state = 'waiting' ORDER BY id LIMIT 1", s.ID).Scan(&id, &vid)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE volunteer_signups SET state = 'coming', updated_at = $1 WHERE id = $2", db.Now(), id); err != nil {
			return err
		}
		if tell != nil {
			if err := tell(ctx, tx, "promoted", vid, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// CancelShift calls a shift off: everyone coming or waiting is told.
func CancelShift(ctx context.Context, d *db.DB, sc auth.Scope, shiftID int64, tell Tell) error {
	if _, err := ShiftByID(ctx, d, sc, shiftID); err != nil {
		return err
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		s, err := lockShift(ctx, tx, shiftID)
		if err != nil || s.State == "cancelled" {
			return err
		}
		var told []int64
		if err := db.Each(tx.QueryContext(ctx, "SELECT volunteer_id FROM volunteer_signups WHERE shift_id = $1 AND state IN ('coming', 'waiting')", shiftID))(func(row db.Scanner) error {
			var id int64
			err := row.Scan(&id)
			told = append(told, id)
			return err
		}); err != nil {
			return err
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, "UPDATE volunteer_shifts SET state = 'cancelled', updated_at = $1 WHERE id = $2", now, shiftID); err != nil {
			return err
		}
		// Reminders queued and not yet sent would announce a shift that is off.
		if err := messages.Cancel(ctx, tx, "volunteer_shift", shiftID, 0); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE volunteer_signups SET state = 'cancelled', updated_at = $1 WHERE shift_id = $2 AND state IN ('coming', 'waiting')", now, shiftID); err != nil {
			return err
		}
		s.State = "cancelled"
		for _, id := range told {
			if tell != nil {
				if err := tell(ctx, tx, "cancelled", id, s); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// ErrBelowComing: a shift's capacity cannot go below the volunteers coming.
var ErrBelowComing = errors.New("volunteers: capacity below those coming")

// UpdateShift changes one open shift that has not begun (ErrClosed otherwise):
// its times, expected work, capacity, place and cancellation deadline; its
// mission and kind stay. A capacity below the volunteers coming is refused
// (ErrBelowComing); seats added go to those waiting, who are told. When the
// time changes, the reminders queued for the old one are withdrawn (the next
// plan queues them for the new one) and everyone coming or waiting is told
// ("moved"); they keep their place and may cancel it.
func UpdateShift(ctx context.Context, d *db.DB, sc auth.Scope, c *Shift, now time.Time, tell Tell) error {
	if _, err := ShiftByID(ctx, d, sc, c.ID); err != nil {
		return err
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		s, err := lockShift(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if s.State != "open" || (s.Kind != Ongoing && !now.Before(s.StartsAt)) {
			return ErrClosed
		}
		if c.Capacity < s.Coming {
			return ErrBelowComing
		}
		moved := !c.StartsAt.Equal(s.StartsAt) || !c.EndsAt.Equal(s.EndsAt)
		var ends any
		if !c.EndsAt.IsZero() {
			ends = db.FormatTime(c.EndsAt)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE volunteer_shifts SET starts_at = $1, ends_at = $2, expected_minutes = $3, capacity = $4,
			place_id = $5, cancel_hours = $6, updated_at = $7 WHERE id = $8`, db.FormatTime(c.StartsAt), ends, c.ExpectedMinutes,
			c.Capacity, db.NullID(c.PlaceID), c.CancelHours, db.Now(), s.ID); err != nil {
			return err
		}
		s.StartsAt, s.EndsAt, s.ExpectedMinutes, s.Capacity, s.CancelHours = c.StartsAt, c.EndsAt, c.ExpectedMinutes, c.Capacity, c.CancelHours
		if moved {
			if err := messages.Cancel(ctx, tx, "volunteer_shift", s.ID, 0); err != nil {
				return err
			}
			var told []int64
			if err := db.Each(tx.QueryContext(ctx, "SELECT volunteer_id FROM volunteer_signups WHERE shift_id = $1 AND state IN ('coming', 'waiting') ORDER BY id",
				s.ID))(func(row db.Scanner) error {
				var id int64
				err := row.Scan(&id)
				told = append(told, id)
				return err
			}); err != nil {
				return err
			}
			for _, id := range told {
				if tell != nil {
					if err := tell(ctx, tx, "moved", id, s); err != nil {
						return err
					}
				}
			}
		}
		return promote(ctx, tx, s, now, tell)
	})
}

// MarkNoShow records that a volunteer who was coming did not come (once the shift
// has begun), or takes the mark back (they did come).
func MarkNoShow(ctx context.Context, d *db.DB, sc auth.Scope, shiftID, volunteerID int64, noShow bool, now time.Time) error {
	s, err := ShiftByID(ctx, d, sc, shiftID)
	if err != nil {
		return err
	}
	if s.Kind == Ongoing || now.Before(s.StartsAt) {
		return ErrClosed
	}
	from, to := Coming, NoShow
	if !noShow {
		from, to = NoShow, Coming
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE volunteer_signups SET state = $1, updated_at = $2 WHERE shift_id = $3 AND volunteer_id = $4 AND state = $5",
			to, db.Now(), shiftID, volunteerID, from)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.ErrNotFound
		}
		if noShow { // hours pending for a shift they missed go
			_, err = writeHours(ctx, tx, nil, `DELETE FROM volunteer_hours WHERE shift_id = $1 AND volunteer_id = $2 AND state = 'pending'
				RETURNING antenna_id, mission_id, day`, shiftID, volunteerID)
		}
		return err
	})
}

// OfferedShifts are the open shifts of the volunteer's antenna that have not
// begun (ongoing ones while open), soonest first, with the volunteer's state on
// each ("" when none): what their shifts page offers.
func OfferedShifts(ctx context.Context, d *db.DB, v *Volunteer, now time.Time, offset int) ([]*Shift, map[int64]string, error) {
	list, err := db.Collect[*Shift](d.QueryContext(ctx, "SELECT "+shiftColumns+shiftFrom+
		` WHERE s.antenna_id = $1 AND s.state = 'open' AND m.active = $2 AND (s.kind = 'ongoing' OR s.starts_at > $3)
		ORDER BY s.starts_at, s.id LIMIT $4 OFFSET $5`, v.AntennaID, true, db.FormatTime(now), ShiftsPerPage+1, offset))(scanShift)
	if err != nil {
		return nil, nil, err
	}
	states, err := stateOf(ctx, d, v.ID, list)
	return list, states, err
}

func stateOf(ctx context.Context, d *db.DB, volunteerID int64, list []*Shift) (map[int64]string, error) {
	states := map[int64]string{}
	if len(list) == 0 {
		return states, nil
	}
	ids := make([]int64, len(list))
	for i, s := range list {
		ids[i] = s.ID
	}
	args := db.Args{volunteerID}
	err := db.Each(d.QueryContext(ctx, "SELECT shift_id, state FROM volunteer_signups WHERE volunteer_id = $1 AND shift_id IN ("+
		db.InList(&args, ids)+")", args...))(func(row db.Scanner) error {
		var id int64
		var st string
		err := row.Scan(&id, &st)
		states[id] = st
		return err
	})
	return states, err
}

// MyShift is one of a volunteer's shifts, with their state and hours given.
type MyShift struct {
	*Shift
	State      string
	HoursState string // "" when no hours are recorded yet
	Minutes    int
}

// MyShifts are the volunteer's shifts (not those they cancelled): coming ones
// when past is false (soonest first), else past ones (latest first).
func MyShifts(ctx context.Context, d *db.DB, volunteerID int64, past bool, now time.Time, offset int) ([]*MyShift, error) {
	cond, order := "(s.kind = 'ongoing' OR s.starts_at > $2) AND s.state = 'open'", "s.starts_at, s.id"
	if past {
		cond, order = "s.kind <> 'ongoing' AND s.starts_at <= $2", "s.starts_at DESC, s.id DESC"
	}
	q := "SELECT " + shiftColumns + `, g.state, COALESCE(hh.state, ''), COALESCE(hh.minutes, 0)` + shiftFrom +
		` JOIN volunteer_signups g ON g.shift_id = s.id AND g.volunteer_id = $1
		LEFT JOIN volunteer_hours hh ON hh.shift_id = s.id AND hh.volunteer_id = $1
		WHERE g.state <> 'cancelled' AND ` + cond + " ORDER BY " + order + " LIMIT $3 OFFSET $4"
	return db.Collect[*MyShift](d.QueryContext(ctx, q, volunteerID, db.FormatTime(now), ShiftsPerPage+1, offset))(func(row db.Scanner) (*MyShift, error) {
		var m MyShift
		var err error
		m.Shift, err = scanShiftWith(row, &m.State, &m.HoursState, &m.Minutes)
		return &m, err
	})
}

// Length is the shift's length, for display.
func (s *Shift) Length() Duration { return Duration(s.Minutes()) }

// HoursText is the hours of a "did it happen?" form, prefilled with the shift's
// length ("2.5").
func (m *MyShift) HoursText() string {
	return strconv.FormatFloat(float64(m.Minutes)/60, 'f', -1, 64)
}

// Given is the hours recorded for the shift.
func (m *MyShift) Given() Duration { return Duration(m.Minutes) }

// UpcomingShifts lists the scope's open shifts that have not ended (ongoing ones
// left out), soonest first, a page at a time: the staff's view of who is coming.
func UpcomingShifts(ctx context.Context, d *db.DB, sc auth.Scope, now time.Time, offset int) ([]*Shift, error) {
	args := db.Args{db.FormatTime(now)}
	where := sc.Where("s.antenna_id", &args)
	return db.Collect[*Shift](d.QueryContext(ctx, "SELECT "+shiftColumns+shiftFrom+
		` WHERE s.kind <> 'ongoing' AND s.state = 'open' AND s.ends_at > $1 AND `+where+
		` ORDER BY s.starts_at, s.id LIMIT `+args.Add(ShiftsPerPage+1)+" OFFSET "+args.Add(offset), args...))(scanShift)
}

// maxInvites bounds the volunteers one invitation to a shift reaches.
const maxInvites = 200

// Invite asks the antenna's active volunteers who fit a coming shift that is not
// full (skills, requirements, no overlapping shift) and are not on it yet to sign
// up, by message; each is asked once per shift. It returns how many were asked.
func Invite(ctx context.Context, d *db.DB, sc auth.Scope, shiftID int64, now time.Time, tell Tell) (int, error) {
	s, err := ShiftByID(ctx, d, sc, shiftID)
	if err != nil {
		return 0, err
	}
	if s.State != "open" || s.Full() || (s.Kind != Ongoing && !now.Before(s.StartsAt)) {
		return 0, ErrClosed
	}
	ids, err := db.Collect[int64](d.QueryContext(ctx, `SELECT v.id FROM volunteers v WHERE v.antenna_id = $1 AND v.state = 'active'
		AND NOT EXISTS (SELECT 1 FROM volunteer_signups g WHERE g.shift_id = $2 AND g.volunteer_id = v.id AND g.state IN ('coming', 'waiting'))
		AND NOT EXISTS (SELECT 1 FROM volunteer_mission_skills k WHERE k.mission_id = $3
			AND NOT EXISTS (SELECT 1 FROM volunteer_skills vs WHERE vs.volunteer_id = v.id AND vs.skill = k.skill))
		ORDER BY v.id LIMIT $4`, s.AntennaID, s.ID, s.MissionID, maxInvites))(func(row db.Scanner) (int64, error) {
		var id int64
		err := row.Scan(&id)
		return id, err
	})
	if err != nil {
		return 0, err
	}
	asked := 0
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			v := &Volunteer{ID: id, AntennaID: s.AntennaID}
			if s.Vulnerable {
				if ok, err := RequirementMet(ctx, tx, id, Honourability, s.StartsAt.Format(time.DateOnly)); err != nil || !ok {
					if err != nil {
						return err
					}
					continue
				}
			}
			if o, err := overlaps(ctx, tx, v.ID, s); err != nil || o {
				if err != nil {
					return err
				}
				continue
			}
			if err := tell(ctx, tx, "invited", id, s); err != nil {
				return err
			}
			asked++
		}
		return nil
	})
	return asked, err
}

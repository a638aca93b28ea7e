package volunteers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// States of hours given.
const (
	HoursPending  = "pending"
	HoursApproved = "approved"
	HoursDeclined = "declined"
)

// Why hours are refused (catalog "volunteers.hours_refused.CODE").
var (
	ErrFuture       = errors.New("future")
	ErrTooMany      = errors.New("too_many")
	ErrBeforeSignup = errors.New("before_signup")
	ErrLocked       = errors.New("locked")
	ErrNotYet       = errors.New("not_yet")
)

// HoursRefusal is the catalog key that explains err, "" for another error.
func HoursRefusal(err error) string {
	for _, e := range []error{ErrFuture, ErrTooMany, ErrBeforeSignup, ErrLocked, ErrNotYet} {
		if errors.Is(err, e) {
			return "volunteers.hours_refused." + e.Error()
		}
	}
	return ""
}

// HoursDeclineReasons are the coded reasons staff give when they decline hours
// (catalog "volunteers.decline_hours.CODE").
var HoursDeclineReasons = []string{"not_done", "wrong_hours", "duplicate", "other"}

// Hours is a record of time given.
type Hours struct {
	ID            int64
	VolunteerID   int64
	VolunteerName string
	AntennaID     int64
	MissionID     int64
	MissionTitle  string
	ShiftID       int64
	Day           string // YYYY-MM-DD
	Minutes       int
	Note          string
	State         string
	Reason        string
}

// Duration is a number of minutes, shown as hours and minutes.
type Duration int

// H is the whole hours.
func (d Duration) H() int { return int(d) / 60 }

// M is the minutes past the hour, on two digits.
func (d Duration) M() string { return fmt.Sprintf("%02d", int(d)%60) }

// Length is the hours given, for display.
func (h *Hours) Length() Duration { return Duration(h.Minutes) }

// Date is the day as a time, for display.
func (h *Hours) Date() time.Time { t, _ := time.Parse(time.DateOnly, h.Day); return t }

// signedUpOn is the day (in the shift's time zone) the volunteer took their place.
func signedUpOn(ctx context.Context, tx *sql.Tx, s *Shift, volunteerID int64) (state, day string, err error) {
	var created string
	err = tx.QueryRowContext(ctx, "SELECT state, created_at FROM volunteer_signups WHERE shift_id = $1 AND volunteer_id = $2",
		s.ID, volunteerID).Scan(&state, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", db.ErrNotFound
	}
	return state, db.ParseTime(created).In(s.StartsAt.Location()).Format(time.DateOnly), err
}

// checkDay applies the rules every record of hours follows: not in the future,
// not before the volunteer signed up, at most 24 hours on one day in all.
func checkDay(ctx context.Context, tx *sql.Tx, volunteerID int64, day, since, today string, minutes, except int64) error {
	switch {
	case minutes <= 0:
		return ErrTooMany
	case day > today:
		return ErrFuture
	case day < since:
		return ErrBeforeSignup
	}
	var total int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(minutes), 0) FROM volunteer_hours
		WHERE volunteer_id = $1 AND day = $2 AND state <> 'declined' AND id <> $3`, volunteerID, day, except).Scan(&total); err != nil {
		return err
	}
	if total+minutes > 24*60 {
		return ErrTooMany
	}
	return nil
}

// ConfirmHours is the volunteer's answer to "did it happen?" after a fixed or
// window shift they were coming to: the minutes they gave, or that it did not
// happen (happened false). An answer may change while the hours are pending;
// approved or declined hours are locked (ErrLocked).
func ConfirmHours(ctx context.Context, d *db.DB, v *Volunteer, shiftID int64, happened bool, minutes int, now time.Time) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		s, err := shiftByID(ctx, tx, shiftID)
		if err != nil {
			return err
		}
		if s.Kind == Ongoing || s.State != "open" || s.AntennaID != v.AntennaID {
			return db.ErrNotFound
		}
		if now.Before(s.StartsAt) {
			return ErrNotYet
		}
		state, since, err := signedUpOn(ctx, tx, s, v.ID)
		if err != nil {
			return err
		}
		if state != Coming && state != NotHappened {
			return db.ErrNotFound
		}
		var id int64
		var hstate string
		err = tx.QueryRowContext(ctx, "SELECT id, state FROM volunteer_hours WHERE shift_id = $1 AND volunteer_id = $2", shiftID, v.ID).Scan(&id, &hstate)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if hstate != "" && hstate != HoursPending {
			return ErrLocked
		}
		if !happened {
			if _, err := writeHours(ctx, tx, nil, "DELETE FROM volunteer_hours WHERE id = $1 RETURNING antenna_id, mission_id, day", id); err != nil {
				return err
			}
			return setSignup(ctx, tx, shiftID, v.ID, NotHappened, now)
		}
		day := s.StartsAt
		if s.Kind == Window && !s.EndsAt.IsZero() && now.After(s.EndsAt) {
			day = s.EndsAt
		} else if s.Kind == Window {
			day = now.In(s.StartsAt.Location())
		}
		today := now.In(s.StartsAt.Location()).Format(time.DateOnly)
		if err := checkDay(ctx, tx, v.ID, day.Format(time.DateOnly), since, today, int64(minutes), id); err != nil {
			return err
		}
		if err := setSignup(ctx, tx, shiftID, v.ID, Coming, now); err != nil {
			return err
		}
		if id != 0 {
			before, err := hoursKey(ctx, tx, id)
			if err != nil {
				return err
			}
			_, err = writeHours(ctx, tx, before, "UPDATE volunteer_hours SET minutes = $1, day = $2 WHERE id = $3 RETURNING antenna_id, mission_id, day",
				minutes, day.Format(time.DateOnly), id)
			return err
		}
		_, err = writeHours(ctx, tx, nil, `INSERT INTO volunteer_hours (volunteer_id, antenna_id, mission_id, shift_id, day, minutes, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING antenna_id, mission_id, day`, v.ID, s.AntennaID, s.MissionID, s.ID, day.Format(time.DateOnly), minutes, db.Now())
		return err
	})
}

// LogHours records time the volunteer gave on an ongoing shift they signed up
// to: a day, minutes and a short note.
func LogHours(ctx context.Context, d *db.DB, v *Volunteer, shiftID int64, day string, minutes int, note string, now time.Time) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		s, err := shiftByID(ctx, tx, shiftID)
		if err != nil {
			return err
		}
		if s.Kind != Ongoing || s.AntennaID != v.AntennaID {
			return db.ErrNotFound
		}
		state, since, err := signedUpOn(ctx, tx, s, v.ID)
		if err != nil {
			return err
		}
		if state != Coming {
			return db.ErrNotFound
		}
		today := now.In(s.StartsAt.Location()).Format(time.DateOnly)
		if err := checkDay(ctx, tx, v.ID, day, since, today, int64(minutes), 0); err != nil {
			return err
		}
		_, err = writeHours(ctx, tx, nil, `INSERT INTO volunteer_hours (volunteer_id, antenna_id, mission_id, day, minutes, note, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING antenna_id, mission_id, day`, v.ID, s.AntennaID, s.MissionID, day, minutes, note, db.Now())
		return err
	})
}

// DecideHours approves hours, or declines them with a coded reason; only pending
// hours of the scope may be decided (ErrLocked for the others).
func DecideHours(ctx context.Context, d *db.DB, sc auth.Scope, staffID, id int64, approve bool, reason string) error {
	args := db.Args{id}
	where := sc.Where("antenna_id", &args)
	var state string
	if err := d.QueryRowContext(ctx, "SELECT state FROM volunteer_hours WHERE id = $1 AND "+where, args...).Scan(&state); err != nil {
		return db.NotFound(err)
	}
	to := HoursApproved
	if !approve {
		to = HoursDeclined
	} else {
		reason = ""
	}
	// The valuation's summary of the day changes with the hours, in the same
	// transaction.
	return d.Tx(ctx, func(tx *sql.Tx) error {
		n, err := writeHours(ctx, tx, nil, `UPDATE volunteer_hours SET state = $1, reason = $2, decided_by = $3, decided_at = $4
			WHERE id = $5 AND state = 'pending' RETURNING antenna_id, mission_id, day`, to, reason, db.NullID(staffID), db.Now(), id)
		if err == nil && n == 0 {
			return ErrLocked
		}
		return err
	})
}

// HoursPerPage bounds a page of hours.
const HoursPerPage = 50

const hoursColumns = `h.id, h.volunteer_id, v.first_name || ' ' || v.last_name, h.antenna_id, h.mission_id, m.title,
	COALESCE(h.shift_id, 0), h.day, h.minutes, h.note, h.state, h.reason`

const hoursFrom = ` FROM volunteer_hours h JOIN volunteers v ON v.id = h.volunteer_id JOIN volunteer_missions m ON m.id = h.mission_id`

func scanHours(row db.Scanner) (*Hours, error) {
	var h Hours
	err := row.Scan(&h.ID, &h.VolunteerID, &h.VolunteerName, &h.AntennaID, &h.MissionID, &h.MissionTitle, &h.ShiftID,
		&h.Day, &h.Minutes, &h.Note, &h.State, &h.Reason)
	return &h, err
}

// PendingHours lists the scope's hours waiting for a decision, oldest day first.
func PendingHours(ctx context.Context, d *db.DB, sc auth.Scope, offset int) ([]*Hours, error) {
	args := db.Args{}
	where := sc.Where("h.antenna_id", &args)
	return db.Collect[*Hours](d.QueryContext(ctx, "SELECT "+hoursColumns+hoursFrom+" WHERE h.state = 'pending' AND "+where+
		" ORDER BY h.day, h.id LIMIT "+args.Add(HoursPerPage+1)+" OFFSET "+args.Add(offset), args...))(scanHours)
}

// MyHours lists the volunteer's hours, latest first.
func MyHours(ctx context.Context, d *db.DB, volunteerID int64, offset int) ([]*Hours, error) {
	return db.Collect[*Hours](d.QueryContext(ctx, "SELECT "+hoursColumns+hoursFrom+
		" WHERE h.volunteer_id = $1 ORDER BY h.day DESC, h.id DESC LIMIT $2 OFFSET $3", volunteerID, HoursPerPage+1, offset))(scanHours)
}

// ApprovedMinutes is the volunteer's approved time in a calendar year.
func ApprovedMinutes(ctx context.Context, d *db.DB, volunteerID int64, year int) (int, error) {
	var n int
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	to := time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	err := d.QueryRowContext(ctx, `SELECT COALESCE(SUM(minutes), 0) FROM volunteer_hours
		WHERE volunteer_id = $1 AND state = 'approved' AND day >= $2 AND day < $3`, volunteerID, from, to).Scan(&n)
	return n, err
}

// HoursInScope reports db.ErrNotFound for hours the scope may not see.
func HoursInScope(ctx context.Context, d *db.DB, sc auth.Scope, id int64) error {
	args := db.Args{id}
	var one int
	err := d.QueryRowContext(ctx, "SELECT 1 FROM volunteer_hours WHERE id = $1 AND "+sc.Where("antenna_id", &args), args...).Scan(&one)
	return db.NotFound(err)
}

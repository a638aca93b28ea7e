package appointments

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// Kinds of appointment, Modes of meeting, and Outcomes (catalog keys
// appointment.kind.*, appointment.mode.*, appointment.outcome.*).
var (
	Kinds    = []string{"first_contact", "positioning", "follow_up", "other"}
	Modes    = []string{"place", "phone", "video"}
	Outcomes = []string{"came", "excused", "no_show"}
)

// Appointment is one meeting of an adviser with a person.
type Appointment struct {
	ID          int64
	AntennaID   int64
	LearnerID   int64
	StaffID     int64
	Kind        string
	Mode        string
	PlaceID     int64
	VideoURL    string
	StartsAt    time.Time // in the antenna's time zone once loaded
	EndsAt      time.Time
	State       string // booked, cancelled
	CancelledBy string // staff, person
	Outcome     string // came, excused, no_show, or "" before it is recorded
	Note        string

	StaffName    string
	LearnerName  string
	PlaceName    string
	PlaceAddress string // address, postcode and city
	TZ           string
	CreatedAt    time.Time // when it was booked (now when zero, on insert)
}

// Past reports whether the appointment has begun at now.
func (a *Appointment) Past(now time.Time) bool { return !now.Before(a.StartsAt) }

// Cancelled reports whether staff or the person cancelled it.
func (a *Appointment) Cancelled() bool { return a.State == "cancelled" }

const columns = `a.id, a.antenna_id, a.learner_id, a.staff_id, a.kind, a.mode, COALESCE(a.place_id, 0), a.video_url,
	a.starts_at, a.ends_at, a.state, a.cancelled_by, a.outcome, a.note, s.name, l.first_name || ' ' || l.last_name,
	COALESCE(p.name, ''), COALESCE(p.address || ', ' || p.postcode || ' ' || p.city, ''), n.timezone`

const from = ` FROM appointments a JOIN staff s ON s.id = a.staff_id JOIN learners l ON l.id = a.learner_id
	JOIN antennas n ON n.id = a.antenna_id LEFT JOIN places p ON p.id = a.place_id`

func scan(row db.Scanner) (*Appointment, error) {
	var a Appointment
	var starts, ends string
	err := row.Scan(&a.ID, &a.AntennaID, &a.LearnerID, &a.StaffID, &a.Kind, &a.Mode, &a.PlaceID, &a.VideoURL,
		&starts, &ends, &a.State, &a.CancelledBy, &a.Outcome, &a.Note, &a.StaffName, &a.LearnerName,
		&a.PlaceName, &a.PlaceAddress, &a.TZ)
	if err != nil {
		return nil, db.NotFound(err)
	}
	loc, lerr := time.LoadLocation(a.TZ)
	if lerr != nil {
		loc = time.UTC
	}
	a.StartsAt, a.EndsAt = db.ParseTime(starts).In(loc), db.ParseTime(ends).In(loc)
	return &a, nil
}

// ByID reads an appointment in the staff member's antennas.
func ByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Appointment, error) {
	args := db.Args{id}
	return scan(d.QueryRowContext(ctx, "SELECT "+columns+from+" WHERE a.id = $1 AND "+sc.Where("a.antenna_id", &args), args...))
}

// ForLearner lists a person's appointments, the next first then the past.
func ForLearner(ctx context.Context, d *db.DB, learnerID int64) ([]*Appointment, error) {
	return db.Collect[*Appointment](d.QueryContext(ctx, "SELECT "+columns+from+
		" WHERE a.learner_id = $1 ORDER BY a.starts_at DESC LIMIT 50", learnerID))(scan)
}

// ForStaff lists an adviser's appointments that overlap [start, end).
func ForStaff(ctx context.Context, d *db.DB, staffID int64, start, end time.Time) ([]*Appointment, error) {
	return db.Collect[*Appointment](d.QueryContext(ctx, "SELECT "+columns+from+
		" WHERE a.staff_id = $1 AND a.starts_at < $2 AND a.ends_at > $3 ORDER BY a.starts_at",
		staffID, db.FormatTime(end), db.FormatTime(start)))(scan)
}

// ErrOverlap is returned when the adviser already has an appointment then.
var ErrOverlap = errors.New("the adviser has another appointment at that time")

// insert books a in tx, refusing an overlap with the adviser's other booked
// appointments.
func insert(ctx context.Context, tx *sql.Tx, a *Appointment, by int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM appointments WHERE staff_id = $1 AND state = 'booked'
		AND starts_at < $2 AND ends_at > $3 AND id <> $4`, a.StaffID, db.FormatTime(a.EndsAt), db.FormatTime(a.StartsAt), a.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return ErrOverlap
	}
	now := db.Now()
	if !a.CreatedAt.IsZero() {
		now = db.FormatTime(a.CreatedAt)
	}
	return tx.QueryRowContext(ctx, `INSERT INTO appointments (antenna_id, learner_id, staff_id, kind, mode, place_id,
		video_url, starts_at, ends_at, note, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
		a.AntennaID, a.LearnerID, a.StaffID, a.Kind, a.Mode, db.NullID(a.PlaceID), a.VideoURL,
		db.FormatTime(a.StartsAt), db.FormatTime(a.EndsAt), a.Note, db.NullID(by), now).Scan(&a.ID)
}

// Save books a without telling anyone: for the demo association and imports of
// appointments made elsewhere. Booking from the file is Handlers.Book.
func Save(ctx context.Context, d *db.DB, a *Appointment, by int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error { return insert(ctx, tx, a, by) })
}

// SetOutcome records whether the person came, once the appointment has begun.
func SetOutcome(ctx context.Context, d *db.DB, id int64, outcome string) error {
	_, err := d.Exec(ctx, `UPDATE appointments SET outcome = $1, updated_at = $2 WHERE id = $3 AND state = 'booked'`,
		outcome, db.Now(), id)
	return err
}

// cancel marks the appointment cancelled in tx, and frees the slot it was
// booked in, if any, for someone else; false when it was cancelled already.
func cancel(ctx context.Context, tx *sql.Tx, id int64, by string) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE appointments SET state = 'cancelled', cancelled_by = $1, updated_at = $2
		WHERE id = $3 AND state = 'booked'`, by, db.Now(), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n != 1 {
		return false, err
	}
	return true, freeSlotOf(ctx, tx, id)
}

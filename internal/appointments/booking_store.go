package appointments

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"strings"
	"time"

	"tremplin/internal/platform/db"
)

// bookingLink is a link sent to a person to book one of the free slots of some
// advisers of an antenna. Its token is twelve base-32 characters (60 bits), as
// reply links: short in an SMS, hopeless to guess.
type bookingLink struct {
	Token         string
	LearnerID     int64
	AntennaID     int64
	Kind          string
	Expires       time.Time
	AppointmentID int64 // what the person booked last through it; 0 before
	Staff         []int64
}

// Open reports whether the link still takes a first booking at now.
func (l *bookingLink) Open(now time.Time) bool { return now.Before(l.Expires) }

// createBookingLink stores l in tx with a new token.
func createBookingLink(ctx context.Context, tx *sql.Tx, l *bookingLink, by int64) error {
	l.Token = strings.ToLower(rand.Text()[:12])
	if _, err := tx.ExecContext(ctx, `INSERT INTO booking_links (token, learner_id, antenna_id, kind, expires_at, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, l.Token, l.LearnerID, l.AntennaID, l.Kind, db.FormatTime(l.Expires), db.NullID(by), db.Now()); err != nil {
		return err
	}
	for _, id := range l.Staff {
		if _, err := tx.ExecContext(ctx, `INSERT INTO booking_link_staff (token, staff_id) VALUES ($1, $2)`, l.Token, id); err != nil {
			return err
		}
	}
	return nil
}

// bookingLinkByToken reads a link; db.ErrNotFound for an unknown token.
func bookingLinkByToken(ctx context.Context, d *db.DB, token string) (*bookingLink, error) {
	var l bookingLink
	var expires string
	err := d.QueryRowContext(ctx, `SELECT token, learner_id, antenna_id, kind, expires_at, COALESCE(appointment_id, 0)
		FROM booking_links WHERE token = $1`, strings.ToLower(token)).
		Scan(&l.Token, &l.LearnerID, &l.AntennaID, &l.Kind, &expires, &l.AppointmentID)
	if err != nil {
		return nil, db.NotFound(err)
	}
	l.Expires = db.ParseTime(expires)
	l.Staff, err = db.Collect[int64](d.QueryContext(ctx, `SELECT staff_id FROM booking_link_staff WHERE token = $1 ORDER BY staff_id`, l.Token))(db.ScanInt64)
	return &l, err
}

// lockLink takes the link's row lock for the rest of tx, so that two taps on one
// link (two tabs) change what it booked one after the other; ErrNotChangeable
// when what it booked is no longer l.AppointmentID (the page was old).
func lockLink(ctx context.Context, tx *sql.Tx, l *bookingLink) error {
	res, err := tx.ExecContext(ctx, `UPDATE booking_links SET appointment_id = appointment_id
		WHERE token = $1 AND COALESCE(appointment_id, 0) = $2`, l.Token, l.AppointmentID)
	return changed(res, err, ErrNotChangeable)
}

// setLinkAppointment records what the person booked through the link.
func setLinkAppointment(ctx context.Context, tx *sql.Tx, token string, appointmentID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE booking_links SET appointment_id = $1 WHERE token = $2`, appointmentID, token)
	return err
}

// changed is the error of a statement that must change one row: its own, or
// none when it changed none.
func changed(res sql.Result, err error, none error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return none
	}
	return nil
}

// ErrNotChangeable is returned when an appointment can no longer be moved or
// cancelled by the person: cancelled meanwhile, or less than ChangeBefore away.
var ErrNotChangeable = errors.New("the appointment can no longer be changed from the link")

// reschedule moves the booked appointment id to slot s in tx (its adviser, time
// and place become the slot's), refusing it when it is cancelled or starts
// within ChangeBefore of now, or when the slot's adviser has another
// appointment then.
func reschedule(ctx context.Context, tx *sql.Tx, id int64, s *Slot, now time.Time) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM appointments WHERE staff_id = $1 AND state = 'booked'
		AND starts_at < $2 AND ends_at > $3 AND id <> $4`, s.StaffID, db.FormatTime(s.EndsAt), db.FormatTime(s.StartsAt), id).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return ErrSlotTaken
	}
	res, err := tx.ExecContext(ctx, `UPDATE appointments SET staff_id = $1, mode = $2, place_id = $3, video_url = $4,
		starts_at = $5, ends_at = $6, updated_at = $7 WHERE id = $8 AND state = 'booked' AND starts_at > $9`,
		s.StaffID, s.Mode, db.NullID(s.PlaceID), s.VideoURL, db.FormatTime(s.StartsAt), db.FormatTime(s.EndsAt), db.Now(), id,
		db.FormatTime(now.Add(ChangeBefore)))
	return changed(res, err, ErrNotChangeable)
}

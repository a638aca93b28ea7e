package appointments

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"tremplin/internal/platform/db"
)

// Self-booking: how far ahead a link offers slots, the least notice a booking
// gives the adviser, and until when before an appointment the person may move
// or cancel it from their link (after that, they call the antenna).
const (
	BookAhead    = 21 * 24 * time.Hour
	MinNotice    = 2 * time.Hour
	ChangeBefore = 24 * time.Hour
)

// Slot is a time an adviser offers for a person to book, free until booked.
type Slot struct {
	ID            int64
	AntennaID     int64
	StaffID       int64
	StartsAt      time.Time // in the antenna's time zone once loaded
	EndsAt        time.Time
	Mode          string
	PlaceID       int64
	VideoURL      string
	AppointmentID int64 // 0 while free

	StaffName    string
	PlaceName    string
	PlaceAddress string
	LearnerID    int64 // who booked it
	LearnerName  string
	TZ           string
}

// Free reports whether nobody has booked the slot.
func (s *Slot) Free() bool { return s.AppointmentID == 0 }

const slotColumns = `s.id, s.antenna_id, s.staff_id, s.starts_at, s.ends_at, s.mode, COALESCE(s.place_id, 0), s.video_url,
	COALESCE(s.appointment_id, 0), st.name, COALESCE(p.name, ''), COALESCE(p.address || ', ' || p.postcode || ' ' || p.city, ''),
	COALESCE(a.learner_id, 0), COALESCE(l.first_name || ' ' || l.last_name, ''), n.timezone`

const slotFrom = ` FROM appointment_slots s JOIN staff st ON st.id = s.staff_id JOIN antennas n ON n.id = s.antenna_id
	LEFT JOIN places p ON p.id = s.place_id LEFT JOIN appointments a ON a.id = s.appointment_id
	LEFT JOIN learners l ON l.id = a.learner_id`

// location is a time zone by name, UTC for a wrong one.
func location(tz string) *time.Location {
	if loc, err := time.LoadLocation(tz); err == nil {
		return loc
	}
	return time.UTC
}

func scanSlot(row db.Scanner) (*Slot, error) {
	var s Slot
	var starts, ends string
	err := row.Scan(&s.ID, &s.AntennaID, &s.StaffID, &starts, &ends, &s.Mode, &s.PlaceID, &s.VideoURL, &s.AppointmentID,
		&s.StaffName, &s.PlaceName, &s.PlaceAddress, &s.LearnerID, &s.LearnerName, &s.TZ)
	if err != nil {
		return nil, db.NotFound(err)
	}
	loc := location(s.TZ)
	s.StartsAt, s.EndsAt = db.ParseTime(starts).In(loc), db.ParseTime(ends).In(loc)
	return &s, nil
}

// SlotsOf lists an adviser's slots in some antennas that start in [from, to),
// free or booked, by time.
func SlotsOf(ctx context.Context, d *db.DB, staffID int64, antennas []int64, from, to time.Time) ([]*Slot, error) {
	args := db.Args{staffID, db.FormatTime(from), db.FormatTime(to)}
	return db.Collect[*Slot](d.QueryContext(ctx, "SELECT "+slotColumns+slotFrom+
		` WHERE s.staff_id = $1 AND s.starts_at >= $2 AND s.starts_at < $3 AND s.antenna_id IN (`+db.InList(&args, antennas)+`)
		ORDER BY s.starts_at`, args...))(scanSlot)
}

// slotByID reads one slot (any antenna: the caller checks who may see it).
func slotByID(ctx context.Context, d *db.DB, id int64) (*Slot, error) {
	return scanSlot(d.QueryRowContext(ctx, "SELECT "+slotColumns+slotFrom+" WHERE s.id = $1", id))
}

// bookable is the condition on a slot s that a link (token $1, antenna $2)
// may offer from $3 to $4: free, of one of the link's advisers still in the
// antenna and active, and not overlapping an appointment booked for its adviser
// some other way.
const bookable = `s.appointment_id IS NULL AND s.antenna_id = $2 AND s.starts_at > $3 AND s.starts_at <= $4
	AND s.staff_id IN (SELECT b.staff_id FROM booking_link_staff b JOIN staff_antennas sa ON sa.staff_id = b.staff_id
		AND sa.antenna_id = $2 JOIN staff x ON x.id = b.staff_id AND x.active WHERE b.token = $1)
	AND NOT EXISTS (SELECT 1 FROM appointments o WHERE o.staff_id = s.staff_id AND o.state = 'booked'
		AND o.starts_at < s.ends_at AND o.ends_at > s.starts_at)`

// freeSlots lists the slots link offers at now, by time: one per start, mode
// and place (two advisers free at the same time and place are one choice for
// the person), at most limit.
func freeSlots(ctx context.Context, d *db.DB, link *bookingLink, now time.Time, limit int) ([]*Slot, error) {
	all, err := db.Collect[*Slot](d.QueryContext(ctx, "SELECT "+slotColumns+slotFrom+" WHERE "+bookable+
		" ORDER BY s.starts_at, s.id", link.Token, link.AntennaID, db.FormatTime(now.Add(MinNotice)),
		db.FormatTime(now.Add(BookAhead))))(scanSlot)
	if err != nil {
		return nil, err
	}
	type choice struct {
		at    int64
		mode  string
		place int64
	}
	seen := map[choice]bool{}
	var out []*Slot
	for _, s := range all {
		c := choice{s.StartsAt.Unix(), s.Mode, s.PlaceID}
		if seen[c] {
			continue
		}
		seen[c] = true
		out = append(out, s)
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

// ErrSlotTaken is returned when the slot asked for is no longer free (another
// person booked it a moment before) or no longer offered.
var ErrSlotTaken = errors.New("the slot is no longer free")

// claimSlot takes the row lock of a slot the link offers at now, in tx, and
// reads it; ErrSlotTaken when it is taken or not offered. On PostgreSQL a second
// transaction claiming the same slot waits here for the first, then reads the
// row again and finds it taken (the condition on appointment_id is on the row
// updated, not in the subquery, for that re-reading); SQLite runs write
// transactions one at a time. Only one of two bookings made at once wins.
func claimSlot(ctx context.Context, tx *sql.Tx, link *bookingLink, slotID int64, now time.Time) (*Slot, error) {
	var s Slot
	var starts, ends string
	err := tx.QueryRowContext(ctx, `UPDATE appointment_slots SET appointment_id = appointment_id
		WHERE id = $5 AND appointment_id IS NULL AND id IN (SELECT s.id FROM appointment_slots s WHERE `+bookable+`)
		RETURNING id, antenna_id, staff_id, starts_at, ends_at, mode, COALESCE(place_id, 0), video_url`,
		link.Token, link.AntennaID, db.FormatTime(now.Add(MinNotice)), db.FormatTime(now.Add(BookAhead)), slotID).
		Scan(&s.ID, &s.AntennaID, &s.StaffID, &starts, &ends, &s.Mode, &s.PlaceID, &s.VideoURL)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrSlotTaken
	}
	if err != nil {
		return nil, err
	}
	s.StartsAt, s.EndsAt = db.ParseTime(starts), db.ParseTime(ends)
	return &s, nil
}

// takeSlot gives a claimed slot to appointment id. The conditional update is the
// guarantee: whatever came before, only a free slot is taken, and the unique
// index keeps one slot to an appointment.
func takeSlot(ctx context.Context, tx *sql.Tx, slotID, appointmentID int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE appointment_slots SET appointment_id = $1 WHERE id = $2 AND appointment_id IS NULL`,
		appointmentID, slotID)
	if db.IsUniqueViolation(err) {
		return ErrSlotTaken
	}
	return changed(res, err, ErrSlotTaken)
}

// freeSlotOf gives back the slot of appointment id, if it had one: it is free
// again for someone else.
func freeSlotOf(ctx context.Context, tx *sql.Tx, appointmentID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE appointment_slots SET appointment_id = NULL WHERE appointment_id = $1`, appointmentID)
	return err
}

// ErrSlotOverlap is returned when a new slot overlaps one the adviser has.
var ErrSlotOverlap = errors.New("the adviser has a slot at that time")

// addSlots publishes slots for one adviser (all of one antenna), refusing any
// that overlaps a slot they have; it skips those that overlap an appointment
// booked for them, and returns how many it added.
func addSlots(ctx context.Context, d *db.DB, slots []*Slot, by int64) (int, error) {
	if len(slots) == 0 {
		return 0, nil
	}
	added := 0
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		added = 0
		first, last := slots[0], slots[len(slots)-1]
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM appointment_slots WHERE staff_id = $1
			AND starts_at < $2 AND ends_at > $3`, first.StaffID, db.FormatTime(last.EndsAt), db.FormatTime(first.StartsAt)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrSlotOverlap
		}
		now := db.Now()
		for _, s := range slots {
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM appointments WHERE staff_id = $1 AND state = 'booked'
				AND starts_at < $2 AND ends_at > $3`, s.StaffID, db.FormatTime(s.EndsAt), db.FormatTime(s.StartsAt)).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			err := tx.QueryRowContext(ctx, `INSERT INTO appointment_slots (antenna_id, staff_id, starts_at, ends_at, mode, place_id,
				video_url, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
				s.AntennaID, s.StaffID, db.FormatTime(s.StartsAt), db.FormatTime(s.EndsAt), s.Mode, db.NullID(s.PlaceID),
				s.VideoURL, db.NullID(by), now).Scan(&s.ID)
			if db.IsUniqueViolation(err) {
				return ErrSlotOverlap // published at the same moment by someone else
			}
			if err != nil {
				return err
			}
			added++
		}
		return nil
	})
	return added, err
}

// deleteSlot removes a free slot; false when it was booked meanwhile.
func deleteSlot(ctx context.Context, d *db.DB, id int64) (bool, error) {
	res, err := d.Exec(ctx, `DELETE FROM appointment_slots WHERE id = $1 AND appointment_id IS NULL`, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

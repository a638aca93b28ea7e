package training

// Meetings: a cohort's timetable, one meeting at a time or a weekly rhythm,
// moved, cancelled, restored or removed.

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

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
		err = db.NotFound(err)
		return nil, err
	}
	m.Start, m.End = db.ParseTime(s).In(loc), db.ParseTime(e).In(loc)
	return m, nil
}

// Meetings lists a cohort's meetings in time order, in loc, cancelled ones too.
func Meetings(ctx context.Context, d *db.DB, cohortID int64, loc *time.Location) ([]Meeting, error) {
	rows, err := d.QueryContext(ctx, `SELECT `+meetingColumns+`, (SELECT COUNT(*) FROM attendance at WHERE at.meeting_id = m.id)
		FROM meetings m WHERE m.cohort_id = $1 ORDER BY m.starts_at`, cohortID)
	return db.Collect[Meeting](rows, err)(func(s db.Scanner) (Meeting, error) {
		var marked int
		m, err := scanMeeting(s, loc, &marked)
		if err != nil {
			return Meeting{}, err
		}
		m.Marked = marked
		return *m, nil
	})
}

// MeetingByID returns a meeting of a cohort in scope, with its cohort.
func MeetingByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Meeting, *Cohort, error) {
	var cohortID int64
	if err := d.QueryRowContext(ctx, "SELECT cohort_id FROM meetings WHERE id = $1", id).Scan(&cohortID); err != nil {
		err = db.NotFound(err)
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

// ErrMeetingMarked is returned when deleting a meeting whose attendance was taken:
// its marks count towards people's hours.
var ErrMeetingMarked = errors.New("meeting has attendance marks")

// ErrMeetingExists is returned when a meeting is moved to the start of another
// meeting of its cohort.
var ErrMeetingExists = errors.New("another meeting of the cohort starts then")

// ErrMeetingCancelled is returned when changing a cancelled meeting.
var ErrMeetingCancelled = errors.New("meeting is cancelled")

// DeleteMeeting removes a meeting whose attendance was not taken.
func DeleteMeeting(ctx context.Context, d *db.DB, id int64) error {
	return deleteMeeting(ctx, d, id, nil)
}

// deleteMeeting is DeleteMeeting; told, when not nil, hears of it within the
// transaction while the meeting is still there to read.
func deleteMeeting(ctx context.Context, d *db.DB, id int64, told meetingTold) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		var marked int
		var cancelled string
		err := tx.QueryRowContext(ctx, "SELECT cancelled_at, (SELECT COUNT(*) FROM attendance WHERE meeting_id = $1) FROM meetings WHERE id = $1", id).
			Scan(&cancelled, &marked)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrMeetingMarked // gone already: as before, refused
		}
		if err != nil {
			return err
		}
		if marked > 0 {
			return ErrMeetingMarked
		}
		if err := messages.Cancel(ctx, tx, "meeting", id, 0); err != nil {
			return err
		}
		if cancelled == "" && told != nil {
			// For the people enrolled, a meeting removed is a meeting cancelled.
			if err := told(ctx, tx, meetingChange{MeetingID: id, Kind: meetingCancelled}); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM meetings WHERE id = $1", id)
		return err
	})
}

// meetingTold hears, within its transaction, of a change to a meeting that its
// people are to be told of (Handlers.meetingChanged).
type meetingTold func(ctx context.Context, tx *sql.Tx, ch meetingChange) error

// touchCohort stamps the cohort as changed: the impact counters derive again the
// days of a cohort changed since their last refresh, so a meeting moved or
// cancelled stops counting where it was.
func touchCohort(ctx context.Context, tx db.Execer, cohortID int64) error {
	_, err := tx.ExecContext(ctx, "UPDATE cohorts SET updated_at = $1 WHERE id = $2", db.Now(), cohortID)
	return err
}

// UpdateMeeting saves a meeting's times, place and adviser (0: the cohort's). The
// times of a meeting whose roll call was taken do not change (its marks are
// hours attended then); a cancelled meeting does not change at all. When its
// times or its place change, what was queued to send about it (reminders) is
// cancelled.
func UpdateMeeting(ctx context.Context, d *db.DB, m *Meeting) error {
	return updateMeeting(ctx, d, m, nil)
}

func updateMeeting(ctx context.Context, d *db.DB, m *Meeting, told meetingTold) error {
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var cohortID, place, cohortPlace int64
		var starts, ends, cancelled string
		var marked int
		err := tx.QueryRowContext(ctx, `SELECT m.cohort_id, m.starts_at, m.ends_at, m.cancelled_at, COALESCE(m.place_id, 0), c.place_id,
				(SELECT COUNT(*) FROM attendance WHERE meeting_id = $1)
			FROM meetings m JOIN cohorts c ON c.id = m.cohort_id WHERE m.id = $1`, m.ID).
			Scan(&cohortID, &starts, &ends, &cancelled, &place, &cohortPlace, &marked)
		if err != nil {
			return db.NotFound(err)
		}
		if cancelled != "" {
			return ErrMeetingCancelled
		}
		moved := starts != db.FormatTime(m.Start) || ends != db.FormatTime(m.End)
		if moved && marked > 0 {
			return ErrMeetingMarked
		}
		if _, err := tx.ExecContext(ctx, "UPDATE meetings SET starts_at = $1, ends_at = $2, place_id = $3, staff_id = $4 WHERE id = $5",
			db.FormatTime(m.Start), db.FormatTime(m.End), db.NullID(m.PlaceID), db.NullID(m.StaffID), m.ID); err != nil {
			return err
		}
		elsewhere := cmp.Or(place, cohortPlace) != cmp.Or(m.PlaceID, cohortPlace)
		if moved || elsewhere {
			if err := messages.Cancel(ctx, tx, "meeting", m.ID, 0); err != nil {
				return err
			}
			if told != nil {
				if err := told(ctx, tx, meetingChange{MeetingID: m.ID, Kind: meetingMoved, Was: db.ParseTime(starts)}); err != nil {
					return err
				}
			}
		}
		if moved {
			return touchCohort(ctx, tx, cohortID)
		}
		return nil
	})
	if db.IsUniqueViolation(err) {
		return ErrMeetingExists
	}
	return err
}

// CancelMeeting cancels a meeting whose roll call was not taken: it stays on the
// timetable and in the calendar feeds as cancelled, takes no roll call and counts
// no hours; what was queued to send about it is cancelled. Cancelling it again
// changes nothing.
func CancelMeeting(ctx context.Context, d *db.DB, id int64) error {
	return cancelMeeting(ctx, d, id, nil)
}

func cancelMeeting(ctx context.Context, d *db.DB, id int64, told meetingTold) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		var cohortID int64
		var marked int
		err := tx.QueryRowContext(ctx, "SELECT cohort_id, (SELECT COUNT(*) FROM attendance WHERE meeting_id = $1) FROM meetings WHERE id = $1", id).Scan(&cohortID, &marked)
		if err != nil {
			return db.NotFound(err)
		}
		if marked > 0 {
			return ErrMeetingMarked
		}
		res, err := tx.ExecContext(ctx, "UPDATE meetings SET cancelled_at = $1 WHERE id = $2 AND cancelled_at = ''", db.Now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if err := messages.Cancel(ctx, tx, "meeting", id, 0); err != nil {
			return err
		}
		if told != nil {
			if err := told(ctx, tx, meetingChange{MeetingID: id, Kind: meetingCancelled}); err != nil {
				return err
			}
		}
		return touchCohort(ctx, tx, cohortID)
	})
}

// RestoreMeeting undoes the cancellation of a meeting, unless its whole cohort is
// cancelled.
func RestoreMeeting(ctx context.Context, d *db.DB, id int64) error {
	return restoreMeeting(ctx, d, id, nil)
}

func restoreMeeting(ctx context.Context, d *db.DB, id int64, told meetingTold) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		var cohortID int64
		var state string
		err := tx.QueryRowContext(ctx, "SELECT m.cohort_id, c.state FROM meetings m JOIN cohorts c ON c.id = m.cohort_id WHERE m.id = $1", id).Scan(&cohortID, &state)
		if err != nil {
			return db.NotFound(err)
		}
		if state == "cancelled" {
			return ErrBadTransition
		}
		res, err := tx.ExecContext(ctx, "UPDATE meetings SET cancelled_at = '' WHERE id = $1 AND cancelled_at <> ''", id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // not cancelled (a second tap)
		}
		if err := messages.Cancel(ctx, tx, "meeting", id, 0); err != nil {
			return err
		}
		if told != nil {
			if err := told(ctx, tx, meetingChange{MeetingID: id, Kind: meetingRestored}); err != nil {
				return err
			}
		}
		return touchCohort(ctx, tx, cohortID)
	})
}

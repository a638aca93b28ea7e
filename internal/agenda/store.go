package agenda

// What the agendas read: appointments (the appointments package's table) and
// meetings (training's), read only, as the impact package reads across packages.

import (
	"context"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/training"
)

// Appointment is an interview as an agenda shows it.
type Appointment struct {
	ID, LearnerID, StaffID, PlaceID int64
	Kind, Mode                      string // appointments.Kinds, appointments.Modes
	FirstName, LastName             string
	StaffName                       string
	Place, Address                  string // for an appointment at a place
	Start, End                      time.Time
	State, CancelledBy, Outcome     string
	Updated                         time.Time
}

// Cancelled reports whether the appointment was called off (by staff or by the
// person): it stays in the agenda, marked, and frees the time.
func (a *Appointment) Cancelled() bool { return a.State == "cancelled" }

// Teacher is a member of staff who teaches a meeting.
type Teacher struct {
	ID   int64
	Name string
}

// Meeting is a meeting of a cohort as an agenda shows it, with who teaches it:
// its own adviser, or else its cohort's (none when the cohort has none).
type Meeting struct {
	ID, CohortID, PlaceID int64
	Title, Place          string
	Start, End            time.Time
	Cancelled             bool // alone or with its cohort
	Teachers              []Teacher
}

// maxLength bounds how long an appointment or a meeting lasts, so that "what
// overlaps this week" reads an index range of start times rather than every row.
const maxLength = 24 * time.Hour

// appointments lists the appointments overlapping [start, end) that meet cond
// (which may use args), their times in loc (nil: in their antenna's zone).
func appointments(ctx context.Context, d *db.DB, loc *time.Location, start, end time.Time, cond string, args db.Args) ([]*Appointment, error) {
	lo, hi, from := args.Add(db.FormatTime(start.Add(-maxLength))), args.Add(db.FormatTime(end)), args.Add(db.FormatTime(start))
	return db.Collect[*Appointment](d.QueryContext(ctx, `SELECT a.id, a.learner_id, a.staff_id, COALESCE(a.place_id, 0),
			a.kind, a.mode, l.first_name, l.last_name, s.name, COALESCE(p.name, ''),
			COALESCE(p.address || ', ' || p.postcode || ' ' || p.city, ''), a.starts_at, a.ends_at, a.state,
			a.cancelled_by, a.outcome, a.updated_at, n.timezone
		FROM appointments a JOIN learners l ON l.id = a.learner_id JOIN staff s ON s.id = a.staff_id
		JOIN antennas n ON n.id = a.antenna_id LEFT JOIN places p ON p.id = a.place_id
		WHERE a.starts_at >= `+lo+` AND a.starts_at < `+hi+` AND a.ends_at > `+from+` AND `+cond+`
		ORDER BY a.starts_at, a.id`, args...))(func(row db.Scanner) (*Appointment, error) {
		var a Appointment
		var s, e, u, tz string
		err := row.Scan(&a.ID, &a.LearnerID, &a.StaffID, &a.PlaceID, &a.Kind, &a.Mode, &a.FirstName, &a.LastName,
			&a.StaffName, &a.Place, &a.Address, &s, &e, &a.State, &a.CancelledBy, &a.Outcome, &u, &tz)
		in := loc
		if in == nil {
			in = training.Location(tz)
		}
		a.Start, a.End, a.Updated = db.ParseTime(s).In(in), db.ParseTime(e).In(in), db.ParseTime(u)
		return &a, err
	})
}

// meetings lists the meetings overlapping [start, end) that meet cond, with
// their teachers, their times in loc. cond may name the teacher as
// COALESCE(ms.id, cs.id): the meeting's own adviser, or one of its cohort's.
// Draft cohorts are left out: their timetable is not a promise yet.
func meetings(ctx context.Context, d *db.DB, loc *time.Location, start, end time.Time, cond string, args db.Args) ([]*Meeting, error) {
	lo, hi, from := args.Add(db.FormatTime(start.Add(-maxLength))), args.Add(db.FormatTime(end)), args.Add(db.FormatTime(start))
	var out []*Meeting
	err := db.Each(d.QueryContext(ctx, `SELECT m.id, c.id, p.title, pl.id, pl.name, m.starts_at, m.ends_at,
			c.state, m.cancelled_at, COALESCE(ms.id, cs.id, 0), COALESCE(ms.name, cs.name, '')
		FROM meetings m JOIN cohorts c ON c.id = m.cohort_id JOIN programmes p ON p.id = c.programme_id
		JOIN places pl ON pl.id = COALESCE(m.place_id, c.place_id)
		LEFT JOIN staff ms ON ms.id = m.staff_id
		LEFT JOIN cohort_advisers ca ON m.staff_id IS NULL AND ca.cohort_id = c.id
		LEFT JOIN staff cs ON cs.id = ca.staff_id
		WHERE m.starts_at >= `+lo+` AND m.starts_at < `+hi+` AND m.ends_at > `+from+` AND c.state <> 'draft' AND `+cond+`
		ORDER BY m.starts_at, m.id, COALESCE(ms.name, cs.name, '')`, args...))(func(row db.Scanner) error {
		var m Meeting
		var s, e, state, cancelled string
		var t Teacher
		if err := row.Scan(&m.ID, &m.CohortID, &m.Title, &m.PlaceID, &m.Place, &s, &e, &state, &cancelled, &t.ID, &t.Name); err != nil {
			return err
		}
		// One row per teacher: the rows of a meeting follow each other.
		if n := len(out); n > 0 && out[n-1].ID == m.ID {
			out[n-1].Teachers = append(out[n-1].Teachers, t)
			return nil
		}
		m.Start, m.End = db.ParseTime(s).In(loc), db.ParseTime(e).In(loc)
		m.Cancelled = state == "cancelled" || cancelled != ""
		if t.ID != 0 {
			m.Teachers = []Teacher{t}
		}
		out = append(out, &m)
		return nil
	})
	return out, err
}

// teacher is the condition "staff member id teaches the meeting", for meetings.
func teacher(id int64, args *db.Args) string { return "COALESCE(ms.id, cs.id) = " + args.Add(id) }

// team lists the active staff of an antenna, by name: the lanes of its week.
func team(ctx context.Context, d *db.DB, antennaID int64) ([]Teacher, error) {
	return db.Collect[Teacher](d.QueryContext(ctx, `SELECT s.id, s.name FROM staff s JOIN staff_antennas sa ON sa.staff_id = s.id
		WHERE sa.antenna_id = $1 AND s.active ORDER BY s.name, s.id`, antennaID))(func(row db.Scanner) (Teacher, error) {
		var t Teacher
		return t, row.Scan(&t.ID, &t.Name)
	})
}

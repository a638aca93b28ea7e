package catalogue

// A session (cohort) as a visitor is told of it: where and when it meets, the
// seats left, and whether one may still ask to join it; the catalogue of them.

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/training"
)

// PublicCohort is what a visitor sees of a cohort.
type PublicCohort struct {
	ID          int64
	AntennaID   int64
	AntennaName string
	PlaceName   string
	Address     string
	Postcode    string
	City        string
	StartsOn    time.Time
	EndsOn      time.Time
	Full        bool
	SeatsLeft   int
	Schedule    Schedule // its weekly days and hours
	// ProgrammeID and the programme's titles are set by PublicSession (the
	// catalogue lists cohorts under their programme).
	ProgrammeID    int64
	ProgrammeTitle string
	titleEn        string
	titleAr        string
}

// TitleIn is the programme's title in lang, or the French one: a visitor who
// registered in Arabic reads the session they chose in Arabic.
func (c PublicCohort) TitleIn(lang string) training.Text {
	return training.Programme{Title: c.ProgrammeTitle, TitleEn: c.titleEn, TitleAr: c.titleAr}.TitleIn(lang)
}

// Offer is a programme with the cohorts a visitor may still join.
type Offer struct {
	training.Programme
	Cohorts []PublicCohort
}

// Catalogue lists the programmes on the catalogue (all, or one when programmeID
// is not 0; never archived or off-catalogue ones) with their open and full cohorts
// not yet started on today (see StillOffered), of one antenna or of all (antennaID
// 0), in one query. A programme of one antenna is listed only with all antennas or
// that one. Show a programme's words with its TitleIn and DescriptionIn.
func Catalogue(ctx context.Context, d *db.DB, antennaID, programmeID int64, today time.Time) ([]*Offer, error) {
	rows, err := d.QueryContext(ctx, `SELECT `+training.ProgrammeColumns+`,
			c.id, c.antenna_id, a.name, pl.name, pl.address, pl.postcode, pl.city, c.starts_on, c.ends_on, c.state, c.capacity,
			(SELECT COUNT(*) FROM enrolments e WHERE e.cohort_id = c.id AND e.state IN ('enrolled', 'offered'))
		FROM programmes p
		LEFT JOIN cohorts c ON c.programme_id = p.id AND c.state IN ('open', 'full') AND c.starts_on > $1 AND ($2 = 0 OR c.antenna_id = $2)
		LEFT JOIN antennas a ON a.id = c.antenna_id
		LEFT JOIN places pl ON pl.id = c.place_id
		WHERE ($3 = 0 OR p.id = $3) AND p.archived_at = '' AND NOT p.off_catalogue
			AND ($2 = 0 OR p.antenna_id IS NULL OR p.antenna_id = $2)
		ORDER BY `+training.LevelOrder+`, p.title, p.id, c.starts_on, c.id`, today.Format(time.DateOnly), antennaID, programmeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Offer
	for rows.Next() {
		var cid, aid sql.NullInt64
		var aname, pname, addr, pc, city, starts, ends, state sql.NullString
		var capacity, taken sql.NullInt64
		p, err := training.ScanProgramme(rows, &cid, &aid, &aname, &pname, &addr, &pc, &city, &starts, &ends, &state, &capacity, &taken)
		if err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != p.ID {
			out = append(out, &Offer{Programme: *p})
		}
		if cid.Valid {
			last := out[len(out)-1]
			last.Cohorts = append(last.Cohorts, PublicCohort{ID: cid.Int64, AntennaID: aid.Int64, AntennaName: aname.String,
				PlaceName: pname.String, Address: addr.String, Postcode: pc.String, City: city.String,
				StartsOn: parseDate(starts.String), EndsOn: parseDate(ends.String), Full: state.String == "full",
				SeatsLeft: max(int(capacity.Int64-taken.Int64), 0)})
		}
	}
	return out, rows.Err()
}

// schedules reads the weekly rhythm of each cohort, from its meetings not
// cancelled, in one query.
func schedules(ctx context.Context, d *db.DB, ids []int64) (map[int64]Schedule, error) {
	out := map[int64]Schedule{}
	if len(ids) == 0 {
		return out, nil
	}
	args := db.Args{}
	in := db.InList(&args, ids)
	rows, err := d.QueryContext(ctx, `SELECT m.cohort_id, m.starts_at, m.ends_at, a.timezone
		FROM meetings m JOIN cohorts c ON c.id = m.cohort_id JOIN antennas a ON a.id = c.antenna_id
		WHERE m.cohort_id IN (`+in+`) AND m.cancelled_at = ''
		ORDER BY m.cohort_id, m.starts_at`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	starts, ends := map[int64][]time.Time{}, map[int64][]time.Time{}
	for rows.Next() {
		var id int64
		var s, e, tz string
		if err := rows.Scan(&id, &s, &e, &tz); err != nil {
			return nil, err
		}
		loc := training.Location(tz)
		starts[id] = append(starts[id], db.ParseTime(s).In(loc))
		ends[id] = append(ends[id], db.ParseTime(e).In(loc))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for id := range starts {
		out[id] = scheduleOf(starts[id], ends[id])
	}
	return out, nil
}

// withSchedules fills the schedule of every cohort of a catalogue.
func withSchedules(ctx context.Context, d *db.DB, offers []*Offer) error {
	var ids []int64
	for _, o := range offers {
		for _, c := range o.Cohorts {
			ids = append(ids, c.ID)
		}
	}
	s, err := schedules(ctx, d, ids)
	if err != nil {
		return err
	}
	for _, o := range offers {
		for i := range o.Cohorts {
			o.Cohorts[i].Schedule = s[o.Cohorts[i].ID]
		}
	}
	return nil
}

// StillOffered reports whether a visitor may still ask to join a cohort starting on
// startsOn: not once it has begun (nor on its first day: nobody could call them
// before it starts).
func StillOffered(startsOn, today time.Time) bool {
	return startsOn.Format(time.DateOnly) > today.Format(time.DateOnly)
}

// PublicSession returns a cohort a visitor may still ask to join (open or full,
// not started on today, see StillOffered), with its programme, place and weekly times; db.ErrNotFound
// for any other.
func PublicSession(ctx context.Context, d *db.DB, cohortID int64, today time.Time) (*PublicCohort, error) {
	var c PublicCohort
	var starts, ends, state string
	var capacity, taken int
	err := d.QueryRowContext(ctx, `SELECT c.id, c.antenna_id, a.name, p.id, p.title, p.title_en, p.title_ar, pl.name, pl.address, pl.postcode, pl.city,
			c.starts_on, c.ends_on, c.state, c.capacity,
			(SELECT COUNT(*) FROM enrolments e WHERE e.cohort_id = c.id AND e.state IN ('enrolled', 'offered'))
		FROM cohorts c JOIN antennas a ON a.id = c.antenna_id JOIN programmes p ON p.id = c.programme_id
		JOIN places pl ON pl.id = c.place_id
		WHERE c.id = $1 AND c.state IN ('open', 'full')`, cohortID).Scan(&c.ID, &c.AntennaID, &c.AntennaName, &c.ProgrammeID,
		&c.ProgrammeTitle, &c.titleEn, &c.titleAr, &c.PlaceName, &c.Address, &c.Postcode, &c.City, &starts, &ends, &state, &capacity, &taken)
	if err != nil {
		return nil, db.NotFound(err)
	}
	c.StartsOn, c.EndsOn, c.Full, c.SeatsLeft = parseDate(starts), parseDate(ends), state == "full", max(capacity-taken, 0)
	if !StillOffered(c.StartsOn, today) {
		return nil, db.ErrNotFound
	}
	s, err := schedules(ctx, d, []int64{c.ID})
	if err != nil {
		return nil, err
	}
	c.Schedule = s[c.ID]
	return &c, nil
}

// Place is where the cohort meets, with its address, in a line.
func (c PublicCohort) Place() string {
	parts := []string{c.PlaceName, c.Address, strings.TrimSpace(c.Postcode + " " + c.City)}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), ", ")
}

// parseDate reads a stored calendar date; the zero time for an empty one.
func parseDate(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

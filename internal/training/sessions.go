package training

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
)

// A session (cohort) as a visitor is told of it: when it meets in the week, and
// whether one may still ask to join it.

// Times is a weekly meeting time of a cohort: the days it meets at From–To
// (local "15:04" clock times).
type Times struct {
	Days     []time.Weekday // Monday first
	From, To string
}

// Schedule is a cohort's weekly rhythm, read from its meetings.
type Schedule []Times

// maxTimes bounds what a schedule lists: beyond, the rhythm is not weekly enough
// to be said in a line, and the dates say the rest.
const maxTimes = 4

// weekOrder puts Monday first, Sunday last.
func weekOrder(d time.Weekday) int { return (int(d) + 6) % 7 }

// scheduleOf groups meetings (in the antenna's zone) by clock times, each with
// the weekdays it falls on.
func scheduleOf(starts, ends []time.Time) Schedule {
	var s Schedule
	for i := range starts {
		from, to := starts[i].Format("15:04"), ends[i].Format("15:04")
		j := slices.IndexFunc(s, func(t Times) bool { return t.From == from && t.To == to })
		if j < 0 {
			s = append(s, Times{From: from, To: to})
			j = len(s) - 1
		}
		if !slices.Contains(s[j].Days, starts[i].Weekday()) {
			s[j].Days = append(s[j].Days, starts[i].Weekday())
		}
	}
	for i := range s {
		slices.SortFunc(s[i].Days, func(a, b time.Weekday) int { return weekOrder(a) - weekOrder(b) })
	}
	slices.SortFunc(s, func(a, b Times) int {
		if c := weekOrder(a.Days[0]) - weekOrder(b.Days[0]); c != 0 {
			return c
		}
		return strings.Compare(a.From, b.From)
	})
	if len(s) > maxTimes {
		s = s[:maxTimes]
	}
	return s
}

// Words says the schedule in a line: "Tuesdays and Thursdays, 9:30–12:30".
func (s Schedule) Words(p i18n.Printer) string {
	parts := make([]string, 0, len(s))
	for _, t := range s {
		days := make([]string, len(t.Days))
		for i, d := range t.Days {
			days[i] = p.T(fmt.Sprintf("training.days.%d", d))
		}
		parts = append(parts, p.T("training.schedule_times", "days", listWords(p, days),
			"from", clockWords(p, t.From), "to", clockWords(p, t.To)))
	}
	return upperFirst(strings.Join(parts, p.T("training.schedule_sep")))
}

// listWords joins "a, b and c" the way the language does.
func listWords(p i18n.Printer, items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], p.T("training.list_sep")) + p.T("training.list_and") + items[len(items)-1]
}

// clockWords writes a "15:04" time the way the language does ("9 h 30" in French).
func clockWords(p i18n.Printer, hm string) string {
	h, m, _ := strings.Cut(hm, ":")
	h = strings.TrimPrefix(h, "0")
	if h == "" {
		h = "0"
	}
	if m == "00" {
		return p.T("training.clock_hour", "h", h)
	}
	return p.T("training.clock", "h", h, "m", m)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// schedules reads the weekly rhythm of each cohort, from its meetings not
// cancelled, in one query.
func schedules(ctx context.Context, d *db.DB, ids []int64) (map[int64]Schedule, error) {
	out := map[int64]Schedule{}
	if len(ids) == 0 {
		return out, nil
	}
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i], args[i] = fmt.Sprintf("$%d", i+1), id
	}
	rows, err := d.QueryContext(ctx, `SELECT m.cohort_id, m.starts_at, m.ends_at, a.timezone
		FROM meetings m JOIN cohorts c ON c.id = m.cohort_id JOIN antennas a ON a.id = c.antenna_id
		WHERE m.cohort_id IN (`+strings.Join(marks, ", ")+`) AND m.cancelled_at = ''
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
		loc := Location(tz)
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
	return startsOn.Format(dateLayout) > today.Format(dateLayout)
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
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.ErrNotFound
	}
	if err != nil {
		return nil, err
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

// TemplateFuncs are the template functions of this room's pages, bound to a language.
func TemplateFuncs(p i18n.Printer) template.FuncMap {
	return template.FuncMap{
		"schedule": func(s Schedule) string { return s.Words(p) },
		// session_title is a session's programme title in the page's language,
		// with the language it is written in (French when not translated).
		"session_title": func(c *PublicCohort) Text { return c.TitleIn(p.Lang) },
	}
}

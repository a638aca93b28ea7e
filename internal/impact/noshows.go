package impact

import (
	"context"
	"sort"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
)

// NoShows are the appointments of a period whose outcome was recorded — came,
// excused (which includes the person's own "I cannot come"), or no-show — by
// antenna, adviser and kind, each split by whether a reminder reached the
// provider before it: the figure that tells whether reminders work.
type NoShows struct {
	ByAntenna, ByAdviser, ByKind []NoShowGroup
	All                          NoShowGroup
}

// NoShowGroup counts outcomes, with and without a reminder sent.
type NoShowGroup struct {
	Name, Key string // a name (antenna, adviser) or a catalog key (kind)
	Reminded  [3]int64
	Not       [3]int64
}

const (
	came = iota
	excused
	noShow
)

var outcomeIndex = map[string]int{"came": came, "excused": excused, "no_show": noShow}

func (g *NoShowGroup) total() int64 {
	return g.Reminded[0] + g.Reminded[1] + g.Reminded[2] + g.Not[0] + g.Not[1] + g.Not[2]
}

// Rate is the share of no-shows among the appointments with an outcome.
func (g *NoShowGroup) Rate() Rate {
	return Rate{Num: g.Reminded[noShow] + g.Not[noShow], Den: g.total()}
}

// RateReminded and RateNot are the same share with and without a reminder.
func (g *NoShowGroup) RateReminded() Rate {
	return Rate{Num: g.Reminded[noShow], Den: g.Reminded[0] + g.Reminded[1] + g.Reminded[2]}
}

func (g *NoShowGroup) RateNot() Rate {
	return Rate{Num: g.Not[noShow], Den: g.Not[0] + g.Not[1] + g.Not[2]}
}

// ComputeNoShows reads the no-show figures of f's period and antennas (every
// antenna when f.Antennas is nil); programmes do not apply to appointments.
//
// Only appointments that have begun count: an "I cannot come" marks a future one
// excused, which is not yet a fact of the period. Every appointment of a day
// before today (UTC) has begun: those are read from the counters, brought up to
// date first; today's that have begun are few, and read from the appointments.
func ComputeNoShows(ctx context.Context, d *db.DB, f Filter) (*NoShows, error) {
	return computeNoShows(ctx, d, f, time.Now())
}

// computeNoShows reads them as they stand at now.
func computeNoShows(ctx context.Context, d *db.DB, f Filter, now time.Time) (*NoShows, error) {
	if err := Refresh(ctx, d); err != nil {
		return nil, err
	}
	now = now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	from := time.Date(f.From.Year(), f.From.Month(), f.From.Day(), 0, 0, 0, 0, time.UTC)
	to := time.Date(f.To.Year(), f.To.Month(), f.To.Day(), 0, 0, 0, 0, time.UTC)
	ns := &NoShows{All: NoShowGroup{Key: "impact.noshow.all"}}
	byAntenna, byAdviser, byKind := map[string]*NoShowGroup{}, map[string]*NoShowGroup{}, map[string]*NoShowGroup{}
	group := func(m map[string]*NoShowGroup, name, key string) *NoShowGroup {
		k := name + "\x00" + key
		if m[k] == nil {
			m[k] = &NoShowGroup{Name: name, Key: key}
		}
		return m[k]
	}
	// Each row is an antenna, an adviser, a kind, an outcome, whether reminded,
	// and how many appointments.
	add := func(row db.Scanner) error {
		var antenna, adviser, kind, outcome string
		var reminded int
		var n int64
		if err := row.Scan(&antenna, &adviser, &kind, &outcome, &reminded, &n); err != nil {
			return err
		}
		i, ok := outcomeIndex[outcome]
		if !ok {
			return nil
		}
		for _, g := range []*NoShowGroup{group(byAntenna, antenna, ""), group(byAdviser, adviser, ""),
			group(byKind, "", "appointment.kind."+kind), &ns.All} {
			if reminded == 1 {
				g.Reminded[i] += n
			} else {
				g.Not[i] += n
			}
		}
		return nil
	}
	// The counters, up to yesterday. Literals rather than parameters (dates and
	// ids of our own making), as in read.
	end := to
	if !end.Before(today) {
		end = today.AddDate(0, 0, -1)
	}
	for _, s := range spans(from, end) {
		table, key := "impact_noshow_days", "day"
		if s.months {
			table, key = "impact_noshow_months", "month"
		}
		q := "SELECT " + noshowKey + ", SUM(n) AS n FROM " + table + " WHERE " + key + " >= '" + s.from + "' AND " + key + " <= '" + s.to + "'"
		if f.Antennas != nil {
			q += " AND antenna_id IN (" + idList(f.Antennas) + ")"
		}
		err := db.Each(d.QueryContext(ctx, `SELECT n.name, s.name, x.kind, x.outcome, x.reminded, x.n FROM (`+q+` GROUP BY `+noshowKey+`) x
			JOIN antennas n ON n.id = x.antenna_id JOIN staff s ON s.id = x.staff_id`))(add)
		if err != nil {
			return nil, err
		}
	}
	// Today's appointments that have begun.
	if !today.Before(from) && !today.After(to) {
		args := db.Args{db.FormatTime(today), db.FormatTime(today.AddDate(0, 0, 1)), db.FormatTime(now)}
		where := ""
		if f.Antennas != nil {
			where = " AND a.antenna_id IN (" + db.InList(&args, f.Antennas) + ")"
		}
		err := db.Each(d.QueryContext(ctx, `SELECT n.name, s.name, x.kind, x.outcome, x.reminded, COUNT(*)
			FROM (`+derivedAppointments+`a.starts_at >= $1 AND a.starts_at < $2 AND a.starts_at <= $3`+where+`) x
			JOIN antennas n ON n.id = x.antenna_id JOIN staff s ON s.id = x.staff_id
			GROUP BY n.name, s.name, x.kind, x.outcome, x.reminded`, args...))(add)
		if err != nil {
			return nil, err
		}
	}
	flat := func(m map[string]*NoShowGroup) []NoShowGroup {
		out := make([]NoShowGroup, 0, len(m))
		for _, g := range m {
			out = append(out, *g)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Name+out[i].Key < out[j].Name+out[j].Key })
		return out
	}
	ns.ByAntenna, ns.ByAdviser, ns.ByKind = flat(byAntenna), flat(byAdviser), flat(byKind)
	return ns, nil
}

// Tables lays the no-show figures out in the language of p.
func (ns *NoShows) Tables(p i18n.Printer) []Table {
	cols := func(first string) []string {
		return []string{p.T(first), p.T("impact.noshow.col.appointments"), p.T("impact.noshow.col.no_shows"),
			p.T("impact.noshow.col.rate"), p.T("impact.noshow.col.rate_reminded"), p.T("impact.noshow.col.rate_not")}
	}
	row := func(g NoShowGroup) []Cell {
		name := g.Name
		if g.Key != "" {
			name = p.T(g.Key)
		}
		return []Cell{label(name), count(g.total()), count(g.Reminded[noShow] + g.Not[noShow]), rate(g.Rate()),
			rate(g.RateReminded()), rate(g.RateNot())}
	}
	table := func(id, title, first string, groups []NoShowGroup) Table {
		t := Table{ID: id, Title: p.T(title), Columns: cols(first)}
		for _, g := range groups {
			t.Rows = append(t.Rows, row(g))
		}
		if len(groups) > 1 {
			t.Rows = append(t.Rows, row(ns.All))
		}
		return t
	}
	return []Table{
		table("noshow_antenna", "impact.noshow.by_antenna", "impact.noshow.col.antenna", ns.ByAntenna),
		table("noshow_adviser", "impact.noshow.by_adviser", "impact.noshow.col.adviser", ns.ByAdviser),
		table("noshow_kind", "impact.noshow.by_kind", "impact.noshow.col.kind", ns.ByKind),
	}
}

// AbsenceTable is whether people come to their sessions, by programme, with and
// without a reminder of the session sent: for staff, on the dashboard.
func (f *Figures) AbsenceTable(p i18n.Printer) Table {
	t := Table{ID: "noshow_meetings", Title: p.T("impact.noshow.meetings"), Columns: []string{p.T("impact.col.programme"),
		p.T("impact.noshow.col.marks"), p.T("impact.noshow.col.absences"), p.T("impact.noshow.col.rate"),
		p.T("impact.noshow.col.rate_reminded"), p.T("impact.noshow.col.rate_not")}}
	row := func(name string, a Absences) []Cell {
		return []Cell{label(name), count(a.Marks), count(a.Absent), rate(a.Rate()), rate(a.RateReminded()), rate(a.RateNot())}
	}
	for _, g := range f.ByProgramme {
		if g.Absences.Marks > 0 {
			t.Rows = append(t.Rows, row(g.Name, g.Absences))
		}
	}
	if len(t.Rows) > 1 {
		t.Rows = append(t.Rows, row(p.T("impact.noshow.all"), f.Absences))
	}
	return t
}

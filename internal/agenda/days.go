package agenda

// The days of an agenda: which days a request asks for, each day's items in time
// order, and the free time between them within opening hours.

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/calendar"
	"tremplin/internal/platform/openinghours"
)

// Period is the week or the day an agenda shows, in its time zone.
type Period struct {
	Days       []time.Time // midnights
	Single     bool        // one day (?day=), else a week from Monday
	Start, End time.Time   // [Start, End)
	Week       string      // the ISO week of Start: 2027-W18
	WeekNumber int
	Unit       string // "week" or "day": the parameter of the links to other periods
	Prev, Next string // the period before and after, as that parameter says it
	Current    bool   // it holds today
	Today      string // today's date, for the "today" link of the day view
}

// Last is the period's last day.
func (p Period) Last() time.Time { return p.Days[len(p.Days)-1] }

var weekParam = regexp.MustCompile(`^([0-9]{4})-W([0-9]{2})$`)

// midnight is the start of t's day in its zone.
func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// monday is the Monday of t's week, at midnight.
func monday(t time.Time) time.Time {
	return midnight(t).AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
}

func isoWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// parsePeriod reads ?day=YYYY-MM-DD (one day) or ?week=YYYY-Www (Monday to
// Sunday); with neither, the week of today (a midnight, in the agenda's zone).
// ok is false for a day or week that does not exist or is out of reach.
func parsePeriod(q url.Values, today time.Time) (p Period, ok bool) {
	loc := today.Location()
	var first time.Time
	n := 7
	switch {
	case q.Get("day") != "":
		d, err := time.ParseInLocation(time.DateOnly, q.Get("day"), loc)
		if err != nil {
			return p, false
		}
		first, n, p.Single = d, 1, true
	case q.Get("week") != "":
		m := weekParam.FindStringSubmatch(q.Get("week"))
		if m == nil {
			return p, false
		}
		y, _ := strconv.Atoi(m[1])
		w, _ := strconv.Atoi(m[2])
		first = monday(time.Date(y, time.January, 4, 0, 0, 0, 0, loc)).AddDate(0, 0, 7*(w-1))
		if gy, gw := first.ISOWeek(); gy != y || gw != w {
			return p, false // week 53 of a year of 52, week 0
		}
	default:
		first = monday(today)
	}
	if first.Year() < 2000 || first.Year() > 2199 {
		return p, false
	}
	for i := range n {
		p.Days = append(p.Days, time.Date(first.Year(), first.Month(), first.Day()+i, 0, 0, 0, 0, loc))
	}
	p.Start = first
	p.End = time.Date(first.Year(), first.Month(), first.Day()+n, 0, 0, 0, 0, loc)
	p.Week = isoWeek(first)
	_, p.WeekNumber = first.ISOWeek()
	p.Current = !today.Before(p.Start) && today.Before(p.End)
	p.Today = today.Format(time.DateOnly)
	if p.Single {
		p.Unit = "day"
		p.Prev = first.AddDate(0, 0, -1).Format(time.DateOnly)
		p.Next = first.AddDate(0, 0, 1).Format(time.DateOnly)
	} else {
		p.Unit = "week"
		p.Prev = isoWeek(first.AddDate(0, 0, -7))
		p.Next = isoWeek(first.AddDate(0, 0, 7))
	}
	return p, true
}

// Row is one line of a day: an appointment, a meeting, or free time.
type Row struct {
	Start, End time.Time
	A          *Appointment
	M          *Meeting
	Free       bool
	// Overlap: the item starts before an earlier one of the same person ends.
	Overlap bool
}

// busy reports whether the row takes the time: a cancelled item frees it.
func (r *Row) busy() bool {
	switch {
	case r.A != nil:
		return !r.A.Cancelled()
	case r.M != nil:
		return !r.M.Cancelled
	}
	return false
}

// Minutes is the row's length.
func (r Row) Minutes() int { return int(r.End.Sub(r.Start) / time.Minute) }

// Lane is one person's rows of a day: the antenna's week has one per member of
// staff (and one for meetings nobody teaches), the other agendas one, unnamed.
type Lane struct {
	Staff Teacher
	Rows  []Row
}

// Day is one day of an agenda.
type Day struct {
	Date   time.Time // midnight, in the agenda's zone
	Today  bool
	Closed *calendar.ClosedDay // a public holiday or a closure of the antenna
	Lanes  []*Lane
}

// ID is the day as anchors and links write it.
func (d *Day) ID() string { return d.Date.Format(time.DateOnly) }

// minFree is the shortest free time worth showing: where a short interview fits.
const minFree = 15 * time.Minute

// workingHours are the hours an adviser's free time is counted in: Monday to
// Friday, 9:00 to 18:00 (a place's week uses the place's opening hours).
var workingHours = func() openinghours.Week {
	var w openinghours.Week
	for d := range 5 {
		w.Days[d] = []openinghours.Range{{Start: 9 * 60, End: 18 * 60}}
	}
	return w
}()

// plan lays the items of a period out in days.
type plan struct {
	now    time.Time
	hours  openinghours.Week
	closed map[string]calendar.ClosedDay // by date
	// split gives each member of staff a lane, team first in its order; else
	// every item goes in one lane.
	split bool
	team  []Teacher
}

type laneKey struct {
	day   string
	staff int64
}

// days lays out the appointments and meetings of the period.
func (p *plan) days(per Period, appts []*Appointment, meets []*Meeting) []*Day {
	rows := map[laneKey][]Row{}
	lanes := slices.Clone(p.team)
	known := map[int64]bool{0: true}
	for _, t := range lanes {
		known[t.ID] = true
	}
	add := func(r Row, who Teacher) {
		k := laneKey{day: r.Start.Format(time.DateOnly)}
		if p.split {
			k.staff = who.ID
			if !known[who.ID] {
				known[who.ID] = true
				lanes = append(lanes, who)
			}
		}
		rows[k] = append(rows[k], r)
	}
	for _, a := range appts {
		add(Row{Start: a.Start, End: a.End, A: a}, Teacher{ID: a.StaffID, Name: a.StaffName})
	}
	for _, m := range meets {
		if !p.split || len(m.Teachers) == 0 {
			add(Row{Start: m.Start, End: m.End, M: m}, Teacher{})
			continue
		}
		for _, t := range m.Teachers {
			add(Row{Start: m.Start, End: m.End, M: m}, t)
		}
	}
	if p.split {
		lanes = append(lanes, Teacher{}) // meetings nobody teaches, last
	} else {
		lanes = []Teacher{{}}
	}
	loc := per.Start.Location()
	today := midnight(p.now.In(loc))
	from := p.now.In(loc).Truncate(time.Minute)
	if r := from.Sub(midnight(from)) % minFree; r != 0 {
		from = from.Add(minFree - r) // free time starts at the next quarter hour
	}
	var out []*Day
	for _, date := range per.Days {
		d := &Day{Date: date, Today: date.Equal(today)}
		if c, ok := p.closed[date.Format(time.DateOnly)]; ok {
			d.Closed = &c
		}
		for _, who := range lanes {
			rs := rows[laneKey{date.Format(time.DateOnly), who.ID}]
			withFree := d.Closed == nil && (!p.split || who.ID != 0)
			rs = p.lay(date, rs, withFree, from)
			if len(rs) > 0 {
				d.Lanes = append(d.Lanes, &Lane{Staff: who, Rows: rs})
			}
		}
		out = append(out, d)
	}
	return out
}

func byTime(a, b Row) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	if a.Free != b.Free { // an item before the free time that starts with it
		if a.Free {
			return 1
		}
		return -1
	}
	return a.End.Compare(b.End)
}

// lay sorts a lane's rows, marks overlaps and, when withFree, adds the free time
// of the day's opening hours from from on.
func (p *plan) lay(day time.Time, rs []Row, withFree bool, from time.Time) []Row {
	slices.SortStableFunc(rs, byTime)
	var end time.Time
	for i := range rs {
		if !rs[i].busy() {
			continue
		}
		rs[i].Overlap = rs[i].Start.Before(end)
		if rs[i].End.After(end) {
			end = rs[i].End
		}
	}
	if !withFree {
		return rs
	}
	free := freeTime(day, p.hours.Days[(int(day.Weekday())+6)%7], rs, from)
	if len(free) == 0 {
		return rs
	}
	rs = append(rs, free...)
	slices.SortStableFunc(rs, byTime)
	return rs
}

// at is minutes after midnight on day, by the clock (so across a change of time).
func at(day time.Time, minutes int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), minutes/60, minutes%60, 0, 0, day.Location())
}

// freeTime lists the stretches of at least minFree within the opening ranges of
// day, not before from, that no busy row (sorted by start) takes.
func freeTime(day time.Time, ranges []openinghours.Range, rs []Row, from time.Time) []Row {
	var out []Row
	for _, rg := range ranges {
		start, end := at(day, rg.Start), at(day, rg.End)
		cur := start
		if from.After(cur) {
			cur = from
		}
		for i := range rs {
			r := &rs[i]
			if !r.busy() || !r.End.After(cur) {
				continue
			}
			if !r.Start.Before(end) {
				break
			}
			if r.Start.Sub(cur) >= minFree {
				out = append(out, Row{Start: cur, End: r.Start, Free: true})
			}
			cur = r.End
		}
		if end.Sub(cur) >= minFree {
			out = append(out, Row{Start: cur, End: end, Free: true})
		}
	}
	return out
}

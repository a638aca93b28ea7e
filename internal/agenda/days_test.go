package agenda

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"tremplin/internal/calendar"
	"tremplin/internal/platform/openinghours"
)

var paris, _ = time.LoadLocation("Europe/Paris")

func TestPeriodOfTheLinks(t *testing.T) {
	today := time.Date(2027, time.March, 24, 0, 0, 0, 0, paris) // a Wednesday
	for _, c := range []struct {
		name, query     string
		ok              bool
		first, last     string
		prev, next      string
		current, single bool
	}{
		{"nothing: this week", "", true, "2027-03-22", "2027-03-28", "2027-W11", "2027-W13", true, false},
		{"a week", "week=2027-W18", true, "2027-05-03", "2027-05-09", "2027-W17", "2027-W19", false, false},
		{"week 1 starts in December", "week=2026-W01", true, "2025-12-29", "2026-01-04", "2025-W52", "2026-W02", false, false},
		{"week 53 of a long year", "week=2026-W53", true, "2026-12-28", "2027-01-03", "2026-W52", "2027-W01", false, false},
		{"week 53 of a short year", "week=2027-W53", false, "", "", "", "", false, false},
		{"week 0", "week=2027-W00", false, "", "", "", "", false, false},
		{"a day", "day=2027-03-01", true, "2027-03-01", "2027-03-01", "2027-02-28", "2027-03-02", false, true},
		{"today", "day=2027-03-24", true, "2027-03-24", "2027-03-24", "2027-03-23", "2027-03-25", true, true},
		{"no such day", "day=2027-02-29", false, "", "", "", "", false, false},
		{"a date as people type it", "day=01/03/2027", false, "", "", "", "", false, false},
		{"too far", "week=9999-W01", false, "", "", "", "", false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, _ := url.ParseQuery(c.query)
			p, ok := parsePeriod(q, today)
			if ok != c.ok {
				t.Fatalf("ok = %v", ok)
			}
			if !ok {
				return
			}
			if got := p.Days[0].Format(time.DateOnly); got != c.first {
				t.Errorf("first day %s, want %s", got, c.first)
			}
			if got := p.Last().Format(time.DateOnly); got != c.last {
				t.Errorf("last day %s, want %s", got, c.last)
			}
			if p.Prev != c.prev || p.Next != c.next || p.Current != c.current || p.Single != c.single {
				t.Errorf("prev %s next %s current %v single %v", p.Prev, p.Next, p.Current, p.Single)
			}
			if !p.End.Equal(time.Date(p.Last().Year(), p.Last().Month(), p.Last().Day()+1, 0, 0, 0, 0, paris)) {
				t.Errorf("the period ends at %v", p.End)
			}
		})
	}
}

// The week the clocks go forward has seven days of midnight to midnight, and its
// Sunday's free time is told by the clock.
func TestWeekAcrossTheChangeOfTime(t *testing.T) {
	p, ok := parsePeriod(url.Values{"week": {"2027-W12"}}, time.Date(2027, 1, 1, 0, 0, 0, 0, paris))
	if !ok || len(p.Days) != 7 || p.Last().Format("2006-01-02 15:04") != "2027-03-28 00:00" {
		t.Fatalf("the week of 28 March 2027: %v", p.Days)
	}
	if h := p.End.Sub(p.Start); h != 7*24*time.Hour-time.Hour {
		t.Errorf("the week lasts %v", h)
	}
	free := freeTime(p.Last(), []openinghours.Range{{Start: 9 * 60, End: 18 * 60}}, nil, time.Time{})
	if len(free) != 1 || free[0].Start.Format("15:04") != "09:00" || free[0].End.Format("15:04") != "18:00" {
		t.Errorf("the Sunday of the change: %v", free)
	}
}

func clock(day time.Time, s string) time.Time {
	c, _ := time.Parse("15:04", s)
	return at(day, c.Hour()*60+c.Minute())
}

// rowsOf writes a lane as "09:00-10:00 free", "10:00-10:45 appt", "… cancelled",
// "… overlap" lines.
func rowsOf(rs []Row) string {
	var out []string
	for _, r := range rs {
		s := r.Start.Format("15:04") + "-" + r.End.Format("15:04")
		switch {
		case r.Free:
			s += " free"
		case r.A != nil && r.A.Cancelled():
			s += " cancelled"
		case r.A != nil:
			s += " appt"
		case r.M != nil:
			s += " meeting"
		}
		if r.Overlap {
			s += " overlap"
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

func TestFreeTimeBetweenItems(t *testing.T) {
	day := time.Date(2027, time.May, 3, 0, 0, 0, 0, paris) // a Monday
	appt := func(from, to string, state string) *Appointment {
		return &Appointment{Start: clock(day, from), End: clock(day, to), State: state}
	}
	meeting := func(from, to string) *Meeting { return &Meeting{Start: clock(day, from), End: clock(day, to)} }
	for _, c := range []struct {
		name  string
		now   time.Time
		hours openinghours.Week
		appts []*Appointment
		meets []*Meeting
		want  string
	}{
		{"an empty day is free from opening to closing", day, workingHours, nil, nil, "09:00-18:00 free"},
		{"gaps between, before and after", day, workingHours,
			[]*Appointment{appt("10:00", "10:45", "booked"), appt("14:30", "15:00", "booked")}, []*Meeting{meeting("16:00", "17:30")},
			"09:00-10:00 free, 10:00-10:45 appt, 10:45-14:30 free, 14:30-15:00 appt, 15:00-16:00 free, 16:00-17:30 meeting, 17:30-18:00 free"},
		{"a cancelled appointment frees its time and stays in place", day, workingHours,
			[]*Appointment{appt("09:00", "12:00", "booked"), appt("12:00", "13:00", "cancelled"), appt("13:00", "18:00", "booked")}, nil,
			"09:00-12:00 appt, 12:00-13:00 cancelled, 12:00-13:00 free, 13:00-18:00 appt"},
		{"less than a quarter of an hour is no free time", day, workingHours,
			[]*Appointment{appt("09:10", "12:00", "booked"), appt("12:10", "17:50", "booked")}, nil,
			"09:10-12:00 appt, 12:10-17:50 appt"},
		{"items before opening and after closing", day, workingHours,
			[]*Appointment{appt("08:00", "09:30", "booked"), appt("17:45", "19:00", "booked")}, nil,
			"08:00-09:30 appt, 09:30-17:45 free, 17:45-19:00 appt"},
		{"overlapping items are marked and their time counted once", day, workingHours,
			[]*Appointment{appt("10:00", "11:00", "booked"), appt("10:30", "11:30", "booked")}, []*Meeting{meeting("09:00", "10:15")},
			"09:00-10:15 meeting, 10:00-11:00 appt overlap, 10:30-11:30 appt overlap, 11:30-18:00 free"},
		{"free time starts at the next quarter hour today", clock(day, "10:07"), workingHours,
			[]*Appointment{appt("14:00", "15:00", "booked")}, nil,
			"10:15-14:00 free, 14:00-15:00 appt, 15:00-18:00 free"},
		{"nothing free is left once the day is over", clock(day, "18:00"), workingHours,
			[]*Appointment{appt("14:00", "15:00", "booked")}, nil, "14:00-15:00 appt"},
		{"a place's opening hours, closed at lunch", day, func() openinghours.Week {
			w, _ := openinghours.ParseWeek("Mo-Fr 09:00-12:30,13:30-17:30")
			return w
		}(), []*Appointment{appt("10:00", "10:45", "booked")}, []*Meeting{meeting("13:30", "16:00")},
			"09:00-10:00 free, 10:00-10:45 appt, 10:45-12:30 free, 13:30-16:00 meeting, 16:00-17:30 free"},
	} {
		t.Run(c.name, func(t *testing.T) {
			per, _ := parsePeriod(url.Values{"day": {"2027-05-03"}}, day)
			days := (&plan{now: c.now, hours: c.hours}).days(per, c.appts, c.meets)
			got := ""
			if len(days[0].Lanes) > 0 {
				got = rowsOf(days[0].Lanes[0].Rows)
			}
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// An antenna's week: a lane per member of staff, in the team's order, a meeting
// in the lane of each of its teachers, those nobody teaches last; a closed day
// shows its items and no free time.
func TestAntennaWeekLanes(t *testing.T) {
	day := time.Date(2027, time.May, 3, 0, 0, 0, 0, paris)
	julie, karim, gone := Teacher{1, "Julie"}, Teacher{2, "Karim"}, Teacher{3, "Former"}
	appts := []*Appointment{
		{StaffID: karim.ID, StaffName: karim.Name, Start: clock(day, "10:00"), End: clock(day, "11:00"), State: "booked"},
		{StaffID: gone.ID, StaffName: gone.Name, Start: clock(day, "09:00"), End: clock(day, "10:00"), State: "booked"},
		{StaffID: karim.ID, StaffName: karim.Name, Start: clock(day.AddDate(0, 0, 1), "10:00"), End: clock(day.AddDate(0, 0, 1), "11:00"), State: "booked"},
	}
	meets := []*Meeting{
		{Start: clock(day, "14:00"), End: clock(day, "17:00"), Teachers: []Teacher{julie, karim}},
		{Start: clock(day, "09:00"), End: clock(day, "12:00")},
	}
	per, _ := parsePeriod(url.Values{"week": {"2027-W18"}}, day)
	closed := map[string]calendar.ClosedDay{"2027-05-04": {Label: "Inventaire"}}
	days := (&plan{now: day, hours: workingHours, split: true, team: []Teacher{julie, karim}, closed: closed}).days(per, appts, meets)
	var lanes []string
	for _, l := range days[0].Lanes {
		lanes = append(lanes, l.Staff.Name+": "+rowsOf(l.Rows))
	}
	want := []string{
		"Julie: 09:00-14:00 free, 14:00-17:00 meeting, 17:00-18:00 free",
		"Karim: 09:00-10:00 free, 10:00-11:00 appt, 11:00-14:00 free, 14:00-17:00 meeting, 17:00-18:00 free",
		"Former: 09:00-10:00 appt, 10:00-18:00 free",
		": 09:00-12:00 meeting",
	}
	if strings.Join(lanes, "\n") != strings.Join(want, "\n") {
		t.Errorf("Monday's lanes:\n%s\nwant\n%s", strings.Join(lanes, "\n"), strings.Join(want, "\n"))
	}
	tuesday := days[1]
	if tuesday.Closed == nil || len(tuesday.Lanes) != 1 || rowsOf(tuesday.Lanes[0].Rows) != "10:00-11:00 appt" {
		t.Errorf("the closed Tuesday: %+v", tuesday.Lanes)
	}
	if len(days[5].Lanes) != 0 {
		t.Errorf("an empty Saturday has lanes: %+v", days[5].Lanes)
	}
}

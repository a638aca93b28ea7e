// Package ical writes iCalendar objects (RFC 5545), by hand: calendar feeds are
// small, and the rules that matter to calendar apps — CRLF, folding at 75 octets,
// escaping, a VTIMEZONE for every TZID, with yearly rules where the zone has them
// — are few.
package ical

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one event of a calendar. Start and End are written in their own
// location's zone, with its VTIMEZONE (in UTC when their location is UTC).
type Event struct {
	UID       string    // globally unique: "meeting-12@example.org"
	Start     time.Time // in the zone the event is held in
	End       time.Time
	Stamp     time.Time // when the event was made; now when zero
	Summary   string
	Location  string
	Cancelled bool
}

const (
	icsLocal = "20060102T150405"
	icsUTC   = "20060102T150405Z"
)

// icsWriter folds and terminates content lines.
type icsWriter struct{ b strings.Builder }

// line writes one content line, folded so that no line exceeds 75 octets without
// ever cutting a UTF-8 sequence; continuation lines start with a space.
func (w *icsWriter) line(s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.b.WriteString(s[:cut])
		w.b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.b.WriteString(s)
	w.b.WriteString("\r\n")
}

var icsEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", "")

// text writes a TEXT property, escaped.
func (w *icsWriter) text(name, value string) { w.line(name + ":" + icsEscaper.Replace(value)) }

// Calendar writes events as an iCalendar object named name, made by prodID (a
// PRODID: "-//Owner//Product//Language").
func Calendar(prodID, name string, events []Event) string {
	w := &icsWriter{}
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:" + prodID)
	w.line("CALSCALE:GREGORIAN")
	w.text("NAME", name)
	w.text("X-WR-CALNAME", name)
	w.line("REFRESH-INTERVAL;VALUE=DURATION:PT1H")
	w.line("X-PUBLISHED-TTL:PT1H")
	// One VTIMEZONE per zone used, covering the years of its events.
	type span struct{ first, last int }
	var zoneOrder []*time.Location
	years := map[*time.Location]*span{}
	for _, e := range events {
		loc := e.Start.Location()
		s := years[loc]
		if s == nil {
			s = &span{e.Start.Year(), e.Start.Year()}
			years[loc] = s
			zoneOrder = append(zoneOrder, loc)
		}
		s.first, s.last = min(s.first, e.Start.Year()), max(s.last, e.End.Year())
	}
	for _, loc := range zoneOrder {
		if loc != time.UTC {
			writeTimezone(w, loc, years[loc].first, years[loc].last)
		}
	}
	for _, e := range events {
		w.line("BEGIN:VEVENT")
		w.line("UID:" + e.UID)
		stamp := e.Stamp
		if stamp.IsZero() {
			stamp = time.Now()
		}
		w.line("DTSTAMP:" + stamp.UTC().Format(icsUTC))
		w.line(dateTime("DTSTART", e.Start))
		w.line(dateTime("DTEND", e.End))
		w.text("SUMMARY", e.Summary)
		if e.Location != "" {
			w.text("LOCATION", e.Location)
		}
		if e.Cancelled {
			w.line("STATUS:CANCELLED")
		} else {
			w.line("STATUS:CONFIRMED")
		}
		w.line("END:VEVENT")
	}
	w.line("END:VCALENDAR")
	return w.b.String()
}

func dateTime(name string, t time.Time) string {
	if t.Location() == time.UTC {
		return name + ":" + t.Format(icsUTC)
	}
	return name + ";TZID=" + t.Location().String() + ":" + t.Format(icsLocal)
}

func offset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	s := fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}

// transition is a change of UTC offset, described the way VTIMEZONE needs it.
type transition struct {
	at       time.Time // the instant
	wall     time.Time // its wall-clock time in the offset before
	from, to int
	name     string
	dst      bool
}

// transitions lists a zone's offset changes during the years first..last.
func transitions(loc *time.Location, first, last int) []transition {
	var out []transition
	t := time.Date(first, 1, 1, 0, 0, 0, 0, loc)
	end := time.Date(last+1, 1, 1, 0, 0, 0, 0, loc)
	for {
		_, next := t.ZoneBounds()
		if next.IsZero() || !next.Before(end) {
			return out
		}
		_, from := next.Add(-time.Second).Zone()
		name, to := next.Zone()
		out = append(out, transition{at: next, wall: next.In(time.FixedZone("", from)), from: from, to: to, name: name, dst: next.IsDST()})
		t = next
	}
}

// rule is "the nth (or last, -1) weekday of month" at a wall-clock time.
type rule struct {
	month   time.Month
	weekday time.Weekday
	nth     int
	clock   string
}

func ruleOf(wall time.Time) rule {
	days := time.Date(wall.Year(), wall.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	nth := (wall.Day()-1)/7 + 1
	if wall.Day()+7 > days {
		nth = -1
	}
	return rule{wall.Month(), wall.Weekday(), nth, wall.Format("150405")}
}

// on returns the rule's day in year.
func (r rule) on(year int) time.Time {
	if r.nth < 0 {
		last := time.Date(year, r.month+1, 0, 0, 0, 0, 0, time.UTC)
		return last.AddDate(0, 0, -((int(last.Weekday()) - int(r.weekday) + 7) % 7))
	}
	first := time.Date(year, r.month, 1, 0, 0, 0, 0, time.UTC)
	return first.AddDate(0, 0, (int(r.weekday)-int(first.Weekday())+7)%7+7*(r.nth-1))
}

var icsDays = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

func (r rule) rrule() string {
	return fmt.Sprintf("FREQ=YEARLY;BYMONTH=%d;BYDAY=%d%s", int(r.month), r.nth, icsDays[r.weekday])
}

// writeTimezone writes the VTIMEZONE of loc. A zone without daylight saving time
// (Africa/Blantyre) gets one STANDARD observance; a zone whose changes follow a
// yearly weekday rule (Europe/Paris: last Sunday of March and of October) gets a
// STANDARD and a DAYLIGHT observance with RRULEs; any other zone gets each change of
// the years covered as an observance of its own.
func writeTimezone(w *icsWriter, loc *time.Location, first, last int) {
	w.line("BEGIN:VTIMEZONE")
	w.line("TZID:" + loc.String())
	changes := transitions(loc, first, last+1)
	if len(changes) == 0 {
		name, off := time.Date(first, 1, 1, 0, 0, 0, 0, loc).Zone()
		w.line("BEGIN:STANDARD")
		w.line("DTSTART:19700101T000000")
		w.line("TZOFFSETFROM:" + offset(off))
		w.line("TZOFFSETTO:" + offset(off))
		w.text("TZNAME", name)
		w.line("END:STANDARD")
		w.line("END:VTIMEZONE")
		return
	}
	// Yearly rules hold when every year's changes repeat the first year's.
	var rules []rule
	var model []transition
	yearly := true
	for _, c := range changes {
		if c.wall.Year() != changes[0].wall.Year() {
			break
		}
		model = append(model, c)
		rules = append(rules, ruleOf(c.wall))
	}
	for i, c := range changes {
		m := model[i%len(model)]
		r := rules[i%len(rules)]
		if ruleOf(c.wall) != r || c.from != m.from || c.to != m.to || c.dst != m.dst {
			yearly = false
			break
		}
	}
	observance := func(c transition, start string, rrule string) {
		kind := "STANDARD"
		if c.dst {
			kind = "DAYLIGHT"
		}
		w.line("BEGIN:" + kind)
		w.line("DTSTART:" + start)
		w.line("TZOFFSETFROM:" + offset(c.from))
		w.line("TZOFFSETTO:" + offset(c.to))
		if rrule != "" {
			w.line("RRULE:" + rrule)
		}
		w.text("TZNAME", c.name)
		w.line("END:" + kind)
	}
	if yearly {
		for i, c := range model {
			r := rules[i]
			observance(c, r.on(1970).Format("20060102")+"T"+r.clock, r.rrule())
		}
	} else {
		// The offset in force before the first change, then each change.
		name, off := changes[0].at.Add(-time.Second).Zone()
		start := transition{from: off, to: off, name: name, dst: changes[0].at.Add(-time.Second).IsDST()}
		observance(start, time.Date(first, 1, 1, 0, 0, 0, 0, time.UTC).Format(icsLocal), "")
		for _, c := range changes {
			observance(c, c.wall.Format(icsLocal), "")
		}
	}
	w.line("END:VTIMEZONE")
}

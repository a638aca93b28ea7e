package ical_test

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones, even where the system has no tz database
	"unicode/utf8"

	goical "github.com/emersion/go-ical"

	"tremplin/internal/platform/ical"
)

// The feed is read back by a real iCalendar parser: lines end with CRLF and are
// folded at 75 octets without breaking a character, each event has a UID and a
// DTSTAMP, every TZID has its VTIMEZONE whose offsets agree with the tz database,
// text is escaped, and events start at the local time that was entered.
func TestCalendarFeedReadsBackWithARealParser(t *testing.T) {
	paris, blantyre := zone(t, "Europe/Paris"), zone(t, "Africa/Blantyre")
	created := time.Date(2027, 1, 10, 8, 0, 0, 0, time.UTC)
	long := "Développeur·se web : intégration, accessibilité; tests, déploiement \\ projet final – groupe du soir à La Grappe"
	events := []ical.Event{
		{UID: "meeting-1@tremplin.example", Start: time.Date(2027, 2, 2, 9, 30, 0, 0, paris), End: time.Date(2027, 2, 2, 12, 0, 0, 0, paris),
			Stamp: created, Summary: long + " – Lille", Location: "La Grappe – tiers-lieu, 45 rue du Faubourg de Roubaix, 59800 Lille"},
		{UID: "meeting-2@tremplin.example", Start: time.Date(2027, 7, 6, 9, 30, 0, 0, paris), End: time.Date(2027, 7, 6, 12, 0, 0, 0, paris),
			Stamp: created, Summary: long + " – Lille", Location: "Salle 1\nporte B"},
		{UID: "meeting-3@tremplin.example", Start: time.Date(2027, 7, 6, 8, 30, 0, 0, blantyre), End: time.Date(2027, 7, 6, 11, 30, 0, 0, blantyre),
			Stamp: created, Summary: "Premiers pas numériques – Dzaleka", Location: "Dzaleka community learning centre", Cancelled: true},
	}
	body := ical.Calendar("-//Tremplin//Training//FR", "Développeur·se web – Lille", events)

	if strings.Contains(strings.ReplaceAll(body, "\r\n", ""), "\n") || !strings.HasSuffix(body, "\r\n") {
		t.Fatal("a line does not end with CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n")
	folded := 0
	for _, l := range lines {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if strings.HasPrefix(l, " ") {
			folded++
		}
		if !utf8.ValidString(l) {
			t.Errorf("folding cut a character: %q", l)
		}
	}
	if folded == 0 {
		t.Fatal("the long summary was not folded")
	}
	for _, want := range []string{"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:", "TZID:Europe/Paris", "TZID:Africa/Blantyre",
		"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
		"DTSTART;TZID=Europe/Paris:20270202T093000", `LOCATION:Salle 1\nporte B`, `accessibilité\; tests\,`, "STATUS:CANCELLED"} {
		if !strings.Contains(strings.ReplaceAll(body, "\r\n ", ""), want) {
			t.Errorf("feed lacks %q", want)
		}
	}

	cal, err := goical.NewDecoder(strings.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, body)
	}
	zones := map[string]*goical.Component{}
	for _, c := range cal.Children {
		if c.Name == goical.CompTimezone {
			id, _ := c.Props.Text(goical.PropTimezoneID)
			zones[id] = c
		}
	}
	if len(zones) != 2 {
		t.Fatalf("%d VTIMEZONEs, want 2", len(zones))
	}
	kinds := func(z *goical.Component) (out []string) {
		for _, c := range z.Children {
			out = append(out, c.Name)
		}
		return
	}
	if k := kinds(zones["Europe/Paris"]); len(k) != 2 || !(k[0] == "DAYLIGHT" && k[1] == "STANDARD" || k[0] == "STANDARD" && k[1] == "DAYLIGHT") {
		t.Errorf("Europe/Paris observances %v", k)
	}
	if k := kinds(zones["Africa/Blantyre"]); len(k) != 1 || k[0] != "STANDARD" {
		t.Errorf("Africa/Blantyre observances %v", k)
	}

	got := cal.Events()
	if len(got) != len(events) {
		t.Fatalf("%d events read back, want %d", len(got), len(events))
	}
	for i, e := range got {
		want := events[i]
		if uid, _ := e.Props.Text(goical.PropUID); uid == "" || !strings.HasSuffix(uid, "@tremplin.example") {
			t.Errorf("event %d: UID %q", i, uid)
		}
		if stamp, err := e.Props.DateTime(goical.PropDateTimeStamp, nil); err != nil || !stamp.Equal(created) {
			t.Errorf("event %d: DTSTAMP %v %v", i, stamp, err)
		}
		start, err := e.DateTimeStart(nil)
		if err != nil {
			t.Fatal(err)
		}
		end, _ := e.DateTimeEnd(nil)
		if !start.Equal(want.Start) || !end.Equal(want.End) {
			t.Errorf("event %d: %v–%v, want %v–%v", i, start, end, want.Start, want.End)
		}
		if local := start.In(want.Start.Location()); local.Hour() != want.Start.Hour() || local.Minute() != want.Start.Minute() {
			t.Errorf("event %d starts at %s local time", i, local.Format("15:04"))
		}
		tzid := e.Props.Get(goical.PropDateTimeStart).Params.Get(goical.PropTimezoneID)
		if zones[tzid] == nil {
			t.Errorf("event %d: TZID %q has no VTIMEZONE", i, tzid)
		} else if off := vtimezoneOffset(t, zones[tzid], want.Start); off != offsetOf(want.Start) {
			t.Errorf("event %d: the VTIMEZONE says UTC%+d s, the tz database UTC%+d s", i, off, offsetOf(want.Start))
		}
		summary, _ := e.Props.Text(goical.PropSummary)
		location, _ := e.Props.Text(goical.PropLocation)
		if summary != want.Summary || location != want.Location {
			t.Errorf("event %d: summary %q, location %q", i, summary, location)
		}
	}
}

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func offsetOf(t time.Time) int { _, off := t.Zone(); return off }

// vtimezoneOffset is the UTC offset the VTIMEZONE gives at the wall-clock time of
// local: that of the observance whose latest onset (by its RRULE) comes before it.
func vtimezoneOffset(t *testing.T, zone *goical.Component, local time.Time) int {
	t.Helper()
	wall := time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), 0, 0, time.UTC)
	best, bestOff := time.Time{}, 0
	for _, obs := range zone.Children {
		to := obs.Props.Get(goical.PropTimezoneOffsetTo).Value
		sign := 1
		if to[0] == '-' {
			sign = -1
		}
		hh, mm := int(to[1]-'0')*10+int(to[2]-'0'), int(to[3]-'0')*10+int(to[4]-'0')
		off := sign * (hh*3600 + mm*60)
		onset := time.Time{}
		if obs.Props.Get(goical.PropRecurrenceRule) != nil {
			set, err := obs.RecurrenceSet(time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			onset = set.Before(wall, true)
		} else if s, err := obs.Props.DateTime(goical.PropDateTimeStart, time.UTC); err == nil && !s.After(wall) {
			onset = s
		}
		if !onset.IsZero() && onset.After(best) {
			best, bestOff = onset, off
		}
	}
	if best.IsZero() {
		t.Fatalf("no observance of %s applies at %v", zone.Props.Get(goical.PropTimezoneID).Value, wall)
	}
	return bestOff
}

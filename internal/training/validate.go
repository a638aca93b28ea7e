package training

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/calendar"
	"tremplin/internal/platform/web"
)

var clockPattern = regexp.MustCompile(`^([01]?[0-9]|2[0-3])\s*[:hH.]\s*([0-5][0-9])?$`)

// parseClock reads a time of day (09:30, 9h30, 14h) as minutes after midnight.
func parseClock(s string) (int, bool) {
	m := clockPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		if h, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && h >= 0 && h < 24 {
			return h * 60, true
		}
		return 0, false
	}
	h, _ := strconv.Atoi(m[1])
	min, _ := strconv.Atoi(m[2])
	return h*60 + min, true
}

// clockRange checks a pair of required time fields, the end after the start.
func clockRange(f *web.Form, startName, endName string) (start, end int, ok bool) {
	ok = true
	for i, name := range []string{startName, endName} {
		v := f.Get(name)
		if v == "" {
			f.Fail(name, "form.required")
			ok = false
			continue
		}
		m, good := parseClock(v)
		if !good {
			f.Fail(name, "training.time_invalid")
			ok = false
		}
		if i == 0 {
			start = m
		} else {
			end = m
		}
	}
	if ok && end <= start {
		f.Fail(endName, "training.end_before_start")
		ok = false
	}
	return
}

// cohortFromForm reads the fields that do not depend on the antenna's lists.
func cohortFromForm(f *web.Form, c *Cohort) {
	f.Required("programme", "place", "capacity")
	capacity, err := strconv.Atoi(f.Get("capacity"))
	if f.Get("capacity") != "" && (err != nil || capacity < 1 || capacity > 500) {
		f.Fail("capacity", "training.capacity_invalid")
	}
	starts, okS := calendar.DayField(f, "starts_on")
	ends, okE := calendar.DayField(f, "ends_on")
	if okS && okE {
		if ends.Before(starts) {
			f.Fail("ends_on", "training.ends_before_starts")
		} else if ends.Sub(starts) > 3*366*24*time.Hour {
			f.Fail("ends_on", "training.too_long")
		}
	}
	c.Capacity, c.StartsOn, c.EndsOn = capacity, starts, ends
}

// skipDates reads the dates to leave out of a weekly timetable, separated by
// spaces, commas or new lines.
func skipDates(f *web.Form, name string) map[string]bool {
	out := map[string]bool{}
	for _, v := range strings.FieldsFunc(f.Get(name), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		d, ok := calendar.ParseDay(v)
		if !ok {
			f.Fail(name, "training.skip_invalid")
			continue
		}
		out[d.Format(dateLayout)] = true
	}
	return out
}

package org

import (
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/openinghours"
	"tremplin/internal/platform/web"
)

// Opening hours are entered day by day, up to two time ranges a day (a day left
// empty is closed), plus "closed on public holidays"; the OpenStreetMap
// opening_hours value that open data needs is written from them. A stored value
// that says more than that (months, comments…) is kept in a raw "advanced" field
// and edited as it is written.

// hoursDay is one weekday of the form, with the names of its fields.
type hoursDay struct {
	Code   string       // mo … su, in the field names
	Label  string       // catalog key of the day's name
	Ranges [2][2]string // field names: [range][from, to]
}

var hoursDays = func() []hoursDay {
	days := make([]hoursDay, 7)
	for d, code := range openinghours.Days {
		c := strings.ToLower(code)
		days[d] = hoursDay{Code: c, Label: "weekday." + strconv.Itoa((d+1)%7)}
		for i := range days[d].Ranges {
			n := "hours_" + c + "_" + strconv.Itoa(i+1)
			days[d].Ranges[i] = [2]string{n + "_from", n + "_to"}
		}
	}
	return days
}()

// Funcs are the template functions of this package's pages.
func Funcs(p i18n.Printer) template.FuncMap {
	return template.FuncMap{
		"hoursdays":  func() []hoursDay { return hoursDays },
		"hourswords": func(s string) []string { return HoursInWords(p, s) },
	}
}

// setHoursForm puts a stored value in the day fields, or in the raw field when
// the days cannot say it.
func setHoursForm(v url.Values, s string) {
	w, ok := openinghours.ParseWeek(s)
	if !ok {
		v.Set("opening_hours", s)
		return
	}
	for d, rs := range w.Days {
		for i, r := range rs {
			v.Set(hoursDays[d].Ranges[i][0], openinghours.Clock(r.Start))
			v.Set(hoursDays[d].Ranges[i][1], openinghours.Clock(r.End))
		}
	}
	if w.HolidaysOff {
		v.Set("hours_ph_off", "yes")
	}
}

// hoursFromForm reads the day fields (or the raw field, when it was kept) and
// returns the opening_hours value, failing the day that is wrong.
func hoursFromForm(f *web.Form) string {
	var w openinghours.Week
	typed := false
	for d, day := range hoursDays {
		var ranges []openinghours.Range
		problem := ""
		for _, names := range day.Ranges {
			from, to := f.Get(names[0]), f.Get(names[1])
			if from == "" && to == "" {
				continue
			}
			typed = true
			a, okA := openinghours.ParseClock(from)
			b, okB := openinghours.ParseClock(to)
			switch {
			case from == "" || to == "":
				problem = "place.hours_incomplete"
			case !okA || !okB:
				problem = "place.hours_time_invalid"
			case b <= a:
				problem = "place.hours_end_before_start"
			default:
				ranges = append(ranges, openinghours.Range{Start: a, End: b})
			}
		}
		slices.SortFunc(ranges, func(x, y openinghours.Range) int { return x.Start - y.Start })
		if problem == "" && len(ranges) == 2 && ranges[1].Start <= ranges[0].End {
			problem = "place.hours_overlap"
		}
		if problem != "" {
			f.Fail("hours_"+day.Code, problem)
			continue
		}
		w.Days[d] = ranges
	}
	w.HolidaysOff = f.Get("hours_ph_off") == "yes"
	if raw := f.Get("opening_hours"); raw != "" {
		if typed {
			f.Fail("opening_hours", "place.hours_both")
		} else if openinghours.Validate(raw) != nil {
			f.Fail("opening_hours", "place.hours_invalid")
		}
		return raw
	}
	s := w.String()
	if s != "" && openinghours.Validate(s) != nil {
		f.Fail("opening_hours", "place.hours_invalid") // a Week always writes a valid value
	}
	return s
}

// HoursInWords says an opening_hours value in the reader's language, one line per
// group of days with the same hours: "Monday to Friday: 9:00–12:30, 14:00–17:00".
// It is nil for a value that the day fields cannot say (shown as written).
func HoursInWords(p i18n.Printer, s string) []string {
	w, ok := openinghours.ParseWeek(s)
	if !ok || !w.Open() {
		return nil
	}
	day := func(d int) string { return p.T("weekday." + strconv.Itoa((d+1)%7)) }
	clock := func(m int) string {
		if m%60 == 0 {
			return p.T("place.hours.clock_hour", "h", strconv.Itoa(m/60))
		}
		return p.T("place.hours.clock", "h", strconv.Itoa(m/60), "m", strconv.Itoa(m%60/10)+strconv.Itoa(m%10))
	}
	var lines []string
	for _, g := range w.Groups() {
		var days []string
		for _, run := range openinghours.Runs(g.Days) {
			if len(run) >= 3 {
				days = append(days, p.T("place.hours.days_span", "from", day(run[0]), "to", day(run[len(run)-1])))
				continue
			}
			for _, d := range run {
				days = append(days, day(d))
			}
		}
		daysWords := days[len(days)-1]
		if len(days) > 1 {
			daysWords = p.T("place.hours.and", "a", strings.Join(days[:len(days)-1], p.T("place.hours.comma")), "b", daysWords)
		}
		var times []string
		for _, r := range g.Ranges {
			times = append(times, p.T("place.hours.range", "from", clock(r.Start), "to", clock(r.End)))
		}
		timesWords := times[0]
		if len(times) == 2 {
			timesWords = p.T("place.hours.then", "a", times[0], "b", times[1])
		}
		lines = append(lines, upperFirst(p.T("place.hours.line", "days", daysWords, "times", timesWords)))
	}
	if w.HolidaysOff {
		lines = append(lines, p.T("place.hours.holidays_off"))
	}
	return lines
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

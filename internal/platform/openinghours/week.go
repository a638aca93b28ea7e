package openinghours

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"tremplin/internal/platform/check"
)

// Days are the weekday codes of the syntax, Monday first, as Week indexes them.
var Days = [7]string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}

// Range is one opening time range of a day, in minutes from midnight; End may
// be 24:00 (1440) and is after Start.
type Range struct{ Start, End int }

// Week is opening hours as most places give them, and as staff enter them: for
// each weekday, Monday first, up to two time ranges (none: closed), and whether
// the place closes on public holidays. String writes the OpenStreetMap value;
// ParseWeek reads one back when it says no more than that.
type Week struct {
	Days        [7][]Range
	HolidaysOff bool
}

// MaxRanges is how many ranges a day may have in a Week.
const MaxRanges = 2

// Open reports whether the place opens at least one day.
func (w Week) Open() bool {
	for _, d := range w.Days {
		if len(d) > 0 {
			return true
		}
	}
	return false
}

// Group is days with the same ranges, in the order of the week.
type Group struct {
	Days   []int // indexes into Days
	Ranges []Range
}

// Groups gathers the open days by identical hours, each group in the order of
// its first day: the lines of "Monday to Friday 9:00–17:00; Saturday …".
func (w Week) Groups() []Group {
	var groups []Group
	key := func(rs []Range) string { return fmt.Sprint(rs) }
	for d, rs := range w.Days {
		if len(rs) == 0 {
			continue
		}
		found := false
		for i := range groups {
			if key(groups[i].Ranges) == key(rs) {
				groups[i].Days = append(groups[i].Days, d)
				found = true
				break
			}
		}
		if !found {
			groups = append(groups, Group{Days: []int{d}, Ranges: rs})
		}
	}
	return groups
}

// Runs splits days (increasing) into runs of consecutive days.
func Runs(days []int) [][]int {
	var runs [][]int
	for _, d := range days {
		if n := len(runs); n > 0 && runs[n-1][len(runs[n-1])-1] == d-1 {
			runs[n-1] = append(runs[n-1], d)
			continue
		}
		runs = append(runs, []int{d})
	}
	return runs
}

// Clock writes minutes from midnight as HH:MM.
func Clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// String is the OpenStreetMap opening_hours value: "Mo-Fr 09:00-12:30,14:00-17:00;
// Sa 10:00-12:00; PH off"; empty when the place opens no day.
func (w Week) String() string {
	var rules []string
	for _, g := range w.Groups() {
		var sel []string
		for _, run := range Runs(g.Days) {
			switch {
			case len(run) >= 3:
				sel = append(sel, Days[run[0]]+"-"+Days[run[len(run)-1]])
			default:
				for _, d := range run {
					sel = append(sel, Days[d])
				}
			}
		}
		var times []string
		for _, r := range g.Ranges {
			times = append(times, Clock(r.Start)+"-"+Clock(r.End))
		}
		rules = append(rules, strings.Join(sel, ",")+" "+strings.Join(times, ","))
	}
	if len(rules) == 0 {
		return ""
	}
	if w.HolidaysOff {
		rules = append(rules, "PH off")
	}
	return strings.Join(rules, "; ")
}

var (
	dayItem  = `(?:Mo|Tu|We|Th|Fr|Sa|Su|PH)(?:\s*-\s*(?:Mo|Tu|We|Th|Fr|Sa|Su))?`
	timeSpan = `\d\d:\d\d\s*-\s*\d\d:\d\d`
	ruleRe   = regexp.MustCompile(`^\s*(` + dayItem + `(?:\s*,\s*` + dayItem + `)*)?\s*(off|closed|` + timeSpan + `(?:\s*,\s*` + timeSpan + `)*)\s*$`)
	spanRe   = regexp.MustCompile(`(\d\d):(\d\d)\s*-\s*(\d\d):(\d\d)`)
)

func dayIndex(s string) int {
	for i, d := range Days {
		if d == s {
			return i
		}
	}
	return -1
}

// ParseWeek reads a valid opening_hours value back into a Week. ok is false when
// the value says more than a Week can (months, more than two ranges a day, hours
// past midnight, comments…): it must then be edited as it is written.
func ParseWeek(s string) (w Week, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return w, true
	}
	if Validate(s) != nil || strings.Contains(s, "||") {
		return w, false
	}
	rules := strings.Split(s, ";")
	for i, rule := range rules {
		m := ruleRe.FindStringSubmatch(rule)
		if m == nil {
			return Week{}, false
		}
		closed := m[2] == "off" || m[2] == "closed"
		var ranges []Range
		if !closed {
			for _, t := range spanRe.FindAllStringSubmatch(m[2], -1) {
				h1, _ := strconv.Atoi(t[1])
				m1, _ := strconv.Atoi(t[2])
				h2, _ := strconv.Atoi(t[3])
				m2, _ := strconv.Atoi(t[4])
				r := Range{h1*60 + m1, h2*60 + m2}
				if r.End <= r.Start || r.End > 24*60 {
					return Week{}, false
				}
				if n := len(ranges); n > 0 && r.Start <= ranges[n-1].End {
					return Week{}, false
				}
				ranges = append(ranges, r)
			}
			if len(ranges) > MaxRanges {
				return Week{}, false
			}
		}
		var days []int
		if m[1] == "" {
			days = []int{0, 1, 2, 3, 4, 5, 6}
		}
		for _, item := range strings.Split(m[1], ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			if item == "PH" {
				// Holidays can only be closed, and last, or a later rule
				// would open them again.
				if !closed || i != len(rules)-1 {
					return Week{}, false
				}
				w.HolidaysOff = true
				continue
			}
			from, to, span := strings.Cut(item, "-")
			a, b := dayIndex(strings.TrimSpace(from)), dayIndex(strings.TrimSpace(to))
			if !span {
				b = a
			}
			for d := a; ; d = (d + 1) % 7 {
				days = append(days, d)
				if d == b {
					break
				}
			}
		}
		for _, d := range days {
			// A later rule replaces what an earlier one said of the same day.
			w.Days[d] = ranges
		}
	}
	return w, true
}

// ParseClock reads a time as people type it: 9, 9h, 9h30, 9:30, 09.30, 930 or
// 0930, in Latin, Arabic-Indic or Persian digits; 24:00 is the end of the day.
// ok is false for anything else.
func ParseClock(s string) (minutes int, ok bool) {
	t := strings.ReplaceAll(check.ASCIIDigits(strings.TrimSpace(strings.ToLower(s))), " ", "")
	var hs, ms string
	if i := strings.IndexAny(t, ":h.'"); i >= 0 {
		hs, ms = t[:i], t[i+1:]
	} else if len(t) >= 3 {
		hs, ms = t[:len(t)-2], t[len(t)-2:]
	} else {
		hs = t
	}
	if ms == "" {
		ms = "0"
	}
	if hs == "" || len(hs) > 2 || len(ms) > 2 || (len(ms) == 1 && ms != "0") {
		return 0, false
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

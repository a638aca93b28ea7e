package catalogue

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"tremplin/internal/platform/i18n"
)

// A session's weekly rhythm, as a visitor is told of it: "Tuesdays and
// Thursdays, 9:30–12:30".

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

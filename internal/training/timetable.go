package training

// The timetable forms: one meeting, or a weekly rhythm that leaves out the
// antenna's closed days.

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/calendar"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/web"
)

type meetingsFormData struct {
	Cohort   *Cohort
	Weekdays []time.Weekday
	Days     []string
	Planned  string
	Warning  *HoursWarning
	Clashes  []Clash
	Closed   []calendar.ClosedDay // the days a single meeting would fall on a closure
	Added    int
	Skipped  []calendar.ClosedDay // after a weekly timetable: the days left out
	Confirm  string               // the form the "save anyway" box belongs to
}

func (h *Handlers) renderMeetingsForm(w http.ResponseWriter, r *http.Request, status int, c *Cohort, f *web.Form, data meetingsFormData) {
	data.Cohort = c
	data.Weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	data.Days = f.All("days")
	meetings, err := Meetings(r.Context(), h.DB, c.ID, c.Loc())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	planned := PlannedHours(meetings)
	data.Planned = FormatHours(lang(r), planned)
	data.Warning = hoursWarning(lang(r), c, planned)
	h.Render.Render(w, r, status, "training/meetings_form.html", data, f)
}

// MeetingsNew shows the forms that add one meeting or a weekly timetable; after a
// weekly timetable (added, skipped in the query), what was added and the days left
// out.
func (h *Handlers) MeetingsNew(w http.ResponseWriter, r *http.Request) {
	c, ok := h.managedCohort(w, r)
	if !ok {
		return
	}
	data := meetingsFormData{}
	q := r.URL.Query()
	if n, err := strconv.Atoi(q.Get("added")); err == nil && n >= 0 {
		data.Added = n
		var days []time.Time
		for _, v := range strings.Split(q.Get("skipped"), ",") {
			if d, ok := calendar.ParseDay(v); ok {
				days = append(days, d)
			}
		}
		if len(days) > 0 {
			skipped, err := h.closedOn(r, c, days)
			if err != nil {
				h.Render.Fail(w, r, err)
				return
			}
			data.Skipped = skipped
		}
	}
	h.renderMeetingsForm(w, r, http.StatusOK, c, web.NewForm(url.Values{
		"from": {c.StartsOn.Format(dateLayout)}, "to": {c.EndsOn.Format(dateLayout)},
	}), data)
}

// closedOn returns, among days, those when the cohort's antenna is closed.
func (h *Handlers) closedOn(r *http.Request, c *Cohort, days []time.Time) ([]calendar.ClosedDay, error) {
	if len(days) == 0 {
		return nil, nil
	}
	a, err := org.AntennaByID(r.Context(), h.DB, auth.Scope{All: true}, c.AntennaID)
	if err != nil {
		return nil, err
	}
	first, last := days[0], days[0]
	for _, d := range days {
		first, last = minTime(first, d), maxTime(last, d)
	}
	closed, err := calendar.ClosedDays(r.Context(), h.DB, c.AntennaID, a.Country, first, last)
	if err != nil {
		return nil, err
	}
	var out []calendar.ClosedDay
	for _, d := range days {
		if cd, ok := closed[d.Format(dateLayout)]; ok {
			out = append(out, cd)
		}
	}
	return out, nil
}

// MeetingAdd adds one meeting, within the cohort's dates. A meeting overlapping
// another of the cohort is refused; one on a closed day, or overlapping a meeting
// in the same place or with the same adviser, is added only once confirmed.
func (h *Handlers) MeetingAdd(w http.ResponseWriter, r *http.Request) {
	c, ok := h.managedCohort(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	day, okDay := calendar.DayField(f, "date")
	start, end, okClock := clockRange(f, "start", "end")
	if okDay && !c.Contains(day) {
		f.Fail("date", "training.meeting_outside")
	}
	data := meetingsFormData{Confirm: "one"}
	if f.Valid() && okClock {
		loc := c.Loc()
		slot := Slot{
			Start: time.Date(day.Year(), day.Month(), day.Day(), start/60, start%60, 0, 0, loc),
			End:   time.Date(day.Year(), day.Month(), day.Day(), end/60, end%60, 0, 0, loc),
		}
		all, err := Clashes(r.Context(), h.DB, cohortPlan(c), []Slot{slot})
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		own, others := splitClashes(all)
		if len(own) > 0 {
			data.Clashes = own
			f.Fail("start", "training.clash_cohort")
		}
		if data.Closed, err = h.closedOn(r, c, []time.Time{day}); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if f.Valid() && (len(others) > 0 || len(data.Closed) > 0) && f.Get("confirm") == "" {
			data.Clashes = others
			f.Fail("confirm", "training.confirm_needed")
		}
		if f.Valid() {
			n, err := AddMeetings(r.Context(), h.DB, c.ID, []Slot{slot})
			if err != nil {
				h.Render.Fail(w, r, err)
				return
			}
			if n == 0 {
				f.Fail("start", "training.meeting_exists")
			}
		}
	}
	if !f.Valid() {
		h.renderMeetingsForm(w, r, http.StatusUnprocessableEntity, c, f, data)
		return
	}
	h.Flash(r, "training.meeting_added")
	http.Redirect(w, r, "/cohorts/"+idString(c.ID)+"#timetable", http.StatusSeeOther)
}

// maxWeekly bounds one weekly timetable: a 600-hour course is about 200 meetings.
const maxWeekly = 400

// MeetingsWeekly adds a weekly timetable: chosen weekdays between two dates,
// leaving out the dates typed, French public holidays (antennas in France) and the
// antenna's closures, and says which days were left out. Overlaps are handled as
// for one meeting.
func (h *Handlers) MeetingsWeekly(w http.ResponseWriter, r *http.Request) {
	c, ok := h.managedCohort(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	from, okFrom := calendar.DayField(f, "from")
	to, okTo := calendar.DayField(f, "to")
	if okFrom && !c.Contains(from) {
		f.Fail("from", "training.meeting_outside")
	}
	if okTo && !c.Contains(to) {
		f.Fail("to", "training.meeting_outside")
	}
	if okFrom && okTo && to.Before(from) {
		f.Fail("to", "training.to_before_from")
	}
	var days []time.Weekday
	for _, v := range f.All("days") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 6 {
			f.Fail("days", "form.choose")
			continue
		}
		days = append(days, time.Weekday(n))
	}
	if len(days) == 0 {
		f.Fail("days", "training.days_required")
	}
	start, end, _ := clockRange(f, "wstart", "wend")
	skip := skipDates(f, "skip")
	data := meetingsFormData{Confirm: "weekly"}
	var slots []Slot
	var skipped []string
	if f.Valid() {
		a, err := org.AntennaByID(r.Context(), h.DB, auth.Scope{All: true}, c.AntennaID)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		closed, err := calendar.ClosedDays(r.Context(), h.DB, c.AntennaID, a.Country, from, to)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		for k, cd := range closed {
			if slices.Contains(days, cd.Date.Weekday()) && !skip[k] {
				skip[k] = true
				skipped = append(skipped, k)
			}
		}
		sort.Strings(skipped)
		slots = Weekly(from, to, days, start, end, skip, c.Loc())
		if len(slots) == 0 {
			f.Fail("days", "training.no_meeting_in_range")
		} else if len(slots) > maxWeekly {
			f.Fail("to", "training.too_many_meetings")
		}
	}
	if f.Valid() {
		all, err := Clashes(r.Context(), h.DB, cohortPlan(c), slots)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		own, others := splitClashes(all)
		switch {
		case len(own) > 0:
			data.Clashes = own
			f.Fail("wstart", "training.clash_cohort")
		case len(others) > 0 && f.Get("confirm") == "":
			data.Clashes = others
			f.Fail("confirm", "training.confirm_needed")
		}
	}
	if !f.Valid() {
		h.renderMeetingsForm(w, r, http.StatusUnprocessableEntity, c, f, data)
		return
	}
	n, err := AddMeetings(r.Context(), h.DB, c.ID, slots)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "training.meetings_added")
	http.Redirect(w, r, fmt.Sprintf("/cohorts/%d/meetings/new?added=%d&skipped=%s#done", c.ID, n, strings.Join(skipped, ",")), http.StatusSeeOther)
}

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

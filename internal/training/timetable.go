package training

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/calendar"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// ErrMeetingExists is returned when a meeting is moved to the start of another
// meeting of its cohort.
var ErrMeetingExists = errors.New("another meeting of the cohort starts then")

// ErrMeetingCancelled is returned when changing a cancelled meeting.
var ErrMeetingCancelled = errors.New("meeting is cancelled")

// touchCohort stamps the cohort as changed: the impact counters derive again the
// days of a cohort changed since their last refresh, so a meeting moved or
// cancelled stops counting where it was.
func touchCohort(ctx context.Context, tx db.Execer, cohortID int64) error {
	_, err := tx.ExecContext(ctx, "UPDATE cohorts SET updated_at = $1 WHERE id = $2", db.Now(), cohortID)
	return err
}

// UpdateMeeting saves a meeting's times, place and adviser (0: the cohort's). The
// times of a meeting whose roll call was taken do not change (its marks are
// hours attended then); a cancelled meeting does not change at all.
func UpdateMeeting(ctx context.Context, d *db.DB, m *Meeting) error {
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var cohortID int64
		var starts, ends, cancelled string
		var marked int
		err := tx.QueryRowContext(ctx, `SELECT cohort_id, starts_at, ends_at, cancelled_at, (SELECT COUNT(*) FROM attendance WHERE meeting_id = $1)
			FROM meetings WHERE id = $1`, m.ID).Scan(&cohortID, &starts, &ends, &cancelled, &marked)
		if errors.Is(err, sql.ErrNoRows) {
			return db.ErrNotFound
		}
		if err != nil {
			return err
		}
		if cancelled != "" {
			return ErrMeetingCancelled
		}
		moved := starts != db.FormatTime(m.Start) || ends != db.FormatTime(m.End)
		if moved && marked > 0 {
			return ErrMeetingMarked
		}
		if _, err := tx.ExecContext(ctx, "UPDATE meetings SET starts_at = $1, ends_at = $2, place_id = $3, staff_id = $4 WHERE id = $5",
			db.FormatTime(m.Start), db.FormatTime(m.End), db.NullID(m.PlaceID), db.NullID(m.StaffID), m.ID); err != nil {
			return err
		}
		if moved {
			return touchCohort(ctx, tx, cohortID)
		}
		return nil
	})
	if db.IsUniqueViolation(err) {
		return ErrMeetingExists
	}
	return err
}

// CancelMeeting cancels a meeting whose roll call was not taken: it stays on the
// timetable and in the calendar feeds as cancelled, takes no roll call and counts
// no hours. Cancelling it again changes nothing.
func CancelMeeting(ctx context.Context, d *db.DB, id int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		var cohortID int64
		var marked int
		err := tx.QueryRowContext(ctx, "SELECT cohort_id, (SELECT COUNT(*) FROM attendance WHERE meeting_id = $1) FROM meetings WHERE id = $1", id).Scan(&cohortID, &marked)
		if errors.Is(err, sql.ErrNoRows) {
			return db.ErrNotFound
		}
		if err != nil {
			return err
		}
		if marked > 0 {
			return ErrMeetingMarked
		}
		res, err := tx.ExecContext(ctx, "UPDATE meetings SET cancelled_at = $1 WHERE id = $2 AND cancelled_at = ''", db.Now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return touchCohort(ctx, tx, cohortID)
	})
}

// RestoreMeeting undoes the cancellation of a meeting, unless its whole cohort is
// cancelled.
func RestoreMeeting(ctx context.Context, d *db.DB, id int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		var cohortID int64
		var state string
		err := tx.QueryRowContext(ctx, "SELECT m.cohort_id, c.state FROM meetings m JOIN cohorts c ON c.id = m.cohort_id WHERE m.id = $1", id).Scan(&cohortID, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return db.ErrNotFound
		}
		if err != nil {
			return err
		}
		if state == "cancelled" {
			return ErrBadTransition
		}
		if _, err := tx.ExecContext(ctx, "UPDATE meetings SET cancelled_at = '' WHERE id = $1", id); err != nil {
			return err
		}
		return touchCohort(ctx, tx, cohortID)
	})
}

// --- Overlaps ------------------------------------------------------------------------

// Clash is a meeting standing at the same time as one being planned: of the same
// cohort (refused), in the same place or with the same adviser (a warning the
// manager may confirm).
type Clash struct {
	Kind      string // cohort, place, adviser
	Slot      Slot   // the meeting being planned
	MeetingID int64
	CohortID  int64
	Title     string
	Start     time.Time
	End       time.Time
	What      string // the place's or the adviser's name
}

// Plan is what a meeting being planned would use: its cohort, its place and its
// advisers (the meeting's own, or the cohort's).
type Plan struct {
	Cohort   *Cohort
	Except   int64 // the meeting being edited
	PlaceID  int64
	Advisers []int64
}

// maxMeetingLength bounds how long before a slot another meeting may start and
// still overlap it: meetings start and end on the same day.
const maxMeetingLength = 24 * time.Hour

// Clashes lists the meetings that overlap the slots (a meeting ending when another
// starts does not): those of the same cohort, or in the plan's place, or taught by
// one of its advisers. Cancelled meetings and cohorts do not count; a slot starting
// exactly when a meeting of its cohort starts is not a clash (adding it is skipped).
// One read of the meetings_starts index over the slots' span, narrowed to the
// antenna's cohorts and the advisers' meetings.
func Clashes(ctx context.Context, d *db.DB, p Plan, slots []Slot) ([]Clash, error) {
	if len(slots) == 0 {
		return nil, nil
	}
	first, last := slots[0].Start, slots[0].End
	for _, s := range slots {
		first, last = minTime(first, s.Start), maxTime(last, s.End)
	}
	advisers := p.Advisers
	if len(advisers) == 0 {
		advisers = []int64{0}
	}
	marks := make([]string, len(advisers))
	args := []any{db.FormatTime(first.Add(-maxMeetingLength)), db.FormatTime(last), p.Except, p.Cohort.AntennaID}
	for i, a := range advisers {
		args = append(args, a)
		marks[i] = "$" + strconv.Itoa(len(args))
	}
	in := strings.Join(marks, ", ")
	rows, err := d.QueryContext(ctx, `SELECT m.id, m.cohort_id, m.starts_at, m.ends_at, p.title, COALESCE(m.place_id, c.place_id), pl.name,
			COALESCE(m.staff_id, ca.staff_id, 0), COALESCE(s.name, '')
		FROM meetings m JOIN cohorts c ON c.id = m.cohort_id JOIN programmes p ON p.id = c.programme_id
		JOIN places pl ON pl.id = COALESCE(m.place_id, c.place_id)
		LEFT JOIN cohort_advisers ca ON m.staff_id IS NULL AND ca.cohort_id = c.id
		LEFT JOIN staff s ON s.id = COALESCE(m.staff_id, ca.staff_id)
		WHERE m.starts_at > $1 AND m.starts_at < $2 AND m.id <> $3 AND m.cancelled_at = '' AND c.state <> 'cancelled'
			AND (c.antenna_id = $4 OR m.staff_id IN (`+in+`) OR c.id IN (SELECT cohort_id FROM cohort_advisers WHERE staff_id IN (`+in+`)))
		ORDER BY m.starts_at, m.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	loc := p.Cohort.Loc()
	var out []Clash
	seen := map[string]bool{}
	for rows.Next() {
		var c Clash
		var s, e, placeName, staffName string
		var placeID, staffID int64
		if err := rows.Scan(&c.MeetingID, &c.CohortID, &s, &e, &c.Title, &placeID, &placeName, &staffID, &staffName); err != nil {
			return nil, err
		}
		c.Start, c.End = db.ParseTime(s).In(loc), db.ParseTime(e).In(loc)
		for _, slot := range slots {
			if !c.Start.Before(slot.End) || !slot.Start.Before(c.End) {
				continue
			}
			k := c
			k.Slot = slot
			switch {
			case c.CohortID == p.Cohort.ID:
				if c.Start.Equal(slot.Start) {
					continue
				}
				k.Kind = "cohort"
			case placeID == p.PlaceID:
				k.Kind, k.What = "place", placeName
			case staffID != 0 && slices.Contains(p.Advisers, staffID):
				k.Kind, k.What = "adviser", staffName
			default:
				continue
			}
			key := fmt.Sprint(k.Kind, k.MeetingID, k.What, k.Slot.Start.Unix())
			if !seen[key] {
				seen[key] = true
				out = append(out, k)
			}
		}
	}
	return out, rows.Err()
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// --- Planned hours -------------------------------------------------------------------

// HoursWarning is set when the meetings planned exceed the programme's hours.
type HoursWarning struct {
	Planned string
	Total   int
}

func hoursWarning(lang string, c *Cohort, planned float64) *HoursWarning {
	if c.TotalHours > 0 && planned > float64(c.TotalHours)+1e-9 {
		return &HoursWarning{Planned: FormatHours(lang, planned), Total: c.TotalHours}
	}
	return nil
}

// --- Handlers ------------------------------------------------------------------------

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

// cohortPlan is a new meeting of c in its own place, with its advisers.
func cohortPlan(c *Cohort) Plan { return Plan{Cohort: c, PlaceID: c.PlaceID, Advisers: c.Advisers} }

// splitClashes separates the clashes within the cohort (refused) from the others
// (to confirm).
func splitClashes(all []Clash) (cohort, others []Clash) {
	for _, c := range all {
		if c.Kind == "cohort" {
			cohort = append(cohort, c)
		} else {
			others = append(others, c)
		}
	}
	return
}

// MeetingAdd adds one meeting, within the cohort's dates. A meeting overlapping
// another of the cohort is refused; one on a closed day, or overlapping a meeting
// in the same place or with the same adviser, is added only once confirmed.
func (h *Handlers) MeetingAdd(w http.ResponseWriter, r *http.Request) {
	c, ok := h.managedCohort(w, r)
	if !ok {
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.Render.Fail(w, r, err)
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
	f, err := web.ParseForm(r)
	if err != nil {
		h.Render.Fail(w, r, err)
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

// managedMeeting loads the meeting of the URL if the person manages its antenna;
// anyone else gets the 404 page.
func (h *Handlers) managedMeeting(w http.ResponseWriter, r *http.Request) (*Meeting, *Cohort, bool) {
	ctx := r.Context()
	st := auth.Current(ctx)
	m, c, err := MeetingByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err == nil && !st.ManagesAntenna(c.AntennaID) {
		err = db.ErrNotFound
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, false
	}
	return m, c, true
}

// MeetingDelete removes a meeting whose roll call was not taken.
func (h *Handlers) MeetingDelete(w http.ResponseWriter, r *http.Request) {
	h.meetingAction(w, r, DeleteMeeting, ErrMeetingMarked, http.StatusBadRequest, "training.meeting_deleted")
}

// MeetingCancel cancels one meeting; it stays on the timetable as cancelled.
func (h *Handlers) MeetingCancel(w http.ResponseWriter, r *http.Request) {
	h.meetingAction(w, r, CancelMeeting, ErrMeetingMarked, http.StatusConflict, "training.meeting_cancelled")
}

// MeetingRestore undoes the cancellation of one meeting.
func (h *Handlers) MeetingRestore(w http.ResponseWriter, r *http.Request) {
	h.meetingAction(w, r, RestoreMeeting, ErrBadTransition, http.StatusConflict, "training.meeting_restored")
}

// meetingAction runs one change on a meeting the manager manages, answers refused
// with the status page, and goes back to the cohort's timetable saying done.
func (h *Handlers) meetingAction(w http.ResponseWriter, r *http.Request, do func(context.Context, *db.DB, int64) error,
	refused error, status int, done string) {
	m, c, ok := h.managedMeeting(w, r)
	if !ok {
		return
	}
	if err := do(r.Context(), h.DB, m.ID); errors.Is(err, refused) {
		h.Render.Error(w, r, status)
		return
	} else if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, done)
	http.Redirect(w, r, "/cohorts/"+idString(c.ID)+"#timetable", http.StatusSeeOther)
}

type meetingFormData struct {
	Meeting *Meeting
	Cohort  *Cohort
	Places  []web.Option
	Staff   []web.Option
	Clashes []Clash
	Closed  []calendar.ClosedDay
}

// meetingChoices lists the places and the staff of the cohort's antenna.
func (h *Handlers) meetingChoices(r *http.Request, c *Cohort) (places, staff []web.Option, placeIDs, staffIDs map[int64]bool, err error) {
	ctx := r.Context()
	all := auth.Scope{All: true}
	ps, err := org.Places(ctx, h.DB, all, c.AntennaID)
	if err != nil {
		return
	}
	placeIDs, staffIDs = map[int64]bool{}, map[int64]bool{}
	for _, p := range ps {
		places = append(places, web.Option{Value: idString(p.ID), Label: p.Name, Raw: true})
		placeIDs[p.ID] = true
	}
	ss, err := auth.List(ctx, h.DB, auth.Current(ctx).Scope())
	if err != nil {
		return
	}
	staff = []web.Option{{Value: "", Label: "training.cohort_advisers"}}
	for _, s := range ss {
		if s.Active && s.Role != auth.Admin && slices.Contains(s.Antennas, c.AntennaID) {
			staff = append(staff, web.Option{Value: idString(s.ID), Label: s.Name, Raw: true})
			staffIDs[s.ID] = true
		}
	}
	return
}

func meetingForm(m *Meeting, c *Cohort) *web.Form {
	place := m.PlaceID
	if place == 0 {
		place = c.PlaceID
	}
	return web.NewForm(url.Values{"date": {m.Start.Format(dateLayout)}, "start": {m.Start.Format("15:04")}, "end": {m.End.Format("15:04")},
		"place": {idString(place)}, "adviser": {idString(m.StaffID)}})
}

func (h *Handlers) renderMeetingForm(w http.ResponseWriter, r *http.Request, status int, data meetingFormData, f *web.Form) {
	var err error
	if data.Places, data.Staff, _, _, err = h.meetingChoices(r, data.Cohort); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, status, "training/meeting_form.html", data, f)
}

// MeetingEdit shows the form that changes a meeting's day, times, place and adviser.
func (h *Handlers) MeetingEdit(w http.ResponseWriter, r *http.Request) {
	m, c, ok := h.managedMeeting(w, r)
	if !ok {
		return
	}
	if m.Cancelled {
		h.Render.Error(w, r, http.StatusConflict)
		return
	}
	h.renderMeetingForm(w, r, http.StatusOK, meetingFormData{Meeting: m, Cohort: c}, meetingForm(m, c))
}

// MeetingSave saves a meeting's new day, times, place and adviser. Overlaps and
// closed days are handled as when adding a meeting: the cohort's refused, the
// others to confirm, with what was typed kept.
func (h *Handlers) MeetingSave(w http.ResponseWriter, r *http.Request) {
	m, c, ok := h.managedMeeting(w, r)
	if !ok {
		return
	}
	if m.Cancelled {
		h.Render.Error(w, r, http.StatusConflict)
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	data := meetingFormData{Meeting: m, Cohort: c}
	_, _, placeIDs, staffIDs, err := h.meetingChoices(r, c)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	day, okDay := calendar.DayField(f, "date")
	start, end, okClock := clockRange(f, "start", "end")
	if okDay && !c.Contains(day) {
		f.Fail("date", "training.meeting_outside")
	}
	place, _ := strconv.ParseInt(f.Get("place"), 10, 64)
	if !placeIDs[place] {
		f.Fail("place", "training.place_of_antenna")
	}
	adviser, _ := strconv.ParseInt(f.Get("adviser"), 10, 64)
	if f.Get("adviser") != "" && !staffIDs[adviser] {
		f.Fail("adviser", "training.adviser_of_antenna")
	}
	if f.Valid() && okClock {
		loc := c.Loc()
		next := *m
		next.Start = time.Date(day.Year(), day.Month(), day.Day(), start/60, start%60, 0, 0, loc)
		next.End = time.Date(day.Year(), day.Month(), day.Day(), end/60, end%60, 0, 0, loc)
		next.PlaceID, next.StaffID = place, adviser
		if place == c.PlaceID {
			next.PlaceID = 0 // the cohort's: follows the cohort if its place changes
		}
		plan := Plan{Cohort: c, Except: m.ID, PlaceID: place, Advisers: c.Advisers}
		if adviser != 0 {
			plan.Advisers = []int64{adviser}
		}
		all, err := Clashes(r.Context(), h.DB, plan, []Slot{{next.Start, next.End}})
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		own, others := splitClashes(all)
		if len(own) > 0 {
			data.Clashes = own
			f.Fail("start", "training.clash_cohort")
		}
		if !next.Start.Equal(m.Start) {
			if data.Closed, err = h.closedOn(r, c, []time.Time{day}); err != nil {
				h.Render.Fail(w, r, err)
				return
			}
		}
		if f.Valid() && (len(others) > 0 || len(data.Closed) > 0) && f.Get("confirm") == "" {
			data.Clashes = others
			f.Fail("confirm", "training.confirm_needed")
		}
		if f.Valid() {
			switch err := UpdateMeeting(r.Context(), h.DB, &next); {
			case errors.Is(err, ErrMeetingMarked):
				f.Fail("date", "training.meeting_marked_time")
			case errors.Is(err, ErrMeetingExists):
				f.Fail("start", "training.meeting_exists")
			case errors.Is(err, ErrMeetingCancelled):
				h.Render.Error(w, r, http.StatusConflict)
				return
			case err != nil:
				h.Render.Fail(w, r, err)
				return
			}
		}
	}
	if !f.Valid() {
		h.renderMeetingForm(w, r, http.StatusUnprocessableEntity, data, f)
		return
	}
	h.Flash(r, "training.meeting_saved")
	http.Redirect(w, r, "/cohorts/"+idString(c.ID)+"#timetable", http.StatusSeeOther)
}

package training

// One meeting's page: its day, times, place and adviser changed; cancelling,
// restoring or removing it.

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/calendar"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

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
	h.meetingAction(w, r, deleteMeeting, ErrMeetingMarked, http.StatusBadRequest, "training.meeting_deleted")
}

// MeetingCancel cancels one meeting; it stays on the timetable as cancelled.
func (h *Handlers) MeetingCancel(w http.ResponseWriter, r *http.Request) {
	h.meetingAction(w, r, cancelMeeting, ErrMeetingMarked, http.StatusConflict, "training.meeting_cancelled")
}

// MeetingRestore undoes the cancellation of one meeting.
func (h *Handlers) MeetingRestore(w http.ResponseWriter, r *http.Request) {
	h.meetingAction(w, r, restoreMeeting, ErrBadTransition, http.StatusConflict, "training.meeting_restored")
}

// meetingAction runs one change on a meeting the manager manages (its people
// told of it), answers refused with the status page, and goes back to the
// cohort's timetable saying done.
func (h *Handlers) meetingAction(w http.ResponseWriter, r *http.Request, do func(context.Context, *db.DB, int64, meetingTold) error,
	refused error, status int, done string) {
	m, c, ok := h.managedMeeting(w, r)
	if !ok {
		return
	}
	if err := do(r.Context(), h.DB, m.ID, h.meetingChanged); errors.Is(err, refused) {
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
// others to confirm, with what was typed kept. The people enrolled are told of
// a new day, time or place.
func (h *Handlers) MeetingSave(w http.ResponseWriter, r *http.Request) {
	m, c, ok := h.managedMeeting(w, r)
	if !ok {
		return
	}
	if m.Cancelled {
		h.Render.Error(w, r, http.StatusConflict)
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
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
			switch err := updateMeeting(r.Context(), h.DB, &next, h.meetingChanged); {
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

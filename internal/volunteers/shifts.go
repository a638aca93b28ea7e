package volunteers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// maxWeeks bounds the weekly shifts one sending of the form creates.
const maxWeeks = 26

// parseHours reads a number of hours as people write it ("2", "2.5", "2,5",
// "2:30", "2h30") and returns minutes; false when it is not one.
func parseHours(s string) (int, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if h, m, ok := strings.Cut(strings.ReplaceAll(s, "h", ":"), ":"); ok && h != "" {
		hh, err1 := strconv.Atoi(h)
		mm := 0
		var err2 error
		if m != "" {
			mm, err2 = strconv.Atoi(m)
		}
		if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 {
			return 0, false
		}
		return hh*60 + mm, true
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	if err != nil || f < 0 || math.IsNaN(f) || f > 1e4 {
		return 0, false
	}
	return int(math.Round(f * 60)), true
}

type missionPage struct {
	Mission *Mission
	Shifts  []*Shift
	Pager   web.Pager
	Kinds   []web.Option
	Places  []web.Option
}

// MissionShow is a mission, its coming shifts and the form that adds some:
// GET /volunteers/missions/{id}.
func (h *Handlers) MissionShow(w http.ResponseWriter, r *http.Request) {
	f := web.NewForm(url.Values{"kind": {Fixed}, "start": {"14:00"}, "end": {"17:00"}, "capacity": {"4"}, "cancel_hours": {"24"}, "weeks": {"1"}})
	h.showMission(w, r, http.StatusOK, f)
}

func (h *Handlers) showMission(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	ctx := r.Context()
	sc := auth.Current(ctx).Scope()
	m, err := MissionByID(ctx, h.DB, sc, web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	n, offset := web.PageOf(r, ShiftsPerPage)
	shifts, err := MissionShifts(ctx, h.DB, m.ID, h.now(), offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	places, err := org.Places(ctx, h.DB, sc, m.AntennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &missionPage{Mission: m, Shifts: shifts[:min(len(shifts), ShiftsPerPage)], Pager: web.NewPager(r, n, len(shifts) > ShiftsPerPage),
		Kinds: web.CodeOptions("volunteers.shift_kind.", ShiftKinds, ""), Places: []web.Option{{Value: "", Label: "volunteers.no_place"}}}
	for _, p := range places {
		d.Places = append(d.Places, web.Option{Value: id64(p.ID), Label: p.Name, Raw: true})
	}
	if f.Get("date") == "" {
		f.Set("date", h.now().AddDate(0, 0, 7).Format(time.DateOnly))
	}
	h.Render.Render(w, r, status, "volunteers/mission_show.html", d, f)
}

// ShiftsAdd adds a shift to a mission, or one a week for several weeks: POST
// /volunteers/missions/{id}/shifts.
func (h *Handlers) ShiftsAdd(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	m, err := MissionByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	a, err := org.AntennaByID(ctx, h.DB, st.Scope(), m.AntennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	s := &Shift{MissionID: m.ID, Kind: f.Get("kind")}
	if !slices.Contains(ShiftKinds, s.Kind) {
		f.Fail("kind", "form.choose")
	}
	h.readShift(ctx, f, a, s)
	weeks, err := strconv.Atoi(f.Get("weeks"))
	if err != nil || weeks < 1 || weeks > maxWeeks || (weeks > 1 && s.Kind == Ongoing) {
		f.Fail("weeks", "volunteers.weeks_invalid")
	}
	if !f.Valid() {
		h.showMission(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if _, err := AddShifts(ctx, h.DB, st.Scope(), st.ID, s, weeks); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "volunteers.shifts_added")
	http.Redirect(w, r, "/volunteers/missions/"+id64(m.ID)+"#shifts", http.StatusSeeOther)
}

// readShift reads a shift's times, expected work, capacity, cancellation
// deadline and place from the form (the add and change forms), in the
// antenna's time zone, failing the fields that are wrong.
func (h *Handlers) readShift(ctx context.Context, f *web.Form, a *org.Antenna, s *Shift) {
	loc := location(a.Timezone)
	at := func(dateField, clockField string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", f.Get(dateField)+" "+f.Get(clockField), loc)
		if err != nil {
			if _, e := time.Parse(time.DateOnly, f.Get(dateField)); e != nil {
				f.Fail(dateField, "volunteers.date_invalid")
			} else {
				f.Fail(clockField, "volunteers.time_invalid")
			}
		}
		return t
	}
	s.StartsAt = at("date", "start")
	switch s.Kind {
	case Fixed:
		s.EndsAt = at("date", "end")
	case Window:
		end := f.Get("end_date")
		if end == "" {
			f.Set("end_date", f.Get("date"))
		}
		s.EndsAt = at("end_date", "end")
		minutes, ok := parseHours(f.Get("expected"))
		if !ok || minutes <= 0 || minutes > 24*60 {
			f.Fail("expected", "volunteers.hours_invalid")
		}
		s.ExpectedMinutes = minutes
	}
	if f.Valid() && s.Kind != Ongoing && !s.EndsAt.After(s.StartsAt) {
		f.Fail("end", "volunteers.end_before_start")
	}
	if f.Valid() && s.Kind != Ongoing && !s.StartsAt.After(h.now()) {
		f.Fail("date", "volunteers.shift_in_past")
	}
	capacity, err := strconv.Atoi(f.Get("capacity"))
	if err != nil || capacity < 1 || capacity > 500 {
		f.Fail("capacity", "volunteers.capacity_invalid")
	}
	s.Capacity = capacity
	cancel, err := strconv.Atoi(f.Get("cancel_hours"))
	if err != nil || cancel < 0 || cancel > 24*14 {
		f.Fail("cancel_hours", "volunteers.cancel_hours_invalid")
	}
	s.CancelHours = cancel
	if p := f.Get("place"); p != "" {
		s.PlaceID, _ = strconv.ParseInt(p, 10, 64)
		if pl, err := org.PlaceByID(ctx, h.DB, auth.Current(ctx).Scope(), s.PlaceID); err != nil || pl.AntennaID != a.ID {
			f.Fail("place", "form.choose")
		}
	}
}

// ShiftShow is a shift for staff: who is coming, the waitlist, no-shows,
// changing it and calling it off: GET /volunteers/shifts/{id}.
func (h *Handlers) ShiftShow(w http.ResponseWriter, r *http.Request) {
	h.showShift(w, r, http.StatusOK, nil)
}

// shiftForm is the change form of s, filled with what it is now.
func shiftForm(s *Shift) *web.Form {
	v := url.Values{"date": {s.StartsAt.Format(time.DateOnly)}, "start": {s.StartsAt.Format("15:04")},
		"capacity": {strconv.Itoa(s.Capacity)}, "cancel_hours": {strconv.Itoa(s.CancelHours)}}
	if !s.EndsAt.IsZero() {
		v.Set("end_date", s.EndsAt.Format(time.DateOnly))
		v.Set("end", s.EndsAt.Format("15:04"))
	}
	if s.Kind == Window {
		v.Set("expected", fmt.Sprintf("%dh%02d", s.ExpectedMinutes/60, s.ExpectedMinutes%60))
	}
	if s.PlaceID != 0 {
		v.Set("place", id64(s.PlaceID))
	}
	return web.NewForm(v)
}

func (h *Handlers) showShift(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	ctx := r.Context()
	sc := auth.Current(ctx).Scope()
	s, err := ShiftByID(ctx, h.DB, sc, web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	people, err := Signups(ctx, h.DB, s.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	places, err := org.Places(ctx, h.DB, sc, s.AntennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	opts := []web.Option{{Value: "", Label: "volunteers.no_place"}}
	for _, p := range places {
		opts = append(opts, web.Option{Value: id64(p.ID), Label: p.Name, Raw: true})
	}
	if f == nil {
		f = shiftForm(s)
	}
	h.Render.Render(w, r, status, "volunteers/shift_show.html", struct {
		Shift    *Shift
		People   []*Signup
		Begun    bool
		Upcoming bool
		Places   []web.Option
	}{s, people, s.Kind != Ongoing && !h.now().Before(s.StartsAt), s.Kind == Ongoing || h.now().Before(s.StartsAt), opts}, f)
}

// ShiftEdit changes one shift (its times, capacity, place, cancellation
// deadline); those coming are told when its time changes: POST
// /volunteers/shifts/{id}/edit.
func (h *Handlers) ShiftEdit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	s, err := ShiftByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	a, err := org.AntennaByID(ctx, h.DB, st.Scope(), s.AntennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	c := &Shift{ID: s.ID, MissionID: s.MissionID, Kind: s.Kind}
	h.readShift(ctx, f, a, c)
	if f.Valid() {
		err := UpdateShift(ctx, h.DB, st.Scope(), c, h.now(), h.tellShift)
		switch {
		case errors.Is(err, ErrBelowComing):
			f.Fail("capacity", "volunteers.capacity_below_coming")
		case errors.Is(err, ErrClosed):
			f.Fail("date", "volunteers.shift_closed")
		case err != nil:
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.showShift(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	h.Flash(r, "volunteers.shift_changed")
	http.Redirect(w, r, "/volunteers/shifts/"+id64(s.ID), http.StatusSeeOther)
}

// ShiftCancel calls a shift off and tells those signed up: POST /volunteers/shifts/{id}/cancel.
func (h *Handlers) ShiftCancel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := web.PathID(r, "id")
	if err := CancelShift(ctx, h.DB, auth.Current(ctx).Scope(), id, h.tellShift); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "volunteers.shift_cancelled")
	http.Redirect(w, r, "/volunteers/shifts/"+id64(id), http.StatusSeeOther)
}

// ShiftNoShow records that a volunteer did not come (or takes it back with
// undo=1): POST /volunteers/shifts/{id}/noshow, volunteer=ID.
func (h *Handlers) ShiftNoShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := web.PathID(r, "id")
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	vid, _ := strconv.ParseInt(f.Get("volunteer"), 10, 64)
	err := MarkNoShow(ctx, h.DB, auth.Current(ctx).Scope(), id, vid, f.Get("undo") != "1", h.now())
	if errors.Is(err, ErrClosed) {
		err = db.ErrNotFound
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "saved")
	http.Redirect(w, r, "/volunteers/shifts/"+id64(id), http.StatusSeeOther)
}

// ShiftsList is the staff's list of coming shifts, with tomorrow's shifts less
// than half full first (the day-before alert): GET /volunteers/shifts.
func (h *Handlers) ShiftsList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := auth.Current(ctx).Scope()
	now := h.now()
	thin, err := ThinShifts(ctx, h.DB, sc, now, ShiftsPerPage)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	n, offset := web.PageOf(r, ShiftsPerPage)
	list, err := UpcomingShifts(ctx, h.DB, sc, now, offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "volunteers/shift_list.html", struct {
		Thin, Shifts []*Shift
		Pager        web.Pager
	}{thin, list[:min(len(list), ShiftsPerPage)], web.NewPager(r, n, len(list) > ShiftsPerPage)}, nil)
}

// ShiftInvite asks the volunteers who fit a coming shift, not full, to sign up:
// POST /volunteers/shifts/{id}/invite.
func (h *Handlers) ShiftInvite(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := web.PathID(r, "id")
	n, err := Invite(ctx, h.DB, auth.Current(ctx).Scope(), id, h.now(), h.tellShift)
	if errors.Is(err, ErrClosed) {
		h.Flash(r, "volunteers.refused.closed")
		http.Redirect(w, r, "/volunteers/shifts/"+id64(id), http.StatusSeeOther)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if n == 0 {
		h.Flash(r, "volunteers.invited_none")
	} else {
		h.Flash(r, "volunteers.invited_sent")
	}
	http.Redirect(w, r, "/volunteers/shifts/"+id64(id), http.StatusSeeOther)
}

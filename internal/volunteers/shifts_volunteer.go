package volunteers

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"tremplin/internal/platform/web"
)

// Offer is a shift offered to the volunteer, with their place on it and, when
// they may not take it, the catalog key that says why.
type Offer struct {
	*Shift
	State   string
	Blocked string
}

// CanCancel reports whether the volunteer may still give up their place.
func (o *Offer) CanCancel(now time.Time) bool {
	return o.State == Waiting || (o.State == Coming && (o.Kind == Ongoing || !now.After(o.CancelBy())))
}

type volunteerShiftsPage struct {
	Volunteer *Volunteer
	Offers    []*Offer
	Pager     web.Pager
	Coming    []*MyShift
	Past      []*MyShift
	Ongoing   []*MyShift // ongoing missions they joined: hours logged here
	Now       time.Time
	Today     string
	Feed      string // the address of their calendar feed
}

// VolunteerShifts is the volunteer's shifts page: the coming shifts of their
// antenna (and why one is not open to them), theirs coming and past, "did it
// happen?" after a shift, hours of ongoing work: GET /volunteer/shifts.
func (h *Handlers) VolunteerShifts(w http.ResponseWriter, r *http.Request) {
	h.showVolunteerShifts(w, r, http.StatusOK, web.NewForm(url.Values{"day": {h.now().Format(time.DateOnly)}}))
}

func (h *Handlers) showVolunteerShifts(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	v, ok := h.volunteer(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	now := h.now()
	n, offset := web.PageOf(r, ShiftsPerPage)
	list, states, err := OfferedShifts(ctx, h.DB, v, now, offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &volunteerShiftsPage{Volunteer: v, Pager: web.NewPager(r, n, len(list) > ShiftsPerPage), Now: now}
	for _, s := range list[:min(len(list), ShiftsPerPage)] {
		o := &Offer{Shift: s, State: states[s.ID]}
		if o.State == "" || o.State == Cancelled {
			if err := Fits(ctx, h.DB, v, s, now); err != nil {
				if o.Blocked = Refusal(err); o.Blocked == "" {
					h.Render.Fail(w, r, err)
					return
				}
			}
		}
		d.Offers = append(d.Offers, o)
	}
	coming, err := MyShifts(ctx, h.DB, v.ID, false, now, 0)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	for _, s := range coming[:min(len(coming), ShiftsPerPage)] {
		if s.Kind == Ongoing {
			d.Ongoing = append(d.Ongoing, s)
		} else {
			d.Coming = append(d.Coming, s)
		}
	}
	if d.Past, err = MyShifts(ctx, h.DB, v.ID, true, now, 0); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Past = d.Past[:min(len(d.Past), ShiftsPerPage)]
	for _, s := range d.Past {
		if s.HoursState == "" && s.Minutes == 0 {
			s.Minutes = s.Shift.Minutes()
		}
	}
	if d.Feed, err = h.feedURL(ctx, v.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if len(d.Ongoing) > 0 {
		d.Today = now.In(d.Ongoing[0].StartsAt.Location()).Format(time.DateOnly)
	}
	h.Render.Render(w, r, status, "volunteers/shift_volunteer.html", d, f)
}

// VolunteerSignUp takes a place on a shift (wait=1: on its waitlist when it is
// full): POST /volunteer/shifts/{id}/signup.
func (h *Handlers) VolunteerSignUp(w http.ResponseWriter, r *http.Request) {
	v, ok := h.volunteer(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	state, err := SignUp(r.Context(), h.DB, v, web.PathID(r, "id"), f.Get("wait") == "1", h.now())
	if key := Refusal(err); key != "" {
		h.Flash(r, key)
		http.Redirect(w, r, "/volunteer/shifts", http.StatusSeeOther)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if state == Waiting {
		h.Flash(r, "volunteers.signed_up_waiting")
	} else {
		h.Flash(r, "volunteers.signed_up_coming")
	}
	http.Redirect(w, r, "/volunteer/shifts#mine", http.StatusSeeOther)
}

// VolunteerCancel gives up a place: POST /volunteer/shifts/{id}/cancel.
func (h *Handlers) VolunteerCancel(w http.ResponseWriter, r *http.Request) {
	v, ok := h.volunteer(w, r)
	if !ok {
		return
	}
	err := CancelSignup(r.Context(), h.DB, v.ID, web.PathID(r, "id"), h.now(), h.tellShift)
	if key := Refusal(err); key != "" {
		h.Flash(r, key)
		http.Redirect(w, r, "/volunteer/shifts#mine", http.StatusSeeOther)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "volunteers.signup_cancelled")
	http.Redirect(w, r, "/volunteer/shifts#mine", http.StatusSeeOther)
}

// VolunteerConfirm answers "did it happen?" after a shift: happened=yes with the
// hours given, or happened=no: POST /volunteer/shifts/{id}/hours.
func (h *Handlers) VolunteerConfirm(w http.ResponseWriter, r *http.Request) {
	v, ok := h.volunteer(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	// The answer belongs to this shift's card: a refusal is shown there, next
	// to the hours, with what the person typed.
	f.Set("confirm", r.PathValue("id"))
	happened := f.Get("happened") != "no"
	minutes, valid := parseHours(f.Get("hours"))
	if happened && (!valid || minutes <= 0) {
		f.Fail("hours", "volunteers.hours_invalid")
	} else {
		err := ConfirmHours(r.Context(), h.DB, v, web.PathID(r, "id"), happened, minutes, h.now())
		if key := HoursRefusal(err); key != "" {
			f.Fail("hours", key)
		} else if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.showVolunteerShifts(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	h.Flash(r, "volunteers.hours_sent")
	http.Redirect(w, r, "/volunteer/hours", http.StatusSeeOther)
}

// VolunteerLog records hours of ongoing work: POST /volunteer/shifts/{id}/log
// with day, hours and a short note.
func (h *Handlers) VolunteerLog(w http.ResponseWriter, r *http.Request) {
	v, ok := h.volunteer(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	f.Set("shift", r.PathValue("id"))
	f.Required("day", "hours")
	f.MaxLength("note", 300)
	if _, err := time.Parse(time.DateOnly, f.Get("day")); err != nil && f.Errors["day"] == "" {
		f.Fail("day", "volunteers.date_invalid")
	}
	minutes, valid := parseHours(f.Get("hours"))
	if (!valid || minutes <= 0) && f.Errors["hours"] == "" {
		f.Fail("hours", "volunteers.hours_invalid")
	}
	if f.Valid() {
		err := LogHours(r.Context(), h.DB, v, web.PathID(r, "id"), f.Get("day"), minutes, f.Get("note"), h.now())
		switch {
		case errors.Is(err, ErrFuture), errors.Is(err, ErrBeforeSignup):
			f.Fail("day", HoursRefusal(err))
		case errors.Is(err, ErrTooMany):
			f.Fail("hours", HoursRefusal(err))
		case err != nil:
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.showVolunteerShifts(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	h.Flash(r, "volunteers.hours_sent")
	http.Redirect(w, r, "/volunteer/hours", http.StatusSeeOther)
}

// VolunteerHours is "My hours": what the volunteer gave, its state, and the
// year's approved total: GET /volunteer/hours.
func (h *Handlers) VolunteerHours(w http.ResponseWriter, r *http.Request) {
	v, ok := h.volunteer(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	n, offset := web.PageOf(r, HoursPerPage)
	list, err := MyHours(ctx, h.DB, v.ID, offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	year := h.now().Year()
	total, err := ApprovedMinutes(ctx, h.DB, v.ID, year)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "volunteers/hours_mine.html", struct {
		Hours []*Hours
		Pager web.Pager
		Year  int
		Total Duration
	}{list[:min(len(list), HoursPerPage)], web.NewPager(r, n, len(list) > HoursPerPage), year, Duration(total)}, nil)
}

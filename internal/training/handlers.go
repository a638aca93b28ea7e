package training

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/ical"
	"tremplin/internal/platform/web"
)

func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// tell passes enrolment changes on to the learners room. The change is already
// saved, so a failure there is logged rather than shown as an error.
func (h *Handlers) tell(ctx context.Context, changes []Change) {
	if h.OnEnrolment == nil {
		return
	}
	for _, c := range changes {
		if err := h.OnEnrolment(ctx, c.LearnerID, c.State); err != nil && h.Log != nil {
			h.Log.Warn("enrolment callback", "learner", c.LearnerID, "state", c.State, "err", err)
		}
	}
}

func lang(r *http.Request) string { return i18n.FromContext(r.Context()).Lang }

// --- Calendar feeds ----------------------------------------------------------------

func sameToken(given, want string) bool {
	return given != "" && want != "" && subtle.ConstantTimeCompare([]byte(given), []byte(want)) == 1
}

func (h *Handlers) host() string {
	if u, err := url.Parse(h.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return ""
}

// writeCalendar sends events as the iCalendar feed name.
func (h *Handlers) writeCalendar(w http.ResponseWriter, file, name string, events []Event) {
	host := h.host()
	if host == "" {
		host = "tremplin"
	}
	out := make([]ical.Event, len(events))
	for i, e := range events {
		out[i] = ical.Event{UID: fmt.Sprintf("meeting-%d@%s", e.MeetingID, host), Start: e.Start, End: e.End, Stamp: e.Created,
			Summary: e.Title + " – " + e.Antenna, Location: e.Place, Cancelled: e.Cancelled}
	}
	body := ical.Calendar("-//Tremplin//Training//FR", name, out)
	hd := w.Header()
	hd.Set("Content-Type", "text/calendar; charset=utf-8")
	hd.Set("Content-Disposition", `inline; filename="`+file+`"`)
	hd.Set("Cache-Control", "private, max-age=300")
	w.Write([]byte(body))
}

// CohortCalendar is a cohort's meetings as an iCalendar feed. Calendar apps cannot
// sign in, so the URL carries the cohort's secret; without it the feed does not exist.
func (h *Handlers) CohortCalendar(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := web.PathID(r, "id")
	want, err := CohortFeedToken(ctx, h.DB, id)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		h.Render.Fail(w, r, err)
		return
	}
	if !sameToken(r.URL.Query().Get("token"), want) {
		h.Render.NotFound(w, r)
		return
	}
	c, err := CohortByID(ctx, h.DB, auth.Scope{All: true}, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	events, err := CohortEvents(ctx, h.DB, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.writeCalendar(w, fmt.Sprintf("cohort-%d.ics", id), c.ProgrammeTitle+" – "+c.AntennaName, events)
}

// AdviserCalendar is every meeting of the cohorts a staff member teaches.
func (h *Handlers) AdviserCalendar(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := web.PathID(r, "id")
	want, err := AdviserFeedToken(ctx, h.DB, id, false)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		h.Render.Fail(w, r, err)
		return
	}
	if !sameToken(r.URL.Query().Get("token"), want) {
		h.Render.NotFound(w, r)
		return
	}
	st, err := auth.ByID(ctx, h.DB, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	events, err := AdviserEvents(ctx, h.DB, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.writeCalendar(w, fmt.Sprintf("adviser-%d.ics", id), "Tremplin – "+st.Name, events)
}

func (h *Handlers) cohortFeedURL(c *Cohort) string {
	return fmt.Sprintf("%s/cohorts/%d/calendar.ics?token=%s", h.BaseURL, c.ID, c.FeedToken)
}

// Programme pages are in programmes.go; "my meetings" and roll calls in rollcall.go.

// --- Cohorts ---------------------------------------------------------------------

// The cohort list is in list.go.

type seatView struct {
	*Seat
	Hours string
}

type cohortPageData struct {
	Cohort     *Cohort
	Meetings   []Meeting
	Planned    string
	Enrolled   []seatView
	Offered    []seatView
	Waiting    []seatView
	Withdrawn  []seatView
	CanManage  bool
	NextStates []string
	FeedURL    string
	Now        time.Time
	// Cancelling and enrolling from this page (cancel.go, enrol.go).
	CanCancel bool
	CanReopen bool
	Log       []CohortLogEntry
	Enrol     *enrolSection
	Left      string // waitlisted people a bulk action could not serve
	// HoursWarning is set when the meetings planned exceed the programme's hours.
	HoursWarning *HoursWarning
}

// CohortShow shows a cohort: facts, timetable, who is enrolled with their hours,
// offers to confirm, the waitlist.
func (h *Handlers) CohortShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	c, err := CohortByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	meetings, err := Meetings(ctx, h.DB, c.ID, c.Loc())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	roster, err := Roster(ctx, h.DB, c.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	planned := PlannedHours(meetings)
	l := lang(r)
	data := cohortPageData{Cohort: c, Meetings: meetings, Planned: FormatHours(l, planned), CanManage: st.ManagesAntenna(c.AntennaID),
		FeedURL: h.cohortFeedURL(c), Now: time.Now(), HoursWarning: hoursWarning(l, c, planned)}
	if data.CanManage {
		data.NextStates = NextStates(c.State)
		data.CanCancel = Cancellable(c.State)
		if c.State == "cancelled" {
			if data.CanReopen, err = Reopenable(ctx, h.DB, c.ID, data.Now); err != nil {
				h.Render.Fail(w, r, err)
				return
			}
		}
	}
	if data.Log, err = CohortLog(ctx, h.DB, c.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if data.Enrol, err = h.enrolChoices(ctx, c, r.URL.Query().Get("q")); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	left := strings.Split(r.URL.Query().Get("left"), ",")
	for _, s := range roster {
		v := seatView{s, FormatHours(l, s.Attended)}
		switch s.State {
		case Enrolled:
			data.Enrolled = append(data.Enrolled, v)
		case Offered:
			data.Offered = append(data.Offered, v)
		case Waitlisted:
			data.Waiting = append(data.Waiting, v)
			if slices.Contains(left, idString(s.LearnerID)) {
				data.Left = strings.TrimPrefix(data.Left+", "+s.FirstName+" "+s.LastName, ", ")
			}
		default:
			data.Withdrawn = append(data.Withdrawn, v)
		}
	}
	h.Render.Render(w, r, http.StatusOK, "training/cohort.html", data, nil)
}

// managedCohort loads the cohort of the URL if the person may change it; anyone
// else gets the 404 page, as if it did not exist.
func (h *Handlers) managedCohort(w http.ResponseWriter, r *http.Request) (*Cohort, bool) {
	st := auth.Current(r.Context())
	c, err := CohortByID(r.Context(), h.DB, st.Scope(), web.PathID(r, "id"))
	if err == nil && !st.ManagesAntenna(c.AntennaID) {
		err = db.ErrNotFound
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return c, true
}

type adviserChoice struct {
	ID      int64
	Name    string
	Antenna string
}

type cohortFormData struct {
	Cohort     *Cohort
	Programmes []web.Option
	Antennas   []web.Option
	Places     []web.Option
	Advisers   []adviserChoice
	Chosen     []int64
}

// cohortChoices gathers what a cohort form offers: programmes, the antennas the
// person manages (or only the cohort's, once created), their places and staff.
type cohortChoices struct {
	data       cohortFormData
	antennas   map[int64]*org.Antenna
	places     map[int64]*org.Place
	programmes map[int64]*Programme
	staff      map[int64]*auth.Staff
}

func (h *Handlers) cohortChoices(r *http.Request, c *Cohort) (*cohortChoices, error) {
	ctx := r.Context()
	st := auth.Current(ctx)
	ch := &cohortChoices{antennas: map[int64]*org.Antenna{}, places: map[int64]*org.Place{}, staff: map[int64]*auth.Staff{}}
	ch.data.Cohort = c
	// Archived programmes take no new cohort; a cohort keeps its own.
	programmes, err := ProgrammesIn(ctx, h.DB, st.Scope(), true)
	if err != nil {
		return nil, err
	}
	ch.programmes = map[int64]*Programme{}
	ch.data.Programmes = []web.Option{{Value: "", Label: "form.choose"}}
	for i, p := range programmes {
		if p.Archived && p.ID != c.ProgrammeID || (c.ID != 0 && p.AntennaID != 0 && p.AntennaID != c.AntennaID) {
			continue
		}
		label := p.Title
		if p.AntennaID != 0 {
			label += " (" + p.AntennaName + ")"
		}
		ch.programmes[p.ID] = &programmes[i]
		ch.data.Programmes = append(ch.data.Programmes, web.Option{Value: idString(p.ID), Label: label, Raw: true})
	}
	antennas, err := org.Antennas(ctx, h.DB, st.Scope())
	if err != nil {
		return nil, err
	}
	ch.data.Antennas = []web.Option{{Value: "", Label: "form.choose"}}
	names := map[int64]string{}
	for _, a := range antennas {
		if !st.ManagesAntenna(a.ID) || (c.ID != 0 && a.ID != c.AntennaID) {
			continue
		}
		ch.antennas[a.ID] = a
		names[a.ID] = a.Name
		ch.data.Antennas = append(ch.data.Antennas, web.Option{Value: idString(a.ID), Label: a.Name, Raw: true})
	}
	places, err := org.Places(ctx, h.DB, st.Scope(), 0)
	if err != nil {
		return nil, err
	}
	ch.data.Places = []web.Option{{Value: "", Label: "form.choose"}}
	for _, p := range places {
		if ch.antennas[p.AntennaID] == nil {
			continue
		}
		ch.places[p.ID] = p
		label := p.Name
		if len(ch.antennas) > 1 {
			label = p.AntennaName + " · " + p.Name
		}
		ch.data.Places = append(ch.data.Places, web.Option{Value: idString(p.ID), Label: label, Raw: true})
	}
	staff, err := auth.List(ctx, h.DB, st.Scope())
	if err != nil {
		return nil, err
	}
	for _, s := range staff {
		if !s.Active || s.Role == auth.Admin {
			continue
		}
		for _, a := range s.Antennas {
			if ch.antennas[a] != nil {
				ch.staff[s.ID] = s
				ch.data.Advisers = append(ch.data.Advisers, adviserChoice{s.ID, s.Name, names[a]})
				break
			}
		}
	}
	return ch, nil
}

func cohortForm(c *Cohort) *web.Form {
	v := url.Values{"programme": {idString(c.ProgrammeID)}, "antenna": {idString(c.AntennaID)}, "place": {idString(c.PlaceID)}}
	if c.Capacity > 0 {
		v.Set("capacity", strconv.Itoa(c.Capacity))
	}
	if !c.StartsOn.IsZero() {
		v.Set("starts_on", c.StartsOn.Format(dateLayout))
		v.Set("ends_on", c.EndsOn.Format(dateLayout))
	}
	for _, a := range c.Advisers {
		v.Add("advisers", idString(a))
	}
	return web.NewForm(v)
}

func (h *Handlers) renderCohortForm(w http.ResponseWriter, r *http.Request, status int, ch *cohortChoices, f *web.Form) {
	ch.data.Chosen = nil
	for _, v := range f.All("advisers") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ch.data.Chosen = append(ch.data.Chosen, id)
		}
	}
	h.Render.Render(w, r, status, "training/cohort_form.html", ch.data, f)
}

// CohortNew shows the form for a new cohort.
func (h *Handlers) CohortNew(w http.ResponseWriter, r *http.Request) {
	c := &Cohort{Capacity: 12}
	ch, err := h.cohortChoices(r, c)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if len(ch.antennas) == 1 { // one antenna: nothing to choose
		for id := range ch.antennas {
			c.AntennaID = id
		}
	}
	if p, err := strconv.ParseInt(r.URL.Query().Get("programme"), 10, 64); err == nil {
		c.ProgrammeID = p
	}
	h.renderCohortForm(w, r, http.StatusOK, ch, cohortForm(c))
}

// CohortEdit shows the form for a cohort of an antenna the person manages.
func (h *Handlers) CohortEdit(w http.ResponseWriter, r *http.Request) {
	c, ok := h.managedCohort(w, r)
	if !ok {
		return
	}
	ch, err := h.cohortChoices(r, c)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.renderCohortForm(w, r, http.StatusOK, ch, cohortForm(c))
}

// CohortSave creates a cohort (as a draft) or updates one.
func (h *Handlers) CohortSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c := &Cohort{}
	if r.PathValue("id") != "" {
		var ok bool
		if c, ok = h.managedCohort(w, r); !ok {
			return
		}
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	ch, err := h.cohortChoices(r, c)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if c.ID == 0 {
		f.Required("antenna")
		id, _ := strconv.ParseInt(f.Get("antenna"), 10, 64)
		if ch.antennas[id] != nil {
			c.AntennaID = id
		} else if f.Get("antenna") != "" {
			f.Fail("antenna", "form.choose")
		}
	}
	cohortFromForm(f, c)
	if id, _ := strconv.ParseInt(f.Get("programme"), 10, 64); ch.programmes[id] != nil &&
		(ch.programmes[id].AntennaID == 0 || c.AntennaID == 0 || ch.programmes[id].AntennaID == c.AntennaID) {
		c.ProgrammeID = id
	} else if id != 0 && ch.programmes[id] != nil {
		f.Fail("programme", "training.programme_of_antenna")
	} else if f.Get("programme") != "" {
		f.Fail("programme", "form.choose")
	}
	if id, _ := strconv.ParseInt(f.Get("place"), 10, 64); ch.places[id] != nil && (c.AntennaID == 0 || ch.places[id].AntennaID == c.AntennaID) {
		c.PlaceID = id
	} else if f.Get("place") != "" {
		f.Fail("place", "training.place_of_antenna")
	}
	c.Advisers = nil
	for _, v := range f.All("advisers") {
		id, _ := strconv.ParseInt(v, 10, 64)
		if s := ch.staff[id]; s != nil && slices.Contains(s.Antennas, c.AntennaID) {
			c.Advisers = append(c.Advisers, id)
		} else {
			f.Fail("advisers", "training.adviser_of_antenna")
		}
	}
	var changes []Change
	if f.Valid() {
		changes, err = SaveCohort(ctx, h.DB, c, auth.Current(ctx).ID)
		switch {
		case errors.Is(err, ErrCapacityBelowTaken):
			f.Fail("capacity", "training.capacity_below_taken")
		case errors.Is(err, ErrMeetingsOutside):
			f.Fail("starts_on", "training.dates_exclude_meetings")
		case err != nil:
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.renderCohortForm(w, r, http.StatusUnprocessableEntity, ch, f)
		return
	}
	h.tell(ctx, changes)
	h.Flash(r, "saved")
	http.Redirect(w, r, "/cohorts/"+idString(c.ID), http.StatusSeeOther)
}

// CohortState moves a cohort to the state of the button pressed.
func (h *Handlers) CohortState(w http.ResponseWriter, r *http.Request) {
	c, ok := h.managedCohort(w, r)
	if !ok {
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	err = SetCohortState(r.Context(), h.DB, c.ID, f.Get("state"))
	if errors.Is(err, ErrBadTransition) {
		h.Render.Error(w, r, http.StatusBadRequest)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "training.state_changed")
	http.Redirect(w, r, "/cohorts/"+idString(c.ID), http.StatusSeeOther)
}

// scopedCohort loads the cohort of the URL in the person's antennas.
func (h *Handlers) scopedCohort(w http.ResponseWriter, r *http.Request) (*Cohort, bool) {
	c, err := CohortByID(r.Context(), h.DB, auth.Current(r.Context()).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return c, true
}

// CohortOffer offers the free seats to the people waiting, first in line first.
func (h *Handlers) CohortOffer(w http.ResponseWriter, r *http.Request) {
	c, ok := h.scopedCohort(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	changes, err := OfferSeats(ctx, h.DB, c.ID, auth.Current(ctx).ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.tell(ctx, changes)
	h.Flash(r, "training.seats_offered")
	http.Redirect(w, r, "/cohorts/"+idString(c.ID)+"#roster", http.StatusSeeOther)
}

// --- Enrolments --------------------------------------------------------------------

// EnrolmentWithdraw ends an enrolment, an offer (the seat passes to the next
// person waiting) or a place on the waitlist.
func (h *Handlers) EnrolmentWithdraw(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	cohortID, learnerID, state, err := EnrolmentByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	changes, err := Withdraw(ctx, h.DB, cohortID, learnerID, st.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.tell(ctx, changes)
	if state == Offered {
		h.Flash(r, "training.offer_passed")
	} else {
		h.Flash(r, "training.withdrawn")
	}
	http.Redirect(w, r, "/cohorts/"+idString(cohortID)+"#roster", http.StatusSeeOther)
}

// EnrolmentConfirm turns an offered seat into an enrolment.
func (h *Handlers) EnrolmentConfirm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	cohortID, learnerID, state, err := EnrolmentByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if state == Offered {
		if _, err := Enrol(ctx, h.DB, cohortID, learnerID, st.ID); err != nil && !errors.Is(err, ErrCohortClosed) {
			h.Render.Fail(w, r, err)
			return
		} else if err == nil {
			h.tell(ctx, []Change{{LearnerID: learnerID, State: Enrolled}})
			h.Flash(r, "training.offer_confirmed")
		}
	}
	http.Redirect(w, r, "/cohorts/"+idString(cohortID)+"#roster", http.StatusSeeOther)
}

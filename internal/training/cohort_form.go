package training

// The cohort form: a new cohort (a draft) or a change to one, with the
// programmes, places and advisers of the antennas the person manages.

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/calendar"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/web"
)

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

// CohortSave creates a cohort (as a draft) or updates one. Seats a larger capacity
// frees are offered to the waitlist, and the people enrolled are told when the
// cohort's meetings move to another place.
func (h *Handlers) CohortSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c := &Cohort{}
	if r.PathValue("id") != "" {
		var ok bool
		if c, ok = h.managedCohort(w, r); !ok {
			return
		}
	}
	place := c.PlaceID // before the form changes it
	f, ok := h.Render.Form(w, r)
	if !ok {
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
		changes, err = SaveCohort(ctx, h.DB, c, auth.Current(ctx).ID, h.Seats, h.cohortMoved(c.ID, place))
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

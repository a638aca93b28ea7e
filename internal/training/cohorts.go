package training

// The cohort pages: the staff list a page at a time, a cohort's page with its
// timetable and roster, and its state.

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/calendar"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

type cohortListData struct {
	Cohorts    []*Cohort
	Total      int
	Next       string // the next page, empty on the last
	First      string // the first page, when not on it
	Antennas   []web.Option
	Programmes []web.Option
	States     []web.Option
	CanAdd     bool
}

// CohortList shows the cohorts of the person's antennas a page at a time, filtered
// by antenna, programme, state and period.
func (h *Handlers) CohortList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	q := r.URL.Query()
	form := web.NewForm(url.Values{})
	filter := CohortFilter{State: q.Get("state")}
	if !slices.Contains(States, filter.State) {
		filter.State = ""
	}
	form.Values.Set("state", filter.State)
	antennas, err := org.Antennas(ctx, h.DB, st.Scope())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	programmes, err := ProgrammesIn(ctx, h.DB, st.Scope(), true)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	data := cohortListData{Antennas: []web.Option{{Value: "", Label: "training.all_antennas"}}}
	id, _ := strconv.ParseInt(q.Get("antenna"), 10, 64)
	for _, a := range antennas {
		data.Antennas = append(data.Antennas, web.Option{Value: idString(a.ID), Label: a.Name, Raw: true})
		data.CanAdd = data.CanAdd || st.ManagesAntenna(a.ID)
		if a.ID == id {
			filter.AntennaID = id
		}
	}
	form.Values.Set("antenna", idString(filter.AntennaID))
	lang := lang(r)
	data.Programmes = []web.Option{{Value: "", Label: "training.all_programmes"}}
	id, _ = strconv.ParseInt(q.Get("programme"), 10, 64)
	for _, p := range programmes {
		data.Programmes = append(data.Programmes, web.Option{Value: idString(p.ID), Label: p.TitleIn(lang).Text, Raw: true})
		if p.ID == id {
			filter.ProgrammeID = id
		}
	}
	form.Values.Set("programme", idString(filter.ProgrammeID))
	data.States = []web.Option{{Value: "", Label: "training.all_states"}}
	for _, s := range States {
		data.States = append(data.States, web.Option{Value: s, Label: "training.state." + s})
	}
	for _, name := range []string{"from", "to"} {
		v := strings.TrimSpace(q.Get(name))
		form.Values.Set(name, v)
		if v == "" {
			continue
		}
		day, ok := calendar.ParseDay(v)
		if !ok {
			form.Fail(name, "training.date_invalid")
		} else if name == "from" {
			filter.From = day
		} else {
			filter.To = day
		}
	}
	list, next, total, err := CohortPage(ctx, h.DB, st.Scope(), filter, q.Get("after"), CohortPageSize)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	data.Cohorts, data.Total = list, total
	keep := url.Values{}
	for _, k := range []string{"antenna", "programme", "state", "from", "to"} {
		if v := form.Values.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	if q.Get("after") != "" {
		data.First = "/cohorts?" + keep.Encode()
	}
	if next != "" {
		keep.Set("after", next)
		data.Next = "/cohorts?" + keep.Encode()
	}
	h.Render.Render(w, r, http.StatusOK, "training/cohorts.html", data, form)
}

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
	feed, err := h.cohortFeedURL(ctx, c, st.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	l := lang(r)
	data := cohortPageData{Cohort: c, Meetings: meetings, Planned: FormatHours(l, planned), CanManage: st.ManagesAntenna(c.AntennaID),
		FeedURL: feed, Now: time.Now(), HoursWarning: hoursWarning(l, c, planned)}
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

// scopedCohort loads the cohort of the URL in the person's antennas.
func (h *Handlers) scopedCohort(w http.ResponseWriter, r *http.Request) (*Cohort, bool) {
	c, err := CohortByID(r.Context(), h.DB, auth.Current(r.Context()).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return c, true
}

// CohortState moves a cohort to the state of the button pressed.
func (h *Handlers) CohortState(w http.ResponseWriter, r *http.Request) {
	c, ok := h.managedCohort(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	err := SetCohortState(r.Context(), h.DB, c.ID, f.Get("state"))
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

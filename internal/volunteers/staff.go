package volunteers

import (
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// DeclineReasons are the codes of why staff decline a volunteer (catalog keys
// "volunteers.decline.CODE").
var DeclineReasons = []string{"no_fit", "no_capacity", "not_reachable", "other"}

// listData is the staff list of volunteers.
type listData struct {
	Rows      []*Row
	Counts    map[string]int
	Total     int
	Filter    Filter
	States    []web.Option
	Skills    []web.Option
	Languages []web.Option
	Dues      []web.Option
	Prev      string // links to the previous and next pages, "" when none
	Next      string
}

// List shows the volunteers of the staff's antennas, filtered by state, skill,
// language and requirements expired or expiring, with how many are in each state.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	f := Filter{State: pick(q.Get("state"), States), Skill: pick(q.Get("skill"), Skills), Language: pick(q.Get("language"), Languages),
		Due: pick(q.Get("due"), []string{"expired", "expiring"}), Day: h.now().Format(time.DateOnly)}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.Page = max(f.Page, 1)
	rows, counts, err := List(ctx, h.DB, auth.Current(ctx).Scope(), f)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &listData{Rows: rows, Counts: counts, Filter: f,
		States:    web.CodeOptions("volunteers.state.", States, "volunteers.filter.all"),
		Skills:    web.CodeOptions("volunteers.skill.", Skills, "volunteers.filter.all"),
		Languages: web.CodeOptions("volunteers.lang.", Languages, "volunteers.filter.all"),
		Dues:      web.CodeOptions("volunteers.due.", []string{"expired", "expiring"}, "volunteers.filter.all")}
	for _, n := range counts {
		d.Total += n
	}
	page := func(n int) string {
		v := url.Values{}
		for k, x := range map[string]string{"state": f.State, "skill": f.Skill, "language": f.Language, "due": f.Due} {
			if x != "" {
				v.Set(k, x)
			}
		}
		v.Set("page", strconv.Itoa(n))
		return "/volunteers?" + v.Encode()
	}
	if f.Page > 1 {
		d.Prev = page(f.Page - 1)
	}
	if len(rows) == PageSize {
		d.Next = page(f.Page + 1)
	}
	form := web.NewForm(url.Values{"state": {f.State}, "skill": {f.Skill}, "language": {f.Language}, "due": {f.Due}})
	h.Render.Render(w, r, http.StatusOK, "volunteers/list.html", d, form)
}

// pick is v when it is one of codes, "" otherwise.
func pick(v string, codes []string) string {
	if slices.Contains(codes, v) {
		return v
	}
	return ""
}

// showData is a volunteer's page for staff.
type showData struct {
	V            *Volunteer
	Antenna      *org.Antenna
	Requirements []Requirement
	Decision     *Decision
	Charter      int
	Reasons      []web.Option
	Today        string
}

// Show is a volunteer's page: details, skills, languages, requirements with
// their expiry, the last decision, and what staff may do next.
func (h *Handlers) Show(w http.ResponseWriter, r *http.Request) {
	h.show(w, r, http.StatusOK, nil)
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	ctx := r.Context()
	sc := auth.Current(ctx).Scope()
	v, err := InScope(ctx, h.DB, sc, web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	today := h.now().Format(time.DateOnly)
	d := &showData{V: v, Today: today, Reasons: web.CodeOptions("volunteers.decline.", DeclineReasons, "form.choose")}
	if d.Antenna, err = org.AntennaByID(ctx, h.DB, sc, v.AntennaID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	c, err := CurrentCharter(ctx, h.DB, today)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Charter = c.Version
	if d.Requirements, err = Requirements(ctx, h.DB, v.ID, today, c.Version); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Decision, err = LastDecision(ctx, h.DB, v.ID); err != nil && !errors.Is(err, db.ErrNotFound) {
		h.Render.Fail(w, r, err)
		return
	}
	if f == nil {
		f = web.NewForm(url.Values{"seen_on": {today}})
	}
	h.Render.Render(w, r, status, "volunteers/show.html", d, f)
}

// decided answers a decision: back to the volunteer's page with a word, the 404
// page for a volunteer out of reach.
func (h *Handlers) decided(w http.ResponseWriter, r *http.Request, err error, done string) {
	switch {
	case errors.Is(err, ErrNotAllowed):
		h.Flash(r, "volunteers.decision.not_allowed")
	case err != nil:
		h.Render.Fail(w, r, err)
		return
	default:
		h.Flash(r, done)
	}
	http.Redirect(w, r, "/volunteers/"+r.PathValue("id"), http.StatusSeeOther)
}

// Validate makes a volunteer active and tells them how to sign in to their space.
func (h *Handlers) Validate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if _, ok := h.Render.Form(w, r); !ok {
		return
	}
	st := auth.Current(ctx)
	id := web.PathID(r, "id")
	v, err := InScope(ctx, h.DB, st.Scope(), id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	a, err := org.AntennaByID(ctx, h.DB, st.Scope(), v.AntennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	err = Decide(ctx, h.DB, st.Scope(), id, "active", "", st.ID, h.now(), func(tx *sql.Tx) error {
		return h.tell(ctx, tx, v, note{kind: "volunteer_validated", body: "volunteers.sms.validated", subject: "volunteers.email.validated_subject",
			args: []any{"antenna", a.Name}, link: h.BaseURL + "/volunteer/login?lang=" + v.Lang})
	})
	h.decided(w, r, err, "volunteers.decision.validated")
}

// Decline declines a pending volunteer with a coded reason.
func (h *Handlers) Decline(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	reason := pick(f.Get("reason"), DeclineReasons)
	if reason == "" {
		f.Fail("reason", "form.choose")
		h.show(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	st := auth.Current(ctx)
	id := web.PathID(r, "id")
	v, err := InScope(ctx, h.DB, st.Scope(), id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	a, err := org.AntennaByID(ctx, h.DB, st.Scope(), v.AntennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	// The person is told kindly, without the coded reason, which is for the
	// team; they can call the antenna.
	err = Decide(ctx, h.DB, st.Scope(), id, "declined", reason, st.ID, h.now(), func(tx *sql.Tx) error {
		return h.tell(ctx, tx, v, note{kind: "volunteer_declined", body: "volunteers.sms.declined", subject: "volunteers.email.declined_subject",
			args: []any{"antenna", a.Name, "phone", a.Phone}})
	})
	h.decided(w, r, err, "volunteers.decision.declined")
}

// Left records that a volunteer no longer gives time: they cannot sign in.
func (h *Handlers) Left(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if _, ok := h.Render.Form(w, r); !ok {
		return
	}
	st := auth.Current(ctx)
	err := Decide(ctx, h.DB, st.Scope(), web.PathID(r, "id"), "left", "", st.ID, h.now(), nil)
	h.decided(w, r, err, "volunteers.decision.left")
}

// Check records the day a staff member saw a volunteer's check of honourability
// (the staff member is who saw it); the document itself is never kept.
func (h *Handlers) Check(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	seen := f.Get("seen_on")
	if t, err := time.Parse(time.DateOnly, seen); err != nil {
		f.Fail("seen_on", "volunteers.check.date_invalid")
	} else if t.After(h.now()) {
		f.Fail("seen_on", "volunteers.check.date_future")
	}
	if !f.Valid() {
		h.show(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	st := auth.Current(ctx)
	err := RecordCheck(ctx, h.DB, st.Scope(), web.PathID(r, "id"), seen, st.ID, h.now())
	h.decided(w, r, err, "volunteers.check.recorded")
}

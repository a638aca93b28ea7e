package jobs

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
	"tremplin/internal/profiles"
)

// proposeProblem is the catalog key that says why a proposal was refused.
func proposeProblem(err error) string {
	switch {
	case errors.Is(err, ErrNoConsent):
		return "jobs.app.error.no_consent"
	case errors.Is(err, ErrNotOpen):
		return "jobs.app.error.not_open"
	case errors.Is(err, ErrDuplicate):
		return "jobs.app.error.duplicate"
	}
	return ""
}

// learnerInScope reports whether the staff member's antennas follow the person.
func (h *Handlers) learnerInScope(ctx context.Context, sc auth.Scope, id int64) bool {
	args := db.Args{id}
	var n int
	err := h.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM learners l WHERE l.id = $1 AND l.merged_into IS NULL AND "+
		sc.Where("l.antenna_id", &args), args...).Scan(&n)
	return err == nil && n == 1
}

// ProposeFromOffer puts a person forward for the offer, by their file's
// number: POST /jobs/{id}/applications.
func (h *Handlers) ProposeFromOffer(w http.ResponseWriter, r *http.Request) {
	st, o, ok := h.staffOffer(w, r)
	if !ok {
		return
	}
	if st.Role == auth.Fundraising {
		// The fundraising role never sees the people served.
		h.Render.Fail(w, r, db.ErrNotFound)
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	base := "/jobs/" + strconv.FormatInt(o.ID, 10)
	learner, _ := strconv.ParseInt(f.Get("learner"), 10, 64)
	if learner == 0 || !h.learnerInScope(r.Context(), st.Scope(), learner) {
		f.Fail("learner", "jobs.app.error.learner")
		h.renderOffer(w, r, http.StatusUnprocessableEntity, o, base, nil, "", f)
		return
	}
	_, err := h.Propose(r.Context(), o, learner, st.ID)
	if key := proposeProblem(err); key != "" {
		f.Fail("learner", key)
		h.renderOffer(w, r, http.StatusUnprocessableEntity, o, base, nil, "", f)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "jobs.app.flash.proposed")
	http.Redirect(w, r, base+"#applications", http.StatusSeeOther)
}

// ProposeFromFile puts the person forward for an open offer of the staff
// member's antennas' companies: POST /learners/{id}/applications.
func (h *Handlers) ProposeFromFile(w http.ResponseWriter, r *http.Request) {
	st := auth.Current(r.Context())
	learner := web.PathID(r, "id")
	if !h.learnerInScope(r.Context(), st.Scope(), learner) {
		h.Render.Fail(w, r, db.ErrNotFound)
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	back := "/learners/" + strconv.FormatInt(learner, 10)
	offer, _ := strconv.ParseInt(f.Get("offer"), 10, 64)
	o, err := OfferInScope(r.Context(), h.DB, st.Scope(), offer)
	if errors.Is(err, db.ErrNotFound) {
		h.Flash(r, "jobs.app.error.offer")
		http.Redirect(w, r, back+"#jobs", http.StatusSeeOther)
		return
	}
	if err == nil {
		_, err = h.Propose(r.Context(), o, learner, st.ID)
	}
	if key := proposeProblem(err); key != "" {
		h.Flash(r, key)
		http.Redirect(w, r, back+"#jobs", http.StatusSeeOther)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "jobs.app.flash.proposed")
	http.Redirect(w, r, back+"#jobs", http.StatusSeeOther)
}

// Cancel withdraws a pending application: POST /jobs/{id}/applications/{app}/cancel.
func (h *Handlers) Cancel(w http.ResponseWriter, r *http.Request) {
	st, o, ok := h.staffOffer(w, r)
	if !ok {
		return
	}
	if st.Role == auth.Fundraising {
		// The fundraising role never sees the people served.
		h.Render.Fail(w, r, db.ErrNotFound)
		return
	}
	a, err := ApplicationOf(r.Context(), h.DB, o.DonorID, o.ID, web.PathID(r, "app"))
	if err == nil && !st.InAntenna(a.AntennaID) {
		// Staff cancel the applications of their antennas' people only.
		err = db.ErrNotFound
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	base := "/jobs/" + strconv.FormatInt(o.ID, 10)
	err = h.Move(r.Context(), a, Change{State: AppCancelled}, Actor{StaffID: st.ID})
	if errors.Is(err, ErrTransition) {
		h.renderOffer(w, r, http.StatusConflict, o, base, nil, "jobs.error.transition", nil)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "jobs.app.flash.cancelled")
	http.Redirect(w, r, base+"#applications", http.StatusSeeOther)
}

// FileJobs is the learners package's Jobs hook: the person's applications,
// and the open offers of the staff member's antennas' companies they have not
// been proposed for: those they fit (offer's criteria, within CommuteKm of its
// town), best first, then the others.
func (h *Handlers) FileJobs(ctx context.Context, learnerID int64) (*learners.JobsSection, error) {
	apps, err := ApplicationsOfLearner(ctx, h.DB, learnerID)
	if err != nil {
		return nil, err
	}
	out := &learners.JobsSection{}
	applied := map[int64]bool{}
	for _, a := range apps {
		applied[a.OfferID] = true
		out.Apps = append(out.Apps, learners.JobLine{Company: a.Company, Offer: a.OfferTitle, State: "jobs.app.state." + a.State,
			StartsOn: a.StartsOn, Hired: a.State == AppAccepted, FromPerson: a.FromPerson()})
	}
	st := auth.Current(ctx)
	if st == nil || !profiles.Visible(ctx, h.DB, learnerID) {
		return out, nil
	}
	open, err := Offers(ctx, h.DB, st.Scope(), Filter{State: Open}, 0)
	if err != nil {
		return nil, err
	}
	open = open[:min(len(open), OffersPerPage)]
	byID := map[int64]*Offer{}
	var candidates []profiles.Offer
	for _, o := range open {
		if applied[o.ID] {
			continue
		}
		byID[o.ID] = o
		candidates = append(candidates, profiles.Offer{ID: o.ID, Criteria: o.Criteria()})
	}
	fits, err := profiles.FittingOffers(ctx, h.DB, learnerID, candidates)
	if err != nil {
		return nil, err
	}
	now := h.now()
	sent, err := sentLinks(ctx, h.DB, "learner_id", learnerID, now)
	if err != nil {
		return nil, err
	}
	var off string
	if err := h.DB.QueryRowContext(ctx, "SELECT messages_off_at FROM learners WHERE id = $1", learnerID).Scan(&off); err != nil {
		return nil, err
	}
	fitting := map[int64]bool{}
	for _, f := range fits {
		o := byID[f.ID]
		fitting[o.ID] = true
		fit := learners.JobFit{OfferID: o.ID, Company: o.Company, Title: o.Title, Town: o.Town, Score: f.Score, CanSend: off == ""}
		if s := sent[[2]int64{o.ID, learnerID}]; s != nil {
			fit.SentAt, fit.Answer, fit.Expired = s.At, s.Answer, !s.Open && s.Answer == ""
			fit.CanSend = fit.CanSend && fit.Expired
		}
		out.Fitting = append(out.Fitting, fit)
	}
	for _, o := range open {
		if !applied[o.ID] && !fitting[o.ID] {
			out.Offers = append(out.Offers, web.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Company + " — " + o.Title, Raw: true})
		}
	}
	return out, nil
}

// spaceApp loads the signed-in recruiter's offer and its application {app}.
func (h *Handlers) spaceApp(w http.ResponseWriter, r *http.Request) (*Recruiter, *Offer, *Application, bool) {
	rc, o, ok := h.spaceOffer(w, r)
	if !ok {
		return nil, nil, nil, false
	}
	a, err := ApplicationOf(r.Context(), h.DB, rc.DonorID, o.ID, web.PathID(r, "app"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, nil, false
	}
	return rc, o, a, true
}

// appData is an application's page in the company space.
type appData struct {
	Space   *Recruiter
	Offer   *Offer
	App     *Application
	Events  []*AppEvent
	Profile *profiles.View // nil when the person withdrew their consent
	Base    string
	Reasons []web.Option
	Problem string
}

func (h *Handlers) renderApp(w http.ResponseWriter, r *http.Request, status int, rc *Recruiter, o *Offer, a *Application, problem string, f *web.Form) {
	ctx := r.Context()
	ev, err := AppEvents(ctx, h.DB, a.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &appData{Space: rc, Offer: o, App: a, Events: ev, Reasons: reasonOptions(), Problem: problem,
		Base: "/company/jobs/" + strconv.FormatInt(o.ID, 10) + "/applications/" + strconv.FormatInt(a.ID, 10)}
	v, err := profiles.RecruiterView(ctx, h.DB, a.LearnerID)
	switch {
	case err == nil:
		d.Profile = v
	case !errors.Is(err, db.ErrNotFound):
		h.Render.Fail(w, r, err)
		return
	}
	if d.Profile == nil {
		// The person is named by their first name and initial only with
		// their consent: without it, the application shows no one.
		a.Learner = ""
	} else {
		a.Learner = d.Profile.Name
	}
	if f == nil {
		f = web.NewForm(url.Values{})
	}
	h.Render.Render(w, r, status, "jobs/application.html", d, f)
}

// SpaceApp is a proposed person's application, with their profile while
// they agree to show it: GET /company/jobs/{id}/applications/{app}.
func (h *Handlers) SpaceApp(w http.ResponseWriter, r *http.Request) {
	rc, o, a, ok := h.spaceApp(w, r)
	if !ok {
		return
	}
	h.renderApp(w, r, http.StatusOK, rc, o, a, "", nil)
}

// SpaceProfile is a proposed person's profile as recruiters see it, while
// they agree to show it; each read is audited:
// GET /company/jobs/{id}/applications/{app}/profile.
func (h *Handlers) SpaceProfile(w http.ResponseWriter, r *http.Request) {
	rc, o, a, ok := h.spaceApp(w, r)
	if !ok {
		return
	}
	v, err := profiles.RecruiterView(r.Context(), h.DB, a.LearnerID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if h.OnProfileRead != nil {
		h.OnProfileRead(r, rc.ID, a.LearnerID)
	}
	base := "/company/jobs/" + strconv.FormatInt(o.ID, 10) + "/applications/" + strconv.FormatInt(a.ID, 10)
	h.Profiles.RecruiterPage(w, r, v, base, base+"/cv.pdf", false)
}

// SpaceCV is a proposed person's CV while they agree to show their profile:
// GET /company/jobs/{id}/applications/{app}/cv.pdf.
func (h *Handlers) SpaceCV(w http.ResponseWriter, r *http.Request) {
	rc, _, a, ok := h.spaceApp(w, r)
	if !ok {
		return
	}
	body, err := profiles.CV(r.Context(), h.DB, a.LearnerID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if h.OnProfileRead != nil {
		h.OnProfileRead(r, rc.ID, a.LearnerID)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="cv.pdf"`)
	_, _ = w.Write(body)
}

// SpaceAppState is the company's answer: POST /company/jobs/{id}/applications/{app}/state.
func (h *Handlers) SpaceAppState(w http.ResponseWriter, r *http.Request) {
	rc, o, a, ok := h.spaceApp(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	c := Change{State: f.Get("state"), Reason: f.Get("reason"), ReasonShared: f.Get("reason_shared") != ""}
	if c.State == AppAccepted {
		if day, err := time.Parse(time.DateOnly, f.Get("starts_on")); err == nil {
			c.StartsOn = day
		}
	}
	err := h.Move(r.Context(), a, c, Actor{RecruiterID: rc.ID})
	switch {
	case errors.Is(err, ErrNoReason):
		f.Fail("reason", "jobs.app.error.reason")
		h.renderApp(w, r, http.StatusUnprocessableEntity, rc, o, a, "", f)
		return
	case errors.Is(err, ErrNoStartDay):
		f.Fail("starts_on", "jobs.error.date")
		h.renderApp(w, r, http.StatusUnprocessableEntity, rc, o, a, "", f)
		return
	case errors.Is(err, ErrTransition):
		h.renderApp(w, r, http.StatusConflict, rc, o, a, "jobs.error.transition", f)
		return
	case err != nil:
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(r.Context(), "application state", "application_id", a.ID, "state", a.State)
	h.Flash(r, "jobs.app.flash.state")
	http.Redirect(w, r, "/company/jobs/"+strconv.FormatInt(o.ID, 10)+"/applications/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
}

// MatchOffer is the profiles package's ForOffer hook: the open offer
// offerID of a company the viewer's antennas follow, for the matching page
// to propose its results to, with the states of the applications made;
// not for the fundraising role, nor for an offer that is not open.
func (h *Handlers) MatchOffer(r *http.Request, offerID int64) (profiles.MatchOffer, bool, error) {
	ctx := r.Context()
	st := auth.Current(ctx)
	if st == nil || st.Role == auth.Fundraising {
		return profiles.MatchOffer{}, false, nil
	}
	o, err := OfferInScope(ctx, h.DB, st.Scope(), offerID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && o.State != Open) {
		return profiles.MatchOffer{}, false, nil
	}
	if err != nil {
		return profiles.MatchOffer{}, false, err
	}
	apps, err := ApplicationsOfOffer(ctx, h.DB, o.ID)
	if err != nil {
		return profiles.MatchOffer{}, false, err
	}
	base := "/jobs/" + strconv.FormatInt(o.ID, 10)
	m := profiles.MatchOffer{Title: o.Title, Company: o.Company, Link: base, Action: base + "/applications", Proposed: map[int64]string{}}
	for _, a := range apps {
		m.Proposed[a.LearnerID] = a.State
	}
	return m, true, nil
}

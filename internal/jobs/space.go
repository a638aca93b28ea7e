package jobs

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/signin"
	"tremplin/internal/platform/web"
	"tremplin/internal/profiles"
)

// LinkLifetime is how long a sign-in link works (once).
const LinkLifetime = 30 * time.Minute

// InviteLifetime is how long the link sent with an access just given works
// (once): an invitation may wait a few days to be read.
const InviteLifetime = 7 * 24 * time.Hour

// links are the company space's one-time links, within signin.SpaceQuota.
var (
	links       = signin.Links{Kind: "company", Lifetime: LinkLifetime, Quota: signin.SpaceQuota}
	inviteLinks = signin.Links{Kind: "company-invite", Lifetime: InviteLifetime, Quota: signin.SpaceQuota}
)

// NewLink creates a one-time sign-in token for a recruiter, sent on their
// behalf; "" when they have been sent too many links within the hour.
func NewLink(ctx context.Context, d *db.DB, recruiterID int64, now time.Time) (string, error) {
	return links.New(ctx, d, recruiterID, "", now)
}

// SafeNext returns next when it is a page of the company space, "" otherwise.
func SafeNext(next string) string { return signin.SafeNext(next, "/company") }

type loginData struct{ Sent bool }

// LoginForm asks a recruiter for their email: GET /company/login.
func (h *Handlers) LoginForm(w http.ResponseWriter, r *http.Request) {
	next := SafeNext(r.URL.Query().Get("next"))
	if h.IsRecruiter(r) {
		http.Redirect(w, r, cmp.Or(next, "/company"), http.StatusSeeOther)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "jobs/login.html", loginData{}, web.NewForm(url.Values{"next": {next}}))
}

// LoginSend emails a one-time link when a recruiter has that email, and
// answers the same either way: POST /company/login.
func (h *Handlers) LoginSend(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	f.Required("email")
	f.MaxLength("email", 200)
	if e, ok := check.Email(f.Get("email")); e != "" && !ok {
		f.Fail("email", "form.email")
	}
	next := SafeNext(f.Get("next"))
	f.Set("next", next)
	if !f.Valid() {
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "jobs/login.html", loginData{}, f)
		return
	}
	rc, err := RecruiterByEmail(ctx, h.DB, f.Get("email"))
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		h.Render.Fail(w, r, err)
		return
	}
	var id int64
	if rc != nil {
		id = rc.ID
	}
	// Asked for nobody, the request counts against the address all the same.
	token, err := links.New(ctx, h.DB, id, web.ClientAddress(r), h.now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	switch {
	case rc != nil && token != "":
		p := i18n.FromContext(ctx)
		msg := notify.Email{To: rc.Email, Subject: p.T("jobs.login_email.subject"),
			Body: p.T("jobs.login_email.body", "name", rc.Name, "link", signin.URL(h.BaseURL, "/company", token, next),
				"minutes", int(LinkLifetime.Minutes()))}
		if err := h.Mail.Send(ctx, msg); err != nil {
			h.Log.ErrorContext(ctx, "company: sign-in email not sent", "recruiter_id", rc.ID, "err", err)
		}
	case rc != nil:
		h.Log.WarnContext(ctx, "company: too many sign-in links asked for", "recruiter_id", rc.ID)
	}
	h.Render.Render(w, r, http.StatusOK, "jobs/login.html", loginData{Sent: true}, web.NewForm(url.Values{"next": {next}}))
}

type linkData struct {
	Token, Next string
	Invalid     bool
}

// LinkForm is where the emailed link leads: a button that signs in (a mail
// scanner following the link does not use it up): GET /company/login/{token}.
func (h *Handlers) LinkForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	ok, err := links.Valid(r.Context(), h.DB, token, h.now())
	if err == nil && !ok {
		ok, err = inviteLinks.Valid(r.Context(), h.DB, token, h.now())
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	status := http.StatusOK
	if !ok {
		status = http.StatusGone
	}
	h.Render.Render(w, r, status, "jobs/link.html", linkData{Token: token, Invalid: !ok, Next: SafeNext(r.URL.Query().Get("next"))},
		web.NewForm(url.Values{}))
}

// LinkUse signs the recruiter in with the link, which then stops working:
// POST /company/login/{token}.
func (h *Handlers) LinkUse(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if _, ok := h.Render.Form(w, r); !ok {
		return
	}
	token := r.PathValue("token")
	next := SafeNext(r.PostFormValue("next"))
	id, err := links.Use(ctx, h.DB, token, h.now())
	if err == nil && id == 0 {
		id, err = inviteLinks.Use(ctx, h.DB, token, h.now())
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var rc *Recruiter
	if id != 0 {
		if rc, err = RecruiterByID(ctx, h.DB, id); err != nil && !errors.Is(err, db.ErrNotFound) {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if rc == nil {
		h.Render.Render(w, r, http.StatusGone, "jobs/link.html", linkData{Token: token, Invalid: true, Next: next}, web.NewForm(url.Values{}))
		return
	}
	if err := h.Auth.StartSpace(ctx, recruiterKey, rc.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := signedIn(ctx, h.DB, rc.ID, i18n.FromContext(ctx).Lang); err != nil {
		h.Log.WarnContext(ctx, "company: sign-in not recorded", "recruiter_id", rc.ID, "err", err)
	}
	h.Log.InfoContext(ctx, "recruiter signed in", "recruiter_id", rc.ID, "request_id", web.RequestID(ctx))
	http.Redirect(w, r, cmp.Or(next, "/company"), http.StatusSeeOther)
}

// Logout ends the recruiter's session: POST /company/logout.
func (h *Handlers) Logout(w http.ResponseWriter, r *http.Request) {
	h.Auth.EndSession(w, r, "/company/login")
}

// listData is a list of offers with its filter and pager.
type listData struct {
	Space     *Recruiter // the company space's recruiter, nil for staff
	Offers    []*Offer
	Pager     web.Pager
	State     string
	States    []stateLink
	Companies []web.Option
	// StateOptions are the states to filter by (staff's list).
	StateOptions []web.Option
	ROME         string
	Company      string
	// Edit: the viewer may post offers (not advisers).
	Edit bool
}

type stateLink struct {
	State, Link string
	Current     bool
}

func stateLinks(base, current string) []stateLink {
	out := []stateLink{{State: "", Link: base, Current: current == ""}}
	for _, s := range States {
		out = append(out, stateLink{State: s, Link: base + "?state=" + s, Current: current == s})
	}
	return out
}

// Space is the company space's home: the company's offers, by state: GET /company.
func (h *Handlers) Space(w http.ResponseWriter, r *http.Request) {
	rc, ok := h.recruiter(w, r)
	if !ok {
		return
	}
	state := r.URL.Query().Get("state")
	page, offset := web.PageOf(r, OffersPerPage)
	list, err := CompanyOffers(r.Context(), h.DB, rc.DonorID, Filter{State: state}, offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &listData{Space: rc, State: state, States: stateLinks("/company", state)}
	if len(list) > OffersPerPage {
		list = list[:OffersPerPage]
		d.Pager = web.NewPager(r, page, true)
	} else {
		d.Pager = web.NewPager(r, page, false)
	}
	d.Offers = list
	h.Render.Render(w, r, http.StatusOK, "jobs/space.html", d, nil)
}

// SpaceNew is the form to post an offer: GET /company/jobs/new.
func (h *Handlers) SpaceNew(w http.ResponseWriter, r *http.Request) {
	rc, ok := h.recruiter(w, r)
	if !ok {
		return
	}
	d := newFormData("/company/jobs", "/company")
	d.Space, d.Company = rc, rc.Company
	h.Render.Render(w, r, http.StatusOK, "jobs/offer_form.html", d, newOfferForm())
}

// SpaceCreate posts the company's offer: POST /company/jobs.
func (h *Handlers) SpaceCreate(w http.ResponseWriter, r *http.Request) {
	rc, ok := h.recruiter(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	o := &Offer{DonorID: rc.DonorID}
	readOffer(f, o, h.today(), true)
	if !f.Valid() {
		d := newFormData("/company/jobs", "/company")
		d.Space, d.Company = rc, rc.Company
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "jobs/offer_form.html", d, f)
		return
	}
	if err := SaveOffer(r.Context(), h.DB, o, Actor{RecruiterID: rc.ID}); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(r.Context(), "offer posted", "offer_id", o.ID, "recruiter_id", rc.ID)
	h.Flash(r, "jobs.flash.posted")
	http.Redirect(w, r, "/company/jobs/"+strconv.FormatInt(o.ID, 10), http.StatusSeeOther)
}

// spaceOffer reads the {id} offer of the recruiter's company; another
// company's is the 404 page.
func (h *Handlers) spaceOffer(w http.ResponseWriter, r *http.Request) (*Recruiter, *Offer, bool) {
	rc, ok := h.recruiter(w, r)
	if !ok {
		return nil, nil, false
	}
	o, err := OfferOf(r.Context(), h.DB, rc.DonorID, web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, false
	}
	return rc, o, true
}

// offerData is an offer's page.
type offerData struct {
	Offer  *Offer
	Events []*Event
	Base   string     // the offer's address on this side
	Space  *Recruiter // the company space's recruiter, nil for staff
	// Problem is a catalog key: why the change asked for was not made.
	Problem string
	Apps    []*Application
	People  bool // staff who may see and propose people (not the fundraising role)
	// Edit: the viewer may change the offer and its state (recruiters, and
	// staff who follow donors; not advisers).
	Edit bool
	// Candidates are the consenting people of the viewer's antennas who fit
	// the open offer, best first (People only); Proposed the state of the
	// application of those already proposed, by person.
	Candidates []profiles.Candidate
	Proposed   map[int64]string
	// Sent is the offer's link sent to each person who had it; CanSend the
	// people it may be sent to now (messages on, no link open or answered).
	Sent      map[int64]*Sent
	CanSend   map[int64]bool
	More      bool   // more people fit than the page shows
	MatchLink string // the matching page with the offer's criteria
}

// CandidatesShown is how many fitting people an offer's page lists.
const CandidatesShown = 20

// Criteria are what the offer asks, as matching reads them: the job's ROME
// code (its competences), the commune (its département), the hours and
// the start date.
func (o *Offer) Criteria() profiles.Criteria {
	c := profiles.Criteria{ROME: o.ROME, Skills: o.Skills, INSEE: o.INSEE, HoursPerWeek: o.Hours, Start: o.StartsOn}
	if town := CommuneByINSEE(o.INSEE); town != nil && town.Located {
		c.WithinKm = CommuteKm
	}
	return c
}

// CommuteKm is how far from an offer's town the people proposed for it live
// at most, on the offer's page and the matching it opens: a daily commute
// (the same département when the town's centre is not known).
const CommuteKm = 30

func (h *Handlers) showOffer(w http.ResponseWriter, r *http.Request, status int, o *Offer, base string, rc *Recruiter) {
	h.renderOffer(w, r, status, o, base, rc, "", nil)
}

// renderOffer writes an offer's page: its terms, its applications (for the
// company, the people named only while they agree to show their profile;
// for staff, the people of their antennas by name, the others as the
// company sees them), the people who fit the open offer (staff) and its
// log; f is the form to propose a person (staff).
func (h *Handlers) renderOffer(w http.ResponseWriter, r *http.Request, status int, o *Offer, base string, rc *Recruiter, problem string, f *web.Form) {
	ctx := r.Context()
	ev, err := Events(ctx, h.DB, o.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	apps, err := ApplicationsOfOffer(ctx, h.DB, o.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	st := auth.Current(ctx)
	d := &offerData{Offer: o, Events: ev, Base: base, Space: rc, Problem: problem, Apps: apps, Edit: rc != nil}
	// The fundraising role never sees the people served: like a company, it
	// sees an application's state, not who it is.
	d.People = rc == nil && st != nil && st.Role != auth.Fundraising
	if rc == nil && st != nil {
		d.Edit = auth.Fundraisers.Allows(st)
	}
	for _, a := range apps {
		a.Yours = d.People && st.InAntenna(a.AntennaID)
		if a.Yours {
			continue
		}
		a.Learner = ""
		if p, err := profiles.Load(ctx, h.DB, a.LearnerID); err == nil && p.Shown && profiles.Visible(ctx, h.DB, a.LearnerID) {
			a.Learner = p.FirstName
			if p.LastInitial != "" {
				a.Learner += " " + p.LastInitial + "."
			}
		}
	}
	if d.People && o.State == Open {
		if d.Candidates, d.More, err = profiles.Match(ctx, h.DB, st.Scope(), o.Criteria(), CandidatesShown, 0); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		d.Proposed = map[int64]string{}
		for _, a := range apps {
			d.Proposed[a.LearnerID] = a.State
		}
		if err := h.sendable(ctx, d, h.now()); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		q := url.Values{"rome": {o.ROME}, "offer": {strconv.FormatInt(o.ID, 10)}}
		if town := o.TownLabel(); town != "" {
			q.Set("town", town)
		}
		if c := o.Criteria(); c.WithinKm > 0 {
			q.Set("within", strconv.Itoa(c.WithinKm))
		}
		d.MatchLink = "/profiles/match?" + q.Encode()
	}
	if f == nil {
		f = web.NewForm(url.Values{})
	}
	h.Render.Render(w, r, status, "jobs/offer.html", d, f)
}

// SpaceShow is one of the company's offers and its log: GET /company/jobs/{id}.
func (h *Handlers) SpaceShow(w http.ResponseWriter, r *http.Request) {
	rc, o, ok := h.spaceOffer(w, r)
	if !ok {
		return
	}
	h.showOffer(w, r, http.StatusOK, o, "/company/jobs/"+strconv.FormatInt(o.ID, 10), rc)
}

// SpaceEdit is the form to change an offer: GET /company/jobs/{id}/edit.
func (h *Handlers) SpaceEdit(w http.ResponseWriter, r *http.Request) {
	rc, o, ok := h.spaceOffer(w, r)
	if !ok {
		return
	}
	base := "/company/jobs/" + strconv.FormatInt(o.ID, 10)
	if !o.Editable() {
		http.Redirect(w, r, base, http.StatusSeeOther)
		return
	}
	d := newFormData(base, base)
	d.Space, d.Company, d.Offer = rc, rc.Company, o
	h.Render.Render(w, r, http.StatusOK, "jobs/offer_form.html", d, offerForm(o))
}

// SpaceSave changes an offer's terms: POST /company/jobs/{id}.
func (h *Handlers) SpaceSave(w http.ResponseWriter, r *http.Request) {
	rc, o, ok := h.spaceOffer(w, r)
	if !ok {
		return
	}
	base := "/company/jobs/" + strconv.FormatInt(o.ID, 10)
	h.save(w, r, o, base, Actor{RecruiterID: rc.ID}, func(d *formData) { d.Space, d.Company = rc, rc.Company })
}

// SpaceState moves an offer to another state: POST /company/jobs/{id}/state.
func (h *Handlers) SpaceState(w http.ResponseWriter, r *http.Request) {
	rc, o, ok := h.spaceOffer(w, r)
	if !ok {
		return
	}
	h.setState(w, r, o, "/company/jobs/"+strconv.FormatInt(o.ID, 10), Actor{RecruiterID: rc.ID}, rc)
}

func (h *Handlers) today() time.Time {
	y, m, d := h.now().In(paris).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// paris is the time zone of the offers' dates (the communes are French).
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// save changes an offer's terms from its form, on either side.
func (h *Handlers) save(w http.ResponseWriter, r *http.Request, o *Offer, base string, by Actor, fill func(*formData)) {
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	if !o.Editable() {
		h.Render.Fail(w, r, db.ErrNotFound)
		return
	}
	readOffer(f, o, h.today(), false)
	if !f.Valid() {
		d := newFormData(base, base)
		d.Offer = o
		fill(d)
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "jobs/offer_form.html", d, f)
		return
	}
	err := SaveOffer(r.Context(), h.DB, o, by)
	if errors.Is(err, ErrTransition) {
		h.Flash(r, "jobs.flash.closed")
		http.Redirect(w, r, base, http.StatusSeeOther)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "jobs.flash.saved")
	http.Redirect(w, r, base, http.StatusSeeOther)
}

// setState moves an offer to the posted state, on either side.
func (h *Handlers) setState(w http.ResponseWriter, r *http.Request, o *Offer, base string, by Actor, rc *Recruiter) {
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	err := SetState(r.Context(), h.DB, o, f.Get("state"), by)
	if errors.Is(err, ErrTransition) {
		h.renderOffer(w, r, http.StatusConflict, o, base, rc, "jobs.error.transition", nil)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(r.Context(), "offer state", "offer_id", o.ID, "state", o.State)
	h.Flash(r, "jobs.flash.state."+o.State)
	http.Redirect(w, r, base, http.StatusSeeOther)
}

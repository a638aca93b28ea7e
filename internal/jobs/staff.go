package jobs

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/signin"
	"tremplin/internal/platform/web"
)

// List is every offer of the companies the staff member's antennas follow,
// filtered by state, company and ROME code: GET /jobs.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := auth.Current(ctx).Scope()
	q := r.URL.Query()
	f := Filter{State: q.Get("state")}
	f.DonorID, _ = strconv.ParseInt(q.Get("company"), 10, 64)
	if j := FindJob(q.Get("rome")); j != nil {
		f.ROME = j.Code
	}
	page, offset := web.PageOf(r, OffersPerPage)
	list, err := Offers(ctx, h.DB, sc, f, offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	companies, err := h.companyOptions(r, sc, "jobs.all_companies")
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &listData{State: f.State, Companies: companies, ROME: q.Get("rome"), Company: q.Get("company"),
		StateOptions: web.CodeOptions("jobs.state.", States, "jobs.all_states"), Edit: auth.Fundraisers.Allows(auth.Current(ctx))}
	d.Pager = web.NewPager(r, page, len(list) > OffersPerPage)
	if len(list) > OffersPerPage {
		list = list[:OffersPerPage]
	}
	d.Offers = list
	form := web.NewForm(url.Values{"state": {f.State}, "company": {d.Company}, "rome": {d.ROME}})
	h.Render.Render(w, r, http.StatusOK, "jobs/list.html", d, form)
}

func (h *Handlers) companyOptions(r *http.Request, sc auth.Scope, empty string) ([]web.Option, error) {
	cs, err := CompaniesInScope(r.Context(), h.DB, sc)
	if err != nil {
		return nil, err
	}
	out := []web.Option{{Value: "", Label: empty}}
	for _, c := range cs {
		out = append(out, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name, Raw: true})
	}
	return out, nil
}

func (h *Handlers) staffFormData(r *http.Request, action, back string) (*formData, error) {
	d := newFormData(action, back)
	var err error
	d.Companies, err = h.companyOptions(r, auth.Current(r.Context()).Scope(), "form.choose")
	return d, err
}

// New is the form to post an offer for a company: GET /jobs/new?company=.
func (h *Handlers) New(w http.ResponseWriter, r *http.Request) {
	d, err := h.staffFormData(r, "/jobs", "/jobs")
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f := newOfferForm()
	f.Set("company", r.URL.Query().Get("company"))
	h.Render.Render(w, r, http.StatusOK, "jobs/offer_form.html", d, f)
}

// Create posts an offer for a company the staff member follows: POST /jobs.
func (h *Handlers) Create(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	o := &Offer{}
	f.Required("company")
	if v := f.Get("company"); v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		c, err := CompanyInScope(ctx, h.DB, st.Scope(), id)
		switch {
		case errors.Is(err, db.ErrNotFound):
			f.Fail("company", "form.choose")
		case err != nil:
			h.Render.Fail(w, r, err)
			return
		default:
			o.DonorID = c.ID
		}
	}
	readOffer(f, o, h.today(), true)
	if !f.Valid() {
		d, err := h.staffFormData(r, "/jobs", "/jobs")
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "jobs/offer_form.html", d, f)
		return
	}
	if err := SaveOffer(ctx, h.DB, o, Actor{StaffID: st.ID}); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(ctx, "offer posted", "offer_id", o.ID, "staff_id", st.ID)
	h.Flash(r, "jobs.flash.posted")
	http.Redirect(w, r, "/jobs/"+strconv.FormatInt(o.ID, 10), http.StatusSeeOther)
}

// staffOffer reads the {id} offer of a company the staff member's antennas
// follow; another's is the 404 page.
func (h *Handlers) staffOffer(w http.ResponseWriter, r *http.Request) (*auth.Staff, *Offer, bool) {
	st := auth.Current(r.Context())
	o, err := OfferInScope(r.Context(), h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, false
	}
	return st, o, true
}

// Show is an offer and its log: GET /jobs/{id}.
func (h *Handlers) Show(w http.ResponseWriter, r *http.Request) {
	_, o, ok := h.staffOffer(w, r)
	if !ok {
		return
	}
	h.showOffer(w, r, http.StatusOK, o, "/jobs/"+strconv.FormatInt(o.ID, 10), nil)
}

// Edit is the form to change an offer: GET /jobs/{id}/edit.
func (h *Handlers) Edit(w http.ResponseWriter, r *http.Request) {
	_, o, ok := h.staffOffer(w, r)
	if !ok {
		return
	}
	base := "/jobs/" + strconv.FormatInt(o.ID, 10)
	if !o.Editable() {
		http.Redirect(w, r, base, http.StatusSeeOther)
		return
	}
	d := newFormData(base, base)
	d.Offer, d.Company = o, o.Company
	h.Render.Render(w, r, http.StatusOK, "jobs/offer_form.html", d, offerForm(o))
}

// Save changes an offer's terms: POST /jobs/{id}.
func (h *Handlers) Save(w http.ResponseWriter, r *http.Request) {
	st, o, ok := h.staffOffer(w, r)
	if !ok {
		return
	}
	h.save(w, r, o, "/jobs/"+strconv.FormatInt(o.ID, 10), Actor{StaffID: st.ID}, func(d *formData) { d.Company = o.Company })
}

// State moves an offer to another state: POST /jobs/{id}/state.
func (h *Handlers) State(w http.ResponseWriter, r *http.Request) {
	st, o, ok := h.staffOffer(w, r)
	if !ok {
		return
	}
	h.setState(w, r, o, "/jobs/"+strconv.FormatInt(o.ID, 10), Actor{StaffID: st.ID}, nil)
}

// companyData is a company's recruitment page.
type companyData struct {
	Company  *Company
	Contacts []*CompanyContact
	Offers   []*Offer
	More     bool
}

// Company is a company's recruitment: its contacts and their access to the
// company space, its offers: GET /companies/{id}/recruitment.
func (h *Handlers) Company(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := CompanyInScope(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &companyData{Company: c}
	if d.Contacts, err = ContactsOf(ctx, h.DB, c.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Offers, err = CompanyOffers(ctx, h.DB, c.ID, Filter{}, 0); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if len(d.Offers) > OffersPerPage {
		d.Offers, d.More = d.Offers[:OffersPerPage], true
	}
	h.Render.Render(w, r, http.StatusOK, "jobs/company.html", d, nil)
}

// Grant gives a company's contact access to the company space and emails
// them a link to sign in: POST /companies/{id}/recruiters/{recruiter}/grant.
func (h *Handlers) Grant(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	if _, ok := h.Render.Form(w, r); !ok {
		return
	}
	c, err := CompanyInScope(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	back := "/companies/" + strconv.FormatInt(c.ID, 10) + "/recruitment"
	contact := web.PathID(r, "recruiter")
	// The invitation goes in the company's language (the donor's) until the
	// recruiter signs in in theirs.
	var email, lang string
	if err := h.DB.QueryRowContext(ctx, `SELECT c.email, d.lang FROM donor_contacts c JOIN donors d ON d.id = c.donor_id
		WHERE c.id = $1 AND c.donor_id = $2`, contact, c.ID).Scan(&email, &lang); err != nil {
		h.Render.Fail(w, r, db.NotFound(err))
		return
	}
	if email == "" {
		h.Flash(r, "jobs.access.no_email")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	id, err := Grant(ctx, h.DB, c.ID, contact, st.ID, lang)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	rc, err := RecruiterByID(ctx, h.DB, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	// Counted for the recruiter only: staff gave the access.
	if token, err := inviteLinks.New(ctx, h.DB, rc.ID, "", h.now()); err != nil {
		h.Render.Fail(w, r, err)
		return
	} else if token != "" {
		p := i18n.For(rc.Lang)
		msg := notify.Email{To: rc.Email, Subject: p.T("jobs.invite_email.subject", "org", rc.Company),
			Body: p.T("jobs.invite_email.body", "name", rc.Name, "org", rc.Company, "link", signin.URL(h.BaseURL, "/company", token, ""),
				"days", int(InviteLifetime.Hours()/24), "login", h.BaseURL+"/company/login")}
		if err := h.Mail.Send(ctx, msg); err != nil {
			h.Log.ErrorContext(ctx, "company: invitation not sent", "recruiter_id", rc.ID, "err", err)
		}
	}
	h.Log.InfoContext(ctx, "recruiter access given", "recruiter_id", rc.ID, "staff_id", st.ID)
	h.Flash(r, "jobs.access.granted")
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// Revoke takes a contact's access to the company space back:
// POST /companies/{id}/recruiters/{recruiter}/revoke.
func (h *Handlers) Revoke(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	if _, ok := h.Render.Form(w, r); !ok {
		return
	}
	c, err := CompanyInScope(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := Revoke(ctx, h.DB, c.ID, web.PathID(r, "recruiter")); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(ctx, "recruiter access taken back", "donor_id", c.ID, "contact_id", web.PathID(r, "recruiter"), "staff_id", st.ID)
	h.Flash(r, "jobs.access.revoked")
	http.Redirect(w, r, "/companies/"+strconv.FormatInt(c.ID, 10)+"/recruitment", http.StatusSeeOther)
}

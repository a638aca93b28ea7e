package civic

import (
	"net/http"
	"net/url"
	"strconv"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/web"
)

type offerPage struct {
	ID                            int64
	Antennas                      []web.Option
	Domains, Remotes, States, YNs []web.Option
}

func yesNo() []web.Option {
	return []web.Option{{Value: "no", Label: "civic.no"}, {Value: "yes", Label: "civic.yes"}}
}

func yn(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// OfferNew shows the form of a new offer: GET /civic/offers/new.
func (h *Handlers) OfferNew(w http.ResponseWriter, r *http.Request) {
	start := h.now().AddDate(0, 1, 0)
	h.offerForm(w, r, http.StatusOK, 0, web.NewForm(url.Values{"months": {"8"}, "places": {"1"}, "remote": {"no"}, "state": {"draft"},
		"minors": {"no"}, "step_free": {"no"}, "starts_on": {dayString(start)[:8] + "01"}}))
}

// OfferEdit shows an offer's form: GET /civic/offers/{id}/edit.
func (h *Handlers) OfferEdit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o, err := OfferByID(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.offerForm(w, r, http.StatusOK, o.ID, web.NewForm(url.Values{"antenna": {strconv.FormatInt(o.AntennaID, 10)}, "title": {o.Title},
		"description": {o.Description}, "tasks": {o.Tasks}, "audience": {o.Audience}, "schedule": {o.Schedule}, "address": {o.Address},
		"minors": {yn(o.Minors)}, "step_free": {yn(o.StepFree)}, "remote": {o.Remote}, "domain": {o.Domain}, "state": {o.State},
		"months": {strconv.Itoa(o.Months)}, "places": {strconv.Itoa(o.Places)}, "starts_on": {dayString(o.Start)}}))
}

func (h *Handlers) offerForm(w http.ResponseWriter, r *http.Request, status int, id int64, f *web.Form) {
	ctx := r.Context()
	antennas, err := org.Antennas(ctx, h.DB, auth.Current(ctx).Scope())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	p := offerPage{ID: id, Domains: web.CodeOptions("civic.domain.", Domains, "form.choose"),
		Remotes: web.CodeOptions("civic.remote.", Remote, ""), States: web.CodeOptions("civic.offer_state.", OfferStates, ""), YNs: yesNo()}
	for _, a := range antennas {
		p.Antennas = append(p.Antennas, web.Option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name, Raw: true})
	}
	h.Render.Render(w, r, status, "civic/offer_form.html", p, f)
}

// OfferSave creates or changes an offer: POST /civic/offers[/{id}].
func (h *Handlers) OfferSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	o := &Offer{}
	if r.PathValue("id") != "" {
		var err error
		if o, err = OfferByID(ctx, h.DB, st.Scope(), web.PathID(r, "id")); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	f.Required("antenna", "title", "description", "domain", "starts_on", "months", "places")
	f.MaxLength("title", 200)
	for _, n := range []string{"description", "tasks", "audience", "schedule"} {
		f.MaxLength(n, 4000)
	}
	f.MaxLength("address", 300)
	antenna, _ := strconv.ParseInt(f.Get("antenna"), 10, 64)
	if f.Get("antenna") != "" && !st.InAntenna(antenna) {
		f.Fail("antenna", "civic.offer.antenna_bad")
	}
	o.AntennaID = antenna
	o.Title, o.Description, o.Tasks = f.Get("title"), f.Get("description"), f.Get("tasks")
	o.Audience, o.Schedule, o.Address = f.Get("audience"), f.Get("schedule"), f.Get("address")
	o.Minors, o.StepFree = f.Get("minors") == "yes", f.Get("step_free") == "yes"
	var err error
	if o.Domain, err = codeField(f, "domain", Domains); err != nil && o.Domain != "" {
		f.Fail("domain", "civic.choose_bad")
	}
	if o.Remote, err = codeField(f, "remote", Remote); err != nil {
		f.Fail("remote", "civic.choose_bad")
	}
	if o.State, err = codeField(f, "state", OfferStates); err != nil {
		f.Fail("state", "civic.choose_bad")
	}
	o.Start = dateField(f, "starts_on")
	if v := f.Get("months"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < MinMonths || n > MaxMonths {
			f.Fail("months", "civic.offer.months_range")
		} else {
			o.Months = n
		}
	}
	o.Places = intField(f, "places", 1, 100)
	if !f.Valid() {
		h.offerForm(w, r, http.StatusUnprocessableEntity, o.ID, f)
		return
	}
	if err := SaveOffer(ctx, h.DB, o); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "civic.offer.saved")
	http.Redirect(w, r, "/civic/offers/"+strconv.FormatInt(o.ID, 10), http.StatusSeeOther)
}

// OfferShow shows an offer and its applications, a page at a time: GET /civic/offers/{id}.
func (h *Handlers) OfferShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := auth.Current(ctx).Scope()
	o, err := OfferByID(ctx, h.DB, sc, web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	page, offset := web.PageOf(r, pageSize)
	apps, err := Applications(ctx, h.DB, sc, o.ID, pageSize+1, offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	more := len(apps) > pageSize
	apps = apps[:min(len(apps), pageSize)]
	h.Render.Render(w, r, http.StatusOK, "civic/offer.html", struct {
		Offer        *Offer
		Applications []*Application
		Pager        web.Pager
	}{o, apps, web.NewPager(r, page, more)}, nil)
}

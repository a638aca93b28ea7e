package civic

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

type contractFormPage struct {
	App       *Application
	Approvals []web.Option
	Tutors    []web.Option
	YNs       []web.Option
	Indemnity *Indemnity
}

// acceptedApplication is the application a contract is for: accepted, without
// a contract yet, of the scope's antennas.
func (h *Handlers) acceptedApplication(w http.ResponseWriter, r *http.Request) (*Application, bool) {
	ctx := r.Context()
	a, err := ApplicationByID(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err == nil && (a.State != "accepted" || a.ContractID != 0) {
		err = db.ErrNotFound
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return a, true
}

// ContractNew shows the contract form of an accepted applicant:
// GET /civic/applications/{id}/contract.
func (h *Handlers) ContractNew(w http.ResponseWriter, r *http.Request) {
	a, ok := h.acceptedApplication(w, r)
	if !ok {
		return
	}
	o, err := OfferByID(r.Context(), h.DB, auth.Scope{All: true}, a.OfferID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	start := o.Start
	if start.Before(h.now()) {
		start = h.now().AddDate(0, 0, 14)
	}
	h.contractForm(w, r, http.StatusOK, a, web.NewForm(url.Values{"starts_on": {dayString(start)},
		"ends_on": {dayString(MissionEnd(start, o.Months))}, "weekly_hours": {"24"}, "days_per_week": {"4"}, "social_topup": {"no"},
		"tutor": {strconv.FormatInt(auth.Current(r.Context()).ID, 10)}}))
}

func (h *Handlers) contractForm(w http.ResponseWriter, r *http.Request, status int, a *Application, f *web.Form) {
	ctx := r.Context()
	p := contractFormPage{App: a, YNs: yesNo()}
	approvals, err := ApprovalsFor(ctx, h.DB, a.AntennaID, h.now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	p.Approvals = []web.Option{{Value: "", Label: "form.choose"}}
	for _, ap := range approvals {
		p.Approvals = append(p.Approvals, web.Option{Value: strconv.FormatInt(ap.ID, 10), Raw: true,
			Label: ap.Number + " (" + strconv.Itoa(ap.Used) + "/" + strconv.Itoa(ap.Posts) + ")"})
	}
	if p.Tutors, err = tutors(r, h.DB, a.AntennaID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if p.Indemnity, err = IndemnityOn(ctx, h.DB, h.now()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, status, "civic/contract_form.html", p, f)
}

// tutors lists the active staff of an antenna, as options.
func tutors(r *http.Request, d *db.DB, antennaID int64) ([]web.Option, error) {
	return db.Collect[web.Option](d.QueryContext(r.Context(), `SELECT s.id, s.name FROM staff s
		JOIN staff_antennas sa ON sa.staff_id = s.id WHERE sa.antenna_id = $1 AND s.active ORDER BY s.name LIMIT 500`, antennaID))(
		func(row db.Scanner) (web.Option, error) {
			var id int64
			var name string
			err := row.Scan(&id, &name)
			return web.Option{Value: strconv.FormatInt(id, 10), Label: name, Raw: true}, err
		})
}

// ContractSave stores the contract, checked against the law's limits and the
// approval's quota, with its obligations: POST /civic/applications/{id}/contract.
func (h *Handlers) ContractSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	a, ok := h.acceptedApplication(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	f.Required("approval", "tutor", "starts_on", "ends_on", "weekly_hours", "days_per_week")
	c := &Contract{ApplicationID: a.ID, OfferID: a.OfferID, AntennaID: a.AntennaID, SocialTopup: f.Get("social_topup") == "yes"}
	c.ApprovalID, _ = strconv.ParseInt(f.Get("approval"), 10, 64)
	c.TutorID, _ = strconv.ParseInt(f.Get("tutor"), 10, 64)
	if f.Get("tutor") != "" {
		ts, err := tutors(r, h.DB, a.AntennaID)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		found := false
		for _, t := range ts {
			found = found || t.Value == f.Get("tutor")
		}
		if !found {
			f.Fail("tutor", "civic.contract.tutor_bad")
		}
	}
	c.Start, c.End = dateField(f, "starts_on"), dateField(f, "ends_on")
	c.WeeklyHours = numberField(f, "weekly_hours")
	c.Days = numberField(f, "days_per_week")
	if f.Valid() {
		for field, key := range (Terms{Start: c.Start, End: c.End, WeeklyHours: c.WeeklyHours, Days: c.Days, Birth: a.Birth}).Check() {
			f.Fail(field, key)
		}
	}
	if f.Valid() {
		err := CreateContract(ctx, h.DB, c, st.ID)
		switch {
		case errors.Is(err, ErrQuota):
			f.Fail("approval", "civic.contract.quota")
		case errors.Is(err, ErrPlaces):
			f.Fail("starts_on", "civic.contract.places_taken")
		case errors.Is(err, ErrApprovalPeriod):
			f.Fail("approval", "civic.contract.approval_period")
		case errors.Is(err, ErrNotAccepted):
			h.Render.Fail(w, r, db.ErrNotFound)
			return
		case err != nil:
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.contractForm(w, r, http.StatusUnprocessableEntity, a, f)
		return
	}
	h.Flash(r, "civic.contract.saved")
	http.Redirect(w, r, "/civic/contracts/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
}

// numberField reads a whole number, failing the field when it is not one.
func numberField(f *web.Form, name string) int {
	v := f.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		f.Fail(name, "civic.number_bad")
	}
	return n
}

// ContractShow shows a contract, its indemnity and its obligations:
// GET /civic/contracts/{id}.
func (h *Handlers) ContractShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := ContractByID(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	obligations, err := Obligations(ctx, h.DB, c.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	Mark(obligations, h.now())
	ind, err := IndemnityOn(ctx, h.DB, c.Start)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "civic/contract.html", struct {
		Contract    *Contract
		Obligations []*Obligation
		Indemnity   *Indemnity
		Today       string
		Minor       bool
	}{c, obligations, ind, dayString(h.now()), Age(c.Birth, c.Start) < AdultAge}, web.NewForm(url.Values{"on": {dayString(h.now())}}))
}

// ObligationDone records an obligation as done on a day: POST /civic/obligations/{id}/done.
func (h *Handlers) ObligationDone(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	on := dateField(f, "on")
	if on.IsZero() || on.After(h.now()) {
		on = h.now()
	}
	contract, err := MarkDone(ctx, h.DB, st.Scope(), web.PathID(r, "id"), on, st.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "civic.obligation.done_saved")
	back := "/civic/contracts/" + strconv.FormatInt(contract, 10)
	if f.Get("back") == "due" {
		back = "/civic/obligations"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// DueWithin is how far ahead the page of obligations looks.
const DueWithin = 30

// Due lists the obligations late or due within DueWithin days across the
// person's antennas: GET /civic/obligations.
func (h *Handlers) Due(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	page, offset := web.PageOf(r, pageSize)
	today := h.now()
	list, err := DueSoon(ctx, h.DB, auth.Current(ctx).Scope(), today.AddDate(0, 0, DueWithin), pageSize+1, offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	more := len(list) > pageSize
	list = list[:min(len(list), pageSize)]
	Mark(list, today)
	h.Render.Render(w, r, http.StatusOK, "civic/due.html", struct {
		Rows  []*Obligation
		Pager web.Pager
		Today string
	}{list, web.NewPager(r, page, more), dayString(today)}, nil)
}

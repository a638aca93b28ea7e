package civic

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// pageSize is how many rows a list shows at a time.
const pageSize = 50

// Home is the staff's civic-service page: offers, approvals, contracts: GET /civic.
func (h *Handlers) Home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	page, offset := web.PageOf(r, pageSize)
	offers, err := Offers(ctx, h.DB, st.Scope(), pageSize+1, offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	more := len(offers) > pageSize
	offers = offers[:min(len(offers), pageSize)]
	today := h.now()
	approvals, err := Approvals(ctx, h.DB, st.Scope(), today)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	contracts, err := Contracts(ctx, h.DB, st.Scope(), today, 100)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "civic/home.html", struct {
		Offers    []*Offer
		Approvals []*Approval
		Contracts []*Contract
		Pager     web.Pager
		Manager   bool
	}{offers, approvals, contracts, web.NewPager(r, page, more), st.Role != auth.Adviser}, nil)
}

type approvalPage struct {
	ID       int64
	Antennas []*org.Antenna
	Chosen   []int64
}

// ApprovalNew shows the form of a new approval: GET /civic/approvals/new.
func (h *Handlers) ApprovalNew(w http.ResponseWriter, r *http.Request) {
	h.approvalForm(w, r, http.StatusOK, &Approval{}, web.NewForm(url.Values{"posts": {"1"}}))
}

// ApprovalEdit shows an approval's form: GET /civic/approvals/{id}/edit.
func (h *Handlers) ApprovalEdit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, err := ApprovalByID(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"), h.now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f := web.NewForm(url.Values{"number": {a.Number}, "valid_from": {dayString(a.From)}, "valid_to": {dayString(a.To)},
		"posts": {strconv.Itoa(a.Posts)}})
	for _, id := range a.Antennas {
		f.Values.Add("antenna", strconv.FormatInt(id, 10))
	}
	h.approvalForm(w, r, http.StatusOK, a, f)
}

func (h *Handlers) approvalForm(w http.ResponseWriter, r *http.Request, status int, a *Approval, f *web.Form) {
	antennas, err := managed(r, h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var chosen []int64
	for _, v := range f.All("antenna") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			chosen = append(chosen, id)
		}
	}
	h.Render.Render(w, r, status, "civic/approval.html", approvalPage{ID: a.ID, Antennas: antennas, Chosen: chosen}, f)
}

// managed lists the antennas the person manages (all for an admin).
func managed(r *http.Request, d *db.DB) ([]*org.Antenna, error) {
	st := auth.Current(r.Context())
	all, err := org.Antennas(r.Context(), d, st.Scope())
	var out []*org.Antenna
	for _, a := range all {
		if st.ManagesAntenna(a.ID) {
			out = append(out, a)
		}
	}
	return out, err
}

// ApprovalSave creates or changes an approval: POST /civic/approvals[/{id}].
func (h *Handlers) ApprovalSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	a := &Approval{}
	if id := web.PathID(r, "id"); r.PathValue("id") != "" {
		var err error
		if a, err = ApprovalByID(ctx, h.DB, st.Scope(), id, h.now()); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		for _, ant := range a.Antennas {
			if !st.ManagesAntenna(ant) {
				h.Render.Fail(w, r, db.ErrNotFound)
				return
			}
		}
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	f.Required("number", "valid_from", "valid_to", "posts")
	f.MaxLength("number", 60)
	a.Number = f.Get("number")
	a.From, a.To = dateField(f, "valid_from"), dateField(f, "valid_to")
	if !a.From.IsZero() && !a.To.IsZero() && a.To.Before(a.From) {
		f.Fail("valid_to", "civic.approval.to_before_from")
	}
	a.Posts = intField(f, "posts", 1, 1000)
	a.Antennas = nil
	for _, v := range f.All("antenna") {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || !st.ManagesAntenna(id) {
			f.Fail("antenna", "civic.approval.antenna_bad")
			break
		}
		a.Antennas = append(a.Antennas, id)
	}
	if len(a.Antennas) == 0 {
		f.Fail("antenna", "civic.approval.antenna_required")
	}
	if !f.Valid() {
		h.approvalForm(w, r, http.StatusUnprocessableEntity, a, f)
		return
	}
	if err := SaveApproval(ctx, h.DB, a); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "civic.approval.saved")
	http.Redirect(w, r, "/civic", http.StatusSeeOther)
}

// dateField reads a YYYY-MM-DD field, failing it when it is not a date.
func dateField(f *web.Form, name string) time.Time {
	v := f.Get(name)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		f.Fail(name, "civic.date_bad")
	}
	return t
}

// intField reads a whole number between lo and hi, failing it otherwise.
func intField(f *web.Form, name string, lo, hi int) int {
	v := f.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		f.Fail(name, "civic.number_bad")
	}
	return n
}

var errNoChoice = errors.New("civic: not a choice")

// codeField reads a field that must be one of codes (or empty when optional).
func codeField(f *web.Form, name string, codes []string) (string, error) {
	v := f.Get(name)
	for _, c := range codes {
		if c == v {
			return v, nil
		}
	}
	return v, errNoChoice
}

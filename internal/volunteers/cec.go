package volunteers

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/web"
)

// cecData is the page of the Compte d'engagement citoyen.
type cecData struct {
	Year     int
	Rule     CECRule
	Deadline time.Time
	Declare  time.Time
	// Open: the association may confirm today; Late: the deadline has passed.
	Open, Late bool
	Entries    []*CECEntry
	Pager      web.Pager
	Years      []web.Option
}

// DefaultTotal is what the confirmation form offers as the hours declared in
// all associations: the hours here, or the law's total when they are less.
func (d *cecData) DefaultTotal(e *CECEntry) int {
	return max(int(e.LeadingMinutes/60), d.Rule.TotalHours)
}

// CECPage lists the volunteers who reach the Compte d'engagement citoyen's
// thresholds for a year (last year by default), with the deadlines and the
// association's confirmations: GET /volunteers/cec?year=2025.
func (h *Handlers) CECPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := h.now()
	year := now.Year() - 1
	if y := r.URL.Query().Get("year"); y != "" {
		year = ValidYear(y, now)
	}
	rule, err := CECRuleFor(ctx, h.DB, year)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	n, offset := web.PageOf(r, CECPerPage)
	list, more, err := cecEntries(ctx, h.DB, auth.Current(ctx).Scope(), rule, year, 0, offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	today := now.Format(time.DateOnly)
	d := &cecData{Year: year, Rule: rule, Deadline: rule.Deadline(year), Declare: rule.DeclareDeadline(year), Entries: list, Pager: web.NewPager(r, n, more)}
	d.Late = today > d.Deadline.Format(time.DateOnly)
	d.Open = year < now.Year() && !d.Late
	for y := now.Year(); y >= now.Year()-5; y-- {
		d.Years = append(d.Years, web.Option{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Raw: true})
	}
	h.Render.Render(w, r, http.StatusOK, "volunteers/cec_list.html", d, web.NewForm(url.Values{"year": {strconv.Itoa(year)}}))
}

// CECConfirm records the association's confirmation of a volunteer's year:
// POST /volunteers/cec/{id}/confirm (year, total_hours).
func (h *Handlers) CECConfirm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	st := auth.Current(ctx)
	// Another antenna's volunteer is the 404 page, whatever the form says.
	if _, err := InScope(ctx, h.DB, st.Scope(), web.PathID(r, "id")); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	year := ValidYear(f.Get("year"), h.now())
	back := "/volunteers/cec?year=" + strconv.Itoa(year)
	total, err := strconv.Atoi(f.Get("total_hours"))
	if err != nil || total < 0 || total > 8784 {
		h.Flash(r, "volunteers.cec.total_invalid")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	err = ConfirmCEC(ctx, h.DB, st.Scope(), web.PathID(r, "id"), year, total, st.ID, h.now())
	if key := CECRefusal(err); key != "" {
		h.Flash(r, key)
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "volunteers.cec.confirmed_now")
	http.Redirect(w, r, back, http.StatusSeeOther)
}

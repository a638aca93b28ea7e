package donations

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/opendata"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf"
	"tremplin/internal/platform/web"
)

// AddAgreementPage records a skills-sponsorship agreement from the company's
// page: POST /donors/{id}/agreements.
func (h *Handlers) AddAgreementPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, o, f, ok := h.posted(w, r)
	if !ok {
		return
	}
	a := &Agreement{DonorID: o.ID, Title: f.Get("agreement_title")}
	f.Required("agreement_title", "agreement_from", "agreement_to", "agreement_signed")
	f.MaxLength("agreement_title", 200)
	a.From = h.dateField(f, "agreement_from", false)
	a.To = h.dateField(f, "agreement_to", false)
	a.SignedOn = h.dateField(f, "agreement_signed", true)
	if !a.From.IsZero() && !a.To.IsZero() && a.To.Before(a.From) {
		f.Fail("agreement_to", "donations.sponsorship.to_before_from")
	}
	if o.Kind != Organisation {
		f.Fail("agreement_title", "donations.sponsorship.company_only")
	}
	if !f.Valid() {
		h.show(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err := AddAgreement(ctx, h.DB, a, st.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, agreementPath(o.ID, a.ID), http.StatusSeeOther)
}

// dateField reads a date field, failing it when it is not a date or, with
// past, when it is after today.
func (h *Handlers) dateField(f *web.Form, name string, past bool) time.Time {
	s := f.Get(name)
	if s == "" {
		return time.Time{}
	}
	on, err := time.Parse(time.DateOnly, s)
	switch {
	case err != nil:
		f.Fail(name, "donations.date_invalid")
	case past && on.After(h.now()):
		f.Fail(name, "donations.date_future")
	}
	return on
}

func agreementPath(donor, agreement int64) string {
	return "/donors/" + strconv.FormatInt(donor, 10) + "/agreements/" + strconv.FormatInt(agreement, 10)
}

type agreementPage struct {
	Donor      *Donor
	Agreement  *Agreement
	Kinds      []web.Option
	Valuations []*Valuation
	Years      []web.Option
	Today      string
}

// AgreementPage shows an agreement: the employees lent, the sessions and their
// signed sheets, and the valuation of each year: GET
// /donors/{id}/agreements/{agreement}.
func (h *Handlers) AgreementPage(w http.ResponseWriter, r *http.Request) {
	h.agreement(w, r, http.StatusOK, nil)
}

func (h *Handlers) agreement(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	ctx := r.Context()
	o, err := DonorInScope(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	a, err := AgreementOf(ctx, h.DB, o.ID, web.PathID(r, "agreement"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	p := &agreementPage{Donor: o, Agreement: a, Kinds: web.CodeOptions("donations.sponsorship.kind.", SessionKinds, ""),
		Today: h.now().Format(time.DateOnly)}
	last := min(a.To.Year(), h.now().Year())
	for y := last; y >= a.From.Year(); y-- {
		v, err := Value(ctx, h.DB, a.ID, y)
		if errors.Is(err, ErrNoCeiling) {
			continue
		}
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if len(v.Employees) > 0 || v.Gift != 0 {
			p.Valuations = append(p.Valuations, v)
		}
	}
	if f == nil {
		f = web.NewForm(url.Values{"session_kind": {"workshop"}})
	}
	h.Render.Render(w, r, status, "donations/agreement.html", p, f)
}

// postedAgreement reads the donor and agreement of a POST in the viewer's scope.
func (h *Handlers) postedAgreement(w http.ResponseWriter, r *http.Request) (*auth.Staff, *Agreement, *web.Form, bool) {
	st, o, f, ok := h.posted(w, r)
	if !ok {
		return nil, nil, nil, false
	}
	a, err := AgreementOf(r.Context(), h.DB, o.ID, web.PathID(r, "agreement"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, nil, false
	}
	return st, a, f, true
}

// AddEmployeePage adds an employee the company lends: POST
// /donors/{id}/agreements/{agreement}/employees.
func (h *Handlers) AddEmployeePage(w http.ResponseWriter, r *http.Request) {
	_, a, f, ok := h.postedAgreement(w, r)
	if !ok {
		return
	}
	e := &Employee{AgreementID: a.ID, Name: f.Get("emp_name"), Job: f.Get("emp_job")}
	f.Required("emp_name", "emp_job", "emp_cost")
	f.MaxLength("emp_name", 200)
	f.MaxLength("emp_job", 200)
	if s := f.Get("emp_cost"); s != "" {
		cents, ok := parseEuros(s)
		if !ok || cents <= 0 {
			f.Fail("emp_cost", "donations.amount_invalid")
		}
		e.HourlyCents = cents
	}
	if !f.Valid() {
		h.agreement(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err := AddEmployee(r.Context(), h.DB, e); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, agreementPath(a.DonorID, a.ID)+"#employees", http.StatusSeeOther)
}

// AddSessionPage records a session and its named list: POST
// /donors/{id}/agreements/{agreement}/sessions.
func (h *Handlers) AddSessionPage(w http.ResponseWriter, r *http.Request) {
	st, a, f, ok := h.postedAgreement(w, r)
	if !ok {
		return
	}
	s := &Session{AgreementID: a.ID, Kind: f.Get("session_kind"), Topic: f.Get("session_topic"),
		Start: f.Get("session_start"), End: f.Get("session_end")}
	f.Required("session_kind", "session_on", "session_start", "session_end")
	f.MaxLength("session_topic", 300)
	if s.Kind != "" && !slices.Contains(SessionKinds, s.Kind) {
		f.Fail("session_kind", "form.choose")
	}
	s.On = h.dateField(f, "session_on", false)
	if !s.On.IsZero() && (s.On.Before(a.From) || s.On.After(a.To)) {
		f.Fail("session_on", "donations.sponsorship.outside")
	}
	start, err1 := time.Parse("15:04", s.Start)
	end, err2 := time.Parse("15:04", s.End)
	switch {
	case s.Start != "" && err1 != nil:
		f.Fail("session_start", "donations.sponsorship.time_invalid")
	case s.End != "" && err2 != nil:
		f.Fail("session_end", "donations.sponsorship.time_invalid")
	case s.Start != "" && s.End != "" && !end.After(start):
		f.Fail("session_end", "donations.sponsorship.end_before_start")
	}
	s.Minutes = int(end.Sub(start).Minutes())
	var attendees []int64
	for _, v := range f.All("attendee") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			attendees = append(attendees, id)
		}
	}
	if len(attendees) == 0 {
		f.Fail("attendee", "donations.sponsorship.attendee_needed")
	}
	if !f.Valid() {
		h.agreement(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	err := AddSession(r.Context(), h.DB, s, attendees, st.ID)
	switch {
	case errors.Is(err, ErrNoAttendee):
		f.Fail("attendee", "donations.sponsorship.attendee_needed")
	case errors.Is(err, ErrOutsideDates):
		f.Fail("session_on", "donations.sponsorship.outside")
	case err != nil:
		h.Render.Fail(w, r, err)
		return
	}
	h.answered(w, r, a, f, "#sessions")
}

// SignedPage records that a session's sheet came back signed by both sides:
// POST /donors/{id}/agreements/{agreement}/sessions/{session}/signed.
func (h *Handlers) SignedPage(w http.ResponseWriter, r *http.Request) {
	st, a, f, ok := h.postedAgreement(w, r)
	if !ok {
		return
	}
	session := web.PathID(r, "session")
	field := "signed_" + strconv.FormatInt(session, 10)
	f.Required(field)
	on := h.dateField(f, field, true)
	if f.Valid() {
		err := MarkSigned(r.Context(), h.DB, a.ID, session, on, h.now(), st.ID)
		switch {
		case errors.Is(err, ErrSignedDate):
			f.Fail(field, "donations.sponsorship.signed_date")
		case err != nil:
			h.Render.Fail(w, r, err)
			return
		}
	}
	h.answered(w, r, a, f, "#sessions")
}

// ValuationPage records a year's valuation as the gift a receipt will carry:
// POST /donors/{id}/agreements/{agreement}/valuation.
func (h *Handlers) ValuationPage(w http.ResponseWriter, r *http.Request) {
	st, a, f, ok := h.postedAgreement(w, r)
	if !ok {
		return
	}
	year, err := strconv.Atoi(f.Get("year"))
	if err != nil || year < a.From.Year() || year > a.To.Year() {
		f.Fail("year", "form.choose")
	} else {
		_, err = RecordValuation(r.Context(), h.DB, a.ID, year, st.ID)
		switch {
		case errors.Is(err, ErrNothingValued):
			f.Fail("year", "donations.sponsorship.nothing_valued")
		case errors.Is(err, ErrReceipted):
			f.Fail("year", "donations.sponsorship.receipted")
		case errors.Is(err, ErrNoCeiling):
			f.Fail("year", "donations.sponsorship.no_ceiling")
		case err != nil:
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.agreement(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	h.Flash(r, "donations.sponsorship.valued")
	http.Redirect(w, r, "/donors/"+strconv.FormatInt(a.DonorID, 10)+"#gifts", http.StatusSeeOther)
}

// answered shows the agreement again with f's errors (422), or goes back to
// it at anchor once the change is made.
func (h *Handlers) answered(w http.ResponseWriter, r *http.Request, a *Agreement, f *web.Form, anchor string) {
	if !f.Valid() {
		h.agreement(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	http.Redirect(w, r, agreementPath(a.DonorID, a.ID)+anchor, http.StatusSeeOther)
}

// SheetPDF prints a session's named attendance sheet, to be signed by each
// employee, the company and the association: GET
// /donors/{id}/agreements/{agreement}/sessions/{session}/sheet.pdf.
func (h *Handlers) SheetPDF(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o, err := DonorInScope(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	a, err := AgreementOf(ctx, h.DB, o.ID, web.PathID(r, "agreement"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var s *Session
	for _, x := range a.Sessions {
		if x.ID == web.PathID(r, "session") {
			s = x
		}
	}
	if s == nil {
		h.Render.Fail(w, r, db.ErrNotFound)
		return
	}
	assoc, err := associationName(ctx, h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	body, err := sheetPDF(i18n.FromContext(ctx), assoc, o, a, s)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Attach(w, "application/pdf", "emargement-mecenat-"+s.On.Format(time.DateOnly)+".pdf")
	w.Write(body)
}

// sheetPDF lays the sheet out in the reader's language: who lends whom under
// which agreement, the session, a line per employee to sign on arrival and
// departure, and the two sides' signatures.
func sheetPDF(p i18n.Printer, assoc string, o *Donor, a *Agreement, s *Session) ([]byte, error) {
	doc := pdf.New(p.Dir())
	title := p.T("donations.sponsorship.sheet.title")
	doc.SetTitle(title, true)
	doc.SetCreator("Tremplin", true)
	doc.SetMargins(15, 15, 15)
	doc.SetAutoPageBreak(true, 15)
	doc.AddPage()
	align := "L"
	if doc.RTL() {
		align = "R"
	}
	doc.SetFont("B", 15)
	doc.MultiCell(0, 8, title, "", align, false)
	doc.SetFont("", 10)
	for _, line := range []string{
		p.T("donations.sponsorship.sheet.parties", "association", assoc, "company", o.Name()),
		p.T("donations.sponsorship.sheet.agreement", "title", a.Title, "from", web.FormatDate(p, a.From), "to", web.FormatDate(p, a.To)),
		p.T("donations.sponsorship.sheet.session", "kind", p.T("donations.sponsorship.kind."+s.Kind), "date", web.FormatDate(p, s.On),
			"start", s.Start, "end", s.End),
	} {
		doc.MultiCell(0, 6, line, "", align, false)
	}
	if s.Topic != "" {
		doc.MultiCell(0, 6, p.T("donations.sponsorship.sheet.topic", "topic", s.Topic), "", align, false)
	}
	doc.Ln(4)
	widths := []float64{55, 45, 40, 40}
	doc.SetFont("B", 9)
	for i, hd := range []string{p.T("donations.sponsorship.sheet.col_name"), p.T("donations.sponsorship.sheet.col_job"),
		p.T("donations.sponsorship.sheet.col_morning"), p.T("donations.sponsorship.sheet.col_signature")} {
		doc.CellFormat(widths[i], 7, doc.Fit(hd, widths[i]-1), "1", 0, "C", false, 0, "")
	}
	doc.Ln(-1)
	doc.SetFont("", 10)
	for _, e := range s.Attendees {
		doc.CellFormat(widths[0], 14, doc.Fit(e.Name, widths[0]-2), "1", 0, align, false, 0, "")
		doc.CellFormat(widths[1], 14, doc.Fit(e.Job, widths[1]-2), "1", 0, align, false, 0, "")
		doc.CellFormat(widths[2], 14, s.Start+" – "+s.End, "1", 0, "C", false, 0, "")
		doc.CellFormat(widths[3], 14, "", "1", 0, "", false, 0, "")
		doc.Ln(-1)
	}
	doc.Ln(8)
	doc.SetFont("B", 10)
	half := 90.0
	doc.CellFormat(half, 6, p.T("donations.sponsorship.sheet.for_company", "company", o.Name()), "", 0, align, false, 0, "")
	doc.CellFormat(half, 6, p.T("donations.sponsorship.sheet.for_association", "association", assoc), "", 1, align, false, 0, "")
	doc.SetFont("", 9)
	doc.CellFormat(half, 6, p.T("donations.sponsorship.sheet.name_date"), "", 0, align, false, 0, "")
	doc.CellFormat(half, 6, p.T("donations.sponsorship.sheet.name_date"), "", 1, align, false, 0, "")
	y := doc.GetY()
	doc.Rect(15, y+2, half-5, 25, "D")
	doc.Rect(15+half, y+2, half-5, 25, "D")
	return doc.Bytes()
}

// associationName is the association's name as its identity page gives it.
func associationName(ctx context.Context, d *db.DB) (string, error) {
	a, err := opendata.LoadAssociation(ctx, d)
	if err != nil {
		return "", err
	}
	return a.Name, nil
}

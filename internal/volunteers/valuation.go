package volunteers

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf"
	"tremplin/internal/platform/sheet"
	"tremplin/internal/platform/web"
)

// String is the amount for a page: "1 234,50 €" (grouped by thin spaces).
func (m Money) String() string {
	whole := strconv.FormatInt(int64(m)/100, 10)
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s,%02d\u00a0€", b.String(), int64(m)%100)
}

// plainHours is minutes as decimal hours with two decimals and a decimal comma
// ("1,50"), as a French spreadsheet reads them.
func plainHours(minutes int64) string {
	return strings.Replace(strconv.FormatFloat(float64(minutes)/60, 'f', 2, 64), ".", ",", 1)
}

// valuationData is the yearly valuation page.
type valuationData struct {
	V      *Valuation
	Years  []web.Option
	Months []int
	Query  string
}

// valuation reads the year asked for (?year=, this year by default) in the
// staff member's scope.
func (h *Handlers) valuation(w http.ResponseWriter, r *http.Request) (*Valuation, bool) {
	year := ValidYear(r.URL.Query().Get("year"), h.now())
	v, err := YearValuation(r.Context(), h.DB, auth.Current(r.Context()).Scope(), year)
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return v, true
}

// ValuationPage shows a year's approved hours and their value by antenna,
// mission and month, the rates used, and the exports: GET /volunteers/valuation.
func (h *Handlers) ValuationPage(w http.ResponseWriter, r *http.Request) {
	v, ok := h.valuation(w, r)
	if !ok {
		return
	}
	d := &valuationData{V: v, Query: "year=" + strconv.Itoa(v.Year)}
	for y := h.now().Year(); y >= h.now().Year()-5; y-- {
		d.Years = append(d.Years, web.Option{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Raw: true})
	}
	for m := 1; m <= 12; m++ {
		d.Months = append(d.Months, m)
	}
	h.Render.Render(w, r, http.StatusOK, "volunteers/valuation_page.html", d, web.NewForm(url.Values{"year": {strconv.Itoa(v.Year)}}))
}

// valuationTable is the year's lines as one table (antenna, mission, month,
// hours, value) ending with the total: text cells for the CSV (decimal
// comma), numbers for the workbook. Text goes through the exports' guard
// against formulas.
func valuationTable(p i18n.Printer, v *Valuation, forCSV bool) *sheet.Table {
	t := &sheet.Table{Sheet: p.T("volunteers.valuation.sheet"),
		Headers: []string{p.T("volunteers.valuation.col_antenna"), p.T("volunteers.valuation.col_mission"), p.T("volunteers.valuation.col_month"),
			p.T("volunteers.valuation.col_hours"), p.T("volunteers.valuation.col_value")},
		Widths: []float64{24, 32, 10, 12, 14}}
	num := func(minutes int64, value Money) []any {
		if forCSV {
			return []any{plainHours(minutes), value.Plain()}
		}
		return []any{math.Round(float64(minutes)/60*100) / 100, value.Euros()}
	}
	for _, l := range v.Lines {
		t.Rows = append(t.Rows, append([]any{l.AntennaName, l.MissionTitle, fmt.Sprintf("%04d-%02d", v.Year, l.Month)}, num(l.Minutes, l.Value)...))
	}
	t.Rows = append(t.Rows, append([]any{p.T("volunteers.valuation.total"), "", strconv.Itoa(v.Year)}, num(v.Total.Minutes, v.Total.Value)...))
	return t
}

// ValuationCSV sends the year's lines as CSV for a French Excel (UTF-8 with a
// byte-order mark, ";" between fields, decimal comma): GET /volunteers/valuation.csv.
func (h *Handlers) ValuationCSV(w http.ResponseWriter, r *http.Request) {
	v, ok := h.valuation(w, r)
	if !ok {
		return
	}
	buf, err := valuationTable(i18n.FromContext(r.Context()), v, true).CSV(';')
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Attach(w, "text/csv; charset=utf-8", fmt.Sprintf("tremplin-valorisation-benevolat-%d.csv", v.Year))
	w.Write(buf.Bytes())
}

// ValuationXLSX sends the year's lines as a workbook: GET /volunteers/valuation.xlsx.
func (h *Handlers) ValuationXLSX(w http.ResponseWriter, r *http.Request) {
	v, ok := h.valuation(w, r)
	if !ok {
		return
	}
	buf, err := valuationTable(i18n.FromContext(r.Context()), v, false).XLSX()
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Attach(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fmt.Sprintf("tremplin-valorisation-benevolat-%d.xlsx", v.Year))
	w.Write(buf.Bytes())
}

// ValuationPDF sends the year's figures for the annex of the accounts: the
// rates used, then hours and value by antenna, by month and by mission, and the
// total: GET /volunteers/valuation.pdf, in the page's language (right to left
// in Arabic).
func (h *Handlers) ValuationPDF(w http.ResponseWriter, r *http.Request) {
	v, ok := h.valuation(w, r)
	if !ok {
		return
	}
	body, err := valuationPDF(i18n.FromContext(r.Context()), v)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Attach(w, "application/pdf", fmt.Sprintf("tremplin-valorisation-benevolat-%d.pdf", v.Year))
	w.Write(body)
}

func valuationPDF(p i18n.Printer, v *Valuation) ([]byte, error) {
	doc := pdf.New(p.Dir())
	title := p.T("volunteers.valuation.title", "year", v.Year)
	doc.SetTitle(title, true)
	doc.SetCreator("Tremplin", true)
	doc.SetMargins(15, 15, 15)
	doc.SetAutoPageBreak(true, 15)
	doc.AddPage()
	doc.SetFont("B", 16)
	doc.MultiCell(0, 8, title, "", "L", false)
	doc.SetFont("", 9)
	doc.MultiCell(0, 5, p.T("volunteers.valuation.how"), "", "L", false)
	doc.Ln(2)
	// Amounts and hours inside a sentence are isolated: their digit groups
	// and euro sign keep their order in an Arabic line.
	money := func(m Money) string { return strings.ReplaceAll(m.String(), "\u202f", " ") }
	hours := func(minutes int64) string { return plainHours(minutes) }
	for _, rt := range v.Rates {
		doc.MultiCell(0, 5, p.T("volunteers.valuation.rate_line", "from", pdf.Isolate(rt.ValidFrom), "gross", pdf.Isolate(money(rt.Gross())),
			"charges", rt.Charges(), "rate", pdf.Isolate(money(rt.Hourly())), "label", pdf.Isolate(rt.Label)), "", "L", false)
	}
	section := func(heading string, rows [][3]string) {
		doc.Ln(4)
		doc.SetFont("B", 12)
		doc.CellFormat(0, 8, heading, "", 1, "L", false, 0, "")
		doc.SetFont("B", 9)
		doc.CellFormat(110, 6, "", "B", 0, "L", false, 0, "")
		doc.CellFormat(30, 6, p.T("volunteers.valuation.col_hours"), "B", 0, "R", false, 0, "")
		doc.CellFormat(40, 6, p.T("volunteers.valuation.col_value"), "B", 1, "R", false, 0, "")
		doc.SetFont("", 9)
		for _, row := range rows {
			doc.CellFormat(110, 6, doc.Fit(row[0], 108), "B", 0, "L", false, 0, "")
			doc.CellFormat(30, 6, row[1], "B", 0, "R", false, 0, "")
			doc.CellFormat(40, 6, row[2], "B", 1, "R", false, 0, "")
		}
	}
	total := [3]string{p.T("volunteers.valuation.total"), hours(v.Total.Minutes), money(v.Total.Value)}
	var rows [][3]string
	for _, a := range v.Antennas {
		rows = append(rows, [3]string{a.AntennaName, hours(a.Minutes), money(a.Value)})
	}
	section(p.T("volunteers.valuation.by_antenna"), append(rows, total))
	rows = nil
	for i, m := range v.Months {
		rows = append(rows, [3]string{p.T(fmt.Sprintf("month.%d", i+1)), hours(m.Minutes), money(m.Value)})
	}
	section(p.T("volunteers.valuation.by_month"), append(rows, total))
	rows = nil
	for _, m := range v.Missions {
		rows = append(rows, [3]string{pdf.Isolate(m.AntennaName) + " · " + pdf.Isolate(m.MissionTitle), hours(m.Minutes), money(m.Value)})
	}
	section(p.T("volunteers.valuation.by_mission"), append(rows, total))
	return doc.Bytes()
}

// ratesData is the page of the rates.
type ratesData struct {
	Rates []Rate
}

// RatesPage lists the hourly rates the board approved, with the form to add
// one: GET /volunteers/valuation/rates.
func (h *Handlers) RatesPage(w http.ResponseWriter, r *http.Request) {
	h.rates(w, r, http.StatusOK, web.NewForm(url.Values{"charges": {"45"}}))
}

func (h *Handlers) rates(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	list, err := Rates(r.Context(), h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, status, "volunteers/valuation_rates.html", &ratesData{Rates: list}, f)
}

// parseCents reads an amount typed in euros ("12,02", "12.02", "12") as cents.
func parseCents(s string) (int, bool) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), ",", "."), 64)
	if err != nil || math.IsNaN(f) || f <= 0 || f > 1000 {
		return 0, false
	}
	return int(math.Round(f * 100)), true
}

// RateSave records a rate the board approved: POST /volunteers/valuation/rates.
func (h *Handlers) RateSave(w http.ResponseWriter, r *http.Request) {
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	f.Required("valid_from", "gross", "charges", "label")
	f.MaxLength("label", 200)
	rt := Rate{ValidFrom: f.Get("valid_from"), Label: f.Get("label")}
	if _, err := time.Parse(time.DateOnly, rt.ValidFrom); rt.ValidFrom != "" && err != nil {
		f.Fail("valid_from", "volunteers.rate.date_invalid")
	}
	if s := f.Get("gross"); s != "" {
		if rt.GrossCents, ok = parseCents(s); !ok {
			f.Fail("gross", "volunteers.rate.gross_invalid")
		}
	}
	if s := f.Get("charges"); s != "" {
		c, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
		if err != nil || math.IsNaN(c) || c < 0 || c > 200 {
			f.Fail("charges", "volunteers.rate.charges_invalid")
		}
		rt.ChargesBP = int(math.Round(c * 100))
	}
	if !f.Valid() {
		h.rates(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err := SaveRate(r.Context(), h.DB, rt, auth.Current(r.Context()).ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "volunteers.rate.saved")
	http.Redirect(w, r, "/volunteers/valuation/rates", http.StatusSeeOther)
}

package donations

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf"
	"tremplin/internal/platform/sheet"
	"tremplin/internal/platform/web"
	"tremplin/internal/volunteers"
)

// Split is an amount by kind of gift, in cents.
type Split struct {
	Money, InKind, Skills int64
	Count                 int
}

// Total is the three kinds together.
func (s Split) Total() int64 { return s.Money + s.InKind + s.Skills }

func (s *Split) add(kind string, cents int64, n int) {
	switch kind {
	case Money:
		s.Money += cents
	case InKind:
		s.InKind += cents
	case Skills:
		s.Skills += cents
	}
	s.Count += n
}

// ReportLine is one antenna's or programme's gifts.
type ReportLine struct {
	Name string // "" for the whole association / not restricted
	Split
}

// Report is a year of gifts for the annual accounts: by antenna (the one a
// gift is restricted to, else the donor's), by programme (restricted gifts),
// by kind, and the contributions in kind of the annex (accounts 86/87): goods,
// skills sponsorship and volunteers' time valued at the board's rates.
// Refunded and cancelled gifts are not in it.
type Report struct {
	Year       int
	Antennas   []ReportLine
	Programmes []ReportLine
	Total      Split
	// Volunteers' approved time and its value (the volunteers' valuation).
	VolunteerMinutes int64
	VolunteerCents   int64
}

// InKindTotal is the contributions in kind of the annex: goods, skills and
// volunteers' time.
func (r *Report) InKindTotal() int64 { return r.Total.InKind + r.Total.Skills + r.VolunteerCents }

// YearReport computes the year's report.
func YearReport(ctx context.Context, d *db.DB, year int) (*Report, error) {
	rep := &Report{Year: year}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)
	ants, progs := map[string]*Split{}, map[string]*Split{}
	err := db.Each(d.QueryContext(ctx, `SELECT COALESCE(a.name, ''), COALESCE(p.title, ''), g.kind, COUNT(*), SUM(g.amount_cents)
		FROM gifts g JOIN donors o ON o.id = g.donor_id LEFT JOIN antennas a ON a.id = COALESCE(g.antenna_id, o.antenna_id)
		LEFT JOIN programmes p ON p.id = g.programme_id
		WHERE g.received_on >= $1 AND g.received_on < $2 AND g.state = 'received'
		GROUP BY 1, 2, 3`, from, to))(func(row db.Scanner) error {
		var ant, prog, kind string
		var n int
		var cents int64
		if err := row.Scan(&ant, &prog, &kind, &n, &cents); err != nil {
			return err
		}
		for _, m := range []struct {
			by  map[string]*Split
			key string
		}{{ants, ant}, {progs, prog}} {
			if m.by[m.key] == nil {
				m.by[m.key] = &Split{}
			}
			m.by[m.key].add(kind, cents, n)
		}
		rep.Total.add(kind, cents, n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	lines := func(by map[string]*Split) []ReportLine {
		var out []ReportLine
		for name, s := range by {
			out = append(out, ReportLine{Name: name, Split: *s})
		}
		// Named ones by name, the unnamed ("whole association", "not
		// restricted") last.
		slices.SortFunc(out, func(a, b ReportLine) int {
			switch {
			case a.Name == "":
				return 1
			case b.Name == "":
				return -1
			}
			return strings.Compare(a.Name, b.Name)
		})
		return out
	}
	rep.Antennas, rep.Programmes = lines(ants), lines(progs)
	v, err := volunteers.YearValuation(ctx, d, auth.Scope{All: true}, year)
	if err != nil {
		return nil, err
	}
	rep.VolunteerMinutes, rep.VolunteerCents = v.Total.Minutes, int64(v.Total.Value)
	return rep, nil
}

// reportTable is the report as one table, for CSV and XLSX: a line per
// antenna, per programme, the total, and the contributions in kind; forCSV
// writes amounts with a decimal comma for a French Excel, XLSX keeps numbers.
func reportTable(p i18n.Printer, rep *Report, forCSV bool) *sheet.Table {
	t := &sheet.Table{Sheet: p.T("donations.report.sheet", "year", rep.Year),
		Headers: []string{p.T("donations.report.col_section"), p.T("donations.report.col_line"), p.T("donations.report.col_money"),
			p.T("donations.report.col_in_kind"), p.T("donations.report.col_skills"), p.T("donations.report.col_total")},
		Widths: []float64{22, 32, 14, 14, 14, 14}}
	amount := func(cents int64) any {
		if forCSV {
			return fmt.Sprintf("%d,%02d", cents/100, cents%100)
		}
		return float64(cents) / 100
	}
	row := func(section, name string, s Split) []any {
		return []any{section, name, amount(s.Money), amount(s.InKind), amount(s.Skills), amount(s.Total())}
	}
	for _, l := range rep.Antennas {
		t.Rows = append(t.Rows, row(p.T("donations.report.by_antenna"), nameOr(p, l.Name, "donations.whole_association"), l.Split))
	}
	for _, l := range rep.Programmes {
		t.Rows = append(t.Rows, row(p.T("donations.report.by_programme"), nameOr(p, l.Name, "donations.report.not_restricted"), l.Split))
	}
	t.Rows = append(t.Rows, row(p.T("donations.report.total"), strconv.Itoa(rep.Year), rep.Total))
	vol := p.T("donations.report.volunteers_hours", "hours", strconv.FormatFloat(math.Round(float64(rep.VolunteerMinutes)/60*100)/100, 'f', -1, 64))
	t.Rows = append(t.Rows, []any{p.T("donations.report.in_kind_annex"), vol, "", amount(rep.VolunteerCents), "", amount(rep.VolunteerCents)})
	t.Rows = append(t.Rows, []any{p.T("donations.report.in_kind_annex"), p.T("donations.report.in_kind_total"), "",
		amount(rep.Total.InKind + rep.VolunteerCents), amount(rep.Total.Skills), amount(rep.InKindTotal())})
	return t
}

func nameOr(p i18n.Printer, name, key string) string {
	if name == "" {
		return p.T(key)
	}
	return name
}

// report reads ?year= (the last full year by default) and computes it.
func (h *Handlers) report(w http.ResponseWriter, r *http.Request) (*Report, bool) {
	year := h.now().Year() - 1
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= h.now().Year() {
		year = y
	}
	rep, err := YearReport(r.Context(), h.DB, year)
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return rep, true
}

// ReportPage is the year's gifts and contributions in kind: GET /donations/report?year=.
func (h *Handlers) ReportPage(w http.ResponseWriter, r *http.Request) {
	rep, ok := h.report(w, r)
	if !ok {
		return
	}
	var years []int
	for y := h.now().Year(); y >= h.now().Year()-6; y-- {
		years = append(years, y)
	}
	h.Render.Render(w, r, http.StatusOK, "donations/report.html", struct {
		*Report
		Years []int
		Hours string
	}{rep, years, strconv.FormatFloat(math.Round(float64(rep.VolunteerMinutes)/60*10)/10, 'f', -1, 64)}, nil)
}

// ReportCSV is the report for a French Excel: GET /donations/report.csv.
func (h *Handlers) ReportCSV(w http.ResponseWriter, r *http.Request) {
	rep, ok := h.report(w, r)
	if !ok {
		return
	}
	buf, err := reportTable(i18n.FromContext(r.Context()), rep, true).CSV(';')
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Attach(w, "text/csv; charset=utf-8", fmt.Sprintf("tremplin-dons-%d.csv", rep.Year))
	w.Write(buf.Bytes())
}

// ReportXLSX is the report as a workbook: GET /donations/report.xlsx.
func (h *Handlers) ReportXLSX(w http.ResponseWriter, r *http.Request) {
	rep, ok := h.report(w, r)
	if !ok {
		return
	}
	buf, err := reportTable(i18n.FromContext(r.Context()), rep, false).XLSX()
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Attach(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fmt.Sprintf("tremplin-dons-%d.xlsx", rep.Year))
	w.Write(buf.Bytes())
}

// ReportPDF is the report for the annex of the accounts, in the page's
// language: GET /donations/report.pdf.
func (h *Handlers) ReportPDF(w http.ResponseWriter, r *http.Request) {
	rep, ok := h.report(w, r)
	if !ok {
		return
	}
	p := i18n.FromContext(r.Context())
	t := reportTable(p, rep, false)
	doc := pdf.New(p.Dir())
	title := p.T("donations.report.title", "year", rep.Year)
	doc.SetTitle(title, true)
	doc.SetCreator("Tremplin", true)
	doc.SetMargins(12, 15, 12)
	doc.SetAutoPageBreak(true, 15)
	doc.AddPage()
	doc.SetFont("B", 15)
	doc.MultiCell(0, 8, title, "", "L", false)
	doc.Ln(2)
	widths := []float64{36, 54, 24, 24, 24, 24}
	doc.SetFont("B", 8)
	for i, hd := range t.Headers {
		doc.CellFormat(widths[i], 6, doc.Fit(hd, widths[i]-1), "B", 0, "L", false, 0, "")
	}
	doc.Ln(-1)
	doc.SetFont("", 8)
	for _, row := range t.Rows {
		for i, c := range row {
			s, align := "", "L"
			switch v := c.(type) {
			case string:
				s = v
			case float64:
				s, align = Euros(p.Lang, int64(math.Round(v*100))), "R"
			}
			doc.CellFormat(widths[i], 5, doc.Fit(s, widths[i]-1), "", 0, align, false, 0, "")
		}
		doc.Ln(-1)
	}
	body, err := doc.Bytes()
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Attach(w, "application/pdf", fmt.Sprintf("tremplin-dons-%d.pdf", rep.Year))
	w.Write(body)
}

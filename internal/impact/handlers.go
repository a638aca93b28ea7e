package impact

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/opendata"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// errOutOfScope is a chosen antenna the person may not see: answered as 404.
var errOutOfScope = errors.New("antenna out of scope")

// choice is what a dashboard or report form asks for, checked against the
// person's antennas.
type choice struct {
	Form       *web.Form
	Filter     Filter
	InScope    []*org.Antenna
	Programmes []programmeInfo
	Antennas   []int64 // chosen, in scope
	ProgIDs    []int64 // chosen
	Submitted  bool
	// Association is who reports, as open data names it (downloads only).
	Association *opendata.Association
}

// AntennaNames are the names of the antennas the figures cover.
func (c *choice) AntennaNames() []string {
	var out []string
	for _, a := range c.InScope {
		if len(c.Antennas) == 0 || slices.Contains(c.Antennas, a.ID) {
			out = append(out, a.Name)
		}
	}
	return out
}

// ProgrammeNames are the names of the chosen programmes (none: all).
func (c *choice) ProgrammeNames() []string {
	var out []string
	for _, p := range c.Programmes {
		if slices.Contains(c.ProgIDs, p.ID) {
			out = append(out, p.Title)
		}
	}
	return out
}

// Chosen reports whether an antenna or programme id was ticked, for the forms.
func (c *choice) Chosen(kind string, id int64) bool {
	if kind == "antenna" {
		return slices.Contains(c.Antennas, id)
	}
	return slices.Contains(c.ProgIDs, id)
}

// Query is the choice as a URL query, for the download links.
func (c *choice) Query() template.URL {
	v := url.Values{}
	v.Set("from", c.Filter.From.Format(time.DateOnly))
	v.Set("to", c.Filter.To.Format(time.DateOnly))
	for _, a := range c.Antennas {
		v.Add("antenna", strconv.FormatInt(a, 10))
	}
	for _, p := range c.ProgIDs {
		v.Add("programme", strconv.FormatInt(p, 10))
	}
	return template.URL(v.Encode())
}

func ids(values []string) ([]int64, bool) {
	var out []int64
	for _, s := range values {
		if s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, false
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, true
}

// choose reads the period, antennas and programmes from the query. The period is
// the current calendar year unless given. An antenna outside the person's scope
// gives errOutOfScope; a wrong date is a form error.
func (h *Handlers) choose(ctx context.Context, st *auth.Staff, q url.Values, now time.Time) (*choice, error) {
	c := &choice{Form: web.NewForm(q), Submitted: q.Has("from") || q.Has("to")}
	var err error
	if c.InScope, err = org.Antennas(ctx, h.DB, st.Scope()); err != nil {
		return nil, err
	}
	if c.Programmes, err = programmes(ctx, h.DB); err != nil {
		return nil, err
	}
	f := c.Form
	year := now.Year()
	from, to := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	if s := f.Get("from"); s != "" {
		if from, err = time.Parse(time.DateOnly, s); err != nil {
			f.Fail("from", "impact.error.date")
		}
	} else {
		f.Set("from", from.Format(time.DateOnly))
	}
	if s := f.Get("to"); s != "" {
		if to, err = time.Parse(time.DateOnly, s); err != nil {
			f.Fail("to", "impact.error.date")
		}
	} else {
		f.Set("to", to.Format(time.DateOnly))
	}
	if f.Valid() && to.Before(from) {
		f.Fail("to", "impact.error.order")
	}
	if f.Valid() && to.Sub(from) > 20*366*24*time.Hour {
		f.Fail("to", "impact.error.too_long")
	}
	antennas, ok := ids(f.All("antenna"))
	if !ok {
		return nil, errOutOfScope
	}
	for _, a := range antennas {
		if !slices.ContainsFunc(c.InScope, func(x *org.Antenna) bool { return x.ID == a }) {
			return nil, errOutOfScope
		}
	}
	progs, ok := ids(f.All("programme"))
	if !ok {
		f.Fail("programme", "impact.error.programme")
	}
	for _, p := range progs {
		if !slices.ContainsFunc(c.Programmes, func(x programmeInfo) bool { return x.ID == p }) {
			f.Fail("programme", "impact.error.programme")
		}
	}
	c.Antennas, c.ProgIDs = antennas, progs
	c.Filter = Filter{From: from, To: to, Programmes: progs}
	switch {
	case len(antennas) > 0:
		c.Filter.Antennas = antennas
	case st.Role != auth.Admin:
		// Staff see their antennas' figures; an admin sees the whole association.
		c.Filter.Antennas = []int64{}
		for _, a := range c.InScope {
			c.Filter.Antennas = append(c.Filter.Antennas, a.ID)
		}
	}
	if len(progs) == 0 {
		c.Filter.Programmes = nil
	}
	return c, nil
}

// tableView is a table with its cells written for the page, and a chart of one column.
type tableView struct {
	Table
	Cells   [][]string
	Chart   template.HTML
	Caption string
}

func views(p i18n.Printer, tables []Table, charts map[string]int) map[string]tableView {
	out := map[string]tableView{}
	for _, t := range tables {
		v := tableView{Table: t}
		for _, r := range t.Rows {
			var row []string
			for _, c := range r {
				row = append(row, Format(p, c))
			}
			v.Cells = append(v.Cells, row)
		}
		col, ok := charts[t.ID]
		if t.Chart > 0 {
			col, ok = t.Chart, true
		}
		if ok {
			v.Chart = chart(p, t, col, "chart-"+t.ID)
			v.Caption = p.T("impact.chart.caption", "column", t.Columns[col])
		}
		out[t.ID] = v
	}
	return out
}

// preset is a link to a usual period, keeping the antenna chosen.
type preset struct {
	Label   string
	URL     template.URL
	Current bool
}

// presets are the periods people ask for most: this year, last year, the last
// twelve months.
func (c *choice) presets(p i18n.Printer, path string, now time.Time) []preset {
	y := now.Year()
	today := time.Date(y, now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	periods := []struct {
		label    string
		from, to time.Time
	}{
		{strconv.Itoa(y), time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)},
		{strconv.Itoa(y - 1), time.Date(y-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y-1, 12, 31, 0, 0, 0, 0, time.UTC)},
		{p.T("impact.preset.last12"), today.AddDate(-1, 0, 1), today},
	}
	var out []preset
	for _, pd := range periods {
		v := url.Values{"from": {pd.from.Format(time.DateOnly)}, "to": {pd.to.Format(time.DateOnly)}}
		for _, a := range c.Antennas {
			v.Add("antenna", strconv.FormatInt(a, 10))
		}
		out = append(out, preset{Label: pd.label, URL: template.URL(path + "?" + v.Encode()),
			Current: c.Filter.From.Equal(pd.from) && c.Filter.To.Equal(pd.to)})
	}
	return out
}

type pageData struct {
	*choice
	Presets       []preset
	Figures       *Figures
	Tables        map[string]tableView
	Ordered       []tableView
	Period        string
	All           bool // the whole association (an admin with no antenna chosen)
	PartnerFunnel string
}

func (h *Handlers) page(w http.ResponseWriter, r *http.Request, name string, charts map[string]int) {
	st := auth.Current(r.Context())
	p := i18n.FromContext(r.Context())
	c, err := h.choose(r.Context(), st, r.URL.Query(), time.Now())
	if errors.Is(err, errOutOfScope) {
		h.Render.NotFound(w, r)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	data := &pageData{choice: c, All: c.Filter.Antennas == nil, PartnerFunnel: h.PartnerFunnel,
		Presets: c.presets(p, r.URL.Path, time.Now())}
	if !c.Form.Valid() {
		h.Render.Render(w, r, http.StatusUnprocessableEntity, name, data, c.Form)
		return
	}
	data.Period = p.T("impact.period", "from", web.FormatDate(p, c.Filter.From), "to", web.FormatDate(p, c.Filter.To))
	if name == "impact/report.html" && !c.Submitted {
		h.Render.Render(w, r, http.StatusOK, name, data, c.Form)
		return
	}
	if data.Figures, err = Compute(r.Context(), h.DB, c.Filter); err != nil {
		h.fail(w, r, err)
		return
	}
	tables := data.Figures.Tables(p)
	if name == "impact/dashboard.html" {
		// Whether people come to their appointments, and whether reminders help:
		// for staff, not for the funder report (it names advisers).
		ns, err := ComputeNoShows(r.Context(), h.DB, c.Filter)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		tables = append(tables, data.Figures.AbsenceTable(p))
		tables = append(tables, ns.Tables(p)...)
		// Other packages' figures for the same period and antennas.
		for _, extra := range h.Extra {
			more, err := extra(r.Context(), c.Filter, p)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			tables = append(tables, more...)
		}
	}
	data.Tables = views(p, tables, charts)
	for _, t := range tables {
		data.Ordered = append(data.Ordered, data.Tables[t.ID])
	}
	h.Render.Render(w, r, http.StatusOK, name, data, c.Form)
}

// Dashboard shows the figures of a period for the person's antennas (or one of
// them; the whole association for a national admin), with charts.
func (h *Handlers) Dashboard(w http.ResponseWriter, r *http.Request) {
	h.page(w, r, "impact/dashboard.html", map[string]int{"summary": 1, "situation": 1, "band": 1, "gender": 1, "programme": 1, "level": 1, "partners": 1})
}

// Report is the funder report: a form choosing the period, antennas and
// programmes, then the figures with links to the same numbers as CSV, XLSX, PDF.
func (h *Handlers) Report(w http.ResponseWriter, r *http.Request) {
	h.page(w, r, "impact/report.html", nil)
}

// download computes the report for a file: the same choice as the page.
func (h *Handlers) download(w http.ResponseWriter, r *http.Request) (*choice, *Figures, bool) {
	st := auth.Current(r.Context())
	c, err := h.choose(r.Context(), st, r.URL.Query(), time.Now())
	if errors.Is(err, errOutOfScope) {
		h.Render.NotFound(w, r)
		return nil, nil, false
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, false
	}
	if !c.Form.Valid() {
		h.Render.Error(w, r, http.StatusBadRequest)
		return nil, nil, false
	}
	if c.Association, err = opendata.LoadAssociation(r.Context(), h.DB); err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, false
	}
	fig, err := Compute(r.Context(), h.DB, c.Filter)
	if err != nil {
		h.fail(w, r, err)
		return nil, nil, false
	}
	return c, fig, true
}

// fail answers an error of Compute: while the counters are first built, a page
// saying so (503, to try again in a minute); otherwise the error page.
func (h *Handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ErrBuilding) {
		w.Header().Set("Retry-After", "60")
		h.Render.Render(w, r, http.StatusServiceUnavailable, "impact/building.html", r.URL.RequestURI(), nil)
		return
	}
	h.Render.Fail(w, r, err)
}

func filename(c *choice, ext string) string {
	return "tremplin-impact-" + c.Filter.From.Format(time.DateOnly) + "-" + c.Filter.To.Format(time.DateOnly) + "." + ext
}

// ReportCSV sends the report as CSV: sep=semicolon (the default) for French
// Excel — UTF-8 with a byte-order mark, ";" between fields, decimal comma — or
// sep=comma for other tools: no mark, ",", decimal point.
func (h *Handlers) ReportCSV(w http.ResponseWriter, r *http.Request) {
	c, fig, ok := h.download(w, r)
	if !ok {
		return
	}
	semicolon := r.URL.Query().Get("sep") != "comma"
	p := i18n.FromContext(r.Context())
	var b strings.Builder
	if err := writeCSV(&b, p, c, fig, semicolon); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Attach(w, "text/csv; charset=utf-8", filename(c, "csv"))
	w.Write([]byte(b.String()))
}

// ReportXLSX sends the report as an Excel workbook, numbers stored as numbers.
func (h *Handlers) ReportXLSX(w http.ResponseWriter, r *http.Request) {
	c, fig, ok := h.download(w, r)
	if !ok {
		return
	}
	body, err := xlsxReport(i18n.FromContext(r.Context()), c, fig)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Attach(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename(c, "xlsx"))
	w.Write(body)
}

// ReportPDF sends the report as a PDF, in the interface's language (right to
// left in Arabic).
func (h *Handlers) ReportPDF(w http.ResponseWriter, r *http.Request) {
	c, fig, ok := h.download(w, r)
	if !ok {
		return
	}
	body, err := pdfReport(i18n.FromContext(r.Context()), c, fig)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Attach(w, "application/pdf", filename(c, "pdf"))
	w.Write(body)
}

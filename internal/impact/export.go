package impact

import (
	"bytes"
	"html/template"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"tremplin/internal/opendata"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf"
	"tremplin/internal/platform/sheet"
	"tremplin/internal/platform/siret"
	"tremplin/internal/platform/web"
)

// howWeCount is each figure's name and how it is counted (catalog keys): the
// report page, the dashboard and the PDF say the same.
var howWeCount = [][2]string{
	{"impact.col.registered", "impact.how.registered"},
	{"impact.col.positioned", "impact.how.positioned"},
	{"impact.col.enrolled", "impact.how.enrolled"},
	{"impact.col.exits", "impact.how.exits"},
	{"impact.col.completion_rate", "impact.how.completion_rate"},
	{"impact.col.hours", "impact.how.hours"},
	{"impact.col.attendance_rate", "impact.how.attendance_rate"},
	{"impact.col.positive_rate", "impact.how.positive"},
	{"impact.col.situation", "impact.how.situation"},
	{"impact.col.band", "impact.how.band"},
	{"impact.col.programme", "impact.how.programme"},
	{"impact.table.partners", "impact.how.partners"},
	{"impact.col.gender", "impact.how.gender"},
	{"impact.how.fresh_title", "impact.how.fresh"},
}

// Funcs are the template functions of this package's pages.
func Funcs(i18n.Printer) template.FuncMap {
	return template.FuncMap{"howwecount": func() [][2]string { return howWeCount }}
}

// associationLine names the association with its identifiers, as open data
// publishes them: "Tremplin · SIRET 123 456 789 00012 · RNA W595012346"; "" before
// an admin has filled in its identity.
func associationLine(p i18n.Printer, a *opendata.Association) string {
	if a == nil || a.Name == "" {
		return ""
	}
	parts := []string{a.Name}
	if a.SIRET != "" {
		key := "impact.id.siret"
		if siret.Kind(a.SIRET) == "siren" {
			key = "impact.id.siren"
		}
		parts = append(parts, p.T(key, "n", a.SIRET))
	}
	if a.RNA != "" {
		parts = append(parts, p.T("impact.id.rna", "n", a.RNA))
	}
	return strings.Join(parts, " · ")
}

// heading is what every format prints above the tables: title, association,
// period, antennas, programmes.
func heading(p i18n.Printer, c *choice) [][2]string {
	antennas := p.T("impact.all_antennas")
	if c.Filter.Antennas != nil {
		antennas = strings.Join(c.AntennaNames(), ", ")
	}
	programmes := p.T("impact.all_programmes")
	if names := c.ProgrammeNames(); len(names) > 0 {
		programmes = strings.Join(names, ", ")
	}
	rows := [][2]string{{p.T("impact.report.title"), ""}}
	if a := associationLine(p, c.Association); a != "" {
		rows = append(rows, [2]string{p.T("impact.field.association"), a})
	}
	return append(rows, [][2]string{
		{p.T("impact.field.period"), p.T("impact.period", "from", web.FormatDate(p, c.Filter.From), "to", web.FormatDate(p, c.Filter.To))},
		{p.T("impact.field.antennas"), antennas},
		{p.T("impact.field.programmes"), programmes},
		{p.T("impact.col.gender"), p.T("impact.how.gender")},
	}...)
}

// writeCSV writes the heading, then each table (its title, its header, its rows)
// separated by an empty line. Every text cell, the names of partners and
// programmes among them, is guarded against formulas (sheet.Writer).
func writeCSV(out io.Writer, p i18n.Printer, c *choice, fig *Figures, semicolon bool) error {
	sep := ','
	if semicolon {
		sep = ';'
		// The byte-order mark tells Excel the file is UTF-8.
		if _, err := io.WriteString(out, sheet.BOM); err != nil {
			return err
		}
	}
	w := sheet.NewWriter(out, sep)
	for _, h := range heading(p, c) {
		if h[1] == "" {
			w.Row(h[0])
		} else {
			w.Row(h[0], h[1])
		}
	}
	for _, t := range fig.Tables(p) {
		w.Row()
		w.Row(t.Title)
		w.Strings(t.Columns)
		for _, r := range t.Rows {
			rec := make([]any, len(r))
			for i, cell := range r {
				if cell.Kind == Label {
					rec[i] = cell.Text
				} else {
					rec[i] = sheet.Raw(Plain(cell, semicolon))
				}
			}
			w.Row(rec...)
		}
	}
	return w.Flush()
}

// xlsxReport writes one sheet laid out like the CSV, numbers stored as numbers
// (whole numbers, or one decimal for hours and percentages).
func xlsxReport(p i18n.Printer, c *choice, fig *Figures) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	tab := p.T("impact.report.sheet")
	if err := x.SetSheetName("Sheet1", tab); err != nil {
		return nil, err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	whole, err := x.NewStyle(&excelize.Style{NumFmt: 1}) // 0
	if err != nil {
		return nil, err
	}
	oneDecimal := "0.0"
	tenths, err := x.NewStyle(&excelize.Style{CustomNumFmt: &oneDecimal})
	if err != nil {
		return nil, err
	}
	row := 1
	// Text cells are guarded against formulas as in every export (sheet.Text).
	put := func(colIdx int, v any, style int) error {
		cell, err := excelize.CoordinatesToCellName(colIdx, row)
		if err != nil {
			return err
		}
		if s, ok := v.(string); ok {
			v = sheet.Text(s)
		}
		if err := x.SetCellValue(tab, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return x.SetCellStyle(tab, cell, cell, style)
		}
		return nil
	}
	for i, h := range heading(p, c) {
		style := 0
		if i == 0 {
			style = bold
		}
		if err := put(1, h[0], style); err != nil {
			return nil, err
		}
		if h[1] != "" {
			if err := put(2, h[1], 0); err != nil {
				return nil, err
			}
		}
		row++
	}
	for _, t := range fig.Tables(p) {
		row++
		if err := put(1, t.Title, bold); err != nil {
			return nil, err
		}
		row++
		for i, col := range t.Columns {
			if err := put(i+1, col, bold); err != nil {
				return nil, err
			}
		}
		row++
		for _, r := range t.Rows {
			for i, cell := range r {
				var err error
				switch cell.Kind {
				case Label:
					err = put(i+1, cell.Text, 0)
				case Count:
					err = put(i+1, int64(cell.Value), whole)
				case Percent, Hours:
					err = put(i+1, cell.Value, tenths)
				case Euros:
					err = put(i+1, cell.Value, 0)
				}
				if err != nil {
					return nil, err
				}
			}
			row++
		}
	}
	if err := x.SetColWidth(tab, "A", "A", 40); err != nil {
		return nil, err
	}
	if err := x.SetColWidth(tab, "B", "H", 14); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pdfReport prints the heading and the tables on A4 pages, in p's language
// (right to left in Arabic, the tables mirrored), names of antennas and
// programmes in whatever script they are written.
func pdfReport(p i18n.Printer, c *choice, fig *Figures) ([]byte, error) {
	doc := pdf.New(p.Dir())
	doc.SetTitle(p.T("impact.report.title"), true)
	doc.SetCreator("Tremplin", true)
	doc.SetMargins(12, 12, 12)
	doc.SetAutoPageBreak(true, 12)
	doc.AddPage()
	head := heading(p, c)
	// The title block: who reports (the association, as open data names it), then
	// what and over which period.
	if c.Association != nil && c.Association.Name != "" {
		doc.SetFont("B", 18)
		doc.MultiCell(0, 9, c.Association.Name, "", "L", false)
	}
	doc.SetFont("B", 16)
	doc.MultiCell(0, 8, head[0][0], "", "L", false)
	doc.Ln(2)
	doc.SetFont("", 10)
	for _, h := range head[1:] {
		doc.SetFont("B", 10)
		doc.CellFormat(35, 6, h[0], "", 0, "L", false, 0, "")
		doc.SetFont("", 10)
		doc.MultiCell(0, 6, h[1], "", "L", false)
	}
	width := 186.0
	for _, t := range fig.Tables(p) {
		doc.Ln(4)
		if doc.GetY() > 250 {
			doc.AddPage()
		}
		doc.SetFont("B", 12)
		doc.CellFormat(0, 8, t.Title, "", 1, "L", false, 0, "")
		n := len(t.Columns)
		first := 70.0 // DejaVu Sans is wider than Helvetica was
		if n == 2 {
			first = 120
		}
		other := (width - first) / float64(n-1)
		doc.SetFont("B", 8)
		// Headers wrap within their column (bottom-aligned) rather than being cut.
		const lineH = 3.8
		heads := make([][]string, n)
		rows := 1
		for i, col := range t.Columns {
			w := other
			if i == 0 {
				w = first
			}
			heads[i] = doc.SplitLines(col, w)
			rows = max(rows, len(heads[i]))
		}
		if doc.GetY()+float64(rows)*lineH+7 > 285 {
			doc.AddPage()
		}
		x0, y0 := doc.GetXY()
		x := x0
		for i, lines := range heads {
			w, align := other, "R"
			if i == 0 {
				w, align = first, "L"
			}
			for k, line := range lines {
				doc.SetXY(x, y0+float64(rows-len(lines)+k)*lineH)
				doc.CellFormat(w, lineH, line, "", 0, align, false, 0, "")
			}
			x += w
		}
		y1 := y0 + float64(rows)*lineH + 1
		doc.Line(x0, y1, x0+width, y1)
		doc.SetXY(x0, y1)
		doc.SetFont("", 9)
		for _, r := range t.Rows {
			for i, cell := range r {
				w, align := other, "R"
				if i == 0 {
					w, align = first, "L"
				}
				doc.CellFormat(w, 6, doc.Fit(Format(p, cell), w-2), "B", 0, align, false, 0, "")
			}
			doc.Ln(-1)
		}
	}
	// How each figure is counted, as the report page says it.
	doc.Ln(6)
	if doc.GetY() > 250 {
		doc.AddPage()
	}
	doc.SetFont("B", 12)
	doc.CellFormat(0, 8, p.T("impact.how.title"), "", 1, "L", false, 0, "")
	for _, h := range howWeCount {
		if doc.GetY() > 270 {
			doc.AddPage()
		}
		doc.SetFont("B", 9)
		doc.MultiCell(0, 4.5, p.T(h[0]), "", "L", false)
		doc.SetFont("", 9)
		doc.MultiCell(0, 4.5, p.T(h[1]), "", "L", false)
		doc.Ln(1.5)
	}
	return doc.Bytes()
}

package impact

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tremplin/internal/opendata"
	"tremplin/internal/org"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf/pdftest"
	"tremplin/internal/platform/web"
)

// sections reads a report laid out as the CSV and XLSX are: a title line, a header
// line, then rows, for each table. It returns title → row label → cells.
func sections(records [][]string, tables []Table) map[string]map[string][]string {
	titles := map[string]bool{}
	for _, t := range tables {
		titles[t.Title] = true
	}
	out := map[string]map[string][]string{}
	var cur map[string][]string
	header := false
	for _, rec := range records {
		for len(rec) > 0 && rec[len(rec)-1] == "" && len(rec) > 1 {
			rec = rec[:len(rec)-1]
		}
		switch {
		case len(rec) == 0 || (len(rec) == 1 && rec[0] == ""):
		case len(rec) == 1 && titles[rec[0]]:
			cur = map[string][]string{}
			out[rec[0]] = cur
			header = true
		case cur != nil && header:
			header = false
		case cur != nil:
			cur[rec[0]] = rec[1:]
		}
	}
	return out
}

// The CSV (both kinds), XLSX and PDF of a report, read back by real readers, hold
// the numbers of the page's tables, which are the hand-counted ones.
func TestExportsReadBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		newFixture(t, d)
		year := Filter{From: day("2025-01-01"), To: day("2025-12-31")}
		fig, err := Compute(context.Background(), d, year)
		if err != nil {
			t.Fatal(err)
		}
		c := &choice{Filter: year}
		p := i18n.For("fr")
		tables := fig.Tables(p)
		// The hand-counted numbers, as the page writes them.
		want := map[string]map[string]string{
			"Parcours des personnes": {"Inscrits": "5", "Positionnés": "3", "Entrés en formation": "4", "Sorties de formation": "4"},
			"Formation et résultats": {"Heures de formation suivies": "17.0", "Taux de présence (%)": "75.0",
				"Taux de réussite (%)": "75.0", "Part de sorties positives à 6 mois (%)": "66.7"},
		}
		for _, tb := range tables {
			for _, r := range tb.Rows {
				if w, ok := want[tb.Title][r[0].Text]; ok && Plain(r[1], false) != w {
					t.Errorf("%s / %s: %s, want %s", tb.Title, r[0].Text, Plain(r[1], false), w)
				}
			}
		}
		compare := func(format string, got map[string]map[string][]string, cell func(Cell) string, same func(a, b string) bool) {
			t.Helper()
			for _, tb := range tables {
				rows := got[tb.Title]
				if rows == nil {
					t.Errorf("%s: no table %q", format, tb.Title)
					continue
				}
				for _, r := range tb.Rows {
					line, ok := rows[r[0].Text]
					if !ok {
						t.Errorf("%s / %s: no row %q", format, tb.Title, r[0].Text)
						continue
					}
					for i, cl := range r[1:] {
						var g string
						if i < len(line) {
							g = line[i]
						}
						if !same(g, cell(cl)) {
							t.Errorf("%s / %s / %s / %s: %q, want %q", format, tb.Title, r[0].Text, tb.Columns[i+1], g, cell(cl))
						}
					}
				}
			}
		}
		equal := func(a, b string) bool { return a == b }

		// CSV for French Excel: BOM, semicolons, decimal comma.
		var b bytes.Buffer
		if err := writeCSV(&b, p, c, fig, true); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b.Bytes(), []byte("\ufeff")) {
			t.Error("semicolon CSV lacks the byte-order mark")
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\ufeff"))))
		r.Comma, r.FieldsPerRecord = ';', -1
		records, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		semi := sections(records, tables)
		compare("csv;", semi, func(c Cell) string { return Plain(c, true) }, equal)
		if got := semi["Formation et résultats"]["Heures de formation suivies"]; len(got) == 0 || got[0] != "17,0" {
			t.Errorf("semicolon CSV hours: %q, want 17,0", got)
		}

		// Standard CSV: no BOM, commas, decimal point.
		b.Reset()
		if err := writeCSV(&b, p, c, fig, false); err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(b.Bytes(), []byte("\ufeff")) {
			t.Error("comma CSV has a byte-order mark")
		}
		rd := csv.NewReader(&b)
		rd.FieldsPerRecord = -1 // the heading lines are shorter than the tables'
		if records, err = rd.ReadAll(); err != nil {
			t.Fatal(err)
		}
		compare("csv,", sections(records, tables), func(c Cell) string { return Plain(c, false) }, equal)

		// XLSX, read with excelize: numbers stored as numbers.
		body, err := xlsxReport(p, c, fig)
		if err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows("Rapport", excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		sameNumber := func(got, want string) bool {
			if got == want {
				return true
			}
			g, err1 := strconv.ParseFloat(got, 64)
			w, err2 := strconv.ParseFloat(want, 64)
			return err1 == nil && err2 == nil && g == w
		}
		compare("xlsx", sections(rows, tables), func(c Cell) string { return Plain(c, false) }, sameNumber)
		// The cell of the hours is a number, not text.
		for i, row := range rows {
			if len(row) > 1 && row[0] == "Heures de formation suivies" {
				name, _ := excelize.CoordinatesToCellName(2, i+1)
				if typ, _ := x.GetCellType("Rapport", name); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
					t.Errorf("hours stored as text in %s", name)
				}
			}
		}

		// PDF, text extracted with pdftotext.
		if _, err := exec.LookPath("pdftotext"); err != nil {
			t.Skip("pdftotext (poppler-utils) not installed")
		}
		body, err = pdfReport(p, c, fig)
		if err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, body)
		for _, tb := range tables {
			if !strings.Contains(text, tb.Title) {
				t.Errorf("pdf lacks the title %q", tb.Title)
			}
			for _, r := range tb.Rows {
				var nums []string
				for _, cl := range r[1:] {
					nums = append(nums, Format(p, cl))
				}
				if !pdfHasRow(text, r[0].Text, nums) {
					t.Errorf("pdf lacks the row %q with %q", r[0].Text, nums)
				}
			}
		}
		if !strings.Contains(text, "Développeur web") || !strings.Contains(text, "Rapport pour les financeurs") {
			t.Errorf("pdf lost its accents:\n%s", text)
		}
	})
}

// pdfText runs pdftotext -layout on a PDF.
func pdfText(t *testing.T, body []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// pdfHasRow finds a line starting with the beginning of label and ending with the
// numbers in order (spaces, non-breaking or not, collapsed).
func pdfHasRow(text, label string, nums []string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ") }
	want := norm(strings.Join(nums, " "))
	prefix := norm(label)
	if len([]rune(prefix)) > 12 {
		prefix = string([]rune(prefix)[:12])
	}
	for line := range strings.Lines(text) {
		l := norm(line)
		if strings.HasPrefix(l, prefix) && strings.HasSuffix(l, want) {
			return true
		}
	}
	return false
}

// The PDF says who reports (the association and its identifiers, as open data
// publishes them), for which antennas, programmes and period, and how each figure
// is counted, in its own language.
func TestReportPDFNamesTheAssociationAndHowWeCount(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		if err := opendata.SaveAssociation(ctx, d, &opendata.Association{Name: "Tremplin Numérique", SIRET: "35600000000048", RNA: "W595012346"}); err != nil {
			t.Fatal(err)
		}
		assoc, err := opendata.LoadAssociation(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		year := Filter{From: day("2025-01-01"), To: day("2025-12-31"), Antennas: []int64{f.ids["A"]}, Programmes: []int64{f.ids["P2"]}}
		fig, err := Compute(ctx, d, year)
		if err != nil {
			t.Fatal(err)
		}
		c := &choice{Filter: year, Association: assoc,
			InScope: []*org.Antenna{{ID: f.ids["A"], Name: "A"}, {ID: f.ids["B"], Name: "B"}}, Antennas: []int64{f.ids["A"]},
			Programmes: []programmeInfo{{ID: f.ids["P1"], Title: "Premiers pas"}, {ID: f.ids["P2"], Title: "Développeur web"}}, ProgIDs: []int64{f.ids["P2"]}}
		flat := func(s string) string { return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ") }
		for _, lang := range []string{"fr", "en", "ar"} {
			p := i18n.For(lang)
			body, err := pdfReport(p, c, fig)
			if err != nil {
				t.Fatal(err)
			}
			raw := pdfText(t, body)
			// In Arabic, pdftotext places punctuation and spaces at the edges
			// of the Latin runs of a right-to-left line as it can: letters and
			// digits, in their order, are compared; a label and its value are
			// looked for on one line.
			norm := flat
			if lang == "ar" {
				norm = pdftest.Letters
			}
			text := norm(raw)
			want := []string{"Tremplin Numérique", p.T("impact.report.title"), "SIRET 35600000000048", "RNA W595012346",
				p.T("impact.period", "from", web.FormatDate(p, year.From), "to", web.FormatDate(p, year.To)), p.T("impact.how.title")}
			for _, h := range howWeCount {
				want = append(want, p.T(h[0]), p.T(h[1]))
			}
			for _, w := range want {
				if !strings.Contains(text, norm(w)) {
					t.Errorf("%s PDF lacks %q", lang, w)
				}
			}
			for _, lv := range [][2]string{{p.T("impact.field.antennas"), "A"}, {p.T("impact.field.programmes"), "Développeur web"}} {
				found := strings.Contains(text, lv[0]+" "+lv[1]+" ")
				for l := range strings.SplitSeq(raw, "\n") {
					found = found || lang == "ar" && strings.Contains(norm(l), norm(lv[0])) && strings.Contains(norm(l), norm(lv[1]))
				}
				if !found {
					t.Errorf("%s PDF lacks %q %q on one line", lang, lv[0], lv[1])
				}
			}
			if strings.Contains(text, "Premiers pas") {
				t.Errorf("%s PDF names a programme that was not chosen", lang)
			}
		}
	})
}

package exports

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tremplin/internal/demo"
	"tremplin/internal/learners"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/training"
)

// pdfText extracts a PDF's text with poppler's pdftotext, as a funder's tools
// would read it.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is missing: install poppler-utils (apt-get install poppler-utils) to read the attendance sheets back")
	}
	path := filepath.Join(t.TempDir(), "sheet.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestLineNameKeepsAccentsAndNamesTheUnprintable(t *testing.T) {
	p := i18n.For("fr")
	cases := []struct {
		line SheetLine
		want string
	}{
		{SheetLine{FirstName: "Hélène", LastName: "Lefèvre"}, "LEFÈVRE Hélène"},
		{SheetLine{FirstName: "Noël", LastName: "Cœur-Ærts"}, "CŒUR-ÆRTS Noël"},
		{SheetLine{FirstName: "محمد", LastName: "حداد", Phone: "+33612345601"}, "(nom en écriture non latine, tél. …5601)"},
		{SheetLine{FirstName: "Amina", LastName: "حداد", Phone: "+265991234567"}, "Amina (nom en écriture non latine, tél. …4567)"},
		{SheetLine{FirstName: "ዮናስ", LastName: "Tesfaye"}, "TESFAYE (nom en écriture non latine, tél. …?)"},
	}
	for _, c := range cases {
		if got := lineName(p, c.line); got != c.want {
			t.Errorf("lineName(%q %q) = %q, want %q", c.line.FirstName, c.line.LastName, got, c.want)
		}
	}
}

func TestSheetsReadBackWithPdftotext(t *testing.T) {
	loc := training.Location("Africa/Blantyre")
	s := Sheet{Antenna: "Dzaleka", Programme: "Premiers pas numériques", TotalHours: 40,
		StartsOn: time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2027, 3, 19, 0, 0, 0, 0, time.UTC),
		Place: "Dzaleka community learning centre, Dowa", Timezone: "Africa/Blantyre",
		Start: time.Date(2027, 2, 3, 8, 30, 0, 0, loc), End: time.Date(2027, 2, 3, 11, 0, 0, 0, loc),
		Advisers: []string{"Grace Phiri"}}
	s.People = append(s.People, SheetLine{FirstName: "Hélène", LastName: "Dupré", Mark: "present"},
		SheetLine{FirstName: "Noël", LastName: "Bézier", Mark: "absent"},
		SheetLine{FirstName: "محمد", LastName: "حداد", Phone: "+265991230042"})
	for i := range 30 { // a long list runs onto a second page
		s.People = append(s.People, SheetLine{FirstName: "Personne", LastName: fmt.Sprintf("Numéro%02d", i)})
	}
	pdf, err := RenderSheets([]Sheet{s})
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("TREMPLIN_KEEP_PDF"); dir != "" {
		os.WriteFile(filepath.Join(dir, "sheet.pdf"), pdf.Bytes(), 0o600)
	}
	text := pdfText(t, pdf.Bytes())
	for _, want := range []string{"Feuille d'émargement", "Tremplin – antenne Dzaleka", "mercredi 3 février 2027, de 08:30 à 11:00",
		"Africa/Blantyre", "du 11 janvier 2027 au 19 mars 2027", "Grace Phiri", "DUPRÉ Hélène", "BÉZIER Noël", "Présent·e", "Absent·e",
		"tél. …0042", "Personnes inscrites : 33", "Signature du formateur / de la formatrice", "Page 1 sur 2", "Page 2 sur 2", "(suite)",
		"NUMÉRO29 Personne"} {
		if !strings.Contains(text, want) {
			t.Errorf("the sheet does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "محمد") {
		t.Error("Arabic letters were drawn with a font that has none")
	}
	// One numbered line per person.
	for _, n := range []string{"1", "33"} {
		if !containsLineStarting(text, n) {
			t.Errorf("no line numbered %s", n)
		}
	}
	if containsLineStarting(text, "34") {
		t.Error("a 34th line for 33 people")
	}
}

func containsLineStarting(text, n string) bool {
	for l := range strings.SplitSeq(text, "\n") {
		f := strings.Fields(l)
		if len(f) > 1 && f[0] == n {
			return true
		}
	}
	return false
}

func TestNoMeetingsStillMakesADocument(t *testing.T) {
	pdf, err := RenderSheets(nil)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, pdf.Bytes()); !strings.Contains(text, "Aucune séance") {
		t.Errorf("empty cohort: %s", text)
	}
}

func TestTablesReadBack(t *testing.T) {
	tb := &Table{Sheet: "Apprenants", Headers: []string{"Nom", "Téléphone", "Inscription le", "Heures"}, Widths: []float64{20, 20, 14, 10},
		Rows: [][]any{
			{"Hélène", "+33 6 12 34 56 01", Date{time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)}, Hours(12.5)},
			{`=HYPERLINK("http://evil.example","x")`, "", Date{}, Hours(0)},
		}}
	for _, sep := range []rune{';', ','} {
		buf, err := tb.CSV(sep)
		if err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
			t.Fatal("no byte-order mark: Excel would read the accents wrong")
		}
		r := csv.NewReader(bytes.NewReader(b[3:]))
		r.Comma = sep
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		hours := "12,5"
		if sep == ',' {
			hours = "12.5"
		}
		if got := recs[1]; got[0] != "Hélène" || got[1] != "'+33 6 12 34 56 01" || got[2] != "2026-11-28" || got[3] != hours {
			t.Errorf("sep %q: row %q", sep, got)
		}
		if got := recs[2][0]; !strings.HasPrefix(got, "'=") {
			t.Errorf("a formula typed in a name is left live: %q", got)
		}
	}
	buf, err := tb.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Apprenants")
	if err != nil {
		t.Fatal(err)
	}
	if rows[1][0] != "Hélène" || rows[1][1] != "+33 6 12 34 56 01" || rows[1][2] != "2026-11-28" || rows[1][3] != "12.5" {
		t.Errorf("row %q", rows[1])
	}
	if formula, _ := f.GetCellFormula("Apprenants", "A3"); formula != "" {
		t.Errorf("text written as a formula: %q", formula)
	}
	if typ, _ := f.GetCellType("Apprenants", "C2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Error("the date is text, not a date")
	}
	style, _ := f.GetCellStyle("Apprenants", "A1")
	if st, _ := f.GetStyle(style); st == nil || st.Font == nil || !st.Font.Bold {
		t.Error("header row not bold")
	}
	if w, _ := f.GetColWidth("Apprenants", "B"); w != 20 {
		t.Errorf("column width %v", w)
	}
}

// The cohorts list counts seats by state and the hours planned, on both engines,
// and stays within the person's antennas.
func TestCohortsTable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, d); err != nil {
			t.Fatal(err)
		}
		karim, err := auth.ByEmail(ctx, d, "karim.lille@tremplin.example")
		if err != nil {
			t.Fatal(err)
		}
		// A seat offered: one of the enrolled had only been offered it.
		res, err := d.Exec(ctx, `UPDATE enrolments SET state = 'offered' WHERE id = (SELECT MIN(e.id) FROM enrolments e
			JOIN cohorts c ON c.id = e.cohort_id JOIN antennas a ON a.id = c.antenna_id WHERE a.name = 'Lille' AND e.state = 'enrolled')`)
		if n, _ := res.RowsAffected(); err != nil || n != 1 {
			t.Fatalf("offer a seat: %v, %d rows", err, n)
		}
		tb, err := CohortsTable(ctx, d, karim, training.CohortFilter{}, i18n.For("fr"))
		if err != nil {
			t.Fatal(err)
		}
		rows := rowsOf(t, tb)
		if len(rows) != 4 {
			t.Fatalf("Lille has 4 demo cohorts, the export has %d", len(rows))
		}
		// Read by pages of one then two, the same rows in the same order.
		defer func(pages pageSizes) { cohortPages = pages }(cohortPages)
		cohortPages = pageSizes{1, 2}
		if paged := rowsOf(t, tb); fmt.Sprint(paged) != fmt.Sprint(rows) {
			t.Errorf("by pages of 1 then 2:\n%v\nwhole:\n%v", paged, rows)
		}
		offered := 0
		for _, row := range rows {
			// Seats by state, as the enrolments say.
			want := map[string]int{}
			r, err := d.QueryContext(ctx, "SELECT state, COUNT(*) FROM enrolments WHERE cohort_id = $1 GROUP BY state", row[0])
			if err != nil {
				t.Fatal(err)
			}
			for r.Next() {
				var state string
				var n int
				r.Scan(&state, &n)
				want[state] = n
			}
			r.Close()
			if got := [3]any{row[8], row[9], row[10]}; got != [3]any{want[training.Enrolled], want[training.Offered], want[training.Waitlisted]} {
				t.Errorf("cohort %v: enrolled, offered, waitlisted %v, want %v", row[0], got, want)
			}
			offered += want[training.Offered]
			if row[2] != "Lille" {
				t.Errorf("a cohort of %v in a Lille adviser's export", row[2])
			}
			if row[1] == "Premiers pas numériques" {
				// Tuesdays and Thursdays, 2.5 h, over eight weeks; two people enrolled, one waiting.
				if h := float64(row[11].(Hours)); h < 30 || h > 45 || h/2.5 != float64(int(h/2.5)) {
					t.Errorf("hours planned %v", h)
				}
				if row[8].(int) < 1 || row[10].(int) != 1 {
					t.Errorf("enrolled %v, waitlisted %v", row[8], row[10])
				}
			}
		}
		if offered == 0 {
			t.Error("no seat offered in Lille's demo cohorts: the count of offers is not tried")
		}
		open, err := CohortsTable(ctx, d, karim, training.CohortFilter{State: "finished"}, i18n.For("fr"))
		if err != nil {
			t.Fatal(err)
		}
		if finished := rowsOf(t, open); len(finished) != 1 || finished[0][6] != "Terminée" {
			t.Errorf("finished cohorts: %v", finished)
		}
	})
}

// rowsOf reads every row of a table, held or streamed.
func rowsOf(t *testing.T, tb *Table) [][]any {
	t.Helper()
	var rows [][]any
	if err := tb.each(func(row []any) error {
		rows = append(rows, append([]any(nil), row...))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return rows
}

// countingWriter counts what has reached it.
type countingWriter struct{ n int }

func (c *countingWriter) Write(b []byte) (int, error) { c.n += len(b); return len(b), nil }

// A long list goes out as it is read: most of the file has been written before
// its last row is read, and no row is kept.
func TestTablesStreamTheirRows(t *testing.T) {
	const rows = 20000
	var w countingWriter
	var beforeLast int
	tb := &Table{Sheet: "Apprenants", Headers: []string{"N°", "Nom", "Inscription le"}, Each: func(emit func([]any) error) error {
		for i := range rows {
			if i == rows-1 {
				beforeLast = w.n
			}
			if err := emit([]any{i, "Hélène Dupont", Date{time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)}}); err != nil {
				return err
			}
		}
		return nil
	}}
	n, err := tb.WriteCSV(&w, ';')
	if err != nil || n != rows {
		t.Fatalf("%d rows, %v", n, err)
	}
	if beforeLast < w.n*9/10 {
		t.Errorf("%d of %d bytes written before the last row was read", beforeLast, w.n)
	}
	var x bytes.Buffer
	if n, err := tb.WriteXLSX(&x); err != nil || n != rows {
		t.Fatalf("xlsx: %d rows, %v", n, err)
	}
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("Apprenants", fmt.Sprintf("A%d", rows+1)); v != fmt.Sprint(rows-1) {
		t.Errorf("last row: %q", v)
	}
}

// A learners list with the list page's other filters is read a page at a time
// from the list's cursor: every file once, newest first, as one read would
// bring them.
func TestFilteredLearnersArePagedThrough(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, d); err != nil {
			t.Fatal(err)
		}
		karim, err := auth.ByEmail(ctx, d, "karim.lille@tremplin.example")
		if err != nil {
			t.Fatal(err)
		}
		antennas, err := org.Antennas(ctx, d, karim.Scope())
		if err != nil {
			t.Fatal(err)
		}
		f := LearnerFilter{From: "2000-01-01"} // everyone, through the filtered path
		whole, _, err := learners.Filtered(ctx, d, karim.Scope(), antennas, f, 100000, 100000)
		if err != nil {
			t.Fatal(err)
		}
		if len(whole) < 5 {
			t.Fatalf("%d files in Lille: too few to cross pages", len(whole))
		}
		defer func(pages pageSizes) { learnerPages = pages }(learnerPages)
		learnerPages.first, learnerPages.most = 1, 2
		tb, err := LearnersTable(ctx, d, karim, f, i18n.For("fr"))
		if err != nil {
			t.Fatal(err)
		}
		rows := rowsOf(t, tb)
		if len(rows) != len(whole) {
			t.Fatalf("%d rows by pages of 1 then 2, %d files", len(rows), len(whole))
		}
		for i, l := range whole {
			if rows[i][0] != l.ID {
				t.Errorf("row %d is file %v, want %d", i, rows[i][0], l.ID)
			}
		}
	})
}

// The hours planned count a meeting that ends on the next day (in UTC) for its
// length, on both engines: the sum is made in SQL on the stored text.
func TestCohortHoursCountAMeetingAcrossMidnight(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, d); err != nil {
			t.Fatal(err)
		}
		karim, err := auth.ByEmail(ctx, d, "karim.lille@tremplin.example")
		if err != nil {
			t.Fatal(err)
		}
		hours := func() (int64, float64) {
			tb, err := CohortsTable(ctx, d, karim, training.CohortFilter{}, i18n.For("fr"))
			if err != nil {
				t.Fatal(err)
			}
			row := rowsOf(t, tb)[0]
			return row[0].(int64), float64(row[11].(Hours))
		}
		id, before := hours()
		start := time.Date(2030, 12, 31, 23, 15, 0, 0, time.UTC)
		if _, err := training.AddMeetings(ctx, d, id, []training.Slot{{Start: start, End: start.Add(90 * time.Minute)}}); err != nil {
			t.Fatal(err)
		}
		if _, after := hours(); after != before+1.5 {
			t.Errorf("hours %v, then %v with a meeting of 1.5 h from 23:15 to 00:45", before, after)
		}
		// A cancelled meeting is not planned any more, as on the cohort page.
		var meeting int64
		if err := d.QueryRowContext(ctx, "SELECT id FROM meetings WHERE cohort_id = $1 ORDER BY starts_at DESC LIMIT 1", id).Scan(&meeting); err != nil {
			t.Fatal(err)
		}
		if err := training.CancelMeeting(ctx, d, meeting); err != nil {
			t.Fatal(err)
		}
		if _, after := hours(); after != before {
			t.Errorf("hours %v after cancelling the meeting, want %v", after, before)
		}
	})
}

package exports

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
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

func TestTablesReadBack(t *testing.T) {
	tb := &Table{Sheet: "Apprenants", Headers: []string{"Nom", "Téléphone", "Inscription le", "Heures"}, Widths: []float64{20, 20, 14, 10},
		Rows: [][]any{
			{"Hélène", "+33 6 12 34 56 01", Date{Time: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)}, Hours(12.5)},
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
	// Text is guarded in the workbook as in the CSV (sheet.Text).
	if rows[1][0] != "Hélène" || rows[1][1] != "'+33 6 12 34 56 01" || rows[1][2] != "2026-11-28" || rows[1][3] != "12.5" {
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
	if err := tb.All(func(row []any) error {
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
			if err := emit([]any{i, "Hélène Dupont", Date{Time: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)}}); err != nil {
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

package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// recorder counts the bytes that have reached it.
type recorder struct{ n int }

func (r *recorder) Write(b []byte) (int, error) { r.n += len(b); return len(b), nil }

// A national list must start downloading at once: the workbook's first bytes
// leave while its rows are still being read, not after the last one.
func TestXLSXStartsBeforeTheLastRowIsRead(t *testing.T) {
	const most = 50000 // far more rows than the first bytes need
	var w recorder
	read, seenAt := 0, 0
	tb := &Table{Sheet: "Apprenants", Headers: []string{"N°", "Nom", "Inscription le"}, Each: func(emit func([]any) error) error {
		for read = 0; read < most; read++ {
			if w.n > 0 && seenAt == 0 {
				seenAt = read
				// A few more rows, so that the sheet does not end at the very row
				// the first bytes left with.
			}
			if seenAt > 0 && read > seenAt+100 {
				return nil
			}
			if err := emit([]any{read, "Hélène Dupont", Date{time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)}}); err != nil {
				return err
			}
		}
		return nil
	}}
	if _, err := tb.WriteXLSX(&w); err != nil {
		t.Fatal(err)
	}
	if seenAt == 0 {
		t.Fatalf("no byte written before the last of %d rows was read", most)
	}
	t.Logf("first bytes after %d rows", seenAt)
}

// xlsxPart reads one part of a workbook as text.
func xlsxPart(t *testing.T, book []byte, name string) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := z.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every part of the archive is well-formed XML, as Excel requires before
// anything else.
func checkWellFormed(t *testing.T, book []byte) {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(r)
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
		}
		r.Close()
	}
}

// What people type reads back as typed, in any script, and as the kind of cell
// it is: dates are dates, hours numbers, and a formula typed in a name is guarded text.
func TestXLSXCellsReadBack(t *testing.T) {
	day := time.Date(2026, 11, 28, 23, 30, 0, 0, time.FixedZone("Réunion", 4*3600))
	tb := &Table{Sheet: "Apprenants: 2026/11 [liste] des personnes inscrites",
		Headers: []string{"N°", "Nom", "Prénom", "Inscription le", "Heures", "Note"}, Widths: []float64{8, 20, 0, 14},
		Rows: [][]any{
			{1, "حداد", "محمد", Date{day}, Hours(12.5), "  deux espaces  "},
			{int64(2), `=HYPERLINK("http://evil.example","x")`, "Noël\x00\x07\x1b", Date{}, Hours(0), "a < b & c > \"d\"\r\nligne"},
			{3, "Dupré", "", Date{time.Date(2031, 1, 2, 0, 0, 0, 0, time.UTC)}, Hours(1.25), nil},
		}}
	buf, err := tb.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	book := buf.Bytes()
	checkWellFormed(t, book)
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	if sheet != "Apprenants_ 2026_11 _liste_ des" {
		t.Errorf("sheet name %q", sheet)
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"N°", "Nom", "Prénom", "Inscription le", "Heures", "Note"},
		{"1", "حداد", "محمد", "2026-11-28", "12.5", "  deux espaces  "},
		{"2", `'=HYPERLINK("http://evil.example","x")`, "Noël", "", "0.0", "a < b & c > \"d\"\r\nligne"},
		{"3", "Dupré", "", "2031-01-02", "1.3"},
	}
	if fmt.Sprintf("%q", rows) != fmt.Sprintf("%q", want) {
		t.Errorf("rows read back:\n%q\nwant\n%q", rows, want)
	}
	raw, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if raw[1][3] != "46354" || raw[1][4] != "12.5" || raw[3][4] != "1.25" {
		t.Errorf("the day is not Excel's serial number, or the hours not a number: %q %q", raw[1], raw[3])
	}
	for _, cell := range []string{"B3", "A2", "D2", "E2"} {
		if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
			t.Errorf("%s holds a formula: %q", cell, formula)
		}
	}
	for cell, text := range map[string]bool{"B3": true, "B2": true, "A2": false, "D2": false, "E2": false} {
		typ, _ := f.GetCellType(sheet, cell)
		if isText := typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString; isText != text {
			t.Errorf("%s: text %v, want %v", cell, isText, text)
		}
	}
	for cell, code := range map[string]string{"D2": "yyyy-mm-dd", "E2": "0.0"} {
		id, _ := f.GetCellStyle(sheet, cell)
		if st, _ := f.GetStyle(id); st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != code {
			t.Errorf("%s is not shown as %s", cell, code)
		}
	}
	id, _ := f.GetCellStyle(sheet, "F1")
	if st, _ := f.GetStyle(id); st == nil || st.Font == nil || !st.Font.Bold {
		t.Error("header row not bold")
	}
	if id, _ := f.GetCellStyle(sheet, "B2"); id != 0 {
		if st, _ := f.GetStyle(id); st != nil && st.Font != nil && st.Font.Bold {
			t.Error("a row below the header is bold")
		}
	}
	if w, _ := f.GetColWidth(sheet, "B"); w != 20 {
		t.Errorf("column B width %v", w)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	if s := xlsxPart(t, book, "xl/worksheets/sheet1.xml"); !strings.Contains(s, `</sheetData><autoFilter ref="A1:F4"/></worksheet>`) {
		t.Errorf("no filter on the header and every row:\n%s", s)
	}
	found := false
	for _, n := range f.GetDefinedName() {
		if n.Name == "_xlnm._FilterDatabase" {
			found = n.RefersTo == "'Apprenants_ 2026_11 _liste_ des'!$A$1:$F$4"
		}
	}
	if !found {
		t.Errorf("the filter's range is not named: %+v", f.GetDefinedName())
	}
}

// A name Excel would refuse is made one it accepts: forbidden characters
// replaced, quotes at the ends dropped, cut at 31 characters (counted as Excel
// does, in UTF-16), never empty.
func TestSheetName(t *testing.T) {
	for in, want := range map[string]string{
		"Apprenants":                          "Apprenants",
		"'Sessions'":                          "Sessions",
		"a/b\\c?d*e[f]g:h":                    "a_b_c_d_e_f_g_h",
		"":                                    "Sheet1",
		"'''":                                 "Sheet1",
		"المتعلمون":                           "المتعلمون",
		strings.Repeat("é", 40):               strings.Repeat("é", 31),
		strings.Repeat("😀", 20):               strings.Repeat("😀", 15),
		"Orientations\x00\n":                  "Orientations",
		"Liste de l'antenne de Saint-Étienne": "Liste de l'antenne de Saint-Éti",
	} {
		if got := sheetName(in); got != want {
			t.Errorf("sheetName(%q) = %q, want %q", in, got, want)
		}
	}
}

// An empty list is still a workbook: the header alone, filtered.
func TestXLSXEmptyList(t *testing.T) {
	tb := &Table{Sheet: "Sessions", Headers: []string{"N°", "Programme"}}
	buf, err := tb.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, buf.Bytes())
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Sessions")
	if err != nil || len(rows) != 1 || rows[0][1] != "Programme" {
		t.Errorf("rows %q, %v", rows, err)
	}
}

// Column names go A…Z, AA…AZ, BA… as Excel's do.
func TestColumnLetters(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := columnLetters(i); got != want {
			t.Errorf("column %d: %q, want %q", i, got, want)
		}
	}
}

// generated is a Table of n rows made as they are read, like a national list.
func generated(n int) *Table {
	day := Date{time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)}
	return &Table{Sheet: "Apprenants", Headers: []string{"N°", "Nom", "Prénom", "Téléphone", "Inscription le", "Heures"},
		Widths: []float64{8, 20, 18, 20, 14, 10},
		Each: func(emit func([]any) error) error {
			row := make([]any, 6)
			for i := range n {
				row[0], row[1], row[2], row[3], row[4], row[5] = i, "Dupont-حداد", "Hélène", "+33 6 12 34 56 01", day, Hours(i%40)/2
				if err := emit(row); err != nil {
					return err
				}
			}
			return nil
		}}
}

// The memory an XLSX takes to write does not grow with its rows: the heap live
// after 200,000 rows is what it was after the first thousand, give or take.
func TestXLSXMemoryStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("200,000 rows")
	}
	const rows = 200000
	var first, peak uint64
	tb := generated(rows)
	each := tb.Each
	tb.Each = func(emit func([]any) error) error {
		n := 0
		return each(func(row []any) error {
			if n++; n%20000 == 1000 {
				var m runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&m)
				if first == 0 {
					first = m.HeapAlloc
				}
				peak = max(peak, m.HeapAlloc)
			}
			return emit(row)
		})
	}
	n, err := tb.WriteXLSX(io.Discard)
	if err != nil || n != rows {
		t.Fatalf("%d rows, %v", n, err)
	}
	if grown := int64(peak) - int64(first); grown > 4<<20 {
		t.Errorf("the live heap grew by %d KB over %d rows", grown>>10, rows)
	}
}

// BenchmarkWriteXLSX writes 200,000 rows: B/op is what a long list costs, which
// should stay the same at ten times the rows.
func BenchmarkWriteXLSX(b *testing.B) {
	var w recorder
	for b.Loop() {
		w.n = 0
		if _, err := generated(200000).WriteXLSX(&w); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(w.n)/(1<<20), "MB/file")
}

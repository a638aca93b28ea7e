package sheet

import (
	"bytes"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar day in a table: a date cell in XLSX, YYYY-MM-DD in CSV.
type Date struct{ time.Time }

// Hours is a number of hours: a number cell in XLSX, with the decimal separator
// that goes with the CSV's field separator.
type Hours float64

// Table is a list ready to be written as CSV or XLSX: a header row and rows of
// cells, each a string, an int, a Date or Hours. The rows are either held (Rows)
// or read while the file is written (Each), so that a list of a million files
// goes out as it is read, in constant memory.
type Table struct {
	Sheet   string    // the XLSX sheet's name
	Headers []string  // column titles, in the viewer's language
	Widths  []float64 // XLSX column widths, in characters
	Rows    [][]any
	// Each, when set, calls emit for each row in turn (after Rows); emit's row is
	// not kept.
	Each func(emit func(row []any) error) error
}

// All calls fn for every row, held or read.
func (t *Table) All(fn func(row []any) error) error {
	for _, row := range t.Rows {
		if err := fn(row); err != nil {
			return err
		}
	}
	if t.Each != nil {
		return t.Each(fn)
	}
	return nil
}

// BOM makes Excel read a CSV file as UTF-8 rather than the Windows code page.
const BOM = "\uFEFF"

// Raw is a cell written exactly as given: a number already formatted for the
// file (Plain figures of a report), or a value of an open-data standard whose
// pattern admits no formula (a phone "+33…", a code). Any other text is a
// string, guarded (Text).
type Raw string

// CSV writes the table as UTF-8 with a byte-order mark, fields separated by sep
// (';' for a French Excel, which reads ',' as the decimal separator).
func (t *Table) CSV(sep rune) (*bytes.Buffer, error) {
	var buf bytes.Buffer
	_, err := t.WriteCSV(&buf, sep)
	return &buf, err
}

// WriteCSV writes the table as CSV to w, row by row as they are read, and returns
// how many rows it wrote.
func (t *Table) WriteCSV(w io.Writer, sep rune) (int, error) {
	if _, err := io.WriteString(w, BOM); err != nil {
		return 0, err
	}
	cw := NewWriter(w, sep)
	if err := cw.Strings(t.Headers); err != nil {
		return 0, err
	}
	n := 0
	err := t.All(func(row []any) error {
		n++
		return cw.Row(row...)
	})
	if err != nil {
		return n, err
	}
	return n, cw.Flush()
}

// Writer writes CSV rows, every text cell guarded against formulas (Text): the
// one way every export of Tremplin writes CSV, so that no file written for a
// spreadsheet carries a formula someone typed.
type Writer struct {
	cw  *csv.Writer
	sep rune
	rec []string
}

// NewWriter writes CSV to w, fields separated by sep, lines ended by CRLF (what
// Excel writes and expects). It writes no byte-order mark: write BOM first for
// a file meant for Excel.
func NewWriter(w io.Writer, sep rune) *Writer {
	cw := csv.NewWriter(w)
	cw.Comma = sep
	cw.UseCRLF = true
	return &Writer{cw: cw, sep: sep}
}

// Row writes one row of cells: strings (guarded), Raw, int, int64, Hours, Date.
func (w *Writer) Row(cells ...any) error {
	w.rec = w.rec[:0]
	for _, v := range cells {
		w.rec = append(w.rec, csvCell(v, w.sep))
	}
	return w.cw.Write(w.rec)
}

// Strings writes one row of text cells, each guarded.
func (w *Writer) Strings(cells []string) error {
	w.rec = w.rec[:0]
	for _, v := range cells {
		w.rec = append(w.rec, Text(v))
	}
	return w.cw.Write(w.rec)
}

// Flush writes what is buffered and returns the first error met.
func (w *Writer) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

func csvCell(v any, sep rune) string {
	switch v := v.(type) {
	case string:
		return Text(v)
	case Raw:
		return string(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case Hours:
		s := strconv.FormatFloat(float64(int(float64(v)*10+0.5))/10, 'f', -1, 64)
		if sep == ';' {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case Date:
		if v.IsZero() {
			return ""
		}
		return v.Format(time.DateOnly)
	}
	return ""
}

// Text keeps a spreadsheet from reading text as a formula: names and places are
// typed by anyone on the public registration form, and "=HYPERLINK(…)" in a
// cell would run when an adviser opens the file. Text beginning with = + - @,
// a tab or a carriage return gets a leading apostrophe (OWASP's guard against
// CSV injection); a phone "+33 6…" too, which Excel would otherwise turn into a
// formula error. Every text cell of every CSV and XLSX file goes through it.
func Text(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// XLSX writes the table as one sheet, held in memory: for small tables and tests.
func (t *Table) XLSX() (*bytes.Buffer, error) {
	var buf bytes.Buffer
	_, err := t.WriteXLSX(&buf)
	return &buf, err
}

// WriteXLSX writes the table to w as one sheet: header row in bold and frozen,
// filters on the header, column widths, dates as dates and numbers as numbers.
// Text is always written as text, never read as a formula. The workbook goes out
// as the rows are read (see xlsxWriter): memory stays constant and the first
// bytes leave at once.
func (t *Table) WriteXLSX(w io.Writer) (rows int, err error) {
	x := newXLSXWriter(w, t.Sheet)
	if err := x.begin(t.Headers, t.Widths); err != nil {
		return 0, err
	}
	err = t.All(func(row []any) error {
		if err := x.row(row, ""); err != nil {
			return err
		}
		rows++
		return nil
	})
	if err != nil {
		return rows, err
	}
	return rows, x.finish()
}

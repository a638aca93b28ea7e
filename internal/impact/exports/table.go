package exports

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Date is a calendar day in a table: a date cell in XLSX, YYYY-MM-DD in CSV.
type Date struct{ time.Time }

// Hours is a number of hours: a number cell in XLSX, with the decimal separator
// that goes with the CSV's field separator.
type Hours float64

// Table is a list ready to be written as CSV or XLSX: a header row and rows of
// cells, each a string, an int, a Date or Hours.
type Table struct {
	Sheet   string    // the XLSX sheet's name
	Headers []string  // column titles, in the viewer's language
	Widths  []float64 // XLSX column widths, in characters
	Rows    [][]any
}

// bom makes Excel read the file as UTF-8 rather than the Windows code page.
const bom = "\uFEFF"

// CSV writes the table as UTF-8 with a byte-order mark, fields separated by sep
// (';' for a French Excel, which reads ',' as the decimal separator).
func (t *Table) CSV(sep rune) (*bytes.Buffer, error) {
	var buf bytes.Buffer
	buf.WriteString(bom)
	cw := csv.NewWriter(&buf)
	cw.Comma = sep
	cw.UseCRLF = true // what Excel writes and expects
	if err := cw.Write(t.Headers); err != nil {
		return nil, err
	}
	rec := make([]string, len(t.Headers))
	for _, row := range t.Rows {
		for i, v := range row {
			rec[i] = csvCell(v, sep)
		}
		if err := cw.Write(rec); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	return &buf, cw.Error()
}

func csvCell(v any, sep rune) string {
	switch v := v.(type) {
	case string:
		return defuse(v)
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

// defuse keeps a spreadsheet from reading text as a formula: names and places are
// typed by anyone on the public registration form, and "=HYPERLINK(…)" in a
// cell would run when an adviser opens the file. Such text gets a leading
// apostrophe (the usual guard against CSV injection); a phone "+33 6…" too,
// which Excel would otherwise turn into a formula error.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// XLSX writes the table as one sheet: header row in bold and frozen, filters on
// the header, column widths, dates as dates and numbers as numbers. Text is
// always written as text, never read as a formula.
func (t *Table) XLSX() (*bytes.Buffer, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := t.Sheet
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	dateFmt := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, err
	}
	hoursFmt := "0.0"
	hoursStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &hoursFmt})
	if err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for i, w := range t.Widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	head := make([]any, len(t.Headers))
	for i, s := range t.Headers {
		head[i] = excelize.Cell{StyleID: bold, Value: s}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, err
	}
	for r, row := range t.Rows {
		cells := make([]any, len(row))
		for i, v := range row {
			switch v := v.(type) {
			case Date:
				if v.IsZero() {
					cells[i] = nil
				} else {
					day := time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)
					cells[i] = excelize.Cell{StyleID: dateStyle, Value: day}
				}
			case Hours:
				cells[i] = excelize.Cell{StyleID: hoursStyle, Value: float64(v)}
			default:
				cells[i] = v
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	if len(t.Headers) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(t.Headers), len(t.Rows)+1)
		if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return &buf, nil
}

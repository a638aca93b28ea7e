package sheet

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// A workbook of one sheet, written part by part into a zip archive as the rows
// are read. zip.Writer streams each part (sizes go in data descriptors after the
// data), so the first bytes leave before the first row is read and nothing grows
// with the number of rows. The workbook part comes last: it names the filter's
// range, known only once the last row is written (parts may come in any order).

// Excel's limits: rows in a sheet, characters in a cell and in a sheet's name.
const (
	xlsxMaxRows      = 1 << 20
	xlsxMaxCellChars = 32767
	xlsxMaxSheetName = 31
)

// errTooManyRows stops a list Excel could not open whole.
var errTooManyRows = errors.New("more rows than an Excel sheet holds (1,048,576)")

// Cell styles, by their index in xlsxStyles' cellXfs.
const (
	styleHeader = "1"
	styleDate   = "2"
	styleHours  = "3"
)

const xlsxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
	`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
	`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
	`</Types>`

const xlsxRootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
	`</Relationships>`

const xlsxWorkbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`</Relationships>`

// xlsxStyles holds the four cell formats the lists use: plain, bold header, day
// (yyyy-mm-dd, read the same in every locale) and hours to a tenth. The two
// fills are the ones Excel requires first.
const xlsxStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="0.0"/></numFmts>` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
	`<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`

const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const mainNS = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`

// xlsxWriter writes one workbook of one sheet. buf is reused for each row, so
// that a row costs one write into the compressor.
type xlsxWriter struct {
	zip     *zip.Writer
	sheet   io.Writer // the worksheet part, open while rows are written
	name    string    // the sheet's name, safe for Excel
	columns int       // header columns, for the filter's range
	rows    int       // rows written, header included
	buf     []byte
	letters []string // column letters, A, B… AA…, as far as the widest row went
}

func newXLSXWriter(w io.Writer, sheet string) *xlsxWriter {
	return &xlsxWriter{zip: zip.NewWriter(w), name: sheetName(sheet)}
}

// part writes a small part whole.
func (x *xlsxWriter) part(name, body string) error {
	w, err := x.zip.Create(name)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, body)
	return err
}

// begin writes the parts that do not depend on the rows, then opens the sheet:
// its view (header frozen), column widths and the bold header row.
func (x *xlsxWriter) begin(headers []string, widths []float64) error {
	for _, p := range [][2]string{{"[Content_Types].xml", xlsxContentTypes}, {"_rels/.rels", xlsxRootRels},
		{"xl/_rels/workbook.xml.rels", xlsxWorkbookRels}, {"xl/styles.xml", xlsxStyles}} {
		if err := x.part(p[0], p[1]); err != nil {
			return err
		}
	}
	var err error
	if x.sheet, err = x.zip.Create("xl/worksheets/sheet1.xml"); err != nil {
		return err
	}
	b := append(x.buf[:0], xmlHead...)
	b = append(b, `<worksheet `+mainNS+`><sheetViews><sheetView tabSelected="1" workbookViewId="0">`+
		`<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>`+
		`<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>`...)
	b = appendCols(b, widths)
	b = append(b, "<sheetData>"...)
	x.buf = b
	x.columns = len(headers)
	head := make([]any, len(headers))
	for i, h := range headers {
		head[i] = h
	}
	return x.row(head, styleHeader)
}

// appendCols writes the column widths set (none: Excel's default width).
func appendCols(b []byte, widths []float64) []byte {
	open := false
	for i, w := range widths {
		if w <= 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			continue
		}
		if !open {
			b, open = append(b, "<cols>"...), true
		}
		n := strconv.Itoa(i + 1)
		b = append(b, `<col min="`+n+`" max="`+n+`" width="`...)
		b = strconv.AppendFloat(b, w, 'f', -1, 64)
		b = append(b, `" customWidth="1"/>`...)
	}
	if open {
		b = append(b, "</cols>"...)
	}
	return b
}

// row writes one row; text cells take textStyle ("" for none).
func (x *xlsxWriter) row(cells []any, textStyle string) error {
	if x.rows == xlsxMaxRows {
		return errTooManyRows
	}
	x.rows++
	r := strconv.Itoa(x.rows)
	b := append(x.buf, `<row r="`...)
	b = append(b, r...)
	b = append(b, `">`...)
	for i, v := range cells {
		b = appendCell(b, cellRef{x.letter(i), r}, v, textStyle)
	}
	b = append(b, "</row>"...)
	_, err := x.sheet.Write(b)
	x.buf = b[:0]
	return err
}

// letter is column i's name (0: A).
func (x *xlsxWriter) letter(i int) string {
	for len(x.letters) <= i {
		x.letters = append(x.letters, columnLetters(len(x.letters)))
	}
	return x.letters[i]
}

func columnLetters(i int) string {
	var s []byte
	for i++; i > 0; i = (i - 1) / 26 {
		s = append([]byte{byte('A' + (i-1)%26)}, s...)
	}
	return string(s)
}

// cellRef is a cell's column and row, kept apart so that naming a cell costs
// no string of its own.
type cellRef struct{ col, row string }

// appendCell writes one cell. Text goes in as an inline string, which Excel
// never reads as a formula, and guarded too (Text), so that the file saved
// again as CSV or read by another program is no more dangerous; an empty
// value writes no cell at all.
func appendCell(b []byte, at cellRef, v any, textStyle string) []byte {
	switch v := v.(type) {
	case nil:
		return b
	case string:
		return appendText(b, at, Text(v), textStyle)
	case Raw:
		if f, err := strconv.ParseFloat(strings.Replace(string(v), ",", ".", 1), 64); err == nil {
			return appendFloat(b, at, f, "")
		}
		return appendText(b, at, Text(string(v)), textStyle)
	case int:
		return appendInt(b, at, int64(v), "")
	case int64:
		return appendInt(b, at, v, "")
	case float64:
		return appendFloat(b, at, v, "")
	case Hours:
		return appendFloat(b, at, float64(v), styleHours)
	case Date:
		return appendDate(b, at, v)
	case bool:
		b = appendOpen(b, at, "", "b")
		if v {
			return append(b, "<v>1</v></c>"...)
		}
		return append(b, "<v>0</v></c>"...)
	}
	return appendText(b, at, Text(fmt.Sprint(v)), textStyle)
}

// appendOpen opens a cell's element, with its style and type when not "".
func appendOpen(b []byte, at cellRef, style, typ string) []byte {
	b = append(b, `<c r="`...)
	b = append(b, at.col...)
	b = append(b, at.row...)
	b = append(b, '"')
	if style != "" {
		b = append(b, ` s="`...)
		b = append(b, style...)
		b = append(b, '"')
	}
	if typ != "" {
		b = append(b, ` t="`...)
		b = append(b, typ...)
		b = append(b, '"')
	}
	return append(b, '>')
}

func appendText(b []byte, at cellRef, s, style string) []byte {
	if s == "" {
		return b
	}
	b = appendOpen(b, at, style, "inlineStr")
	// Spaces at either end would be dropped by the reader without it.
	if strings.TrimSpace(s) != s {
		b = append(b, `<is><t xml:space="preserve">`...)
	} else {
		b = append(b, `<is><t>`...)
	}
	b = appendEscaped(b, s, xlsxMaxCellChars)
	return append(b, "</t></is></c>"...)
}

func appendInt(b []byte, at cellRef, n int64, style string) []byte {
	b = append(appendOpen(b, at, style, ""), "<v>"...)
	b = strconv.AppendInt(b, n, 10)
	return append(b, "</v></c>"...)
}

func appendFloat(b []byte, at cellRef, f float64, style string) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b // no number Excel could hold
	}
	b = append(appendOpen(b, at, style, ""), "<v>"...)
	b = strconv.AppendFloat(b, f, 'f', -1, 64)
	return append(b, "</v></c>"...)
}

// excelEpoch is day 0 of Excel's 1900 date system, as its serial numbers count
// from 1 March 1900 on (the days before carry Lotus's false 29 February 1900).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

var excelFirstDay = time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)

// appendDate writes the calendar day of d (in d's own zone) as a serial number
// shown as yyyy-mm-dd; a day Excel's serial numbers cannot say right is text.
func appendDate(b []byte, at cellRef, d Date) []byte {
	if d.IsZero() {
		return b
	}
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	if day.Before(excelFirstDay) || day.Year() > 9999 {
		return appendText(b, at, day.Format(time.DateOnly), "")
	}
	// By seconds since 1970: a Duration would overflow past the year 2192.
	serial := (day.Unix() - excelEpoch.Unix()) / 86400
	return appendInt(b, at, serial, styleDate)
}

// appendEscaped writes s as XML text, at most max UTF-16 units (Excel's
// measure of a cell): markup characters escaped, characters XML cannot carry
// (control characters, typed or pasted into a form) left out, and bytes that are
// not UTF-8 replaced, so that any name, in any script, reads back as typed.
func appendEscaped(b []byte, s string, max int) []byte {
	units := 0
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				r = '\uFFFD'
			}
		}
		if !xmlChar(r) {
			continue
		}
		units += utf16.RuneLen(r)
		if units > max {
			break
		}
		switch r {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '"':
			b = append(b, "&quot;"...)
		case '\r':
			b = append(b, "&#13;"...) // a raw one would be read as a line feed
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

// xmlChar reports whether XML 1.0 may carry r.
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= utf8.MaxRune)
}

// sheetName makes name one Excel accepts: none of : \ / ? * [ ], no quote at
// either end, at most 31 characters; "Sheet1" when nothing is left.
func sheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		if !xmlChar(r) || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(name, "'")
	var out []rune
	units := 0
	for _, r := range name {
		if units += utf16.RuneLen(r); units > xlsxMaxSheetName {
			break
		}
		out = append(out, r)
	}
	name = strings.TrimRight(string(out), "'")
	if strings.TrimSpace(name) == "" {
		return "Sheet1"
	}
	return name
}

// finish closes the sheet with the filter on the header and every row, then
// writes the workbook, which names the sheet and the filter's range (Excel
// keeps the range of a sheet's filter in a hidden name), and the archive's index.
func (x *xlsxWriter) finish() error {
	ref := ""
	if x.columns > 0 {
		ref = "$A$1:$" + x.letter(x.columns-1) + "$" + strconv.Itoa(x.rows)
	}
	b := append(x.buf[:0], "</sheetData>"...)
	if ref != "" {
		b = append(b, `<autoFilter ref="`+strings.ReplaceAll(ref, "$", "")+`"/>`...)
	}
	b = append(b, "</worksheet>"...)
	if _, err := x.sheet.Write(b); err != nil {
		return err
	}
	b = append(b[:0], xmlHead...)
	b = append(b, `<workbook `+mainNS+` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+
		`<bookViews><workbookView/></bookViews><sheets><sheet name="`...)
	b = appendEscaped(b, x.name, xlsxMaxSheetName)
	b = append(b, `" sheetId="1" r:id="rId1"/></sheets>`...)
	if ref != "" {
		b = append(b, `<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">`...)
		b = appendEscaped(b, "'"+strings.ReplaceAll(x.name, "'", "''")+"'!"+ref, 2*xlsxMaxSheetName+32)
		b = append(b, `</definedName></definedNames>`...)
	}
	b = append(b, `</workbook>`...)
	if err := x.part("xl/workbook.xml", string(b)); err != nil {
		return err
	}
	return x.zip.Close()
}

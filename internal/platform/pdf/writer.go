package pdf

import (
	"bytes"
	"strings"
	"sync"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"
)

// Doc is an A4 portrait PDF, in millimetres, that writes text in any script.
// It embeds *fpdf.Fpdf for what has nothing to do with text (pages, colours,
// footers); its own SetFont, CellFormat, MultiCell, Write, GetStringWidth,
// SplitLines, AliasNbPages, Rect and Line replace fpdf's, which would print
// Latin-1 only and, on a right-to-left page, at the wrong place. Text given
// to them is in logical order, as typed; names and other text from elsewhere
// go inside Isolate in a sentence.
type Doc struct {
	*fpdf.Fpdf
	rtl    bool
	alias  string // the total pages' alias, see AliasNbPages
	style  int    // 0 regular, 1 bold
	cur    *face  // fpdf's current font
	added  map[*face]bool
	shaper *shaper
	// primary draws every letter it has (DejaVu Sans, or Helvetica for
	// NewStandard); the fallbacks, in order, the letters it lacks.
	primary   *[2]*face
	fallbacks []*[2]*face
}

// New starts a document whose text runs in the direction dir ("rtl" or
// "ltr", as i18n.Printer.Dir gives it).
func New(dir string) *Doc {
	loadFaces()
	d := &Doc{Fpdf: fpdf.New("P", "mm", "A4", ""), rtl: dir == "rtl", added: map[*face]bool{}, primary: &dejavu,
		fallbacks: []*[2]*face{&ethiopic, &arabic}}
	d.shaper = shapers()
	d.SetFont("", 10)
	return d
}

// NewStandard starts a document for documents printed by the thousand (tax
// receipts): its Western European text is drawn in Helvetica, one of the
// fonts every PDF reader has, which is neither embedded nor measured anew in
// each file; letters Helvetica lacks (Arabic, Ge'ez, Vietnamese…) come from
// the embedded fonts as in New. A file then weighs a few kilobytes and is
// written in a fraction of the time.
func NewStandard(dir string) *Doc {
	loadFaces()
	d := &Doc{Fpdf: fpdf.New("P", "mm", "A4", ""), rtl: dir == "rtl", added: map[*face]bool{}, primary: &helvetica,
		// Arabic letters from Noto Sans Arabic, a sixth of DejaVu's glyphs:
		// a receipt with an Arabic name is written in a third of the time.
		fallbacks: []*[2]*face{&arabic, &dejavu, &ethiopic}}
	d.shaper = shapers()
	d.SetFont("", 10)
	return d
}

// shapers is the shaper of the forms both DejaVu faces draw, or else the
// Arabic fallback, built once.
var shapers = sync.OnceValue(func() *shaper {
	font := map[rune]bool{}
	for r := range dejavu[0].runes {
		if dejavu[1].runes[r] {
			font[r] = true
		}
	}
	for r := range arabic[0].runes {
		font[r] = true
	}
	return newShaper(font)
})

// RTL reports whether the page runs right to left.
func (d *Doc) RTL() bool { return d.rtl }

// use makes f the current font, embedding it on first use: a document
// without Ge'ez letters carries no Ethiopic font.
// fpdf writes a font change into the page each time, even to the same font:
// the current one is kept to write it only when it changes.
func (d *Doc) use(f *face) {
	if f == d.cur {
		return
	}
	if !d.added[f] && f.file != "" {
		d.AddUTF8FontFromBytes(f.family, f.style, faceData[f.file])
		d.added[f] = true
	}
	size, _ := d.GetFontSize()
	d.Fpdf.SetFont(f.family, f.style, size)
	d.cur = f
}

// SetFont sets the style ("" regular, "B" bold; italics are printed upright,
// no oblique face being embedded) and size in points of the text to come.
func (d *Doc) SetFont(style string, size float64) {
	d.style = 0
	if strings.Contains(strings.ToUpper(style), "B") {
		d.style = 1
	}
	f := d.primary[d.style]
	if !d.added[f] && f.file != "" {
		d.AddUTF8FontFromBytes(f.family, f.style, faceData[f.file])
		d.added[f] = true
	}
	d.Fpdf.SetFont(f.family, f.style, size)
	d.cur = f
}

// AddPage starts a page as fpdf's does. fpdf gives the new page the font
// the text had before, whatever the footer and header set: so does Doc.
func (d *Doc) AddPage() {
	style, cur := d.style, d.cur
	d.Fpdf.AddPage()
	d.style, d.cur = style, cur
}

// run is a piece of a line drawn in one font.
type run struct {
	f    *face
	text string
}

// runs cuts visual-order text into pieces by the font that draws them.
func (d *Doc) runs(text []rune) []run {
	var out []run
	var b strings.Builder
	var cur *face
	for _, r := range text {
		f := d.primary[d.style]
		if !f.runes[r] {
			for _, fb := range d.fallbacks {
				if fb[d.style].runes[r] {
					f = fb[d.style]
					break
				}
			}
		}
		if r == ' ' && cur != nil {
			f = cur // a space goes with the text around it
		}
		if f != cur && b.Len() > 0 {
			out = append(out, run{cur, cur.encode(b.String())})
			b.Reset()
		}
		cur = f
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		out = append(out, run{cur, cur.encode(b.String())})
	}
	return out
}

// line is one line of text ready to draw: its pieces, left to right, and
// their widths.
func (d *Doc) line(s string) ([]run, []float64, float64) {
	text := d.shaper.shape([]rune(clean(s)))
	rs := d.runs(visual(text, d.rtl && hasLetters(text)))
	widths := make([]float64, len(rs))
	total := 0.0
	for i, r := range rs {
		d.use(r.f)
		widths[i] = d.Fpdf.GetStringWidth(r.text)
		total += widths[i]
	}
	d.use(d.primary[d.style])
	return rs, widths, total
}

// clean composes letters and their accents typed apart (NFC: "Nguyễn" from
// e + circumflex + tilde), which the fonts draw as one glyph but not as
// three, turns line breaks and tabs into spaces and drops other control
// characters, which fonts do not draw.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r < ' ' || r == 0x7F:
			return -1
		}
		return r
	}, norm.NFC.String(s))
}

// GetStringWidth is the width of s on one line in the current font and
// size, shaped.
func (d *Doc) GetStringWidth(s string) float64 {
	_, _, w := d.line(s)
	return w
}

// mirror swaps left and right on a right-to-left page: an alignment or a
// cell's borders.
func (d *Doc) mirror(s string) string {
	if !d.rtl {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case 'L':
			return 'R'
		case 'R':
			return 'L'
		}
		return r
	}, s)
}

// physX is where a box that starts at x, w wide, is drawn on the page.
func (d *Doc) physX(x, w float64) float64 {
	if !d.rtl {
		return x
	}
	pw, _ := d.GetPageSize()
	return pw - x - w
}

// CellFormat prints a one-line cell as fpdf's does (w 0 reaches the right
// margin; ln 0 to the right, 1 to the next line, 2 below), with txt shaped
// and in visual order; align and border are from the start side ("L" is the
// right on an Arabic page). fpdf's link arguments are kept for its callers.
func (d *Doc) CellFormat(w, h float64, txt, border string, ln int, align string, fill bool, link int, linkStr string) {
	x, _ := d.GetXY()
	pw, _ := d.GetPageSize()
	_, _, rm, _ := d.GetMargins()
	if w == 0 {
		w = pw - rm - x
	}
	px := d.physX(x, w)
	d.SetX(px)
	// fpdf draws the box and turns the page when the cell does not fit
	// (the footer and header may change the font: it is put back, as fpdf
	// does for itself).
	style, cur := d.style, d.cur
	d.Fpdf.CellFormat(w, h, "", d.mirror(border), 0, "", fill, link, linkStr)
	d.style, d.cur = style, cur
	y := d.GetY()
	if txt != "" {
		rs, widths, total := d.line(txt)
		cm := d.GetCellMargin()
		tx := px + cm
		switch a := d.mirror(align); {
		case strings.Contains(a, "R"):
			tx = px + w - cm - total
		case strings.Contains(a, "C"):
			tx = px + (w-total)/2
		}
		_, unit := d.GetFontSize()
		base := y + 0.5*h + 0.3*unit
		for i, r := range rs {
			d.use(r.f)
			d.Text(tx, base, r.text)
			tx += widths[i]
		}
		d.use(d.primary[d.style])
		if d.alias != "" && strings.Contains(txt, d.alias) {
			// fpdf writes the total in place of the alias at the end, in
			// glyphs the font's subset must hold: its digits are drawn off
			// the page.
			d.Text(-1000, -1000, "0123456789")
		}
	}
	switch ln {
	case 0:
		d.SetXY(x+w, y)
	case 1:
		lm, _, _, _ := d.GetMargins()
		d.SetXY(lm, y+h)
	default:
		d.SetXY(x, y+h)
	}
}

// SplitLines cuts txt into lines no wider than w (less the cell margins),
// between words where it can, keeping the text's logical order: each line
// is then printed by CellFormat.
func (d *Doc) SplitLines(txt string, w float64) []string {
	max := w - 2*d.GetCellMargin()
	// Joining stops at spaces: a line is as wide as its words, each shaped
	// and measured once, and the spaces between them (measured in DejaVu,
	// at least as wide as the fallbacks' spaces).
	space := d.GetStringWidth(" ")
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(txt, "\r", ""), "\n") {
		var cur string
		var curW float64
		for _, word := range strings.Fields(para) {
			ww := d.GetStringWidth(word)
			if cur == "" && ww <= max {
				cur, curW = word, ww
				continue
			}
			if cur != "" && curW+space+ww <= max {
				cur, curW = cur+" "+word, curW+space+ww
				continue
			}
			if cur != "" {
				out = append(out, cur)
			}
			cur, curW = word, ww
			if ww <= max {
				continue
			}
			// A word wider than the line is cut where it must.
			cur = ""
			for _, r := range word {
				if cur != "" && d.GetStringWidth(cur+string(r)) > max {
					out = append(out, cur)
					cur = ""
				}
				cur += string(r)
			}
			curW = d.GetStringWidth(cur)
		}
		out = append(out, cur)
	}
	return out
}

// MultiCell prints txt wrapped to lines of width w (0: to the right margin),
// each h high, as fpdf's does; the next text starts at the left margin below.
func (d *Doc) MultiCell(w, h float64, txt, border, align string, fill bool) {
	x := d.GetX()
	if w == 0 {
		pw, _ := d.GetPageSize()
		_, _, rm, _ := d.GetMargins()
		w = pw - rm - x
	}
	for _, l := range d.SplitLines(txt, w) {
		d.SetX(x)
		d.CellFormat(w, h, l, border, 2, align, fill, 0, "")
	}
	lm, _, _, _ := d.GetMargins()
	d.SetX(lm)
}

// Write prints txt as running text from the current position, lines h
// high, wrapping at the end margin and going on from the start margin; it
// ends after the text, so that a Write in another style (a name in bold)
// can follow on the same line. On an Arabic page the pieces follow each
// other right to left. "\n" starts a new line.
func (d *Doc) Write(h float64, txt string) {
	pw, _ := d.GetPageSize()
	lm, _, rm, _ := d.GetMargins()
	cm := d.GetCellMargin()
	d.SetCellMargin(0)
	defer d.SetCellMargin(cm)
	emit := func(line string) {
		d.CellFormat(d.GetStringWidth(line), h, line, "", 0, "L", false, 0, "")
	}
	for i, para := range strings.Split(txt, "\n") {
		if i > 0 {
			d.SetXY(lm, d.GetY()+h)
		}
		line := ""
		for j, word := range strings.Split(para, " ") {
			try := word
			if j > 0 {
				try = line + " " + word
			}
			if line != "" && d.GetX()+d.GetStringWidth(try) > pw-rm {
				emit(strings.TrimRight(line, " "))
				d.SetXY(lm, d.GetY()+h)
				try = word
			}
			line = try
		}
		emit(line)
	}
}

// Fit shortens s with an ellipsis until it is no wider than w in the
// current font.
func (d *Doc) Fit(s string, w float64) string {
	if d.GetStringWidth(s) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && d.GetStringWidth(string(rs)+"…") > w {
		rs = rs[:len(rs)-1]
	}
	return strings.TrimSpace(string(rs)) + "…"
}

// AliasNbPages sets the text that stands for the number of pages, as fpdf's
// does.
func (d *Doc) AliasNbPages(alias string) {
	d.alias = alias
	d.Fpdf.AliasNbPages(alias)
}

// Rect draws a rectangle placed from the start margin (mirrored on a
// right-to-left page).
func (d *Doc) Rect(x, y, w, h float64, style string) {
	d.Fpdf.Rect(d.physX(x, w), y, w, h, style)
}

// Line draws a line placed from the start margin (mirrored on a
// right-to-left page).
func (d *Doc) Line(x1, y1, x2, y2 float64) {
	d.Fpdf.Line(d.physX(x1, 0), y1, d.physX(x2, 0), y2)
}

// Bytes ends the document and returns it.
func (d *Doc) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	err := d.Output(&buf)
	return buf.Bytes(), err
}

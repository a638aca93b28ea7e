package pdf

import (
	"strconv"
	"strings"
	"testing"

	"tremplin/internal/platform/pdf/pdftest"
)

// An Arabic page read back by pdftotext gives the sentence in its logical
// order, with its number and Latin name in theirs, drawn in the contextual
// forms: without the reordering pdftotext reads the line backwards, without
// the shaping the forms are not there.
func TestArabicPageReadsBack(t *testing.T) {
	sentence := "سلام محمد، لقد أتممت 24 ساعة مع Jean Dupont في مهمتك."
	d := New("rtl")
	d.SetMargins(20, 20, 20)
	d.AddPage()
	d.SetFont("B", 16)
	d.CellFormat(0, 9, "شهادة نهاية المهمة", "", 1, "L", false, 0, "")
	d.SetFont("", 12)
	d.MultiCell(0, 7, sentence, "", "L", false)
	body, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	raw := pdftest.Text(t, body)
	text := pdftest.Letters(raw)
	for _, want := range []string{"شهادة نهاية المهمة", sentence} {
		if want = pdftest.Letters(want); !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	// سلام and محمد as the PDF draws them: سـ لا م, مـ ـحـ ـمـ ـد.
	for _, form := range []string{"\uFEB3\uFEFC\uFEE1", "\uFEE3\uFEA4\uFEE4\uFEAA"} {
		if !strings.Contains(raw, form) {
			t.Errorf("PDF text lacks the shaped forms %s:\n%s", codes(form), raw)
		}
	}
	// The title, aligned "L" (the start), ends at the right margin: its
	// words are the highest on the page.
	top, right := 1e9, 0.0
	for _, w := range strings.Split(pdftest.Text(t, body, "-bbox"), "<word ")[1:] {
		attr := func(name string) float64 {
			_, v, _ := strings.Cut(w, name+`="`)
			f, _ := strconv.ParseFloat(v[:strings.IndexByte(v, '"')], 64)
			return f
		}
		if y := attr("yMin"); y < top-1 {
			top, right = y, attr("xMax")
		} else if y < top+1 {
			right = max(right, attr("xMax"))
		}
	}
	if margin := (210.0 - 20) / 25.4 * 72; right < margin-3 || right > margin+1 {
		t.Errorf("the title's right edge is at %.0f pt, want the right margin at %.0f pt", right, margin)
	}
}

// A French line prints names in any script: an Arabic name shaped and right
// to left, kept apart from the date after it, a Tigrinya name in Ge'ez
// letters from the Ethiopic font, a Russian one in Cyrillic.
func TestNamesInAnyScriptInAFrenchLine(t *testing.T) {
	line := "Attestation pour " + Isolate("محمد علي") + ", né le 3 mai 2000, " + Isolate("ሰላም ኣብርሃም") + ", " + Isolate("عائشہ") + " et Наталья Ёлкина."
	d := New("ltr")
	d.AddPage()
	d.SetFont("", 11)
	d.MultiCell(0, 6, line, "", "L", false)
	d.SetFont("B", 11)
	d.CellFormat(0, 6, "ሰላም", "", 1, "L", false, 0, "")
	body, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	// pdftotext puts the space after عائشہ, whose last letter is in another
	// font, before it: the words are compared, in their order, and the
	// punctuation of the French text.
	text := pdftest.Plain(pdftest.Text(t, body))
	want := "Attestation pour محمد علي, né le 3 mai 2000, ሰላም ኣብርሃም, عائشہ et Наталья Ёлкина.\nሰላም\n"
	if !strings.Contains(strings.Join(strings.Fields(text), " "), "Attestation pour محمد علي, né le 3 mai 2000, ሰላም ኣብርሃም,") ||
		!strings.Contains(pdftest.Letters(text), pdftest.Letters(want)) {
		t.Errorf("PDF text is\n%s\nwant\n%s", text, want)
	}
	// pdftotext reads the letters even where a font has no glyph for them:
	// the Ge'ez ones must come from the Ethiopic font, Urdu's heh goal from
	// the Arabic fallback.
	if fonts := strings.Join(pdftest.Fonts(t, body), " "); !strings.Contains(fonts, "notoethiopic") || !strings.Contains(fonts, "notoarabic") {
		t.Errorf("the PDF's fonts are %s: no Ethiopic font for ሰላም or Arabic fallback for عائشہ", fonts)
	}
	// A page without Ge'ez letters does not carry the Ethiopic font.
	d = New("ltr")
	d.AddPage()
	d.SetFont("", 11)
	d.CellFormat(0, 6, "محمد", "", 1, "L", false, 0, "")
	if body, err = d.Bytes(); err != nil {
		t.Fatal(err)
	}
	if fonts := strings.Join(pdftest.Fonts(t, body), " "); strings.Contains(fonts, "noto") {
		t.Errorf("the PDF's fonts are %s for an Arabic name", fonts)
	}
}

// A long paragraph wraps within its width and every word is printed once.
func TestMultiCellWraps(t *testing.T) {
	words := strings.Repeat("Tremplin accompagne ", 30) + strings.Repeat("المتطوعون ", 20)
	d := New("ltr")
	d.AddPage()
	d.SetFont("", 10)
	lines := d.SplitLines(words, 80)
	if len(lines) < 5 {
		t.Fatalf("%d lines for a paragraph of 80 words in 80 mm", len(lines))
	}
	for _, l := range lines {
		if w := d.GetStringWidth(l); w > 80-2*d.GetCellMargin() {
			t.Errorf("line %q is %.1f mm wide", l, w)
		}
	}
	if got := strings.Join(lines, " "); got != strings.TrimSpace(words) {
		t.Errorf("lines joined = %q", got)
	}
	long := strings.Repeat("ش", 120)
	lines = d.SplitLines("Nom : "+long+" fin", 40)
	if len(lines) < 3 || lines[0] != "Nom :" || lines[len(lines)-1] == "" || strings.ReplaceAll(strings.Join(lines, ""), " ", "") != "Nom:"+long+"fin" {
		t.Errorf("a word longer than the line is cut into %q", lines)
	}
	for _, l := range lines {
		if w := d.GetStringWidth(l); w > 40-2*d.GetCellMargin() {
			t.Errorf("line %q is %.1f mm wide", l, w)
		}
	}
	// Accents typed apart are drawn as the letter that carries them: DejaVu
	// would stack two marks on one another.
	if got := clean("Nguye\u0302\u0303n Thi\u0323"); got != "Nguyễn Thị" {
		t.Errorf("clean gives %+q", got)
	}
	if got := d.Fit("Jean-Baptiste de La Tour d'Auvergne", 30); !strings.HasSuffix(got, "…") || d.GetStringWidth(got) > 30 {
		t.Errorf("Fit = %q (%.1f mm)", got, d.GetStringWidth(got))
	}
}

// An amount alone in a cell of an Arabic page reads as it is written.
func TestAmountOnAnArabicPage(t *testing.T) {
	d := New("rtl")
	d.AddPage()
	d.SetFont("", 10)
	d.CellFormat(40, 6, "1 234,50 €", "", 1, "L", false, 0, "")
	body, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, body, "-layout")
	if !strings.Contains(text, "1 234,50 €") {
		t.Errorf("the amount reads\n%s", text)
	}
}

// Documents are written by concurrent requests from the same embedded
// fonts (run with -race).
func TestConcurrentDocuments(t *testing.T) {
	done := make(chan []byte)
	for i := range 4 {
		go func() {
			d := New([]string{"ltr", "rtl"}[i%2])
			d.AddPage()
			d.SetFont("B", 12)
			d.MultiCell(0, 6, "سلام "+strconv.Itoa(i)+" ሰላም عائشہ", "", "L", false)
			body, err := d.Bytes()
			if err != nil {
				t.Error(err)
			}
			done <- body
		}()
	}
	for range 4 {
		if body := <-done; len(body) < 1000 {
			t.Errorf("a %d-byte PDF", len(body))
		}
	}
}

// Running text in pieces of several styles reads in order on an Arabic page
// as on a French one, and wraps within the margins.
func TestWriteRunsOn(t *testing.T) {
	for _, c := range []struct{ dir, before, name, after string }{
		{"rtl", "تشهد الجمعية أن ", "سارة", " أتمت المهمة."},
		{"ltr", "L'association certifie que ", "سارة", " a accompli sa mission."},
	} {
		d := New(c.dir)
		d.SetMargins(20, 20, 20)
		d.AddPage()
		d.SetFont("", 11)
		d.Write(6, c.before)
		d.SetFont("B", 11)
		d.Write(6, c.name)
		d.SetFont("", 11)
		d.Write(6, c.after+" "+strings.Repeat(c.after+" ", 20))
		body, err := d.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		text := pdftest.Text(t, body)
		if want := pdftest.Letters(c.before + c.name + c.after + c.after); !strings.Contains(pdftest.Letters(text), want) {
			t.Errorf("%s: the running text reads\n%s", c.dir, text)
		}
		if lines := strings.Count(strings.TrimSpace(text), "\n"); lines < 2 {
			t.Errorf("%s: %d line breaks in a paragraph of 20 sentences", c.dir, lines)
		}
		for _, w := range strings.Split(pdftest.Text(t, body, "-bbox"), "<word ")[1:] {
			_, v, _ := strings.Cut(w, `xMax="`)
			x, _ := strconv.ParseFloat(v[:strings.IndexByte(v, '"')], 64)
			_, v, _ = strings.Cut(w, `xMin="`)
			x0, _ := strconv.ParseFloat(v[:strings.IndexByte(v, '"')], 64)
			if margin := 20 / 25.4 * 72; x0 < margin-1 || x > 595.28-margin+1 {
				t.Errorf("%s: a word from %.0f to %.0f pt, out of the margins", c.dir, x0, x)
			}
		}
	}
}

// A document in the standard font reads back like one in the embedded fonts,
// "€", "œ", quotes and the narrow space of French amounts included; it
// embeds only the fonts of the letters Helvetica lacks (here, an Arabic name),
// and a page in Western European text embeds none.
func TestStandardFontReadsBackAndEmbedsOnlyWhatItLacks(t *testing.T) {
	line := "Reçu n° 2026-000042 : « œuvre » – 1\u202f500,50\u00a0€ versés par"
	d := NewStandard("ltr")
	d.AddPage()
	d.SetFont("B", 12)
	d.MultiCell(0, 7, line, "", "L", false)
	d.SetFont("", 11)
	d.CellFormat(0, 7, "محمد Haddad", "", 1, "L", false, 0, "")
	body, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Plain(pdftest.Text(t, body))
	if want := "Reçu n° 2026-000042 : « œuvre » – 1 500,50 € versés par"; !strings.Contains(text, want) {
		t.Errorf("PDF text lacks %q:\n%s", want, text)
	}
	if want := pdftest.Letters("محمد Haddad"); !strings.Contains(pdftest.Letters(text), want) {
		t.Errorf("PDF text lacks the Arabic name:\n%s", text)
	}
	fonts := pdftest.Fonts(t, body)
	if len(fonts) != 3 || fonts[0] != "Helvetica" || fonts[1] != "Helvetica-Bold" || !strings.Contains(strings.ToLower(fonts[2]), "arabic") {
		t.Errorf("fonts %v: want Helvetica, its bold and the Arabic font", fonts)
	}
	latin := NewStandard("ltr")
	latin.AddPage()
	latin.MultiCell(0, 7, line, "", "L", false)
	body, err = latin.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if fonts := pdftest.Fonts(t, body); len(fonts) != 1 || fonts[0] != "Helvetica" {
		t.Errorf("a Latin page has fonts %v, want Helvetica alone", fonts)
	}
	if len(body) > 4000 {
		t.Errorf("a Latin page weighs %d bytes", len(body))
	}
}

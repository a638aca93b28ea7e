package attendance

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tremplin/internal/platform/pdf/pdftest"
	"tremplin/internal/training"
)

// pdfText extracts a PDF's text with poppler's pdftotext, as a funder's tools
// would, right-to-left runs in logical order and Arabic letters as typed.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	return pdftest.Plain(pdftest.Text(t, pdf, "-layout"))
}

func TestLineNameIsInAnyScript(t *testing.T) {
	cases := []struct {
		line SheetLine
		want string
	}{
		{SheetLine{FirstName: "Hélène", LastName: "Lefèvre"}, "LEFÈVRE Hélène"},
		{SheetLine{FirstName: "Noël", LastName: "Cœur-Ærts"}, "CŒUR-ÆRTS Noël"},
		{SheetLine{FirstName: "محمد", LastName: "حداد"}, "حداد محمد"},
		{SheetLine{FirstName: " Amina ", LastName: "حداد"}, "حداد Amina"},
		{SheetLine{FirstName: "ዮናስ", LastName: "Tesfaye"}, "TESFAYE ዮናስ"},
	}
	for _, c := range cases {
		if got := lineName(c.line); got != c.want {
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
		SheetLine{FirstName: "محمد", LastName: "حداد", Phone: "+265991230042"},
		SheetLine{FirstName: "ዮናስ", LastName: "Tesfaye"})
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
		"حداد محمد", "TESFAYE ዮናስ", "Personnes inscrites : 34", "Signature du formateur / de la formatrice", "Page 1 sur 2", "Page 2 sur 2", "(suite)",
		"NUMÉRO29 Personne"} {
		if !strings.Contains(text, want) {
			t.Errorf("the sheet does not say %q:\n%s", want, text)
		}
	}
	// The Arabic name is drawn joined (حـ ـد ا د  مـ ـحـ ـمـ ـد) and right
	// to left: pdftotext reads it back in logical order.
	if raw := pdftest.Text(t, pdf.Bytes(), "-layout"); !strings.Contains(raw, "\uFEA3\uFEAA\uFE8D\uFEA9 \uFEE3\uFEA4\uFEE4\uFEAA") {
		t.Errorf("the Arabic name is not shaped:\n%s", raw)
	}
	// One numbered line per person.
	for _, n := range []string{"1", "34"} {
		if !containsLineStarting(text, n) {
			t.Errorf("no line numbered %s", n)
		}
	}
	if containsLineStarting(text, "35") {
		t.Error("a 35th line for 34 people")
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

package civic

import (
	"strings"
	"testing"
	"time"

	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf/pdftest"
	"tremplin/internal/platform/web"
)

// The certificate is printed in the volunteer's language, Arabic right to
// left included, with their name in the script it is written in.
func TestCertificateLanguage(t *testing.T) {
	c := &Contract{FirstName: "Ines", LastName: "Boulanger", Lang: "en", Birth: time.Date(2005, 3, 4, 0, 0, 0, 0, time.UTC),
		Start: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 8, 31, 0, 0, 0, 0, time.UTC),
		WeeklyHours: 28, Days: 4, OfferTitle: "Médiation numérique", Domain: "solidarity", TutorName: "Sophie", ApprovalNumber: "NA-1", AntennaName: "Lille"}
	issued := time.Date(2027, 8, 31, 0, 0, 0, 0, time.UTC)
	buf, err := RenderCertificate(c, issued)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Plain(pdftest.Text(t, buf.Bytes())); !strings.Contains(text, "certifies that Ines BOULANGER") || !strings.Contains(text, "Solidarity") {
		t.Errorf("English certificate:\n%.600s", text)
	}

	c.Lang, c.FirstName, c.LastName = "ar", "سارة", "Ali"
	buf, err = RenderCertificate(c, issued)
	if err != nil {
		t.Fatal(err)
	}
	p := i18n.For("ar")
	text := pdftest.Letters(pdftest.Text(t, buf.Bytes()))
	for _, want := range []string{
		p.T("civic.cert.title"),
		p.T("civic.cert.body", "name", "سارة ALI", "birth", web.FormatDate(p, c.Birth), "antenna", "Lille"),
		// (Not the period's line: its "2027، 28" is drawn right, but
		// pdftotext reads two numbers apart by a comma as one run.)
		p.T("civic.cert.issued", "date", web.FormatDate(p, issued)),
		p.T("civic.cert.approval", "number", "NA-1"),
	} {
		if !strings.Contains(text, pdftest.Letters(want)) {
			t.Errorf("Arabic certificate lacks %q:\n%s", want, text)
		}
	}

	// A Tigrinya speaker's certificate is in French, with the name in Ge'ez.
	c.Lang, c.FirstName, c.LastName = "ti", "ሰላም", "Tesfay"
	buf, err = RenderCertificate(c, issued)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Plain(pdftest.Text(t, buf.Bytes())); !strings.Contains(text, "atteste que ሰላም TESFAY, né(e) le") {
		t.Errorf("Tigrinya speaker's certificate:\n%.600s", text)
	}
}

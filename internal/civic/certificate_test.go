package civic

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

// pdfText is the text of a PDF's content streams, inflated.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	var out strings.Builder
	for _, m := range regexp.MustCompile(`(?s)stream\r?\n(.*?)endstream`).FindAllSubmatch(pdf, -1) {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(r)
		out.Write(b)
	}
	return out.String()
}

// The certificate is printed in the volunteer's language when the PDF's fonts
// can draw it (French, English); an Arabic-speaking volunteer's is in French,
// and a name in Arabic script is said to be one rather than printed as
// question marks.
func TestCertificateLanguage(t *testing.T) {
	c := &Contract{FirstName: "Ines", LastName: "Boulanger", Lang: "en", Birth: time.Date(2005, 3, 4, 0, 0, 0, 0, time.UTC),
		Start: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 8, 31, 0, 0, 0, 0, time.UTC),
		WeeklyHours: 28, Days: 4, OfferTitle: "Médiation numérique", Domain: "solidarity", TutorName: "Sophie", ApprovalNumber: "NA-1", AntennaName: "Lille"}
	buf, err := RenderCertificate(c, time.Date(2027, 8, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, buf.Bytes()); !strings.Contains(text, "certifies that Ines BOULANGER") || !strings.Contains(text, "Solidarity") {
		t.Errorf("English certificate:\n%.600s", text)
	}
	c.Lang, c.FirstName, c.LastName = "ar", "سارة", "Ali"
	buf, err = RenderCertificate(c, time.Date(2027, 8, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	if !strings.Contains(text, `atteste que ALI \(nom en`) || strings.Contains(text, "??") {
		t.Errorf("Arabic volunteer's certificate:\n%.600s", text)
	}
}

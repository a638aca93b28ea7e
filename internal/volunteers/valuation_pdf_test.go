package volunteers

import (
	"strings"
	"testing"

	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf/pdftest"
)

// The valuation's PDF is in the page's language: an Arabic annex reads right
// to left, its headings and months in Arabic, the antennas' and missions'
// names as typed (Latin or Arabic), the amounts as written in French.
func TestValuationPDFInArabic(t *testing.T) {
	v := &Valuation{Year: 2026,
		Rates:    []Rate{{ValidFrom: "2026-01-01", GrossCents: 1202, ChargesBP: 4500, Label: "SMIC 2026"}},
		Antennas: []Line{{AntennaName: "Lille", Minutes: 7230, Value: 125346}},
		Missions: []Line{{AntennaName: "Lille", MissionTitle: "ورشة الهاتف", Minutes: 7230, Value: 125346}},
		Total:    Sum{Minutes: 7230, Value: 125346}}
	v.Months[2] = Sum{Minutes: 7230, Value: 125346}
	for _, lang := range []string{"ar", "fr"} {
		p := i18n.For(lang)
		body, err := valuationPDF(p, v)
		if err != nil {
			t.Fatal(err)
		}
		raw := pdftest.Text(t, body, "-layout")
		text := pdftest.Letters(raw)
		for _, want := range []string{p.T("volunteers.valuation.title", "year", 2026), p.T("volunteers.valuation.by_antenna"),
			p.T("month.3"), "SMIC 2026", "ورشة الهاتف", p.T("volunteers.valuation.total")} {
			if !strings.Contains(text, pdftest.Letters(want)) {
				t.Errorf("%s: the PDF lacks %q\n%s", lang, want, raw)
			}
		}
		if !strings.Contains(raw, "1 253,46 €") || !strings.Contains(raw, "120,50") {
			t.Errorf("%s: the amounts are not as written in French\n%s", lang, raw)
		}
	}
}

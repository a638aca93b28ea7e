package civic

import (
	"testing"
	"time"
)

// BenchmarkCertificate prints an Arabic-speaking volunteer's certificate;
// pdf-bytes is the file's size.
func BenchmarkCertificate(b *testing.B) {
	c := &Contract{FirstName: "سارة", LastName: "Benali", Lang: "ar", Birth: time.Date(2005, 3, 4, 0, 0, 0, 0, time.UTC),
		Start: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 8, 31, 0, 0, 0, 0, time.UTC),
		WeeklyHours: 28, Days: 4, OfferTitle: "Médiation numérique", Domain: "solidarity", TutorName: "Sophie Martin",
		ApprovalNumber: "NA-059-21-00012-00", AntennaName: "Lille"}
	issued := time.Date(2027, 8, 31, 0, 0, 0, 0, time.UTC)
	size := 0
	for b.Loop() {
		buf, err := RenderCertificate(c, issued)
		if err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}

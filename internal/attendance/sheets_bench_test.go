package attendance

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkSheet500 prints one meeting's sheet of 500 people (20 pages),
// one in ten with an Arabic name; pdf-bytes is the file's size.
func BenchmarkSheet500(b *testing.B) {
	s := Sheet{Antenna: "Lille", AntennaAddress: "12 rue de Paris, 59000 Lille", Programme: "Premiers pas numériques", TotalHours: 40,
		StartsOn: time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2027, 3, 19, 0, 0, 0, 0, time.UTC),
		Place: "La Grappe – tiers-lieu, Lille", Timezone: "Europe/Paris",
		Start: time.Date(2027, 2, 3, 9, 30, 0, 0, time.UTC), End: time.Date(2027, 2, 3, 12, 0, 0, 0, time.UTC),
		Advisers: []string{"Karim Benhaddou", "Julie Vasseur"}}
	for i := range 500 {
		l := SheetLine{FirstName: "Hélène", LastName: fmt.Sprintf("Dupré-%03d", i), Mark: "present"}
		if i%10 == 0 {
			l.FirstName, l.LastName = "محمد", fmt.Sprintf("حداد %03d", i)
		}
		s.People = append(s.People, l)
	}
	size := 0
	for b.Loop() {
		buf, err := RenderSheets([]Sheet{s})
		if err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}

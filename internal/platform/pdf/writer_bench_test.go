package pdf

import (
	"strings"
	"testing"
)

// BenchmarkMultiCell wraps a paragraph of 300 words, a third of them Arabic,
// on an Arabic page.
func BenchmarkMultiCell(b *testing.B) {
	text := strings.Repeat("Les heures approuvées des bénévoles سلام محمد ", 50)
	d := New("rtl")
	d.AddPage()
	d.SetFont("", 9)
	for b.Loop() {
		d.SetXY(15, 15)
		d.SplitLines(text, 180)
	}
}

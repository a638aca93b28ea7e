package impact

import (
	"strings"
	"testing"

	"tremplin/internal/platform/i18n"
)

// Amounts are written in each language's way; the chart of a table with a
// total row draws the antennas, not the total.
func TestEurosAndChartOfATableWithTotal(t *testing.T) {
	c := Cell{Kind: Euros, Value: 1568.6}
	for lang, want := range map[string]string{"fr": "1\u00a0568,60\u00a0€", "en": "€1,568.60", "ar": "1,568.60\u00a0€"} {
		if got := Format(i18n.For(lang), c); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if got := Plain(c, true); got != "1568,60" {
		t.Errorf("CSV: %q", got)
	}
	tb := Table{ID: "x", Title: "T", Columns: []string{"Antenne", "Heures"}, Total: true, Chart: 1,
		Rows: [][]Cell{{label("Lille"), hours(3)}, {label("Bordeaux"), hours(10)}, {label("Total"), hours(13)}}}
	svg := string(chart(i18n.For("fr"), tb, 1, "c"))
	if !strings.Contains(svg, "Bordeaux") || strings.Contains(svg, ">Total<") || strings.Count(svg, "<rect") != 2 {
		t.Errorf("the chart should draw Lille and Bordeaux only: %s", svg)
	}
}

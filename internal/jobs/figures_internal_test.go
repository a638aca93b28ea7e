package jobs

import (
	"strconv"
	"testing"

	"tremplin/internal/platform/i18n"
)

// Of many companies, the table names the most active and sums the others in
// one line, so that the page stays light and its totals whole.
func TestTheFiguresNameTheMostActiveCompanies(t *testing.T) {
	var rows []*FigureRow
	for i := range 35 {
		rows = append(rows, &FigureRow{Key: strconv.Itoa(i), Label: "Entreprise " + strconv.Itoa(i), Applications: i, Hires: 1,
			Refused: map[string]int{"other": 1}})
	}
	got := mostActive(rows, 30, i18n.For("fr"))
	if len(got) != 31 {
		t.Fatalf("%d lines, want 30 and the others", len(got))
	}
	for _, r := range got[:30] {
		if r.Applications < 5 {
			t.Errorf("%s, with %d applications, is named before a busier one", r.Label, r.Applications)
		}
	}
	others := got[30]
	if others.Label != "Les 5 autres entreprises" || others.Applications != 0+1+2+3+4 || others.Hires != 5 || others.Refused["other"] != 5 {
		t.Errorf("the others' line: %+v", others)
	}
	if few := mostActive(rows[:3], 30, i18n.For("fr")); len(few) != 3 {
		t.Errorf("three companies: %d lines", len(few))
	}
}

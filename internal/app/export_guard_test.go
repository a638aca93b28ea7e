package app_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/opendata"
	"tremplin/internal/partners"
)

const evilName = `=HYPERLINK("http://evil.example","x")`

// formulaStart reports whether a spreadsheet would read the cell as a formula.
func formulaStart(s string) bool { return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) }

// guarded checks that no cell of rows begins with a formula character (but the
// columns skip names) and that each of wants shows, guarded, somewhere.
func guarded(t *testing.T, file string, rows [][]string, skip func(col int) bool, wants ...string) {
	t.Helper()
	found := map[string]bool{}
	for i, row := range rows {
		for j, cell := range row {
			if formulaStart(cell) && (skip == nil || !skip(j)) {
				t.Errorf("%s, row %d column %d begins with a formula character: %q", file, i+1, j+1, cell)
			}
			for _, w := range wants {
				if cell == "'"+w || strings.Contains(cell, w) && !formulaStart(cell) {
					found[w] = true
				}
			}
		}
	}
	for _, w := range wants {
		if !found[w] {
			t.Errorf("%s holds no %q: the test proves nothing", file, w)
		}
	}
}

// A partner named like a formula and a programme whose title begins with "+"
// come out of every export as text a spreadsheet does not run: the funder
// report (CSV and XLSX), the referrals list (CSV and XLSX), and the public
// open-data CSV, whose free-text columns are guarded while those the national
// schema constrains (a phone "+33…") stay valid.
func TestEveryExportGuardsItsTextCells(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		lille, _ := strconv.ParseInt(s.antennaID("Lille"), 10, 64)
		o := &partners.Org{Name: evilName, Kind: "other", Antennas: []int64{lille}}
		if err := partners.SaveOrg(ctx, s.app.DB, o, nil); err != nil {
			t.Fatal(err)
		}
		l := &learners.Learner{FirstName: "Rémi", LastName: "Formule", Phone: "+33612340999", BirthYear: 1990, Town: "Lille", ConsentText: "accord"}
		if err := partners.CreateReferral(ctx, s.app.DB, &partners.Referral{OrgID: o.ID, AntennaID: lille, Source: "partner"}, []*learners.Learner{l}); err != nil {
			t.Fatal(err)
		}
		const plus = "+Numérique : premiers pas"
		if _, err := s.app.DB.Exec(ctx, "UPDATE programmes SET title = $1 WHERE title = 'Premiers pas numériques'", plus); err != nil {
			t.Fatal(err)
		}
		if _, err := s.app.DB.Exec(ctx, "UPDATE places SET name = $1 WHERE id = (SELECT MIN(id) FROM places WHERE antenna_id = $2)", evilName, lille); err != nil {
			t.Fatal(err)
		}

		admin := s.signIn("admin@tremplin.example")
		year := strconv.Itoa(time.Now().Year())
		report := "/impact/report.csv?from=" + year + "-01-01&to=" + year + "-12-31"
		if p := admin.get(report); p.status != http.StatusOK {
			t.Fatalf("funder report: %d %.300s", p.status, p.body)
		}
		// The report's heading lines are shorter than its tables'.
		rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(admin.get(report).body, "\uFEFF")))
		rd.Comma, rd.FieldsPerRecord = ';', -1
		recs, err := rd.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		guarded(t, "funder report CSV", recs, nil, evilName, plus)
		guarded(t, "funder report XLSX", readXLSX(t, admin.get(strings.Replace(report, ".csv", ".xlsx", 1))), nil, evilName, plus)
		guarded(t, "referrals CSV", readCSV(t, admin.get("/exports/referrals.csv"), ';'), nil, evilName)
		guarded(t, "referrals XLSX", readXLSX(t, admin.get("/exports/referrals.xlsx")), nil, evilName)

		p := s.browser().get("/opendata/lieux-mediation-numerique.csv")
		var rows [][]string
		rows, err = csv.NewReader(strings.NewReader(p.body)).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Fatalf("open data CSV: %v %d rows", err, len(rows))
		}
		header := rows[0]
		guarded(t, "open data CSV", rows[1:], func(col int) bool { return opendata.Verbatim[header[col]] }, evilName)
		for _, row := range rows[1:] {
			for j, cell := range row {
				if header[j] == "telephone" && cell != "" && !strings.HasPrefix(cell, "+") {
					t.Errorf("the open data phone is no longer the schema's: %q", cell)
				}
			}
		}
	})
}

package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tremplin/internal/platform/db"
	"tremplin/internal/volunteers"
)

// valuationHours stores a mission of the antenna and approved hours on it in
// 2025 (besides pending ones, never counted), and returns the volunteer.
func (s *site) valuationHours(antenna, title string, leading bool, minutes int) int64 {
	s.t.Helper()
	ctx := context.Background()
	d := s.app.DB
	now := db.Now()
	mission, err := d.InsertID(ctx, `INSERT INTO volunteer_missions (antenna_id, title, supervising, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4) RETURNING id`, antenna, title, leading, now)
	if err != nil {
		s.t.Fatal(err)
	}
	v, err := d.InsertID(ctx, `INSERT INTO volunteers (antenna_id, first_name, last_name, phone, lang, state, created_at)
		VALUES ($1, 'Valérie', $2, '+33699887766', 'fr', 'active', $3) RETURNING id`, antenna, title, now)
	if err != nil {
		s.t.Fatal(err)
	}
	for i, state := range []string{"approved", "pending"} {
		left := minutes
		for day := 1; left > 0; day++ {
			n := min(left, 600)
			if _, err := d.Exec(ctx, `INSERT INTO volunteer_hours (volunteer_id, antenna_id, mission_id, day, minutes, state, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, v, antenna, mission, fmt.Sprintf("2025-%02d-%02d", 3+i, day), n, state, now); err != nil {
				s.t.Fatal(err)
			}
			left -= n
		}
	}
	// Rows loaded straight into the table, as a bulk import would: the
	// valuation's summary is rebuilt after.
	if err := volunteers.RebuildSummaries(ctx, d); err != nil {
		s.t.Fatal(err)
	}
	return v
}

// The yearly valuation page and its exports give a manager their antenna's
// approved hours and value (a Bordeaux mission stays out of Lille's figures,
// the admin sees both); the CSV is for a French Excel and defuses a title that
// would be a formula; the workbook holds numbers; the PDF reads back. An
// adviser is not let in. A new rate is checked field by field, then values
// the hours from its day.
func TestValuationPageAndExports(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		lille, bordeaux := s.antennaID("Lille"), s.antennaID("Bordeaux")
		s.valuationHours(lille, "=HYPERLINK(\"http://x\")", false, 120)
		s.valuationHours(bordeaux, "Réparation Bordeaux", false, 600)
		manager := s.signIn("manager.lille@tremplin.example")
		p := manager.get("/volunteers/valuation?year=2025")
		if p.status != http.StatusOK || !strings.Contains(p.body, "HYPERLINK") || strings.Contains(p.body, "Réparation Bordeaux") {
			t.Fatalf("Lille's valuation: %d, Bordeaux's mission shown or Lille's missing\n%.3000s", p.status, p.body)
		}
		// 2 h × 11,88 € × 1,45 = 34,45 €.
		if !strings.Contains(p.body, "34,45") {
			t.Errorf("Lille's 2 hours at the 2025 rate are not 34,45 €\n%.3000s", p.body)
		}
		if admin := s.signIn("admin@tremplin.example").get("/volunteers/valuation?year=2025"); !strings.Contains(admin.body, "Réparation Bordeaux") ||
			!strings.Contains(admin.body, "206,71") { // + 10 h × 17,226 = 172,26 €
			t.Errorf("the admin's valuation lacks Bordeaux or the total 206,71 €\n%.3000s", admin.body)
		}
		if p := s.signIn("karim.lille@tremplin.example").get("/volunteers/valuation?year=2025"); p.status == http.StatusOK {
			t.Errorf("an adviser sees the valuation")
		}
		if p := manager.get("/volunteers"); !strings.Contains(p.body, `href="/volunteers/valuation"`) || !strings.Contains(p.body, `href="/volunteers/cec"`) {
			t.Errorf("the volunteers' list does not link to the valuation and the CEC")
		}

		csv := readCSV(t, manager.get("/volunteers/valuation.csv?year=2025"), ';')
		if len(csv) != 3 || csv[0][3] != "Heures" || csv[1][0] != "Lille" || csv[1][2] != "2025-03" || csv[1][3] != "2,00" || csv[1][4] != "34,45" {
			t.Fatalf("CSV %q", csv)
		}
		if !strings.HasPrefix(csv[1][1], "'=") {
			t.Errorf("a title starting with = is not defused in the CSV: %q", csv[1][1])
		}
		if csv[2][0] != "Total" || csv[2][4] != "34,45" {
			t.Errorf("CSV total %q", csv[2])
		}

		x := manager.get("/volunteers/valuation.xlsx?year=2025")
		rows := readXLSX(t, x)
		if len(rows) != 3 || rows[1][0] != "Lille" || rows[1][4] != "34.45" {
			t.Fatalf("XLSX %q", rows)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetList()[0]
		if typ, _ := f.GetCellType(sheet, "E2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("the value is not a number in the workbook: %v", typ)
		}
		if formula, _ := f.GetCellFormula(sheet, "B2"); formula != "" {
			t.Errorf("a title became a formula: %q", formula)
		}
		f.Close()

		pdf := readPDF(t, manager.get("/volunteers/valuation.pdf?year=2025").body)
		for _, want := range []string{"Valorisation du bénévolat 2025", "Par antenne", "Lille", "34,45", "SMIC 2025"} {
			if !strings.Contains(pdf, want) {
				t.Errorf("the PDF lacks %q\n%s", want, pdf)
			}
		}
		if strings.Contains(pdf, "Bordeaux") {
			t.Errorf("Lille's PDF names Bordeaux")
		}

		// A rate is the board's, for the whole association: a branch's manager
		// reads the rates but cannot set one; the admin does.
		if p := manager.post("/volunteers/valuation/rates", url.Values{"valid_from": {"2025-03-01"}, "gross": {"20"}, "charges": {"50"}, "label": {"x"}}); p.status != http.StatusForbidden {
			t.Errorf("a manager set a rate: %d", p.status)
		}
		admin := s.signIn("admin@tremplin.example")
		// A rate: each field checked, what was typed kept.
		p = admin.post("/volunteers/valuation/rates", url.Values{"valid_from": {"2025-02-30"}, "gross": {"douze"}, "charges": {"300"}, "label": {""}})
		errs := errorsOf(p.body)
		if p.status != http.StatusUnprocessableEntity || errs["valid_from"] == "" || errs["gross"] == "" || errs["charges"] == "" || errs["label"] == "" ||
			valueOf(p.body, "gross") != "douze" {
			t.Fatalf("a bad rate: %d, errors %v", p.status, errs)
		}
		p = admin.post("/volunteers/valuation/rates", url.Values{"valid_from": {"2025-03-01"}, "gross": {"20"}, "charges": {"50"}, "label": {"CA du 1er mars 2025"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("a good rate: %d %v", p.status, errorsOf(p.body))
		}
		// 2 h × 20 € × 1,5 = 60 €.
		if p := manager.get("/volunteers/valuation?year=2025"); !strings.Contains(p.body, "60,00") || !strings.Contains(p.body, "CA du 1er mars 2025") {
			t.Errorf("the new rate does not value March's hours\n%.3000s", p.body)
		}
	})
}

// The CEC page lists a Lille volunteer with 120 h on a leading mission in
// 2025; their manager confirms (before 31 December 2026), Bordeaux's manager
// cannot; confirming 2024 is refused, its deadline past.
func TestCECPage(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		lille := s.antennaID("Lille")
		v := s.valuationHours(lille, "Coordination Lille", true, 120*60)
		id := strconv.FormatInt(v, 10)
		manager := s.signIn("manager.lille@tremplin.example")
		p := manager.get("/volunteers/cec?year=2025")
		if p.status != http.StatusOK || !strings.Contains(p.body, "Coordination Lille") || !strings.Contains(p.body, "31 décembre 2026") {
			t.Fatalf("CEC 2025: %d\n%.3000s", p.status, p.body)
		}
		if p := s.signIn("manager.bordeaux@tremplin.example").post("/volunteers/cec/"+id+"/confirm", url.Values{"year": {"2025"}, "total_hours": {"250"}}); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux confirms a Lille volunteer: %d", p.status)
		}
		if p := manager.post("/volunteers/cec/"+id+"/confirm", url.Values{"year": {"2024"}, "total_hours": {"250"}}); p.status != http.StatusSeeOther {
			t.Fatalf("confirming 2024: %d", p.status)
		}
		if p := manager.get("/volunteers/cec?year=2024"); !strings.Contains(p.body, "La date limite de confirmation") {
			t.Errorf("confirming 2024 after its deadline is not refused with a message\n%.3000s", p.body)
		}
		if p := manager.post("/volunteers/cec/"+id+"/confirm", url.Values{"year": {"2025"}, "total_hours": {"250"}}); p.status != http.StatusSeeOther {
			t.Fatalf("confirming 2025: %d", p.status)
		}
		if p := manager.get("/volunteers/cec?year=2025"); !strings.Contains(p.body, "Confirmé par") || !strings.Contains(p.body, "250 h déclarées") {
			t.Errorf("the confirmation is not shown\n%.3000s", p.body)
		}
	})
}

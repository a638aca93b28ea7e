package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf/pdftest"
)

// impactYear writes a small year of activity (2019, before any demo data) in
// Lille, as test data in the packages' tables: three people registered; two hold a
// seat in a cohort starting in March; one meeting of three hours (one present, one
// absent); one completed in June and was in work six months later.
func (s *site) impactYear() {
	s.t.Helper()
	ctx := context.Background()
	d := s.app.DB
	at := "2019-01-01T00:00:00Z"
	lille := s.antennaID("Lille")
	var programme, place int64
	if err := d.QueryRowContext(context.Background(), "SELECT id FROM programmes WHERE title = 'Premiers pas numériques'").Scan(&programme); err != nil {
		s.t.Fatal(err)
	}
	if err := d.QueryRowContext(context.Background(), "SELECT MIN(id) FROM places WHERE antenna_id = $1", lille).Scan(&place); err != nil {
		s.t.Fatal(err)
	}
	mustID := func(q string, args ...any) int64 {
		id, err := d.InsertID(ctx, q+" RETURNING id", args...)
		if err != nil {
			s.t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	exec := func(q string, args ...any) {
		if _, err := d.Exec(ctx, q, args...); err != nil {
			s.t.Fatalf("%s: %v", q, err)
		}
	}
	cohort := mustID(`INSERT INTO cohorts (programme_id, antenna_id, place_id, capacity, starts_on, ends_on, state, feed_token, created_at, updated_at)
		VALUES ($1, $2, $3, 10, '2019-03-04', '2019-06-28', 'finished', 'impact-2019', $4, $4)`, programme, lille, place, at)
	var people []int64
	for i, p := range []struct {
		name, situations string
		born             int
	}{{"Amina", "rsa", 1990}, {"Bakary", "young_unqualified", 2001}, {"Chantal", "qpv", 1970}} {
		people = append(people, mustID(`INSERT INTO learners (antenna_id, first_name, last_name, phone, birth_year, situations, consent_text, consent_at, created_at, updated_at)
			VALUES ($1, $2, 'Essai', '+33600000099', $3, $4, 'ok', $5, $5, $5)`, lille, p.name, p.born, p.situations,
			"2019-0"+strconv.Itoa(i+1)+"-15T10:00:00Z"))
	}
	for _, l := range people[:2] {
		exec(`INSERT INTO enrolments (cohort_id, learner_id, state, since, created_at, updated_at) VALUES ($1, $2, 'enrolled', $3, $3, $3)`, cohort, l, at)
	}
	meeting := mustID(`INSERT INTO meetings (cohort_id, starts_at, ends_at, created_at) VALUES ($1, '2019-03-04T09:00:00Z', '2019-03-04T12:00:00Z', $2)`, cohort, at)
	// Marked when the meeting ended: a mark made before its meeting does not count.
	exec(`INSERT INTO attendance (meeting_id, learner_id, mark, marked_at) VALUES ($1, $2, 'present', $3), ($1, $4, 'absent', $3)`, meeting, people[0], "2019-03-04T12:00:00Z", people[1])
	exec(`UPDATE learners SET status = 'completed', exited_on = '2019-06-30' WHERE id = $1`, people[0])
	exec(`INSERT INTO learner_followups (learner_id, milestone, due_on, situation, recorded_at) VALUES ($1, 'm6', '2019-12-30', 'cdi', $2)`, people[0], at)
}

var rowCells = regexp.MustCompile(`<tr><th scope="row">([^<]*)</th>((?:<td class="num">[^<]*</td>)+)</tr>`)
var tdCell = regexp.MustCompile(`<td class="num">([^<]*)</td>`)

// pageRows reads the report's tables from the page: row label → cells.
func pageRows(body string) map[string][]string {
	out := map[string][]string{}
	for _, m := range rowCells.FindAllStringSubmatch(body, -1) {
		label := html.UnescapeString(m[1])
		if _, seen := out[label]; seen {
			continue // the same label in a later table (e.g. a situation): keep the first
		}
		var cells []string
		for _, c := range tdCell.FindAllStringSubmatch(m[2], -1) {
			cells = append(cells, html.UnescapeString(c[1]))
		}
		out[label] = cells
	}
	return out
}

// number reads a number as any format writes it: "1 234,5 %", "1234.5".
func number(s string) (float64, bool) {
	s = strings.NewReplacer("\u00a0", "", " ", "", "%", "", ",", ".").Replace(strings.TrimSpace(s))
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// The figures of a known year, on the report page and in each download read back
// (CSV with encoding/csv, XLSX with excelize, PDF with pdftotext), are the numbers
// counted by hand, and the same everywhere.
func TestFunderReportFormatsAgree(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		s.impactYear()
		admin := s.signIn("admin@tremplin.example")
		q := "from=2019-01-01&to=2019-12-31&antenna=" + s.antennaID("Lille")
		p := admin.get("/impact/report?" + q)
		if p.status != http.StatusOK {
			t.Fatalf("report: status %d\n%s", p.status, p.body)
		}
		rows := pageRows(p.body)
		want := map[string]float64{
			"Inscrits": 3, "Positionnés": 0, "Entrés en formation": 2, "Formation terminée": 1, "Sorties de formation": 1,
			"Heures de formation suivies": 3, "Taux de présence (%)": 50, "Taux de réussite (%)": 100,
			"Suivis à 6 mois faits": 1, "Sorties positives à 6 mois": 1, "Part de sorties positives à 6 mois (%)": 100,
		}
		for label, w := range want {
			cells := rows[label]
			if len(cells) == 0 {
				t.Errorf("page: no row %q", label)
				continue
			}
			if got, ok := number(cells[0]); !ok || got != w {
				t.Errorf("page: %s = %q, want %v", label, cells[0], w)
			}
		}
		// The downloads are fetched from the page's own links, as a person would.
		links := map[string]string{}
		for _, m := range regexp.MustCompile(`href="(/impact/report\.([a-z]+)\?[^"]*)"`).FindAllStringSubmatch(p.body, -1) {
			u := html.UnescapeString(m[1])
			key := m[2]
			if strings.Contains(u, "sep=comma") {
				key = "csv,"
			} else if strings.Contains(u, "sep=semicolon") {
				key = "csv;"
			}
			links[key] = u
		}
		if len(links) != 4 {
			t.Fatalf("report page links %v, want csv; csv, xlsx pdf", links)
		}
		// agree checks that a format holds, for every row of the page, the same numbers.
		agree := func(format string, got map[string][]string) {
			t.Helper()
			for label, cells := range rows {
				g, ok := got[label]
				if !ok {
					t.Errorf("%s: no row %q", format, label)
					continue
				}
				for i, c := range cells {
					pv, pok := number(c)
					var gv float64
					var gok bool
					if i < len(g) {
						gv, gok = number(g[i])
					}
					if pok != gok || pv != gv {
						t.Errorf("%s: %s column %d = %q, page %q", format, label, i+1, g, c)
						break
					}
				}
			}
		}
		records := func(body []byte, comma rune) map[string][]string {
			r := csv.NewReader(bytes.NewReader(body))
			r.Comma, r.FieldsPerRecord = comma, -1
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatalf("csv: %v", err)
			}
			out := map[string][]string{}
			for _, rec := range recs {
				if len(rec) > 1 {
					if _, seen := out[rec[0]]; !seen {
						out[rec[0]] = rec[1:]
					}
				}
			}
			return out
		}

		semi := admin.get(links["csv;"])
		if semi.status != http.StatusOK || !strings.HasPrefix(semi.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: status %d, type %s", semi.status, semi.header.Get("Content-Type"))
		}
		if !strings.HasPrefix(semi.body, "\ufeff") {
			t.Error("semicolon CSV lacks the UTF-8 byte-order mark")
		}
		semiRows := records([]byte(strings.TrimPrefix(semi.body, "\ufeff")), ';')
		agree("csv;", semiRows)
		if got := semiRows["Taux de présence (%)"]; len(got) == 0 || got[0] != "50,0" {
			t.Errorf("semicolon CSV writes the attendance rate %q, want 50,0", got)
		}

		comma := admin.get(links["csv,"])
		if strings.HasPrefix(comma.body, "\ufeff") {
			t.Error("comma CSV has a byte-order mark")
		}
		commaRows := records([]byte(comma.body), ',')
		agree("csv,", commaRows)
		if got := commaRows["Taux de présence (%)"]; len(got) == 0 || got[0] != "50.0" {
			t.Errorf("comma CSV writes the attendance rate %q, want 50.0", got)
		}

		xl := admin.get(links["xlsx"])
		if xl.status != http.StatusOK {
			t.Fatalf("xlsx: status %d", xl.status)
		}
		book, err := excelize.OpenReader(strings.NewReader(xl.body))
		if err != nil {
			t.Fatal(err)
		}
		sheetRows, err := book.GetRows(book.GetSheetName(0), excelize.Options{RawCellValue: true})
		book.Close()
		if err != nil {
			t.Fatal(err)
		}
		xlRows := map[string][]string{}
		for _, r := range sheetRows {
			if len(r) > 1 {
				if _, seen := xlRows[r[0]]; !seen {
					xlRows[r[0]] = r[1:]
				}
			}
		}
		agree("xlsx", xlRows)

		if _, err := exec.LookPath("pdftotext"); err != nil {
			t.Skip("pdftotext (poppler-utils) not installed")
		}
		pdf := admin.get(links["pdf"])
		if pdf.status != http.StatusOK || pdf.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("pdf: status %d, type %s", pdf.status, pdf.header.Get("Content-Type"))
		}
		path := filepath.Join(t.TempDir(), "report.pdf")
		os.WriteFile(path, []byte(pdf.body), 0o600)
		out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		pdfRows := map[string][]string{}
		for line := range strings.Lines(strings.ReplaceAll(string(out), "\u00a0", "")) {
			// A row: the label, then numbers (with their %) at the end of the line.
			fields := strings.Fields(line)
			var nums []string
			for len(fields) > 0 {
				last := fields[len(fields)-1]
				if last == "%" && len(fields) > 1 {
					nums = append([]string{fields[len(fields)-2]}, nums...)
					fields = fields[:len(fields)-2]
					continue
				}
				if _, ok := number(last); !ok && last != "–" {
					break
				}
				nums = append([]string{last}, nums...)
				fields = fields[:len(fields)-1]
			}
			if len(nums) > 0 && len(fields) > 0 {
				label := strings.Join(fields, " ")
				if _, seen := pdfRows[label]; !seen {
					pdfRows[label] = nums
				}
			}
		}
		agree("pdf", pdfRows)
		if !strings.Contains(string(out), "Rapport pour les financeurs") {
			t.Errorf("pdf lacks its French title:\n%s", out)
		}
	})
}

// Staff see their antennas' dashboard with charts and tables; another antenna is
// the 404 page; a wrong date is said next to the field; advisers make no report.
func TestImpactDashboardScopeAndCharts(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		manager := s.signIn("manager.lille@tremplin.example")
		p := manager.get("/impact")
		if p.status != http.StatusOK {
			t.Fatalf("dashboard: status %d\n%s", p.status, p.body)
		}
		for _, want := range []string{`<svg class="imp-chart" role="img" aria-labelledby="chart-summary-t"`, `<title id="chart-summary-t">`,
			`<figcaption>`, `<th scope="col">Inscrits</th>`, "Comment nous comptons", "Lille",
			`<h2 id="h-gender">Par genre</h2>`, `aria-labelledby="chart-gender-t"`, "Non précisé",
			`<h2 id="h-partners">Personnes orientées, par partenaire</h2>`} {
			if !strings.Contains(p.body, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}
		if strings.Contains(p.body, "<script") || strings.Contains(p.body, "style=") {
			t.Error("dashboard uses script or inline style")
		}
		// Last year is one tap away, and shown as the current period once chosen.
		prev := strconv.Itoa(time.Now().Year() - 1)
		link := "/impact?from=" + prev + "-01-01&to=" + prev + "-12-31"
		if !strings.Contains(html.UnescapeString(p.body), `href="`+link+`"`) {
			t.Errorf("dashboard lacks a link to %s", link)
		}
		if q := manager.get(link); q.status != http.StatusOK || !strings.Contains(q.body, `aria-current="true">`+prev+`</a>`) {
			t.Errorf("last year's dashboard: %d, not marked current", q.status)
		}
		if p := manager.get("/impact?antenna=" + s.antennaID("Bordeaux")); p.status != http.StatusNotFound {
			t.Errorf("another antenna's dashboard: status %d, want 404", p.status)
		}
		if p := manager.get("/impact/report.csv?from=2019-01-01&to=2019-12-31&antenna=" + s.antennaID("Bordeaux")); p.status != http.StatusNotFound {
			t.Errorf("another antenna's report: status %d, want 404", p.status)
		}
		bad := manager.get("/impact?from=2025-13-01&to=2025-01-01")
		if bad.status != http.StatusUnprocessableEntity || errorsOf(bad.body)["from"] == "" {
			t.Errorf("wrong date: status %d, errors %v", bad.status, errorsOf(bad.body))
		}
		if p := s.signIn("karim.lille@tremplin.example").get("/impact/report"); p.status != http.StatusForbidden {
			t.Errorf("adviser report: status %d, want 403", p.status)
		}
		admin := s.signIn("admin@tremplin.example")
		if p := admin.get("/impact"); p.status != http.StatusOK || !strings.Contains(p.body, "Toute l&#39;association") {
			t.Errorf("admin dashboard: status %d, whole association named: %v", p.status, strings.Contains(p.body, "Toute l&#39;association"))
		}
		// In Arabic, the report page and its PDF are in Arabic.
		ar := s.signIn("admin@tremplin.example")
		ar.post("/lang", url.Values{"lang": {"ar"}, "next": {"/impact"}})
		if p := ar.get("/impact/report?from=2025-01-01&to=2025-12-31"); !strings.Contains(p.body, `dir="rtl"`) {
			t.Errorf("arabic report page: status %d, not right to left", p.status)
		}
		pdf := ar.get("/impact/report.pdf?from=2025-01-01&to=2025-12-31")
		if title := i18n.For("ar").T("impact.report.title"); pdf.status != http.StatusOK ||
			!strings.Contains(pdftest.Letters(pdftest.Text(t, []byte(pdf.body))), pdftest.Letters(title)) {
			t.Errorf("arabic report PDF: status %d, no title %q", pdf.status, title)
		}
	})
}

// While the counters are first built by another process (after an upgrade, at a
// large association), the dashboard says so at once instead of hanging; the mark
// of a build whose process died (killed: its lock went with it) is no obstacle,
// the next dashboard builds at once.
func TestDashboardWhileCountersAreBuilt(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		manager := s.signIn("manager.lille@tremplin.example")
		if _, err := s.app.DB.Exec(ctx, "UPDATE impact_refresh SET since = '', building_at = $1 WHERE id = 1", db.Now()); err != nil {
			t.Fatal(err)
		}
		unlock, ok, err := s.app.DB.TryLock(ctx, "impact-build")
		if err != nil || !ok {
			t.Fatalf("the build lock: %v %v", ok, err)
		}
		p := manager.get("/impact")
		if p.status != http.StatusServiceUnavailable || p.header.Get("Retry-After") == "" ||
			!strings.Contains(html.UnescapeString(p.body), i18n.For("fr").T("impact.building.title")) || !strings.Contains(p.body, `href="/impact"`) {
			t.Fatalf("dashboard during a build: %d %q", p.status, p.header.Get("Retry-After"))
		}
		if p := manager.get("/impact/report.csv?from=2026-01-01&to=2026-12-31"); p.status != http.StatusServiceUnavailable {
			t.Errorf("report during a build: %d", p.status)
		}
		unlock() // the builder died a second ago: its mark is still there
		// The next dashboard builds at once; on a loaded machine the build may
		// outlast the page's deadline, and the page then says it is being prepared.
		for deadline := time.Now().Add(time.Minute); ; {
			p := manager.get("/impact")
			if p.status == http.StatusOK && strings.Contains(p.body, `<h2 id="h-summary">`) {
				break
			}
			if p.status != http.StatusServiceUnavailable || !strings.Contains(html.UnescapeString(p.body), i18n.For("fr").T("impact.building.title")) ||
				time.Now().After(deadline) {
				t.Fatalf("dashboard after a build left unfinished: %d", p.status)
			}
			time.Sleep(200 * time.Millisecond)
		}
		var since, at string
		s.app.DB.QueryRowContext(ctx, "SELECT since, building_at FROM impact_refresh WHERE id = 1").Scan(&since, &at)
		if since == "" || at != "" {
			t.Errorf("after the build: since %q, building_at %q", since, at)
		}
	})
}

// The dashboard shows how many people missed their appointments without a word,
// by antenna, adviser and kind, and whether a reminder had reached them — only
// for the antennas in the person's scope, and never in the funder report.
func TestDashboardShowsNoShowsAndWhetherRemindersWereSent(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		// The demo's two past appointments in Lille: Kevin did not come, Mohammed
		// came after a reminder reached him.
		var mohammed int64
		if err := s.app.DB.QueryRowContext(ctx, `SELECT a.id FROM appointments a JOIN learners l ON l.id = a.learner_id
			WHERE l.first_name = 'Mohammed' AND a.outcome = 'came'`).Scan(&mohammed); err != nil {
			t.Fatal(err)
		}
		if _, err := s.app.DB.Exec(ctx, `INSERT INTO messages (antenna_id, channel, kind, recipient, body, send_at, ref_kind, ref_id, state, sent_at, created_at, updated_at)
			VALUES ($1, 'sms', 'appointment_reminder', '+33600000000', 'Rappel', $2, 'appointment', $3, 'delivered', $2, $2, $2)`,
			s.antennaID("Lille"), db.Now(), mohammed); err != nil {
			t.Fatal(err)
		}
		year := time.Now().Format("2006")
		page := html.UnescapeString(s.signIn("manager.lille@tremplin.example").get("/impact?from=" + year + "-01-01&to=" + year + "-12-31").body)
		i := strings.Index(page, "Absences aux rendez-vous, par antenne")
		if i < 0 {
			t.Fatal("no no-show table on the dashboard")
		}
		table := page[i:]
		table = table[:strings.Index(table, "</table>")]
		table = strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(table)
		// Lille: 2 appointments, 1 no-show, 50 %; 0 % with a reminder, 100 % without.
		if want := `<tr><th scope="row">Lille</th><td class="num">2</td><td class="num">1</td><td class="num">50,0 %</td><td class="num">0,0 %</td><td class="num">100,0 %</td></tr>`; !strings.Contains(table, want) {
			t.Errorf("the no-show table lacks Lille's row %s:\n%s", want, table)
		}
		// And the sessions' absences, by programme, with and without a reminder.
		if !strings.Contains(page, "Absences aux séances, par parcours") {
			t.Error("no table of absences from sessions on the dashboard")
		}
		if strings.Contains(page, "par conseiller·ère") && !strings.Contains(page, "Karim Benhaddou") {
			t.Error("the adviser table does not name Karim")
		}
		bordeaux := html.UnescapeString(s.signIn("manager.bordeaux@tremplin.example").get("/impact").body)
		if strings.Contains(bordeaux, "Karim Benhaddou") {
			t.Error("Bordeaux's manager sees Lille's advisers")
		}
		report := html.UnescapeString(s.signIn("admin@tremplin.example").get("/impact/report?from=" + year + "-01-01&to=" + year + "-12-31").body)
		if strings.Contains(report, "Absences aux rendez-vous") {
			t.Error("the funder report shows the no-shows by adviser")
		}
	})
}

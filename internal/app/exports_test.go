package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tremplin/internal/attendance"
	"tremplin/internal/learners"
	"tremplin/internal/partners"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf/pdftest"
	"tremplin/internal/platform/web"
	"tremplin/internal/training"
)

// readPDF extracts a PDF's text with poppler's pdftotext, as a funder's tools would.
func readPDF(t *testing.T, body string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is missing: install poppler-utils (apt-get install poppler-utils) to read the attendance sheets back")
	}
	path := filepath.Join(t.TempDir(), "sheet.pdf")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// readCSV reads an export as a spreadsheet would: byte-order mark, then sep.
func readCSV(t *testing.T, p page, sep rune) [][]string {
	t.Helper()
	body, ok := strings.CutPrefix(p.body, "\uFEFF")
	if !ok {
		t.Fatal("CSV without a byte-order mark: Excel would garble the accents")
	}
	r := csv.NewReader(strings.NewReader(body))
	r.Comma = sep
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, body)
	}
	return recs
}

func readXLSX(t *testing.T, p page) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader([]byte(p.body)))
	if err != nil {
		t.Fatalf("XLSX: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// exportPerson registers a person with their own phone, as the public form does.
func (s *site) exportPerson(antenna, first, last, phone string) int64 {
	s.t.Helper()
	var antennaID int64
	fmt.Sscan(s.antennaID(antenna), &antennaID)
	l := &learners.Learner{AntennaID: antennaID, FirstName: first, LastName: last, Phone: phone, BirthYear: 1990,
		Situations: []string{"rsa", "qpv"}, ConsentText: "test"}
	if err := learners.Register(context.Background(), s.app.DB, l, "", 0); err != nil {
		s.t.Fatal(err)
	}
	return l.ID
}

func (s *site) firstMeeting(cohort string) (id int64, start time.Time) {
	s.t.Helper()
	var at string
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT id, starts_at FROM meetings WHERE cohort_id = $1 ORDER BY starts_at LIMIT 1", cohort).Scan(&id, &at); err != nil {
		s.t.Fatal(err)
	}
	return id, db.ParseTime(at)
}

func column(rows [][]string, name string) int {
	for i, h := range rows[0] {
		if h == name {
			return i
		}
	}
	return -1
}

func TestAttendanceSheets(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		cohort := s.demoCohort("Lille", "Premiers pas numériques")
		helene := s.exportPerson("Lille", "Hélène", "Dupré", "+33611110001")
		noel := s.exportPerson("Lille", "Noël", "Bézier", "+33611110002")
		arabic := s.exportPerson("Lille", "محمد", "حداد", "+33611114242")
		for _, l := range []int64{helene, noel, arabic} {
			s.enrol(cohort, l)
		}
		meeting, start := s.firstMeeting(cohort)
		if err := attendance.SaveAttendance(ctx, s.app.DB, meeting, map[int64]string{helene: "present", noel: "excused"}, 0); err != nil {
			t.Fatal(err)
		}
		var enrolled int
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM enrolments WHERE cohort_id = $1 AND state = 'enrolled'", cohort).Scan(&enrolled)

		karim := s.signIn("karim.lille@tremplin.example")
		p := karim.get(fmt.Sprintf("/meetings/%d/sheet.pdf", meeting))
		if p.status != http.StatusOK || p.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("sheet: %d %s", p.status, p.header.Get("Content-Type"))
		}
		text := readPDF(t, p.body)
		local := start.In(training.Location("Europe/Paris"))
		day := web.FormatDate(i18n.For("fr"), local)
		for _, want := range []string{"Feuille d'émargement", "Tremplin – antenne Lille", "Premiers pas numériques (40 h)",
			day + ", de " + local.Format("15:04") + " à ", "La Grappe – tiers-lieu", "Karim Benhaddou", "Julie Vasseur",
			"DUPRÉ Hélène", "BÉZIER Noël", "Présent·e", "Excusé·e",
			fmt.Sprintf("Personnes inscrites : %d", enrolled), "Signature du formateur / de la formatrice", "Page 1 sur 1"} {
			if !strings.Contains(text, want) {
				t.Errorf("the sheet does not say %q:\n%s", want, text)
			}
		}
		// The name typed in Arabic is printed, shaped and right to left.
		if !strings.Contains(pdftest.Plain(text), "حداد محمد") {
			t.Errorf("the sheet does not name حداد محمد:\n%s", text)
		}
		lines := regexp.MustCompile(`(?m)^\s*(\d+)\s+\S`).FindAllStringSubmatch(text, -1)
		if len(lines) != enrolled || lines[len(lines)-1][1] != fmt.Sprint(enrolled) {
			t.Errorf("%d people enrolled, %d numbered lines: %v", enrolled, len(lines), lines)
		}

		// The whole cohort: one page per meeting.
		var meetings int
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM meetings WHERE cohort_id = $1", cohort).Scan(&meetings)
		p = karim.get("/cohorts/" + cohort + "/sheets.pdf")
		if p.status != http.StatusOK {
			t.Fatalf("cohort sheets: %d", p.status)
		}
		text = readPDF(t, p.body)
		if n := strings.Count(text, "Feuille d'émargement\n"); n != meetings {
			t.Errorf("%d meetings, %d sheets", meetings, n)
		}
		if !strings.Contains(text, fmt.Sprintf("Page %d sur %d", meetings, meetings)) || strings.Count(text, "DUPRÉ Hélène") != meetings {
			t.Errorf("cohort sheets: %d pages expected", meetings)
		}
		if !strings.Contains(s.logs.String(), "attendance sheets") {
			t.Error("the export was not logged")
		}

		// Another antenna's sheets are the 404 page.
		bordeaux := s.demoCohort("Bordeaux", "Autonomie numérique")
		bm, _ := s.firstMeeting(bordeaux)
		for _, path := range []string{fmt.Sprintf("/meetings/%d/sheet.pdf", bm), "/cohorts/" + bordeaux + "/sheets.pdf", "/meetings/999999/sheet.pdf"} {
			if p := karim.get(path); p.status != http.StatusNotFound || strings.Contains(p.body, "%PDF") {
				t.Errorf("%s for a Lille adviser: %d", path, p.status)
			}
		}
		if p := s.signIn("manager.bordeaux@tremplin.example").get("/cohorts/" + bordeaux + "/sheets.pdf"); p.status != http.StatusOK {
			t.Errorf("Bordeaux's manager gets their sheets: %d", p.status)
		}
	})
}

func TestListExports(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		s.exportPerson("Lille", "Hélène", "Dupré", "+33611110001")
		s.exportPerson("Lille", "Noël", "Bézier", "+33611110002")
		s.exportPerson("Lille", "=HYPERLINK(\"http://x.example\")", "Piège", "+33611110003")
		karim := s.signIn("karim.lille@tremplin.example")
		today := time.Now().Format(time.DateOnly)
		// Registration days are written in the antenna's time zone (Lille: Paris),
		// which is already tomorrow in the last hours of a UTC day.
		paris, err := time.LoadLocation("Europe/Paris")
		if err != nil {
			t.Fatal(err)
		}
		registered := time.Now().In(paris).Format(time.DateOnly)

		p := karim.get("/exports/learners.csv")
		if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("learners.csv: %d %s", p.status, p.header.Get("Content-Type"))
		}
		if cd := p.header.Get("Content-Disposition"); cd != `attachment; filename="apprenants-`+today+`.csv"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		rows := readCSV(t, p, ';')
		first, last, antenna, situations := column(rows, "Prénom"), column(rows, "Nom"), column(rows, "Antenne"), column(rows, "Situation (codes)")
		if first < 0 || antenna < 0 || situations < 0 || column(rows, "Téléphone") < 0 || column(rows, "Statut") < 0 ||
			column(rows, "Inscription le") < 0 || column(rows, "Formation souhaitée") < 0 {
			t.Fatalf("columns %q", rows[0])
		}
		names := map[string][]string{}
		for _, r := range rows[1:] {
			names[r[first]+" "+r[last]] = r
			if r[antenna] != "Lille" {
				t.Errorf("a Lille adviser exports %s %s of %s", r[first], r[last], r[antenna])
			}
		}
		if r := names["Hélène Dupré"]; r == nil || r[situations] != "rsa,qpv" || r[column(rows, "Inscription le")] != registered {
			t.Errorf("Hélène: %q", r)
		}
		if g := column(rows, "Genre"); g < 0 || names["Amina Haddad"] == nil || names["Amina Haddad"][g] != "Femme" || names["Hélène Dupré"][g] != "" {
			t.Errorf("gender column %d: Amina %q", g, names["Amina Haddad"])
		}
		if names["Noël Bézier"] == nil || names["Pierre Dubois"] != nil || names["Aïcha Traoré"] != nil {
			t.Errorf("learners exported: %v", len(names))
		}
		if names[`'=HYPERLINK("http://x.example") Piège`] == nil {
			t.Error("a formula typed on the registration form is left live in the CSV")
		}
		var lille int
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM learners l JOIN antennas a ON a.id = l.antenna_id WHERE a.name = 'Lille' AND l.merged_into IS NULL").Scan(&lille)
		if len(rows)-1 != lille {
			t.Errorf("%d Lille files, %d rows", lille, len(rows)-1)
		}

		// The list's filters: the search, the antenna (never another's), the comma.
		if rows := readCSV(t, karim.get("/exports/learners.csv?q=h%C3%A9l%C3%A8ne&sep=comma"), ','); len(rows) != 2 || rows[1][first] != "Hélène" {
			t.Errorf("search Hélène: %q", rows)
		}
		if rows := readCSV(t, karim.get("/exports/learners.csv?antenna="+s.antennaID("Bordeaux")), ';'); len(rows) != 1 {
			t.Errorf("a Lille adviser asking for Bordeaux gets %d rows", len(rows)-1)
		}

		p = karim.get("/exports/learners.xlsx?q=no%C3%ABl")
		if p.status != http.StatusOK || !strings.Contains(p.header.Get("Content-Disposition"), "apprenants-"+today+".xlsx") {
			t.Fatalf("learners.xlsx: %d %s", p.status, p.header.Get("Content-Disposition"))
		}
		x := readXLSX(t, p)
		if len(x) != 2 || x[1][column(x, "Prénom")] != "Noël" || x[1][column(x, "Inscription le")] != registered {
			t.Errorf("xlsx: %q", x)
		}

		// The whole list is written as it is read: no length known beforehand.
		p = karim.get("/exports/learners.xlsx")
		if p.header.Get("Content-Length") != "" || len(readXLSX(t, p))-1 != lille {
			t.Errorf("learners.xlsx, Content-Length %q, %d rows for %d files", p.header.Get("Content-Length"), len(readXLSX(t, p))-1, lille)
		}
		var received int
		s.app.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM learners l JOIN antennas a ON a.id = l.antenna_id
			WHERE a.name = 'Lille' AND l.merged_into IS NULL AND l.status = 'received'`).Scan(&received)
		if rows := readCSV(t, karim.get("/exports/learners.csv?status=received&antenna="+s.antennaID("Lille")), ';'); len(rows)-1 != received || received == 0 {
			t.Errorf("received in Lille: %d rows for %d files", len(rows)-1, received)
		}

		// The admin sees every antenna.
		all := readCSV(t, s.signIn("admin@tremplin.example").get("/exports/learners.csv"), ';')
		found := false
		for _, r := range all {
			found = found || r[first] == "Aïcha"
		}
		if !found {
			t.Error("the national admin does not get Bordeaux's files")
		}

		// Cohorts, with the /cohorts filters.
		c := readCSV(t, karim.get("/exports/cohorts.csv"), ';')
		if len(c) != 5 {
			t.Errorf("Lille has 4 cohorts, export: %q", c)
		}
		for _, r := range c[1:] {
			if r[column(c, "Antenne")] != "Lille" {
				t.Errorf("cohort of %s in a Lille export", r[2])
			}
		}
		if c := readXLSX(t, karim.get("/exports/cohorts.xlsx?state=finished")); len(c) != 2 ||
			c[1][column(c, "Formation")] != "Bureautique et démarches en ligne" || c[1][column(c, "État")] != "Terminée" {
			t.Errorf("finished cohorts: %q", c)
		}
		if !strings.Contains(s.logs.String(), "what=apprenants") || !strings.Contains(s.logs.String(), "karim.lille@tremplin.example") {
			t.Error("who exported what is not logged")
		}
	})
}

func TestReferralExports(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		var lille, bordeaux int64
		fmt.Sscan(s.antennaID("Lille"), &lille)
		fmt.Sscan(s.antennaID("Bordeaux"), &bordeaux)
		org := &partners.Org{Name: "Mission locale de la métropole", Kind: "mission_locale", Antennas: []int64{lille, bordeaux}}
		if err := partners.SaveOrg(ctx, s.app.DB, org, nil); err != nil {
			t.Fatal(err)
		}
		for _, ref := range []struct {
			antenna int64
			people  [][2]string
		}{
			{lille, [][2]string{{"Noël", "Bézier"}, {"Hélène", "Dupré"}}},
			{bordeaux, [][2]string{{"Gaëlle", "Roux"}}},
		} {
			var people []*learners.Learner
			for i, n := range ref.people {
				people = append(people, &learners.Learner{FirstName: n[0], LastName: n[1], Phone: fmt.Sprintf("+3361222000%d", i),
					BirthYear: 2003, ConsentText: "test"})
			}
			r := &partners.Referral{OrgID: org.ID, AntennaID: ref.antenna, Source: "import"}
			if err := partners.CreateReferral(ctx, s.app.DB, r, people); err != nil {
				t.Fatal(err)
			}
		}
		karim := s.signIn("karim.lille@tremplin.example")
		rows := readCSV(t, karim.get("/exports/referrals.csv"), ';')
		first := column(rows, "Prénom")
		var inLille int
		s.app.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM referral_people rp JOIN referrals r ON r.id = rp.referral_id
			WHERE r.antenna_id = $1`, lille).Scan(&inLille)
		if len(rows)-1 != inLille || first < 0 {
			t.Fatalf("%d people referred to Lille: %q", inLille, rows)
		}
		for _, r := range rows[1:] {
			if r[column(rows, "Antenne")] != "Lille" || r[first] == "Gaëlle" {
				t.Errorf("row %q", r)
			}
		}
		byOrg := fmt.Sprintf("?org=%d", org.ID)
		rows = readCSV(t, karim.get("/exports/referrals.csv"+byOrg), ';')
		if len(rows) != 3 || rows[1][first] != "Noël" || rows[1][column(rows, "Structure")] != "Mission locale de la métropole" {
			t.Errorf("one organisation's people: %q", rows)
		}
		x := readXLSX(t, s.signIn("admin@tremplin.example").get("/exports/referrals.xlsx"+byOrg))
		if len(x) != 4 {
			t.Errorf("the admin sees all three people: %q", x)
		}
	})
}

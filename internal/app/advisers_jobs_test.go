package app_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tremplin/internal/demo"
	"tremplin/internal/impact"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/profiles"
)

// postOffer has Lille's manager post an open offer for the demo's Lille
// company, in Lille, starting in a month; it returns the offer's id.
func (s *site) postLilleOffer(title, rome string) string {
	s.t.Helper()
	m := s.signIn("manager.lille@tremplin.example")
	f := offerForm(title, rome, "59000 Lille", time.Now().UTC().AddDate(0, 1, 0).Format(time.DateOnly))
	f.Set("company", s.id("SELECT id FROM donors WHERE org_name = 'Numérique Solidaire SAS'"))
	p := m.post("/jobs", f)
	if p.status != http.StatusSeeOther {
		s.t.Fatalf("posting an offer: %d %v", p.status, errorsOf(p.body))
	}
	return strings.TrimPrefix(p.header.Get("Location"), "/jobs/")
}

var proposeButton = regexp.MustCompile(`<input type="hidden" name="learner" value="(\d+)">`)

// An adviser sees the offers of their antenna's companies, not another
// antenna's (the 404 page); on an offer's page, the people of their antenna
// by name, the others as the company sees them, and the consenting people
// who fit, best first, each with a button that proposes them (then their
// application's state instead); they cancel their antenna's applications
// only and cannot post nor change an offer (403). The fundraising role sees
// no one on the same page.
func TestAdvisersProposeFromTheirAntennasOffers(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		karim := s.signIn("karim.lille@tremplin.example")
		lille := s.antennaID("Lille")
		ns := s.id("SELECT o.id FROM job_offers o JOIN donors d ON d.id = o.donor_id WHERE d.org_name = 'Numérique Solidaire SAS' AND o.state = 'open'")
		list := karim.get("/jobs")
		body := html.UnescapeString(list.body)
		if list.status != http.StatusOK || !strings.Contains(body, "Développeur·se web junior") || strings.Contains(body, "Intégrateur·rice web") {
			t.Fatalf("the adviser's offers: %d, want Lille's only", list.status)
		}
		if strings.Contains(body, `href="/jobs/new"`) {
			t.Error("the adviser is offered to post an offer")
		}
		if !strings.Contains(body, `href="/jobs"`) || !strings.Contains(body, "Offres d'emploi") {
			t.Error("the adviser's menu has no job offers")
		}
		other := s.otherOffer()
		for _, p := range []page{karim.get("/jobs/" + other), karim.post("/jobs/"+other+"/applications", url.Values{"learner": {"1"}})} {
			if p.status != http.StatusNotFound || strings.Contains(html.UnescapeString(p.body), "Intégrateur") {
				t.Errorf("another antenna's offer: %d, want 404", p.status)
			}
		}
		// Posting and changing offers stay with the managers.
		for _, p := range []page{karim.get("/jobs/new"), karim.get("/jobs/" + ns + "/edit"),
			karim.post("/jobs", offerForm("x", "M1805", "59000 Lille", "2099-01-01")),
			karim.post("/jobs/"+ns, offerForm("x", "M1805", "59000 Lille", "2099-01-01")),
			karim.post("/jobs/"+ns+"/state", url.Values{"state": {"closed"}}),
			karim.get("/companies/" + s.id("SELECT donor_id FROM job_offers WHERE id = $1", ns) + "/recruitment")} {
			if p.status != http.StatusForbidden {
				t.Errorf("the adviser changing offers: %d, want 403", p.status)
			}
		}
		if s.count("SELECT COUNT(*) FROM job_offers WHERE id = $1 AND state = 'open'", ns) != 1 {
			t.Fatal("the adviser changed the offer")
		}
		page := karim.get("/jobs/" + ns)
		if page.status != http.StatusOK || strings.Contains(page.body, `/edit"`) || strings.Contains(page.body, `/state"`) ||
			strings.Contains(page.body, `href="/companies/`) {
			t.Errorf("the offer's page: %d, or it shows the managers' buttons", page.status)
		}
		// Lille's people are named and linked, the others are not.
		for _, a := range s.ids("SELECT a.learner_id FROM job_applications a WHERE a.offer_id = $1", ns) {
			id := strconv.FormatInt(a, 10)
			ours := s.count("SELECT COUNT(*) FROM learners WHERE id = $1 AND antenna_id = $2", id, lille) == 1
			if linked := strings.Contains(page.body, `href="/learners/`+id+`"`); linked != ours {
				t.Errorf("person %s (of Lille: %v) linked: %v", id, ours, linked)
			}
		}
		// An offer anyone consenting in Lille fits (no competence asked):
		// the people who fit, each with a button.
		offer := s.postLilleOffer("Préparateur·rice de commandes", "N1103")
		page = karim.get("/jobs/" + offer)
		buttons := proposeButton.FindAllStringSubmatch(page.body, -1)
		if len(buttons) == 0 || !strings.Contains(page.body, "Personnes qui correspondent") {
			t.Fatalf("no one to propose on the offer's page:\n%s", page.body)
		}
		for _, b := range buttons {
			if s.count("SELECT COUNT(*) FROM learners WHERE id = $1 AND antenna_id = $2", b[1], lille) != 1 {
				t.Errorf("person %s of another antenna offered", b[1])
			}
			if id, _ := strconv.ParseInt(b[1], 10, 64); !profiles.Visible(t.Context(), s.app.DB, id) {
				t.Errorf("person %s offered without consent", b[1])
			}
		}
		who := buttons[0][1]
		if p := karim.post("/jobs/"+offer+"/applications", url.Values{"learner": {who}}); p.status != http.StatusSeeOther {
			t.Fatalf("proposing from the offer's page: %d %v", p.status, errorsOf(p.body))
		}
		if by := s.text(`SELECT s.email FROM job_applications a JOIN staff s ON s.id = a.proposed_by WHERE a.offer_id = $1 AND a.learner_id = $2`,
			offer, who); by != "karim.lille@tremplin.example" {
			t.Errorf("proposed by %q", by)
		}
		page = karim.get("/jobs/" + offer)
		if strings.Contains(page.body, `name="learner" value="`+who+`"`) || !strings.Contains(html.UnescapeString(page.body), "Déjà proposée : <span class=\"status\">Nouvelle") {
			t.Error("the person proposed still has the button, or their application's state is not shown")
		}
		// The matching page, opened from the offer, has the same buttons
		// and the state of the person proposed.
		link := regexp.MustCompile(`href="(/profiles/match\?[^"]*offer=[^"]*)"`).FindStringSubmatch(page.body)
		if link == nil {
			t.Fatal("the offer's page does not link to the matching page")
		}
		match := karim.get(html.UnescapeString(link[1]))
		if match.status != http.StatusOK || !strings.Contains(html.UnescapeString(match.body), "Préparateur·rice de commandes") ||
			strings.Contains(match.body, `name="learner" value="`+who+`"`) || !strings.Contains(html.UnescapeString(match.body), "Déjà proposée") {
			t.Errorf("the matching page for the offer: %d", match.status)
		}
		if len(buttons) > 1 && !strings.Contains(match.body, `action="/jobs/`+offer+`/applications"`) {
			t.Error("the matching page has no button to propose the others")
		}
		// Another antenna's offer gives no button.
		if body := karim.get("/profiles/match?rome=M1805&offer=" + other).body; strings.Contains(body, `name="learner"`) {
			t.Error("the matching page proposes for another antenna's offer")
		}
		// The company sees the proposal.
		if rc := s.recruiterSignIn(demo.DemoRecruiter); !strings.Contains(rc.get("/company/jobs/"+offer).body, "/applications/") {
			t.Error("the company does not see the proposal")
		}
		// The adviser cancels it; not an application of another antenna's person.
		app := s.id("SELECT id FROM job_applications WHERE offer_id = $1 AND learner_id = $2", offer, who)
		if p := karim.post("/jobs/"+offer+"/applications/"+app+"/cancel", nil); p.status != http.StatusSeeOther {
			t.Errorf("cancelling: %d", p.status)
		}
		if st := s.text("SELECT state FROM job_applications WHERE id = $1", app); st != "cancelled" {
			t.Errorf("the application is %q, want cancelled", st)
		}
		foreign := s.ids(`SELECT a.id FROM job_applications a JOIN learners l ON l.id = a.learner_id WHERE a.offer_id = $1 AND l.antenna_id <> $2
			AND a.state IN ('new', 'processing', 'postponed')`, ns, lille)
		for _, a := range foreign {
			id := strconv.FormatInt(a, 10)
			if p := karim.post("/jobs/"+ns+"/applications/"+id+"/cancel", nil); p.status != http.StatusNotFound {
				t.Errorf("cancelling another antenna's person's application: %d, want 404", p.status)
			}
		}
		// The fundraising role sees the states only, no one to propose.
		dons := s.signIn("dons@tremplin.example").get("/jobs/" + offer)
		if dons.status != http.StatusOK || strings.Contains(dons.body, `href="/learners/`) || strings.Contains(dons.body, `name="learner"`) ||
			strings.Contains(dons.body, "Personnes qui correspondent") {
			t.Errorf("the fundraising role sees or proposes people: %d", dons.status)
		}
	})
}

var figureRow = regexp.MustCompile(`(?s)<tr id="([a-z]+-[a-z0-9]+)"><th[^>]*>(.*?)</th>(.*?)</tr>`)
var figureCell = regexp.MustCompile(`<td>([^<]*)</td>`)

// figureRows reads the figures' page: each line's cells by its id
// ("offer-12", "programme-3", "antenna-1", "company-4").
func figureRows(body string) map[string][]string {
	out := map[string][]string{}
	for _, m := range figureRow.FindAllStringSubmatch(body, -1) {
		var cells []string
		for _, c := range figureCell.FindAllStringSubmatch(m[3], -1) {
			cells = append(cells, c[1])
		}
		out[m[1]] = cells
	}
	return out
}

// cellInt is cell i of a line, 0 for a line not shown.
func cellInt(rows map[string][]string, key string, i int) int {
	if len(rows[key]) <= i {
		return 0
	}
	n, _ := strconv.Atoi(rows[key][i])
	return n
}

// An adviser's figures count, for the period chosen (the last twelve
// months by default; bad dates answered next to their field), what
// happened in it on the day it happened: the offer posted, the two people
// proposed, the interview and the refusal with its reason, by offer, by
// programme (the one the person followed last) and by antenna; a period
// before today counts none of it; another antenna's company never shows.
func TestRecruitmentFiguresByPeriodAndProgramme(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		karim := s.signIn("karim.lille@tremplin.example")
		lille := s.antennaID("Lille")
		paris, _ := time.LoadLocation("Europe/Paris")
		today := time.Now().In(paris)
		day := func(t time.Time) string { return t.Format(time.DateOnly) }
		// Bad dates: a message next to the field, what was typed kept.
		p := karim.get("/jobs/figures?from=31%2F02%2F2026&to=" + day(today))
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["from"] == "" || valueOf(p.body, "from") != "31/02/2026" {
			t.Errorf("a bad date: %d %v %q", p.status, errorsOf(p.body), valueOf(p.body, "from"))
		}
		p = karim.get("/jobs/figures?from=" + day(today) + "&to=" + day(today.AddDate(0, 0, -3)))
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["to"] == "" {
			t.Errorf("an end before the start: %d %v", p.status, errorsOf(p.body))
		}
		p = karim.get("/jobs/figures")
		if p.status != http.StatusOK || valueOf(p.body, "from") != day(today.AddDate(-1, 0, 1)) || valueOf(p.body, "to") != day(today) {
			t.Errorf("the default period: %d, from %q to %q", p.status, valueOf(p.body, "from"), valueOf(p.body, "to"))
		}
		if body := html.UnescapeString(p.body); strings.Contains(body, "Tech Avenir SAS") || !strings.Contains(body, "Numérique Solidaire SAS") {
			t.Error("the adviser's figures are not their antenna's companies'")
		}

		// Two Lille people who followed a programme agree to show their
		// profile to recruiters.
		people := s.ids(`SELECT l.id FROM learners l WHERE l.antenna_id = $1 AND l.merged_into IS NULL AND EXISTS (SELECT 1 FROM enrolments e
			WHERE e.learner_id = l.id AND e.state = 'enrolled') ORDER BY l.id LIMIT 2`, lille)
		if len(people) < 2 {
			t.Fatalf("the demo has %d Lille people with a seat", len(people))
		}
		for _, id := range people {
			if profiles.Visible(t.Context(), s.app.DB, id) {
				continue
			}
			p := karim.post("/learners/"+strconv.FormatInt(id, 10)+"/profile/consent", url.Values{"level": {"profile"}, "action": {"given"}, "how_profile": {"in_person"}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("consent: %d %v", p.status, errorsOf(p.body))
			}
		}
		programme := func(id int64) string {
			return s.id(`SELECT COALESCE((SELECT c.programme_id FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
				WHERE e.learner_id = $1 AND e.state = 'enrolled' ORDER BY c.starts_on DESC, c.id DESC LIMIT 1), 0)`, id)
		}
		first, second := strconv.FormatInt(people[0], 10), strconv.FormatInt(people[1], 10)
		prog := "programme-" + programme(people[0])
		if prog == "programme-0" {
			t.Fatalf("the first Lille person followed no programme")
		}
		same := programme(people[1]) == programme(people[0])
		period := "/jobs/figures?from=" + day(today) + "&to=" + day(today)
		before := figureRows(karim.get(period).body)
		// The dashboard's recruitment table for Lille, the same day.
		lilleID, _ := strconv.ParseInt(lille, 10, 64)
		midnight, _ := time.Parse(time.DateOnly, day(today))
		// A line of one of the dashboard's recruitment tables (by antenna, by
		// company, by programme), zeros when absent.
		dashboardLine := func(table int, label string) []float64 {
			tables, err := s.app.Jobs.DashboardFigures(t.Context(), impact.Filter{From: midnight, To: midnight, Antennas: []int64{lilleID}}, i18n.For("fr"))
			if err != nil || len(tables) != 4 || len(tables[table].Rows) == 0 {
				t.Fatalf("the dashboard's recruitment: %v %+v", err, tables)
			}
			out := make([]float64, len(tables[table].Columns))
			for _, r := range tables[table].Rows {
				if r[0].Text == label || label == "" && r[0].Text == "Total" {
					for i, c := range r {
						out[i] = c.Value
					}
				}
			}
			return out
		}
		dashboard := func() []float64 { return dashboardLine(0, "") } // the total of Lille's people
		programmeTitle := s.text("SELECT title FROM programmes WHERE id = $1", programme(people[0]))
		dashBefore := dashboard()
		companyBefore := dashboardLine(1, "Numérique Solidaire SAS")
		programmeBefore := dashboardLine(2, programmeTitle)

		offer := s.postLilleOffer("Agent·e de tri", "N1103")
		for _, who := range []string{first, second} {
			if p := karim.post("/jobs/"+offer+"/applications", url.Values{"learner": {who}}); p.status != http.StatusSeeOther {
				t.Fatalf("proposing %s: %d %v", who, p.status, errorsOf(p.body))
			}
		}
		rc := s.recruiterSignIn(demo.DemoRecruiter)
		app := s.id("SELECT id FROM job_applications WHERE offer_id = $1 AND learner_id = $2", offer, first)
		base := "/company/jobs/" + offer + "/applications/" + app + "/state"
		for _, f := range []url.Values{{"state": {"prior_to_hire"}}, {"state": {"refused"}, "reason": {"not_mobile"}}} {
			if p := rc.post(base, f); p.status != http.StatusSeeOther {
				t.Fatalf("the company's answer %v: %d %v", f, p.status, errorsOf(p.body))
			}
		}
		after := figureRows(karim.get(period).body)
		// The offer's line: posted, two proposed, one interview, no hire, one
		// refusal for not being mobile, answered the same day.
		notMobile := 5 + 6 // the reasons' columns follow offers … refusals
		if got := after["offer-"+offer]; len(got) < 15 || got[0] != "1" || got[1] != "2" || got[2] != "1" || got[3] != "0" || got[4] != "1" ||
			got[notMobile] != "1" || got[len(got)-1] != "0.0 j" {
			t.Errorf("the offer's figures: %v", got)
		}
		// The programme's line (no offers column): the first person's
		// application, interview and refusal, the second's when the same.
		wantApps := 1
		if same {
			wantApps = 2
		}
		for i, want := range map[int]int{0: wantApps, 1: 1, 3: 1, 4 + 6: 1} {
			if d := cellInt(after, prog, i) - cellInt(before, prog, i); d != want {
				t.Errorf("%s, column %d: +%d, want +%d (%v → %v)", prog, i, d, want, before[prog], after[prog])
			}
		}
		// Lille's line: the offer and the two applications.
		for i, want := range map[int]int{0: 1, 1: 2, 2: 1, 4: 1} {
			if d := cellInt(after, "antenna-"+lille, i) - cellInt(before, "antenna-"+lille, i); d != want {
				t.Errorf("Lille, column %d: +%d, want +%d", i, d, want)
			}
		}
		// The dashboard counts the same things the same day: the offer, the
		// two proposals, the interview, the refusal.
		dashAfter := dashboard()
		for i, want := range map[int]float64{1: 1, 2: 2, 3: 1, 4: 0, 5: 1} {
			if d := dashAfter[i] - dashBefore[i]; d != want {
				t.Errorf("the dashboard's column %d: +%v, want +%v", i, d, want)
			}
		}
		// By company: Numérique Solidaire's line moves alike; by programme
		// (no offers column), the people's course.
		companyAfter := dashboardLine(1, "Numérique Solidaire SAS")
		for i, want := range map[int]float64{1: 1, 2: 2, 3: 1, 4: 0, 5: 1} {
			if d := companyAfter[i] - companyBefore[i]; d != want {
				t.Errorf("the dashboard's company column %d: +%v, want +%v", i, d, want)
			}
		}
		programmeAfter := dashboardLine(2, programmeTitle)
		for i, want := range map[int]float64{1: float64(wantApps), 2: 1, 3: 0, 4: 1} {
			if d := programmeAfter[i] - programmeBefore[i]; d != want {
				t.Errorf("the dashboard's programme column %d: +%v, want +%v", i, d, want)
			}
		}
		// Yesterday's figures count none of today's.
		y := day(today.AddDate(0, 0, -1))
		if rows := figureRows(karim.get("/jobs/figures?from=" + y + "&to=" + y).body); rows["offer-"+offer] != nil {
			t.Errorf("yesterday's figures count today's offer: %v", rows["offer-"+offer])
		}
		// Antenna lines are the viewer's antennas' (or the others', as one).
		for key := range after {
			if a, ok := strings.CutPrefix(key, "antenna-"); ok && a != lille && a != "other" {
				t.Errorf("the adviser's figures show antenna %s", a)
			}
		}
	})
}

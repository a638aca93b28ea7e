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

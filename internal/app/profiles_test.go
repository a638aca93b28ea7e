package app_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tremplin/internal/platform/db"
	"tremplin/internal/profiles"
)

// A demo learner of the web developer course consented: the match lists her;
// once her adviser records that she withdrew, she is gone from the match and
// from any recruiter's view at once, and the history keeps both.
func TestWithdrawnConsentHidesTheProfileAtOnce(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		id := s.id(`SELECT p.learner_id FROM recruiter_profiles p JOIN learners l ON l.id = p.learner_id
			JOIN antennas a ON a.id = l.antenna_id WHERE p.shown AND a.name = 'Paris – Île-de-France' ORDER BY p.learner_id LIMIT 1`)
		lid, _ := strconv.ParseInt(id, 10, 64)
		b := s.signIn("manager.paris@tremplin.example")
		match := b.get("/profiles/match?programme=" + s.id("SELECT id FROM programmes WHERE certifying ORDER BY id LIMIT 1"))
		if match.status != http.StatusOK || !strings.Contains(match.body, `href="/learners/`+id+`/profile"`) {
			t.Fatalf("match before withdrawal: %d, learner %s not listed\n%s", match.status, id, match.body)
		}
		if _, err := profiles.RecruiterView(ctx, s.app.DB, lid); err != nil {
			t.Fatalf("recruiter view with consent: %v", err)
		}
		// Without saying how the person withdrew, nothing changes.
		p := b.post("/learners/"+id+"/profile/consent", url.Values{"level": {"profile"}, "action": {"withdrawn"}})
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["how_profile"] == "" {
			t.Fatalf("withdrawal without how: %d %v", p.status, errorsOf(p.body))
		}
		if !profiles.Visible(ctx, s.app.DB, lid) {
			t.Fatal("a refused form withdrew the consent")
		}
		p = b.post("/learners/"+id+"/profile/consent", url.Values{"level": {"profile"}, "action": {"withdrawn"}, "how_profile": {"phone"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d %v", p.status, errorsOf(p.body))
		}
		if profiles.Visible(ctx, s.app.DB, lid) {
			t.Error("still visible after the withdrawal")
		}
		if _, err := profiles.RecruiterView(ctx, s.app.DB, lid); err != db.ErrNotFound {
			t.Errorf("recruiter view after withdrawal: %v, want not found", err)
		}
		if _, err := profiles.CV(ctx, s.app.DB, lid); err != db.ErrNotFound {
			t.Errorf("CV after withdrawal: %v, want not found", err)
		}
		match = b.get("/profiles/match?programme=" + s.id("SELECT id FROM programmes WHERE certifying ORDER BY id LIMIT 1"))
		if strings.Contains(match.body, `href="/learners/`+id+`/profile"`) {
			t.Error("the match still lists the person")
		}
		page := b.get("/learners/" + id + "/profile")
		if body := html.UnescapeString(page.body); !strings.Contains(body, "n'est montré à aucune entreprise") || !strings.Contains(body, "retiré (Au téléphone") {
			t.Errorf("the page does not show the withdrawal and its history\n%s", page.body)
		}
		h, err := profiles.History(ctx, s.app.DB, lid)
		if err != nil || len(h) < 2 || h[0].Action != "withdrawn" || h[0].Version == "" {
			t.Errorf("history: %+v %v", h, err)
		}
		// The access export carries the consents.
		if x := b.get("/learners/" + id + "/access.json"); !strings.Contains(x.body, `"profile_consents"`) {
			t.Error("the access export lacks the consents")
		}
	})
}

// A recruiter's view never shows the person's situation, notes, phone or
// email; the phone and email come with the put-in-touch consent only.
func TestRecruiterViewHoldsNoSituationNotesOrContacts(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		// Nadia Boukherroub: RSA, priority neighbourhood, Lille.
		id := s.id("SELECT id FROM learners WHERE first_name = 'Nadia' AND last_name = 'Boukherroub'")
		lid, _ := strconv.ParseInt(id, 10, 64)
		var phone, email string
		if err := s.app.DB.QueryRowContext(ctx, "SELECT phone, email FROM learners WHERE id = $1", lid).Scan(&phone, &email); err != nil {
			t.Fatal(err)
		}
		b := s.signIn("karim.lille@tremplin.example")
		if p := b.post("/learners/"+id+"/notes", url.Values{"note": {"Suivi par la CAF, dette de loyer"}}); p.status != http.StatusSeeOther {
			t.Fatalf("note: %d", p.status)
		}
		// Put in touch before the profile consent is refused.
		p := b.post("/learners/"+id+"/profile/consent", url.Values{"level": {"contact"}, "action": {"given"}, "how_contact": {"in_person"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(errorsOf(p.body)["how_contact"]), "demande d'abord") {
			t.Fatalf("contact without profile consent: %d %v", p.status, errorsOf(p.body))
		}
		if p := b.post("/learners/"+id+"/profile/consent", url.Values{"level": {"profile"}, "action": {"given"}, "how_profile": {"in_person"}}); p.status != http.StatusSeeOther {
			t.Fatalf("consent: %d %v", p.status, errorsOf(p.body))
		}
		preview := b.get("/learners/" + id + "/profile/preview")
		if preview.status != http.StatusOK || !strings.Contains(preview.body, "Nadia B.") {
			t.Fatalf("preview: %d\n%s", preview.status, preview.body)
		}
		body := html.UnescapeString(preview.body)
		for _, never := range []string{"Boukherroub", "RSA", "quartier", "CAF", "dette", phone, "tel:"} {
			if never != "" && strings.Contains(body, never) {
				t.Errorf("the recruiter's view shows %q", never)
			}
		}
		if email != "" && strings.Contains(body, email) {
			t.Error("the recruiter's view shows the email")
		}
		v, err := profiles.RecruiterView(ctx, s.app.DB, lid)
		if err != nil || v.Phone != "" || v.Email != "" {
			t.Fatalf("view without put-in-touch: %+v %v", v, err)
		}
		if p := b.post("/learners/"+id+"/profile/consent", url.Values{"level": {"contact"}, "action": {"given"}, "how_contact": {"paper"}}); p.status != http.StatusSeeOther {
			t.Fatalf("put in touch: %d %v", p.status, errorsOf(p.body))
		}
		if v, err = profiles.RecruiterView(ctx, s.app.DB, lid); err != nil || v.Phone != phone {
			t.Errorf("view with put-in-touch: phone %q, want %q (%v)", v.Phone, phone, err)
		}
		if preview = b.get("/learners/" + id + "/profile/preview"); !strings.Contains(html.UnescapeString(preview.body), "tel:"+phone) {
			t.Errorf("the preview lacks the phone %s after the put-in-touch consent\n%s", phone, preview.body)
		}
		// Withdrawing the profile consent takes the put-in-touch one with it.
		b.post("/learners/"+id+"/profile/consent", url.Values{"level": {"profile"}, "action": {"withdrawn"}, "how_profile": {"message"}})
		if profiles.Reachable(ctx, s.app.DB, lid) {
			t.Error("still reachable after the profile consent was withdrawn")
		}
		// Another antenna's staff get the 404 page.
		if p := s.signIn("manager.paris@tremplin.example").get("/learners/" + id + "/profile"); p.status != http.StatusNotFound {
			t.Errorf("another antenna's manager: %d", p.status)
		}
	})
}

// A CV that is not a PDF is refused with a message next to the field; a PDF
// is kept and is what a recruiter downloads.
func TestCVUploadTakesOnlyPDF(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		id := s.id("SELECT id FROM learners WHERE first_name = 'Nadia' AND last_name = 'Boukherroub'")
		b := s.signIn("karim.lille@tremplin.example")
		p := b.uploadAs("/learners/"+id+"/profile/cv", nil, "file", "cv.docx", []byte("PK\x03\x04 not a pdf at all"))
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(errorsOf(p.body)["file"], "pas un PDF") {
			t.Fatalf("a .docx: %d %v", p.status, errorsOf(p.body))
		}
		p = b.uploadAs("/learners/"+id+"/profile/cv", nil, "file", "", nil)
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["file"] == "" {
			t.Fatalf("no file: %d %v", p.status, errorsOf(p.body))
		}
		pdf, err := profiles.GenerateCV(&profiles.View{Name: "Nadia B.", Lang: "fr"})
		if err != nil {
			t.Fatal(err)
		}
		if p = b.uploadAs("/learners/"+id+"/profile/cv", nil, "file", "cv.pdf", pdf); p.status != http.StatusSeeOther {
			t.Fatalf("a PDF: %d %v", p.status, errorsOf(p.body))
		}
		got := b.get("/learners/" + id + "/profile/cv.pdf")
		if got.status != http.StatusOK || got.body != string(pdf) {
			t.Errorf("CV download: %d, %d bytes, want the %d uploaded", got.status, len(got.body), len(pdf))
		}
		// The person's access export gives the CV back byte for byte, and
		// the page to read tells a file rather than printing its bytes.
		var export struct {
			Tables map[string][]map[string]json.RawMessage `json:"tables"`
		}
		if err := json.Unmarshal([]byte(b.get("/learners/"+id+"/access.json").body), &export); err != nil {
			t.Fatal(err)
		}
		var held struct{ Base64 string }
		if cvs := export.Tables["recruiter_cvs"]; len(cvs) != 1 {
			t.Errorf("the access export holds %d CVs", len(cvs))
		} else if err := json.Unmarshal(cvs[0]["body"], &held); err != nil {
			t.Errorf("the CV in the access export: %v (%.80s)", err, cvs[0]["body"])
		} else if back, _ := base64.StdEncoding.DecodeString(held.Base64); string(back) != string(pdf) {
			t.Errorf("the access export's CV has %d bytes, want the %d uploaded", len(back), len(pdf))
		}
		if page := b.get("/learners/" + id + "/access"); !strings.Contains(page.body, "Ko (remis à part)") || strings.Contains(page.body, "%PDF") {
			t.Error("the page of the person's data does not show the CV as a file")
		}
		// Choosing the uploaded CV is refused for a person without one.
		other := s.id("SELECT id FROM learners WHERE first_name = 'Chloé' AND last_name = 'Vandamme'")
		p = b.post("/learners/"+other+"/profile", url.Values{"cv": {"upload"}, "show_skills": {"1"}, "available_from": {"demain"}})
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["cv"] == "" || errorsOf(p.body)["available_from"] == "" {
			t.Errorf("choices with no CV and a wrong date: %d %v", p.status, errorsOf(p.body))
		}
		if !strings.Contains(p.body, `value="demain"`) {
			t.Error("the date typed was not kept")
		}
	})
}

// The matching page says what is wrong with its criteria, next to them, in
// the viewer's language.
func TestMatchCriteriaAreChecked(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.signIn("manager.paris@tremplin.example")
		p := b.get("/profiles/match?rome=XX&town=7501&min_hours=beaucoup")
		errs := errorsOf(p.body)
		if p.status != http.StatusUnprocessableEntity || errs["rome"] == "" || errs["town"] == "" || errs["min_hours"] == "" {
			t.Fatalf("bad criteria: %d %v", p.status, errs)
		}
		b.post("/lang", url.Values{"lang": {"ar"}})
		p = b.get("/profiles/match?rome=XX")
		if !strings.Contains(errorsOf(p.body)["rome"], "رمز ROME") {
			t.Errorf("Arabic message: %v", errorsOf(p.body))
		}
		if p := b.get("/profiles/match?rome=M1805&town=75019"); p.status != http.StatusOK {
			t.Errorf("a good search: %d", p.status)
		}
	})
}

// Staff choose a radius around the job's town on the matching page: a bad
// choice or an unknown town is answered next to its field with what was
// typed kept; the people found show how far from the town they live, within
// the radius.
func TestMatchPageWithinKm(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.signIn("manager.paris@tremplin.example")
		p := b.get("/profiles/match?town=75011+Paris&within=7")
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["within"] == "" || valueOf(p.body, "town") != "75011 Paris" {
			t.Errorf("radius of 7 km: %d %v", p.status, errorsOf(p.body))
		}
		p = b.get("/profiles/match?town=99999+Nulle-part&within=10")
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(errorsOf(p.body)["town"]), "Ville inconnue") ||
			valueOf(p.body, "town") != "99999 Nulle-part" {
			t.Errorf("unknown town: %d %v", p.status, errorsOf(p.body))
		}
		if p = b.get("/profiles/match?within=10"); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["town"] == "" {
			t.Errorf("a radius without a town: %d %v", p.status, errorsOf(p.body))
		}
		p = b.get("/profiles/match?town=75011+Paris&within=20")
		if p.status != http.StatusOK || !strings.Contains(p.body, `href="/learners/`) {
			t.Fatalf("within 20 km of Paris: %d, nobody listed", p.status)
		}
		kms := regexp.MustCompile(`· à (\d+) km`).FindAllStringSubmatch(p.body, -1)
		if len(kms) == 0 {
			t.Fatal("no distance shown next to the people found")
		}
		for _, m := range kms {
			if n, _ := strconv.Atoi(m[1]); n > 20 {
				t.Errorf("someone %d km away within 20 km", n)
			}
		}
	})
}

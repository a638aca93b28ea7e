package app_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tremplin/internal/platform/db"
)

// civicOffer is the demo association's published civic-service offer.
func (s *site) civicOffer() (id string, start time.Time) {
	s.t.Helper()
	var st string
	if err := s.app.DB.QueryRowContext(context.Background(),
		"SELECT CAST(id AS TEXT), starts_on FROM civic_offers WHERE state = 'published' ORDER BY id LIMIT 1").Scan(&id, &st); err != nil {
		s.t.Fatal(err)
	}
	start, _ = time.Parse(time.DateOnly, st)
	return id, start
}

func civicCount(s *site, q string, args ...any) int {
	var n int
	if err := s.app.DB.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		s.t.Fatal(err)
	}
	return n
}

// A young person finds the offer from the home page and applies without an
// account: an age outside the limits is explained next to the field and what
// was typed stays; then the application is stored once, acknowledged by SMS in
// Arabic, and seen by Lille's staff only.
func TestCivicApplication(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		s.work()
		visitor := s.browser()
		visitor.lang = "ar"
		home := visitor.get("/")
		if !strings.Contains(home.body, `href="/service-civique"`) {
			t.Fatal("the public home page does not link to the civic-service offers")
		}
		list := visitor.get("/service-civique")
		id, start := s.civicOffer()
		if list.status != http.StatusOK || !strings.Contains(list.body, `href="/service-civique/`+id+`"`) || !strings.Contains(list.body, `lang="fr"`) {
			t.Fatalf("public list: %d\n%.2000s", list.status, list.body)
		}
		offer := visitor.get("/service-civique/" + id)
		if offer.status != http.StatusOK || !strings.Contains(offer.body, "مهام الخدمة المدنية") || !strings.Contains(offer.body, "Ambassadeur") {
			t.Fatalf("offer page in Arabic: %d", offer.status)
		}
		form := url.Values{"first_name": {"سارة"}, "last_name": {"علي"}, "phone": {"06 12 34 56 99"}, "disability": {"no"},
			"birth_date": {start.AddDate(-27, 0, 0).Format(time.DateOnly)}, "message": {"أحب مساعدة الناس"}, "heard": {"friend"}}
		p := visitor.post("/service-civique/"+id, form)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("27 at the start without a disability: status %d", p.status)
		}
		if msg := html.UnescapeString(errorsOf(p.body)["birth_date"]); !strings.Contains(msg, "30") {
			t.Errorf("the age rule is not explained: %q", msg)
		}
		if valueOf(p.body, "first_name") != "سارة" || !strings.Contains(p.body, "أحب مساعدة الناس") {
			t.Error("what was typed is lost")
		}
		// 27 with a recognised disability may apply (up to 30).
		form.Set("disability", "yes")
		form.Set("once", "civic-apply-1")
		p = visitor.post("/service-civique/"+id, form)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/service-civique/"+id+"/thanks" {
			t.Fatalf("application: status %d\n%s", p.status, errorsOf(p.body))
		}
		// The same form sent twice (a double tap) is stored once.
		p = visitor.post("/service-civique/"+id, form)
		if p.status != http.StatusSeeOther {
			t.Fatalf("sent again: %d", p.status)
		}
		if n := civicCount(s, "SELECT COUNT(*) FROM civic_applications WHERE first_name = 'سارة' AND disability = $1", true); n != 1 {
			t.Fatalf("%d applications stored, want 1", n)
		}
		sms := s.waitSMSTo("+33612345699")
		if !strings.Contains(sms.Body, "مرحبًا سارة") {
			t.Errorf("acknowledgement not in Arabic: %q", sms.Body)
		}
		// 31 with a disability: too old.
		form.Set("birth_date", start.AddDate(-31, 0, -1).Format(time.DateOnly))
		form.Del("once")
		if p := visitor.post("/service-civique/"+id, form); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["birth_date"] == "" {
			t.Errorf("31 at the start: status %d", p.status)
		}
		// No phone nor email: asked for one.
		form.Set("birth_date", start.AddDate(-20, 0, 0).Format(time.DateOnly))
		form.Set("phone", "")
		if p := visitor.post("/service-civique/"+id, form); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["phone"] == "" {
			t.Errorf("no contact: status %d", p.status)
		}

		var appID string
		s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(id AS TEXT) FROM civic_applications WHERE first_name = 'سارة'").Scan(&appID)
		lille := s.signIn("karim.lille@tremplin.example")
		if p := lille.get("/civic/offers/" + id); p.status != http.StatusOK || !strings.Contains(p.body, "/civic/applications/"+appID) {
			t.Fatalf("Lille's adviser does not see the application: %d", p.status)
		}
		bordeaux := s.signIn("manager.bordeaux@tremplin.example")
		for _, path := range []string{"/civic/offers/" + id, "/civic/offers/" + id + "/edit", "/civic/applications/" + appID} {
			if p := bordeaux.get(path); p.status != http.StatusNotFound {
				t.Errorf("Bordeaux GET %s: %d, want 404", path, p.status)
			}
		}
		if p := bordeaux.post("/civic/applications/"+appID+"/state", url.Values{"state": {"withdrawn"}}); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux moves Lille's application: %d", p.status)
		}

		// Karim invites her to an interview: she is told in Arabic.
		when := time.Now().AddDate(0, 0, 5)
		p = lille.post("/civic/applications/"+appID+"/interview", url.Values{"date": {when.Format(time.DateOnly)}, "time": {"14:30"}, "place": {"La Grappe"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("interview: %d %v", p.status, errorsOf(p.body))
		}
		deadline := time.Now().Add(20 * time.Second)
		for civicSMS(s, "+33612345699", "14:30") == "" && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if text := civicSMS(s, "+33612345699", "14:30"); !strings.Contains(text, "مقابلة") {
			t.Errorf("interview SMS: %q", text)
		}
		// Declining needs its reason.
		p = lille.post("/civic/applications/"+appID+"/state", url.Values{"state": {"declined"}})
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["reason"] == "" {
			t.Errorf("decline without a reason: %d", p.status)
		}
		if p := lille.post("/civic/applications/"+appID+"/state", url.Values{"state": {"accepted"}}); p.status != http.StatusSeeOther {
			t.Fatalf("accept: %d", p.status)
		}
		if n := civicCount(s, "SELECT COUNT(*) FROM civic_application_events WHERE application_id = $1 AND by_staff IS NOT NULL", appID); n != 2 {
			t.Errorf("%d steps logged with who did them, want 2", n)
		}
	})
}

func civicSMS(s *site, phone, contains string) string {
	for _, m := range s.outbox.SMSSent() {
		if m.To == phone && strings.Contains(m.Body, contains) {
			return m.Body
		}
	}
	return ""
}

// The demo approval's two posts are used: a manager's contract for a third
// accepted applicant over the same months is refused next to the approval
// field, the law's limits next to theirs; the contract's page shows the
// indemnity, its obligations and the certificate; the home page counts late
// obligations.
func TestCivicContract(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		manager := s.signIn("manager.lille@tremplin.example")
		var appID, approval, tutor, contract string
		ctx := context.Background()
		s.app.DB.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM civic_applications WHERE first_name = 'Yonas'").Scan(&appID)
		s.app.DB.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM civic_approvals").Scan(&approval)
		s.app.DB.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM staff WHERE email = 'karim.lille@tremplin.example'").Scan(&tutor)
		s.app.DB.QueryRowContext(ctx, "SELECT CAST(MIN(id) AS TEXT) FROM civic_contracts").Scan(&contract)
		if p := manager.post("/civic/applications/"+appID+"/state", url.Values{"state": {"accepted"}}); p.status != http.StatusSeeOther {
			t.Fatalf("accept: %d", p.status)
		}
		if p := manager.get("/civic/applications/" + appID + "/contract"); p.status != http.StatusOK || !strings.Contains(p.body, "504,98") {
			t.Fatalf("contract form: %d, indemnity shown: %v", p.status, strings.Contains(p.body, "504,98"))
		}
		start := time.Now().AddDate(0, 0, 1)
		form := url.Values{"approval": {approval}, "tutor": {tutor}, "starts_on": {start.Format(time.DateOnly)},
			"ends_on": {start.AddDate(0, 5, 0).Format(time.DateOnly)}, "weekly_hours": {"50"}, "days_per_week": {"7"}, "social_topup": {"no"}}
		p := manager.post("/civic/applications/"+appID+"/contract", form)
		errs := errorsOf(p.body)
		if p.status != http.StatusUnprocessableEntity || errs["ends_on"] == "" || errs["weekly_hours"] == "" || errs["days_per_week"] == "" {
			t.Fatalf("limits: %d %v", p.status, errs)
		}
		if valueOf(p.body, "weekly_hours") != "50" {
			t.Error("what was typed is lost")
		}
		form.Set("ends_on", start.AddDate(0, 8, -1).Format(time.DateOnly))
		form.Set("weekly_hours", "24")
		form.Set("days_per_week", "4")
		p = manager.post("/civic/applications/"+appID+"/contract", form)
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(errorsOf(p.body)["approval"]), "postes") {
			t.Fatalf("a third contract on a two-post approval: %d %v", p.status, errorsOf(p.body))
		}
		// An adviser cannot make contracts.
		if p := s.signIn("karim.lille@tremplin.example").post("/civic/applications/"+appID+"/contract", form); p.status != http.StatusForbidden {
			t.Errorf("adviser creating a contract: %d", p.status)
		}
		// The running contract: indemnity, obligations, certificate.
		c := manager.get("/civic/contracts/" + contract)
		if c.status != http.StatusOK || !strings.Contains(c.body, "504,98") || !strings.Contains(c.body, "Formation civique") {
			t.Fatalf("contract page: %d", c.status)
		}
		pdf := manager.get("/civic/contracts/" + contract + "/certificate.pdf")
		if pdf.status != http.StatusOK || !strings.HasPrefix(pdf.body, "%PDF") {
			t.Fatalf("certificate: %d %.20q", pdf.status, pdf.body)
		}
		// Two months in, the first tutor meetings are late: the home page counts them.
		late := civicCount(s, "SELECT COUNT(*) FROM civic_obligations WHERE done_on = '' AND due_on < $1", time.Now().Format(time.DateOnly))
		if late == 0 {
			t.Fatal("the demo has no late obligation")
		}
		home := manager.get("/")
		if !strings.Contains(home.body, `href="/civic/obligations"`) {
			t.Error("the home page has no civic-service item")
		}
		due := manager.get("/civic/obligations")
		if due.status != http.StatusOK || !strings.Contains(due.body, "Boulanger") {
			t.Fatalf("due page: %d", due.status)
		}
		if p := s.signIn("manager.bordeaux@tremplin.example").get("/civic/obligations"); strings.Contains(p.body, "Boulanger") {
			t.Error("Bordeaux sees Lille's obligations")
		}
		for _, path := range []string{"/civic/contracts/" + contract, "/civic/contracts/" + contract + "/certificate.pdf", "/civic/approvals/" + approval + "/edit"} {
			if p := s.signIn("manager.bordeaux@tremplin.example").get(path); p.status != http.StatusNotFound {
				t.Errorf("Bordeaux GET %s: %d", path, p.status)
			}
		}
		var obligation string
		s.app.DB.QueryRowContext(ctx, "SELECT CAST(MIN(id) AS TEXT) FROM civic_obligations WHERE done_on = '' AND due_on < $1", time.Now().Format(time.DateOnly)).Scan(&obligation)
		if p := manager.post("/civic/obligations/"+obligation+"/done", url.Values{"on": {time.Now().Format(time.DateOnly)}}); p.status != http.StatusSeeOther {
			t.Fatalf("mark done: %d", p.status)
		}
		if n := civicCount(s, "SELECT COUNT(*) FROM civic_obligations WHERE done_on = '' AND due_on < $1", time.Now().Format(time.DateOnly)); n != late-1 {
			t.Errorf("late after one done: %d, want %d", n, late-1)
		}
	})
}

// Every civic-service page opens for Lille's manager and stays light, the public
// ones in each language; managers create approvals and offers with clear
// messages for what is wrong.
func TestCivicPages(t *testing.T) {
	s := newSite(t, db.SQLite)
	ctx := context.Background()
	var approval, offer, app, contract string
	s.app.DB.QueryRowContext(ctx, "SELECT CAST(MIN(id) AS TEXT) FROM civic_approvals").Scan(&approval)
	offer, _ = s.civicOffer()
	s.app.DB.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM civic_applications WHERE first_name = 'Yonas'").Scan(&app)
	s.app.DB.QueryRowContext(ctx, "SELECT CAST(MIN(id) AS TEXT) FROM civic_contracts").Scan(&contract)
	m := s.signIn("manager.lille@tremplin.example")
	if p := m.post("/civic/applications/"+app+"/state", url.Values{"state": {"accepted"}}); p.status != http.StatusSeeOther {
		t.Fatalf("accept: %d", p.status)
	}
	for _, path := range []string{"/civic", "/civic/approvals/new", "/civic/approvals/" + approval + "/edit", "/civic/offers/new",
		"/civic/offers/" + offer, "/civic/offers/" + offer + "/edit", "/civic/applications/" + app, "/civic/applications/" + app + "/contract",
		"/civic/contracts/" + contract, "/civic/obligations"} {
		p := m.get(path)
		if p.status != http.StatusOK {
			t.Errorf("GET %s: %d", path, p.status)
		}
		if len(p.body) > 30<<10 {
			t.Errorf("GET %s: %d bytes", path, len(p.body))
		}
	}
	for _, lang := range []string{"fr", "en", "ar"} {
		v := s.browser()
		for _, path := range []string{"/service-civique?lang=" + lang, "/service-civique/" + offer + "?lang=" + lang} {
			if p := v.get(path); p.status != http.StatusOK || !strings.Contains(p.body, `lang="`+lang+`"`) {
				t.Errorf("GET %s: %d", path, p.status)
			}
		}
	}
	// A draft offer is not public.
	var draft string
	s.app.DB.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM civic_offers WHERE state <> 'published'").Scan(&draft)
	if p := s.browser().get("/service-civique/" + draft); p.status != http.StatusNotFound {
		t.Errorf("a closed offer on the public site: %d", p.status)
	}
	lille := s.antennaID("Lille")
	p := m.post("/civic/offers", url.Values{"antenna": {lille}, "title": {"Atelier"}, "description": {"x"}, "domain": {"sport"},
		"starts_on": {"2027-09-01"}, "months": {"13"}, "places": {"1"}, "remote": {"no"}, "state": {"published"}, "minors": {"no"}, "step_free": {"yes"}})
	if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["months"] == "" || valueOf(p.body, "title") != "Atelier" {
		t.Fatalf("a 13-month offer: %d %v", p.status, errorsOf(p.body))
	}
	p = m.post("/civic/offers", url.Values{"antenna": {s.antennaID("Bordeaux")}, "title": {"Atelier"}, "description": {"x"}, "domain": {"sport"},
		"starts_on": {"2027-09-01"}, "months": {"6"}, "places": {"1"}, "remote": {"no"}, "state": {"published"}})
	if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["antenna"] == "" {
		t.Fatalf("an offer in another antenna: %d", p.status)
	}
	p = m.post("/civic/approvals", url.Values{"number": {"X-1"}, "valid_from": {"2027-01-01"}, "valid_to": {"2026-01-01"}, "posts": {"2"},
		"antenna": {s.antennaID("Bordeaux")}})
	if errs := errorsOf(p.body); p.status != http.StatusUnprocessableEntity || errs["valid_to"] == "" || errs["antenna"] == "" {
		t.Fatalf("a bad approval: %d %v", p.status, errs)
	}
	p = m.post("/civic/approvals", url.Values{"number": {"X-1"}, "valid_from": {"2027-01-01"}, "valid_to": {"2029-12-31"}, "posts": {"3"}, "antenna": {lille}})
	if p.status != http.StatusSeeOther || civicCount(s, "SELECT COUNT(*) FROM civic_approvals WHERE number = 'X-1' AND posts = 3") != 1 {
		t.Fatalf("approval: %d", p.status)
	}
}

// An address sending more applications in an hour than the limit is asked to
// wait, with what was typed kept; nothing more is stored.
func TestCivicApplyLimit(t *testing.T) {
	s := newSite(t, db.SQLite)
	s.app.Civic.ApplyLimit = 2
	id, start := s.civicOffer()
	v := s.browser()
	before := civicCount(s, "SELECT COUNT(*) FROM civic_applications")
	for i, phone := range []string{"0611000001", "0611000002", "0611000003"} {
		p := v.post("/service-civique/"+id, url.Values{"first_name": {"Tom"}, "last_name": {"Petit"}, "phone": {phone}, "disability": {"no"},
			"birth_date": {start.AddDate(-19, 0, 0).Format(time.DateOnly)}})
		if i < 2 && p.status != http.StatusSeeOther {
			t.Fatalf("application %d: %d %v", i+1, p.status, errorsOf(p.body))
		}
		if i == 2 && (p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["first_name"] == "" || valueOf(p.body, "phone") != phone) {
			t.Fatalf("the third within the hour: %d %v", p.status, errorsOf(p.body))
		}
	}
	if n := civicCount(s, "SELECT COUNT(*) FROM civic_applications"); n != before+2 {
		t.Errorf("%d stored, want %d", n-before, 2)
	}
}

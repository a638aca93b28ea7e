package app_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tremplin/internal/demo"
	"tremplin/internal/platform/db"
)

var companyLink = regexp.MustCompile(`/company/login/[A-Za-z0-9]+(\?next=[^\s]+)?`)

// recruiterSignIn asks the company space for a link for email, as a visitor
// would, and signs in with the emailed link; nil when no email came.
func (s *site) recruiterSignIn(email string) *browser {
	s.t.Helper()
	b := s.browser()
	sent := len(s.outbox.Sent())
	if p := b.post("/company/login", url.Values{"email": {email}}); p.status != http.StatusOK {
		s.t.Fatalf("asking a link: %d %v", p.status, errorsOf(p.body))
	}
	var link string
	for _, m := range s.outbox.Sent()[sent:] {
		if m.To == email {
			link = companyLink.FindString(m.Body)
		}
	}
	if link == "" {
		return nil
	}
	if p := b.get(link); p.status != http.StatusOK || !strings.Contains(p.body, `action="`+link+`"`) {
		s.t.Fatalf("the link's page: %d", p.status)
	}
	if p := b.post(link, url.Values{}); p.status != http.StatusSeeOther || p.header.Get("Location") != "/company" {
		s.t.Fatalf("signing in: %d %q", p.status, p.header.Get("Location"))
	}
	return b
}

func offerForm(title, rome, town, starts string) url.Values {
	return url.Values{"title": {title}, "rome": {rome}, "contract": {"CDI"}, "hours": {"35"}, "town": {town},
		"positions": {"1"}, "starts_on": {starts}, "experience": {"beginner"}, "description": {"Une équipe accueillante."}}
}

// A recruiter signs in by the emailed link, sees their company's offers and
// never another's, posts one (bad input answered next to the fields and
// kept), moves it through its states, each change in its log with who.
func TestRecruiterPostsOffersInTheCompanySpace(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		// An address nobody recruits with gets the same page and no email.
		if p := s.browser().post("/company/login", url.Values{"email": {"nobody@example.org"}}); p.status != http.StatusOK {
			t.Fatalf("unknown email: %d", p.status)
		}
		if len(s.mailsTo("nobody@example.org")) != 0 {
			t.Error("an email went to an address that is no recruiter's")
		}
		b := s.recruiterSignIn(demo.DemoRecruiter)
		if b == nil {
			t.Fatal("no sign-in link for the demo recruiter")
		}
		home := b.get("/company")
		body := html.UnescapeString(home.body)
		if home.status != http.StatusOK || !strings.Contains(body, "Développeur·se web junior") || strings.Contains(body, "Intégrateur·rice web") {
			t.Fatalf("the company's offers: %d, want its own only", home.status)
		}
		// Another company's offer is the 404 page, to read and to change.
		other := s.id("SELECT o.id FROM job_offers o JOIN donors d ON d.id = o.donor_id WHERE d.org_name = 'Tech Avenir SAS'")
		for _, p := range []page{b.get("/company/jobs/" + other), b.get("/company/jobs/" + other + "/edit"),
			b.post("/company/jobs/"+other, offerForm("x", "M1805", "59000 Lille", "2099-01-01")),
			b.post("/company/jobs/"+other+"/state", url.Values{"state": {"closed"}})} {
			if p.status != http.StatusNotFound || strings.Contains(html.UnescapeString(p.body), "Intégrateur") {
				t.Errorf("another company's offer: %d, want 404", p.status)
			}
		}
		if s.count("SELECT COUNT(*) FROM job_offers WHERE id = "+other+" AND state = 'open' AND title = 'Intégrateur·rice web'") != 1 {
			t.Error("another company's offer changed")
		}
		// Bad input: a message next to each field, what was typed kept.
		yesterday := morning().AddDate(0, 0, -1).Format(time.DateOnly)
		bad := offerForm("Développeur·se back-end", "Z9999", "Lilleville-sur-Rien", yesterday)
		bad.Set("hours", "60")
		bad.Set("positions", "0")
		p := b.post("/company/jobs", bad)
		errs := errorsOf(p.body)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad offer: %d", p.status)
		}
		for field, want := range map[string]string{"rome": "code ROME", "hours": "entre 1 et 48", "town": "cette commune",
			"positions": "1 au moins", "starts_on": "est passée"} {
			if !strings.Contains(errs[field], want) {
				t.Errorf("%s: %q, want %q", field, errs[field], want)
			}
		}
		if valueOf(p.body, "title") != "Développeur·se back-end" || valueOf(p.body, "town") != "Lilleville-sur-Rien" || valueOf(p.body, "hours") != "60" {
			t.Error("what was typed is not kept")
		}
		// A fixed-term contract says its length: it decides whether a hire is a
		// lasting job.
		cdd := offerForm("Développeur·se back-end", "M1805", "59000 Lille", morning().AddDate(0, 1, 0).Format(time.DateOnly))
		cdd.Set("contract", "CDD")
		if p := b.post("/company/jobs", cdd); !strings.Contains(errorsOf(p.body)["contract_months"], "durée du contrat") {
			t.Errorf("a CDD without its length: %d %v", p.status, errorsOf(p.body))
		}
		cdd.Set("contract_months", "douze")
		if p := b.post("/company/jobs", cdd); !strings.Contains(errorsOf(p.body)["contract_months"], "de 1 à 36") || valueOf(p.body, "contract_months") != "douze" {
			t.Errorf("a CDD of 'douze' months: %v", errorsOf(p.body))
		}
		// A digital competence asked for needs its level, and a level its
		// competence.
		skills := offerForm("Développeur·se back-end", "M1805", "59000 Lille", morning().AddDate(0, 1, 0).Format(time.DateOnly))
		skills.Set("skill_1", "3.4")
		skills.Set("level_2", "4")
		if p := b.post("/company/jobs", skills); errorsOf(p.body)["level_1"] == "" || errorsOf(p.body)["skill_2"] == "" ||
			!strings.Contains(p.body, `<option value="3.4" selected>`) {
			t.Errorf("a competence without its level, a level without its competence: %v", errorsOf(p.body))
		}
		// A name several communes share asks for the postcode.
		amb := offerForm("Développeur·se back-end", "M1805", "Saint-Denis", morning().AddDate(0, 1, 0).Format(time.DateOnly))
		if p := b.post("/company/jobs", amb); !strings.Contains(errorsOf(p.body)["town"], "code postal") {
			t.Errorf("an ambiguous town: %q", errorsOf(p.body)["town"])
		}
		// In Arabic, the messages are Arabic.
		if p := b.post("/company/jobs?lang=ar", bad); !strings.Contains(errorsOf(p.body)["hours"], "48") || !strings.Contains(errorsOf(p.body)["hours"], "ساعات") {
			t.Errorf("the Arabic message: %q", errorsOf(p.body)["hours"])
		}
		b.post("/lang", url.Values{"lang": {"fr"}, "next": {"/company"}})
		good := offerForm("Développeur·se back-end", "M1805 Études et développement informatique", "59000 Lille",
			morning().AddDate(0, 1, 0).Format(time.DateOnly))
		// Sent twice (a double tap), the form posts one offer.
		good.Set("once", valueOf(b.get("/company/jobs/new").body, "once"))
		before := s.count("SELECT COUNT(*) FROM job_offers")
		p = b.post("/company/jobs", good)
		loc := p.header.Get("Location")
		if again := b.post("/company/jobs", good); again.header.Get("Location") != loc || s.count("SELECT COUNT(*) FROM job_offers") != before+1 {
			t.Errorf("the form sent twice: %d offers more, sent to %q", s.count("SELECT COUNT(*) FROM job_offers")-before, again.header.Get("Location"))
		}
		good.Del("once")
		if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/company/jobs/") {
			t.Fatalf("posting: %d %v", p.status, errorsOf(p.body))
		}
		id := strings.TrimPrefix(loc, "/company/jobs/")
		if s.count("SELECT COUNT(*) FROM job_offers WHERE id = "+id+" AND rome_code = 'M1805' AND insee_code = '59350' AND state = 'open'") != 1 {
			t.Error("the offer is not stored with its ROME and INSEE codes")
		}
		// Its states: paused, open again, filled; an unknown move is refused.
		for _, st := range []string{"paused", "open", "filled"} {
			if p := b.post(loc+"/state", url.Values{"state": {st}}); p.status != http.StatusSeeOther {
				t.Fatalf("to %s: %d", st, p.status)
			}
		}
		if p := b.post(loc+"/state", url.Values{"state": {"paused"}}); p.status != http.StatusConflict {
			t.Errorf("a filled offer paused: %d, want 409", p.status)
		}
		b.post(loc+"/state", url.Values{"state": {"closed"}})
		if p := b.post(loc, good); p.status != http.StatusNotFound {
			t.Errorf("a closed offer changed: %d", p.status)
		}
		page := html.UnescapeString(b.get(loc).body)
		for _, want := range []string{"Offre publiée", "Offre mise en pause", "Offre ouverte", "Offre pourvue", "Offre fermée", "Sofiane Benaïssa"} {
			if !strings.Contains(page, want) {
				t.Errorf("the log does not say %q", want)
			}
		}
		if n := s.count("SELECT COUNT(*) FROM job_offer_events e JOIN recruiters r ON r.id = e.recruiter_id WHERE e.offer_id = " + id); n != 5 {
			t.Errorf("%d events by the recruiter, want 5", n)
		}
	})
}

// Staff who follow a company post an offer for it and give its contacts
// access; taking the access back closes the space at once; another antenna's
// manager finds neither the company nor its offers.
func TestStaffPostOffersAndGiveAccess(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		lille := s.signIn("manager.lille@tremplin.example")
		company := s.id("SELECT id FROM donors WHERE org_name = 'Numérique Solidaire SAS'")
		page := lille.get("/companies/" + company + "/recruitment")
		if page.status != http.StatusOK || !strings.Contains(html.UnescapeString(page.body), "Claire Petit") {
			t.Fatalf("the company's recruitment page: %d", page.status)
		}
		claire := s.id("SELECT id FROM donor_contacts WHERE name = 'Claire Petit'")
		sent := len(s.outbox.Sent())
		if p := lille.post("/companies/"+company+"/recruiters/"+claire+"/grant", url.Values{}); p.status != http.StatusSeeOther {
			t.Fatalf("giving access: %d", p.status)
		}
		var invite string
		for _, m := range s.outbox.Sent()[sent:] {
			if m.To == "mecenat@numerique-solidaire.example" {
				invite = companyLink.FindString(m.Body)
			}
		}
		if invite == "" {
			t.Fatal("no invitation with a link")
		}
		claireB := s.browser()
		if p := claireB.post(invite, url.Values{}); p.status != http.StatusSeeOther {
			t.Fatalf("the invitation's link: %d", p.status)
		}
		if p := claireB.get("/company"); p.status != http.StatusOK {
			t.Fatalf("Claire's space: %d", p.status)
		}
		// Staff post for the company, from the staff side.
		f := offerForm("Assistant·e administratif·ve", "M1602", "Roubaix", morning().AddDate(0, 0, 10).Format(time.DateOnly))
		f.Set("company", company)
		p := lille.post("/jobs", f)
		if p.status != http.StatusSeeOther {
			t.Fatalf("staff posting: %d %v", p.status, errorsOf(p.body))
		}
		loc := p.header.Get("Location")
		if !strings.Contains(html.UnescapeString(claireB.get("/company").body), "Assistant·e administratif·ve") {
			t.Error("the recruiter does not see the offer staff posted for the company")
		}
		if !strings.Contains(html.UnescapeString(lille.get(loc).body), "Sophie Marchand") {
			t.Error("the log does not name the staff member")
		}
		// The list: filtered by state, company, ROME; Paris's company is not Lille's.
		list := html.UnescapeString(lille.get("/jobs?rome=M1602").body)
		if !strings.Contains(list, "Assistant·e administratif·ve") || strings.Contains(list, "Développeur·se web junior") {
			t.Error("the list filtered by ROME code")
		}
		if list := html.UnescapeString(lille.get("/jobs?state=filled").body); !strings.Contains(list, "Technicien·ne support") || strings.Contains(list, "Assistant·e") {
			t.Error("the list filtered by state")
		}
		if list := html.UnescapeString(lille.get("/jobs").body); strings.Contains(list, "Intégrateur·rice web") {
			t.Error("a Lille manager sees a Paris company's offer")
		}
		admin := html.UnescapeString(s.signIn("admin@tremplin.example").get("/jobs").body)
		if !strings.Contains(admin, "Intégrateur·rice web") || !strings.Contains(admin, "Assistant·e") {
			t.Error("the national admin does not see every offer")
		}
		// A staff member may not post for a company they do not follow.
		paris := s.id("SELECT id FROM donors WHERE org_name = 'Tech Avenir SAS'")
		f.Set("company", paris)
		if p := lille.post("/jobs", f); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["company"] == "" {
			t.Errorf("posting for another antenna's company: %d", p.status)
		}
		bordeaux := s.signIn("manager.bordeaux@tremplin.example")
		for _, path := range []string{loc, loc + "/edit", "/companies/" + company + "/recruitment"} {
			if p := bordeaux.get(path); p.status != http.StatusNotFound {
				t.Errorf("Bordeaux GET %s: %d, want 404", path, p.status)
			}
		}
		// Taking the access back closes the space on the next page.
		if p := lille.post("/companies/"+company+"/recruiters/"+claire+"/revoke", url.Values{}); p.status != http.StatusSeeOther {
			t.Fatalf("taking the access back: %d", p.status)
		}
		if p := claireB.get("/company"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/company/login") {
			t.Errorf("after the access is taken back: %d %s", p.status, p.header.Get("Location"))
		}
		if s.recruiterSignIn("mecenat@numerique-solidaire.example") != nil {
			t.Error("a link went to a contact without access")
		}
	})
}

// The company space's pages, with their stylesheet, weigh at most 30 KB on the
// wire, in French and in Arabic (the offer form carries the ROME's 532 jobs for
// the browser to suggest).
func TestCompanyPagesAreLight(t *testing.T) {
	s := newSite(t, db.SQLite)
	b := s.recruiterSignIn(demo.DemoRecruiter)
	if b == nil {
		t.Fatal("no link for the recruiter")
	}
	own := s.id(`SELECT MAX(o.id) FROM job_offers o JOIN donors d ON d.id = o.donor_id WHERE d.org_name = 'Numérique Solidaire SAS'`)
	for _, lang := range []string{"fr", "ar"} {
		b.post("/lang", url.Values{"lang": {lang}, "next": {"/company"}})
		for _, path := range []string{"/company/login", "/company", "/company/jobs/new", "/company/jobs/" + own, "/company/jobs/" + own + "/edit"} {
			who := b
			if path == "/company/login" {
				who = s.browser()
				who.post("/lang", url.Values{"lang": {lang}, "next": {path}})
			}
			n, h, body := rawGet(t, s, who, path)
			if h.Get("Content-Encoding") != "gzip" {
				t.Errorf("%s is not compressed", path)
			}
			m := stylesheet.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("%s: no hashed stylesheet", path)
			}
			css, _, _ := rawGet(t, s, b, m[1])
			if total := n + css; total > 30*1024 {
				t.Errorf("%s (%s) weighs %d bytes with its stylesheet, over 30 KB", path, lang, total)
			} else {
				t.Logf("%s (%s): %d B html + %d B css = %d B (compressed; %d B html uncompressed)", path, lang, n, css, n+css, len(body))
			}
		}
	}
}

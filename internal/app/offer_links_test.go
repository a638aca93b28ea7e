package app_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tremplin/internal/demo"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

var offerLinkPath = regexp.MustCompile(`/e/([a-z0-9]+)\?lang=([a-z]+)`)

// jobLinkPerson adds a person of Lille living in Lille, with a phone and a
// language of their own, who agreed to show a profile to recruiters when
// consent is true.
func (s *site) jobLinkPerson(m *browser, first, phone, lang string, consent bool) string {
	s.t.Helper()
	l := s.learner("Lille", first, "Envoi")
	s.contactOf(l, phone, "", lang)
	if _, err := s.app.DB.ExecContext(context.Background(), "UPDATE learners SET postcode = '59000', town = 'Lille' WHERE id = $1", l); err != nil {
		s.t.Fatal(err)
	}
	lid := strconv.FormatInt(l, 10)
	if consent {
		if p := m.post("/learners/"+lid+"/profile/consent", url.Values{"level": {"profile"}, "action": {"given"}, "how_profile": {"in_person"}}); p.status != http.StatusSeeOther {
			s.t.Fatalf("consent: %d %v", p.status, errorsOf(p.body))
		}
	}
	return lid
}

// sendOffer sends the offer to the person from their file and returns the
// link of the message queued for them ("" when none was).
func (s *site) sendOffer(m *browser, lid, offer string) string {
	s.t.Helper()
	if p := m.post("/learners/"+lid+"/job-offers", url.Values{"offer": {offer}}); p.status != http.StatusSeeOther {
		s.t.Fatalf("sending the offer: %d %v", p.status, errorsOf(p.body))
	}
	body := s.text("SELECT COALESCE(MAX(body), '') FROM messages WHERE ref_kind = 'job_offer' AND ref_id = $1 AND learner_id = $2", offer, lid)
	return offerLinkPath.FindString(body)
}

// An adviser sends a person an offer they fit, from their file: one SMS in
// the person's language with a link (sending again sends nothing). The
// person, without an account, reads the offer in Arabic (rtl) and taps "I want
// to apply": one application, from them, which the company sees and the
// adviser is told of; a second tap changes nothing. Staff see it came at the
// person's request. Unknown links are the 404 page.
func TestAPersonAppliesFromAnOfferSentToThem(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		fr, ar := i18n.For("fr"), i18n.For("ar")
		m := s.signIn("manager.lille@tremplin.example")
		lid := s.jobLinkPerson(m, "Salma", "+33644444401", "ar", true)
		offer := s.postLilleOffer("Vendeur·se en épicerie solidaire", "D1106")
		file := m.get("/learners/" + lid).body
		if !strings.Contains(file, `action="/learners/`+lid+`/job-offers"`) || !strings.Contains(html.UnescapeString(file), fr.T("jobs.sent.send")) {
			t.Fatalf("the file has no button to send the offer:\n%s", file)
		}
		link := s.sendOffer(m, lid, offer)
		if link == "" || !strings.HasSuffix(link, "?lang=ar") {
			t.Fatalf("the SMS has no link in Arabic: %q", link)
		}
		msg := s.text("SELECT channel || ' ' || lang || ' ' || recipient FROM messages WHERE ref_kind = 'job_offer' AND learner_id = $1", lid)
		if msg != "sms ar +33644444401" {
			t.Errorf("the message is %q, want an SMS in Arabic to the person", msg)
		}
		if body := s.text("SELECT body FROM messages WHERE ref_kind = 'job_offer' AND learner_id = $1", lid); !strings.Contains(body, "se en épicerie solidaire") ||
			!strings.Contains(body, "مرحبًا") {
			t.Errorf("the SMS does not name the offer in Arabic: %q", body)
		}
		// It expires within 30 days, with its link.
		exp := db.ParseTime(s.text("SELECT expires_at FROM reply_links WHERE ref_kind = 'job_offer' AND learner_id = $1", lid))
		if d := exp.Sub(morning()); d <= 0 || d > 30*24*time.Hour {
			t.Errorf("the link expires %v after it was sent", d)
		}
		// Sending again sends nothing and says so.
		if again := s.sendOffer(m, lid, offer); s.count("SELECT COUNT(*) FROM messages WHERE ref_kind = 'job_offer' AND learner_id = $1", lid) != 1 || again != link {
			t.Error("sending the offer again queued another message")
		}
		file = html.UnescapeString(m.get("/learners/" + lid).body)
		if strings.Contains(file, `/job-offers"`) || !strings.Contains(file, fr.T("jobs.sent.sent_on", "date", web.FormatDate(fr, morning()))) {
			t.Errorf("the file still offers to send, or does not say the offer was sent:\n%s", file)
		}

		// The person's page, no account, in Arabic.
		person := s.browser()
		page := person.get(link)
		body := html.UnescapeString(page.body)
		if page.status != http.StatusOK || !strings.Contains(body, `dir="rtl"`) || !strings.Contains(body, ar.T("jobs.sent.apply")) ||
			!strings.Contains(body, ar.T("jobs.sent.not_interested")) || !strings.Contains(body, "Vendeur·se en épicerie solidaire") ||
			!strings.Contains(body, "Numérique Solidaire SAS") || !strings.Contains(body, "Une équipe accueillante.") {
			t.Fatalf("the offer's page: %d\n%s", page.status, body)
		}
		if page.header.Get("Cache-Control") != "no-store" {
			t.Error("the page may be kept in a cache")
		}
		if p := s.browser().get("/e/aaaaaaaaaaaa"); p.status != http.StatusNotFound {
			t.Errorf("an unknown link: %d", p.status)
		}
		path, _, _ := strings.Cut(link, "?")
		for range 2 {
			if p := person.post(path+"?lang=ar", url.Values{"answer": {"apply"}}); p.status != http.StatusSeeOther {
				t.Fatalf("apply: %d", p.status)
			}
		}
		if n := s.count("SELECT COUNT(*) FROM job_applications WHERE offer_id = $1 AND learner_id = $2", offer, lid); n != 1 {
			t.Fatalf("%d applications after two taps, want 1", n)
		}
		app := s.id("SELECT id FROM job_applications WHERE offer_id = $1 AND learner_id = $2 AND state = 'new' AND source = 'person' AND proposed_by IS NULL", offer, lid)
		if body := html.UnescapeString(person.get(link).body); !strings.Contains(body, ar.T("jobs.sent.applied", "company", "Numérique Solidaire SAS")) ||
			strings.Contains(body, ar.T("jobs.sent.apply")) {
			t.Errorf("the page after applying:\n%s", body)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE ref_kind = 'job_application' AND ref_id = $1 AND recipient = 'manager.lille@tremplin.example'", app); n != 1 {
			t.Errorf("%d messages to the adviser who sent the link, want 1", n)
		}
		if body := s.text("SELECT body FROM messages WHERE ref_kind = 'job_application' AND ref_id = $1 AND learner_id = $2", app, lid); !strings.Contains(body, "مرحبًا") {
			t.Errorf("the person is not told in Arabic: %q", body)
		}
		// The company sees it; staff see it came from the person.
		rc := s.recruiterSignIn(demo.DemoRecruiter)
		if p := rc.get("/company/jobs/" + offer + "/applications/" + app); p.status != http.StatusOK ||
			!strings.Contains(html.UnescapeString(p.body), fr.T("jobs.sent.by_person")) {
			t.Errorf("the company's page of the application: %d", p.status)
		}
		for _, p := range []string{"/learners/" + lid, "/jobs/" + offer} {
			if body := html.UnescapeString(m.get(p).body); !strings.Contains(body, "("+fr.T("jobs.sent.from_person")+")") {
				t.Errorf("%s does not say the application came at the person's request", p)
			}
		}
	})
}

// Without consent to show a profile, "I want to apply" makes no application:
// the page says the adviser will call, and the adviser is told. "Not
// interested" is recorded and told to the adviser; a later tap changes
// nothing. A closed offer's link, or an expired one, says the offer is no
// longer open. A person who turned messages off is sent nothing.
func TestOfferLinksWithoutConsentDeclinedExpiredOrMessagesOff(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		m := s.signIn("manager.lille@tremplin.example")
		offer := s.postLilleOffer("Employé·e libre-service", "D1106")
		toAdviser := func() int {
			return s.count(`SELECT COUNT(*) FROM messages WHERE ref_kind = 'job_offer' AND ref_id = $1 AND recipient = 'manager.lille@tremplin.example'`, offer)
		}

		// No consent.
		noConsent := s.jobLinkPerson(m, "Nour", "+33644444402", "fr", false)
		link := s.sendOffer(m, noConsent, offer)
		if link == "" {
			t.Fatal("no link sent to a person without consent")
		}
		b := s.browser()
		path, _, _ := strings.Cut(link, "?")
		if p := b.post(path+"?lang=fr", url.Values{"answer": {"apply"}}); p.status != http.StatusSeeOther {
			t.Fatalf("apply: %d", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM job_applications WHERE offer_id = $1 AND learner_id = $2", offer, noConsent); n != 0 {
			t.Errorf("%d applications without consent", n)
		}
		if body := html.UnescapeString(b.get(link).body); !strings.Contains(body, fr.T("jobs.sent.no_consent")) {
			t.Errorf("the page without consent:\n%s", body)
		}
		if body := s.text(`SELECT body FROM messages WHERE ref_kind = 'job_offer' AND ref_id = $1 AND recipient = 'manager.lille@tremplin.example'`, offer); !strings.Contains(body, "Nour Envoi") ||
			!strings.Contains(body, "accord") {
			t.Errorf("the adviser is not told the person has no consent: %q", body)
		}

		// Not interested, then a tap on "apply": nothing more.
		declines := s.jobLinkPerson(m, "Yanis", "+33644444403", "en", true)
		link = s.sendOffer(m, declines, offer)
		path, _, _ = strings.Cut(link, "?")
		b = s.browser()
		b.post(path+"?lang=en", url.Values{"answer": {"not_interested"}})
		b.post(path+"?lang=en", url.Values{"answer": {"apply"}})
		if n := s.count("SELECT COUNT(*) FROM job_applications WHERE offer_id = $1 AND learner_id = $2", offer, declines); n != 0 {
			t.Errorf("an application after 'not interested'")
		}
		if a := s.text("SELECT answer FROM reply_links WHERE ref_kind = 'job_offer' AND learner_id = $1", declines); a != "not_interested" {
			t.Errorf("the answer recorded is %q", a)
		}
		if n := toAdviser(); n != 2 {
			t.Errorf("%d answers told to the adviser, want 2 (no consent, not interested)", n)
		}
		if body := html.UnescapeString(b.get(link).body); !strings.Contains(body, i18n.For("en").T("jobs.sent.declined")) {
			t.Errorf("the page after 'not interested':\n%s", body)
		}

		// Expired: a month and more later, the link says the offer is gone.
		late := s.jobLinkPerson(m, "Inès", "+33644444404", "fr", true)
		link = s.sendOffer(m, late, offer)
		later := s.later(31 * 24 * time.Hour)
		lb := later.browser()
		if p := lb.get(link); p.status != http.StatusOK || !strings.Contains(html.UnescapeString(p.body), fr.T("jobs.sent.gone")) ||
			strings.Contains(p.body, `value="apply"`) {
			t.Errorf("the expired link's page: %d\n%s", p.status, p.body)
		}
		path, _, _ = strings.Cut(link, "?")
		lb.post(path, url.Values{"answer": {"apply"}})
		if n := s.count("SELECT COUNT(*) FROM job_applications WHERE offer_id = $1 AND learner_id = $2", offer, late); n != 0 {
			t.Error("an expired link made an application")
		}
		// Still open today, until the offer is closed.
		if p := s.browser().get(link); !strings.Contains(p.body, `value="apply"`) {
			t.Error("the link does not work before it expires")
		}
		if p := s.signIn("manager.lille@tremplin.example").post("/jobs/"+offer+"/state", url.Values{"state": {"closed"}}); p.status != http.StatusSeeOther {
			t.Fatalf("closing the offer: %d", p.status)
		}
		if p := s.browser().get(link); !strings.Contains(html.UnescapeString(p.body), fr.T("jobs.sent.gone")) || strings.Contains(p.body, `value="apply"`) {
			t.Errorf("a closed offer's link:\n%s", p.body)
		}

		// Messages off: no button, and a post sends nothing.
		off := s.jobLinkPerson(m, "Léa", "+33644444405", "fr", true)
		if p := m.post("/learners/"+off+"/messages", url.Values{"messages": {"off"}}); p.status != http.StatusSeeOther {
			t.Fatalf("messages off: %d", p.status)
		}
		open := s.postLilleOffer("Caissier·ère", "D1106")
		if strings.Contains(m.get("/learners/"+off).body, `/job-offers"`) {
			t.Error("the file offers to send an offer to a person who wants no messages")
		}
		if l := s.sendOffer(m, off, open); l != "" || s.count("SELECT COUNT(*) FROM messages WHERE learner_id = $1 AND ref_kind = 'job_offer'", off) != 0 {
			t.Error("an offer was sent to a person who wants no messages")
		}
		if body := html.UnescapeString(m.get("/learners/" + off).body); !strings.Contains(body, fr.T("jobs.sent.error.messages_off")) {
			t.Error("the adviser is not told why the offer was not sent")
		}
		// The offer's page: a button to send it to the people who fit, not
		// to the one who wants no messages; sent, the button gives way to the date.
		page := m.get("/jobs/" + open).body
		if !strings.Contains(page, `<input type="hidden" name="person" value="`+late+`">`) || strings.Contains(page, `name="person" value="`+off+`"`) {
			t.Errorf("the offer's page: send buttons wrong (%s has one, %s none)", late, off)
		}
		if p := m.post("/jobs/"+open+"/links", url.Values{"person": {late}}); p.status != http.StatusSeeOther {
			t.Fatalf("sending from the offer's page: %d %v", p.status, errorsOf(p.body))
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE learner_id = $1 AND ref_kind = 'job_offer' AND ref_id = $2 AND channel = 'sms'", late, open); n != 1 {
			t.Errorf("%d SMS sent from the offer's page, want 1", n)
		}
		if page := m.get("/jobs/" + open).body; strings.Contains(page, `name="person" value="`+late+`"`) {
			t.Error("the offer's page offers to send it again")
		}
		if p := m.post("/jobs/"+open+"/links", url.Values{"person": {late}}); p.status != http.StatusUnprocessableEntity ||
			!strings.Contains(html.UnescapeString(p.body), fr.T("jobs.sent.error.already_sent")) {
			t.Errorf("sending twice from the offer's page: %d", p.status)
		}
	})
}

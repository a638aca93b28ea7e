package e2e

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tremplin/internal/demo"
	"tremplin/internal/platform/i18n"
)

var companyLink = regexp.MustCompile(`http://[^\s]+/company/login/[A-Za-z0-9]+`)

// A recruiter of a partner company, on a 360 px phone, signs in to the
// company space with the link emailed to them, posts a job offer (the wrong
// fields first, answered next to each field and kept), pauses it, and reads
// their space in Arabic too: every page light and without an axe violation.
func TestRecruiterPostsAnOffer(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	fr := i18n.For("fr")

	if status := b.visit("dead company link", "/company/login/NOSUCHTOKEN"); status != http.StatusGone || b.text("main h1") != fr.T("jobs.link.invalid_title") {
		t.Errorf("a dead link: HTTP %d, %q", status, b.text("main h1"))
	}
	b.visit("company sign-in", "/company/login")
	sent := len(b.outbox.Sent())
	b.fill([2]string{"email", demo.DemoRecruiter})
	b.load("link asked for", click(`main form[action="/company/login"] button[type=submit]`))
	var link string
	for _, m := range b.outbox.Sent()[sent:] {
		if m.To == demo.DemoRecruiter {
			link = companyLink.FindString(m.Body)
		}
	}
	if link == "" {
		t.Fatalf("no sign-in link was emailed to %s", demo.DemoRecruiter)
	}
	path := strings.TrimPrefix(link, b.origin)
	b.visit("emailed link", path)
	if status := b.load("recruiter signed in", click(`main form[action="`+path+`"] button[type=submit]`)); status != http.StatusOK || b.path() != "/company" {
		t.Fatalf("signing in with the link: HTTP %d on %s; page says %q", status, b.path(), b.text("main"))
	}
	if !strings.Contains(b.text("main"), "Développeur·se web junior") || strings.Contains(b.text("main"), "Intégrateur·rice web") {
		t.Errorf("the space shows other offers than the company's: %q", b.text("main"))
	}

	b.load("offer form", click(`main a.button[href="/company/jobs/new"]`))
	b.fill([2]string{"title", "Développeur·se front-end"}, [2]string{"rome", "M9999"}, [2]string{"hours", "50"},
		[2]string{"town", "Lilleville"}, [2]string{"positions", "2"})
	js[any](b, `document.getElementById('f-starts_on').value = '2020-01-06'`)
	if status := b.load("offer with mistakes", click(`main form[action="/company/jobs"] button[type=submit]`)); status != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong offer: HTTP %d", status)
	}
	for field, key := range map[string]string{"rome": "jobs.error.rome_unknown", "hours": "jobs.error.hours", "town": "jobs.error.town_unknown",
		"starts_on": "jobs.error.start_past"} {
		if got := b.text("#e-" + field); got != fr.T(key) {
			t.Errorf("%s: %q, want %q", field, got, fr.T(key))
		}
	}
	if v := js[string](b, `document.getElementById('f-title').value`); v != "Développeur·se front-end" {
		t.Errorf("the title typed is lost: %q", v)
	}
	b.fill([2]string{"rome", "M1805"}, [2]string{"hours", "35"}, [2]string{"town", "59000 Lille"},
		[2]string{"description", "Vous intégrez des maquettes accessibles."})
	start := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	js[any](b, `document.getElementById('f-starts_on').value = '`+start+`'`)
	b.choose("contract", "CDD")
	b.fill([2]string{"contract_months", "12"})
	if status := b.load("offer posted", click(`main form[action="/company/jobs"] button[type=submit]`)); status != http.StatusOK ||
		!strings.HasPrefix(b.path(), "/company/jobs/") {
		t.Fatalf("posting: HTTP %d on %s; page says %q", status, b.path(), b.text("main"))
	}
	offer := b.path()
	if b.text("main h1") != "Développeur·se front-end" || !strings.Contains(b.text("main .facts"), "59350") {
		t.Errorf("the offer's page: %q", b.text("main"))
	}
	b.load("offer paused", click(`main form[action="`+offer+`/state"] input[value=paused] + button`))
	if got := b.text("main .status"); got != fr.T("jobs.state.paused") {
		t.Errorf("after pausing: %q", got)
	}

	// The same space in Arabic, right to left.
	b.expectLang("ar", "rtl")
	b.chooseLanguage("ar")
	b.visit("offers (ar)", "/company")
	b.visit("offer (ar)", offer)
	b.visit("offer form (ar)", offer+"/edit")
	b.fill([2]string{"positions", "0"})
	if status := b.load("offer with a mistake (ar)", click(`main form[action="`+offer+`"] button[type=submit]`)); status != http.StatusUnprocessableEntity ||
		b.text("#e-positions") != i18n.For("ar").T("jobs.error.positions") {
		t.Errorf("a wrong number of positions in Arabic: HTTP %d, %q", status, b.text("#e-positions"))
	}
	b.load("signed out", click(`main form[action="/company/logout"] button`))

	// Lille's manager sees the offer among the company's, and gives the
	// company's other contact access (still in Arabic).
	b.visit("staff login (ar)", "/login")
	b.signIn("manager.lille@tremplin.example")
	b.visit("job offers (ar)", "/jobs?state=paused")
	b.load("staff offer page (ar)", click(`main .list a[href^="/jobs/"]`))
	b.load("company recruitment (ar)", click(`main a[href$="/recruitment"]`))
	b.load("access given (ar)", click(`main form[action$="/grant"] button`))
	if got := b.text("main .flash"); got != i18n.For("ar").T("jobs.access.granted") {
		t.Errorf("after giving access: %q", got)
	}
	b.visit("staff offer form (ar)", "/jobs/new")
}

// A recruiter, on a 360 px phone, opens a learner proposed for their
// company's offer, reads the profile and hires them with a start date; the
// adviser then finds the job on the learner's file and the hire in the
// applications' figures: every page without an axe violation.
func TestRecruiterHiresAProposedLearner(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	fr := i18n.For("fr")
	b.visit("company sign-in", "/company/login")
	sent := len(b.outbox.Sent())
	b.fill([2]string{"email", demo.DemoRecruiter})
	b.load("link asked for", click(`main form[action="/company/login"] button[type=submit]`))
	var link string
	for _, m := range b.outbox.Sent()[sent:] {
		if m.To == demo.DemoRecruiter {
			link = companyLink.FindString(m.Body)
		}
	}
	if link == "" {
		t.Fatalf("no sign-in link was emailed to %s", demo.DemoRecruiter)
	}
	path := strings.TrimPrefix(link, b.origin)
	b.visit("emailed link", path)
	b.load("recruiter signed in", click(`main form[action="`+path+`"] button[type=submit]`))
	// The application still waiting for an answer (the demo's postponed one).
	var app, learner, offerID int64
	if err := b.app.DB.QueryRowContext(b.ctx, `SELECT a.id, a.learner_id, a.offer_id FROM job_applications a JOIN job_offers o ON o.id = a.offer_id
		JOIN donors d ON d.id = o.donor_id WHERE d.org_name = 'Numérique Solidaire SAS' AND a.state = 'postponed' ORDER BY a.id LIMIT 1`).Scan(&app, &learner, &offerID); err != nil {
		t.Fatal(err)
	}
	offer := "/company/jobs/" + strconv.FormatInt(offerID, 10)
	b.load("open offer", click(`main .list a[href="`+offer+`"]`))
	base := offer + "/applications/" + strconv.FormatInt(app, 10)
	b.load("application", click(`main a[href="`+base+`"]`))
	b.load("profile", click(`main a[href="`+base+`/profile"]`))
	// The same pages in Arabic, right to left, and in English.
	b.expectLang("ar", "rtl")
	b.chooseLanguage("ar")
	b.visit("application (ar)", base)
	b.visit("profile (ar)", base+"/profile")
	b.expectLang("en", "ltr")
	b.chooseLanguage("en")
	b.visit("application (en)", base)
	b.expectLang("fr", "ltr")
	b.chooseLanguage("fr")
	b.visit("application again", base)
	start := time.Now().AddDate(0, 0, 14).Format(time.DateOnly)
	js[any](b, `document.getElementById('f-starts_on').value = '`+start+`'`)
	if status := b.load("hired", click(`main form input[value=accepted] ~ button[type=submit]`)); status != http.StatusOK || b.path() != base {
		t.Fatalf("hiring: HTTP %d on %s; %q", status, b.path(), b.text("main"))
	}
	if got := b.text("main p .status"); got != fr.T("jobs.app.state.accepted") {
		t.Errorf("after hiring: %q", got)
	}
	b.load("signed out", click(`main form[action="/company/logout"] button`))

	b.visit("staff login", "/login")
	b.signIn("admin@tremplin.example")
	b.visit("learner file", "/learners/"+strconv.FormatInt(learner, 10))
	if jobs := b.text("main"); !strings.Contains(jobs, "Numérique Solidaire SAS") || !strings.Contains(jobs, fr.T("jobs.app.state.accepted")) {
		t.Errorf("the file does not show the job: %q", jobs)
	}
	b.visit("applications' figures", "/jobs/figures")
}

// An adviser, on a 360 px phone, opens their antenna's open offer from the
// menu, sees the people who fit it and goes on to the matching page for it,
// then reads the figures of a period (a bad date answered next to its
// field), in French and in Arabic: every page without an axe violation.
func TestAdviserReadsTheirAntennasOffers(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	fr := i18n.For("fr")
	b.visit("staff login", "/login")
	b.signIn("karim.lille@tremplin.example")
	b.visit("job offers", "/jobs?state=open")
	b.load("open offer", click(`main .list a[href^="/jobs/"]`))
	offer := b.path()
	if main := b.text("main"); !strings.Contains(main, fr.T("jobs.fit.title")) || strings.Contains(main, fr.T("jobs.edit")) {
		t.Errorf("the adviser's offer page: %q", main)
	}
	b.load("matching for the offer", click(`main a[href^="/profiles/match?"]`))
	if !strings.Contains(b.text("main"), "Développeur·se web junior") {
		t.Errorf("the matching page does not name the offer: %q", b.text("main"))
	}
	if status := b.visit("figures with a bad date", "/jobs/figures?from=2026-13-45&to=2026-06-30"); status != http.StatusUnprocessableEntity ||
		b.text("#e-from") != fr.T("jobs.figures.error.date") {
		t.Errorf("a bad date: HTTP %d, %q", status, b.text("#e-from"))
	}
	b.expectLang("ar", "rtl")
	b.chooseLanguage("ar")
	b.visit("offer (ar)", offer)
	b.visit("figures (ar)", "/jobs/figures")
}

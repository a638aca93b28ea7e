package e2e

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tremplin/internal/platform/i18n"
)

// The partners' journey: a partner contact signs in with an emailed link, refers a
// group of three; an adviser enrols one of them; the partner, signed in again,
// sees "enrolled", and was told by email.

const partnerEmail = "contact@sos-migrants.example" // SOS personnes migrantes, Lille (demo)

var signInLink = regexp.MustCompile(`/partner/login/[A-Za-z0-9]+`)

// partnerSignsIn asks for a link on the partner sign-in page shown, then follows
// the emailed link and presses its button.
func partnerSignsIn(b *browser) {
	b.t.Helper()
	sent := len(b.outbox.Sent())
	b.fill([2]string{"email", partnerEmail})
	b.load("link asked for", click(`main form[action="/partner/login"] button[type=submit]`))
	var link string
	for _, m := range b.outbox.Sent()[sent:] {
		if m.To == partnerEmail {
			link = signInLink.FindString(m.Body)
		}
	}
	if link == "" {
		b.t.Fatalf("no sign-in link was emailed to %s", partnerEmail)
	}
	b.visit("emailed link", link)
	if status := b.load("partner signed in", click(`main form[action="`+link+`"] button[type=submit]`)); status != http.StatusOK || b.path() != "/partner" {
		b.t.Fatalf("signing in with the link: HTTP %d on %s; page says %q", status, b.path(), b.text("main"))
	}
}

func TestPartnerRefersAGroupAndSeesItEnrolled(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	fr := i18n.For("fr")
	lille, cohort := lilleCohort(b)

	b.visit("home", "/")
	// A used or expired link: a clear page that offers a new one.
	if status := b.visit("dead link", "/partner/login/NOSUCHTOKEN"); status != http.StatusGone || b.text("main h1") != fr.T("partner.link.invalid_title") {
		t.Errorf("a dead link: HTTP %d, %q", status, b.text("main h1"))
	}
	b.visit("partner sign-in", "/partner/login")
	partnerSignsIn(b)

	// A group of three.
	b.load("refer form", click(`main a[href="/partner/refer"]`))
	b.choose("people", "3")
	b.load("three people", click(`main button[name=resize]`))
	if got := js[string](b, `document.getElementById('f-antenna').value`); got != strconv.FormatInt(lille.ID, 10) {
		t.Errorf("the organisation's one antenna is not preselected: %q", got)
	}
	group := [][3]string{{"Samia", "Brahimi", "07 81 22 33 41"}, {"Omar", "Jalloh", "07 81 22 33 42"}, {"Lina", "Petit", "07 81 22 33 43"}}
	for i, p := range group {
		n := strconv.Itoa(i + 1)
		b.fill([2]string{"first_name_" + n, p[0]}, [2]string{"last_name_" + n, p[1]}, [2]string{"phone_" + n, p[2]},
			[2]string{"birth_year_" + n, "1993"}, [2]string{"where_" + n, "59000 Lille"})
		b.tick("consent_"+n, "yes")
	}
	if status := b.load("group referred", click(`main form[method="post"][action="/partner/refer"] button[type=submit]`)); status != http.StatusOK || b.path() != "/partner/refer" {
		t.Fatalf("referring: HTTP %d on %s; page says %q", status, b.path(), b.text("main"))
	}
	if got := b.text("main .flash"); got != fr.T("partner.refer.sent") {
		t.Errorf("after referring: %q, want %q", got, fr.T("partner.refer.sent"))
	}
	if v := js[string](b, `document.getElementById('f-first_name_1').value`); v != "" {
		t.Errorf("the form for the next person is not empty: %q", v)
	}
	b.load("signed out", click(`main form[action="/partner/logout"] button`))

	// An adviser finds the referral and enrols Omar.
	b.visit("staff login", "/login")
	b.signIn(adviser)
	b.visit("partners", "/partners")
	b.visit("outreach", "/outreach")
	b.visit("figures", "/partners/figures")
	var sos int64
	if err := b.app.DB.QueryRowContext(context.Background(), "SELECT id FROM partner_orgs WHERE name = 'SOS personnes migrantes'").Scan(&sos); err != nil {
		t.Fatal(err)
	}
	b.visit("partner page", "/partners/"+strconv.FormatInt(sos, 10))
	b.visit("import form", "/partners/"+strconv.FormatInt(sos, 10)+"/import")
	b.visit("referrals", "/referrals")
	b.load("referral", click(`main .list a[href^="/referrals/"]`))
	b.load("learner file", click(`main a[href="`+linkTo(b, "Omar Jalloh")+`"]`))
	if name := b.text("main h1"); !strings.Contains(name, "Omar") {
		t.Fatalf("the referral's link opened %q, not Omar's file", name)
	}
	file := b.path()
	b.choose("cohort", strconv.FormatInt(cohort.ID, 10))
	if status := b.load("enrolled", click(`main form[action="`+file+`/decision"] button[name=decision][value=enrol]`)); status != http.StatusOK {
		t.Fatalf("enrolling: HTTP %d; page says %q", status, b.text("main"))
	}
	b.load("staff signed out", click(`header form[action="/logout"] button`))

	// The partner was told, and sees it.
	var told string
	for _, m := range queued(b, "email", partnerEmail) {
		// The subject names the person by first name and initial only.
		if strings.Contains(m.Subject, "Omar J.") && strings.Contains(m.Body, "Omar Jalloh") {
			told = m.Subject + "\n" + m.Body
		}
	}
	if !strings.Contains(told, fr.T("partner.state.enrolled")) {
		t.Errorf("no email told the partner Omar is enrolled: %q", told)
	}
	b.visit("partner sign-in again", "/partner/login")
	partnerSignsIn(b)
	state := js[string](b, `[...document.querySelectorAll('main .list li.card')].find(li =>
		li.querySelector('h2')?.textContent.trim() === 'Omar Jalloh')?.querySelector('.status')?.textContent.trim() ?? ''`)
	if state != fr.T("partner.state.enrolled") {
		t.Errorf("the partner sees Omar as %q, want %q", state, fr.T("partner.state.enrolled"))
	}
	b.load("person", click(`main a[href="`+linkTo(b, "Omar Jalloh")+`"]`))
	if !strings.Contains(b.text("main .timeline"), fr.T("partner.state.enrolled")) {
		t.Errorf("Omar's steps: %q", b.text("main .timeline"))
	}
	b.load("colleagues", click(`main a[href="/partner/colleagues"]`))
}

// linkTo is where the link of the page's lists that reads name leads.
func linkTo(b *browser, name string) string {
	b.t.Helper()
	href := js[string](b, `[...document.querySelectorAll('main .list a')].find(a => a.textContent.trim() === `+jsString(name)+`)?.getAttribute('href') ?? ''`)
	if href == "" {
		b.t.Fatalf("no link reads %q on %s", name, b.path())
	}
	return href
}

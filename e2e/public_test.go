package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tremplin/internal/platform/i18n"
)

// A partner sends an Arabic link to a session; the visitor types the birth year
// with the Arabic-Indic digits of their keyboard, and registers.
func TestArabicLinkAndYearInArabicDigits(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	lille, cohort := lilleUpcoming(b)
	p := person{first: "سلمى", last: "حداد", phone: "٠٧ ٥٨ ٤٦ ٢٩ ٣١", e164: "+33758462931", year: "١٩٩٢", where: "59000 Lille",
		language: "ar", french: "none", situation: "asylum", equipment: "smartphone", availability: "mornings"}

	b.expectLang("ar", "rtl") // ?lang=ar, though the phone prefers French
	b.visit("registration, Arabic link", fmt.Sprintf("/register?lang=ar&cohort=%d", cohort.ID))

	// The language switch is at the top of the page, small, and says which is on.
	type box struct {
		Top, Bottom, MainTop float64
		Current              string
	}
	sw := js[box](b, `(() => {
		const f = document.querySelector('header form.langs');
		const r = f.getBoundingClientRect();
		return {top: r.top, bottom: r.bottom, mainTop: document.querySelector('main').getBoundingClientRect().top,
			current: f.querySelector('button[aria-current="true"]')?.value ?? ''};
	})()`)
	if sw.Top > 100 || sw.Bottom > sw.MainTop || sw.Current != "ar" {
		t.Errorf("language switch at %.0f–%.0f px (main at %.0f px), current %q: want it at the top, on Arabic", sw.Top, sw.Bottom, sw.MainTop, sw.Current)
	}

	fillRegistration(b, p)
	if got := js[string](b, `document.getElementById('f-birth_year').value`); got != p.year {
		t.Fatalf("the birth year field holds %q after typing %q", got, p.year)
	}
	b.tick("consent", "yes")
	sendRegistration(b, "ar")
	l := findLearner(b, p)
	if l.BirthYear != 1992 || l.Lang != "ar" || l.WishedCohort != cohort.ID || l.AntennaID != lille.ID {
		t.Errorf("stored born %d, lang %q, cohort %d, antenna %d; want 1992, ar, %d, %d", l.BirthYear, l.Lang, l.WishedCohort, l.AntennaID, cohort.ID, lille.ID)
	}
	// The link's language is remembered on the next pages.
	b.visit("courses, no ?lang", "/courses")

	// And the switch at the top goes back to French.
	b.expectLang("fr", "ltr")
	b.chooseLanguage("fr")
	if b.path() != "/courses" {
		t.Errorf("the switch led to %s, want the same page", b.path())
	}
}

// Back after the thanks page, the form is sent again: the same registration, one
// file and one SMS, and the thanks page again.
func TestBackAfterThanksDoesNotRegisterTwice(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	_, cohort := lilleUpcoming(b)
	p := person{first: "Awa", last: "Diallo", phone: "07 81 99 54 12", e164: "+33781995412", year: "1999", where: "59000 Lille",
		language: "fr", french: "fluent", situation: "job_seeker", equipment: "smartphone", availability: "evenings"}

	b.visit("registration form", fmt.Sprintf("/register?cohort=%d", cohort.ID))
	fillRegistration(b, p)
	b.tick("consent", "yes")
	sendRegistration(b, "fr")

	// The back button: the browser may show the page from its back-forward cache,
	// with no request and no load event, so wait for the form itself.
	js[chromedp.Void](b, `setTimeout(() => history.back(), 0)`)
	back := false
	for deadline := time.Now().Add(10 * time.Second); !back && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](
			`location.pathname === '/register' && document.readyState === 'complete' && !!document.getElementById('f-first_name')`))
		back = err == nil && ok // an error: the page is still changing
	}
	if !back {
		t.Fatalf("back: still on %s", b.path())
	}
	checkAxe(t, b.ctx)
	// The browser may give the form back filled in, consent ticked; if not, the
	// person types the same again.
	if js[string](b, `document.getElementById('f-first_name').value`) == "" {
		fillRegistration(b, p)
	}
	if !js[bool](b, `document.getElementById('f-consent').checked`) {
		b.tick("consent", "yes")
	}
	// Tapped by script: chromedp's view of the page's nodes does not survive the
	// back-forward cache.
	status := b.load("sent again", chromedp.Evaluate[chromedp.Void](`setTimeout(() => document.querySelector(`+jsString(registerButton)+`).click(), 0)`))
	if status != http.StatusOK || b.path() != "/register/thanks" {
		t.Fatalf("sent again: HTTP %d on %s, want the thanks page", status, b.path())
	}
	if got, want := b.text("main h1"), i18n.For("fr").T("register.thanks_title"); got != want {
		t.Errorf("heading %q, want %q", got, want)
	}
	findLearner(b, p) // exactly one file
	if sent := queued(b, "sms", p.e164); len(sent) != 1 {
		t.Errorf("%d SMS queued, want 1", len(sent))
	}
}

package e2e

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"tremplin/internal/platform/i18n"
)

// volunteerSignsIn signs the volunteer in as they would: their phone number
// typed on the sign-in page, the one-time link taken from the message sent to it,
// opened and used with its button.
func volunteerSignsIn(b *browser, id int64) {
	b.t.Helper()
	ctx := context.Background()
	var phone string
	if err := b.app.DB.QueryRowContext(ctx, "SELECT phone FROM volunteers WHERE id = $1", id).Scan(&phone); err != nil {
		b.t.Fatal(err)
	}
	b.visit("volunteer sign-in", "/volunteer/login")
	b.fill([2]string{"contact", phone})
	if status := b.load("link asked", click(`main form[action="/volunteer/login"] button[type=submit]`)); status != http.StatusOK {
		b.t.Fatalf("asking a sign-in link: HTTP %d", status)
	}
	var body string
	if err := b.app.DB.QueryRowContext(ctx, `SELECT body FROM messages WHERE kind = 'volunteer_link' AND recipient = $1
		ORDER BY id DESC LIMIT 1`, phone).Scan(&body); err != nil {
		b.t.Fatalf("no sign-in link sent to %s: %v", phone, err)
	}
	link := regexp.MustCompile(`/volunteer/login/[A-Za-z0-9]+`).FindString(body)
	if link == "" {
		b.t.Fatalf("no link in %q", body)
	}
	b.visit("sign-in link", link)
	if status := b.load("signed in", click(`main form button[type=submit]`)); status != http.StatusOK {
		b.t.Fatalf("using the sign-in link: HTTP %d", status)
	}
}

// volunteerJourney: the volunteer signs up to a coming shift, answers "did it
// happen?" for last week's, and sees their hours; then the Lille manager sees
// the shift, the hours to approve, and approves them.
func volunteerJourney(t *testing.T, lang, dir string) {
	b := newBrowser(t, frenchPhone)
	pr := i18n.For(lang)
	b.visit("home", "/")
	if lang != "fr" {
		b.chooseLanguage(lang)
	}
	b.expectLang(lang, dir)
	// A volunteer of Lille whose last shift's hours the demo left unanswered.
	var id int64
	if err := b.app.DB.QueryRowContext(context.Background(), `SELECT MIN(h.volunteer_id) FROM volunteer_hours h
		JOIN antennas a ON a.id = h.antenna_id WHERE h.state = 'pending' AND a.name = 'Lille'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	volunteerSignsIn(b, id)
	if status := b.visit("my shifts", "/volunteer/shifts"); status != http.StatusOK {
		t.Fatalf("my shifts: HTTP %d", status)
	}
	b.load("signed up", click(`main form[action$="/signup"] button[type=submit]`))
	if got := b.text("main .flash"); got != pr.T("volunteers.signed_up_coming") {
		t.Errorf("after signing up: %q, want %q", got, pr.T("volunteers.signed_up_coming"))
	}
	if n := js[int](b, `document.querySelectorAll('main form[action$="/hours"]').length`); n == 0 {
		t.Fatal(`no "did it happen?" form for the last shift`)
	}
	b.load("hours confirmed", click(`main form[action$="/hours"] button[name=happened][value=yes]`))
	if b.path() != "/volunteer/hours" || b.text("main .flash") != pr.T("volunteers.hours_sent") {
		t.Errorf("after confirming hours: %s, %q", b.path(), b.text("main .flash"))
	}

	// The manager approves.
	b.visit("staff login", "/login")
	b.signIn(manager)
	b.visit("missions", "/volunteers/missions")
	b.load("mission", click(`main .list a[href^="/volunteers/missions/"]`))
	b.visit("coming shifts", "/volunteers/shifts")
	b.load("shift", click(`main .list a[href^="/volunteers/shifts/"]`))
	b.visit("new mission", "/volunteers/missions/new")
	b.visit("hours to approve", "/volunteers/hours")
	var pending int
	b.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM volunteer_hours WHERE state = 'pending'").Scan(&pending)
	b.load("approved", click(`main form[action^="/volunteers/hours/"] button[type=submit]`))
	var after int
	b.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM volunteer_hours WHERE state = 'pending'").Scan(&after)
	if after != pending-1 || b.text("main .flash") != pr.T("volunteers.hours_approved") {
		t.Errorf("approving: %d pending before, %d after; %q", pending, after, b.text("main .flash"))
	}
}

func TestVolunteerSignsUpToAShiftAndConfirmsHoursInFrench(t *testing.T) {
	volunteerJourney(t, "fr", "ltr")
}

func TestVolunteerSignsUpToAShiftAndConfirmsHoursInArabic(t *testing.T) {
	volunteerJourney(t, "ar", "rtl")
}

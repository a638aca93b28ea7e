package e2e

import (
	"context"
	"database/sql"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"tremplin/internal/messages"
)

var replyToken = regexp.MustCompile(`/a/([a-z0-9]{12})`)

// An adviser reading in Arabic on a phone books an interview from a file; the
// person opens the link of their SMS, without an account, and says they cannot
// come; the same for a session's reminder. A manager reads the words of the
// messages and what they cost. Every page right to left where chosen, at 360 px,
// accessible, within its weight.
func TestAppointmentsAndRemindersOnAPhone(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	ctx := context.Background()
	b.expectLang("fr", "ltr")
	b.visit("login page", "/login")
	b.expectLang("ar", "rtl")
	b.chooseLanguage("ar")
	b.signIn(adviser)

	var amina int64
	if err := b.app.DB.QueryRowContext(ctx, "SELECT id FROM learners WHERE first_name = 'Amina' AND last_name = 'Haddad'").Scan(&amina); err != nil {
		t.Fatal(err)
	}
	file := "/learners/" + strconv.FormatInt(amina, 10)
	b.visit("learner file", file)
	b.load("appointment form", click(`main a[href="`+file+`/appointments/new"]`))
	var place int64
	if err := b.app.DB.QueryRowContext(ctx, "SELECT id FROM places WHERE name = 'La Grappe – tiers-lieu'").Scan(&place); err != nil {
		t.Fatal(err)
	}
	b.choose("place", strconv.FormatInt(place, 10))
	b.fill([2]string{"date", time.Now().AddDate(0, 0, 3).Format("01022006")}, [2]string{"time", "1500"})
	if status := b.load("appointment booked", click(`main form[action="`+file+`/appointments"] button[type=submit]`)); status != http.StatusOK || b.path() != file {
		t.Fatalf("booking: HTTP %d at %s: %s", status, b.path(), b.text("main .error-summary"))
	}

	// The person's link, as their SMS carries it.
	var body string
	if err := b.app.DB.QueryRowContext(ctx, `SELECT body FROM messages WHERE learner_id = $1 AND kind = 'appointment_booked' ORDER BY id DESC LIMIT 1`,
		amina).Scan(&body); err != nil {
		t.Fatal(err)
	}
	m := replyToken.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in %q", body)
	}
	b.visit("appointment reply", "/a/"+m[1])
	b.load("cannot come", click(`main form[action="/a/`+m[1]+`"] button[type=submit]`))

	// A session's reminder link.
	var meeting, learner int64
	var starts string
	err := b.app.DB.QueryRowContext(ctx, `SELECT m.id, e.learner_id, m.starts_at FROM meetings m JOIN enrolments e ON e.cohort_id = m.cohort_id AND e.state = 'enrolled'
		WHERE m.starts_at > $1 AND m.cancelled_at = '' ORDER BY m.starts_at LIMIT 1`, time.Now().UTC().Format(time.RFC3339)).Scan(&meeting, &learner, &starts)
	if err != nil {
		t.Fatalf("a demo session ahead with someone enrolled: %v", err)
	}
	var token string
	err = b.app.DB.Tx(ctx, func(tx *sql.Tx) error {
		at, _ := time.Parse(time.RFC3339, starts)
		token, err = messages.ReplyLink(ctx, tx, learner, "meeting", meeting, at)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	b.visit("session reply", "/m/"+token)
	b.load("cannot come to the session", click(`main form[action="/m/`+token+`"] button[type=submit]`))

	// Self-booking: the adviser publishes free slots, sends a booking link; the
	// person picks a time on the link's page.
	b.visit("free slots", "/appointments/slots")
	b.choose("place", strconv.FormatInt(place, 10))
	b.fill([2]string{"date", time.Now().AddDate(0, 0, 5).Format("01022006")})
	// A time picker's keys depend on the phone's 12- or 24-hour clock: set what it sets.
	b.choose("start", "09:30")
	b.choose("end", "11:30")
	if status := b.load("slots published", click(`main form[action="/appointments/slots"][method="post"] button[type=submit]`)); status != http.StatusOK {
		t.Fatalf("publishing slots: HTTP %d: %s", status, b.text("main .error-summary"))
	}
	b.visit("booking link form", file+"/booking-links/new")
	b.tick("advisers", js[string](b, `document.querySelector('input[name=advisers]').value`))
	if status := b.load("booking link sent", click(`main form[action="`+file+`/booking-links"] button[type=submit]`)); status != http.StatusOK || b.path() != file {
		t.Fatalf("sending the booking link: HTTP %d at %s: %s", status, b.path(), b.text("main .error-summary"))
	}
	var booking string
	if err := b.app.DB.QueryRowContext(ctx, "SELECT token FROM booking_links WHERE learner_id = $1", amina).Scan(&booking); err != nil {
		t.Fatal(err)
	}
	b.visit("booking page", "/b/"+booking)
	b.load("slot booked", click(`main form[action="/b/`+booking+`"] button[type=submit]`))
	b.load("move", click(`main a[href="/b/`+booking+`/move"]`))

	b.expectLang("fr", "ltr")
	b.chooseLanguage("fr")
	b.load("signed out", click(`header form[action="/logout"] button`))
	b.visit("staff login", "/login")
	b.signIn(manager)
	b.visit("answers and messages not received", "/messages")
	b.visit("message texts", "/messages/templates")
	b.load("one message's words", click(`main a[href^="/messages/templates/appointment.sms_booked"]`))
	b.load("preview", click(`main button[name=action][value=preview]`))
}

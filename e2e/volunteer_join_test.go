package e2e

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"tremplin/internal/platform/i18n"
)

// A visitor signs up as a volunteer on a phone, from the home page: a form sent
// without a way to reach them nor the charter ticked says so next to the fields
// and keeps what was typed; the sign-up then lands on the thanks page and is
// acknowledged in the language chosen. In Arabic too, right to left. Every page
// fits 360 px and passes axe.
func TestVisitorSignsUpAsVolunteer(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	ctx := t.Context()
	fr, ar := i18n.For("fr"), i18n.For("ar")
	var lille int64
	if err := b.app.DB.QueryRowContext(ctx, "SELECT id FROM antennas WHERE name = 'Lille'").Scan(&lille); err != nil {
		t.Fatal(err)
	}
	b.expectLang("fr", "ltr")
	b.visit("home", "/")
	if status := b.load("volunteer sign-up", click(`main a[href="/volunteer/join"]`)); status != http.StatusOK {
		t.Fatalf("sign-up page: HTTP %d", status)
	}
	if got := b.text("main h1"); got != fr.T("volunteers.join.title") {
		t.Errorf("title %q", got)
	}
	b.choose("antenna", strconv.FormatInt(lille, 10))
	b.fill([2]string{"first_name", "Awet"}, [2]string{"last_name", "Tesfamariam"})
	b.tick("skills", "repair")
	b.tick("languages", "ti")
	if status := b.load("sign-up incomplete", click(`main form[action="/volunteer/join"] button[type=submit]`)); status != http.StatusUnprocessableEntity {
		t.Fatalf("incomplete sign-up: HTTP %d", status)
	}
	if got := b.text("#e-phone"); got != fr.T("volunteers.join.contact_required") {
		t.Errorf("message next to the phone: %q", got)
	}
	if got := b.text("#e-charter"); got != fr.T("volunteers.join.charter_required") {
		t.Errorf("message next to the charter: %q", got)
	}
	if !js[bool](b, `document.getElementById("f-first_name").value === "Awet" && document.querySelector('input[name=skills][value=repair]').checked`) {
		t.Error("what was typed is lost")
	}
	b.fill([2]string{"phone", "06 45 12 78 90"}, [2]string{"availability", "Le samedi matin"})
	b.tick("charter", "yes")
	b.load("sign-up sent", click(`main form[action="/volunteer/join"] button[type=submit]`))
	if b.path() != "/volunteer/join/thanks" || b.text("main h1") != fr.T("volunteers.join.thanks_title") {
		t.Fatalf("after signing up: %s %q", b.path(), b.text("main h1"))
	}
	if got := queued(b, "sms", "+33645127890"); len(got) != 1 || !strings.Contains(got[0].Body, "Awet") {
		t.Errorf("acknowledgement: %v", got)
	}

	// In Arabic, with a name in Arabic script, messages in Arabic.
	b.expectLang("ar", "rtl")
	b.visit("volunteer sign-up ar", "/volunteer/join?lang=ar")
	if got := b.text("main h1"); got != ar.T("volunteers.join.title") {
		t.Errorf("Arabic title %q", got)
	}
	b.choose("antenna", strconv.FormatInt(lille, 10))
	b.fill([2]string{"first_name", "سلمى"}, [2]string{"last_name", "حداد"}, [2]string{"email", "salma@example.org"})
	b.tick("languages", "ar")
	b.tick("skills", "interpreting")
	b.choose("lang", "ar")
	b.tick("charter", "yes")
	b.load("sign-up sent ar", click(`main form[action="/volunteer/join"] button[type=submit]`))
	if b.text("main h1") != ar.T("volunteers.join.thanks_title") {
		t.Fatalf("Arabic thanks page: %q", b.text("main h1"))
	}
	if got := queued(b, "email", "salma@example.org"); len(got) != 1 || got[0].Subject == "" || !strings.Contains(got[0].Body, "سلمى") {
		t.Errorf("Arabic acknowledgement: %v", got)
	}
	var n int
	b.app.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM volunteers WHERE state = 'pending' AND last_name IN ('Tesfamariam', 'حداد')").Scan(&n)
	if n != 2 {
		t.Errorf("%d sign-ups stored, want 2", n)
	}
}

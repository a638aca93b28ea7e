package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"tremplin/internal/platform/i18n"
)

// A young person finds the civic-service offer from the public home page on a
// 360 px phone, in French then in Arabic, applies without an account (an age
// outside the limits is explained next to the field first), and gets the thanks
// page; each page fits the screen and passes axe.
func TestYoungPersonAppliesToCivicService(t *testing.T) {
	for _, c := range []struct {
		lang, dir, first, last, phone, e164 string
	}{
		{"fr", "ltr", "Chloé", "Lefebvre", "06 11 22 33 44", "+33611223344"},
		{"ar", "rtl", "سارة", "علي", "٠٦ ١١ ٢٢ ٣٣ ٥٥", "+33611223355"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			b := newBrowser(t, frenchPhone)
			p := i18n.For(c.lang)
			b.expectLang(c.lang, c.dir)
			b.visit("home", "/?lang="+c.lang)
			b.load("civic offers", click(`a[href="/service-civique"]`))
			if got := b.text("main h1"); got != p.T("civic.public.title") {
				t.Errorf("list title %q", got)
			}
			b.load("the offer", click(`main ul.list a[href^="/service-civique/"]`))
			var start string
			if err := b.app.DB.QueryRowContext(context.Background(), "SELECT starts_on FROM civic_offers WHERE state = 'published'").Scan(&start); err != nil {
				t.Fatal(err)
			}
			begin, _ := time.Parse(time.DateOnly, start)
			b.fill([2]string{"first_name", c.first}, [2]string{"last_name", c.last}, [2]string{"phone", c.phone},
				[2]string{"message", "Je veux aider."}, [2]string{"availability", "Dès septembre"})
			setDate := func(v string) {
				js[any](b, `document.getElementById('f-birth_date').value = `+jsString(v))
			}
			setDate(begin.AddDate(-27, 0, 0).Format(time.DateOnly))
			b.tick("disability", "no")
			if status := b.load("too old without a disability", click(`main form button[type="submit"]`)); status != 422 {
				t.Fatalf("status %d, want 422", status)
			}
			if got := b.text("#e-birth_date"); got != p.T("civic.apply.too_old_unless_disability") {
				t.Errorf("the age rule next to the field: %q", got)
			}
			if got := js[string](b, `document.getElementById('f-first_name').value`); got != c.first {
				t.Errorf("the first name typed became %q", got)
			}
			b.tick("disability", "yes")
			b.load("thanks", click(`main form button[type="submit"]`))
			if got := b.text("main h1"); got != p.T("civic.thanks.title") {
				t.Fatalf("after sending: %q on %s", got, b.path())
			}
			var lang string
			var disability bool
			if err := b.app.DB.QueryRowContext(context.Background(), "SELECT lang, disability FROM civic_applications WHERE phone = $1", c.e164).Scan(&lang, &disability); err != nil {
				t.Fatalf("application not stored: %v", err)
			}
			if lang != c.lang || !disability {
				t.Errorf("stored lang %q, disability %v", lang, disability)
			}
			if sms := queued(b, "sms", c.e164); len(sms) != 1 || !strings.Contains(sms[0].Body, c.first) {
				t.Errorf("acknowledgement: %+v", sms)
			}
		})
	}
}

// Lille's manager goes through the civic-service pages on a phone, in French
// and in Arabic: offers, an application, the contract form, a contract with its
// obligations, what is due. Every page fits 360 px and passes axe.
func TestCivicStaffPages(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	ctx := context.Background()
	var offer, app, contract string
	b.app.DB.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM civic_offers WHERE state = 'published'").Scan(&offer)
	b.app.DB.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM civic_applications WHERE first_name = 'Léa'").Scan(&app)
	b.app.DB.QueryRowContext(ctx, "SELECT CAST(MIN(id) AS TEXT) FROM civic_contracts").Scan(&contract)
	b.app.DB.ExecContext(ctx, "UPDATE civic_applications SET state = 'accepted' WHERE first_name = 'Yonas'")
	var accepted string
	b.app.DB.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM civic_applications WHERE first_name = 'Yonas'").Scan(&accepted)
	b.expectLang("fr", "ltr")
	b.visit("login", "/login")
	b.signIn("manager.lille@tremplin.example")
	for _, lang := range []struct{ lang, dir string }{{"fr", "ltr"}, {"ar", "rtl"}} {
		b.expectLang(lang.lang, lang.dir)
		if lang.lang != "fr" {
			b.chooseLanguage(lang.lang)
		}
		for _, path := range []string{"/civic", "/civic/offers/" + offer, "/civic/offers/" + offer + "/edit", "/civic/offers/new",
			"/civic/approvals/new", "/civic/applications/" + app, "/civic/applications/" + accepted + "/contract",
			"/civic/contracts/" + contract, "/civic/obligations"} {
			if status := b.visit(path, path); status != 200 {
				t.Errorf("%s: HTTP %d", path, status)
			}
		}
	}
}

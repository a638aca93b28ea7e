package app_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tremplin/internal/learners"
	"tremplin/internal/platform/i18n"
)

// A birth year typed with Arabic-Indic (or Persian) digits is read, and a French
// number written with its 0 after +33 is French; the field is a text field with a
// numeric keyboard, and a refused year stays as it was typed.
func TestYearInArabicDigitsAndFrenchNumberWithTrunkZero(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		lille := s.antennaID("Lille")
		b := s.browser()
		b.lang = "ar"
		form := b.get("/register")
		if !strings.Contains(form.body, `name="birth_year" type="text" inputmode="numeric"`) {
			t.Fatal("the birth year is not a text field with a numeric keyboard")
		}
		v := registration(lille)
		v.Set("birth_year", "١٨٩٠")
		p := b.post("/register", v)
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["birth_year"] == "" || valueOf(p.body, "birth_year") != "١٨٩٠" {
			t.Fatalf("a year too old in Arabic digits: %d %v, kept %q", p.status, errorsOf(p.body), valueOf(p.body, "birth_year"))
		}
		v.Set("birth_year", "١٩٩٢")
		v.Set("phone", "+33 06 12 34 56 78")
		if p := b.post("/register", v); p.status != http.StatusSeeOther {
			t.Fatalf("register: %d %v", p.status, errorsOf(p.body))
		}
		v = registration(lille)
		v.Set("last_name", "Karimi")
		v.Set("birth_year", "۱۳۷۰") // Persian digits: 1370 is refused as a year, but read
		if p := b.post("/register", v); errorsOf(p.body)["birth_year"] != html.EscapeString(i18n.For("ar").T("register.birth_year_invalid")) {
			t.Fatalf("Persian digits: %v", errorsOf(p.body))
		}
		v.Set("birth_year", "۱۹۹۰")
		if p := b.post("/register", v); p.status != http.StatusSeeOther {
			t.Fatalf("Persian digits: %d %v", p.status, errorsOf(p.body))
		}
		if n := s.count("SELECT COUNT(*) FROM learners WHERE last_name = 'Saleh' AND birth_year = 1992 AND phone = '+33612345678'"); n != 1 {
			t.Fatalf("%d files with 1992 and +33612345678", n)
		}
		if n := s.count("SELECT COUNT(*) FROM learners WHERE last_name = 'Karimi' AND birth_year = 1990"); n != 1 {
			t.Fatalf("%d files with the year in Persian digits", n)
		}
	})
}

// The error summary at the top of a refused form names each wrong field with a
// link to it, and can take the focus.
func TestErrorSummaryLinksToEachField(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		v := registration(s.antennaID("Lille"))
		v.Set("birth_year", "1890")
		v.Del("consent")
		p := s.browser().post("/register", v)
		body := html.UnescapeString(p.body)
		summary, _, _ := strings.Cut(body[strings.Index(body, `class="error-summary"`):], "</div>")
		for _, want := range []string{
			`tabindex="-1"`,
			fr.N("form.errors", 2),
			`<a href="#f-birth_year">` + fr.T("form.error_item", "label", fr.T("register.birth_year"), "message", fr.T("register.birth_year_invalid")) + `</a>`,
			`<a href="#f-consent">` + fr.T("form.error_item", "label", fr.T("register.consent_title"), "message", fr.T("register.consent_required")) + `</a>`,
		} {
			if !strings.Contains(summary, want) {
				t.Errorf("error summary lacks %q:\n%s", want, summary)
			}
		}
		if strings.Index(summary, "#f-birth_year") > strings.Index(summary, "#f-consent") {
			t.Error("the summary is not in the page's order")
		}
		// The same shared summary on a staff form.
		manager := s.signIn("manager.lille@tremplin.example")
		p = manager.post("/places", url.Values{"antenna": {s.antennaID("Lille")}})
		if !strings.Contains(p.body, `<a href="#f-name">`) {
			t.Errorf("staff form summary:\n%.3000s", p.body)
		}
	})
}

// The language switch is at the top of every page, and ?lang= in a link opens the
// page in that language and remembers it.
func TestLanguageFromALinkAndSwitchAtTheTop(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		p := b.get("/register?lang=ar&antenna=" + s.antennaID("Lille"))
		if !strings.Contains(p.body, `<html lang="ar" dir="rtl">`) {
			t.Fatal("?lang=ar does not open the page in Arabic")
		}
		if sw, main := strings.Index(p.body, `action="/lang"`), strings.Index(p.body, "<main"); sw < 0 || sw > main {
			t.Fatal("the language switch is not at the top of the page")
		}
		if !strings.Contains(p.body, `name="next" value="/register?antenna=`+s.antennaID("Lille")+`"`) {
			t.Error("the switch does not come back to the same page without ?lang=")
		}
		if p := b.get("/courses"); !strings.Contains(p.body, `<html lang="ar" dir="rtl">`) {
			t.Fatal("the language of the link is not remembered")
		}
		if p := b.get("/courses?lang=en"); !strings.Contains(p.body, `<html lang="en"`) {
			t.Fatal("?lang=en")
		}
		// Staff keep their profile's language: on their pages ?lang= may name
		// something else (the language of a positioning questionnaire).
		staff := s.signIn("julie.lille@tremplin.example")
		if p := staff.get("/inbox?lang=ar"); !strings.Contains(p.body, `<html lang="fr"`) {
			t.Fatal("?lang=ar changed a staff member's language")
		}
		if p := b.get("/courses?lang=xx"); !strings.Contains(p.body, `<html lang="en"`) {
			t.Fatal("an unknown ?lang= changed the language")
		}
	})
}

// Back after the thanks page, the same registration sent again is recognised:
// the thanks page again, one file, one SMS.
func TestRegistrationSentAgainIsTheSameOne(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		s.work()
		v := registration(s.antennaID("Lille"))
		b := s.browser()
		first := b.post("/register", v)
		again := b.post("/register", v)
		if first.status != http.StatusSeeOther || again.status != http.StatusSeeOther || again.header.Get("Location") != first.header.Get("Location") {
			t.Fatalf("sent twice: %d %q, then %d %q", first.status, first.header.Get("Location"), again.status, again.header.Get("Location"))
		}
		if n := s.count("SELECT COUNT(*) FROM learners WHERE last_name = 'Saleh'"); n != 1 {
			t.Fatalf("%d files, want 1", n)
		}
		s.drain()
		if n := len(s.smsTo("+33612345678")); n != 1 {
			t.Fatalf("%d SMS, want 1", n)
		}
		// Someone else of the family on the same phone is a new registration.
		v.Set("first_name", "Yasmine")
		if p := b.post("/register", v); p.status != http.StatusSeeOther || s.count("SELECT COUNT(*) FROM learners WHERE last_name = 'Saleh'") != 2 {
			t.Fatalf("a second person on the same phone: %d", p.status)
		}
	})
}

// register sends the registration of person i (own name and phone) from b.
func registerPerson(b *browser, antenna string, i int, extra url.Values) page {
	v := registration(antenna)
	v.Set("last_name", "Atelier"+strconv.Itoa(i))
	v.Set("phone", "07 80 00 "+strconv.Itoa(100 + i/100)[1:]+" "+strconv.Itoa(100 + i%100)[1:])
	for k, vs := range extra {
		v[k] = vs
	}
	return b.post("/register", v)
}

// A room of 30 people on one wifi registers; a flood from one address is stopped
// at the hourly ceiling unless staff vouch for the session with a workshop code,
// and one phone number cannot make file after file.
func TestWorkshopOnOneWifiRegistersAndFloodsAreStopped(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		lille := s.antennaID("Lille")
		fr := i18n.For("fr")
		before := s.count("SELECT COUNT(*) FROM learners")
		b := s.browser()
		for i := range 30 {
			if p := registerPerson(b, lille, i, nil); p.status != http.StatusSeeOther {
				t.Fatalf("person %d of the workshop: %d %v", i+1, p.status, errorsOf(p.body))
			}
		}
		for i := 30; i < learners.DefaultRegistrationLimit; i++ {
			if p := registerPerson(b, lille, i, nil); p.status != http.StatusSeeOther {
				t.Fatalf("registration %d: %d", i+1, p.status)
			}
		}
		p := registerPerson(b, lille, 99, nil)
		if p.status != http.StatusTooManyRequests || !strings.Contains(html.UnescapeString(p.body), fr.T("register.too_many")) {
			t.Fatalf("over the ceiling: %d", p.status)
		}
		if valueOf(p.body, "last_name") != "Atelier99" || !strings.Contains(p.body, `id="f-pass"`) {
			t.Fatal("what was typed was lost, or no field for a workshop code")
		}
		if n := s.count("SELECT COUNT(*) FROM learners"); n != before+learners.DefaultRegistrationLimit {
			t.Fatalf("%d stored, want %d", n-before, learners.DefaultRegistrationLimit)
		}

		// The adviser makes a workshop code; with it, the session goes on.
		adviser := s.signIn("karim.lille@tremplin.example")
		if p := adviser.post("/registrations/passes", url.Values{"antenna": {lille}, "hours": {"٣"}}); p.status != http.StatusSeeOther {
			t.Fatalf("workshop code: %d %v", p.status, errorsOf(p.body))
		}
		var code string
		if err := s.app.DB.QueryRowContext(context.Background(), "SELECT code FROM registration_passes").Scan(&code); err != nil {
			t.Fatal(err)
		}
		if p := adviser.get("/registrations"); !strings.Contains(p.body, code) {
			t.Fatal("the code is not shown to staff")
		}
		if p := s.browser().get("/register?pass=" + strings.ToLower(code)); valueOf(p.body, "pass") != code ||
			!strings.Contains(p.body, `<option value="`+lille+`" selected>`) {
			t.Fatal("the workshop link does not carry the code and its antenna")
		}
		if p := registerPerson(b, lille, 99, url.Values{"pass": {code}}); p.status != http.StatusSeeOther {
			t.Fatalf("with the workshop code: %d", p.status)
		}
		if p := registerPerson(b, lille, 100, url.Values{"pass": {"WRONG"}}); p.status != http.StatusTooManyRequests {
			t.Fatalf("with a wrong code: %d", p.status)
		}
		// Bordeaux's manager cannot make a code for Lille.
		if p := s.signIn("manager.bordeaux@tremplin.example").post("/registrations/passes", url.Values{"antenna": {lille}, "hours": {"3"}}); p.status != http.StatusUnprocessableEntity {
			t.Fatalf("a code for another antenna: %d", p.status)
		}
	})
}

// One phone number: a few people of a family, then no more within the hour.
func TestOnePhoneCannotMakeFileAfterFile(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		other := s.browser()
		v := registration(s.antennaID("Bordeaux"))
		v.Set("phone", "06 55 44 33 22")
		for i := range learners.PhoneLimit {
			v.Set("first_name", "Enfant"+strconv.Itoa(i))
			if p := other.post("/register", v); p.status != http.StatusSeeOther {
				t.Fatalf("person %d on one phone: %d %v", i+1, p.status, errorsOf(p.body))
			}
		}
		v.Set("first_name", "Encore")
		p := other.post("/register", v)
		if p.status != http.StatusTooManyRequests || !strings.Contains(html.UnescapeString(p.body), fr.T("register.too_many_phone")) {
			t.Fatalf("a flood from one phone: %d", p.status)
		}
	})
}

// A registration that fills the hidden field is not lost: it is held, nothing is
// sent, and the staff of its antenna release it (a file and the SMS) or discard it.
func TestHoneypotRegistrationIsHeldForStaff(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		s.work()
		lille := s.antennaID("Lille")
		form := s.browser().get("/register")
		if !strings.Contains(form.body, `<div class="hp" aria-hidden="true">`) ||
			!strings.Contains(form.body, `name="website" type="text" value="" tabindex="-1" autocomplete="off"`) {
			t.Fatal("the hidden field is reachable by screen readers or keyboard")
		}
		before := s.count("SELECT COUNT(*) FROM learners")
		v := registration(lille)
		v.Set("website", "https://rania.example")
		p := s.browser().post("/register", v)
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/register/thanks") {
			t.Fatalf("honeypot: %d %s", p.status, p.header.Get("Location"))
		}
		if s.count("SELECT COUNT(*) FROM learners") != before || s.count("SELECT COUNT(*) FROM messages") != 0 {
			t.Fatal("a held registration was stored as a file or acknowledged")
		}
		var id string
		if err := s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(id AS TEXT) FROM registrations_held").Scan(&id); err != nil {
			t.Fatal(err)
		}
		// Paris does not see Lille's, and cannot release it.
		paris := s.signIn("manager.paris@tremplin.example")
		if p := paris.get("/registrations"); strings.Contains(p.body, "Saleh") {
			t.Fatal("another antenna sees the held registration")
		}
		if p := paris.post("/registrations/held/"+id+"/release", nil); p.status != http.StatusNotFound {
			t.Fatalf("release from another antenna: %d", p.status)
		}
		adviser := s.signIn("karim.lille@tremplin.example")
		if p := adviser.get("/registrations"); !strings.Contains(p.body, "Rania Saleh") || !strings.Contains(p.body, "https://rania.example") {
			t.Fatal("the held registration is not shown to its antenna")
		}
		p = adviser.post("/registrations/held/"+id+"/release", nil)
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/learners/") {
			t.Fatalf("release: %d %q", p.status, p.header.Get("Location"))
		}
		s.drain()
		if s.count("SELECT COUNT(*) FROM learners WHERE last_name = 'Saleh' AND phone = '+33612345678'") != 1 || len(s.smsTo("+33612345678")) != 1 {
			t.Fatal("the released registration made no file or no SMS")
		}
		if p := adviser.post("/registrations/held/"+id+"/release", nil); p.status != http.StatusNotFound {
			t.Fatalf("released twice: %d", p.status)
		}
		if p := adviser.get("/registrations"); strings.Contains(p.body, "https://rania.example") {
			t.Fatal("a released registration is still waiting")
		}
	})
}

// The session chosen in the catalogue is named on the form, on the thanks page and
// in the SMS, with who calls from which number; in Arabic the numbers and Latin
// words of the SMS are isolated. A session that has begun is not offered.
func TestChosenSessionIsConfirmed(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		s.work()
		lille := s.antennaID("Lille")
		cohort := s.demoCohort("Lille", "Autonomie numérique")
		fr := i18n.For("fr")
		b := s.browser()
		form := html.UnescapeString(b.get("/register?cohort=" + cohort).body)
		for _, want := range []string{fr.T("register.session_chosen"), "Autonomie numérique", "Le lundi et le mercredi, de 14 h à 17 h", "Centre social des Moulins"} {
			if !strings.Contains(form, want) {
				t.Errorf("the form does not name the session: %q", want)
			}
		}
		v := registration(lille)
		v.Set("cohort", cohort)
		p := b.post("/register", v)
		if p.status != http.StatusSeeOther {
			t.Fatalf("register: %d %v", p.status, errorsOf(p.body))
		}
		thanks := html.UnescapeString(b.get(p.header.Get("Location")).body)
		for _, want := range []string{"Autonomie numérique", "Le lundi et le mercredi, de 14 h à 17 h", "Centre social des Moulins",
			fr.T("register.who_calls", "antenna", "Lille"), `+33 3 20 00 00 01</a>`} {
			if !strings.Contains(thanks, want) {
				t.Errorf("the thanks page does not say %q", want)
			}
		}
		sms := s.waitSMSTo("+33612345678")
		for _, want := range []string{"Autonomie numérique", "Le lundi et le mercredi, de 14 h à 17 h", "Centre social des Moulins", "+33 3 20 00 00 01"} {
			if !strings.Contains(sms.Body, want) {
				t.Errorf("the SMS does not say %q: %s", want, sms.Body)
			}
		}

		// In Arabic, the SMS reads right to left with its numbers the right way round.
		ar := s.browser()
		ar.lang = "ar"
		v = registration(lille)
		v.Set("cohort", cohort)
		v.Set("first_name", "ليلى")
		v.Set("phone", "07 61 23 45 67")
		p = ar.post("/register", v)
		if p.status != http.StatusSeeOther {
			t.Fatalf("Arabic: %d", p.status)
		}
		// The session is named by its programme's Arabic title, not the French one.
		thanks = html.UnescapeString(ar.get(p.header.Get("Location")).body)
		if !strings.Contains(thanks, `<dd lang="ar">الاستقلالية الرقمية</dd>`) || strings.Contains(thanks, "Autonomie numérique") {
			t.Error("the Arabic thanks page does not name the session in Arabic")
		}
		body := s.waitSMSTo("+33761234567").Body
		for _, want := range []string{"\u2066+33 3 20 00 00 01\u2069", "\u206614:00\u2069", "ليلى", "الاستقلالية الرقمية"} {
			if !strings.Contains(body, want) {
				t.Errorf("the Arabic SMS lacks %q: %q", want, body)
			}
		}

		// A session that has begun: not preselected, the form says so, and a
		// registration naming it keeps no session.
		started := s.demoCohort("Lille", "Premiers pas numériques")
		form = html.UnescapeString(s.browser().get("/register?cohort=" + started).body)
		if valueOf(form, "cohort") != "" || !strings.Contains(form, fr.T("register.session_gone")) {
			t.Fatal("a started session is offered on the form")
		}
		v = registration(lille)
		v.Set("cohort", started)
		v.Set("last_name", "Tardif")
		if p := s.browser().post("/register", v); p.status != http.StatusSeeOther {
			t.Fatalf("register for a started session: %d", p.status)
		}
		if s.count("SELECT COUNT(*) FROM learners WHERE last_name = 'Tardif' AND wished_cohort_id IS NULL") != 1 {
			t.Fatal("a started session was kept as wished")
		}
	})
}

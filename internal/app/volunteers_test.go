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

	"tremplin/internal/messages"
	"tremplin/internal/platform/i18n"
)

// joinForm is a complete volunteer sign-up at antenna.
func joinForm(antenna, first, phone, email, lang string) url.Values {
	return url.Values{"antenna": {antenna}, "first_name": {first}, "last_name": {"Testeur"}, "phone": {phone}, "email": {email},
		"skills": {"repair", "interpreting"}, "languages": {"ar", "ti"}, "availability": {"le mardi"}, "lang": {lang}, "charter": {"yes"}}
}

var volunteerLink = regexp.MustCompile(`/volunteer/login/[A-Za-z0-9]+`)

// askVolunteerLink asks for a sign-in link with contact and returns the path the
// message carries ("" when none was queued).
func (s *site) askVolunteerLink(b *browser, contact, recipient string) string {
	s.t.Helper()
	before := s.count("SELECT COUNT(*) FROM messages WHERE kind = 'volunteer_link'")
	p := b.post("/volunteer/login", url.Values{"contact": {contact}})
	if p.status != http.StatusOK {
		s.t.Fatalf("asking a link: %d %v", p.status, errorsOf(p.body))
	}
	if s.count("SELECT COUNT(*) FROM messages WHERE kind = 'volunteer_link'") == before {
		return ""
	}
	var body string
	s.app.DB.QueryRowContext(context.Background(), "SELECT body FROM messages WHERE kind = 'volunteer_link' AND recipient = $1 ORDER BY id DESC LIMIT 1",
		recipient).Scan(&body)
	return volunteerLink.FindString(body)
}

// A visitor signs up: bad input is shown next to the fields and kept; the
// sign-up is stored pending with the charter version accepted and acknowledged
// in the language chosen; the same person sending it again stores and tells
// nothing twice.
func TestVolunteerSignUp(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		lille := s.antennaID("Lille")
		b := s.browser()
		if p := b.get("/"); !strings.Contains(p.body, `href="/volunteer/join"`) {
			t.Error("the home page does not lead visitors to the volunteer sign-up")
		}
		bad := joinForm(lille, "Awet", "", "", "fr")
		bad.Del("charter")
		bad.Set("first_name", "አወት")
		p := b.post("/volunteer/join", bad)
		errs := errorsOf(p.body)
		if p.status != http.StatusUnprocessableEntity || errs["phone"] == "" || errs["charter"] == "" {
			t.Fatalf("no contact and no charter: %d %v", p.status, errs)
		}
		if valueOf(p.body, "first_name") != "አወት" || !strings.Contains(p.body, `value="repair" checked`) {
			t.Error("the form did not keep what was typed")
		}
		if n := s.count("SELECT COUNT(*) FROM volunteers WHERE last_name = 'Testeur'"); n != 0 {
			t.Fatalf("%d volunteers stored from a bad form", n)
		}
		good := joinForm(lille, "Awet", "06 11 22 33 44", "", "ar")
		for range 2 {
			p = b.post("/volunteer/join", good)
			if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/volunteer/join/thanks") {
				t.Fatalf("sign-up: %d %v", p.status, errorsOf(p.body))
			}
		}
		// Same phone, other spelling and email: still the same person.
		again := joinForm(lille, "AWET", "+33611223344", "awet@example.org", "fr")
		if p = b.post("/volunteer/join", again); p.status != http.StatusSeeOther {
			t.Fatalf("sign-up again: %d", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM volunteers WHERE last_name = 'Testeur'"); n != 1 {
			t.Fatalf("%d volunteers for one person", n)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE kind = 'volunteer_joined'"); n != 1 {
			t.Errorf("%d acknowledgements, want 1", n)
		}
		var state, phone, version, lang, body string
		s.app.DB.QueryRowContext(context.Background(), `SELECT v.state, v.phone, r.version FROM volunteers v
			JOIN volunteer_requirements r ON r.volunteer_id = v.id AND r.kind = 'charter' WHERE v.last_name = 'Testeur'`).Scan(&state, &phone, &version)
		if state != "pending" || phone != "+33611223344" || version != "1" {
			t.Errorf("stored %s %s charter %q", state, phone, version)
		}
		s.app.DB.QueryRowContext(context.Background(), "SELECT lang, body FROM messages WHERE kind = 'volunteer_joined'").Scan(&lang, &body)
		if lang != "ar" || !strings.Contains(body, "شكرًا") {
			t.Errorf("acknowledgement in %s: %q", lang, body)
		}
		thanks := b.get(p.header.Get("Location"))
		if !strings.Contains(html.UnescapeString(thanks.body), i18n.For("fr").T("volunteers.join.thanks_title")) {
			t.Error("no thanks page")
		}
		// At another antenna, the same person is a new volunteer.
		if p = b.post("/volunteer/join", joinForm(s.antennaID("Bordeaux"), "Awet", "06 11 22 33 44", "", "fr")); p.status != http.StatusSeeOther {
			t.Fatalf("sign-up in Bordeaux: %d", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM volunteers WHERE last_name = 'Testeur'"); n != 2 {
			t.Errorf("%d volunteers after a sign-up at another antenna, want 2", n)
		}
	})
}

// Staff of the volunteer's antenna validate (the person is told how to sign in)
// or decline with a reason, record a check of honourability and a departure;
// staff of another antenna get the 404 page and change nothing.
func TestStaffReviewVolunteers(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		visitor := s.browser()
		visitor.post("/volunteer/join", joinForm(s.antennaID("Lille"), "Selam", "06 55 44 33 22", "selam@example.org", "en"))
		visitor.post("/volunteer/join", joinForm(s.antennaID("Lille"), "Yonas", "06 55 44 33 23", "", "fr"))
		selam := s.id("SELECT id FROM volunteers WHERE first_name = 'Selam'")
		yonas := s.id("SELECT id FROM volunteers WHERE first_name = 'Yonas'")

		bordeaux := s.signIn("manager.bordeaux@tremplin.example")
		for _, path := range []string{"/volunteers/" + selam} {
			if p := bordeaux.get(path); p.status != http.StatusNotFound || strings.Contains(p.body, "Selam") {
				t.Errorf("Bordeaux GET %s: %d", path, p.status)
			}
		}
		for _, action := range []string{"validate", "left", "check"} {
			if p := bordeaux.post("/volunteers/"+selam+"/"+action, url.Values{"seen_on": {"2026-01-05"}}); p.status != http.StatusNotFound {
				t.Errorf("Bordeaux POST %s: %d, want 404", action, p.status)
			}
		}
		if p := bordeaux.get("/volunteers"); strings.Contains(p.body, "Selam") {
			t.Error("Bordeaux's list shows a Lille volunteer")
		}
		if s.count("SELECT COUNT(*) FROM volunteers WHERE state = 'pending' AND last_name = 'Testeur'") != 2 ||
			s.count("SELECT COUNT(*) FROM volunteer_requirements WHERE kind = 'honourability' AND volunteer_id = $1", selam) != 0 {
			t.Fatal("Bordeaux changed a Lille volunteer")
		}

		karim := s.signIn("karim.lille@tremplin.example")
		list := karim.get("/volunteers?state=pending&skill=repair&language=ti")
		if list.status != http.StatusOK || !strings.Contains(list.body, "Selam") || !strings.Contains(list.body, "Yonas") {
			t.Fatalf("Lille's list of pending repairers speaking Tigrinya: %d", list.status)
		}
		// The demo's volunteer whose check of honourability expired, and only her.
		if p := karim.get("/volunteers?due=expired"); !strings.Contains(p.body, "Claire") || strings.Contains(p.body, "Fatima") {
			t.Error("the expired-requirement filter")
		}
		if p := karim.get("/volunteers?skill=mentoring"); strings.Contains(p.body, "Selam") {
			t.Error("the skill filter lets a volunteer without it through")
		}
		if p := karim.post("/volunteers/"+selam+"/validate", nil); p.status != http.StatusSeeOther {
			t.Fatalf("validate: %d", p.status)
		}
		var sms, email string
		s.app.DB.QueryRowContext(context.Background(), "SELECT body FROM messages WHERE kind = 'volunteer_validated' AND channel = 'sms'").Scan(&sms)
		s.app.DB.QueryRowContext(context.Background(), "SELECT body FROM messages WHERE kind = 'volunteer_validated' AND channel = 'email'").Scan(&email)
		if !strings.Contains(sms, "welcome") || !strings.Contains(sms, "/volunteer/login") || email == "" {
			t.Errorf("validation message (en): sms %q, email %q", sms, email)
		}
		// A decline needs a reason; an active volunteer cannot be declined.
		if p := karim.post("/volunteers/"+yonas+"/decline", nil); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["reason"] == "" {
			t.Errorf("decline without a reason: %d", p.status)
		}
		// Lille rewrote the French words of this news; Yonas is told in them,
		// without the team's coded reason.
		lilleID, _ := strconv.ParseInt(s.antennaID("Lille"), 10, 64)
		if err := messages.SaveText(context.Background(), s.app.DB, lilleID, "volunteers.sms.declined", "fr",
			"Bonjour {name}, merci ! Pas de place pour l'instant à {antenna}. Appelez le {phone}.", 0); err != nil {
			t.Fatal(err)
		}
		if p := karim.post("/volunteers/"+yonas+"/decline", url.Values{"reason": {"no_capacity"}}); p.status != http.StatusSeeOther {
			t.Errorf("decline: %d", p.status)
		}
		var declined string
		s.app.DB.QueryRowContext(context.Background(), "SELECT body FROM messages WHERE kind = 'volunteer_declined' AND channel = 'sms' AND ref_id = $1", yonas).Scan(&declined)
		if !strings.HasPrefix(declined, "Bonjour Yonas, merci ! Pas de place pour l'instant à Lille") || strings.Contains(declined, "no_capacity") {
			t.Errorf("Yonas is told %q, want Lille's own words without the coded reason", declined)
		}
		karim.post("/volunteers/"+selam+"/decline", url.Values{"reason": {"no_fit"}})
		if n := s.count("SELECT COUNT(*) FROM messages WHERE kind = 'volunteer_declined' AND ref_id = $1", selam); n != 0 {
			t.Errorf("Selam, active, was told of a decline that did not happen (%d messages)", n)
		}
		if n := s.count("SELECT COUNT(*) FROM volunteers WHERE state = 'active' AND id = $1", selam); n != 1 {
			t.Error("an active volunteer was declined")
		}
		if n := s.count("SELECT COUNT(*) FROM volunteers WHERE state = 'declined' AND decline_reason = 'no_capacity' AND id = $1", yonas); n != 1 {
			t.Error("the decline and its reason were not kept")
		}
		// The check of honourability: the day seen, who saw it, 36 months.
		if p := karim.post("/volunteers/"+selam+"/check", url.Values{"seen_on": {"2099-01-01"}}); p.status != http.StatusUnprocessableEntity {
			t.Errorf("a check seen in the future: %d", p.status)
		}
		if p := karim.post("/volunteers/"+selam+"/check", url.Values{"seen_on": {"2026-02-10"}}); p.status != http.StatusSeeOther {
			t.Fatalf("check: %d %v", p.status, errorsOf(p.body))
		}
		var expires, by string
		s.app.DB.QueryRowContext(context.Background(), `SELECT r.expires_on, s.email FROM volunteer_requirements r JOIN staff s ON s.id = r.recorded_by
			WHERE r.kind = 'honourability' AND r.volunteer_id = $1`, selam).Scan(&expires, &by)
		if expires != "2029-02-10" || by != "karim.lille@tremplin.example" {
			t.Errorf("check expires %q, seen by %q", expires, by)
		}
		page := html.UnescapeString(karim.get("/volunteers/" + selam).body)
		if !strings.Contains(page, "Selam") || !strings.Contains(page, i18n.For("fr").T("volunteers.requirement.honourability")) {
			t.Error("the volunteer's page does not show the check")
		}
		if p := karim.post("/volunteers/"+selam+"/left", nil); p.status != http.StatusSeeOther || s.count("SELECT COUNT(*) FROM volunteers WHERE state = 'left' AND id = $1", selam) != 1 {
			t.Errorf("left: %d", p.status)
		}
	})
}

// An active volunteer signs in with a one-time link sent by SMS (the link page
// does not use it, the button does, once), changes their preferences and
// accepts a new charter; someone unknown or not active gets the same answer and
// no link; a volunteer who has left loses their space.
func TestVolunteerSpace(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		visitor := s.browser()
		visitor.post("/volunteer/join", joinForm(s.antennaID("Lille"), "Hawa", "06 77 66 55 44", "", "fr"))
		hawa := s.id("SELECT id FROM volunteers WHERE first_name = 'Hawa'")
		b := s.browser()
		if link := s.askVolunteerLink(b, "06 77 66 55 44", "+33677665544"); link != "" {
			t.Fatal("a pending volunteer was sent a sign-in link")
		}
		if link := s.askVolunteerLink(b, "nobody@example.org", "nobody@example.org"); link != "" {
			t.Fatal("an unknown email was sent a link")
		}
		karim := s.signIn("karim.lille@tremplin.example")
		karim.post("/volunteers/"+hawa+"/validate", nil)
		if p := karim.get("/volunteer"); p.status != http.StatusForbidden {
			t.Errorf("staff in the volunteer space: %d, want 403", p.status)
		}

		link := s.askVolunteerLink(b, "06 77 66 55 44", "+33677665544")
		if link == "" {
			t.Fatal("no link sent to an active volunteer")
		}
		if p := b.get(link); p.status != http.StatusOK {
			t.Fatalf("link page: %d", p.status)
		}
		if p := b.get(link); p.status != http.StatusOK {
			t.Fatal("opening the link page used the link up")
		}
		if p := b.post(link, nil); p.status != http.StatusSeeOther || p.header.Get("Location") != "/volunteer" {
			t.Fatalf("sign in: %d %s", p.status, p.header.Get("Location"))
		}
		if p := s.browser().post(link, nil); p.status != http.StatusGone {
			t.Errorf("a link used twice: %d, want 410", p.status)
		}
		home := html.UnescapeString(b.get("/volunteer").body)
		if !strings.Contains(home, "Hawa") || !strings.Contains(home, `href="/volunteer/shifts"`) {
			t.Fatal("the volunteer's home page")
		}
		if p := b.get("/volunteers/" + hawa); p.header.Get("Location") == "" && p.status == http.StatusOK {
			t.Error("a volunteer sees the staff page")
		}
		// Their own preferences; a bad message language is refused and kept.
		if p := b.post("/volunteer/edit", url.Values{"availability": {"le samedi"}, "skills": {"mentoring"}, "lang": {"xx"}}); p.status != http.StatusUnprocessableEntity {
			t.Errorf("bad language: %d", p.status)
		}
		if p := b.post("/volunteer/edit", url.Values{"availability": {"le samedi"}, "skills": {"mentoring"}, "languages": {"fa"}, "lang": {"en"}}); p.status != http.StatusSeeOther {
			t.Fatalf("edit: %d %v", p.status, errorsOf(p.body))
		}
		if n := s.count(`SELECT COUNT(*) FROM volunteers v WHERE v.id = $1 AND v.availability = 'le samedi' AND v.lang = 'en'
			AND (SELECT COUNT(*) FROM volunteer_skills WHERE volunteer_id = v.id) = 1`, hawa); n != 1 {
			t.Error("the volunteer's changes were not saved")
		}
		// A new charter: the volunteer is asked to accept it, and both versions stay on record.
		today := time.Now().Format(time.DateOnly)
		if _, err := s.app.DB.Exec(context.Background(), `INSERT INTO volunteer_charters (version, published_on, text_fr, text_en, text_ar)
			VALUES (2, $1, 'Charte deux', 'Charter two', 'الميثاق الثاني')`, today); err != nil {
			t.Fatal(err)
		}
		if home := b.get("/volunteer").body; !strings.Contains(home, "Charter two") {
			t.Error("the new charter is not shown to accept (in the volunteer's language)")
		}
		b.post("/volunteer/charter", url.Values{"charter": {"yes"}, "version": {"2"}})
		if n := s.count("SELECT COUNT(*) FROM volunteer_requirements WHERE kind = 'charter' AND volunteer_id = $1 AND version IN ('1', '2')", hawa); n != 2 {
			t.Errorf("%d charter acceptances on record, want 2", n)
		}
		if home := b.get("/volunteer").body; strings.Contains(home, "Charter two") {
			t.Error("the accepted charter is still asked for")
		}
		// Once they have left, the session no longer opens the space, nor does a link.
		karim.post("/volunteers/"+hawa+"/left", nil)
		if p := b.get("/volunteer"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/volunteer/login") {
			t.Errorf("a volunteer who left: %d %s", p.status, p.header.Get("Location"))
		}
		if link := s.askVolunteerLink(s.browser(), "+33677665544", "+33677665544"); link != "" {
			t.Error("a volunteer who left was sent a link")
		}
	})
}

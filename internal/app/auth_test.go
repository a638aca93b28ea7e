package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tremplin/internal/demo"
)

func TestSignInAndOut(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		p := b.post("/login", url.Values{"email": {"Manager.Lille@tremplin.example "}, "password": {demo.Password}, "next": {"/places"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/places" {
			t.Fatalf("sign in: %d → %q", p.status, p.header.Get("Location"))
		}
		if home := b.get("/"); !strings.Contains(home.body, "Sophie Marchand") {
			t.Fatal("the signed-in home page does not greet the manager")
		}
		b.post("/logout", nil)
		if p := b.get("/places"); p.status != http.StatusSeeOther {
			t.Fatalf("after sign-out /places: %d", p.status)
		}
	})
}

func TestSessionCookieIsHardened(t *testing.T) {
	s := newSite(t, "sqlite")
	b := s.browser()
	req, _ := http.NewRequest("POST", s.srv.URL+"/login", strings.NewReader(url.Values{"email": {"admin@tremplin.example"}, "password": {demo.Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cookie := res.Header.Get("Set-Cookie")
	for _, want := range []string{"tremplin_session=", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
}

func TestWrongPasswordKeepsEmailAndSaysSo(t *testing.T) {
	s := newSite(t, "sqlite")
	b := s.browser()
	p := b.post("/login", url.Values{"email": {"karim.lille@tremplin.example"}, "password": {"not-the-password"}})
	if p.status != http.StatusUnauthorized {
		t.Fatalf("status %d", p.status)
	}
	if errorsOf(p.body)["password"] == "" {
		t.Fatal("no message next to the password field")
	}
	if valueOf(p.body, "email") != "karim.lille@tremplin.example" {
		t.Fatal("the email typed was not kept")
	}
	if strings.Contains(p.body, "not-the-password") {
		t.Fatal("the wrong password is sent back to the browser")
	}
}

// After five failures the account waits, even with the right password; so does an
// address trying many accounts.
func TestSignInAttemptsAreLimited(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		for range 5 {
			b.post("/login", url.Values{"email": {"julie.lille@tremplin.example"}, "password": {"guess-guess"}})
		}
		p := b.post("/login", url.Values{"email": {"julie.lille@tremplin.example"}, "password": {demo.Password}})
		if p.status != http.StatusTooManyRequests {
			t.Fatalf("sixth attempt with the right password: %d, want 429", p.status)
		}
		// Another account is not affected.
		if p := b.post("/login", url.Values{"email": {"karim.lille@tremplin.example"}, "password": {demo.Password}}); p.status != http.StatusSeeOther {
			t.Fatalf("another account: %d", p.status)
		}
	})
}

var resetLink = regexp.MustCompile(`http://[^\s]+/password/reset/[A-Z0-9]+`)

// A forgotten password is reset through an emailed link that works once.
func TestPasswordResetByEmailedLink(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		// Someone is signed in as Thomas elsewhere (a shared computer, a stolen password).
		elsewhere := s.signIn("thomas.lille@tremplin.example")
		if p := elsewhere.get("/inbox"); p.status != http.StatusOK {
			t.Fatalf("signed in elsewhere: %d", p.status)
		}
		b := s.browser()
		p := b.post("/password/forgot", url.Values{"email": {"thomas.lille@tremplin.example"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("forgot: %d", p.status)
		}
		// An unknown address gets the same answer and no email.
		if p := b.post("/password/forgot", url.Values{"email": {"nobody@example.org"}}); p.status != http.StatusSeeOther {
			t.Fatalf("forgot, unknown address: %d", p.status)
		}
		sent := s.outbox.Sent()
		if len(sent) != 1 || sent[0].To != "thomas.lille@tremplin.example" {
			t.Fatalf("emails sent: %+v", sent)
		}
		// Thomas chose English: the email is in English.
		if !strings.Contains(sent[0].Subject, "new password") {
			t.Errorf("subject %q is not in Thomas's language", sent[0].Subject)
		}
		link := resetLink.FindString(sent[0].Body)
		if link == "" {
			t.Fatalf("no link in %q", sent[0].Body)
		}
		path := strings.TrimPrefix(link, s.srv.URL)
		if p := b.get(path); p.status != http.StatusOK {
			t.Fatalf("reset form: %d", p.status)
		}
		p = b.post(path, url.Values{"password": {"short"}, "password2": {"short"}})
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["password"] == "" {
			t.Fatalf("a short password: %d %v", p.status, errorsOf(p.body))
		}
		p = b.post(path, url.Values{"password": {"une phrase facile"}, "password2": {"une phrase facile"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("reset: %d %v", p.status, errorsOf(p.body))
		}
		if p := b.post("/login", url.Values{"email": {"thomas.lille@tremplin.example"}, "password": {"une phrase facile"}}); p.status != http.StatusSeeOther {
			t.Fatalf("sign in with the new password: %d", p.status)
		}
		// The new password signed the other session out.
		if p := elsewhere.get("/inbox"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
			t.Errorf("the session signed in with the old password: %d %s", p.status, p.header.Get("Location"))
		}
		if p := b.get("/inbox"); p.status != http.StatusOK {
			t.Errorf("signed in with the new password: %d", p.status)
		}
		// The link worked once.
		if p := b.get(path); p.status != http.StatusGone || !strings.Contains(p.body, `href="/password/forgot"`) {
			t.Fatalf("used link: %d", p.status)
		}
		if p := s.browser().post(path, url.Values{"password": {"another phrase"}, "password2": {"another phrase"}}); p.status != http.StatusGone {
			t.Fatalf("second use of the link: %d", p.status)
		}
	})
}

// A new staff member is invited by email to choose a password.
func TestNewStaffIsInvitedByEmail(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		admin := s.signIn("admin@tremplin.example")
		lille := s.antennaID("Lille")
		form := url.Values{"name": {"Nadia Haddad"}, "email": {"nadia@tremplin.example"}, "role": {"adviser"}, "lang": {"ar"}, "antennas": {lille}}
		if p := admin.post("/staff", form); p.status != http.StatusSeeOther {
			t.Fatalf("create: %d %v", p.status, errorsOf(p.body))
		}
		sent := s.outbox.Sent()
		if len(sent) != 1 || sent[0].To != "nadia@tremplin.example" || !resetLink.MatchString(sent[0].Body) {
			t.Fatalf("invitation: %+v", sent)
		}
		// The same email twice: a message next to the field, everything kept.
		form.Set("name", "Nadia H.")
		p := admin.post("/staff", form)
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["email"] == "" {
			t.Fatalf("duplicate email: %d %v", p.status, errorsOf(p.body))
		}
		if valueOf(p.body, "name") != "Nadia H." || !strings.Contains(p.body, `value="`+lille+`" checked`) {
			t.Fatal("the duplicate-email form lost what was typed")
		}
		// A new adviser sees only their antenna once they sign in.
		link := resetLink.FindString(sent[0].Body)
		b := s.browser()
		b.post(strings.TrimPrefix(link, s.srv.URL), url.Values{"password": {"mot de passe long"}, "password2": {"mot de passe long"}})
		if p := b.post("/login", url.Values{"email": {"nadia@tremplin.example"}, "password": {"mot de passe long"}}); p.status != http.StatusSeeOther {
			t.Fatalf("new adviser signs in: %d", p.status)
		}
		home := b.get("/")
		if !strings.Contains(home.body, `dir="rtl"`) {
			t.Error("the adviser chose Arabic but the page is not right-to-left")
		}
	})
}

// Changing one's password on the profile page keeps that session and signs the
// account out everywhere else.
func TestNewPasswordSignsOutOtherSessions(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		here := s.signIn("julie.lille@tremplin.example")
		elsewhere := s.signIn("julie.lille@tremplin.example")
		p := here.post("/profile", url.Values{"lang": {"fr"}, "current": {demo.Password}, "password": {"un nouveau mot de passe"},
			"password2": {"un nouveau mot de passe"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("change the password: %d %v", p.status, errorsOf(p.body))
		}
		if p := here.get("/profile"); p.status != http.StatusOK {
			t.Errorf("the session that changed the password: %d", p.status)
		}
		if p := elsewhere.get("/profile"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
			t.Errorf("another session: %d %s", p.status, p.header.Get("Location"))
		}
		// A language change alone signs nobody out.
		again := s.browser()
		if p := again.post("/login", url.Values{"email": {"julie.lille@tremplin.example"}, "password": {"un nouveau mot de passe"}}); p.status != http.StatusSeeOther {
			t.Fatalf("sign in with the new password: %d", p.status)
		}
		if p := here.post("/profile", url.Values{"lang": {"en"}}); p.status != http.StatusSeeOther {
			t.Fatalf("change the language: %d", p.status)
		}
		if p := again.get("/profile"); p.status != http.StatusOK {
			t.Errorf("a language change signed another session out: %d", p.status)
		}
	})
}

// loginNext is the next field of the sign-in form on a page.
var loginNext = regexp.MustCompile(`action="/login"[^>]*>\s*<input type="hidden" name="next" value="([^"]*)"`)

// No link to the sign-in page or to the language switch can send someone to
// another site: a target a browser reads as another host (a tab or a backslash,
// typed or percent-encoded, two slashes, a scheme) leads to the home page.
func TestRedirectsStayOnThisSite(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		for _, next := range []string{"/\t/evil.example", "/%09/evil.example", "/\n/evil.example", "/\\evil.example",
			"/%5Cevil.example", "//evil.example", "https://evil.example/", "/%2F/evil.example"} {
			b := s.browser()
			p := b.get("/login?next=" + url.QueryEscape(next))
			if m := loginNext.FindStringSubmatch(p.body); m == nil || m[1] != "/" {
				t.Errorf("the sign-in form carries next=%q as %q", next, m)
			}
			p = b.post("/login", url.Values{"email": {"karim.lille@tremplin.example"}, "password": {demo.Password}, "next": {next}})
			if loc := p.header.Get("Location"); p.status != http.StatusSeeOther || loc != "/" {
				t.Errorf("sign in with next=%q: %d → %q, want the home page", next, p.status, loc)
			}
			p = b.post("/lang", url.Values{"lang": {"en"}, "next": {next}})
			if loc := p.header.Get("Location"); p.status != http.StatusSeeOther || loc != "/" {
				t.Errorf("language switch with next=%q: %d → %q, want the home page", next, p.status, loc)
			}
		}
		// A page of the site is where one goes back to.
		b := s.browser()
		if p := b.post("/lang", url.Values{"lang": {"ar"}, "next": {"/login?next=%2Fplaces"}}); p.header.Get("Location") != "/login?next=%2Fplaces" {
			t.Errorf("language switch back to the sign-in page: %q", p.header.Get("Location"))
		}
		if p := b.get("/login?next=%2Fplaces"); loginNext.FindStringSubmatch(p.body)[1] != "/places" {
			t.Error("the sign-in form lost next=/places")
		}
	})
}

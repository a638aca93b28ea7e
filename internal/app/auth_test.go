package app_test

import (
	"html"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tremplin/internal/demo"
	"tremplin/internal/platform/i18n"
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

// After five failures from an address the account waits there, even with the
// right password; another account is not affected.
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

// browserFrom is a browser on another machine: its connections come from ip (a
// loopback address such as 127.0.0.2), so that per-address limits see someone else.
func (s *site) browserFrom(ip string) *browser {
	b := s.browser()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	b.c.Transport = &http.Transport{DialContext: d.DialContext}
	return b
}

// A stranger typing wrong passwords cannot lock a staff member out: sign-in to
// that account pauses for the stranger's address only, the owner signs in from
// elsewhere and is told by email, once, in their language. An address trying many
// accounts waits too.
func TestFailedSignInsDoNotLockTheOwnerOut(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		const thomas = "thomas.lille@tremplin.example" // reads English
		stranger := s.browserFrom("127.0.0.2")
		for range 5 {
			stranger.post("/login", url.Values{"email": {thomas}, "password": {"guess-guess"}})
		}
		if p := stranger.post("/login", url.Values{"email": {thomas}, "password": {demo.Password}}); p.status != http.StatusTooManyRequests {
			t.Fatalf("the stranger's sixth attempt: %d, want 429", p.status)
		}
		if p := s.browserFrom("127.0.0.3").post("/login", url.Values{"email": {thomas}, "password": {demo.Password}}); p.status != http.StatusSeeOther {
			t.Fatalf("the owner, from another address: %d, want signed in", p.status)
		}
		en := i18n.For("en")
		mails := s.mailsTo(thomas)
		if len(mails) != 1 || mails[0].Subject != en.T("login.alert.subject") || !strings.Contains(mails[0].Body, s.srv.URL+"/password/forgot") {
			t.Fatalf("the owner is told once, in English, with a way to a new password: %+v", mails)
		}
		// More failures within the window, from elsewhere: no second email.
		other := s.browserFrom("127.0.0.4")
		for range 5 {
			other.post("/login", url.Values{"email": {thomas}, "password": {"guess-again"}})
		}
		if n := len(s.mailsTo(thomas)); n != 1 {
			t.Errorf("%d emails to the owner within 15 minutes, want 1", n)
		}
		// 30 failures from one address, over any accounts, pause every account there.
		for i := range 25 {
			stranger.post("/login", url.Values{"email": {"nobody" + string(rune('a'+i)) + "@tremplin.example"}, "password": {"guess-guess"}})
		}
		if p := stranger.post("/login", url.Values{"email": {"karim.lille@tremplin.example"}, "password": {demo.Password}}); p.status != http.StatusTooManyRequests {
			t.Errorf("an address that failed 30 times, on another account: %d, want 429", p.status)
		}
		if p := s.browser().post("/login", url.Values{"email": {"karim.lille@tremplin.example"}, "password": {demo.Password}}); p.status != http.StatusSeeOther {
			t.Errorf("the same account from another address: %d", p.status)
		}
	})
}

// A password link stops working as soon as a newer one is asked for, and when the
// password is changed on the profile page.
func TestOnlyTheLatestPasswordLinkWorks(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		const karim = "karim.lille@tremplin.example"
		b := s.browser()
		ask := func() string {
			t.Helper()
			b.post("/password/forgot", url.Values{"email": {karim}})
			mails := s.mailsTo(karim)
			if len(mails) == 0 {
				t.Fatal("no password link sent")
			}
			return strings.TrimPrefix(resetLink.FindString(mails[len(mails)-1].Body), s.srv.URL)
		}
		first := ask()
		second := ask()
		if first == second {
			t.Fatal("the same link twice")
		}
		if p := b.get(first); p.status != http.StatusGone {
			t.Errorf("the older link once a newer was asked for: %d, want 410", p.status)
		}
		if p := b.post(second, url.Values{"password": {"une phrase facile"}, "password2": {"une phrase facile"}}); p.status != http.StatusSeeOther {
			t.Fatalf("the newer link: %d %v", p.status, errorsOf(p.body))
		}
		if p := b.post(first, url.Values{"password": {"la phrase d'un autre"}, "password2": {"la phrase d'un autre"}}); p.status != http.StatusGone {
			t.Errorf("the older link after the newer was used: %d, want 410", p.status)
		}
		third := ask()
		owner := s.browser()
		owner.post("/login", url.Values{"email": {karim}, "password": {"une phrase facile"}})
		if p := owner.post("/profile", url.Values{"lang": {"fr"}, "current": {"une phrase facile"}, "password": {"encore une autre phrase"},
			"password2": {"encore une autre phrase"}}); p.status != http.StatusSeeOther {
			t.Fatalf("change the password: %d %v", p.status, errorsOf(p.body))
		}
		if p := b.get(third); p.status != http.StatusGone {
			t.Errorf("a link asked for before the password changed: %d, want 410", p.status)
		}
	})
}

// "Forgot my password" sends an account at most 3 links an hour and answers at
// most 10 requests an hour from one address, with the same page whether a link
// went or not, and whether the account exists or not.
func TestPasswordLinksAreLimited(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		const julie, karim = "julie.lille@tremplin.example", "karim.lille@tremplin.example"
		sent := i18n.For("fr").T("reset.sent")
		b := s.browserFrom("127.0.0.2")
		ask := func(email string) {
			t.Helper()
			p := b.post("/password/forgot", url.Values{"email": {email}})
			if p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
				t.Fatalf("forgot %s: %d → %s", email, p.status, p.header.Get("Location"))
			}
			if p := b.get("/login"); !strings.Contains(html.UnescapeString(p.body), sent) {
				t.Fatalf("forgot %s: the page does not say a link is on its way", email)
			}
		}
		for range 5 {
			ask(julie)
		}
		if n := len(s.mailsTo(julie)); n != 3 {
			t.Errorf("%d links sent to one account within the hour, want 3", n)
		}
		for _, email := range []string{"a@example.org", "b@example.org", "c@example.org", "d@example.org", "e@example.org"} {
			ask(email)
		}
		ask(karim) // the eleventh request from this address
		if n := len(s.mailsTo(karim)); n != 0 {
			t.Errorf("an address that asked 10 times within the hour had %d more link(s) sent", n)
		}
		if s.browserFrom("127.0.0.3").post("/password/forgot", url.Values{"email": {karim}}); len(s.mailsTo(karim)) != 1 {
			t.Error("another address was refused a link")
		}
	})
}

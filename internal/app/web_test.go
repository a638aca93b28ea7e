package app_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tremplin/internal/platform/db"
)

func TestNotFoundPageSpeaksTheVisitorsLanguage(t *testing.T) {
	s := newSite(t, db.SQLite)
	b := s.browser()
	b.lang = "ar,fr;q=0.5"
	p := b.get("/nulle-part")
	if p.status != http.StatusNotFound || !strings.Contains(p.body, `dir="rtl"`) || !strings.Contains(p.body, "الصفحة غير موجودة") {
		t.Fatalf("404 in Arabic: %d\n%s", p.status, p.body)
	}
	b.lang = "en-GB"
	if p := b.get("/nowhere"); !strings.Contains(p.body, "Page not found") || !strings.Contains(p.body, `lang="en"`) {
		t.Fatal("404 in English")
	}
}

// A visitor's choice is kept in a cookie and beats Accept-Language; a staff
// member's choice is kept in their profile and follows them to another device.
func TestLanguageChoiceIsRemembered(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		b.lang = "en"
		p := b.post("/lang", url.Values{"lang": {"ar"}, "next": {"/login"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
			t.Fatalf("switch: %d %q", p.status, p.header.Get("Location"))
		}
		if p := b.get("/login"); !strings.Contains(p.body, `<html lang="ar" dir="rtl">`) {
			t.Fatal("the visitor's choice of Arabic was not kept")
		}
		// An outside "next" is not followed.
		if p := b.post("/lang", url.Values{"lang": {"fr"}, "next": {"//evil.example/"}}); p.header.Get("Location") != "/" {
			t.Fatalf("open redirect to %q", p.header.Get("Location"))
		}

		staff := s.signIn("julie.lille@tremplin.example")
		staff.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}})
		other := s.signIn("julie.lille@tremplin.example") // another device: no cookie
		if p := other.get("/antennas"); !strings.Contains(p.body, `<html lang="en"`) {
			t.Fatal("the staff member's language did not follow them")
		}
		p = other.post("/profile", url.Values{"lang": {"ar"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("profile: %d %v", p.status, errorsOf(p.body))
		}
		if p := other.get("/profile"); !strings.Contains(p.body, `dir="rtl"`) || !strings.Contains(p.body, "تم حفظ") {
			t.Fatal("the profile's language is not applied, or no confirmation shown")
		}
	})
}

func TestOversizedBodyGets413Page(t *testing.T) {
	s := newSite(t, db.SQLite)
	b := s.browser()
	big := url.Values{"email": {"a@b.c"}, "password": {strings.Repeat("x", 2<<20)}}
	p := b.post("/login", big)
	if p.status != http.StatusRequestEntityTooLarge || !strings.Contains(p.body, "Envoi trop volumineux") {
		t.Fatalf("status %d\n%.300s", p.status, p.body)
	}
}

// When the database is gone, pages say so with a 503 and a request id; nobody
// sees the error itself, and /readyz reports it.
func TestDatabaseOutageGives503(t *testing.T) {
	s := newSite(t, db.SQLite)
	b := s.signIn("admin@tremplin.example")
	s.app.DB.Close()
	p := b.get("/antennas")
	if p.status != http.StatusServiceUnavailable {
		t.Fatalf("status %d", p.status)
	}
	if !regexp.MustCompile(`code à l'équipe : [0-9a-f]{12}|code à l&#39;équipe : [0-9a-f]{12}`).MatchString(p.body) {
		t.Errorf("no request id on the 503 page:\n%s", p.body)
	}
	if strings.Contains(p.body, "sql:") || strings.Contains(p.body, "closed") {
		t.Error("the raw error reaches the page")
	}
	if p := s.browser().get("/readyz"); p.status != http.StatusServiceUnavailable {
		t.Errorf("/readyz: %d", p.status)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		if p := b.get("/healthz"); p.status != 200 {
			t.Errorf("/healthz %d", p.status)
		}
		if p := b.get("/readyz"); p.status != 200 {
			t.Errorf("/readyz %d", p.status)
		}
	})
}

func TestSecurityHeadersOnEveryPage(t *testing.T) {
	s := newSite(t, db.SQLite)
	b := s.browser()
	for _, path := range []string{"/", "/login", "/nowhere", "/password/forgot"} {
		p := b.get(path)
		csp := p.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if p.header.Get("X-Content-Type-Options") != "nosniff" || p.header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, p.header)
		}
		if strings.Contains(p.body, "<script") || regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(p.body) {
			t.Errorf("%s loads a script or a third-party resource", path)
		}
	}
}

// rawGet fetches with gzip accepted and returns the compressed size and body.
func rawGet(t *testing.T, s *site, b *browser, path string) (int, http.Header, string) {
	req, _ := http.NewRequest("GET", s.srv.URL+path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	body := string(raw)
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		body = string(plain)
	}
	return len(raw), res.Header, body
}

var stylesheet = regexp.MustCompile(`<link rel="stylesheet" href="(/assets/app\.[0-9a-f]{10}\.css)">`)

// Pages are compressed, the stylesheet is cached for a year under a hashed name,
// and a page with its stylesheet weighs at most 30 KB on the wire.
func TestPagesAreLightAndCached(t *testing.T) {
	s := newSite(t, db.SQLite)
	admin := s.signIn("admin@tremplin.example")
	for _, path := range []string{"/", "/login", "/antennas", "/places", "/places/new", "/staff", "/staff/new"} {
		b := admin
		if path == "/login" {
			b = s.browser()
		}
		n, h, body := rawGet(t, s, b, path)
		if h.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s is not compressed", path)
		}
		m := stylesheet.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no hashed stylesheet", path)
		}
		css, ch, _ := rawGet(t, s, b, m[1])
		if !strings.Contains(ch.Get("Cache-Control"), "immutable") || ch.Get("Content-Encoding") != "gzip" {
			t.Errorf("stylesheet headers %v", ch)
		}
		if total := n + css; total > 30*1024 {
			t.Errorf("%s weighs %d bytes with its stylesheet, over 30 KB", path, total)
		} else {
			t.Logf("%s: %d B html + %d B css (compressed)", path, n, css)
		}
	}
}

// Someone who switches to Arabic on the sign-in page stays in Arabic once signed in.
func TestLanguageChosenBeforeSignInIsKept(t *testing.T) {
	s := newSite(t, db.SQLite)
	b := s.browser()
	b.post("/lang", url.Values{"lang": {"ar"}, "next": {"/login"}})
	if p := b.post("/login", url.Values{"email": {"manager.lille@tremplin.example"}, "password": {"tremplin-demo"}}); p.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", p.status)
	}
	if p := b.get("/places"); !strings.Contains(p.body, `dir="rtl"`) {
		t.Fatal("signing in switched the page back to the profile's French")
	}
}

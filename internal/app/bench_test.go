package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"tremplin/internal/app"
	"tremplin/internal/platform/db"
)

// BenchmarkStartup measures start-up to a ready handler on an empty SQLite
// database: open, migrate, parse templates, hash assets (budget: 300 ms).
func BenchmarkStartup(b *testing.B) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for b.Loop() {
		a, err := app.New(context.Background(), app.Config{Data: b.TempDir(), Log: log})
		if err != nil {
			b.Fatal(err)
		}
		a.Close()
	}
}

// BenchmarkPages serves pages through the whole middleware chain, and reports
// their compressed size.
func BenchmarkPages(b *testing.B) {
	s := newSite(b, db.SQLite)
	admin := s.signIn("admin@tremplin.example")
	for _, path := range []string{"/", "/login", "/places", "/courses", "/inbox", "/cohorts"} {
		b.Run(path, func(b *testing.B) {
			var cookies []*http.Cookie
			if path != "/login" {
				cookies = admin.c.Jar.Cookies(mustURL(s.srv.URL))
			}
			var size int
			for b.Loop() {
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				for _, c := range cookies {
					req.AddCookie(c)
				}
				w := httptest.NewRecorder()
				s.app.Handler().ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatalf("%s: %d", path, w.Code)
				}
				size = w.Body.Len()
			}
			b.ReportMetric(float64(size), "gzip-bytes")
		})
	}
}

// BenchmarkRegister posts registrations through the whole chain, each from its
// own address and for a new person, as bench/load.sh does over HTTP.
func BenchmarkRegister(b *testing.B) {
	s := newSite(b, db.SQLite)
	antenna := s.antennaID("Lille")
	n := 0
	for b.Loop() {
		n++
		form := url.Values{"antenna": {antenna}, "first_name": {"Amina"}, "last_name": {fmt.Sprintf("Charge%d", n)},
			"phone": {fmt.Sprintf("+3361%07d", n)}, "birth_year": {"1991"}, "where": {"59000"}, "consent": {"yes"}}
		req := httptest.NewRequest("POST", "/register", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = fmt.Sprintf("10.%d.%d.1:1234", n%250, n/250%250)
		w := httptest.NewRecorder()
		s.app.Handler().ServeHTTP(w, req)
		if w.Code != http.StatusSeeOther {
			b.Fatalf("register: %d\n%s", w.Code, w.Body.String())
		}
	}
}

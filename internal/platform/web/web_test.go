package web

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"tremplin/internal/platform/db"
)

func TestMinifyCSSKeepsMeaning(t *testing.T) {
	in := "/* comment */\n.a > .b ,\n.c {\n  margin-inline-start : 1rem ;\n  font-family: system-ui, \"Noto Sans\";\n}\n@media (min-width: 48rem) { .d { color: red; } }\n"
	got := string(minifyCSS([]byte(in)))
	want := `.a>.b,.c{margin-inline-start:1rem;font-family:system-ui,"Noto Sans"}@media (min-width: 48rem){.d{color:red}}`
	if got != want {
		t.Fatalf("minified\n got %s\nwant %s", got, want)
	}
}

func TestCompressOnlyText(t *testing.T) {
	h := Compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/png" {
			w.Header().Set("Content-Type", "image/png")
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		w.Write([]byte(strings.Repeat("bonjour ", 100)))
	}))
	for path, wantGzip := range map[string]bool{"/html": true, "/png": false} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept-Encoding", "gzip, br")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		gz := rec.Header().Get("Content-Encoding") == "gzip"
		if gz != wantGzip {
			t.Fatalf("%s: gzip %v, want %v", path, gz, wantGzip)
		}
		if gz {
			zr, err := gzip.NewReader(rec.Body)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(zr)
			if string(body) != strings.Repeat("bonjour ", 100) {
				t.Fatal("gzip body does not decompress to the page")
			}
		}
	}
	// No Accept-Encoding: plain.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/html", nil))
	if rec.Header().Get("Content-Encoding") != "" || !strings.HasPrefix(rec.Body.String(), "bonjour") {
		t.Fatal("a client without gzip got gzip")
	}
}

// A streaming handler's flush reaches the client through the compressor: what
// was written so far can be read at once.
func TestCompressFlushSendsWhatIsWritten(t *testing.T) {
	rec := httptest.NewRecorder()
	h := Compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Write([]byte("first rows;"))
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len("first rows;"))
		if _, err := io.ReadFull(zr, got); err != nil || string(got) != "first rows;" || !rec.Flushed {
			t.Errorf("after the flush the client reads %q (%v), flushed %v", got, err, rec.Flushed)
		}
		w.Write([]byte("the rest"))
	}))
	req := httptest.NewRequest("GET", "/exports/learners.csv", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	h.ServeHTTP(rec, req)
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if body, _ := io.ReadAll(zr); string(body) != "first rows;the rest" {
		t.Errorf("whole body %q", body)
	}
}

func TestLimitBodyGivesErrTooLarge(t *testing.T) {
	var got error
	h := LimitBody(100, 1000)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, got = ParseForm(r)
	}))
	body := url.Values{"x": {strings.Repeat("a", 200)}}.Encode()
	req := httptest.NewRequest("POST", "/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if got != ErrTooLarge {
		t.Fatalf("got %v, want ErrTooLarge", got)
	}
}

func TestFormKeepsFirstProblemPerField(t *testing.T) {
	f := NewForm(url.Values{"name": {"  "}, "city": {"Lille"}})
	f.Required("name", "city")
	f.Fail("name", "form.too_long")
	if f.Valid() || f.Errors["name"] != "form.required" || f.Errors["city"] != "" {
		t.Fatalf("errors %v", f.Errors)
	}
}

func TestForwardedForTakesTheProxysEntry(t *testing.T) {
	var got string
	h := ForwardedFor(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.RemoteAddr }))
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "10.0.0.1:5555"
	req.Header.Set("X-Forwarded-For", "1.2.3.4, 203.0.113.9")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if got != "203.0.113.9:0" {
		t.Fatalf("client address %q", got)
	}
	req.Header.Set("X-Forwarded-For", "garbage")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if got != "10.0.0.1:5555" {
		t.Fatalf("a bad header changed the address to %q", got)
	}
}

// A record missing or out of reach, however deep it was wrapped, is answered once
// here with the 404 page; any other failure is the 500 page.
func TestFailAnswersNotFoundWithThe404Page(t *testing.T) {
	assets, err := NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRenderer(assets, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		err  error
		want int
	}{
		{"not found", db.ErrNotFound, http.StatusNotFound},
		{"wrapped", fmt.Errorf("cohort 12: %w", db.ErrNotFound), http.StatusNotFound},
		{"other", errors.New("disk full"), http.StatusInternalServerError},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			r.Fail(w, httptest.NewRequest("GET", "/cohorts/12", nil), c.err)
			if w.Code != c.want {
				t.Errorf("status %d, want %d", w.Code, c.want)
			}
		})
	}
}

func TestLocalPathKeepsRedirectsOnThisSite(t *testing.T) {
	for target, want := range map[string]string{
		"/places":                      "/places",
		"/learners?q=a%20b&page=2#top": "/learners?q=a%20b&page=2#top",
		"/%C3%A9t%C3%A9":               "/%C3%A9t%C3%A9",
		"":                             "",
		"places":                       "",
		"//evil.example":               "",
		"/\\evil.example":              "",
		"/\t/evil.example":             "",
		"/\n/evil.example":             "",
		"/%09/evil.example":            "",
		"/%2509/evil.example":          "",
		"/%5Cevil.example":             "",
		"/%2F/evil.example":            "",
		"https://evil.example/":        "",
		"javascript:alert(1)":          "",
		"/\u0085/evil.example":         "",
		"/%zz":                         "",
	} {
		if got := LocalPath(target); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", target, got, want)
		}
	}
}

package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tremplin/internal/app"
	"tremplin/internal/demo"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/notify"
)

// site is a running Tremplin with the demo association, on a loopback port.
type site struct {
	t      testing.TB
	app    *app.App
	srv    *httptest.Server
	outbox *notify.Outbox
	logs   *bytes.Buffer
}

// newSite starts a site; opts may change its configuration first.
func newSite(t testing.TB, engine db.Engine, opts ...func(*app.Config)) *site {
	t.Helper()
	ctx := context.Background()
	s := &site{t: t, outbox: &notify.Outbox{}, logs: &bytes.Buffer{}}
	s.srv = httptest.NewUnstartedServer(nil)
	cfg := app.Config{
		DatabaseURL: dbtest.URL(t, engine),
		BaseURL:     "http://" + s.srv.Listener.Addr().String(),
		Log:         slog.New(slog.NewTextHandler(s.logs, nil)),
		Mailer:      s.outbox,
		SMS:         s.outbox,
		QueuePoll:   20 * time.Millisecond,
		Now:         morning,
	}
	for _, o := range opts {
		o(&cfg)
	}
	a, err := app.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.app = a
	if _, err := demo.Seed(ctx, a.DB); err != nil {
		t.Fatal(err)
	}
	s.srv.Config.Handler = a.Handler()
	s.srv.Start()
	t.Cleanup(func() { s.srv.Close(); a.Close() })
	return s
}

// morning is the clock of the site's messages and appointments: 10:00 in Paris
// today, so that quiet hours (20:00–08:00) do not depend on when the tests run.
func morning() time.Time {
	loc, _ := time.LoadLocation("Europe/Paris")
	y, m, d := time.Now().In(loc).Date()
	return time.Date(y, m, d, 10, 0, 0, 0, loc)
}

// work starts the site's queue, as serving does: messages go out.
func (s *site) work() {
	s.t.Helper()
	if err := s.app.Work(context.Background()); err != nil {
		s.t.Fatal(err)
	}
}

// waitSMSTo waits for a text message to phone and returns the last one.
func (s *site) waitSMSTo(phone string) notify.SentSMS {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		sent := s.outbox.SMSSent()
		for i := len(sent) - 1; i >= 0; i-- {
			if sent[i].To == phone {
				return sent[i]
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no SMS to %s among %d sent", phone, len(sent))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// eachSite runs fn against a fresh site on each database engine.
func eachSite(t *testing.T, fn func(t *testing.T, s *site)) {
	for _, e := range []db.Engine{db.SQLite, db.Postgres} {
		t.Run(string(e), func(t *testing.T) { fn(t, newSite(t, e)) })
	}
}

// browser is one person's client: their cookies, their language.
type browser struct {
	t    testing.TB
	s    *site
	c    *http.Client
	lang string
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: s.t, s: s, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// page is a response read whole.
type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, header: res.Header, body: string(body)}
}

func (b *browser) get(path string) page {
	req, _ := http.NewRequest("GET", b.s.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) page {
	req, _ := http.NewRequest("POST", b.s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (s *site) signIn(email string) *browser {
	s.t.Helper()
	b := s.browser()
	p := b.post("/login", url.Values{"email": {email}, "password": {demo.Password}})
	if p.status != http.StatusSeeOther {
		s.t.Fatalf("sign in as %s: status %d\n%s", email, p.status, p.body)
	}
	return b
}

// antennaID finds a demo antenna's id by name.
func (s *site) antennaID(name string) string {
	s.t.Helper()
	var id string
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(id AS TEXT) FROM antennas WHERE name = $1", name).Scan(&id); err != nil {
		s.t.Fatalf("antenna %s: %v", name, err)
	}
	return id
}

func (s *site) placeID(name string) string {
	s.t.Helper()
	var id string
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(id AS TEXT) FROM places WHERE name = $1", name).Scan(&id); err != nil {
		s.t.Fatalf("place %s: %v", name, err)
	}
	return id
}

var fieldError = regexp.MustCompile(`<p class="error" id="e-([a-z_0-9]+)">([^<]*)</p>`)

// errorsOf returns the message shown next to each field of a form page.
func errorsOf(body string) map[string]string {
	out := map[string]string{}
	for _, m := range fieldError.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// valueOf returns the value attribute of the input named name.
func valueOf(body, name string) string {
	re := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `"[^>]*value="([^"]*)"`)
	if m := re.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

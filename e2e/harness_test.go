package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"tremplin/internal/app"
	"tremplin/internal/demo"
	"tremplin/internal/platform/notify"
)

const (
	// pageBudget is the most one page may cost on the wire, subresources
	// included: members of the association browse on prepaid mobile data.
	pageBudget = 30 * 1024

	// journeyTimeout bounds one test, so a page that never loads fails the test
	// rather than hanging until go test's own ten-minute limit.
	journeyTimeout = 45 * time.Second

	// axePath is where `npm ci` puts axe-core; go test runs in this folder.
	axePath = "node_modules/axe-core/axe.min.js"
)

// chromiumPath is the browser to drive: TREMPLIN_CHROMIUM, else Debian's.
func chromiumPath() string {
	if p := os.Getenv("TREMPLIN_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// requireTools skips the test when Chromium or axe-core is missing, so that
// `go test ./...` stays green on a laptop without them; CI sets
// TREMPLIN_REQUIRE_BROWSER=1 so that a broken setup cannot pass as a skip.
func requireTools(t *testing.T) (chromium string) {
	t.Helper()
	var missing []string
	chromium = chromiumPath()
	if _, err := exec.LookPath(chromium); err != nil {
		missing = append(missing, fmt.Sprintf("Chromium at %s (apt-get install chromium, or set TREMPLIN_CHROMIUM)", chromium))
	}
	if _, err := axeSource(); err != nil {
		missing = append(missing, "axe-core in e2e/node_modules (cd e2e && npm ci)")
	}
	if len(missing) > 0 {
		msg := "browser tests need " + strings.Join(missing, " and ")
		if os.Getenv("TREMPLIN_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg + "; set TREMPLIN_REQUIRE_BROWSER=1 to make this a failure")
	}
	return chromium
}

// startSite runs the real application with the demo association, on SQLite in a
// temporary folder and a loopback port. It returns the site's origin, the app (for
// tests to look in its database) and the outbox its emails and SMS go to.
func startSite(t *testing.T) (string, *app.App, *notify.Outbox) {
	t.Helper()
	ctx := context.Background()
	// The server is made before the app so the app knows its own address.
	srv := httptest.NewUnstartedServer(nil)
	origin := "http://" + srv.Listener.Addr().String()
	logs := &syncBuffer{}
	outbox := &notify.Outbox{}
	a, err := app.New(ctx, app.Config{
		Addr:    srv.Listener.Addr().String(),
		Data:    t.TempDir(),
		BaseURL: origin,
		Log:     slog.New(slog.NewTextHandler(logs, nil)),
		Mailer:  outbox,
		SMS:     outbox,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, a.DB); err != nil {
		a.Close()
		t.Fatal(err)
	}
	srv.Config.Handler = a.Handler()
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		a.Close()
		// The server's log only matters when something went wrong.
		if t.Failed() && logs.String() != "" {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return origin, a, outbox
}

// syncBuffer is a bytes.Buffer that request goroutines can log into.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// browser is one visitor's phone: a fresh Chromium profile (no cookies, no cache)
// pointed at one site, with what the network did since the last page load.
type browser struct {
	t      *testing.T
	ctx    context.Context
	origin string // scheme://host:port of the site under test

	app    *app.App       // the site's app, to check what a journey stored
	outbox *notify.Outbox // what the site sent by email and SMS

	// lang and dir, when set, are what every page loaded must declare on <html>.
	lang, dir string

	mu       sync.Mutex
	bytes    float64                      // encoded bytes received since the last load began
	inflight map[network.RequestID]string // requests sent and not yet finished, with their URL
	foreign  []string                     // URLs requested from another host
}

// newBrowser starts a fresh site and headless Chromium as a phone whose preferred
// language is acceptLanguage (what a visitor's phone sends before they choose).
func newBrowser(t *testing.T, acceptLanguage string) *browser {
	t.Helper()
	chromium := requireTools(t) // first: a skipped test starts nothing
	b := &browser{t: t, inflight: map[network.RequestID]string{}}
	b.origin, b.app, b.outbox = startSite(t)

	profile, err := os.MkdirTemp("", "tremplin-e2e-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// No traffic of Chromium's own: it would only add noise and time.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// CI containers often have a 64 MB /dev/shm, which Chromium can fill
		// and crash; its shared memory then goes to /tmp instead.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
	)
	// The listener is installed before the tab's first command, so it sees
	// every request of the tab from the very first navigation.
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(b.observe))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // also waits for Chromium to exit, so the profile can go
		// Chromium's helpers can still be closing files: a leftover temporary
		// folder is not worth failing a test for.
		if err := os.RemoveAll(profile); err != nil {
			t.Logf("removing the Chromium profile: %v", err)
		}
	})

	// The first Do starts the browser and binds its life to tabCtx, which has no
	// deadline; the journey's deadline goes on a child context.
	if err := chromedp.Do(tabCtx,
		chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			// Every load is a first visit, so that its weight is the full weight.
			if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
				return err
			}
			_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
				Headers: network.Headers{"Accept-Language": acceptLanguage},
			})
			return err
		}),
	); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	ctx, cancel := context.WithTimeout(tabCtx, journeyTimeout)
	t.Cleanup(cancel)
	b.ctx = ctx
	t.Cleanup(b.checkNoForeignRequests)
	return b
}

// observe runs in the tab's event loop for every protocol event: it must be quick
// and send no command.
func (b *browser) observe(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		if strings.HasPrefix(u, "data:") {
			return // inline, nothing leaves the phone
		}
		if !b.local(u) {
			b.foreign = append(b.foreign, u)
		}
		b.inflight[ev.RequestID] = u // again on a redirect: same ID, new URL
	case *network.EventLoadingFinished:
		if _, ok := b.inflight[ev.RequestID]; ok {
			b.bytes += ev.EncodedDataLength
			delete(b.inflight, ev.RequestID)
		}
	case *network.EventLoadingFailed:
		delete(b.inflight, ev.RequestID)
	}
}

// local reports whether rawURL is on the site under test.
func (b *browser) local(rawURL string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && u.Scheme+"://"+u.Host == b.origin
}

// checkNoForeignRequests fails the test if any request, even one made between
// page loads, left for another host: Tremplin must not leak its visitors to
// fonts, analytics or CDNs.
func (b *browser) checkNoForeignRequests() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range b.foreign {
		b.t.Errorf("request to another host than %s: %s", b.origin, u)
	}
	b.foreign = nil
}

// load runs trigger (a navigation, or a click that submits a form) and waits for
// the new page. It then checks the page's weight, its hosts, its language and its
// accessibility, and returns the HTTP status of the document.
func (b *browser) load(name string, trigger chromedp.Action[chromedp.Void]) int64 {
	b.t.Helper()
	b.mu.Lock()
	// What the previous page still had loading is not this page's weight.
	b.bytes = 0
	clear(b.inflight)
	b.mu.Unlock()
	resp, err := chromedp.RunResponse(b.ctx, trigger)
	if err != nil {
		b.t.Fatalf("%s: %v", name, err)
	}
	if resp == nil {
		b.t.Fatalf("%s: no page was loaded", name)
	}
	weight := b.waitIdle(name)
	b.t.Logf("%-30s HTTP %d %6.0f B (%4.1f KB)  %s", name, resp.Status, weight, weight/1024, strings.TrimPrefix(resp.URL, b.origin))
	if weight > pageBudget {
		b.t.Errorf("%s: %.0f bytes on the wire, more than the %d-byte budget", name, weight, pageBudget)
	}
	b.checkNoForeignRequests()
	b.checkLang(name)
	b.checkReflow(name)
	checkAxe(b.t, b.ctx)
	return resp.Status
}

// checkReflow fails when the page scrolls sideways on the 360 px phone (WCAG
// 1.4.10, reflow, asks for none down to 320 px), which axe cannot see.
func (b *browser) checkReflow(name string) {
	b.t.Helper()
	overflow := js[int](b, `document.documentElement.scrollWidth - document.documentElement.clientWidth`)
	if overflow > 0 {
		b.t.Errorf("%s: the page is %d px wider than the 360 px screen", name, overflow)
	}
}

// visit loads path of the site; see load.
func (b *browser) visit(name, path string) int64 {
	b.t.Helper()
	return b.load(name, chromedp.Navigate(b.origin+path))
}

// waitIdle waits until every request the page made has finished, and returns the
// bytes they took. The load event normally comes after them already; this makes
// sure a late stylesheet or icon is counted in its page and not the next one.
func (b *browser) waitIdle(name string) float64 {
	b.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		b.mu.Lock()
		pending, weight := len(b.inflight), b.bytes
		var urls []string
		for _, u := range b.inflight {
			urls = append(urls, u)
		}
		b.mu.Unlock()
		if pending == 0 {
			return weight
		}
		if time.Now().After(deadline) {
			b.t.Errorf("%s: requests still loading after 5 s: %v", name, urls)
			return weight
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// expectLang makes every later page load check <html lang dir>.
func (b *browser) expectLang(lang, dir string) { b.lang, b.dir = lang, dir }

func (b *browser) checkLang(name string) {
	b.t.Helper()
	if b.lang == "" {
		return
	}
	type htmlAttrs struct {
		Lang string `json:"lang"`
		Dir  string `json:"dir"`
	}
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[htmlAttrs](
		`({lang: document.documentElement.lang, dir: document.documentElement.dir})`))
	if err != nil {
		b.t.Fatalf("%s: reading <html lang dir>: %v", name, err)
	}
	if got.Lang != b.lang || got.Dir != b.dir {
		b.t.Errorf(`%s: <html lang=%q dir=%q>, want lang=%q dir=%q`, name, got.Lang, got.Dir, b.lang, b.dir)
	}
}

// fill types each value into the field named by the form's id convention (f-NAME),
// key by key, as a person would.
func (b *browser) fill(fields ...[2]string) {
	b.t.Helper()
	for _, f := range fields {
		id := "f-" + f[0]
		// Empty the field first, as a person would select what is there and
		// type over it. (chromedp's SetValue cannot set "": it drops the empty
		// argument and the field gets "undefined".)
		js[chromedp.Void](b, `document.getElementById(`+jsString(id)+`).value = ""`)
		if err := chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.ID(id), f[1])); err != nil {
			b.t.Fatalf("typing into %s: %v", f[0], err)
		}
	}
}

// click returns the action of clicking the first element that css matches.
func click(css string) chromedp.Action[chromedp.Void] { return chromedp.Click(chromedp.CSS(css)) }

// jsString quotes s as a JavaScript string literal (JSON is a subset).
func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// js evaluates expr in the page and returns its value, decoded as T.
func js[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// text is the text of the first element css matches, "" when there is none.
func (b *browser) text(css string) string {
	b.t.Helper()
	return strings.TrimSpace(js[string](b, `document.querySelector(`+jsString(css)+`)?.textContent ?? ""`))
}

// path is the path of the page shown.
func (b *browser) path() string {
	b.t.Helper()
	return js[string](b, `location.pathname`)
}

// signIn signs in through the form of the login page, which must be shown.
func (b *browser) signIn(email string) {
	b.t.Helper()
	b.fill([2]string{"email", email}, [2]string{"password", demo.Password})
	if status := b.load("sign in", click(`main form[action="/login"] button[type=submit]`)); status != http.StatusOK {
		b.t.Fatalf("signing in as %s: HTTP %d", email, status)
	}
	if b.path() == "/login" {
		b.t.Fatalf("signing in as %s: still on the login page: %s", email, b.text("main"))
	}
}

// chooseLanguage presses the language button at the top of the page shown.
func (b *browser) chooseLanguage(lang string) {
	b.t.Helper()
	b.load("choose language "+lang, click(fmt.Sprintf(`header button[name=lang][value=%q]`, lang)))
}

// tick taps the label around the checkbox or radio button name=value, as a thumb
// does on a phone (the whole label is the target), then waits until the browser has
// turned the tap into the click that checks it. The box must not be ticked yet: a
// tap on a ticked checkbox unticks it.
func (b *browser) tick(name, value string) {
	b.t.Helper()
	input := fmt.Sprintf(`input[name=%q][value=%q]`, name, value)
	if err := chromedp.Do(b.ctx,
		chromedp.Tap(chromedp.CSS("label:has(> "+input+")")),
		chromedp.Poll[chromedp.Void](`document.querySelector(`+jsString(input)+`).checked`,
			chromedp.WithPollingTimeout(2*time.Second)),
	); err != nil {
		b.t.Fatalf("tapping %s: %v", input, err)
	}
}

// choose picks value in the select of the field named name (id f-NAME). Setting
// the value is what the phone's picker does; a value with no option leaves the
// select empty, hence the check.
func (b *browser) choose(name, value string) {
	b.t.Helper()
	id := "f-" + name
	if err := chromedp.Do(b.ctx, chromedp.SetValue(chromedp.ID(id), value)); err != nil {
		b.t.Fatalf("choosing %s in %s: %v", value, name, err)
	}
	if got := js[string](b, `document.getElementById(`+jsString(id)+`).value`); got != value {
		b.t.Fatalf("%s has no option %q", name, value)
	}
}

// Package smsfake is an SMS provider on loopback for tests: a real HTTP server
// that speaks the format notify.HTTPSMS posts (JSON or a form with to, body,
// from and reference, a bearer token), keeps what it receives, and can be told
// to misbehave as real providers do — fail, be down, refuse a number, throttle
// — and to post delivery receipts back. It lets a test exercise HTTPSMS, and
// whatever queues messages through it, end to end.
//
// It does not import notify on purpose: it implements the provider's side of
// the protocol on its own, so a test catches a sender and a receiver that
// merely agree with each other.
package smsfake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Received is a message the provider accepted.
type Received struct {
	ID                        string // the id the provider answered
	To, From, Body, Reference string
	Form                      bool // posted as a form rather than JSON
}

// Provider is the fake SMS provider. Its methods are safe to call while
// messages are being posted.
type Provider struct {
	srv   *httptest.Server
	token string

	mu         sync.Mutex
	msgs       []Received
	byRef      map[string]string // reference → id
	refOf      map[string]string // id → reference
	failN      int
	failStatus int
	down       bool
	refused    map[string]bool
	limit      int           // requests per window, 0 for none
	window     time.Duration // the rate limit's window
	windowFrom time.Time
	inWindow   int
}

// New starts a provider that stops when the test ends.
func New(t testing.TB) *Provider {
	p := &Provider{
		token:   rand.Text(),
		byRef:   map[string]string{},
		refOf:   map[string]string{},
		refused: map[string]bool{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /send", p.send)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// URL is the provider's address as notify.NewSMS takes it (add &format=form
// for a form): http://127.0.0.1:port/send?token=…&from=Tremplin.
func (p *Provider) URL() string {
	return p.srv.URL + "/send?" + url.Values{"token": {p.token}, "from": {"Tremplin"}}.Encode()
}

// Token is the bearer token the provider expects.
func (p *Provider) Token() string { return p.token }

// Messages returns a copy of the messages accepted so far, in order; a
// duplicate dropped by its reference is not among them twice.
func (p *Provider) Messages() []Received {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Received(nil), p.msgs...)
}

// FailNext makes the next n requests answer status (a 500, a 400…) without
// taking their message.
func (p *Provider) FailNext(n, status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failN, p.failStatus = n, status
}

// Down makes every request answer 503 until Down(false).
func (p *Provider) Down(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
}

// Refuse makes messages to number (E.164) answer 400, as a provider does for
// a number it knows cannot receive them.
func (p *Provider) Refuse(number string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refused[number] = true
}

// RateLimit lets at most n requests through in each window of the given
// length, counted from the first; the others answer 429 with a Retry-After
// header. n = 0 lifts the limit. A window far longer than the test (an hour)
// keeps the test free of timing.
func (p *Provider) RateLimit(n int, window time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.limit, p.window, p.windowFrom, p.inWindow = n, window, time.Time{}, 0
}

type message struct {
	To, From, Body, Reference string
}

func (p *Provider) send(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+p.token {
		answer(w, http.StatusUnauthorized, map[string]any{"error": "bad token"})
		return
	}
	var m message
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	form := mt == "application/x-www-form-urlencoded"
	switch {
	case form:
		if err := r.ParseForm(); err != nil {
			answer(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
			return
		}
		m = message{r.PostForm.Get("to"), r.PostForm.Get("from"), r.PostForm.Get("body"), r.PostForm.Get("reference")}
	case mt == "application/json":
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			answer(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
			return
		}
	default:
		answer(w, http.StatusUnsupportedMediaType, map[string]any{"error": "JSON or form expected"})
		return
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.down:
		answer(w, http.StatusServiceUnavailable, map[string]any{"error": "down for maintenance"})
		return
	case p.failN > 0:
		p.failN--
		answer(w, p.failStatus, map[string]any{"error": "told to fail"})
		return
	}
	if p.limit > 0 {
		now := time.Now()
		if p.windowFrom.IsZero() || now.Sub(p.windowFrom) >= p.window {
			p.windowFrom, p.inWindow = now, 0
		}
		if p.inWindow >= p.limit {
			wait := p.window - now.Sub(p.windowFrom)
			w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
			answer(w, http.StatusTooManyRequests, map[string]any{"error": "too many requests"})
			return
		}
		p.inWindow++
	}
	switch {
	case m.To == "" || m.Body == "":
		answer(w, http.StatusBadRequest, map[string]any{"error": "to and body are required"})
		return
	case p.refused[m.To]:
		answer(w, http.StatusBadRequest, map[string]any{"error": "number refused: not a mobile"})
		return
	}
	if id, dup := p.byRef[m.Reference]; dup && m.Reference != "" {
		answer(w, http.StatusOK, map[string]any{"id": id, "status": "duplicate"})
		return
	}
	id := fmt.Sprintf("fake-%d", len(p.msgs)+1)
	p.msgs = append(p.msgs, Received{ID: id, To: m.To, From: m.From, Body: m.Body, Reference: m.Reference, Form: form})
	if m.Reference != "" {
		p.byRef[m.Reference] = id
		p.refOf[id] = m.Reference
	}
	answer(w, http.StatusOK, map[string]any{"id": id, "status": "queued"})
}

func answer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// CallbackError is the answer other than 2xx that Deliver got.
type CallbackError struct{ Status int }

func (e *CallbackError) Error() string {
	return fmt.Sprintf("smsfake: callback answered %d %s", e.Status, http.StatusText(e.Status))
}

// Deliver posts a delivery receipt for the message the provider gave
// providerID to callbackURL, as JSON with the fields id, reference (the one
// the message came with) and status, signed in the header X-Signature with the
// hex HMAC-SHA256 of the body keyed with secret (no header when secret is
// empty). An answer other than 2xx is a *CallbackError.
func (p *Provider) Deliver(ctx context.Context, callbackURL, secret, providerID, status string) error {
	return p.DeliverCode(ctx, callbackURL, secret, providerID, status, "")
}

// DeliverCode is Deliver with the field error_code, when code is not empty.
func (p *Provider) DeliverCode(ctx context.Context, callbackURL, secret, providerID, status, code string) error {
	p.mu.Lock()
	fields := map[string]string{"id": providerID, "reference": p.refOf[providerID], "status": status}
	p.mu.Unlock()
	if code != "" {
		fields["error_code"] = code
	}
	body, _ := json.Marshal(fields)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, callbackURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		req.Header.Set("X-Signature", hex.EncodeToString(mac.Sum(nil)))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		return &CallbackError{Status: res.StatusCode}
	}
	return nil
}

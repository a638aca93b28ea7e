package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"tremplin/internal/platform/notify/smsfake"
)

// A provider on loopback receives what HTTPSMS sends: the token only in the
// Authorization header, the message as JSON or as a form, and the provider's
// id is read back from its answer.
func TestHTTPSMSPostsToTheProvider(t *testing.T) {
	type got struct {
		auth, ctype, query string
		body               []byte
	}
	var last got
	status, answer := http.StatusOK, `{"message_id": 80457, "status": "queued"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		last = got{r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.URL.RawQuery, b}
		w.WriteHeader(status)
		w.Write([]byte(answer))
	}))
	defer srv.Close()
	ctx := context.Background()

	s, err := NewSMS(srv.URL+"/send?token=s3cret&from=Tremplin&account=42", slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.SendSMS(ctx, SMSMessage{To: "+265991234567", Body: "مرحبا، تم استلام تسجيلك", Reference: "msg-7"})
	if err != nil {
		t.Fatal(err)
	}
	if id != "80457" {
		t.Errorf("provider id %q, want the numeric message_id 80457", id)
	}
	if last.auth != "Bearer s3cret" || strings.Contains(last.query, "s3cret") || last.query != "account=42" {
		t.Fatalf("token handling: auth %q, query %q", last.auth, last.query)
	}
	var m map[string]string
	if err := json.Unmarshal(last.body, &m); err != nil || last.ctype != "application/json" {
		t.Fatalf("body %s (%s): %v", last.body, last.ctype, err)
	}
	if m["to"] != "+265991234567" || m["body"] != "مرحبا، تم استلام تسجيلك" || m["from"] != "Tremplin" || m["reference"] != "msg-7" {
		t.Fatalf("message: %v", m)
	}

	s, err = NewSMS(strings.Replace(srv.URL, "://", "://tok@", 1)+"/send?format=form", slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	answer = "OK" // a provider that says nothing usable: no id, still sent
	if id, err := s.SendSMS(ctx, SMSMessage{To: "+33612345678", Body: "Bonjour"}); err != nil || id != "" {
		t.Fatalf("plain answer: %q, %v", id, err)
	}
	v, _ := url.ParseQuery(string(last.body))
	if last.auth != "Bearer tok" || last.ctype != "application/x-www-form-urlencoded" || v.Get("to") != "+33612345678" || v.Get("body") != "Bonjour" {
		t.Fatalf("form message: %q %q %v", last.auth, last.ctype, v)
	}
	if v.Has("reference") || v.Has("from") {
		t.Errorf("empty fields sent: %v", v)
	}

	status, answer = http.StatusPaymentRequired, `{"error":"quota"}`
	_, err = s.SendSMS(ctx, SMSMessage{To: "+33612345678", Body: "Bonjour"})
	var pe *ProviderError
	if !errors.As(err, &pe) || pe.Status != 402 || !strings.Contains(err.Error(), "402") || !strings.Contains(err.Error(), "quota") {
		t.Fatalf("refused message: %v", err)
	}
}

func TestSMSDriverChoice(t *testing.T) {
	var buf bytes.Buffer
	s, err := NewSMS("", slog.New(slog.NewTextHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(LogSMS); !ok {
		t.Fatalf("empty URL: %T, want LogSMS", s)
	}
	s.SendSMS(context.Background(), SMSMessage{To: "+33612345678", Body: "Bonjour", Reference: "msg-1"})
	if !strings.Contains(buf.String(), "+33612345678") || !strings.Contains(buf.String(), "msg-1") {
		t.Fatalf("log lacks the message: %s", buf.String())
	}
	for _, u := range []string{"smtp://x/send?token=a", "https:///send?token=a", "https://x/send", "https://x/send?token=a&format=xml"} {
		if _, err := NewSMS(u, slog.Default()); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}

// The Outbox keeps every message with its reference, a resent one too, and
// gives each its own id.
func TestOutboxKeepsTextMessages(t *testing.T) {
	var o Outbox
	ctx := context.Background()
	id1, _ := o.SendSMS(ctx, SMSMessage{To: "+33612345678", Body: "Bonjour", Reference: "msg-1"})
	id2, _ := o.SendSMS(ctx, SMSMessage{To: "+33612345678", Body: "Bonjour", Reference: "msg-1"})
	sent := o.SMSSent()
	if len(sent) != 2 || sent[1] != (SentSMS{To: "+33612345678", Body: "Bonjour", Reference: "msg-1"}) {
		t.Fatalf("outbox: %+v", sent)
	}
	if id1 == "" || id1 == id2 {
		t.Fatalf("ids %q, %q", id1, id2)
	}
}

// Through the fake provider: the id HTTPSMS returns is the one the provider
// gave, in JSON and form alike, and a message sent again with the same
// reference (a retry after a lost answer) reaches the person once.
func TestHTTPSMSWithTheFakeProvider(t *testing.T) {
	p := smsfake.New(t)
	ctx := context.Background()
	for _, format := range []string{"", "&format=form"} {
		s, err := NewSMS(p.URL()+format, slog.Default())
		if err != nil {
			t.Fatal(err)
		}
		ref := "msg-1" + format
		body := ForLanguage("ar", "سيبدأ التدريب يوم 12/05 في Lille. للاستفسار: +33 3 20 00 00 01")
		first, err := s.SendSMS(ctx, SMSMessage{To: "+33612345678", Body: body, Reference: ref})
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.SendSMS(ctx, SMSMessage{To: "+33612345678", Body: body, Reference: ref})
		if err != nil {
			t.Fatal(err)
		}
		if first == "" || again != first {
			t.Fatalf("%s: ids %q then %q, want the same non-empty id", format, first, again)
		}
	}
	got := p.Messages()
	if len(got) != 2 {
		t.Fatalf("provider received %d messages, want 2 (one per format): %+v", len(got), got)
	}
	for i, m := range got {
		if m.To != "+33612345678" || m.From != "Tremplin" || !strings.Contains(m.Body, "\u2066+33 3 20 00 00 01\u2069") || m.Form != (i == 1) {
			t.Errorf("message %d: %+v", i, m)
		}
	}
	if got[0].ID == got[1].ID {
		t.Errorf("two messages share the id %q", got[0].ID)
	}

	// A wrong token is the provider's 401.
	s, _ := NewSMS(strings.Replace(p.URL(), p.Token(), "wrong", 1), slog.Default())
	_, err := s.SendSMS(ctx, SMSMessage{To: "+33612345678", Body: "Bonjour"})
	var pe *ProviderError
	if !errors.As(err, &pe) || pe.Status != http.StatusUnauthorized {
		t.Fatalf("wrong token: %v", err)
	}
}

// What the provider answers decides whether a message is worth another try.
func TestPermanentSMSFailures(t *testing.T) {
	p := smsfake.New(t)
	ctx := context.Background()
	s, err := NewSMS(p.URL(), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	send := func() error {
		_, err := s.SendSMS(ctx, SMSMessage{To: "+33612345678", Body: "Bonjour"})
		return err
	}
	check := func(name string, err error, status int, permanent bool) {
		t.Helper()
		var pe *ProviderError
		if !errors.As(err, &pe) || pe.Status != status {
			t.Fatalf("%s: %v, want a %d", name, err, status)
		}
		if PermanentSMS(err) != permanent {
			t.Errorf("%s: PermanentSMS = %v", name, !permanent)
		}
	}

	p.Refuse("+33320000001")
	_, err = s.SendSMS(ctx, SMSMessage{To: "+33320000001", Body: "Bonjour"})
	check("refused landline", err, 400, true)
	if !strings.Contains(err.Error(), "not a mobile") {
		t.Errorf("the provider's reason is lost: %v", err)
	}

	for _, c := range []struct {
		status    int
		permanent bool
	}{{500, false}, {502, false}, {408, false}, {429, false}, {401, false}, {402, false}, {400, true}, {403, true}, {404, true}, {422, true}} {
		p.FailNext(1, c.status)
		check(fmt.Sprint("told to answer ", c.status), send(), c.status, c.permanent)
	}
	if err := send(); err != nil {
		t.Fatalf("after the failures: %v", err)
	}

	p.Down(true)
	check("provider down", send(), 503, false)
	p.Down(false)

	p.RateLimit(2, time.Hour)
	for range 2 {
		if err := send(); err != nil {
			t.Fatal(err)
		}
	}
	err = send()
	check("over the rate limit", err, 429, false)
	var pe *ProviderError
	if errors.As(err, &pe) && (pe.RetryAfter <= 0 || pe.RetryAfter > time.Hour) {
		t.Errorf("Retry-After read as %v", pe.RetryAfter)
	}
	p.RateLimit(0, 0)

	// No answer at all is worth another try: a connection refused, a request
	// given up.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	closed, _ := NewSMS("http://"+addr+"/send?token=x", slog.Default())
	if _, err := closed.SendSMS(ctx, SMSMessage{To: "+33612345678", Body: "Bonjour"}); err == nil || PermanentSMS(err) {
		t.Errorf("connection refused: %v, permanent %v", err, PermanentSMS(err))
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.SendSMS(cancelled, SMSMessage{To: "+33612345678", Body: "Bonjour"}); err == nil || PermanentSMS(err) {
		t.Errorf("cancelled: %v, permanent %v", err, PermanentSMS(err))
	}
	if PermanentSMS(nil) || !PermanentSMS(fmt.Errorf("queue: %w", &ProviderError{Status: 400})) {
		t.Error("PermanentSMS must see through wrapping and say false for no error")
	}
}

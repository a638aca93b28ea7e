package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// A provider on loopback receives what HTTPSMS sends: the token only in the
// Authorization header, the message as JSON or as a form.
func TestHTTPSMSPostsToTheProvider(t *testing.T) {
	type got struct {
		auth, ctype, query string
		body               []byte
	}
	var last got
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		last = got{r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.URL.RawQuery, b}
		w.WriteHeader(status)
		w.Write([]byte(`{"error":"quota"}`))
	}))
	defer srv.Close()
	ctx := context.Background()

	s, err := NewSMS(srv.URL+"/send?token=s3cret&from=Tremplin&account=42", slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SendSMS(ctx, "+265991234567", "مرحبا، تم استلام تسجيلك"); err != nil {
		t.Fatal(err)
	}
	if last.auth != "Bearer s3cret" || strings.Contains(last.query, "s3cret") || last.query != "account=42" {
		t.Fatalf("token handling: auth %q, query %q", last.auth, last.query)
	}
	var m map[string]string
	if err := json.Unmarshal(last.body, &m); err != nil || last.ctype != "application/json" {
		t.Fatalf("body %s (%s): %v", last.body, last.ctype, err)
	}
	if m["to"] != "+265991234567" || m["body"] != "مرحبا، تم استلام تسجيلك" || m["from"] != "Tremplin" {
		t.Fatalf("message: %v", m)
	}

	s, err = NewSMS(strings.Replace(srv.URL, "://", "://tok@", 1)+"/send?format=form", slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SendSMS(ctx, "+33612345678", "Bonjour"); err != nil {
		t.Fatal(err)
	}
	v, _ := url.ParseQuery(string(last.body))
	if last.auth != "Bearer tok" || last.ctype != "application/x-www-form-urlencoded" || v.Get("to") != "+33612345678" || v.Get("body") != "Bonjour" {
		t.Fatalf("form message: %q %q %v", last.auth, last.ctype, v)
	}

	status = http.StatusPaymentRequired
	if err := s.SendSMS(ctx, "+33612345678", "Bonjour"); err == nil || !strings.Contains(err.Error(), "402") || !strings.Contains(err.Error(), "quota") {
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
	s.SendSMS(context.Background(), "+33612345678", "Bonjour")
	if !strings.Contains(buf.String(), "+33612345678") {
		t.Fatalf("log lacks the message: %s", buf.String())
	}
	for _, u := range []string{"smtp://x/send?token=a", "https:///send?token=a", "https://x/send", "https://x/send?token=a&format=xml"} {
		if _, err := NewSMS(u, slog.Default()); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}

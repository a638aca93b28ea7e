package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"tremplin/internal/platform/notify/smsfake"
)

// receiptServer is what the queue's handler will be: it answers 403 when
// ParseStatusCallback says the secret is wrong, 400 for any other error, and
// keeps the reports it reads.
type receiptServer struct {
	*httptest.Server
	mu      sync.Mutex
	reports []StatusReport
}

func newReceiptServer(t *testing.T, secret string) *receiptServer {
	rs := &receiptServer{}
	h := func(w http.ResponseWriter, r *http.Request) {
		rep, err := ParseStatusCallback(r, secret)
		switch {
		case errors.Is(err, ErrCallbackAuth):
			http.Error(w, "forbidden", http.StatusForbidden)
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadRequest)
		default:
			rs.mu.Lock()
			rs.reports = append(rs.reports, rep)
			rs.mu.Unlock()
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /sms/status/{secret}", h)
	mux.HandleFunc("POST /sms/status", h)
	rs.Server = httptest.NewServer(mux)
	t.Cleanup(rs.Close)
	return rs
}

func (rs *receiptServer) last(t *testing.T) StatusReport {
	t.Helper()
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if len(rs.reports) == 0 {
		t.Fatal("no report read")
	}
	return rs.reports[len(rs.reports)-1]
}

func (rs *receiptServer) count() int {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return len(rs.reports)
}

func callbackError(err error) int {
	var ce *smsfake.CallbackError
	if errors.As(err, &ce) {
		return ce.Status
	}
	return 0
}

// A message sent through HTTPSMS comes back as a signed receipt from the
// provider naming its id and our reference.
func TestStatusCallbackFromTheProvider(t *testing.T) {
	const secret = "r3ceipts"
	p := smsfake.New(t)
	rs := newReceiptServer(t, secret)
	ctx := context.Background()
	s, err := NewSMS(p.URL(), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.SendSMS(ctx, SMSMessage{To: "+33612345678", Body: "Bonjour", Reference: "msg-42"})
	if err != nil {
		t.Fatal(err)
	}

	// Signed body, URL without the secret.
	if err := p.Deliver(ctx, rs.URL+"/sms/status", secret, id, "delivered"); err != nil {
		t.Fatal(err)
	}
	want := StatusReport{ProviderID: id, Reference: "msg-42", Status: StatusDelivered, Raw: "delivered"}
	if got := rs.last(t); got != want {
		t.Fatalf("report %+v, want %+v", got, want)
	}

	// The secret in the URL, no signature; a landline's code.
	if err := p.DeliverCode(ctx, rs.URL+"/sms/status/"+secret, "", id, "failed", "30006"); err != nil {
		t.Fatal(err)
	}
	want = StatusReport{ProviderID: id, Reference: "msg-42", Status: StatusFailed, Code: "30006", Undeliverable: true, Raw: "failed"}
	if got := rs.last(t); got != want {
		t.Fatalf("report %+v, want %+v", got, want)
	}

	// Anyone else is refused.
	n := rs.count()
	for name, err := range map[string]error{
		"wrong signing secret": p.Deliver(ctx, rs.URL+"/sms/status", "guess", id, "delivered"),
		"wrong secret in URL":  p.Deliver(ctx, rs.URL+"/sms/status/guess", "", id, "delivered"),
		"no proof at all":      p.Deliver(ctx, rs.URL+"/sms/status", "", id, "delivered"),
		"prefix of the secret": p.Deliver(ctx, rs.URL+"/sms/status/r3c", "", id, "delivered"),
	} {
		if callbackError(err) != http.StatusForbidden {
			t.Errorf("%s: %v, want 403", name, err)
		}
	}
	if rs.count() != n {
		t.Fatal("a refused receipt was read")
	}
}

// A receipt whose body was changed after signing is refused; a form body is
// read like JSON; a receipt without a status or an id is malformed, not
// forbidden.
func TestStatusCallbackBodies(t *testing.T) {
	const secret = "r3ceipts"
	rs := newReceiptServer(t, secret)
	sign := func(body string) string {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(body))
		return hex.EncodeToString(mac.Sum(nil))
	}
	post := func(path, ctype, body, signature string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, rs.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		if signature != "" {
			req.Header.Set("X-Signature", signature)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}

	signedBody := `{"id":"p-1","status":"delivered"}`
	if got := post("/sms/status", "application/json", `{"id":"p-1","status":"failed"}`, sign(signedBody)); got != http.StatusForbidden {
		t.Errorf("tampered body: %d, want 403", got)
	}
	if got := post("/sms/status", "application/json", signedBody, "sha256="+sign(signedBody)); got != http.StatusOK {
		t.Errorf("sha256= prefixed signature: %d", got)
	}

	form := url.Values{"message_id": {"p-2"}, "reference": {"msg-9"}, "status": {"UNDELIV"}, "code": {"landline"}}.Encode()
	if got := post("/sms/status/"+secret, "application/x-www-form-urlencoded", form, ""); got != http.StatusOK {
		t.Fatalf("form receipt: %d", got)
	}
	want := StatusReport{ProviderID: "p-2", Reference: "msg-9", Status: StatusFailed, Code: "landline", Undeliverable: true, Raw: "UNDELIV"}
	if got := rs.last(t); got != want {
		t.Errorf("form report %+v, want %+v", got, want)
	}

	if got := post("/sms/status/"+secret, "application/json", `{"id":40213,"status":"DELIVRD","error_code":0}`, ""); got != http.StatusOK {
		t.Fatalf("numeric fields: %d", got)
	}
	if got := rs.last(t); got.ProviderID != "40213" || got.Status != StatusDelivered || got.Code != "0" {
		t.Errorf("numeric fields read as %+v", got)
	}

	for name, body := range map[string]string{
		"no status": `{"id":"p-1"}`,
		"no id":     `{"status":"delivered"}`,
		"not JSON":  `{"id":`,
		"too large": `{"id":"p-1","status":"delivered","pad":"` + strings.Repeat("x", 70<<10) + `"}`,
	} {
		if got := post("/sms/status/"+secret, "application/json", body, ""); got != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, got)
		}
	}
}

// With no secret configured, nothing is accepted, not even an empty one.
func TestStatusCallbackWithoutASecret(t *testing.T) {
	rs := newReceiptServer(t, "")
	mac := hmac.New(sha256.New, nil)
	body := `{"id":"p-1","status":"delivered"}`
	mac.Write([]byte(body))
	req, _ := http.NewRequest(http.MethodPost, rs.URL+"/sms/status", strings.NewReader(body))
	req.Header.Set("X-Signature", hex.EncodeToString(mac.Sum(nil)))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("empty secret: %d, want 403", res.StatusCode)
	}
}

// The words providers use for a message's fate, read as ours.
func TestStatusCallbackWords(t *testing.T) {
	cases := []struct {
		word, code    string
		status        DeliveryStatus
		undeliverable bool
	}{
		{"delivered", "", StatusDelivered, false},
		{"DELIVRD", "", StatusDelivered, false},
		{"delivered_to_handset", "", StatusDelivered, false},
		{"sent", "", StatusSent, false},
		{"queued", "", StatusSent, false},
		{"ENROUTE", "", StatusSent, false},
		{"something new", "", StatusSent, false},
		{"failed", "", StatusFailed, false},
		{"undelivered", "30003", StatusFailed, false}, // phone off: the number is fine
		{"REJECTD", "", StatusFailed, false},
		{"undeliverable", "", StatusFailed, true},
		{"undelivered", "30005", StatusFailed, true},
		{"failed", "not_mobile", StatusFailed, true},
		{"sent", "30006", StatusFailed, true}, // the code outweighs a vague word
		{"delivered", "30006", StatusDelivered, false},
		{"expired", "", StatusExpired, false},
		{"EXPIRED", "", StatusExpired, false},
	}
	for _, c := range cases {
		t.Run(c.word+"/"+c.code, func(t *testing.T) {
			v := url.Values{"id": {"p-1"}, "status": {c.word}, "error_code": {c.code}}
			r := httptest.NewRequest(http.MethodPost, "/sms/status/s", strings.NewReader(v.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.SetPathValue("secret", "s")
			rep, err := ParseStatusCallback(r, "s")
			if err != nil {
				t.Fatal(err)
			}
			if rep.Status != c.status || rep.Undeliverable != c.undeliverable || rep.Raw != c.word {
				t.Errorf("%q %q: %+v; want %s, undeliverable %v", c.word, c.code, rep, c.status, c.undeliverable)
			}
			if rep.Status.Final() == (c.status == StatusSent) {
				t.Errorf("%s: Final() = %v", rep.Status, rep.Status.Final())
			}
		})
	}
}

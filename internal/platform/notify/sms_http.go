package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// HTTPSMS hands text messages to an SMS provider's web API: one POST per message
// to URL, with the token as a bearer credential, and the fields to, body, from
// and reference (our id for the message, by which the provider drops a
// duplicate) as JSON (the default) or as a form. Package smsfake is a provider
// speaking this format, for tests.
type HTTPSMS struct {
	URL    string // where to POST, without the token
	Token  string
	From   string // sender name or number, when the provider wants one
	Form   bool   // send application/x-www-form-urlencoded instead of JSON
	Client *http.Client
}

// NewSMS returns the log driver for an empty URL, else an HTTP driver for a URL such
// as https://sms.example.org/send?token=SECRET&from=Tremplin[&format=form]. The
// token may also be given as the URL's user (https://SECRET@sms.example.org/send).
// It is never sent in the URL, only in the Authorization header.
func NewSMS(rawURL string, log *slog.Logger) (SMS, error) {
	if rawURL == "" {
		return LogSMS{Log: log}, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("SMS URL: expected https://host/path?token=…&from=…")
	}
	q := u.Query()
	s := &HTTPSMS{Token: q.Get("token"), From: q.Get("from"), Client: &http.Client{Timeout: 10 * time.Second}}
	switch q.Get("format") {
	case "", "json":
	case "form":
		s.Form = true
	default:
		return nil, errors.New("SMS URL: format must be json or form")
	}
	if s.Token == "" && u.User != nil {
		s.Token = u.User.Username()
	}
	if s.Token == "" {
		return nil, errors.New("SMS URL: the token= parameter is required")
	}
	q.Del("token")
	q.Del("from")
	q.Del("format")
	u.User = nil
	u.RawQuery = q.Encode()
	s.URL = u.String()
	return s, nil
}

// SendSMS posts one message. The provider's id is read from the field id (or
// message_id) of a JSON answer; an answer other than 2xx is a *ProviderError.
func (s *HTTPSMS) SendSMS(ctx context.Context, m SMSMessage) (string, error) {
	fields := map[string]string{"to": m.To, "body": m.Body}
	if s.From != "" {
		fields["from"] = s.From
	}
	if m.Reference != "" {
		fields["reference"] = m.Reference
	}
	var (
		payload []byte
		ctype   string
	)
	if s.Form {
		v := url.Values{}
		for k, f := range fields {
			v.Set(k, f)
		}
		payload, ctype = []byte(v.Encode()), "application/x-www-form-urlencoded"
	} else {
		payload, _ = json.Marshal(fields)
		ctype = "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(payload))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.Token)
	client := s.Client
	if client == nil {
		client = http.DefaultClient
	}
	res, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("sms: %w", err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	if res.StatusCode/100 != 2 {
		snippet := answer[:min(len(answer), 200)]
		return "", &ProviderError{Status: res.StatusCode, Body: strings.TrimSpace(string(snippet)),
			RetryAfter: retryAfter(res.Header.Get("Retry-After"), time.Now())}
	}
	return answerID(answer), nil
}

// answerID reads the message's id from a provider's JSON answer, written as a
// string or a number; "" when there is none.
func answerID(answer []byte) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(answer, &fields) != nil {
		return ""
	}
	for _, name := range []string{"id", "message_id"} {
		if v := scalar(fields[name]); v != "" {
			return v
		}
	}
	return ""
}

// scalar turns a JSON string or number into text, and anything else into "".
func scalar(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// ProviderError is an SMS provider's answer other than 2xx.
type ProviderError struct {
	Status int
	Body   string // the start of the answer, which often says why
	// RetryAfter is how long the provider asks to wait (its Retry-After header,
	// on a 429 or a 503); 0 when it does not say.
	RetryAfter time.Duration
}

func (e *ProviderError) Error() string {
	return fmt.Sprintf("sms: provider answered %d %s: %s", e.Status, http.StatusText(e.Status), e.Body)
}

// PermanentSMS reports whether an error from SendSMS is about the message
// itself, so that sending it again would fail again: the provider refused it
// with a 4xx (a wrong or barred number, a body it rejects). Everything else is
// worth another try later: 5xx, 408 (timeout), 429 (too many requests), a
// timeout or a refused connection, and also 401 and 402, which are about our
// account (a wrong token, no credit left) and heal once someone fixes it.
func PermanentSMS(err error) bool {
	var pe *ProviderError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Status {
	case http.StatusUnauthorized, http.StatusPaymentRequired, http.StatusRequestTimeout, http.StatusTooManyRequests:
		return false
	}
	return pe.Status >= 400 && pe.Status < 500
}

// retryAfter reads a Retry-After header: a number of seconds or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
